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
from bot.keyboards import button, rows
from bot.render import Renderer
from bot.reports import weekly_report
from core.adaptation import move_options
from core.models import KEY_TYPES, Athlete, DuePush, PlannedWorkout, TrainingDayPlanned, Units
from core.schedule import due_slots, week_slot

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
        outgoing = [o for push in due if (o := self._daily(push)) is not None]
        outgoing += await self._nudges(due)
        outgoing += await self._pending(due)
        outgoing += await self._weekly(slots)
        return outgoing

    def _daily(self, push: DuePush) -> Outgoing | None:
        athlete, day = push.athlete, push.day
        if day is None or not wants(athlete, "daily"):
            return None
        resting = day.planned.type.value == "rest"
        if resting and not wants(athlete, "rest"):
            return None
        template = "push/rest" if resting else "push/daily"
        text = _daily_text(self.services.render, template, day.date, day.planned, athlete.units)
        day_id = None if resting else day.id
        return Outgoing(athlete, "daily", push.local_date.isoformat(), text, workout_day_id=day_id)

    async def _nudges(self, due: list[DuePush]) -> list[Outgoing]:
        asking = {p.athlete.id: p for p in due if p.plan_id and wants(p.athlete, "nudges")}
        yesterday = [
            (athlete_id, p.local_date - timedelta(days=1)) for athlete_id, p in asking.items()
        ]
        missed = await self.services.repo.missed_days(yesterday)  # type: ignore[arg-type]
        outgoing = []
        for athlete_id, day in missed.items():
            if day.planned.type not in KEY_TYPES or day.planned.type.value == "race":
                continue
            push = asking[athlete_id]
            outgoing.append(await self._nudge(push, day))
        return outgoing

    async def _nudge(self, push: DuePush, missed: TrainingDayPlanned) -> Outgoing:
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
        chat = item.athlete.chat_id
        if item.kind != "weekly":
            markup = item.markup
            if item.workout_day_id is not None:
                markup = rows(
                    [
                        button("Done ✓ — log it", f"dw:done:{item.workout_day_id}"),
                        button("Skip today", f"dw:skip:{item.workout_day_id}"),
                    ],
                    2,
                )
            await bot.send_message(chat, item.text, reply_markup=markup)
            return True
        assert item.local_date is not None
        report = await weekly_report(self.services, item.athlete, item.local_date)
        if report is None:
            return False
        await bot.send_photo(chat, report.chart, caption=report.caption)
        return True
