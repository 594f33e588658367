"""Long-run progression, readiness and structured workouts, as properties over wide inputs."""

from datetime import timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core import profiles as norms
from core.models import (
    PaceRange,
    Phase,
    RaceType,
    StepKind,
    TrainingPlan,
    WarningKind,
    WorkoutStep,
    WorkoutType,
)
from core.plan import (
    PlanRequest,
    generate_plan,
    long_run_cap_m,
    long_run_needed_m,
)
from core.prediction import race_prediction_s
from core.profiles import profile_for
from core.readiness import assess
from core.units import METRES_PER_MILE
from core.workouts import total_m
from tests.core.plans import assert_no_spike, plan_requests, request, training_m

EPS = 1e-6


@st.composite
def plans(draw: st.DrawFn) -> TrainingPlan:
    """Plans over wide ranges, with or without the runner's longest recent run."""
    req = draw(plan_requests())
    weeks = -(-((req.race.race_date - req.start_date).days + 1) // 7)
    assume(weeks >= profile_for(req.race.race_type, 0).hard_min_weeks)
    longest = draw(st.none() | st.floats(0, 22))
    if longest is not None:
        req = req.model_copy(update={"longest_recent_m": longest * METRES_PER_MILE})
    return generate_plan(req)


@settings(max_examples=300, deadline=None)
@given(plans())
def test_no_run_is_more_than_ten_percent_over_the_longest_of_the_last_30_days(
    plan: TrainingPlan,
) -> None:
    """Frandsen et al. 2025: every run (the race aside) ≤ +10 % (to the nearest half unit; one
    half unit at least) over the longest run of the 30 days before it."""
    assert_no_spike(plan, plan.start_date)


@settings(max_examples=300, deadline=None)
@given(plans())
def test_long_runs_within_time_distance_and_share_caps(plan: TrainingPlan) -> None:
    profile = profile_for(plan.race.race_type, plan.race.distance_m)
    cap = long_run_cap_m(profile, plan.paces)
    for week in plan.weeks:
        runs = [d for d in week.days if d.planned.type.is_run]
        training = sum(d.planned.distance_m for d in runs if d.planned.type is not WorkoutType.RACE)
        for day in week.days:
            if day.planned.type is WorkoutType.LONG:
                assert day.planned.distance_m <= cap + EPS
                if len(week.days) == 7:  # a first, partial week may hold only the long run
                    most = norms.long_run_cap_of_week_m(training, len(plan.run_days))
                    assert day.planned.distance_m <= most + EPS


@settings(max_examples=300, deadline=None)
@given(plans())
def test_the_target_long_run_is_reached_or_the_plan_says_why(plan: TrainingPlan) -> None:
    readiness = plan.readiness
    assert readiness is not None
    profile = profile_for(plan.race.race_type, plan.race.distance_m)
    longest = max(
        (d.planned.distance_m for d in plan.days() if d.planned.type is WorkoutType.LONG),
        default=0.0,
    )
    needed = long_run_needed_m(profile, plan.paces, plan.units)
    assert readiness.longest_long_run_m == pytest.approx(longest)
    assert readiness.ready == (longest >= needed - EPS)
    if not readiness.ready:
        (gap,) = readiness.reasons
        assert gap.reached_m < gap.needed_m == pytest.approx(needed)
    # the minimum never asks for more than the distance's own minimum
    assert needed <= profile.long_run_min_miles * METRES_PER_MILE + EPS


def _ranges(plan: TrainingPlan, kind: WorkoutType, step_kind: StepKind) -> set[PaceRange]:
    found = set()
    for day in plan.days():
        for step in day.planned.steps if day.planned.type is kind else ():
            if step.kind is step_kind and step.pace is not None:
                found.add(step.pace)
    return found


def _all_steps(steps: tuple[WorkoutStep, ...]) -> list[WorkoutStep]:
    out = []
    for step in steps:
        out.append(step)
        if step.recovery is not None:
            out.append(step.recovery)
    return out


@settings(max_examples=300, deadline=None)
@given(plans())
def test_steps_add_up_and_pace_ranges_are_ordered(plan: TrainingPlan) -> None:
    for day in plan.days():
        workout = day.planned
        if workout.type is WorkoutType.REST:
            assert workout.steps == ()
            continue
        assert total_m(workout.steps) == pytest.approx(workout.distance_m)
        for step in _all_steps(workout.steps):
            assert step.distance_m is not None and step.distance_m > 0
            assert step.pace is not None and step.pace.low <= step.pace.high
    easy = plan.paces
    for threshold in _ranges(plan, WorkoutType.TEMPO, StepKind.WORK):
        assert easy.easy_fast > threshold.high  # easy is slower than threshold
        for interval in _ranges(plan, WorkoutType.INTERVALS, StepKind.WORK):
            assert threshold.low > interval.high  # threshold is slower than interval


def test_published_yardsticks() -> None:
    """Runners shaped like the published plans' readers reach those plans' long runs and peaks:
    Pfitzinger & Douglas 18/55 (20 mi, peak 55) from 30 mi/week and a 12-mile long run; 18/70
    (20–22 mi, medium-long runs) from 50 mi/week; Higdon Half Novice 1 (10 mi) from 15 mi/week
    and a 6-mile run; Higdon Novice 1 marathon (20 mi, peak ~40) from 15 mi/week and 6 mi.
    (Readers of Pfitzinger's plans are ~20-minute 5k runners: the 3-hour cap binds below.)"""

    def plan_for(kind: RaceType, weeks: int, weekly: float, longest: float, days: int, five_k: int):
        req = request(kind, weeks, weekly_miles=weekly, days=days, baseline_5k_s=five_k)
        return generate_plan(req.model_copy(update={"longest_recent_m": longest * 1609.344}))

    def longest_and_peak(plan: TrainingPlan) -> tuple[float, float]:
        long_m = max(
            d.planned.distance_m
            for d in plan.days()
            if d.planned.type.is_run and d.planned.type is not WorkoutType.RACE
        )
        peak_m = max(w.target_m for w in plan.weeks if w.phase is not Phase.TAPER)
        return long_m / METRES_PER_MILE, peak_m / METRES_PER_MILE

    pfitz55 = plan_for(RaceType.MARATHON, 18, 30, 12, 5, 20 * 60)
    assert longest_and_peak(pfitz55) == (pytest.approx(20), pytest.approx(55, abs=1))
    pfitz70 = plan_for(RaceType.MARATHON, 18, 50, 16, 6, 18 * 60 + 30)
    long_mi, peak_mi = longest_and_peak(pfitz70)
    assert 20 <= long_mi <= 22 and 62 <= peak_mi <= 70
    assert any(d.planned.type is WorkoutType.MEDIUM_LONG for d in pfitz70.days())
    half = plan_for(RaceType.HALF, 12, 15, 6, 4, 27 * 60)
    assert half.readiness is not None and half.readiness.ready
    assert longest_and_peak(half)[0] >= 10
    novice = plan_for(RaceType.MARATHON, 18, 15, 6, 4, 25 * 60)
    long_mi, peak_mi = longest_and_peak(novice)
    assert 16 <= long_mi <= 20 and 35 <= peak_mi <= 42


def test_short_races_get_strides_r_pace_and_sharpening() -> None:
    plan = generate_plan(request(RaceType.FIVE_K, 10, weekly_miles=20, days=5))
    base = [d for w in plan.weeks if w.phase is Phase.BASE for d in w.days]
    assert any(s.kind is StepKind.STRIDES for d in base for s in d.planned.steps)
    build = [d.planned.type for w in plan.weeks if w.phase is Phase.BUILD for d in w.days]
    assert WorkoutType.REPETITION in build
    race_week = plan.weeks[-1]
    assert any(d.planned.type is WorkoutType.INTERVALS for d in race_week.days)
    marathon = generate_plan(request(RaceType.MARATHON, 18, weekly_miles=30, days=5))
    assert not any(d.planned.type is WorkoutType.REPETITION for d in marathon.days())


def test_race_day_is_planned_at_the_slower_of_goal_and_prediction() -> None:
    """The prediction is the one for the volume the plan builds to (its biggest week)."""
    hopeful = generate_plan(
        request(RaceType.MARATHON, 18, weekly_miles=25, goal_time_s=3 * 3600 + 15 * 60)
    )
    assert hopeful.predicted_s is not None and hopeful.predicted_s > 3.5 * 3600
    race_day = hopeful.days()[-1].planned
    peak_m = max(training_m(w) for w in hopeful.weeks)
    at_peak = race_prediction_s(hopeful.baseline_5k_s, 42195, peak_m)
    assert at_peak < hopeful.predicted_s  # more miles, a faster marathon
    assert race_day.pace_s_per_km == pytest.approx(at_peak / 42.195, abs=0.1)
    assert any(w.kind is WarningKind.GOAL_AHEAD for w in hopeful.warnings)
    marathon_pace = {
        d.planned.pace_s_per_km
        for d in hopeful.days()
        if d.planned.type is WorkoutType.MARATHON_PACE
    }
    assert marathon_pace == {race_day.pace_s_per_km}
    modest = generate_plan(request(RaceType.MARATHON, 18, weekly_miles=25, goal_time_s=5 * 3600))
    assert modest.days()[-1].planned.pace_s_per_km == pytest.approx(5 * 3600 / 42.195, abs=0.1)
    assert not modest.warnings


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from([RaceType.HALF, RaceType.MARATHON]),
    st.integers(8, 16),
    st.floats(0, 25),
    st.integers(3, 6),
)
def test_alternatives_are_ready_and_the_earliest(
    kind: RaceType, weeks: int, weekly: float, days: int
) -> None:
    req: PlanRequest = request(kind, weeks, weekly_miles=weekly, days=days, baseline_5k_s=27 * 60)
    plan = assess(req)
    assert plan.readiness is not None
    if plan.readiness.ready:
        assert plan.readiness.alternatives == ()
        return
    for alt in plan.readiness.alternatives:
        race = req.race.model_copy(
            update={
                "race_date": alt.race_date,
                "race_type": alt.race_type,
                "distance_m": alt.distance_m,
            }
        )
        moved = generate_plan(req.model_copy(update={"race": race, "goal_time_s": None}))
        assert moved.readiness is not None and moved.readiness.ready
        assert moved.total_weeks == alt.weeks
        if alt.race_type is kind:
            earlier = race.model_copy(update={"race_date": alt.race_date - timedelta(weeks=1)})
            before = generate_plan(req.model_copy(update={"race": earlier}))
            assert before.readiness is not None and not before.readiness.ready
        else:
            assert alt.distance_m < req.race.distance_m and alt.race_date == req.race.race_date
