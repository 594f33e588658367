"""Real life through a unit of work: the week-end adjustment, missed days, pauses, the runner's
own changes, undo, and race day. Each use case loads what it needs, asks the pure rules in
``core.revision`` and stores the revision with the plan in one transaction.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core import revision
from core.errors import AlreadyDone, GoFastError, InvalidInput, NotFound
from core.fitness import vdot
from core.models import (
    Athlete,
    DayView,
    PlanRevision,
    RaceResult,
    RaceType,
    RevisionKind,
    TrainingPlan,
    WorkoutType,
)
from core.ports import UnitOfWork
from core.prediction import five_k_equivalent_s
from core.services import coaching
from core.units import FIVE_K_M, Units

RACE_WEEK_DAYS = 7
RECOVERY_DAYS = {  # easy days after racing before quality again (a day per ~2 km raced)
    RaceType.FIVE_K: 3,
    RaceType.TEN_K: 5,
    RaceType.HALF: 10,
    RaceType.MARATHON: 21,
    RaceType.CUSTOM: 7,
}
EASY_BLOCK_MISSED = range(2, revision.RECOMPUTE_FROM)
RECOMPUTE_AGAIN_AFTER = 7  # further missed run days before the rest is rebuilt again
REBUILDS = frozenset({RevisionKind.RECOMPUTE, RevisionKind.RESUME, RevisionKind.EDIT})


@dataclass(frozen=True)
class Change:
    """A stored revision and the plan as it is now."""

    plan: TrainingPlan
    revision: PlanRevision
    predicted_s: float | None = None  # set when the goal slipped out of reach: where it is now


async def _explained(
    uow: UnitOfWork, athlete_id: int, plan: TrainingPlan, change: PlanRevision, today: date
) -> Change:
    """The change, with today's prediction on the revised plan when the goal is at risk."""
    if not (change.goal_at_risk or change.race_too_close):
        return Change(plan, change)
    fitness = await coaching.fitness(uow, athlete_id, plan, today)
    return Change(plan, change, fitness.on_track.predicted_s)


async def _active(uow: UnitOfWork, athlete_id: int) -> TrainingPlan:
    plan = await uow.plans.active_plan(athlete_id)
    if plan is None:
        raise NotFound("no_plan")
    return plan


async def _open_day(uow: UnitOfWork, athlete_id: int, plan: TrainingPlan, today: date) -> date:
    assert plan.id is not None
    done = [e.date for e in await uow.executions.executed_days(athlete_id, plan.id)]
    return revision.first_open_day(today, done)


async def _save(
    uow: UnitOfWork,
    athlete_id: int,
    revised: revision.Revised,
    previous: TrainingPlan,
    today: date,
    *,
    restart: bool = False,
    undoes: int | None = None,
) -> Change:
    keep = previous if revised.revision.kind.undoable else None
    saved = await uow.plans.revise_plan(
        athlete_id, revised.plan, revised.revision, keep, restart=restart, undoes=undoes
    )
    return await _explained(uow, athlete_id, revised.plan, saved, today)


# ---- the week-end adjustment ------------------------------------------------------------------


async def adjust_after_week(
    uow: UnitOfWork, athlete_id: int, plan: TrainingPlan, today: date, current_5k_s: float
) -> Change | None:
    """Judge the last finished week once and revise the weeks after it (weekly job)."""
    finished = [w for w in plan.weeks if w.end_date <= today]
    if not finished or len(finished) == len(plan.weeks):
        return None
    judged_week = finished[-1]
    assert plan.id is not None
    executed = await uow.executions.executed_days(athlete_id, plan.id)
    judged = await coaching.week_progress(uow, athlete_id, judged_week, executed)
    before = None
    if judged_week.week_index > 0:
        earlier = plan.weeks[judged_week.week_index - 1]
        before = await coaching.week_progress(uow, athlete_id, earlier, executed)
    start = max(judged_week.end_date + timedelta(days=1), today)
    from_day = await _open_day(uow, athlete_id, plan, start)
    if from_day > plan.race.race_date:
        return None
    if await _rebuilt_since(uow, athlete_id, plan, judged_week.start_date):
        return None  # a break or an edit already rebuilt these weeks from fresh numbers
    revised = revision.weekly_adjustment(plan, judged, before, current_5k_s, from_day)
    if revised is None:
        return None
    try:
        return await _save(uow, athlete_id, revised, plan, today)
    except AlreadyDone:  # this week was judged already (the weekly job ran twice)
        return None


async def _rebuilt_since(uow: UnitOfWork, athlete_id: int, plan: TrainingPlan, since: date) -> bool:
    assert plan.id is not None
    return any(
        r.kind in REBUILDS and r.effective_from >= since and not r.undone
        for r in await uow.plans.revisions(athlete_id, plan.id)
    )


# ---- missed days ------------------------------------------------------------------------------


