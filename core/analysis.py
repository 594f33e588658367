"""How a linked run compares with its planned day: by steps when the run can be split, by the
whole run otherwise.

Splitting: the runner's laps when they match the workout's steps one for one (lap button or a
watch workout), else the run's track cut at the planned step distances. Manual logs and files
without a track can't be split: the whole run is judged against the session's *average* planned
pace (warm-up, jogs and cool-down included), not the work pace.

Quality score (0–100):
- Structured sessions (threshold, intervals, repetitions, marathon pace): 70 % the work — each
  rep scores 1 inside its pace range (± 3 s/km), falling to 0 at 15 s/km (~25 s/mi) beyond — and
  30 % the distance. A rep run 30 s/mi slow scores near 0: such a session scores ≤ 70.
- Steady runs (easy, recovery, long, medium-long): 50 % distance, 50 % pace, where only running
  *faster* than the range costs (an easy run is never too slow: Seiler's 80/20).
- A race, or a run the runner noted as a race or time trial: never judged against a pace
  target (it replaced the day's session and it is what sets fitness: core.adaptive); it is
  done, 100, with a note saying so.
- A session that can't be split: 50 % distance, 50 % pace against the seed's targets (0.5 mi,
  15 s/mi), which stay shown as ``distance_hit`` / ``pace_hit`` for every run.
Distance is judged by ratio (TrainingPeaks' compliance: 80–120 % green, 50–79 % and 121–150 %
yellow, else red): full inside green, falling linearly to 0 at ±70 %.

A run that stops early is still cut at the planned steps: the reps it never reached score 0 and
are named. A structured session whose work was not run — reps missed, or fewer than half on
pace (unsplit: an average pace more than 15 s/mi slower than the session's) — scores at most 70
(the distance's share) and says so; it is *partial*. Score the work actually done.
"""

import bisect
from dataclasses import dataclass

from core.models import (
    AnalysisNote,
    AthleteActivity,
    ComplianceBand,
    DayAnalysis,
    DayStatus,
    PaceRange,
    PlannedWorkout,
    SplitSource,
    StepKind,
    StepResult,
    WorkoutStep,
    WorkoutType,
)
from core.units import METRES_PER_KM, metres_to_miles, pace_per_km_to_per_mile

DISTANCE_TOLERANCE_MI = 0.5
PACE_TOLERANCE_S_PER_MI = 15.0
PACE_FALLOFF_S_PER_MI = 60.0
COMPLETED_SHARE = 0.9  # ≥ 90 % of the planned distance (or within 0.5 mi) counts as completed
REP_TOLERANCE_S_PER_KM = 3.0  # beyond the range's edges a rep still counts as on pace
REP_FALLOFF_S_PER_KM = 15.0
WORK_WEIGHT = 0.7
GREEN, YELLOW = 0.2, 0.5  # |ratio − 1| bands
DISTANCE_FALLOFF = 0.7  # |ratio − 1| where the distance part reaches 0
LAP_MATCH = 0.25  # a lap within 25 % of its step's distance matches it
WORK_RUN_SHARE = 0.5
NOT_RUN_MAX_SCORE = 70  # a session whose work was not run scores no more than its distance share
STEADY = frozenset(
    {WorkoutType.EASY, WorkoutType.RECOVERY, WorkoutType.LONG, WorkoutType.MEDIUM_LONG}
)


@dataclass(frozen=True)
class _Planned:
    """One step of the workout, repeats unrolled."""

    kind: StepKind
    metres: float
    pace: PaceRange | None


def analyse(planned: PlannedWorkout, activity: AthleteActivity) -> DayAnalysis:
    actual_pace = activity.pace_s_per_km
    pace_delta = _pace_delta(_expected_pace(planned), actual_pace)
    delta_m = activity.distance_m - planned.distance_m
    distance_hit = abs(metres_to_miles(delta_m)) <= DISTANCE_TOLERANCE_MI
    ratio = activity.distance_m / planned.distance_m if planned.distance_m else None
    raced = activity.race_effort or planned.type is WorkoutType.RACE
    split = None if raced else _split(planned, activity)
    steps = _work_results(split[1]) if split else ()
    notes: tuple[AnalysisNote, ...]
    if raced:  # a race sets fitness; it is not judged against a pace target
        score, notes, pace_delta = 100, (AnalysisNote.RACE_EFFORT,), None
    else:
        score, notes = _judge(planned, activity, ratio, pace_delta, steps, bool(split))
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
        pace_hit=raced or _pace_hit(planned, actual_pace, pace_delta),
        quality_score=score,
        status=(
            DayStatus.COMPLETED
            if raced
            else _status(planned, activity.distance_m, distance_hit, steps, pace_delta)
        ),
        compliance=ratio,
        band=band(ratio),
        steps=steps,
        split_by=split[0] if split else None,
        notes=notes,
        indoors=activity.indoors,
        climb_m=activity.elevation_gain_m,
        race_effort=activity.race_effort,
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
        compliance=0.0 if planned.distance_m else None,
        band=ComplianceBand.RED,
    )


