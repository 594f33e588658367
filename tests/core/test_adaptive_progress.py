from datetime import date, timedelta

import pytest

from core.analysis import analyse, missed
from core.models import ExecutedDay, Verdict, WorkoutType
from core.plan import generate_plan
from core.progress import on_track, verdict, week_progress
from tests.core.plans import request
from tests.core.test_matching_analysis import planned, run

TODAY = date(2026, 11, 29)


def executed(kind: WorkoutType, pace_s_per_km: float, days_ago: int, km: float = 10) -> ExecutedDay:
    day = planned(0, 6, kind).model_copy(update={"date": TODAY - timedelta(days=days_ago)})
    activity = run(day.date, km / 1.609344, pace_s_per_km * 1.609344)
    return ExecutedDay(
        week_index=0,
        day_index=0,
        date=day.date,
        planned=day.planned,
        analysis=analyse(day.planned, activity),
    )


def test_week_progress_and_on_track() -> None:
    plan = generate_plan(request(weekly_miles=20, goal_time_s=4 * 3600 + 30 * 60))
    week = plan.weeks[2]
    runs = [d for d in week.days if d.planned.type.is_run]
    done = [
        ExecutedDay(
            week_index=week.week_index,
            day_index=d.day_index,
            date=d.date,
            planned=d.planned,
            analysis=analyse(d.planned, run(d.date, d.planned.distance_m / 1609.344)),
        )
        for d in runs[:-1]
    ]
    progress = week_progress(week, done, extra_m=1000)
    planned_m = sum(d.planned.distance_m for d in runs)
    assert progress.planned_m == pytest.approx(planned_m)
    assert progress.done_m == pytest.approx(planned_m - runs[-1].planned.distance_m + 1000)
    assert progress.key_planned == 1 and progress.key_hit == 0  # the long run was the one missed
    assert progress.average_quality is not None
    status = on_track(plan, 1440, progress.adherence)
    assert status.verdict is Verdict.AHEAD  # a 24:00 5k is ~3:49: well ahead of 4:30
    assert missed(runs[-1].planned).status.value == "missed"


@pytest.mark.parametrize(
    ("predicted", "goal", "adherence", "expected"),
    [
        (3600 * 0.97, 3600, 1.0, Verdict.AHEAD),
        (3600 * 1.01, 3600, 1.0, Verdict.ON_TRACK),
        (3600 * 1.01, 3600, 0.5, Verdict.BEHIND),
        (3600 * 1.04, 3600, None, Verdict.BEHIND),
        (3600 * 1.2, 3600, 0.2, Verdict.OFF_TRACK),
        (3600, None, 1.0, Verdict.NO_GOAL),
    ],
)
def test_verdicts(predicted: float, goal: float | None, adherence: float | None, expected) -> None:
    assert verdict(predicted, goal, adherence) is expected
