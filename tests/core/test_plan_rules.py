"""The plan generator's rules, as properties over wide input ranges."""

from datetime import timedelta

import pytest
from hypothesis import given, settings

from core import profiles as norms
from core.errors import InvalidInput, PlanError
from core.models import Phase, RaceType, TrainingPlan, TrainingWeek, WarningKind, WorkoutType
from core.plan import PlanRequest, generate_plan
from core.profiles import profile_for
from core.units import METRES_PER_MILE, Units
from tests.core.plans import plan_requests, request
from tests.words import refused

EPS = 1e-6


def _plan_or_refusal(req: PlanRequest) -> TrainingPlan | None:
    weeks = -(-((req.race.race_date - req.start_date).days + 1) // 7)
    profile = profile_for(req.race.race_type, req.race.distance_m)
    if weeks < profile.hard_min_weeks:
        with pytest.raises(PlanError) as refusal:
            generate_plan(req)
        assert refusal.value.code == "plan_too_short"
        assert refusal.value.params["weeks"] == weeks
        return None
    return generate_plan(req)


def _step(plan: TrainingPlan) -> float:
    return plan.units.metres / 2


def _training_m(week: TrainingWeek) -> float:
    """A week's running besides the race itself."""
    return sum(d.planned.distance_m for d in week.days if d.planned.type is not WorkoutType.RACE)


def _full(week: TrainingWeek) -> bool:
    return len(week.days) == 7


@settings(max_examples=300, deadline=None)
@given(plan_requests())
def test_calendar_phases_and_race_day(req: PlanRequest) -> None:
    plan = _plan_or_refusal(req)
    if plan is None:
        return
    days = plan.days()
    assert [d.date for d in days] == [
        req.start_date + timedelta(days=i)
        for i in range((req.race.race_date - req.start_date).days + 1)
    ]
    assert plan.total_weeks == len(plan.weeks)
    assert [d for d in days if d.planned.type is WorkoutType.RACE] == [days[-1]]
    assert days[-1].date == req.race.race_date
    assert days[-1].planned.distance_m == req.race.distance_m
    phases = [w.phase for w in plan.weeks]
    assert phases == sorted(phases, key=lambda p: p.order)
    assert set(phases) == set(Phase)
    assert [(w.week_index, d.day_index) for w in plan.weeks for d in w.days] == [
        (d.week_index, d.day_index) for d in days
    ]
    assert len({(d.week_index, d.day_index) for d in days}) == len(days)


@settings(max_examples=300, deadline=None)
@given(plan_requests())
def test_plan_length_rules(req: PlanRequest) -> None:
    plan = _plan_or_refusal(req)
    if plan is None:
        return
    profile = profile_for(req.race.race_type, req.race.distance_m)
    assert plan.shortened == (plan.total_weeks < profile.recommended_min_weeks)
    lead_in = [w for w in plan.weeks if w.lead_in]
    assert len(lead_in) == max(0, plan.total_weeks - profile.max_weeks)
    assert all(w.week_index < len(lead_in) for w in lead_in)
    taper = [w for w in plan.weeks if w.phase is Phase.TAPER]
    expected = {RaceType.MARATHON: (2, 3), RaceType.HALF: (1, 2)}.get(req.race.race_type, (1, 1))
    assert expected[0] <= len(taper) <= expected[1]
    if req.race.race_type is RaceType.MARATHON and plan.total_weeks >= 16:
        assert len(taper) == 3
    if req.race.race_type is RaceType.HALF and not plan.shortened:
        assert len(taper) == 2


@settings(max_examples=300, deadline=None)
@given(plan_requests())
def test_safe_progression_and_cutbacks(req: PlanRequest) -> None:
    plan = _plan_or_refusal(req)
    if plan is None:
        return
    weeks, step = plan.weeks, _step(plan)
    for i in range(1, len(weeks)):
        before, week = weeks[i - 1], weeks[i]
        if not _full(before):
            continue
        if before.cutback:  # returning from a cutback: compare with the week before it
            reference = weeks[i - 2]
            assert _full(reference) and not reference.cutback
            assert _training_m(week) <= 1.1 * _training_m(reference) + EPS
        else:
            assert _training_m(week) <= 1.1 * _training_m(before) + EPS
        if week.cutback:
            assert _training_m(week) <= 0.8 * _training_m(before) + EPS
            assert _training_m(week) >= 0.7 * _training_m(before) - step
    first_full = next(w for w in weeks if _full(w))
    # week 1 is what the runner runs now; a non-runner's a few short run/walk outings
    start_level = req.baseline_weekly_m
    if start_level < step:
        start_level = norms.NEW_RUNNER_WEEK_MILES * METRES_PER_MILE
    assert _training_m(first_full) <= 1.1 * start_level + step + EPS  # no jump from there


@settings(max_examples=300, deadline=None)
@given(plan_requests())
def test_cutback_every_three_to_four_weeks(req: PlanRequest) -> None:
    plan = _plan_or_refusal(req)
    if plan is None:
        return
    run = 0
    for week in plan.weeks:
        if week.phase is Phase.TAPER:
            break
        run = 0 if week.cutback else run + 1
        assert run <= 3, f"week {week.week_index}: no cutback for 4 weeks"
    assert not any(w.cutback for w in plan.weeks if w.phase is Phase.TAPER)


@settings(max_examples=300, deadline=None)
@given(plan_requests())
def test_long_run_caps_and_mileage_sums(req: PlanRequest) -> None:
    plan = _plan_or_refusal(req)
    if plan is None:
        return
    profile = profile_for(req.race.race_type, req.race.distance_m)
    step = _step(plan)
    for week in plan.weeks:
        assert week.target_m == pytest.approx(sum(d.planned.distance_m for d in week.days))
        runs = [d for d in week.days if d.planned.type.is_run]
        for day in week.days:
            if day.planned.type is WorkoutType.LONG:
                most = norms.long_run_cap_of_week_m(_training_m(week), len(runs))
                assert day.planned.distance_m <= most + step + EPS
                assert day.planned.distance_m <= profile.long_run_cap_miles * METRES_PER_MILE + EPS
            if day.planned.type is WorkoutType.REST:
                assert day.planned.distance_m == 0 and day.planned.pace_s_per_km is None
            else:
                assert day.planned.distance_m > 0 and day.planned.pace_s_per_km


@settings(max_examples=300, deadline=None)
@given(plan_requests())
def test_quality_sessions_from_build_on_and_never_beside_the_long_run(req: PlanRequest) -> None:
    plan = _plan_or_refusal(req)
    if plan is None:
        return
    by_date = {d.date: d.planned.type for d in plan.days()}
    hard = {WorkoutType.LONG, WorkoutType.RACE, *[t for t in WorkoutType if t.is_quality]}
    for week in plan.weeks:
        for day in week.days:
            if not day.planned.type.is_quality:
                continue
            assert week.phase is not Phase.BASE and not week.lead_in
            for neighbour in (day.date - timedelta(days=1), day.date + timedelta(days=1)):
                assert by_date.get(neighbour) not in hard, f"{day.date}: hard day next to hard day"


@settings(max_examples=300, deadline=None)
@given(plan_requests())
def test_taper_reduces_volume_and_plans_are_deterministic(req: PlanRequest) -> None:
    plan = _plan_or_refusal(req)
    if plan is None:
        return
    peak = max(_training_m(w) for w in plan.weeks if w.phase is not Phase.TAPER)
    taper = [w for w in plan.weeks if w.phase is Phase.TAPER]
    assert all(_training_m(w) < peak or peak == 0 for w in taper)
    assert [_training_m(w) for w in taper] == sorted((_training_m(w) for w in taper), reverse=True)
    assert generate_plan(req) == plan


def test_marathon_shape_for_a_typical_runner() -> None:
    plan = generate_plan(request(RaceType.MARATHON, 18, weekly_miles=25, goal_time_s=4 * 3600))
    assert plan.total_weeks == 18 and not plan.shortened
    assert [(s.phase, s.weeks) for s in plan.phase_overview][-1] == (Phase.TAPER, 3)
    types = {d.planned.type for d in plan.days()}
    assert {WorkoutType.TEMPO, WorkoutType.MARATHON_PACE, WorkoutType.LONG} <= types
    peak_week = max(plan.weeks, key=_training_m)
    assert _training_m(peak_week) > _training_m(plan.weeks[1]) * 1.4  # it really builds
    assert plan.goal_pace_s_per_km == pytest.approx(4 * 3600 / 42.195)


def test_too_long_plan_gets_a_base_lead_in() -> None:
    plan = generate_plan(request(RaceType.FIVE_K, 20))
    lead_in = [w for w in plan.weeks if w.lead_in]
    assert len(lead_in) == 20 - norms.PROFILES[RaceType.FIVE_K].max_weeks
    volumes = {round(_training_m(w), 3) for w in lead_in if not w.cutback and len(w.days) == 7}
    assert len(volumes) == 1  # a runner already above the base level holds it
    assert any(w.kind is WarningKind.BASE_FIRST for w in plan.warnings)


def test_short_plan_is_flagged_and_too_short_is_refused() -> None:
    assert generate_plan(request(RaceType.HALF, 7)).shortened
    with pytest.raises(PlanError):
        generate_plan(request(RaceType.MARATHON, 5))


def test_bad_requests() -> None:
    past_race = request(RaceType.HALF, 10)
    with refused(InvalidInput, "after the plan's start"):
        generate_plan(past_race.model_copy(update={"start_date": past_race.race.race_date}))
    with refused(InvalidInput, "3 and 7"):
        request(days=2)
    with refused(InvalidInput, "long-run day"):
        PlanRequest(**{**request().model_dump(), "run_days": (0, 1, 2), "long_run_day": 6})


def test_km_runners_get_round_kilometres() -> None:
    plan = generate_plan(request(RaceType.TEN_K, 10, units=Units.KM, weekly_miles=15))
    for day in plan.days():
        if day.planned.type not in (WorkoutType.REST, WorkoutType.RACE):
            assert (day.planned.distance_m / 500) == pytest.approx(
                round(day.planned.distance_m / 500)
            )
