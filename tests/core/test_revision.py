"""Plan revisions: the generator's rules still hold for every rebuilt week, and nothing before
the revision day changes."""

from datetime import timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.errors import GoFastError, InvalidInput
from core.goals import check_race_day
from core.models import (
    Phase,
    RaceType,
    RevisionKind,
    TrainingPlan,
    TrainingWeek,
    VolumeChange,
    WarningKind,
    WeekProgress,
    WorkoutType,
)
from core.plan import PlanRequest, generate_plan
from core.profiles import profile_for
from core.progress import planned_training_m
from core.revision import (
    PlanEdit,
    Revised,
    after_break,
    easy_block,
    edit_plan,
    level_m,
    missed_run_days,
    ramp_for,
    undo,
    weekly_adjustment,
)
from core.units import METRES_PER_MILE, Units
from tests.core.plans import EPS, assert_rebuilt_weeks_follow_the_rules, request, training_m
from tests.core.test_plan_rules import plan_requests
from tests.words import refused, words


def progress(
    plan: TrainingPlan, week: TrainingWeek, adherence: float, keys: bool = True
) -> WeekProgress:
    planned = planned_training_m(week)
    key_planned = sum(1 for d in week.days if d.planned.is_key)
    return WeekProgress(
        week_index=week.week_index,
        planned_m=planned,
        done_m=planned * adherence,
        extra_m=0,
        adherence=adherence,
        key_planned=key_planned,
        key_hit=key_planned if keys else 0,
        average_quality=80,
    )


