"""Runs in, plan progress out: import, match, link, and "Are you on track?"."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core import adaptive, progress
from core.analysis import analyse
from core.errors import AlreadyLinked, DayTaken, InvalidInput, NotFound
from core.matching import match, second_run
from core.models import (
    STANDARD_DISTANCES,
    ActivitySource,
    Adaptive5kSnapshot,
    Athlete,
    AthleteActivity,
    ExecutedDay,
    MatchCandidate,
    MatchDecision,
    OnTrack,
    Prediction,
    RaceType,
    Readiness,
    TrainingDayPlanned,
    TrainingPlan,
    TrainingWeek,
    WeekProgress,
    WorkoutType,
)
from core.parsing import take_date, take_distance, take_duration
from core.plausibility import admit
from core.ports import UnitOfWork
from core.prediction import predict
from core.units import METRES_PER_KM

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
    double_day_id: int | None = None  # the first candidate is its day's second run


async def import_run(
    uow: UnitOfWork, athlete: Athlete, activity: AthleteActivity, today: date
) -> ImportOutcome:
    """Store the run (idempotently), then link it when the match is unambiguous. An
    implausible activity is refused (:class:`InvalidInput`) and nothing is stored."""
    assert athlete.id is not None
    activity = admit(activity, today)
    stored, created = await uow.activities.import_activity(athlete.id, activity)
    plan = await uow.plans.active_plan(athlete.id)
    if not created or plan is None or not stored.is_run:
        return ImportOutcome(stored, created, None)
    assert plan.id is not None and stored.id is not None
    executed = await uow.executions.executed_days(athlete.id, plan.id)
    days, linked_days = plan.days(), [(e.week_index, e.day_index) for e in executed]
    result = match(stored, days, linked_days)
    double = second_run(stored, days, linked_days)
    if double is not None and result.decision is not MatchDecision.AUTO:
        # the day's run is in: this one is most likely its second run, offered first
        others = tuple(c for c in result.candidates if c.day.id != double.day.id)
        await uow.activities.set_match_state(athlete.id, stored.id, "pending")
        candidates = (double, *others)
        return ImportOutcome(stored, True, MatchDecision.ASK, candidates, None, double.day.id)
    if result.decision is not MatchDecision.AUTO or result.best is None:
        state = "pending" if result.decision is MatchDecision.ASK else "extra"
        await uow.activities.set_match_state(athlete.id, stored.id, state)
        return ImportOutcome(stored, True, result.decision, result.candidates)
    assert result.best.day.id is not None
    linked = await link_run(uow, athlete.id, stored.id, result.best.day.id, today)
    return ImportOutcome(stored, True, result.decision, result.candidates, linked)


async def link_run(
    uow: UnitOfWork,
    athlete_id: int,
    activity_id: int,
    day_id: int,
    today: date,
    *,
    relink: bool = False,
    second: bool = False,
) -> LinkOutcome:
    """Link the run to the day. A day that has another run already takes this one as its
    second run only when ``second`` says so (the runner pressed "2nd run"): a button from an
    older question, when the day was still open, never quietly doubles or changes it."""
    plan = await _plan(uow, athlete_id)
    day = next((d for d in plan.days() if d.id == day_id), None)
    if day is None:
        raise NotFound("day_not_in_plan")
    assert plan.id is not None
    done = await uow.executions.executed_days(athlete_id, plan.id)
    same = [e for e in done if e.activity_id == activity_id and e.date == day.date]
    if same and not relink:  # the same press again (a double tap, a replay after a crash)
        return LinkOutcome(same[0], await fitness(uow, athlete_id, plan, today))
    taken = [e for e in done if e.date == day.date and e.activity_id != activity_id]
    if taken and not second:
        raise DayTaken("day_has_run", day_id=day_id, run_m=taken[0].analysis.actual_m)
    activity = await uow.activities.get_activity(athlete_id, activity_id)
    analysis = analyse(day.planned, activity)
    save = uow.executions.relink_activity if relink else uow.executions.link_activity
    executed = await save(athlete_id, activity_id, day_id, analysis)
    return LinkOutcome(executed, await fitness(uow, athlete_id, plan, today))


@dataclass(frozen=True)
class NearbyDay:
    day: TrainingDayPlanned
    has_run: bool  # linking here makes it a double day


async def nearby_days(uow: UnitOfWork, athlete_id: int, activity_id: int) -> list[NearbyDay]:
    """Planned runs within a week of the activity, the nearest first; a day that has its run
    already is offered too, as a double day (a morning and an evening run)."""
    plan = await _plan(uow, athlete_id)
    activity = await uow.activities.get_activity(athlete_id, activity_id)
    assert plan.id is not None
    done = {
        (e.week_index, e.day_index) for e in await uow.executions.executed_days(athlete_id, plan.id)
    }
    window = timedelta(days=NEARBY_DAYS)
    near = [
        NearbyDay(d, (d.week_index, d.day_index) in done)
        for d in plan.days()
        if d.planned.type.is_run and abs(d.date - activity.local_date) <= window
    ]
    return sorted(near, key=lambda n: (abs(n.day.date - activity.local_date), n.day.date))


async def fitness(
    uow: UnitOfWork,
    athlete_id: int,
    plan: TrainingPlan,
    today: date,
) -> Fitness:
    """Today's adaptive 5k (not yet snapshotted) and the on-track verdict it gives."""
    return _fitness(plan, await _record(uow, athlete_id, plan), today)


