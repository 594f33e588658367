"""Race predictions: the product's seed predictor beside VDOT and Riegel, and the one the plan
races by (:func:`race_prediction_s`)."""

import math

from core.fitness import check_vdot_range, equivalent_time, riegel, vdot
from core.models import Prediction
from core.units import FIVE_K_M, MARATHON_M, METRES_PER_MILE

# Vickers & Vertosick 2016 (BMC Sports Sci Med Rehabil 8:26), model 1: marathon speed from one
# race and typical weekly miles, fitted on 2,303 recreational runners.
VV_INTERCEPT, VV_RACE, VV_MILES, VV_EXPONENT = 0.16018617, 0.83076202, 0.0064238, 1.07

SEED_BASE_MILES = 3.1
SEED_PENALTY_EVERY_MILES = 6.2
SEED_PENALTY_S_PER_MILE = 10.0


def seed_prediction(baseline_5k_s: float, distance_m: float) -> float:
    """The product's pre-training predictor: the baseline 5k pace per mile plus a fatigue
    penalty of 10 s/mi per 6.2 mi beyond the 5k, times the race's miles."""
    pace_per_mile = baseline_5k_s / (FIVE_K_M / METRES_PER_MILE)
    race_miles = distance_m / METRES_PER_MILE
    penalty = ((race_miles - SEED_BASE_MILES) / SEED_PENALTY_EVERY_MILES) * SEED_PENALTY_S_PER_MILE
    return (pace_per_mile + penalty) * race_miles


def predict(
    baseline_5k_s: float, distance_m: float, goal_time_s: float | None = None
) -> Prediction:
    runner_vdot = check_vdot_range(vdot(FIVE_K_M, baseline_5k_s))
    seed = seed_prediction(baseline_5k_s, distance_m)
    return Prediction(
        baseline_5k_s=baseline_5k_s,
        distance_m=distance_m,
        seed_prediction_s=seed,
        vdot=runner_vdot,
        vdot_prediction_s=equivalent_time(runner_vdot, distance_m),
        riegel_prediction_s=riegel(baseline_5k_s, FIVE_K_M, distance_m),
        goal_time_s=goal_time_s,
        delta_s=None if goal_time_s is None else seed - goal_time_s,
    )


def race_prediction_s(baseline_5k_s: float, distance_m: float, weekly_m: float) -> float:
    """Race time a recreational runner with this 5k and weekly volume can expect.

    The marathon is Vickers–Vertosick model 1 (median bias ~0 on their runners, where Riegel
    and VDOT are ~8 % optimistic); shorter races take Riegel's 1.07 exponent with the same
    correction scaled by log-distance (none at 5k, all of it at the marathon); 5k and under is
    Riegel. Plans race and run marathon-pace work at this, not at the raw VDOT pace.
    """
    riegel_s = riegel(baseline_5k_s, FIVE_K_M, distance_m, VV_EXPONENT)
    if distance_m <= FIVE_K_M:
        return riegel(baseline_5k_s, FIVE_K_M, distance_m)
    correction = _marathon_s(baseline_5k_s, weekly_m) / riegel(
        baseline_5k_s, FIVE_K_M, MARATHON_M, VV_EXPONENT
    )
    reach = min(1.0, math.log(distance_m / FIVE_K_M) / math.log(MARATHON_M / FIVE_K_M))
    return riegel_s * correction**reach


def _marathon_s(baseline_5k_s: float, weekly_m: float) -> float:
    race_speed = MARATHON_M / riegel(baseline_5k_s, FIVE_K_M, MARATHON_M, VV_EXPONENT)
    miles = weekly_m / METRES_PER_MILE
    speed = VV_INTERCEPT + VV_RACE * race_speed + VV_MILES * miles
    return MARATHON_M / speed
