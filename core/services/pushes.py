"""What the push tick decides: who gets which message now, and what changes before it goes.

The tick gathers everything due in one unit of work (:func:`due_now`); each notice is then
claimed, sent and recorded (:func:`claim`, :func:`record_delivery`). Deciding is here; words
and buttons are the bot's.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from core.adaptation import move_options
from core.models import (
    KEY_TYPES,
    Athlete,
    AthleteActivity,
    DayRow,
    DaysAround,
    DuePush,
    TrainingDayPlanned,
    TrainingPlan,
    WorkoutType,
)
from core.ports import UnitOfWork
from core.schedule import due_slots, week_slot
from core.services import real_life

PENDING_DAYS = 7  # runs still waiting for "Is this activity for your plan?" are recalled a week
DAYS_A_WEEK = 7


class NoticeKind(StrEnum):
    DAILY = "daily"
    NUDGE = "nudge"
    PENDING = "pending"
    WEEKLY = "weekly"
    RESUME = "resume"  # an announced pause is over
    RESULT = "result"  # the morning after race day


def wants(athlete: Athlete, kind: str) -> bool:
    notes = athlete.notifications
    return not notes.get("paused", False) and notes.get(kind, True)


@dataclass(frozen=True)
class Notice:
    """One message due to one runner; ``slot`` makes it at-most-once (see the push log)."""

    athlete: Athlete
    kind: NoticeKind
    slot: str
    local_date: date
    day: TrainingDayPlanned | None = None  # daily: today's workout
    quiet: bool = False  # daily on a rest day the runner doesn't want: only if the plan adapts
    check_missed: bool = False  # yesterday's run was missed: adapt the plan before sending
    missed: DayRow | None = None  # nudge: the missed key workout …
    options: tuple[DayRow, ...] = ()  # … and the days it could move to
    runs: tuple[AthleteActivity, ...] = ()  # pending: runs waiting for a decision


async def due_now(
    uow: UnitOfWork, start: datetime, end: datetime, weekly_time: str, weekly_day: int
) -> list[Notice]:
    """Every notice due in (start, end]: daily workouts, nudges for a missed key workout,
    reminders of runs waiting for a decision, and weekly reports."""
    slots = due_slots(await uow.pushes.zones_in_use(), start, end)
    due = await uow.pushes.due_pushes(slots)
    missed = await _missed_yesterday(uow, due)
    notices = [n for push in due if (n := daily(push, missed.get(push.athlete.id or 0)))]
    notices += await _nudges(uow, due, missed)
    notices += await _pending(uow, due)
    notices += await _weekly(uow, slots, weekly_time, weekly_day)
    return notices


def daily(push: DuePush, yesterday: DayRow | None) -> Notice | None:
    """The morning message: today's workout, or the end of a pause, or "how did the race go?"."""
    athlete, day, slot = push.athlete, push.day, push.local_date.isoformat()
    if athlete.notifications.get("paused"):
        back = athlete.paused_until
        if back and back <= push.local_date:
            return Notice(athlete, NoticeKind.RESUME, slot, push.local_date)
        return None
    if not wants(athlete, "daily"):
        return None
    if day is None:  # a plan but no day: race day has passed, ask how it went (once)
        if not push.plan_id:
            return None
        return Notice(athlete, NoticeKind.RESULT, f"plan-{push.plan_id}", push.local_date)
    check = yesterday is not None and yesterday.planned.type.is_run
    quiet = day.planned.type is WorkoutType.REST and not wants(athlete, "rest")
    if quiet and not check:
        return None
    return Notice(
        athlete,
        NoticeKind.DAILY,
        slot,
        push.local_date,
        day,
        quiet=quiet,
        check_missed=check,
    )


async def _missed_yesterday(uow: UnitOfWork, due: list[DuePush]) -> dict[int, DayRow]:
    """Yesterday's planned day, for runners with a plan who neither ran nor skipped it."""
    asked = [
        (p.athlete.id, p.local_date - timedelta(days=1))
        for p in due
        if p.plan_id
        and p.athlete.id is not None
        and (wants(p.athlete, "daily") or wants(p.athlete, "nudges"))
    ]
    return await uow.pushes.missed_days(asked)


async def _nudges(uow: UnitOfWork, due: list[DuePush], missed: dict[int, DayRow]) -> list[Notice]:
    """A missed key workout (not race day) gets a nudge with the days it could move to."""
    asking = {p.athlete.id: p for p in due if p.plan_id and wants(p.athlete, "nudges")}
    key = {
        athlete_id: day
        for athlete_id, day in missed.items()
        if athlete_id in asking
        and day.planned.type in KEY_TYPES
        and day.planned.type is not WorkoutType.RACE
    }
    around = await uow.pushes.days_between([(a, *nudge_window(d)) for a, d in key.items()])
    notices = []
    for athlete_id, day in key.items():
        notice = nudge(asking[athlete_id], day, around.get(athlete_id))
        if notice is not None:
            notices.append(notice)
    return notices


