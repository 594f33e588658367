"""Adaptive 5k: today's 5k fitness from the last weeks of linked runs.

Each run implies a VDOT: the oxygen cost of its average pace divided by the share of VDOT its
workout type is run at (a whole quality session, warm-up and jogs included, averages ~0.8). Runs
are weighted by effort (races and quality sessions count most, then long runs) and by recency
(half-life 14 days), outliers beyond ±15 % of the previous value are clipped (GPS glitches,
treadmills), and the current value acts as a prior worth one quality session, so a single run
never swings the estimate.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from core.fitness import equivalent_time, oxygen_cost, vdot
from core.models import Adaptive5kSnapshot, ExecutedDay, Trend, WorkoutType
from core.units import FIVE_K_M, METRES_PER_KM

WINDOW_DAYS = 42
HALF_LIFE_DAYS = 14.0
PRIOR_WEIGHT = 3.0
CLIP = 0.15
TREND_THRESHOLD = 0.01
MIN_RUN_M = 1500.0

# (share of VDOT the whole run averages, weight)
EFFORT: dict[WorkoutType, tuple[float, float]] = {
    WorkoutType.RECOVERY: (0.66, 0.5),
    WorkoutType.EASY: (0.70, 1.0),
    WorkoutType.LONG: (0.70, 2.0),
    WorkoutType.MEDIUM_LONG: (0.70, 1.5),
    WorkoutType.MARATHON_PACE: (0.79, 3.0),
    WorkoutType.INTERVALS: (0.79, 3.0),
    WorkoutType.REPETITION: (0.79, 3.0),  # like intervals: fast reps, long jogs between
    WorkoutType.TEMPO: (0.80, 3.0),
}
RACE_WEIGHT = 4.0


@dataclass(frozen=True)
class _Evidence:
    vdot: float
    weight: float


def implied_vdot(kind: WorkoutType, distance_m: float, seconds: float) -> float | None:
    if distance_m < MIN_RUN_M or seconds <= 0:
        return None
    if kind is WorkoutType.RACE:
        return vdot(distance_m, seconds)
    share = EFFORT.get(kind)
    if share is None:
        return None
    velocity = distance_m / (seconds / 60)
    return oxygen_cost(velocity) / share[0]


def _evidence(day: ExecutedDay, today: date, prior: float) -> _Evidence | None:
    analysis = day.analysis
    age = (today - day.date).days
    pace = analysis.actual_pace_s_per_km
    if not 0 <= age <= WINDOW_DAYS or pace is None:
        return None
    seconds = pace * analysis.actual_m / METRES_PER_KM
    implied = implied_vdot(day.planned.type, analysis.actual_m, seconds)
    if implied is None:
        return None
    clipped = min(max(implied, prior * (1 - CLIP)), prior * (1 + CLIP))
    weight = RACE_WEIGHT if day.planned.type is WorkoutType.RACE else EFFORT[day.planned.type][1]
    return _Evidence(clipped, weight * 0.5 ** (age / HALF_LIFE_DAYS))


def estimate_vdot(
    executed: Iterable[ExecutedDay], today: date, prior_vdot: float
) -> tuple[float, int]:
    """(VDOT, runs used) from linked runs of the last six weeks, shrunk towards the prior."""
    evidence = [e for day in executed if (e := _evidence(day, today, prior_vdot)) is not None]
    total = PRIOR_WEIGHT + sum(e.weight for e in evidence)
    value = (PRIOR_WEIGHT * prior_vdot + sum(e.vdot * e.weight for e in evidence)) / total
    return value, len(evidence)


def snapshot(
    executed: Iterable[ExecutedDay],
    today: date,
    week_index: int,
    prior_5k_s: float,
    previous: Adaptive5kSnapshot | None = None,
) -> Adaptive5kSnapshot:
    """This week's adaptive 5k and its trend against the previous snapshot (or the prior)."""
    prior_vdot = vdot(FIVE_K_M, prior_5k_s)
    value, used = estimate_vdot(executed, today, prior_vdot)
    seconds = round(equivalent_time(value, FIVE_K_M))
    reference = previous.seconds if previous else prior_5k_s
    return Adaptive5kSnapshot(
        week_index=week_index,
        taken_on=today,
        seconds=seconds,
        vdot=round(value, 2),
        runs_used=used,
        trend=trend(reference, seconds),
    )


def trend(before_s: float, now_s: float) -> Trend:
    if now_s < before_s * (1 - TREND_THRESHOLD):
        return Trend.IMPROVING
    if now_s > before_s * (1 + TREND_THRESHOLD):
        return Trend.DECLINING
    return Trend.STEADY
