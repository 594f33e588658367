"""Daily workouts, nudges, pending-match reminders and weekly progress, delivered at most once.

A tick (every minute) asks the database which runners are due — one query for every local
minute since the last tick, whatever the number of runners — and queues their messages. A few
workers send the queue: each message is first *claimed* in ``push_log`` (unique per runner,
kind and slot), then sent, then marked. A crash between claim and send loses that one message
rather than ever sending it twice (Telegram has no idempotency key). Slots older than the grace
window are not looked at after a restart: no workout arrives at midnight.
"""

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.context import Services
from bot.explain import explain
from bot.keyboards import button, rows, single, workout_buttons
from bot.render import Renderer
from bot.reports import weekly_report
from core.adaptation import move_options
from core.models import (
    KEY_TYPES,
    Athlete,
    DuePush,
    PlannedWorkout,
    TrainingDayPlanned,
    Units,
    WorkoutType,
)
from core.schedule import due_slots, week_slot
from core.services import real_life

log = logging.getLogger("gofast.pushes")

WORKERS = 8  # enough for ~30 msg/s at 250 ms a send; each may hold one claimed message
RETRY_DELAYS_S = (1.0, 2.0, 4.0)
PENDING_DAYS = 7  # runs still waiting for "Is this activity for your plan?" are recalled a week


@dataclass(frozen=True)
class Outgoing:
    athlete: Athlete
    kind: str  # daily, nudge, pending, weekly
    slot: str
    text: str = ""
    markup: InlineKeyboardMarkup | None = None
    workout_day_id: int | None = None  # daily workouts get Done / Skip buttons at send time
    local_date: date | None = None  # weekly reports are built right before sending
    check_missed: bool = False  # yesterday's run was missed: adapt the plan before sending


@dataclass
class Report:
    sent: int = 0
    duplicate: int = 0
    blocked: int = 0
    failed: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def wants(athlete: Athlete, kind: str) -> bool:
    notes = athlete.notifications
    return not notes.get("paused", False) and notes.get(kind, True)


@lru_cache(maxsize=8192)
def _daily_text(
    render: Renderer, template: str, day: date, workout: PlannedWorkout, units: Units
) -> str:
    """Runners on the same plan get the same words: render each distinct day once."""
    return render(
        template,
        day=TrainingDayPlanned(week_index=0, day_index=0, date=day, planned=workout),
        units=units,
    )


def _template(day: TrainingDayPlanned) -> str:
    kind = day.planned.type
    if kind is WorkoutType.REST:
        return "push/rest"
    return "push/race_day" if kind is WorkoutType.RACE else "push/daily"


