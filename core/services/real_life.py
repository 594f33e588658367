"""Real life through the repository: the week-end adjustment, missed days, pauses, the runner's
own changes, undo, and race day. Each use case loads what it needs, asks the pure rules in
``core.revision`` and stores the revision with the plan in one transaction.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core import progress, revision
from core.errors import AlreadyDone, InvalidInput, NotFound
from core.fitness import vdot
from core.models import (
    Athlete,
    PlanRevision,
    RaceResult,
    RaceType,
    RevisionKind,
    TrainingPlan,
    WeekProgress,
)
from core.ports import Repository
from core.services import coaching

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


async def _active(repo: Repository, athlete_id: int) -> TrainingPlan:
    plan = await repo.active_plan(athlete_id)
    if plan is None:
        raise NotFound("You have no active plan. Send /race to set one up.")
    return plan


async def _open_day(repo: Repository, athlete_id: int, plan: TrainingPlan, today: date) -> date:
    assert plan.id is not None
    done = [e.date for e in await repo.executed_days(athlete_id, plan.id)]
    return revision.first_open_day(today, done)


async def _save(
    repo: Repository,
    athlete_id: int,
    revised: revision.Revised,
    previous: TrainingPlan,
    *,
    restart: bool = False,
    undoes: int | None = None,
) -> Change:
    keep = previous if revised.revision.kind.undoable else None
    saved = await repo.revise_plan(
        athlete_id, revised.plan, revised.revision, keep, restart=restart, undoes=undoes
    )
    return Change(revised.plan, saved)


async def week_progress_of(
    repo: Repository, athlete_id: int, week_index: int
) -> WeekProgress | None:
    inputs = await repo.week_inputs(athlete_id, week_index)
    if inputs is None:
        return None
    extra = sum(a.distance_m for a in inputs.extra_runs)
    return progress.week_progress(inputs.week, inputs.executed, extra_m=extra)


# ---- the week-end adjustment ------------------------------------------------------------------


async def adjust_after_week(
    repo: Repository, athlete_id: int, plan: TrainingPlan, today: date, current_5k_s: float
) -> Change | None:
    """Judge the last finished week once and revise the weeks after it (weekly job)."""
    finished = [w for w in plan.weeks if w.end_date <= today]
    if not finished or len(finished) == len(plan.weeks):
        return None
    judged_week = finished[-1]
    judged = await week_progress_of(repo, athlete_id, judged_week.week_index)
    if judged is None:
        return None
    before = None
    if judged_week.week_index > 0:
        before = await week_progress_of(repo, athlete_id, judged_week.week_index - 1)
    start = max(judged_week.end_date + timedelta(days=1), today)
    from_day = await _open_day(repo, athlete_id, plan, start)
    if from_day > plan.race.race_date:
        return None
    if await _rebuilt_since(repo, athlete_id, plan, judged_week.start_date):
        return None  # a break or an edit already rebuilt these weeks from fresh numbers
    revised = revision.weekly_adjustment(plan, judged, before, current_5k_s, from_day)
    if revised is None:
        return None
    try:
        return await _save(repo, athlete_id, revised, plan)
    except AlreadyDone:  # this week was judged already (the weekly job ran twice)
        return None


async def _rebuilt_since(
    repo: Repository, athlete_id: int, plan: TrainingPlan, since: date
) -> bool:
    assert plan.id is not None
    return any(
        r.kind in REBUILDS and r.effective_from >= since and not r.undone
        for r in await repo.revisions(athlete_id, plan.id)
    )


# ---- missed days ------------------------------------------------------------------------------


async def after_missed_days(repo: Repository, athlete: Athlete, today: date) -> Change | None:
    """2–4 planned runs missed in a row: an easy block; 5+: rebuild the rest from today's
    fitness (again after every further week of misses). Each happens once per streak; a
    paused runner misses nothing."""
    athlete_id = athlete.id
    assert athlete_id is not None
    if athlete.notifications.get("paused"):
        return None
    plan = await repo.active_plan(athlete_id)
    if plan is None or today > plan.race.race_date:
        return None
    assert plan.id is not None
    ran = await repo.run_dates(athlete_id, plan.start_date, today - timedelta(days=1))
    missed = revision.missed_run_days(plan, ran, today)
    if missed < EASY_BLOCK_MISSED.start:
        return None
    streak_start = max(ran) + timedelta(days=1) if ran else plan.start_date
    earlier = [
        r
        for r in await repo.revisions(athlete_id, plan.id)
        if r.effective_from >= streak_start and not r.undone
    ]
    from_day = await _open_day(repo, athlete_id, plan, today)
    if missed in EASY_BLOCK_MISSED:
        if earlier:  # already eased (or rebuilt) for this streak
            return None
        eased = revision.easy_block(plan, missed, from_day)
        return None if eased is None else await _save(repo, athlete_id, eased, plan)
    rebuilds = [r for r in earlier if r.kind in REBUILDS]
    if rebuilds:
        since = rebuilds[-1].effective_from
        if revision.missed_run_days(plan, ran, today, since=since) < RECOMPUTE_AGAIN_AFTER:
            return None
    fitness = await coaching.fitness(repo, athlete_id, plan, today)
    break_days = (today - streak_start).days
    rebuilt = revision.after_break(
        plan,
        from_day,
        break_days,
        fitness.adaptive.seconds,
        kind=RevisionKind.RECOMPUTE,
        missed=missed,
    )
    return await _save(repo, athlete_id, rebuilt, plan, restart=True)


# ---- pauses -----------------------------------------------------------------------------------


async def pause(
    repo: Repository, athlete: Athlete, today: date, days: int | None, reason: str | None
) -> Athlete:
    assert athlete.id is not None
    return await repo.update_athlete(
        athlete.id,
        notifications={**athlete.notifications, "paused": True},
        paused_on=athlete.paused_on or today,
        paused_until=today + timedelta(days=days) if days else None,
        pause_reason=reason,
    )


async def resume(repo: Repository, athlete: Athlete, today: date) -> Change | None:
    """Back from a pause: rebuild the rest of the plan from today with a return ramp."""
    assert athlete.id is not None
    plan = await repo.active_plan(athlete.id)
    paused_on = athlete.paused_on or today
    await repo.update_athlete(
        athlete.id,
        notifications={**athlete.notifications, "paused": False},
        paused_on=None,
        paused_until=None,
        pause_reason=None,
    )
    if plan is None or today > plan.race.race_date:
        return None
    ran = await repo.run_dates(athlete.id, plan.start_date, today - timedelta(days=1))
    last_run = max(ran) if ran else plan.start_date - timedelta(days=1)
    break_days = (today - min(last_run + timedelta(days=1), paused_on)).days
    if break_days < 1:
        return None
    fitness = await coaching.fitness(repo, athlete.id, plan, today)
    from_day = await _open_day(repo, athlete.id, plan, today)
    rebuilt = revision.after_break(
        plan, from_day, break_days, fitness.adaptive.seconds, reason=athlete.pause_reason
    )
    return await _save(repo, athlete.id, rebuilt, plan, restart=True)


# ---- the runner's own changes, and undo -------------------------------------------------------


async def preview_edit(
    repo: Repository, athlete_id: int, edit: revision.PlanEdit, today: date
) -> revision.Revised:
    plan = await _active(repo, athlete_id)
    fitness = await coaching.fitness(repo, athlete_id, plan, today)
    from_day = await _open_day(repo, athlete_id, plan, today)
    return revision.edit_plan(plan, edit, from_day, fitness.adaptive.seconds)


async def apply_edit(
    repo: Repository, athlete_id: int, edit: revision.PlanEdit, today: date
) -> Change:
    plan = await _active(repo, athlete_id)
    return await _save(repo, athlete_id, await preview_edit(repo, athlete_id, edit, today), plan)


async def undo(repo: Repository, athlete_id: int, revision_id: int, today: date) -> Change:
    """Take back the runner's latest weekly or easy-block change from today on."""
    taken_back, previous = await repo.revision_to_undo(athlete_id, revision_id)
    plan = await _active(repo, athlete_id)
    from_day = max(taken_back.effective_from, await _open_day(repo, athlete_id, plan, today))
    restored = revision.undo(plan, previous, from_day)
    return await _save(repo, athlete_id, restored, plan, undoes=taken_back.id)