def nudge_window(missed: DayRow) -> tuple[date, date]:
    """The days a nudge reads: back to the run before (a week at most) and on to the end of
    the missed day's week (where it may move)."""
    week_end = missed.date + timedelta(days=DAYS_A_WEEK - 1 - missed.day_index)
    return missed.date - timedelta(days=DAYS_A_WEEK), week_end


def nudge(push: DuePush, missed: DayRow, around: DaysAround | None) -> Notice | None:
    """None when the run before was missed too: two or more in a row adapt the plan instead
    (see :func:`before_daily`)."""
    days, done = (around.days, around.done) if around else ((), frozenset())
    earlier = [d for d in days if d.date < missed.date and d.planned.type.is_run]
    if earlier and (earlier[-1].week_index, earlier[-1].day_index) not in done:
        return None
    week = [d for d in days if d.week_index == missed.week_index]
    options = move_options(week, missed, done, push.local_date)
    slot = push.local_date.isoformat()
    return Notice(
        push.athlete, NoticeKind.NUDGE, slot, push.local_date, missed=missed, options=tuple(options)
    )


async def _pending(uow: UnitOfWork, due: list[DuePush]) -> list[Notice]:
    asking = {p.athlete.id: p for p in due if wants(p.athlete, "nudges")}
    waiting = await uow.activities.pending_matches([i for i in asking if i is not None])
    notices = []
    for athlete_id, all_runs in waiting.items():
        push = asking[athlete_id]
        runs = [r for r in all_runs if (push.local_date - r.local_date).days <= PENDING_DAYS]
        if runs:  # old questions fade: no reminder forever
            slot = push.local_date.isoformat()
            notices.append(
                Notice(push.athlete, NoticeKind.PENDING, slot, push.local_date, runs=tuple(runs))
            )
    return notices


async def _weekly(
    uow: UnitOfWork, slots: list[tuple[str, str, date]], weekly_time: str, weekly_day: int
) -> list[Notice]:
    zones = {
        zone: day
        for zone, hhmm, day in slots
        if hhmm == weekly_time and day.weekday() == weekly_day
    }
    athletes = await uow.pushes.athletes_in_zones(sorted(zones))
    return [
        Notice(a, NoticeKind.WEEKLY, week_slot(zones[a.time_zone]), zones[a.time_zone])
        for a in athletes
        if wants(a, "weekly")
    ]


# ---- delivering -------------------------------------------------------------------------------


async def claim(uow: UnitOfWork, notice: Notice) -> bool:
    """True exactly once per runner, kind and slot: the claim comes before the send."""
    assert notice.athlete.id is not None
    return await uow.pushes.claim_push(notice.athlete.id, notice.kind.value, notice.slot)


async def record_delivery(uow: UnitOfWork, notice: Notice, status: str) -> None:
    """How the send went; a runner who blocked the bot gets no more pushes."""
    athlete_id = notice.athlete.id
    assert athlete_id is not None
    await uow.pushes.mark_push(athlete_id, notice.kind.value, notice.slot, status)
    if status == "blocked":
        await uow.athletes.update_athlete(athlete_id, active=False)


@dataclass(frozen=True)
class Adapted:
    change: real_life.Change
    today: TrainingDayPlanned


async def before_daily(uow: UnitOfWork, athlete: Athlete, today: date) -> Adapted | None:
    """Runs missed in a row: the plan is revised before today's workout goes out; what
    changed, why, and today's (new) workout."""
    assert athlete.id is not None
    change = await real_life.after_missed_days(uow, athlete, today)
    if change is None:
        return None
    [day] = await uow.plans.planned_days(athlete.id, today, today)
    return Adapted(change, day)


async def ran_today(uow: UnitOfWork, athlete_id: int, today: date) -> bool:
    """Today's run is in already (logged before the morning push): checked as the push goes
    out, one query, rather than for every due runner when the slot is decided."""
    view = await uow.plans.day_view(athlete_id, today)
    return view is not None and view.analysis is not None


async def race_day_run(
    uow: UnitOfWork, athlete_id: int
) -> tuple[TrainingPlan, AthleteActivity | None] | None:
    """The active plan after its race day, and the run linked to race day, if any."""
    plan = await uow.plans.active_plan(athlete_id)
    if plan is None or plan.id is None:
        return None
    executed = await uow.executions.executed_days(athlete_id, plan.id)
    linked = [e for e in executed if e.date == plan.race.race_date and e.activity_id is not None]
    if not linked or linked[0].activity_id is None:
        return plan, None
    return plan, await uow.activities.get_activity(athlete_id, linked[0].activity_id)