async def after_missed_days(uow: UnitOfWork, athlete: Athlete, today: date) -> Change | None:
    """2–4 planned runs missed in a row: an easy block; 5+: rebuild the rest from today's
    fitness (again after every further week of misses). Each happens once per streak; a
    paused runner misses nothing, and race week stands as tapered: nothing is rebuilt in
    the last days (what is done is done; the race comes first)."""
    athlete_id = athlete.id
    assert athlete_id is not None
    if athlete.notifications.get("paused"):
        return None
    plan = await uow.plans.active_plan(athlete_id)
    if plan is None or (plan.race.race_date - today).days < RACE_WEEK_DAYS:
        return None
    assert plan.id is not None
    ran = await uow.activities.run_dates(athlete_id, plan.start_date, today - timedelta(days=1))
    missed = revision.missed_run_days(plan, ran, today)
    if missed < EASY_BLOCK_MISSED.start:
        return None
    streak_start = max(ran) + timedelta(days=1) if ran else plan.start_date
    earlier = [
        r
        for r in await uow.plans.revisions(athlete_id, plan.id)
        if r.effective_from >= streak_start and not r.undone
    ]
    from_day = await _open_day(uow, athlete_id, plan, today)
    if missed in EASY_BLOCK_MISSED:
        if earlier:  # already eased (or rebuilt) for this streak
            return None
        eased = revision.easy_block(plan, missed, from_day)
        return None if eased is None else await _save(uow, athlete_id, eased, plan, today)
    rebuilds = [r for r in earlier if r.kind in REBUILDS]
    if rebuilds:
        since = rebuilds[-1].effective_from
        if revision.missed_run_days(plan, ran, today, since=since) < RECOMPUTE_AGAIN_AFTER:
            return None
    fitness = await coaching.fitness(uow, athlete_id, plan, today)
    break_days = (today - streak_start).days
    rebuilt = revision.after_break(
        plan,
        from_day,
        break_days,
        fitness.adaptive.seconds,
        kind=RevisionKind.RECOMPUTE,
        missed=missed,
    )
    return await _save(uow, athlete_id, rebuilt, plan, today, restart=True)


# ---- pauses -----------------------------------------------------------------------------------


async def pause(
    uow: UnitOfWork, athlete: Athlete, today: date, days: int | None, reason: str | None
) -> Athlete:
    assert athlete.id is not None
    return await uow.athletes.update_athlete(
        athlete.id,
        notifications={**athlete.notifications, "paused": True},
        paused_on=athlete.paused_on or today,
        paused_until=today + timedelta(days=days) if days else None,
        pause_reason=reason,
    )


async def resume(uow: UnitOfWork, athlete: Athlete, today: date) -> Change | None:
    """Back from a pause: rebuild the rest of the plan from today with a return ramp."""
    assert athlete.id is not None
    plan = await uow.plans.active_plan(athlete.id)
    paused_on = athlete.paused_on or today
    await uow.athletes.update_athlete(
        athlete.id,
        notifications={**athlete.notifications, "paused": False},
        paused_on=None,
        paused_until=None,
        pause_reason=None,
    )
    if plan is None or today > plan.race.race_date:
        return None
    ran = await uow.activities.run_dates(athlete.id, plan.start_date, today - timedelta(days=1))
    last_run = max(ran) if ran else plan.start_date - timedelta(days=1)
    break_days = (today - min(last_run + timedelta(days=1), paused_on)).days
    if break_days < 1:
        return None
    fitness = await coaching.fitness(uow, athlete.id, plan, today)
    from_day = await _open_day(uow, athlete.id, plan, today)
    rebuilt = revision.after_break(
        plan,
        from_day,
        break_days,
        fitness.adaptive.seconds,
        reason=athlete.pause_reason,
        paused_from=paused_on,
        ran=frozenset(ran),
    )
    return await _save(uow, athlete.id, rebuilt, plan, today, restart=True)


# ---- the runner's own changes, and undo -------------------------------------------------------


async def _edited(
    uow: UnitOfWork, athlete_id: int, edit: revision.PlanEdit, today: date
) -> tuple[TrainingPlan, revision.Revised]:
    plan = await _active(uow, athlete_id)
    fitness = await coaching.fitness(uow, athlete_id, plan, today)
    from_day = await _open_day(uow, athlete_id, plan, today)
    return plan, revision.edit_plan(plan, edit, from_day, fitness.adaptive.seconds)


async def preview_edit(
    uow: UnitOfWork, athlete_id: int, edit: revision.PlanEdit, today: date
) -> Change:
    """The runner's change as it would be, not stored yet."""
    _, revised = await _edited(uow, athlete_id, edit, today)
    return await _explained(uow, athlete_id, revised.plan, revised.revision, today)


async def apply_edit(
    uow: UnitOfWork, athlete_id: int, edit: revision.PlanEdit, today: date
) -> Change:
    plan, revised = await _edited(uow, athlete_id, edit, today)
    return await _save(uow, athlete_id, revised, plan, today)