# ---- race day and after -----------------------------------------------------------------------


@dataclass(frozen=True)
class RaceOutcome:
    plan: TrainingPlan
    result: RaceResult
    recovery_days: int


async def finished_plan(repo: Repository, athlete_id: int, today: date) -> TrainingPlan:
    """The active plan whose race day has come."""
    plan = await _active(repo, athlete_id)
    if today < plan.race.race_date:
        raise InvalidInput(
            f"Race day is {plan.race.race_date:%a %d %b}: send your result after the race."
        )
    return plan


async def record_race(
    repo: Repository,
    athlete_id: int,
    finish_s: int,
    today: date,
    now: datetime,
    activity_id: int | None = None,
) -> RaceOutcome:
    """Store the result, compare it with the prediction, take the fitness it shows, complete
    the plan."""
    plan = await finished_plan(repo, athlete_id, today)
    assert plan.id is not None
    fitness = await coaching.fitness(repo, athlete_id, plan, today)
    result = RaceResult(
        finish_s=finish_s,
        activity_id=activity_id,
        predicted_s=round(fitness.on_track.predicted_s),
        vdot=round(vdot(plan.race.distance_m, finish_s), 1),
        recorded_at=now,
    )
    await repo.record_result(athlete_id, plan.id, result)
    return RaceOutcome(plan, result, RECOVERY_DAYS[plan.race.race_type])
