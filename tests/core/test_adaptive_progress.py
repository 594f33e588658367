from datetime import date, timedelta

import pytest

from core import adaptive, fitness
from core.analysis import analyse, missed
from core.fitness import equivalent_time, training_paces, vdot
from core.models import ExecutedDay, Trend, Verdict, WorkoutType
from core.plan import generate_plan
from core.progress import on_track, verdict, week_progress
from core.units import FIVE_K_M
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


def runs_of_fitness(target_vdot: float) -> list[ExecutedDay]:
    paces = training_paces(target_vdot)
    # a session averages ~0.8 of VDOT: derive that pace from the fitted share
    tempo_avg = 1000 / fitness.velocity_for_vo2(target_vdot * 0.80) * 60
    return [
        executed(WorkoutType.EASY, 1000 / fitness.velocity_for_vo2(target_vdot * 0.7) * 60, 2),
        executed(WorkoutType.TEMPO, tempo_avg, 4),
        executed(WorkoutType.LONG, 1000 / fitness.velocity_for_vo2(target_vdot * 0.7) * 60, 6, 20),
        executed(WorkoutType.EASY, paces.easy, 9),
    ]


def test_no_runs_keeps_the_prior() -> None:
    snap = adaptive.snapshot([], TODAY, 3, prior_5k_s=1440)
    assert snap.seconds == pytest.approx(1440, abs=1)
    assert snap.runs_used == 0 and snap.trend is Trend.STEADY


def test_faster_runs_move_the_estimate_down_but_not_all_the_way() -> None:
    prior = vdot(FIVE_K_M, 1440)
    snap = adaptive.snapshot(runs_of_fitness(prior * 1.08), TODAY, 3, prior_5k_s=1440)
    fitter = equivalent_time(prior * 1.08, FIVE_K_M)
    assert fitter < snap.seconds < 1440
    assert snap.trend is Trend.IMPROVING and snap.runs_used == 4


def test_slower_runs_and_old_runs() -> None:
    prior = vdot(FIVE_K_M, 1440)
    slower = adaptive.snapshot(runs_of_fitness(prior * 0.9), TODAY, 3, prior_5k_s=1440)
    assert slower.seconds > 1440 and slower.trend is Trend.DECLINING
    stale = [executed(WorkoutType.TEMPO, 200, 60)]
    assert adaptive.snapshot(stale, TODAY, 3, prior_5k_s=1440).runs_used == 0


def test_one_wild_run_is_clipped() -> None:
    wild = [executed(WorkoutType.TEMPO, 120, 1)]  # 2:00/km: a GPS glitch
    snap = adaptive.snapshot(wild, TODAY, 3, prior_5k_s=1440)
    assert snap.vdot <= vdot(FIVE_K_M, 1440) * (1 + adaptive.CLIP)


def test_race_result_counts_as_a_race() -> None:
    assert adaptive.implied_vdot(WorkoutType.RACE, 10000, 2481) == pytest.approx(50, abs=0.2)
    assert adaptive.implied_vdot(WorkoutType.REST, 10000, 2481) is None


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