def _buildable(req: PlanRequest) -> bool:
    weeks = -(-((req.race.race_date - req.start_date).days + 1) // 7)
    return weeks >= profile_for(req.race.race_type, req.race.distance_m).hard_min_weeks


plans = plan_requests().filter(_buildable).map(generate_plan)


@st.composite
def revisions(draw: st.DrawFn) -> tuple[TrainingPlan, Revised | None]:
    plan = draw(plans)
    days = plan.days()
    today = days[draw(st.integers(1, len(days) - 1))].date
    kind = draw(st.sampled_from(["weekly", "break", "edit", "easy"]))
    five_k = plan.baseline_5k_s * draw(st.floats(0.9, 1.1))
    if kind == "weekly":
        week = plan.current_week(today - timedelta(days=1))
        judged = progress(plan, week, draw(st.floats(0, 1.3)), draw(st.booleans()))
        before = progress(plan, week, draw(st.floats(0, 1.3)))
        from_day = week.end_date + timedelta(days=1)
        assume(from_day <= plan.race.race_date)
        return plan, weekly_adjustment(plan, judged, before, five_k, from_day)
    if kind == "break":
        return plan, after_break(plan, today, draw(st.integers(1, 60)), five_k)
    if kind == "easy":
        return plan, easy_block(plan, draw(st.integers(2, 4)), today)
    edit = PlanEdit(
        race_date=draw(
            st.none() | st.just(plan.race.race_date + timedelta(days=draw(st.integers(-14, 42))))
        ),
        goal_time_s=draw(st.none() | st.integers(15 * 60, 5 * 3600)),
        run_days=draw(st.none() | st.sets(st.integers(0, 6), min_size=3, max_size=7).map(tuple)),
        weekly_m=draw(st.none() | st.floats(0, 50).map(lambda mi: mi * METRES_PER_MILE)),
    )
    try:
        return plan, edit_plan(plan, edit, today, five_k)
    except GoFastError:  # nothing changed, a date in the past, or too close to prepare for
        return plan, None


@settings(max_examples=400, deadline=None)
@given(revisions())
def test_history_kept_and_rules_hold_after_any_revision(
    case: tuple[TrainingPlan, Revised | None],
) -> None:
    old, revised = case
    if revised is None:
        return
    plan, start = revised.plan, revised.revision.effective_from
    # history: every day before the revision is exactly as it was
    assert [d for d in plan.days() if d.date < start] == [d for d in old.days() if d.date < start]
    # calendar: every day from the plan's start to race day, one race, on race day, at the end
    days = plan.days()
    assert [d.date for d in days] == [
        plan.start_date + timedelta(days=i)
        for i in range((plan.race.race_date - plan.start_date).days + 1)
    ]
    assert [d.date for d in days if d.planned.type is WorkoutType.RACE] == [plan.race.race_date]
    assert len({(d.week_index, d.day_index) for d in days}) == len(days)
    assert [w.week_index for w in plan.weeks] == list(range(len(plan.weeks)))
    assert plan.total_weeks == len(plan.weeks)
    if revised.revision.kind is RevisionKind.EASY_BLOCK:  # eases days, rebuilds no week
        old_days = {d.date: d.planned for d in old.days()}
        assert all(d.planned.distance_m <= old_days[d.date].distance_m for d in days)
    else:
        assert_rebuilt_weeks_follow_the_rules(plan, start)
    if revised.revision.kind in (RevisionKind.WEEKLY, RevisionKind.RESUME):
        first = next((w for w in plan.weeks if w.start_date >= start and len(w.days) == 7), None)
        reached = level_m(old, old.current_week(start).week_index)
        step = plan.units.metres / 2
        if first is not None and first.phase is not Phase.TAPER:
            assert training_m(first) <= 1.1 * max(reached, step) + EPS


def marathon() -> TrainingPlan:
    return generate_plan(request(RaceType.MARATHON, 18, weekly_miles=25, goal_time_s=4 * 3600))


def miles(plan: TrainingPlan) -> list[float]:
    return [round(planned_training_m(w) / METRES_PER_MILE, 1) for w in plan.weeks]


def judge(
    plan: TrainingPlan, index: int, adherence: float, before: float = 1.0, five_k: float = 24 * 60
):
    week = plan.weeks[index]
    return weekly_adjustment(
        plan,
        progress(plan, week, adherence),
        progress(plan, plan.weeks[index - 1], before),
        five_k,
        week.end_date + timedelta(days=1),
    )


def test_low_adherence_holds_volume_and_never_catches_up() -> None:
    plan = marathon()
    revised = judge(plan, 5, 0.6)
    assert revised is not None and revised.revision.volume is VolumeChange.HOLD
    new = miles(revised.plan)
    assert new[6] == miles(plan)[5] < miles(plan)[6]  # next week holds last week's level
    assert all(a <= b for a, b in zip(new, miles(plan), strict=True))  # never above the old plan
    assert revised.revision.next_week_after_m == pytest.approx(planned_training_m(plan.weeks[5]))
    assert revised.revision.adherence == 0.6


def test_very_low_or_two_weak_weeks_step_back() -> None:
    plan = marathon()
    for revised in (judge(plan, 5, 0.3), judge(plan, 5, 0.6, before=0.5)):
        assert revised is not None and revised.revision.volume is VolumeChange.STEP_BACK
        assert miles(revised.plan)[6] < miles(plan)[5]
        assert miles(revised.plan)[6] >= miles(plan)[5] / 1.1 - 0.5


def test_good_week_changes_nothing_and_faster_fitness_repaces() -> None:
    plan = marathon()
    assert judge(plan, 5, 0.95) is None
    assert judge(plan, 5, 0.95, five_k=24 * 60 * 0.99) is None  # not clearly faster
    revised = judge(plan, 5, 0.95, five_k=23 * 60)
    assert revised is not None and revised.revision.volume is None
    assert revised.revision.pace_5k_after_s == 23 * 60
    assert revised.plan.paces.easy < plan.paces.easy
    assert miles(revised.plan) == miles(plan)  # volume still follows the progression
    tempo = next(
        d
        for d in revised.plan.days()
        if d.date > revised.revision.effective_from and d.planned.type is WorkoutType.TEMPO
    )
    assert tempo.planned.pace_s_per_km == pytest.approx(revised.plan.paces.threshold, abs=0.1)


def test_taper_is_not_held_back() -> None:
    plan = marathon()
    first_taper = next(w.week_index for w in plan.weeks if w.phase is Phase.TAPER)
    assert judge(plan, first_taper - 1, 0.5) is None


def test_undo_restores_the_plan_from_the_revision_day() -> None:
    plan = marathon()
    revised = judge(plan, 5, 0.3)
    assert revised is not None
    restored = undo(revised.plan, plan, revised.revision.effective_from)
    assert restored.plan.days() == plan.days()
    assert restored.revision.kind is RevisionKind.UNDO


def test_missed_days_count_planned_runs_only() -> None:
    plan = marathon()
    week = plan.weeks[3]
    runs = [d.date for d in week.days if d.planned.type.is_run]
    today = week.end_date + timedelta(days=1)
    assert missed_run_days(plan, runs, today) == 0
    assert missed_run_days(plan, runs[:-2], today) == 2
    assert missed_run_days(plan, [], today) == sum(
        1 for d in plan.days() if d.date < today and d.planned.type.is_run
    )


def test_easy_block_takes_the_edge_off_without_stacking() -> None:
    plan = marathon()
    start = plan.weeks[8].start_date
    revised = easy_block(plan, 3, start)
    assert revised is not None
    block = [d for d in revised.plan.days() if start <= d.date < start + timedelta(days=5)]
    assert not any(d.planned.type.is_quality for d in block)
    old = {d.date: d.planned for d in plan.days()}
    for day in revised.plan.days():
        assert day.planned.distance_m <= old[day.date].distance_m
        if day.date >= start + timedelta(days=5):
            assert day.planned == old[day.date]


def test_longer_breaks_restart_lower_and_without_quality() -> None:
    plan = marathon()
    back = plan.weeks[9].start_date
    volumes = []
    for days in (4, 10, 21, 40):
        revised = after_break(plan, back, days, 24 * 60)
        first = revised.plan.week_of(back)
        assert first is not None
        volumes.append(planned_training_m(first))
        ramp = ramp_for(days).ramp_weeks
        for week in revised.plan.weeks[first.week_index : first.week_index + ramp]:
            assert not any(d.planned.type.is_quality for d in week.days)
        assert revised.revision.break_days == days
    assert volumes == sorted(volumes, reverse=True) and volumes[0] > volumes[-1]
    assert volumes[-1] <= 0.5 * level_m(plan, 8) + EPS


@pytest.mark.parametrize(
    ("days", "long_day", "units"), [(6, 6, Units.KM), (6, 2, Units.KM), (4, 5, Units.MI)]
)
def test_a_return_mid_week_never_doubles_the_days_left(days: int, long_day: int, units) -> None:
    """Paused on any day of a week, back on any later day of it: the days left are what they
    would be in the whole week (an easy run stays easy-sized), the paused days are rest, and
    the week never plans more than its level."""
    plan = generate_plan(
        request(RaceType.MARATHON, 18, weekly_miles=40, days=days, long_day=long_day, units=units)
    )
    week = plan.weeks[8]
    largest_easy = max(
        d.planned.distance_m for d in week.days if d.planned.type is WorkoutType.EASY
    )
    for paused in range(0, 6):
        for back in range(paused + 1, 7):
            first, day_back = week.days[paused].date, week.days[back].date
            revised = after_break(plan, day_back, back - paused, 24 * 60, paused_from=first)
            after = revised.plan.week_of(day_back)
            assert after is not None
            for day in after.days:
                if first <= day.date < day_back:
                    assert day.planned.type is WorkoutType.REST, (paused, back, day)
                elif day.date >= day_back and day.planned.type is WorkoutType.EASY:
                    assert day.planned.distance_m <= 1.35 * largest_easy, (paused, back, day)
            assert planned_training_m(after) <= planned_training_m(week) * 1.1 + EPS
            assert (revised.revision.paused_from, revised.revision.paused_to) == (first, day_back)


def test_unrealistic_goal_after_a_long_break_is_said() -> None:
    plan = generate_plan(
        request(RaceType.MARATHON, 14, weekly_miles=30, goal_time_s=3 * 3600 + 50 * 60)
    )
    revised = after_break(plan, plan.weeks[11].start_date, 35, 24 * 60)
    assert revised.revision.goal_at_risk and revised.revision.race_too_close
    assert any(w.kind is WarningKind.LITTLE_TIME_LEFT for w in revised.revision.warnings)
    assert not after_break(plan, plan.weeks[3].start_date, 10, 24 * 60).revision.race_too_close


def test_race_moved_four_weeks_later_rebuilds_the_rest() -> None:
    plan = marathon()
    today = plan.weeks[6].start_date + timedelta(days=2)
    revised = edit_plan(
        plan, PlanEdit(race_date=plan.race.race_date + timedelta(days=28)), today, 24 * 60
    )
    assert revised.plan.total_weeks == plan.total_weeks + 4
    assert revised.plan.race.race_date == plan.race.race_date + timedelta(days=28)
    assert revised.revision.changes == ("race date",)
    assert revised.plan.days()[-1].planned.type is WorkoutType.RACE


def test_an_edit_too_close_to_race_day_is_refused() -> None:
    """The same check, in the same words, as a new race goal's date (core.goals)."""
    plan = marathon()
    today = plan.weeks[10].start_date
    too_close = today + timedelta(days=20)
    with pytest.raises(InvalidInput) as as_new_goal:
        check_race_day(plan.race.race_type, plan.race.distance_m, too_close, today)
    with pytest.raises(InvalidInput) as as_edit:
        edit_plan(plan, PlanEdit(race_date=too_close), today, 24 * 60)
    assert as_edit.value.code == as_new_goal.value.code == "race_day_too_close"
    assert as_edit.value.params == as_new_goal.value.params
    assert "needs at least" in words(as_edit.value)
    with refused(GoFastError, "Nothing changed"):
        edit_plan(plan, PlanEdit(), today, 24 * 60)