async def race_morning_fitness(uow: UnitOfWork, athlete_id: int, plan: TrainingPlan) -> Fitness:
    """What the coach predicted on race morning: every run before race day, none from it."""
    record = await _record(uow, athlete_id, plan)
    return _fitness(plan, record.before(plan.race.race_date), plan.race.race_date)


@dataclass(frozen=True)
class _Record:
    """What fitness is read from: the plan's linked runs, its weekly 5k snapshots, and the days
    of time trials and races run outside the plan's days (extra runs)."""

    executed: list[ExecutedDay]
    snaps: list[Adaptive5kSnapshot]
    trials: list[date]

    def before(self, day: date) -> "_Record":
        return _Record(
            [e for e in self.executed if e.date < day],
            [s for s in self.snaps if s.taken_on < day],
            [t for t in self.trials if t < day],
        )


async def race_day_paced(
    uow: UnitOfWork, athlete_id: int, day: TrainingDayPlanned
) -> TrainingDayPlanned:
    """Race day at the pace of race morning's prediction (the one /result compares with), not
    the pace the plan guessed weeks ago; any other day as planned."""
    if day.planned.type is not WorkoutType.RACE:
        return day
    plan = await uow.plans.active_plan(athlete_id)
    if plan is None or plan.race.race_date != day.date:
        return day
    predicted = (await race_morning_fitness(uow, athlete_id, plan)).on_track.predicted_s
    pace = predicted / (day.planned.distance_m / METRES_PER_KM)
    return day.model_copy(
        update={"planned": day.planned.model_copy(update={"pace_s_per_km": pace})}
    )


async def _record(uow: UnitOfWork, athlete_id: int, plan: TrainingPlan) -> _Record:
    assert plan.id is not None
    executed = await uow.executions.executed_days(athlete_id, plan.id)
    extras = await uow.activities.unlinked_activities(athlete_id, plan.start_date)
    trials = [a.local_date for a in extras if a.is_run and a.race_effort]
    return _Record(executed, await uow.plans.snapshots(athlete_id, plan.id), trials)


