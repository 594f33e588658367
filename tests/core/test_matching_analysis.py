from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.analysis import analyse, distance_part, missed
from core.matching import match
from core.models import (
    ActivitySource,
    AthleteActivity,
    DayStatus,
    MatchDecision,
    PlannedWorkout,
    TrainingDayPlanned,
    WorkoutType,
)
from core.units import METRES_PER_MILE, pace_per_mile_to_per_km

MONDAY = date(2026, 11, 23)


def planned(offset: int, miles: float, kind: WorkoutType = WorkoutType.EASY, pace_mi: int = 540):
    return TrainingDayPlanned(
        week_index=0,
        day_index=offset,
        date=MONDAY + timedelta(days=offset),
        planned=PlannedWorkout(
            type=kind,
            distance_m=miles * METRES_PER_MILE,
            pace_s_per_km=None if kind is WorkoutType.REST else pace_per_mile_to_per_km(pace_mi),
        ),
    )


def run(on: date, miles: float, pace_mi: float = 540, sport: str = "running") -> AthleteActivity:
    distance = miles * METRES_PER_MILE
    seconds = pace_mi * miles
    return AthleteActivity(
        source=ActivitySource.MANUAL,
        external_id=f"{on}-{miles}",
        start_utc=datetime(on.year, on.month, on.day, 7, tzinfo=UTC),
        local_date=on,
        distance_m=distance,
        duration_s=seconds,
        moving_s=seconds,
        sport=sport,
    )


WEEK = [
    planned(0, 0, WorkoutType.REST),
    planned(1, 5),
    planned(2, 6, WorkoutType.TEMPO, 480),
    planned(3, 5),
    planned(4, 0, WorkoutType.REST),
    planned(5, 4),
    planned(6, 12, WorkoutType.LONG, 570),
]


def test_same_day_and_distance_links_automatically() -> None:
    result = match(run(MONDAY + timedelta(days=6), 12.2, 575), WEEK)
    assert result.decision is MatchDecision.AUTO
    assert result.best is not None and result.best.day.planned.type is WorkoutType.LONG


def test_a_same_day_fit_links_though_tomorrow_plans_the_same_run() -> None:
    """A 6-day plan repeats distances: Wednesday's easy 6.5 run logged on Wednesday is
    Wednesday's, however much Thursday's looks like it."""
    week = [planned(2, 6.5), planned(3, 6.5)]
    result = match(run(MONDAY + timedelta(days=2), 6.5), week)
    assert result.decision is MatchDecision.AUTO
    assert result.best is not None and result.best.day.day_index == 2
    assert [c.day.day_index for c in result.candidates] == [2, 3]  # the runner-up was close


def test_two_runs_planned_the_same_day_still_ask() -> None:
    week = [planned(2, 6.5), planned(2, 6.5)]
    assert match(run(MONDAY + timedelta(days=2), 6.5), week).decision is MatchDecision.ASK


def test_run_on_a_rest_day_asks_between_neighbours() -> None:
    result = match(run(MONDAY + timedelta(days=4), 5), WEEK)
    assert result.decision is MatchDecision.ASK
    assert {c.day.day_index for c in result.candidates} >= {3, 5}
    assert all(c.day.planned.type is not WorkoutType.REST for c in result.candidates)


def test_ambiguous_same_day_distance_off_asks() -> None:
    result = match(run(MONDAY + timedelta(days=1), 8.5), WEEK)
    assert result.decision is MatchDecision.ASK


def test_already_linked_days_are_not_offered_again() -> None:
    activity = run(MONDAY + timedelta(days=1), 5)
    assert match(activity, WEEK).best.day.day_index == 1  # type: ignore[union-attr]
    second = match(activity, WEEK, linked=[(0, 1)])
    assert all(c.day.day_index != 1 for c in second.candidates)
    assert second.decision is not MatchDecision.AUTO


def test_far_from_any_planned_day_is_an_extra_run() -> None:
    assert match(run(MONDAY + timedelta(days=30), 5), WEEK).decision is MatchDecision.EXTRA


def test_non_running_sports_are_never_matched() -> None:
    result = match(run(MONDAY + timedelta(days=1), 5, sport="cycling"), WEEK)
    assert result.decision is MatchDecision.EXTRA and not result.candidates


@given(st.integers(-5, 10), st.floats(0.5, 30), st.floats(300, 900))
def test_matcher_is_well_formed(offset: int, miles: float, pace: float) -> None:
    result = match(run(MONDAY + timedelta(days=offset), miles, pace), WEEK)
    confidences = [c.confidence for c in result.candidates]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0.35 <= c <= 1 for c in confidences)
    assert (result.decision is MatchDecision.EXTRA) == (not result.candidates)
    if result.decision is MatchDecision.AUTO:
        assert result.candidates[0].days_apart == 0


def test_analysis_of_a_run_on_target() -> None:
    day = planned(2, 6, WorkoutType.TEMPO, 480)
    result = analyse(day.planned, run(day.date, 6.3, 490))
    assert result.distance_hit and result.pace_hit
    assert result.distance_variance_m == pytest.approx(0.3 * METRES_PER_MILE)
    assert result.pace_variance_s_per_mile == pytest.approx(10)
    assert result.quality_score == 100
    assert result.status is DayStatus.COMPLETED


def test_analysis_of_a_short_slow_run() -> None:
    """An unsplit run (no steps, no track): distance by ratio, pace by the seed's targets."""
    day = planned(6, 12, WorkoutType.LONG, 570)
    result = analyse(day.planned, run(day.date, 7, 630))
    assert not result.distance_hit and not result.pace_hit
    assert result.status is DayStatus.PARTIAL
    # 7 of 12 mi: 42 % short, 22 points past green of a 50-point fall-off; 45 s/mi past 15
    ratio = 7 / 12
    assert result.compliance == pytest.approx(ratio) and result.band.value == "yellow"
    assert result.quality_score == round(50 * (1 - (1 - ratio - 0.2) / 0.5) + 50 * (1 - 45 / 60))


def test_missed_day() -> None:
    result = missed(planned(1, 5).planned)
    assert result.status is DayStatus.MISSED and result.quality_score == 0


@given(st.floats(0, 3), st.floats(0, 3))
def test_distance_part_falls_as_the_ratio_strays(r1: float, r2: float) -> None:
    near, far = sorted((r1, r2), key=lambda r: abs(r - 1))
    assert 0 <= distance_part(far) <= distance_part(near) <= 1
    if abs(near - 1) <= 0.2:
        assert distance_part(near) == 1