async def switch_units(
    uow: UnitOfWork, athlete: Athlete, units: Units, today: date
) -> tuple[Athlete, Change | None]:
    """The runner's units, and the rest of the plan rounded as a plan in them would be (whole
    and half km, not converted miles: 16 km, not 16.1). A plan that can't be rebuilt (race
    week) keeps its days; only the units they are shown in change."""
    assert athlete.id is not None
    updated = await uow.athletes.update_athlete(athlete.id, units=units)
    plan = await uow.plans.active_plan(athlete.id)
    if plan is None or plan.units is units or today > plan.race.race_date:
        return updated, None
    try:
        return updated, await apply_edit(uow, athlete.id, revision.PlanEdit(units=units), today)
    except GoFastError:
        return updated, None


async def undo(uow: UnitOfWork, athlete_id: int, revision_id: int, today: date) -> Change:
    """Take back the runner's latest weekly or easy-block change from today on."""
    taken_back, previous = await uow.plans.revision_to_undo(athlete_id, revision_id)
    plan = await _active(uow, athlete_id)
    from_day = max(taken_back.effective_from, await _open_day(uow, athlete_id, plan, today))
    restored = revision.undo(plan, previous, from_day)
    return await _save(uow, athlete_id, restored, plan, today, undoes=taken_back.id)


# ---- race day and after -----------------------------------------------------------------------


@dataclass(frozen=True)
class RaceOutcome:
    plan: TrainingPlan
    result: RaceResult
    recovery_days: int


async def finished_plan(uow: UnitOfWork, athlete_id: int, today: date) -> TrainingPlan:
    """The active plan whose race day has come."""
    plan = await _active(uow, athlete_id)
    if today < plan.race.race_date:
        raise InvalidInput("result_before_race", race_day=plan.race.race_date)
    return plan


async def record_race(
    uow: UnitOfWork,
    athlete_id: int,
    finish_s: int,
    today: date,
    now: datetime,
    activity_id: int | None = None,
) -> RaceOutcome:
    """Store the result, compare it with race morning's prediction (not one the race itself
    has moved), take the fitness it shows, complete the plan."""
    plan = await finished_plan(uow, athlete_id, today)
    assert plan.id is not None
    fitness = await coaching.race_morning_fitness(uow, athlete_id, plan)
    # read at the volume that carried the runner to the start line, as the model was fitted
    five_k = five_k_equivalent_s(plan.race.distance_m, finish_s, fitness.on_track.weekly_m)
    result = RaceResult(
        finish_s=finish_s,
        activity_id=activity_id,
        predicted_s=round(fitness.on_track.predicted_s),
        vdot=round(vdot(FIVE_K_M, five_k), 1),
        five_k_s=round(five_k),
        recorded_at=now,
    )
    await uow.plans.record_result(athlete_id, plan.id, result)
    return RaceOutcome(plan, result, RECOVERY_DAYS[plan.race.race_type])


@dataclass(frozen=True)
class AfterRace:
    """The runner's last race is run and no new plan is set: recovery, then "what next?"."""

    plan: TrainingPlan
    days_since: int
    recovery_days: int

    @property
    def recovering(self) -> bool:
        return self.days_since < self.recovery_days


@dataclass(frozen=True)
class Paused:
    """The runner paused: nothing is prescribed until they are back."""

    until: date | None  # the announced return day, or None: until /resume


async def today(uow: UnitOfWork, athlete: Athlete, on: date) -> DayView | AfterRace | Paused | None:
    """/today: the plan's day (one query, the hot path), nothing while paused, or after the
    race its recovery."""
    if athlete.notifications.get("paused"):
        return Paused(athlete.paused_until)
    athlete_id = athlete.stored_id
    view = await uow.plans.day_view(athlete_id, on)
    if view is not None:
        if view.day is not None and view.day.planned.type is WorkoutType.RACE:
            paced = await coaching.race_day_paced(uow, athlete_id, view.day)
            return view.model_copy(update={"day": paced})
        return view
    raced = next((p for p in await uow.plans.plan_history(athlete_id) if p.result), None)
    if raced is None:
        return None
    days_since = (on - raced.race.race_date).days
    return AfterRace(raced, days_since, RECOVERY_DAYS[raced.race.race_type])


HISTORY_PLANS_WITH_CHANGES = 3


async def history(
    uow: UnitOfWork, athlete_id: int
) -> tuple[list[TrainingPlan], dict[int, list[PlanRevision]]]:
    """Every plan the runner had, newest first, with the changes of the latest few."""
    plans = await uow.plans.plan_history(athlete_id)
    changes = {
        p.id: await uow.plans.revisions(athlete_id, p.id)
        for p in plans[:HISTORY_PLANS_WITH_CHANGES]
        if p.id
    }
    return plans, changes