def band(ratio: float | None) -> ComplianceBand | None:
    if ratio is None:
        return None
    off = abs(ratio - 1)
    if off <= GREEN + 1e-9:
        return ComplianceBand.GREEN
    return ComplianceBand.YELLOW if off <= YELLOW + 1e-9 else ComplianceBand.RED


# ---- splitting the run into the workout's steps ---------------------------------------------


def unrolled(steps: tuple[WorkoutStep, ...]) -> list[_Planned]:
    out = []
    for step in steps:
        for _ in range(step.repeat):
            out.append(_Planned(step.kind, step.distance_m or 0.0, step.pace))
            if step.recovery is not None:
                recovery = step.recovery
                out.append(_Planned(recovery.kind, recovery.distance_m or 0.0, recovery.pace))
    return out


def _split(
    planned: PlannedWorkout, activity: AthleteActivity
) -> tuple[SplitSource, list[tuple[_Planned, float, float]]] | None:
    """Each planned step with the metres and seconds run for it, when the run can be split."""
    if not any(s.kind is StepKind.WORK for s in planned.steps) or planned.type is WorkoutType.RACE:
        return None
    parts = unrolled(planned.steps)
    laps = activity.laps
    if len(laps) == len(parts) and all(
        abs(m - p.metres) <= LAP_MATCH * p.metres for (m, _), p in zip(laps, parts, strict=True)
    ):
        return SplitSource.LAPS, [(p, m, t) for p, (m, t) in zip(parts, laps, strict=True)]
    track = activity.track
    if len(track) < 2:
        return None
    return SplitSource.TRACK, _cut(parts, track)


def _cut(
    parts: list[_Planned], track: list[tuple[float, float]]
) -> list[tuple[_Planned, float, float]]:
    distances = [m for m, _ in track]

    def time_at(metres: float) -> float:
        i = min(max(bisect.bisect_left(distances, metres), 1), len(track) - 1)
        (m0, t0), (m1, t1) = track[i - 1], track[i]
        return t0 + (t1 - t0) * (metres - m0) / (m1 - m0) if m1 > m0 else t1

    out, start = [], 0.0
    for part in parts:
        end = min(start + part.metres, distances[-1])
        out.append((part, end - start, time_at(end) - time_at(start)))
        start = end
    return out


def _work_results(split: list[tuple[_Planned, float, float]]) -> tuple[StepResult, ...]:
    results: list[StepResult] = []
    for part, metres, seconds in split:
        if part.kind is not StepKind.WORK or part.pace is None:
            continue
        if metres <= 0:  # the run ended before this rep
            results.append(_missed_rep(len(results) + 1, part.metres, part.pace))
            continue
        pace = seconds / (metres / METRES_PER_KM)
        off = _beyond(pace, part.pace)
        results.append(
            StepResult(
                number=len(results) + 1,
                planned_m=part.metres,
                actual_m=metres,
                pace=part.pace,
                actual_pace_s_per_km=round(pace, 1),
                off_s_per_km=round(off, 1),
                hit=off == 0,
            )
        )
    return tuple(results)


def _missed_rep(number: int, planned_m: float, pace: PaceRange) -> StepResult:
    return StepResult(
        number=number,
        planned_m=planned_m,
        actual_m=0.0,
        pace=pace,
        actual_pace_s_per_km=None,
        off_s_per_km=REP_FALLOFF_S_PER_KM,
        hit=False,
    )


def _beyond(pace: float, target: PaceRange) -> float:
    """Seconds per km outside the range (with tolerance): + slower, − faster, 0 inside."""
    if pace > target.high + REP_TOLERANCE_S_PER_KM:
        return pace - target.high - REP_TOLERANCE_S_PER_KM
    if pace < target.low - REP_TOLERANCE_S_PER_KM:
        return pace - target.low + REP_TOLERANCE_S_PER_KM
    return 0.0


# ---- scoring ---------------------------------------------------------------------------------


def _judge(
    planned: PlannedWorkout,
    activity: AthleteActivity,
    ratio: float | None,
    pace_delta: float | None,
    steps: tuple[StepResult, ...],
    split: bool,
) -> tuple[int, tuple[AnalysisNote, ...]]:
    distance = distance_part(ratio)
    notes = _distance_notes(ratio)
    if steps:
        work = sum(_rep_part(s.off_s_per_km) for s in steps) / len(steps)
        notes = _work_notes(steps) + notes
        score = round(100 * (WORK_WEIGHT * work + (1 - WORK_WEIGHT) * distance))
        if not _work_was_run(steps, pace_delta):
            score = min(score, NOT_RUN_MAX_SCORE)
        return score, notes
    if planned.type.is_quality and not _work_was_run(steps, pace_delta):
        # unsplit (a /log, a file without a track): the average pace shows the work was not run
        score = round(50 * distance + 50 * _seed_pace_part(pace_delta))
        return min(score, NOT_RUN_MAX_SCORE), (AnalysisNote.WORK_NOT_RUN, *notes)
    if planned.type in STEADY and planned.steps:
        pace = _steady_pace_part(planned.steps[0].pace, activity.pace_s_per_km)
        notes = (
            (AnalysisNote.TOO_FAST_EASY,) if pace < 1 else (AnalysisNote.EASY_WELL_DONE,)
        ) + notes
        return round(50 * distance + 50 * pace), notes
    return round(50 * distance + 50 * _seed_pace_part(pace_delta)), notes


