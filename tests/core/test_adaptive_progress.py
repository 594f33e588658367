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
    status = on_track(plan, 1440, progress.adherence, week.end_date)
    assert status.verdict is Verdict.ON_TRACK  # the plan's own fitness, at the plan's volume
    assert status.predicted_s == pytest.approx(status.road_s)
    assert status.delta_s is not None and status.delta_s < 0  # ~3:49: ahead of the 4:30 goal
    fitter = on_track(plan, 1440 * 0.95, progress.adherence, week.end_date)
    assert fitter.verdict is Verdict.AHEAD
    assert missed(runs[-1].planned).status.value == "missed"


@pytest.mark.parametrize(
    ("predicted", "road", "adherence", "expected"),
    [
        (3600 * 0.97, 3600, 1.0, Verdict.AHEAD),
        (3600 * 1.01, 3600, 1.0, Verdict.ON_TRACK),
        (3600 * 1.01, 3600, 0.5, Verdict.BEHIND),
        (3600 * 1.04, 3600, None, Verdict.BEHIND),
        (3600 * 1.2, 3600, 0.2, Verdict.OFF_TRACK),
    ],
)
def test_verdicts(predicted: float, road: float, adherence: float | None, expected) -> None:
    assert verdict(predicted, road, adherence) is expected


def _weeks_of_status(factor: float) -> list[tuple[str, str, float]]:
    """/status at the end of every week of an 18-week marathon plan, for a runner who runs
    every planned day at ``factor`` × its distance (paces as prescribed)."""
    from core import adaptive
    from core.progress import recent_weekly_m
    from tests.core.test_fitness_estimate import as_run, linked

    plan = generate_plan(request(weekly_miles=25, goal_time_s=4 * 3600 + 15 * 60))
    done: list[ExecutedDay] = []
    seen = []
    for week in plan.weeks[:-1]:
        for day in week.days:
            if day.planned.type.is_run:
                full = as_run(day)
                shorter = full.model_copy(
                    update={
                        "distance_m": full.distance_m * factor,
                        "duration_s": full.duration_s * factor,
                        "summary": full.summary if factor == 1 else {},
                    }
                )
                done.append(linked(day, shorter))
        today = week.end_date
        snap = adaptive.snapshot(done, today, week.week_index, plan.baseline_5k_s, plan.vdot)
        progress = week_progress(week, done)
        weekly = recent_weekly_m(plan, done, today + timedelta(days=1))
        status = on_track(plan, snap.seconds, progress.adherence, today, weekly)
        seen.append((week.phase.value, status.verdict.value, status.predicted_s))
    return seen


def test_a_runner_who_does_the_plan_is_on_track_every_week_and_the_taper_costs_nothing() -> None:
    """Issue 26: "Off track" on Monday of week 1, after 16 weeks at 100 %, on race morning."""
    seen = _weeks_of_status(1.0)
    assert {verdict for _, verdict, _ in seen} <= {"on_track", "ahead"}, seen
    taper = [predicted for phase, _, predicted in seen if phase == "taper"]
    before = [predicted for phase, _, predicted in seen if phase != "taper"][-1]
    assert all(p <= before + 1 for p in taper), (before, taper)  # easing off loses nothing


def test_a_runner_who_runs_60_percent_is_told_they_are_behind() -> None:
    seen = _weeks_of_status(0.6)
    assert all(verdict in ("behind", "off_track") for _, verdict, _ in seen[4:]), seen
