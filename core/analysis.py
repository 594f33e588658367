"""The product's calculateAnalysis: how a linked run compares with its planned day.

Quality score (0–100), documented:
    score = 50 · distance_part + 50 · pace_part
    distance_part = max(0, 1 − excess_miles / planned_miles), excess_miles = max(0, |Δmi| − 0.5)
    pace_part     = max(0, 1 − excess_pace / 60),           excess_pace = max(0, |Δs/mi| − 15)
Inside the targets (0.5 mi, 15 s/mi) a part is full; beyond them it falls linearly, reaching zero
when the distance is off by a whole planned distance or the pace by 75 s/mi.
"""

from core.models import AthleteActivity, DayAnalysis, DayStatus, PlannedWorkout
from core.units import METRES_PER_MILE, metres_to_miles, pace_per_km_to_per_mile

DISTANCE_TOLERANCE_MI = 0.5
PACE_TOLERANCE_S_PER_MI = 15.0
PACE_FALLOFF_S_PER_MI = 60.0
COMPLETED_SHARE = 0.9  # ≥ 90 % of the planned distance (or within 0.5 mi) counts as completed


def analyse(planned: PlannedWorkout, activity: AthleteActivity) -> DayAnalysis:
    actual_pace = activity.pace_s_per_km
    pace_delta = _pace_delta(planned.pace_s_per_km, actual_pace)
    delta_m = activity.distance_m - planned.distance_m
    delta_mi = metres_to_miles(delta_m)
    distance_hit = abs(delta_mi) <= DISTANCE_TOLERANCE_MI
    return DayAnalysis(
        workout_type=planned.type,
        planned_m=planned.distance_m,
        actual_m=activity.distance_m,
        distance_variance_m=delta_m,
        distance_variance_pct=100 * delta_m / planned.distance_m if planned.distance_m else None,
        planned_pace_s_per_km=planned.pace_s_per_km,
        actual_pace_s_per_km=actual_pace,
        pace_variance_s_per_mile=pace_delta,
        distance_hit=distance_hit,
        pace_hit=pace_delta is None or abs(pace_delta) <= PACE_TOLERANCE_S_PER_MI,
        quality_score=quality_score(planned.distance_m, delta_mi, pace_delta),
        status=_status(planned.distance_m, activity.distance_m, distance_hit),
    )


def missed(planned: PlannedWorkout) -> DayAnalysis:
    """The analysis of a planned run with no activity linked."""
    return DayAnalysis(
        workout_type=planned.type,
        planned_m=planned.distance_m,
        actual_m=0.0,
        distance_variance_m=-planned.distance_m,
        distance_variance_pct=-100.0 if planned.distance_m else None,
        planned_pace_s_per_km=planned.pace_s_per_km,
        actual_pace_s_per_km=None,
        pace_variance_s_per_mile=None,
        distance_hit=False,
        pace_hit=False,
        quality_score=0,
        status=DayStatus.MISSED,
    )


def _pace_delta(planned: float | None, actual: float | None) -> float | None:
    """Seconds per mile slower (+) or faster (−) than planned."""
    if planned is None or actual is None:
        return None
    return pace_per_km_to_per_mile(actual - planned)


def quality_score(planned_m: float, delta_mi: float, pace_delta: float | None) -> int:
    planned_mi = max(planned_m / METRES_PER_MILE, DISTANCE_TOLERANCE_MI)
    excess_mi = max(0.0, abs(delta_mi) - DISTANCE_TOLERANCE_MI)
    distance_part = max(0.0, 1 - excess_mi / planned_mi)
    pace_part = 1.0
    if pace_delta is not None:
        excess_pace = max(0.0, abs(pace_delta) - PACE_TOLERANCE_S_PER_MI)
        pace_part = max(0.0, 1 - excess_pace / PACE_FALLOFF_S_PER_MI)
    return round(50 * distance_part + 50 * pace_part)


def _status(planned_m: float, actual_m: float, distance_hit: bool) -> DayStatus:
    if actual_m <= 0:
        return DayStatus.MISSED
    if distance_hit or actual_m >= COMPLETED_SHARE * planned_m:
        return DayStatus.COMPLETED
    return DayStatus.PARTIAL