def distance_part(ratio: float | None) -> float:
    if ratio is None:
        return 1.0
    off = abs(ratio - 1)
    return max(0.0, 1 - max(0.0, off - GREEN) / (DISTANCE_FALLOFF - GREEN))


def _rep_part(off_s_per_km: float) -> float:
    return max(0.0, 1 - abs(off_s_per_km) / REP_FALLOFF_S_PER_KM)


def _steady_pace_part(target: PaceRange | None, actual: float | None) -> float:
    """Only too fast costs: easy days protect the hard ones."""
    if target is None or actual is None:
        return 1.0
    too_fast = target.low - REP_TOLERANCE_S_PER_KM - actual
    return max(0.0, 1 - max(0.0, too_fast) / REP_FALLOFF_S_PER_KM)


def _seed_pace_part(pace_delta: float | None) -> float:
    if pace_delta is None:
        return 1.0
    excess = max(0.0, abs(pace_delta) - PACE_TOLERANCE_S_PER_MI)
    return max(0.0, 1 - excess / PACE_FALLOFF_S_PER_MI)


def _work_notes(steps: tuple[StepResult, ...]) -> tuple[AnalysisNote, ...]:
    if not all(s.run for s in steps):
        return (AnalysisNote.REPS_MISSED,)
    if all(s.hit for s in steps):
        return (AnalysisNote.WORK_ON_TARGET,)
    slow = sum(1 for s in steps if s.off_s_per_km > 0)
    fast = sum(1 for s in steps if s.off_s_per_km < 0)
    if sum(1 for s in steps if s.hit) < WORK_RUN_SHARE * len(steps) and slow > fast:
        return (
            (AnalysisNote.WORK_NOT_RUN,)
            if all(not s.hit for s in steps)
            else (AnalysisNote.REPS_SLOW,)
        )
    return (AnalysisNote.REPS_SLOW,) if slow >= fast else (AnalysisNote.REPS_FAST,)


def _distance_notes(ratio: float | None) -> tuple[AnalysisNote, ...]:
    if ratio is None or abs(ratio - 1) <= GREEN:
        return ()
    return (AnalysisNote.TOO_SHORT,) if ratio < 1 else (AnalysisNote.TOO_LONG,)


def _expected_pace(planned: PlannedWorkout) -> float | None:
    """The session's average pace as planned: warm-up, jogs and cool-down included."""
    parts = [p for p in unrolled(planned.steps) if p.pace is not None and p.metres > 0]
    if not parts or planned.type is WorkoutType.RACE:
        return planned.pace_s_per_km
    metres = sum(p.metres for p in parts)
    seconds = sum(p.metres / METRES_PER_KM * p.pace.middle for p in parts if p.pace)
    return seconds / (metres / METRES_PER_KM)


def _pace_hit(planned: PlannedWorkout, actual: float | None, pace_delta: float | None) -> bool:
    """The ✓ beside the pace: a steady run is judged by the range the runner was shown (only
    too fast misses it); anything else by the seed's 15 s/mi around the session's average."""
    if planned.type in STEADY and planned.steps and actual is not None:
        return _steady_pace_part(planned.steps[0].pace, actual) == 1.0
    return pace_delta is None or abs(pace_delta) <= PACE_TOLERANCE_S_PER_MI


def _pace_delta(planned: float | None, actual: float | None) -> float | None:
    """Seconds per mile slower (+) or faster (−) than planned."""
    if planned is None or actual is None:
        return None
    return pace_per_km_to_per_mile(actual - planned)


def _status(
    planned: PlannedWorkout,
    actual_m: float,
    distance_hit: bool,
    steps: tuple[StepResult, ...],
    pace_delta: float | None,
) -> DayStatus:
    if actual_m <= 0:
        return DayStatus.MISSED
    if not (distance_hit or actual_m >= COMPLETED_SHARE * planned.distance_m):
        return DayStatus.PARTIAL
    if planned.type.is_quality and not _work_was_run(steps, pace_delta):
        return DayStatus.PARTIAL
    return DayStatus.COMPLETED


def _work_was_run(steps: tuple[StepResult, ...], pace_delta: float | None) -> bool:
    """Every rep run, at least half of them at their pace or faster (too fast costs score, not
    the day)."""
    if steps:
        if not all(s.run for s in steps):
            return False
        return sum(1 for s in steps if s.off_s_per_km <= 0) >= WORK_RUN_SHARE * len(steps)
    return pace_delta is None or pace_delta <= PACE_TOLERANCE_S_PER_MI
