"""The fake unit of work keeps the rules the real storage keeps: the same checks, both ways."""

from datetime import timedelta

import pytest

from core.analysis import analyse
from core.errors import AlreadyLinked, NotFound
from core.models import PlanRevision, RevisionKind
from core.ports import Units
from core.services import coaching
from tests.core.plans import START
from tests.services.conftest import run_of, runner_with_plan

A_MOVE = PlanRevision(kind=RevisionKind.MOVE, effective_from=START)


async def test_a_skipped_day_is_not_missed_and_another_runner_cannot_skip_it(units: Units) -> None:
    mine = await runner_with_plan(units, 1)
    theirs = await runner_with_plan(units, 2)
    plan = await units.read(lambda uow: uow.plans.active_plan(mine.stored_id))
    day = next(d for d in plan.days() if d.planned.type.is_run)
    with pytest.raises(NotFound):
        await units.write(lambda uow: uow.plans.skip_day(theirs.stored_id, day.id))
    asked = [(mine.stored_id, day.date)]
    assert await units.read(lambda uow: uow.pushes.missed_days(asked))
    for _ in range(2):  # twice: still one mark
        await units.write(lambda uow: uow.plans.skip_day(mine.stored_id, day.id))
    assert await units.read(lambda uow: uow.pushes.missed_days(asked)) == {}


async def test_a_push_slot_is_claimed_once(units: Units) -> None:
    athlete = await runner_with_plan(units)
    claims = [
        await units.write(lambda uow: uow.pushes.claim_push(athlete.stored_id, "daily", "d1"))
        for _ in range(3)
    ]
    assert claims == [True, False, False]


async def test_the_same_run_twice_is_one_row(units: Units) -> None:
    athlete = await runner_with_plan(units)
    plan = await units.read(lambda uow: uow.plans.active_plan(athlete.stored_id))
    day = next(d for d in plan.days() if d.planned.type.is_run)
    first = await units.write(lambda uow: coaching.import_run(uow, athlete, run_of(day), day.date))
    again = await units.write(lambda uow: coaching.import_run(uow, athlete, run_of(day), day.date))
    assert first.created and not again.created
    assert again.activity.id == first.activity.id
    extra = await units.read(lambda uow: uow.activities.unlinked_activities(athlete.stored_id))
    done = await units.read(lambda uow: uow.executions.executed_days(athlete.stored_id, plan.id))
    assert [r.id for r in extra] + [e.activity_id for e in done] == [first.activity.id]


async def test_a_deleted_run_leaves_its_day_and_is_nobody_elses_to_delete(units: Units) -> None:
    athlete = await runner_with_plan(units)
    other = await runner_with_plan(units, user_id=2)
    plan = await units.read(lambda uow: uow.plans.active_plan(athlete.stored_id))
    day = next(d for d in plan.days() if d.planned.type.is_run)
    run = await units.write(lambda uow: coaching.import_run(uow, athlete, run_of(day), day.date))
    assert run.linked is not None  # the same-day fit linked at once
    run_id = run.activity.id
    assert run_id is not None
    with pytest.raises(NotFound):
        await units.write(lambda uow: coaching.delete_run(uow, other.stored_id, run_id))
    await units.write(lambda uow: coaching.delete_run(uow, athlete.stored_id, run_id))
    done = await units.read(lambda uow: uow.executions.executed_days(athlete.stored_id, plan.id))
    assert done == []
    with pytest.raises(NotFound):
        await units.read(lambda uow: uow.activities.get_activity(athlete.stored_id, run_id))


async def test_a_day_takes_a_second_run_and_a_run_one_day(units: Units) -> None:
    """Double days (a morning and an evening run) link both runs to the day; a run that is
    linked can't be linked to another day."""
    athlete = await runner_with_plan(units)
    plan = await units.read(lambda uow: uow.plans.active_plan(athlete.stored_id))
    first, second = [d for d in plan.days() if d.planned.type.is_run][:2]

    async def link_twice(uow):  # type: ignore[no-untyped-def]
        one, _ = await uow.activities.import_activity(athlete.stored_id, run_of(first, "a"))
        evening = run_of(first, "b", factor=0.5)
        evening = evening.model_copy(update={"start_utc": evening.start_utc + timedelta(hours=11)})
        two, _ = await uow.activities.import_activity(athlete.stored_id, evening)
        await uow.executions.link_activity(
            athlete.stored_id, one.id, first.id, analyse(first.planned, one)
        )
        await uow.executions.link_activity(  # the same day, a second run
            athlete.stored_id, two.id, first.id, analyse(first.planned, two)
        )
        with pytest.raises(AlreadyLinked):  # that run already did a day
            await uow.executions.link_activity(
                athlete.stored_id, one.id, second.id, analyse(second.planned, one)
            )
        done = await uow.executions.executed_days(athlete.stored_id, plan.id)
        assert sorted(e.activity_id for e in done if e.date == first.date) == [one.id, two.id]

    await units.write(link_twice)


