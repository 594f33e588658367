"""Analysis by laps and steps, on FIT and TCX files built with laps."""

from datetime import UTC, datetime

import pytest

from core.analysis import analyse, unrolled
from core.fitness import training_paces
from core.models import (
    ActivitySource,
    AnalysisNote,
    AthleteActivity,
    DayStatus,
    PlannedWorkout,
    SplitSource,
    WorkoutType,
)
from core.units import METRES_PER_KM, Units, pace_per_mile_to_per_km
from core.workouts import workout
from sources.files import parse_activity_file
from tests.activity_files import fit_with_laps, tcx_with_laps

START = datetime(2026, 12, 2, 6, 30, tzinfo=UTC)
PACES = training_paces(45.0)
INTERVALS = workout(WorkoutType.INTERVALS, 8000, PACES, Units.KM, week_m=50_000)  # 5 × 800
# 4 km of T (a 40 km week) from km 1 to km 5: one steady block, more would be cruise intervals
THRESHOLD = workout(WorkoutType.TEMPO, 5500, PACES, Units.KM, week_m=40_000)
EASY = workout(WorkoutType.EASY, 8000, PACES, Units.KM)
THIRTY_S_PER_MILE = pace_per_mile_to_per_km(30)


def as_planned(
    planned: PlannedWorkout, work_slower_s_per_km: float = 0.0
) -> list[tuple[float, float]]:
    """(metres, seconds) per step, each at the middle of its range (work slowed if asked)."""
    laps = []
    for part in unrolled(planned.steps):
        assert part.pace is not None
        pace = part.pace.middle + (work_slower_s_per_km if part.kind.value == "work" else 0)
        laps.append((part.metres, round(part.metres / METRES_PER_KM * pace, 1)))
    return laps


def activity(data: bytes, name: str) -> AthleteActivity:
    parsed = parse_activity_file(name, data)
    return parsed.activity(parsed.start_utc.date())


def from_fit(laps: list[tuple[float, float]], sub_sport: str = "generic") -> AthleteActivity:
    return activity(fit_with_laps(START, laps, sub_sport), "run.fit")


@pytest.mark.parametrize("kind", ["fit", "tcx"])
@pytest.mark.parametrize("planned", [INTERVALS, THRESHOLD], ids=["4x800", "threshold"])
def test_a_session_run_as_planned_scores_90_or_more(kind: str, planned: PlannedWorkout) -> None:
    laps = as_planned(planned)
    run = from_fit(laps) if kind == "fit" else activity(tcx_with_laps(START, laps), "run.tcx")
    result = analyse(planned, run)
    assert result.split_by is SplitSource.LAPS
    assert result.quality_score >= 90 and result.status is DayStatus.COMPLETED
    assert result.steps and all(step.hit for step in result.steps)
    assert AnalysisNote.WORK_ON_TARGET in result.notes


def test_reps_30_s_per_mile_slow_score_70_or_less_and_are_named() -> None:
    laps = as_planned(INTERVALS, work_slower_s_per_km=THIRTY_S_PER_MILE)
    result = analyse(INTERVALS, from_fit(laps))
    assert result.quality_score <= 70
    assert [s.number for s in result.steps if not s.hit] == [1, 2, 3, 4, 5]
    assert all(s.off_s_per_km > 10 for s in result.steps)
    assert result.status is DayStatus.PARTIAL  # the work wasn't run
    assert AnalysisNote.WORK_NOT_RUN in result.notes


def test_one_slow_rep_costs_a_little_and_is_named() -> None:
    laps = as_planned(INTERVALS)
    warm, rep = laps[0], laps[1]
    laps[1] = (rep[0], rep[1] + 10)  # the first 800 m ten seconds slow
    result = analyse(INTERVALS, from_fit(laps))
    assert [s.number for s in result.steps if not s.hit] == [1]
    assert 70 < result.quality_score < 100 and result.status is DayStatus.COMPLETED
    assert warm == laps[0]


