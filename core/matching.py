"""The matcher behind "Is this activity for your plan?".

Each open planned run within ±3 days is scored:
    confidence = 0.55 · date_score + 0.35 · distance_score + 0.10 · pace_score
Decision: ``auto`` when the best is the same local day, within the distance tolerance, confident
(≥ 0.8) and clearly ahead of any other run planned that same day (≥ 0.25); ``extra`` when
nothing reaches 0.35; otherwise ``ask``. A similar run on another day does not make a same-day
fit doubtful: the date is the strongest evidence, and the link comes with Undo. Asking every time
a 6-day plan repeats a distance taught runners to ignore the question.
"""

from collections.abc import Iterable

from core.models import (
    AthleteActivity,
    MatchCandidate,
    MatchDecision,
    MatchResult,
    TrainingDayPlanned,
)
from core.units import METRES_PER_MILE

WINDOW_DAYS = 3
DATE_SCORES = {0: 1.0, 1: 0.6, 2: 0.3, 3: 0.15}
AUTO_CONFIDENCE, AUTO_MARGIN, PLAUSIBLE = 0.8, 0.25, 0.35
DISTANCE_TOLERANCE_M = 0.5 * METRES_PER_MILE
DISTANCE_TOLERANCE_SHARE = 0.15
MAX_CANDIDATES = 3


def match(
    activity: AthleteActivity,
    planned: Iterable[TrainingDayPlanned],
    linked: Iterable[tuple[int, int]] = (),
) -> MatchResult:
    """Rank the planned days ``activity`` may belong to; ``linked`` holds (week, day) already
    done."""
    if not activity.is_run or activity.distance_m <= 0:
        return MatchResult(decision=MatchDecision.EXTRA, candidates=())
    taken = set(linked)
    candidates = sorted(
        (
            _candidate(activity, day)
            for day in planned
            if day.planned.type.is_run
            and (day.week_index, day.day_index) not in taken
            and abs((day.date - activity.local_date).days) <= WINDOW_DAYS
        ),
        key=lambda c: (-c.confidence, c.days_apart, c.day.date),
    )
    plausible = tuple(c for c in candidates if c.confidence >= PLAUSIBLE)[:MAX_CANDIDATES]
    return MatchResult(decision=_decide(plausible), candidates=plausible)


def second_run(
    activity: AthleteActivity,
    planned: Iterable[TrainingDayPlanned],
    linked: Iterable[tuple[int, int]],
) -> MatchCandidate | None:
    """The activity's own day when its planned run is done already: a second run that day is
    most likely that day's double (a morning and an evening run), so it is offered first."""
    done = set(linked)
    for day in planned:
        same = day.date == activity.local_date and day.planned.type.is_run
        if same and (day.week_index, day.day_index) in done:
            return _candidate(activity, day)
    return None


def _candidate(activity: AthleteActivity, day: TrainingDayPlanned) -> MatchCandidate:
    apart = abs((day.date - activity.local_date).days)
    planned_m = day.planned.distance_m
    ratio = activity.distance_m / planned_m if planned_m else 0.0
    confidence = (
        0.55 * DATE_SCORES[apart]
        + 0.35 * _distance_score(ratio)
        + 0.10 * _pace_score(day.planned.pace_s_per_km, activity.pace_s_per_km)
    )
    return MatchCandidate(
        day=day, confidence=round(min(confidence, 1.0), 4), days_apart=apart, distance_ratio=ratio
    )


def _distance_score(ratio: float) -> float:
    """1 within ±15 %, falling linearly to 0 at ±60 %."""
    off = abs(1 - ratio)
    return 1.0 if off <= 0.15 else max(0.0, 1 - (off - 0.15) / 0.45)


def _pace_score(planned: float | None, actual: float | None) -> float:
    """1 within 10 s/km (≈ 15 s/mi), 0 from 60 s/km off."""
    if planned is None or actual is None:
        return 0.5
    off = abs(actual - planned)
    return 1.0 if off <= 10 else max(0.0, 1 - (off - 10) / 50)


def within_distance_tolerance(actual_m: float, planned_m: float) -> bool:
    return abs(actual_m - planned_m) <= max(
        DISTANCE_TOLERANCE_M, DISTANCE_TOLERANCE_SHARE * planned_m
    )


def _decide(candidates: tuple[MatchCandidate, ...]) -> MatchDecision:
    if not candidates:
        return MatchDecision.EXTRA
    best = candidates[0]
    same_day = [c.confidence for c in candidates[1:] if c.days_apart == 0]
    runner_up = max(same_day, default=0.0)
    confident = (
        best.days_apart == 0
        and within_distance_tolerance(
            best.distance_ratio * best.day.planned.distance_m, best.day.planned.distance_m
        )
        and best.confidence >= AUTO_CONFIDENCE
        and best.confidence - runner_up >= AUTO_MARGIN
    )
    return MatchDecision.AUTO if confident else MatchDecision.ASK
