"""A runner's answers about one planned day: done, skipped, moved, dropped."""

from dataclasses import dataclass
from datetime import date

from core.adaptation import move_options
from core.errors import AlreadyDone, InvalidInput, NotFound
from core.models import (
    ExecutedDay,
    PlanRevision,
    RevisionKind,
    TrainingDayPlanned,
)
from core.ports import UnitOfWork
from core.workouts import REST_DAY


async def own_day(uow: UnitOfWork, athlete_id: int, day_id: int) -> TrainingDayPlanned:
    """A day of the runner's active plan (a forged id is :class:`NotFound`)."""
    plan = await uow.plans.active_plan(athlete_id)
    day = next((d for d in plan.days() if d.id == day_id), None) if plan else None
    if day is None:
        raise NotFound("day_not_in_plan")
    return day


@dataclass(frozen=True)
class DayDone:
    """A day the runner says is done, and the run already linked to it, if any."""

    day: TrainingDayPlanned
    run: ExecutedDay | None


async def day_done(uow: UnitOfWork, athlete_id: int, day_id: int) -> DayDone:
    day = await own_day(uow, athlete_id, day_id)
    return DayDone(day, await _linked_run(uow, athlete_id, day))


async def skip_day(uow: UnitOfWork, athlete_id: int, day_id: int) -> TrainingDayPlanned:
    """The runner won't run that day: the day is marked skipped, and no "you missed it"
    nudge follows. A day with a run linked is done, not skipped."""
    day = await own_day(uow, athlete_id, day_id)
    if await _linked_run(uow, athlete_id, day) is not None:
        raise AlreadyDone("day_already_run")
    await uow.plans.skip_day(athlete_id, day_id)
    return day


async def _linked_run(
    uow: UnitOfWork, athlete_id: int, day: TrainingDayPlanned
) -> ExecutedDay | None:
    assert day.training_plan_id is not None
    executed = await uow.executions.executed_days(athlete_id, day.training_plan_id)
    at = (day.week_index, day.day_index)
    return next((e for e in executed if (e.week_index, e.day_index) == at), None)


async def move_day(
    uow: UnitOfWork, athlete_id: int, missed_id: int, target_id: int, today: date
) -> TrainingDayPlanned:
    """Move a missed workout to a day the move rules allow (``move_options``): the same
    week, from today on, an easy day not run yet with no hard day beside it. That day's easy
    run is dropped (no making up miles) and the missed day, in the past, becomes rest."""
    plan = await uow.plans.active_plan(athlete_id)
    if plan is None or plan.id is None:
        raise NotFound("no_plan")
    days = plan.days()
    missed = next((d for d in days if d.id == missed_id), None)
    target = next((d for d in days if d.id == target_id), None)
    if missed is None or target is None:
        raise NotFound("days_not_in_plan")
    done = {
        (e.week_index, e.day_index) for e in await uow.executions.executed_days(athlete_id, plan.id)
    }
    week = [d for d in days if d.week_index == missed.week_index]
    if target not in move_options(week, missed, done, today):
        raise InvalidInput("move_not_allowed")
    move = PlanRevision(
        kind=RevisionKind.MOVE,
        effective_from=today,
        week_index=missed.week_index,
        moved_from=missed.date,
        moved_to=target.date,
    )
    # the target's easy run is dropped; the missed day, in the past, is rest
    await uow.plans.move_workout(athlete_id, missed_id, target_id, move, REST_DAY)
    return target
