"""How fast race day can be: the fitness a plan of some weeks can add, at the volume it
builds to. The goal check (:mod:`core.goals`) and the plan's goal warning (:mod:`core.plan`)
read the same range, so what one calls within reach the other never calls out of it."""

from dataclasses import dataclass

from core.fitness import equivalent_time, vdot
from core.models import RaceType
from core.prediction import predict_race, race_prediction_s
from core.profiles import PEAK_GROWTH, profile_for
from core.units import FIVE_K_M, METRES_PER_MILE

# Daniels (Running Formula, 3rd ed.): fitness gained by steady training moves VDOT by about one
# point every 3–6 weeks. The check takes the fast end and caps it, and judges against the
# prediction model's 80 % range: it refuses only what is out of reach, not what is ambitious.
VDOT_GAIN_PER_WEEK = 1 / 3
MAX_VDOT_GAIN = 6.0
WEEKLY_GROWTH = 1.10  # the plans' own cap on volume growth (the 10 % rule)
MIN_GROWTH_BASE_M = 10_000  # a runner starting from nothing builds from a few short runs


@dataclass(frozen=True)
class GoalRange:
    fastest_s: float  # the quickest race day could bring (fitness gained, the 80 % range)
    likely_s: float  # what race day should bring if training goes to plan (the point)
    predicted_s: float  # what today's fitness predicts


def goal_range(distance_m: float, five_k_s: float, weekly_m: float, weeks: int) -> GoalRange:
    """Today's prediction, and the fastest race day could bring: the fitness a plan of
    ``weeks`` can add, at the peak volume it builds to (the runner's level's peak, or 30 %
    over today's, as :mod:`core.plan` builds it)."""
    now = vdot(FIVE_K_M, five_k_s)
    gained = now + min(VDOT_GAIN_PER_WEEK * max(weeks, 0), MAX_VDOT_GAIN)
    fitter_5k = equivalent_time(gained, FIVE_K_M)
    peak_m = _peak_volume_m(distance_m, weekly_m, weeks)
    race_day = predict_race([(FIVE_K_M, fitter_5k)], distance_m, peak_m)
    today = race_prediction_s(five_k_s, distance_m, weekly_m)
    return GoalRange(race_day.low_s, race_day.predicted_s, today)


def _peak_volume_m(distance_m: float, weekly_m: float, weeks: int) -> float:
    """The volume the plan builds to in ``weeks`` (never more than +10 % a week)."""
    profile = profile_for(RaceType.from_distance(distance_m), distance_m)
    level_peak_m = profile.level(weekly_m / METRES_PER_MILE).peak_miles * METRES_PER_MILE
    wanted = max(level_peak_m, weekly_m * PEAK_GROWTH)
    return min(wanted, max(weekly_m, MIN_GROWTH_BASE_M) * WEEKLY_GROWTH ** max(weeks, 0))
