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
import gc
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.context import Services
from bot.explain import explain
from bot.keyboards import button, dashboard_button, rows, single, workout_buttons
from bot.render import Renderer, short_date
from bot.reports import weekly_report
from core.models import (
    Athlete,
    PlannedWorkout,
    TrainingDayPlanned,
    Units,
    WorkoutType,
)
from core.services import coaching, pushes, real_life
from core.services.pushes import Notice, NoticeKind

log = logging.getLogger("gofast.pushes")

WORKERS = 8  # enough for ~30 msg/s at 250 ms a send; each may hold one claimed message
RETRY_DELAYS_S = (1.0, 2.0, 4.0)


@dataclass
class Report:
    sent: int = 0
    duplicate: int = 0
    blocked: int = 0
    failed: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


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


def _workout_markup(day: TrainingDayPlanned) -> InlineKeyboardMarkup | None:
    """Done / Skip / watch-file buttons, for a day with a workout (race day: nothing to skip,
    the result comes with /result)."""
    if day.planned.type in (WorkoutType.REST, WorkoutType.RACE):
        return None
    return workout_buttons(day)


def _template(day: TrainingDayPlanned) -> str:
    kind = day.planned.type
    if kind is WorkoutType.REST:
        return "push/rest"
    return "push/race_day" if kind is WorkoutType.RACE else "push/daily"