def _fitness(plan: TrainingPlan, record: _Record, today: date) -> Fitness:
    executed, snaps = record.executed, record.snaps
    week = plan.week_of(today)
    weekly = progress.recent_weekly_m(plan, executed, today)
    snap = adaptive.snapshot(
        executed,
        today,
        week.week_index if week else 0,
        baseline_5k_s=plan.baseline_5k_s,
        plan_vdot=plan.vdot,
        previous=snaps[-1] if snaps else None,
        weekly_m=progress.volume_m(plan, today, weekly),
    )
    adherence = progress.adherence_so_far(week, executed, today)
    due = progress.time_trial_due(plan, executed, today, record.trials)
    return Fitness(snap, progress.on_track(plan, snap.seconds, adherence, today, weekly), due)


@dataclass(frozen=True)
class Status:
    plan: TrainingPlan
    week: WeekProgress | None
    fitness: Fitness
    longest_run_m: float = 0.0  # the longest run linked to the plan so far

    @property
    def not_ready(self) -> Readiness | None:
        """The plan's readiness gap, said until a run has closed it."""
        readiness = self.plan.readiness
        if readiness is None or readiness.ready or self.longest_run_m >= readiness.needed_m:
            return None
        return readiness


async def status(uow: UnitOfWork, athlete_id: int, today: date) -> Status | None:
    """ "Are you on track?": this week's adherence, the adaptive 5k and the verdict (the plan,
    its runs and its snapshots read once)."""
    plan = await uow.plans.active_plan(athlete_id)
    if plan is None or plan.id is None:
        return None
    record = await _record(uow, athlete_id, plan)
    executed = record.executed
    week_progress = await _this_week(uow, athlete_id, plan, executed, today)
    longest = max((e.analysis.actual_m for e in executed), default=0.0)
    return Status(plan, week_progress, _fitness(plan, record, today), longest)


@dataclass(frozen=True)
class Predictions:
    """/predict: today's fitness (the very numbers /status shows) carried to every distance."""

    status: Status
    table: tuple[tuple[RaceType, Prediction], ...]


async def predictions(uow: UnitOfWork, athlete_id: int, today: date) -> Predictions | None:
    found = await status(uow, athlete_id, today)
    if found is None:
        return None
    now = found.fitness.on_track
    table = tuple(
        (race_type, predict(now.current_5k_s, distance, weekly_m=now.weekly_m))
        for race_type, distance in STANDARD_DISTANCES.items()
    )
    return Predictions(found, table)


async def _this_week(
    uow: UnitOfWork, athlete_id: int, plan: TrainingPlan, executed: list[ExecutedDay], today: date
) -> WeekProgress | None:
    week = plan.week_of(today)
    return None if week is None else await week_progress(uow, athlete_id, week, executed)


async def week_progress(
    uow: UnitOfWork, athlete_id: int, week: TrainingWeek, executed: list[ExecutedDay]
) -> WeekProgress:
    """A week's adherence: its linked runs (of the plan's ``executed``), and extra runs
    (unlinked) as extra volume."""
    unlinked = await uow.activities.unlinked_activities(athlete_id, week.start_date)
    extra = sum(a.distance_m for a in unlinked if a.is_run and a.local_date <= week.end_date)
    done = tuple(e for e in executed if e.week_index == week.week_index)
    return progress.week_progress(week, done, extra_m=extra)


async def _plan(uow: UnitOfWork, athlete_id: int) -> TrainingPlan:
    plan = await uow.plans.active_plan(athlete_id)
    if plan is None:
        raise NotFound("no_plan")
    return plan


async def snapshot_week(
    uow: UnitOfWork,
    athlete_id: int,
    plan: TrainingPlan,
    today: date,
    current: Fitness | None = None,
) -> Fitness:
    """Store this week's adaptive-5k snapshot (weekly progress, first Garmin import);
    pass ``current`` when the caller already computed today's fitness."""
    assert plan.id is not None
    current = current or await fitness(uow, athlete_id, plan, today)
    index = plan.current_week(today).week_index
    await uow.plans.save_snapshot(
        athlete_id, plan.id, current.adaptive.model_copy(update={"week_index": index})
    )
    return current


