"""What a change asked for in a sentence would touch, found before the runner is asked to
confirm it (issue 28): the planned day to skip, the day to move and where it may go, the run
to delete. Nothing here writes: the Yes calls the same use cases as the buttons in chat."""

from dataclasses import dataclass
from datetime import date

from core.adaptation import move_options
from core.errors import AlreadyDone, InvalidInput, NotFound
from core.models import AthleteActivity, TrainingDayPlanned, TrainingPlan, WorkoutType
from core.ports import UnitOfWork


async def _plan(uow: UnitOfWork, athlete_id: int) -> TrainingPlan:
    plan = await uow.plans.active_plan(athlete_id)
    if plan is None or plan.id is None:
        raise NotFound("no_plan")
    return plan


def _day_on(plan: TrainingPlan, on: date) -> TrainingDayPlanned:
    day = next((d for d in plan.days() if d.date == on), None)
    if day is None:
        raise InvalidInput("no_day_on", on=on)
    return day


async def _done(uow: UnitOfWork, athlete_id: int, plan: TrainingPlan) -> set[tuple[int, int]]:
    assert plan.id is not None
    executed = await uow.executions.executed_days(athlete_id, plan.id)
    return {(e.week_index, e.day_index) for e in executed}


async def _open_run_day(
    uow: UnitOfWork, athlete_id: int, plan: TrainingPlan, on: date
) -> TrainingDayPlanned:
    """The day's planned run, not run yet (a rest day has nothing to skip or move)."""
    day = _day_on(plan, on)
    if not day.planned.type.is_run:
        raise InvalidInput("rest_day_then", on=on)
    if (day.week_index, day.day_index) in await _done(uow, athlete_id, plan):
        raise AlreadyDone("day_already_run")
    return day


async def day_to_skip(uow: UnitOfWork, athlete_id: int, on: date) -> TrainingDayPlanned:
    """The planned run ``on`` that date, which a Yes would mark skipped (not one already)."""
    plan = await _plan(uow, athlete_id)
    day = await _open_run_day(uow, athlete_id, plan, on)
    if await _skipped(uow, athlete_id, plan, day):
        raise AlreadyDone("day_already_skipped", on=on)
    return day


async def _skipped(
    uow: UnitOfWork, athlete_id: int, plan: TrainingPlan, day: TrainingDayPlanned
) -> bool:
    assert plan.id is not None
    return day.date in await uow.plans.skipped_days(athlete_id, plan.id)


@dataclass(frozen=True)
class MoveAsked:
    """A workout to move: the day it leaves, the day asked for when the move rules allow it
    (``target``), and every day they allow (``options``)."""

    day: TrainingDayPlanned
    target: TrainingDayPlanned | None
    options: tuple[TrainingDayPlanned, ...]
    skipped: bool = False  # the runner said they wouldn't run it (it may still move)


async def move_asked(
    uow: UnitOfWork, athlete_id: int, from_date: date, to_date: date | None, today: date
) -> MoveAsked:
    """Where the workout of ``from_date`` may go: the same rules as a missed workout's Move
    buttons (``core.adaptation.move_options``: same week, from today on, an easy day with no
    hard day beside it), so a sentence can never move a workout where a button couldn't."""
    plan = await _plan(uow, athlete_id)
    day = await _open_run_day(uow, athlete_id, plan, from_date)
    week = [d for d in plan.days() if d.week_index == day.week_index]
    options = tuple(move_options(week, day, await _done(uow, athlete_id, plan), today))
    target = next((d for d in options if d.date == to_date), None)
    return MoveAsked(day, target, options, await _skipped(uow, athlete_id, plan, day))


async def next_run_day(uow: UnitOfWork, athlete_id: int, today: date, long: bool) -> date:
    """The day of the next planned run from today on (``long``: the next long run), for "what's
    my next long run?"; race day when none is left."""
    plan = await _plan(uow, athlete_id)
    done = await _done(uow, athlete_id, plan)
    for day in plan.days():
        wanted = day.planned.type is WorkoutType.LONG if long else day.planned.type.is_run
        if day.date >= today and wanted and (day.week_index, day.day_index) not in done:
            return day.date
    return plan.race.race_date


async def last_run(uow: UnitOfWork, athlete_id: int) -> AthleteActivity:
    """The run the runner sent or logged last (what "delete my last run" means)."""
    run = await uow.activities.latest_activity(athlete_id)
    if run is None:
        raise NotFound("no_runs_yet")
    return run