def test_auto_laps_fall_back_to_the_track_cut_at_the_planned_steps() -> None:
    total = sum(m for m, _ in as_planned(THRESHOLD))
    result = analyse(THRESHOLD, from_fit(_every_km(as_planned(THRESHOLD))))
    assert result.split_by is SplitSource.TRACK
    assert result.quality_score >= 90 and all(s.hit for s in result.steps)
    assert sum(s.actual_m for s in result.steps) == pytest.approx(
        THRESHOLD.steps[1].distance_m, rel=0.02
    )
    assert total == pytest.approx(THRESHOLD.distance_m)


def _every_km(laps: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Re-lap a run at every kilometre (constant speed within each original lap)."""
    out, lap_m, lap_s = [], 0.0, 0.0
    for metres, seconds in laps:
        left_m, speed = metres, metres / seconds
        while lap_m + left_m >= 1000:
            take = 1000 - lap_m
            out.append((1000.0, round(lap_s + take / speed, 2)))
            left_m -= take
            lap_m, lap_s = 0.0, 0.0
        lap_m += left_m
        lap_s += left_m / speed
    if lap_m > 0:
        out.append((round(lap_m, 1), round(lap_s, 2)))
    return out


def test_jogging_the_interval_day_is_not_a_completed_session() -> None:
    easy_pace = PACES.easy
    laps = [(m, round(m / METRES_PER_KM * easy_pace, 1)) for m, _ in as_planned(INTERVALS)]
    result = analyse(INTERVALS, from_fit(laps))
    assert result.status is DayStatus.PARTIAL and result.quality_score < 50


def test_easy_runs_are_marked_down_for_too_fast_never_too_slow() -> None:
    def easy_at(pace: float) -> int:
        run = from_fit([(EASY.distance_m, EASY.distance_m / METRES_PER_KM * pace)])
        return analyse(EASY, run).quality_score

    target = EASY.steps[0].pace
    assert target is not None
    assert easy_at(target.high + pace_per_mile_to_per_km(20)) == 100
    assert easy_at(target.middle) == 100
    assert easy_at(target.low - pace_per_mile_to_per_km(30)) < 90


def test_a_manual_log_of_a_session_is_judged_by_its_average_planned_pace() -> None:
    laps = as_planned(INTERVALS)
    metres, seconds = sum(m for m, _ in laps), sum(s for _, s in laps)
    logged = AthleteActivity(
        source=ActivitySource.MANUAL,
        external_id="log",
        start_utc=START,
        local_date=START.date(),
        distance_m=metres,
        duration_s=seconds,
    )
    result = analyse(INTERVALS, logged)
    assert result.split_by is None and result.steps == ()
    assert result.quality_score == 100 and result.status is DayStatus.COMPLETED


def test_compliance_bands() -> None:
    for ratio, colour in ((1.0, "green"), (0.81, "green"), (1.35, "yellow"), (0.45, "red")):
        run = from_fit([(EASY.distance_m * ratio, EASY.distance_m * ratio / 1000 * PACES.easy)])
        result = analyse(EASY, run)
        assert result.band is not None and result.band.value == colour
        assert result.compliance == pytest.approx(ratio, rel=1e-3)


def test_a_run_that_stops_after_half_the_reps_scores_70_or_less_and_names_the_rest() -> None:
    """Score the work done (issue 25: 2 of 4 reps scored 87): the reps never reached count as
    missed, are named, and the session is only partly done."""
    laps = as_planned(INTERVALS)
    reps_kept = 2
    cut = 1 + 2 * reps_kept  # warm-up, then (rep, jog) pairs
    run = from_fit(laps[:cut])
    result = analyse(INTERVALS, run)
    assert result.split_by is SplitSource.TRACK
    missed = [s.number for s in result.steps if s.actual_pace_s_per_km is None]
    assert missed == list(range(reps_kept + 1, len(result.steps) + 1))
    assert all(s.hit for s in result.steps[:reps_kept])
    assert result.quality_score <= 70
    assert result.status is DayStatus.PARTIAL
    assert result.notes[0] is AnalysisNote.REPS_MISSED


def test_jogging_an_interval_day_unsplit_scores_70_or_less_and_says_so() -> None:
    """A /log of the day's distance at an easy jog: no reps to read, but the average pace
    shows the work was not run (issue 25: 85 % jogged scored 68 with no note)."""
    jog_s = 0.85 * INTERVALS.distance_m / METRES_PER_KM * PACES.easy_slow
    logged = AthleteActivity(
        source=ActivitySource.MANUAL,
        external_id="jogged",
        start_utc=START,
        local_date=START.date(),
        distance_m=0.85 * INTERVALS.distance_m,
        duration_s=jog_s,
    )
    result = analyse(INTERVALS, logged)
    assert result.split_by is None
    assert result.quality_score <= 70
    assert result.status is DayStatus.PARTIAL
    assert AnalysisNote.WORK_NOT_RUN in result.notes


def test_an_easy_long_run_at_race_pace_is_marked_too_fast() -> None:
    """A prescribed-easy long run run at marathon pace (faster than easy, always) is too fast."""
    long_run = workout(WorkoutType.LONG, 27_000, PACES, Units.KM)
    seconds = long_run.distance_m / METRES_PER_KM * PACES.marathon
    result = analyse(long_run, from_fit([(long_run.distance_m, seconds)]))
    assert PACES.marathon < PACES.easy_fast
    assert AnalysisNote.TOO_FAST_EASY in result.notes
    assert result.quality_score < 100


@pytest.mark.parametrize(
    ("pace", "hit"),
    [
        (PACES.easy_slow - 1, True),  # slower than the average shown, inside the range
        (PACES.easy_fast + 1, True),
        (PACES.easy_slow + 30, True),  # an easy run is never too slow
        (PACES.easy_fast - 20, False),  # too fast for easy
    ],
)
def test_the_pace_mark_uses_the_range_the_runner_was_shown(pace: float, hit: bool) -> None:
    """Issue 26: "11:59/mi vs 12:20/mi ✗" inside the pushed range 11:37–13:04."""
    seconds = EASY.distance_m / METRES_PER_KM * pace
    result = analyse(EASY, from_fit([(EASY.distance_m, seconds)]))
    assert result.pace_hit is hit
    assert (AnalysisNote.TOO_FAST_EASY in result.notes) is not hit


@pytest.mark.parametrize("planned", [THRESHOLD, INTERVALS, EASY], ids=["tempo", "4x800", "easy"])
def test_a_time_trial_is_taken_as_one_not_as_the_session_it_replaced(
    planned: PlannedWorkout,
) -> None:
    """Issue 26: `/log 5k 28:45 time trial` scored as a failed tempo ("✗ · 50/100")."""
    trial = AthleteActivity(
        source=ActivitySource.MANUAL,
        external_id="trial",
        start_utc=START,
        local_date=START.date(),
        distance_m=5000,
        duration_s=28 * 60 + 45,
        summary={"note": "time trial"},
    )
    result = analyse(planned, trial)
    assert result.race_effort and result.notes == (AnalysisNote.RACE_EFFORT,)
    assert result.quality_score == 100 and result.status is DayStatus.COMPLETED
    assert result.pace_hit and not result.steps


def test_race_day_is_never_scored_against_a_pace_target() -> None:
    """Issue 26: a 4:58:30 marathon got "11:21/mi vs 12:20/mi ✗ · 63/100"."""
    race = workout(WorkoutType.RACE, 42_195, PACES, Units.MI, pace=400.0)
    run = from_fit([(42_195, 42.195 * 360.0)])  # much faster than the planned pace
    result = analyse(race, run)
    assert result.quality_score == 100 and AnalysisNote.RACE_EFFORT in result.notes
    assert result.pace_hit and result.status is DayStatus.COMPLETED