async def unlink_run(uow: UnitOfWork, athlete_id: int, activity_id: int) -> AthleteActivity:
    """Take a run off its planned day; it stays stored as an extra run."""
    await uow.executions.unlink_activity(athlete_id, activity_id)
    await uow.activities.set_match_state(athlete_id, activity_id, "extra")
    return await uow.activities.get_activity(athlete_id, activity_id)


async def delete_run(uow: UnitOfWork, athlete_id: int, activity_id: int) -> AthleteActivity:
    """The run is gone, and with it its place in the plan and the numbers: a wrong file, a
    watch left running, a run logged twice by hand. What was deleted comes back to say so."""
    run = await uow.activities.get_activity(athlete_id, activity_id)
    await uow.activities.delete_activity(athlete_id, activity_id)
    return run


async def unlinked_run(uow: UnitOfWork, athlete_id: int, activity_id: int) -> AthleteActivity:
    """The runner's run, when no planned day has it yet (else :class:`AlreadyLinked`)."""
    activity = await uow.activities.get_activity(athlete_id, activity_id)
    open_runs = await uow.activities.unlinked_activities(athlete_id, activity.local_date)
    if all(a.id != activity_id for a in open_runs):
        raise AlreadyLinked("run_already_linked")
    return activity


async def seed_fitness(uow: UnitOfWork, athlete_id: int, today: date) -> Fitness | None:
    """The first runs on record (a first Garmin import) set this week's adaptive 5k."""
    plan = await uow.plans.active_plan(athlete_id)
    return None if plan is None else await snapshot_week(uow, athlete_id, plan, today)


@dataclass(frozen=True)
class PlanSoFar:
    """The active plan and the runs linked to it: what /week, /plan and /predict show."""

    plan: TrainingPlan
    executed: list[ExecutedDay]

    @property
    def done(self) -> dict[tuple[int, int], list[ExecutedDay]]:
        """Each day's linked runs, in the order they were linked (a double day has two)."""
        found: dict[tuple[int, int], list[ExecutedDay]] = {}
        for e in sorted(self.executed, key=lambda e: e.id or 0):
            found.setdefault((e.week_index, e.day_index), []).append(e)
        return found


async def plan_so_far(uow: UnitOfWork, athlete_id: int) -> PlanSoFar:
    plan = await _plan(uow, athlete_id)
    assert plan.id is not None
    return PlanSoFar(plan, await uow.executions.executed_days(athlete_id, plan.id))


class LogWordsUnclear(InvalidInput):
    """The words after /log didn't read as a run: the answer shows how to log one."""


MANUAL_RUN_HOUR = 12  # no clock time given: midday local
NOTE_CHARS = 200


def manual_run(
    athlete: Athlete, today: date, words: Sequence[str], reference: str
) -> AthleteActivity:
    """``/log 8.2km 42:10 [yesterday|sunday|20 Nov] [note…]`` (also ``5 km 35 min``) as a run;
    a weekday is the last one. ``reference`` (the message) makes a re-delivered update a
    repeat, not a second run."""
    try:
        distance, rest = take_distance(words, athlete.units)
        seconds, rest = take_duration(rest)
        on, rest = take_date(rest, today)
    except InvalidInput as error:
        raise LogWordsUnclear(error.code, **error.params) from None
    if on > today:
        raise InvalidInput("log_in_future")
    start = datetime.combine(on, time(MANUAL_RUN_HOUR), ZoneInfo(athlete.time_zone))
    note = " ".join(rest)[:NOTE_CHARS]
    return AthleteActivity(
        source=ActivitySource.MANUAL,
        external_id=reference,
        start_utc=start.astimezone(UTC),
        local_date=on,
        distance_m=distance,
        duration_s=seconds,
        moving_s=seconds,
        summary={"note": note} if note else {},
    )


async def log_run(
    uow: UnitOfWork, athlete: Athlete, today: date, words: Sequence[str], reference: str
) -> ImportOutcome:
    return await import_run(uow, athlete, manual_run(athlete, today, words, reference), today)
