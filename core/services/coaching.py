"""Runs in, plan progress out: import, match, link, and "Are you on track?"."""

from dataclasses import dataclass
from datetime import date, timedelta

from core import adaptive, progress
from core.analysis import analyse
from core.errors import NotFound
from core.matching import match
from core.models import (
    Adaptive5kSnapshot,
    Athlete,
    AthleteActivity,
    ExecutedDay,
    MatchCandidate,
    MatchDecision,
    OnTrack,
    TrainingDayPlanned,
    TrainingPlan,
    WeekProgress,
)
from core.plausibility import check_plausible
from core.ports import Repository

NEARBY_DAYS = 7


@dataclass(frozen=True)
class Fitness:
    adaptive: Adaptive5kSnapshot
    on_track: OnTrack
    time_trial_due: bool = False  # weeks without a race: a time trial keeps the anchor honest


@dataclass(frozen=True)
class LinkOutcome:
    executed: ExecutedDay
    fitness: Fitness


@dataclass(frozen=True)
class ImportOutcome:
    activity: AthleteActivity
    created: bool  # False: this run was already stored (same file, or from another source)
    decision: MatchDecision | None  # None: no active plan, not a run, or a repeat
    candidates: tuple[MatchCandidate, ...] = ()
    linked: LinkOutcome | None = None


async def import_run(
    repo: Repository, athlete: Athlete, activity: AthleteActivity, today: date
) -> ImportOutcome:
    """Store the run (idempotently), then link it when the match is unambiguous. An
    implausible activity is refused (:class:`InvalidInput`) and nothing is stored."""
    assert athlete.id is not None
    check_plausible(activity, today)
    stored, created = await repo.import_activity(athlete.id, activity)
    plan = await repo.active_plan(athlete.id)
    if not created or plan is None or not stored.is_run:
        return ImportOutcome(stored, created, None)
    assert plan.id is not None and stored.id is not None
    executed = await repo.executed_days(athlete.id, plan.id)
    result = match(stored, plan.days(), [(e.week_index, e.day_index) for e in executed])
    if result.decision is not MatchDecision.AUTO or result.best is None:
        state = "pending" if result.decision is MatchDecision.ASK else "extra"
        await repo.set_match_state(athlete.id, stored.id, state)
        return ImportOutcome(stored, True, result.decision, result.candidates)
    assert result.best.day.id is not None
    linked = await link_run(repo, athlete.id, stored.id, result.best.day.id, today)
    return ImportOutcome(stored, True, result.decision, result.candidates, linked)


async def link_run(
    repo: Repository,
    athlete_id: int,
    activity_id: int,
    day_id: int,
    today: date,
    *,
    relink: bool = False,
) -> LinkOutcome:
    plan = await _plan(repo, athlete_id)
    day = next((d for d in plan.days() if d.id == day_id), None)
    if day is None:
        raise NotFound("That day isn't in your current plan.")
    assert plan.id is not None
    done = await repo.executed_days(athlete_id, plan.id)
    same = [e for e in done if e.activity_id == activity_id and e.date == day.date]
    if same and not relink:  # the same press again (a double tap, a replay after a crash)
        return LinkOutcome(same[0], await fitness(repo, athlete_id, plan, today))
    activity = await repo.get_activity(athlete_id, activity_id)
    analysis = analyse(day.planned, activity)
    save = repo.relink_activity if relink else repo.link_activity
    executed = await save(athlete_id, activity_id, day_id, analysis)
    return LinkOutcome(executed, await fitness(repo, athlete_id, plan, today))


async def nearby_open_days(
    repo: Repository, athlete_id: int, activity_id: int
) -> list[TrainingDayPlanned]:
    """Planned runs within a week of the activity that have no run linked yet."""
    plan = await _plan(repo, athlete_id)
    activity = await repo.get_activity(athlete_id, activity_id)
    assert plan.id is not None
    done = {(e.week_index, e.day_index) for e in await repo.executed_days(athlete_id, plan.id)}
    window = timedelta(days=NEARBY_DAYS)
    return [
        d
        for d in plan.days()
        if d.planned.type.is_run
        and (d.week_index, d.day_index) not in done
        and abs(d.date - activity.local_date) <= window
    ]


async def fitness(
    repo: Repository,
    athlete_id: int,
    plan: TrainingPlan,
    today: date,
    week_progress: WeekProgress | None = None,
) -> Fitness:
    """Today's adaptive 5k (not yet snapshotted) and the on-track verdict it gives."""
    assert plan.id is not None
    executed = await repo.executed_days(athlete_id, plan.id)
    snaps = await repo.snapshots(athlete_id, plan.id)
    previous = snaps[-1] if snaps else None
    week = plan.week_of(today)
    snap = adaptive.snapshot(
        executed,
        today,
        week.week_index if week else 0,
        baseline_5k_s=plan.baseline_5k_s,
        plan_vdot=plan.vdot,
        previous=previous,
    )
    if week_progress is None:
        week_progress = await _this_week(repo, athlete_id, plan, today)
    adherence = week_progress.adherence if week_progress else None
    weekly = progress.recent_weekly_m(plan, executed, today)
    due = progress.time_trial_due(plan, executed, today)
    return Fitness(snap, progress.on_track(plan, snap.seconds, adherence, weekly), due)


@dataclass(frozen=True)
class Status:
    plan: TrainingPlan
    week: WeekProgress | None
    fitness: Fitness


async def status(repo: Repository, athlete_id: int, today: date) -> Status | None:
    """ "Are you on track?": this week's adherence, the adaptive 5k and the verdict."""
    plan = await repo.active_plan(athlete_id)
    if plan is None:
        return None
    week_progress = await _this_week(repo, athlete_id, plan, today)
    return Status(plan, week_progress, await fitness(repo, athlete_id, plan, today, week_progress))


async def _this_week(
    repo: Repository, athlete_id: int, plan: TrainingPlan, today: date
) -> WeekProgress | None:
    current = plan.week_of(today)
    inputs = await repo.week_inputs(athlete_id, current.week_index) if current else None
    if inputs is None:
        return None
    extra = sum(a.distance_m for a in inputs.extra_runs)
    return progress.week_progress(inputs.week, inputs.executed, extra_m=extra)


async def _plan(repo: Repository, athlete_id: int) -> TrainingPlan:
    plan = await repo.active_plan(athlete_id)
    if plan is None:
        raise NotFound("You have no active plan. Send /race to set one up.")
    return plan


async def snapshot_week(
    repo: Repository,
    athlete_id: int,
    plan: TrainingPlan,
    today: date,
    current: Fitness | None = None,
) -> Fitness:
    """Store this week's adaptive-5k snapshot (weekly progress, first Garmin import);
    pass ``current`` when the caller already computed today's fitness."""
    assert plan.id is not None
    current = current or await fitness(repo, athlete_id, plan, today)
    index = plan.current_week(today).week_index
    await repo.save_snapshot(
        athlete_id, plan.id, current.adaptive.model_copy(update={"week_index": index})
    )
    return current