class Pushes:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.queue: asyncio.Queue[Outgoing] = asyncio.Queue()
        self.report = Report()
        self._last_tick: datetime | None = None
        self._workers: list[asyncio.Task[None]] = []

    # ---- deciding what is due -----------------------------------------------------------

    def window(self, now: datetime) -> tuple[datetime, datetime]:
        grace = timedelta(minutes=self.services.settings.push_grace_minutes)
        start = max(self._last_tick or now - grace, now - grace)
        return start, now

    async def prepare(self, now: datetime) -> list[Outgoing]:
        """Everything due in (last tick, now], at most the grace window back."""
        start, end = self.window(now)
        self._last_tick = end
        repo = self.services.repo
        zones = await repo.zones_in_use()
        slots = due_slots(zones, start, end)
        due = await repo.due_pushes(slots)
        missed = await self._missed_yesterday(due)
        outgoing = [o for push in due if (o := self._daily(push, missed)) is not None]
        outgoing += await self._nudges(due, missed)
        outgoing += await self._pending(due)
        outgoing += await self._weekly(slots)
        return outgoing

    async def _missed_yesterday(self, due: list[DuePush]) -> dict[int, TrainingDayPlanned]:
        """Yesterday's planned day, for runners with a plan who neither ran nor skipped it."""
        asked = [
            (p.athlete.id, p.local_date - timedelta(days=1))
            for p in due
            if p.plan_id
            and p.athlete.id is not None
            and (wants(p.athlete, "daily") or wants(p.athlete, "nudges"))
        ]
        return await self.services.repo.missed_days(asked)  # type: ignore[arg-type]

    def _daily(self, push: DuePush, missed: dict[int, TrainingDayPlanned]) -> Outgoing | None:
        athlete, day, slot = push.athlete, push.day, push.local_date.isoformat()
        if athlete.notifications.get("paused"):
            back = athlete.paused_until
            return Outgoing(athlete, "resume", slot) if back and back <= push.local_date else None
        if not wants(athlete, "daily"):
            return None
        if day is None:  # a plan but no day: race day has passed, ask how it went (once)
            return Outgoing(athlete, "result", f"plan-{push.plan_id}") if push.plan_id else None
        yesterday = missed.get(athlete.id or 0)
        check = yesterday is not None and yesterday.planned.type.is_run
        resting = day.planned.type.value == "rest"
        quiet = resting and not wants(athlete, "rest")  # sent only if the plan adapts
        if quiet and not check:
            return None
        text = (
            ""
            if quiet
            else _daily_text(
                self.services.render, _template(day), day.date, day.planned, athlete.units
            )
        )
        day_id = None if resting else day.id
        return Outgoing(
            athlete,
            "daily",
            slot,
            text,
            workout_day_id=day_id,
            check_missed=check,
            local_date=push.local_date,
        )

    async def _nudges(
        self, due: list[DuePush], missed: dict[int, TrainingDayPlanned]
    ) -> list[Outgoing]:
        asking = {p.athlete.id: p for p in due if p.plan_id and wants(p.athlete, "nudges")}
        outgoing = []
        for athlete_id, day in missed.items():
            if athlete_id not in asking:
                continue
            if day.planned.type not in KEY_TYPES or day.planned.type.value == "race":
                continue
            nudge = await self._nudge(asking[athlete_id], day)
            if nudge is not None:
                outgoing.append(nudge)
        return outgoing

    async def _nudge(self, push: DuePush, missed: TrainingDayPlanned) -> Outgoing | None:
        athlete = push.athlete
        assert athlete.id is not None
        repo = self.services.repo
        week_days = await repo.planned_days(
            athlete.id, missed.date - timedelta(days=7), missed.date + timedelta(days=7)
        )
        week = [d for d in week_days if d.week_index == missed.week_index]
        assert missed.training_plan_id is not None
        done = {
            (e.week_index, e.day_index)
            for e in await repo.executed_days(athlete.id, missed.training_plan_id)
        }
        earlier = [d for d in week_days if d.date < missed.date and d.planned.type.is_run]
        if earlier and (earlier[-1].week_index, earlier[-1].day_index) not in done:
            return None  # two or more missed in a row: the daily message adapts the plan instead
        options = move_options(week, missed, done, push.local_date)
        buttons = [
            button(f"Move to {d.date:%a} {d.date.day}", f"nd:m:{missed.id}:{d.id}")
            for d in options[:3]
        ]
        buttons.append(button("Drop it", f"nd:d:{missed.id}"))
        text = self.services.render(
            "push/nudge", missed=missed, options=options, units=athlete.units
        )
        return Outgoing(athlete, "nudge", push.local_date.isoformat(), text, rows(buttons, 1))

    async def _pending(self, due: list[DuePush]) -> list[Outgoing]:
        asking = {p.athlete.id: p for p in due if wants(p.athlete, "nudges")}
        waiting = await self.services.repo.pending_matches([i for i in asking if i is not None])
        outgoing = []
        for athlete_id, all_runs in waiting.items():
            push = asking[athlete_id]
            runs = [r for r in all_runs if (push.local_date - r.local_date).days <= PENDING_DAYS]
            if not runs:  # old questions fade: no reminder forever
                continue
            units = push.athlete.units
            buttons = [
                button(f"📅 {r.local_date:%a %d %b} · link", f"ac:o:{r.id}") for r in runs[:3]
            ]
            buttons += [
                button(f"➕ {r.local_date:%a %d %b} · extra", f"ac:x:{r.id}") for r in runs[:3]
            ]
            text = self.services.render("push/pending", runs=runs, units=units)
            outgoing.append(
                Outgoing(
                    push.athlete, "pending", push.local_date.isoformat(), text, rows(buttons, 2)
                )
            )
        return outgoing

    async def _weekly(self, slots: list[tuple[str, str, date]]) -> list[Outgoing]:
        settings = self.services.settings
        zones = {
            zone: day
            for zone, hhmm, day in slots
            if hhmm == settings.weekly_push_time and day.weekday() == settings.weekly_push_day
        }
        athletes = await self.services.repo.athletes_in_zones(sorted(zones))
        return [
            Outgoing(a, "weekly", week_slot(zones[a.time_zone]), local_date=zones[a.time_zone])
            for a in athletes
            if wants(a, "weekly")
        ]

    # ---- delivering ---------------------------------------------------------------------

    async def tick(self, bot: Bot) -> int:
        outgoing = await self.prepare(self.services.clock.now())
        for item in outgoing:
            self.queue.put_nowait(item)
        return len(outgoing)

    def start_workers(self, bot: Bot, count: int = WORKERS) -> None:
        self._workers = [asyncio.create_task(self._work(bot)) for _ in range(count)]

    async def stop_workers(self) -> None:
        for task in self._workers:
            task.cancel()
        for task in self._workers:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._workers = []

    async def drain(self) -> None:
        await self.queue.join()

    async def _work(self, bot: Bot) -> None:
        while True:
            item = await self.queue.get()
            try:
                await self.deliver(bot, item)
            except Exception:  # one bad message must not stop the worker
                log.exception("push %s for athlete %s failed", item.kind, item.athlete.id)
            finally:
                self.queue.task_done()

    async def deliver(self, bot: Bot, item: Outgoing) -> None:
        repo, athlete = self.services.repo, item.athlete
        assert athlete.id is not None
        if not await repo.claim_push(athlete.id, item.kind, item.slot):
            self.report.duplicate += 1
            return
        status = await self._send(bot, item)
        if status == "nothing":  # e.g. a weekly report for a runner without a plan
            await repo.mark_push(athlete.id, item.kind, item.slot, status)
            return
        await repo.mark_push(athlete.id, item.kind, item.slot, status)
        if status == "blocked":
            await repo.update_athlete(athlete.id, active=False)
            self.report.blocked += 1
        elif status == "sent":
            self.report.sent += 1
            self.report.by_kind[item.kind] = self.report.by_kind.get(item.kind, 0) + 1
        else:
            self.report.failed += 1

    async def _send(self, bot: Bot, item: Outgoing) -> str:
        for attempt, delay in enumerate((*RETRY_DELAYS_S, None)):
            try:
                return "sent" if await self._send_once(bot, item) else "nothing"
            except Forbidden:
                log.info("athlete %s blocked the bot: pushes stop", item.athlete.id)
                return "blocked"
            except (BadRequest, TimedOut):
                # TimedOut: the message may have gone out; retrying could send it twice.
                log.warning(
                    "push %s to athlete %s failed", item.kind, item.athlete.id, exc_info=True
                )
                return "failed"
            except RetryAfter as error:
                wait = float(error.retry_after if isinstance(error.retry_after, int | float) else 1)
                await asyncio.sleep(wait)
            except NetworkError:
                if delay is None:
                    log.warning(
                        "push %s to athlete %s gave up after %s tries",
                        item.kind,
                        item.athlete.id,
                        attempt + 1,
                    )
                    return "failed"
                await asyncio.sleep(delay)
        return "failed"

    async def _send_once(self, bot: Bot, item: Outgoing) -> bool:
        composers = {
            "weekly": self._send_weekly,
            "resume": self._send_resume,
            "result": self._send_result,
        }
        compose = composers.get(item.kind)
        if compose is not None:
            return await compose(bot, item)
        text, markup = item.text, item.markup
        if item.workout_day_id is not None and item.local_date is not None:
            markup = workout_buttons(item.workout_day_id, item.local_date)
        if item.check_missed:
            text, markup = await self._adapted(item, text, markup)
        if not text:
            return False
        await bot.send_message(item.athlete.chat_id, text, reply_markup=markup)
        return True

    async def _adapted(
        self, item: Outgoing, text: str, markup: InlineKeyboardMarkup | None
    ) -> tuple[str, InlineKeyboardMarkup | None]:
        """Runs missed in a row: revise the plan first, then send today's (new) workout."""
        athlete, today = item.athlete, item.local_date
        assert athlete.id is not None and today is not None
        repo = self.services.repo
        change = await real_life.after_missed_days(repo, athlete, today)
        if change is None:
            return text, markup
        explained, goal = await explain(self.services, athlete, change)
        [day] = await repo.planned_days(athlete.id, today, today)
        workout = self.services.render(_template(day), day=day, units=athlete.units)
        buttons = (
            list(workout_buttons(day.id, today).inline_keyboard) if day.planned.type.is_run else []
        )
        buttons += list(goal.inline_keyboard) if goal else []
        return f"{explained}\n\n{workout}", InlineKeyboardMarkup(buttons) if buttons else None

    async def _send_weekly(self, bot: Bot, item: Outgoing) -> bool:
        assert item.local_date is not None
        report = await weekly_report(self.services, item.athlete, item.local_date, adjust=True)
        if report is None:
            return False
        chat = item.athlete.chat_id
        await bot.send_photo(chat, report.chart, caption=report.caption)
        if report.change is not None:
            revision = report.change.revision
            undo = single("↩️ Undo this change", f"rv:u:{revision.id}")
            await bot.send_message(chat, report.change_text, reply_markup=undo)
        return True

    async def _send_resume(self, bot: Bot, item: Outgoing) -> bool:
        """The announced pause is over: rebuild from today and say so."""
        athlete = item.athlete
        today = date.fromisoformat(item.slot)
        change = await real_life.resume(self.services.repo, athlete, today)
        text, markup = await explain(self.services, athlete, change, "push/paused", paused=False)
        await bot.send_message(athlete.chat_id, text, reply_markup=markup)
        return True

    async def _send_result(self, bot: Bot, item: Outgoing) -> bool:
        """The morning after race day: how did it go?"""
        athlete = item.athlete
        assert athlete.id is not None
        repo = self.services.repo
        plan = await repo.active_plan(athlete.id)
        if plan is None or plan.id is None:
            return False
        race_runs = [
            e
            for e in await repo.executed_days(athlete.id, plan.id)
            if e.date == plan.race.race_date and e.activity_id is not None
        ]
        run = await repo.get_activity(athlete.id, race_runs[0].activity_id) if race_runs else None
        example = "3:58:12" if plan.race.distance_m > 15000 else "24:30"
        text = self.services.render("plan/result", asking=True, plan=plan, run=run, example=example)
        markup = single("✅ Use my race-day run", f"rr:a:{run.id}") if run else None
        await bot.send_message(athlete.chat_id, text, reply_markup=markup)
        return True