@contextlib.contextmanager
def collections_paused() -> Iterator[None]:
    """No cyclic garbage collection while a tick builds its (acyclic, short-lived) notices:
    for 100k runners the collector's passes over them cost a third of the tick."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Pushes:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.queue: asyncio.Queue[Notice] = asyncio.Queue()
        self.report = Report()
        self._last_tick: datetime | None = None
        self._workers: list[asyncio.Task[None]] = []

    # ---- deciding what is due -----------------------------------------------------------

    def window(self, now: datetime) -> tuple[datetime, datetime]:
        grace = timedelta(minutes=self.services.settings.push_grace_minutes)
        start = max(self._last_tick or now - grace, now - grace)
        return start, now

    async def prepare(self, now: datetime) -> list[Notice]:
        """Everything due in (last tick, now], at most the grace window back."""
        start, end = self.window(now)
        self._last_tick = end
        settings = self.services.settings
        with collections_paused():
            return await self.services.units.read_long(
                lambda uow: pushes.due_now(
                    uow, start, end, settings.weekly_push_time, settings.weekly_push_day
                )
            )

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

    async def deliver(self, bot: Bot, item: Notice) -> None:
        units = self.services.units
        if not await units.write(lambda uow: pushes.claim(uow, item)):
            self.report.duplicate += 1
            return
        status = await self._send(bot, item)
        await units.write(lambda uow: pushes.record_delivery(uow, item, status))
        if status == "blocked":
            self.report.blocked += 1
        elif status == "sent":
            self.report.sent += 1
            self.report.by_kind[item.kind] = self.report.by_kind.get(item.kind, 0) + 1
        elif status != "nothing":  # nothing: e.g. a weekly report for a runner without a plan
            self.report.failed += 1

    async def _send(self, bot: Bot, item: Notice) -> str:
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

    async def _send_once(self, bot: Bot, item: Notice) -> bool:
        composers = {
            NoticeKind.DAILY: self._compose_daily,
            NoticeKind.NUDGE: self._compose_nudge,
            NoticeKind.PENDING: self._compose_pending,
            NoticeKind.WEEKLY: self._send_weekly,
            NoticeKind.RESUME: self._send_resume,
            NoticeKind.RESULT: self._send_result,
        }
        return await composers[item.kind](bot, item)

    async def _compose_daily(self, bot: Bot, item: Notice) -> bool:
        athlete, day = item.athlete, item.day
        assert day is not None
        adapted = None
        if item.check_missed:
            adapted = await self.services.units.write(
                lambda uow: pushes.before_daily(uow, athlete, item.local_date)
            )
        if adapted is not None:
            text, markup = self._adapted(athlete, adapted)
        elif item.quiet:
            return False
        elif await self._ran_today(athlete, item.local_date):  # no Done/Skip to press
            text = self.services.render("push/done", day=day, units=athlete.units)
            markup = None
        elif day.planned.type is WorkoutType.RACE:  # once a plan: at today's prediction's pace
            raced = await self.services.units.read(
                lambda uow: coaching.race_day_paced(uow, athlete.stored_id, day)
            )
            text = self.services.render("push/race_day", day=raced, units=athlete.units)
            markup = None
        else:
            render = self.services.render
            text = _daily_text(render, _template(day), day.date, day.planned, athlete.units)
            markup = _workout_markup(day)
        await bot.send_message(athlete.chat_id, text, reply_markup=markup)
        return True

    async def _ran_today(self, athlete: Athlete, today: date) -> bool:
        return await self.services.units.read(
            lambda uow: pushes.ran_today(uow, athlete.stored_id, today)
        )

    def _adapted(
        self, athlete: Athlete, adapted: pushes.Adapted
    ) -> tuple[str, InlineKeyboardMarkup | None]:
        """What changed and why, then today's (new) workout."""
        explained, change_markup = explain(self.services, athlete, adapted.change)
        day = adapted.today
        workout = self.services.render(_template(day), day=day, units=athlete.units)
        buttons = list(workout_buttons(day).inline_keyboard) if day.planned.type.is_run else []
        buttons += list(change_markup.inline_keyboard) if change_markup else []
        return f"{explained}\n\n{workout}", InlineKeyboardMarkup(buttons) if buttons else None

    async def _compose_nudge(self, bot: Bot, item: Notice) -> bool:
        missed = item.missed
        assert missed is not None
        buttons = [
            button(f"Move to {d.date:%a} {d.date.day}", f"nd:m:{missed.id}:{d.id}")
            for d in item.options[:3]
        ]
        buttons.append(button("Drop it", f"nd:d:{missed.id}"))
        text = self.services.render(
            "push/nudge", missed=missed, options=item.options, units=item.athlete.units
        )
        await bot.send_message(item.athlete.chat_id, text, reply_markup=rows(buttons, 1))
        return True

    async def _compose_pending(self, bot: Bot, item: Notice) -> bool:
        runs = item.runs
        shown = runs[:3]
        buttons = [button(f"📅 {short_date(r.local_date)} · link", f"ac:o:{r.id}") for r in shown]
        buttons += [button(f"➕ {short_date(r.local_date)} · extra", f"ac:x:{r.id}") for r in shown]
        text = self.services.render("push/pending", runs=runs, units=item.athlete.units)
        await bot.send_message(item.athlete.chat_id, text, reply_markup=rows(buttons, 2))
        return True

    async def _send_weekly(self, bot: Bot, item: Notice) -> bool:
        assert item.local_date is not None
        report = await weekly_report(self.services, item.athlete, item.local_date, adjust=True)
        if report is None:
            return False
        chat = item.athlete.chat_id
        markup = dashboard_button(self.services.settings.webapp_url)
        await bot.send_photo(chat, report.chart, caption=report.caption, reply_markup=markup)
        if report.change is not None:
            await bot.send_message(chat, report.change_text, reply_markup=report.change_markup)
        return True

    async def _send_resume(self, bot: Bot, item: Notice) -> bool:
        """The announced pause is over: rebuild from today and say so."""
        athlete = item.athlete
        today = date.fromisoformat(item.slot)
        change = await self.services.units.write(lambda uow: real_life.resume(uow, athlete, today))
        text, markup = explain(self.services, athlete, change, "push/paused", paused=False)
        await bot.send_message(athlete.chat_id, text, reply_markup=markup)
        return True

    async def _send_result(self, bot: Bot, item: Notice) -> bool:
        """The morning after race day: how did it go?"""
        athlete = item.athlete
        assert athlete.id is not None
        found = await self.services.units.read(
            lambda uow: pushes.race_day_run(uow, athlete.stored_id)
        )
        if found is None:
            return False
        plan, run = found
        example = "3:58:12" if plan.race.distance_m > 15000 else "24:30"
        text = self.services.render("plan/result", asking=True, plan=plan, run=run, example=example)
        markup = single("✅ Use my race-day run", f"rr:a:{run.id}") if run else None
        await bot.send_message(athlete.chat_id, text, reply_markup=markup)
        return True