async def test_another_runners_rows_are_not_found(units: Units) -> None:
    mine = await runner_with_plan(units, 1)
    theirs = await runner_with_plan(units, 2)
    their_plan = await units.read(lambda uow: uow.plans.active_plan(theirs.stored_id))
    day = their_plan.days()[0]
    run, _ = await units.write(
        lambda uow: uow.activities.import_activity(theirs.stored_id, run_of(day))
    )
    with pytest.raises(NotFound):
        await units.read(lambda uow: uow.activities.get_activity(mine.stored_id, run.id))
    with pytest.raises(NotFound):
        await units.read(lambda uow: uow.executions.executed_days(mine.stored_id, their_plan.id))
    with pytest.raises(NotFound):
        await units.write(
            lambda uow: uow.plans.move_workout(
                mine.stored_id, day.id, their_plan.days()[1].id, A_MOVE, day.planned
            )
        )


async def test_a_use_case_that_fails_changes_nothing(units: Units) -> None:
    athlete = await runner_with_plan(units)

    async def rename_then_fail(uow):  # type: ignore[no-untyped-def]
        await uow.athletes.update_athlete(athlete.stored_id, display_name="Changed")
        await uow.pushes.claim_push(athlete.stored_id, "daily", "d1")
        raise RuntimeError("the send failed")

    with pytest.raises(RuntimeError):
        await units.write(rename_then_fail)
    kept = await units.read(lambda uow: uow.athletes.get_athlete(athlete.stored_id))
    assert kept.display_name == athlete.display_name
    assert await units.write(lambda uow: uow.pushes.claim_push(athlete.stored_id, "daily", "d1"))


async def test_missed_days_and_days_between_agree_on_what_was_run(units: Units) -> None:
    athlete = await runner_with_plan(units)
    plan = await units.read(lambda uow: uow.plans.active_plan(athlete.stored_id))
    ran, missed = [d for d in plan.days() if d.planned.type.is_run][:2]
    outcome = await units.write(
        lambda uow: coaching.import_run(uow, athlete, run_of(ran), ran.date)
    )
    run_id = outcome.activity.id
    assert run_id is not None and ran.id is not None
    await units.write(
        lambda uow: coaching.link_run(uow, athlete.stored_id, run_id, ran.id, ran.date)
    )
    asked = [(athlete.stored_id, ran.date), (athlete.stored_id, missed.date)]
    found = [await units.read(lambda uow, a=a: uow.pushes.missed_days([a])) for a in asked]
    assert found[0] == {} and found[1][athlete.stored_id].id == missed.id
    window = [(athlete.stored_id, plan.start_date, missed.date)]
    around = (await units.read(lambda uow: uow.pushes.days_between(window)))[athlete.stored_id]
    assert [d.date for d in around.days] == [d.date for d in plan.days() if d.date <= missed.date]
    assert around.done == {(ran.week_index, ran.day_index)}


async def test_run_efforts_are_the_runs_of_the_window(units: Units) -> None:
    athlete = await runner_with_plan(units)
    plan = await units.read(lambda uow: uow.plans.active_plan(athlete.stored_id))
    first, second = [d for d in plan.days() if d.planned.type.is_run][:2]

    async def two_runs(uow):  # type: ignore[no-untyped-def]
        for day in (first, second):
            await uow.activities.import_activity(athlete.stored_id, run_of(day))
        return await uow.activities.run_efforts(athlete.stored_id, first.date, first.date)

    [(metres, seconds)] = await units.write(two_runs)
    assert metres == pytest.approx(first.planned.distance_m)
    assert seconds == pytest.approx(run_of(first).time_s)
