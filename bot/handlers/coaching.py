"""Answers to pushes (done / skip, move / drop a missed workout, undo a change), /progress,
/pause, /resume, /result and /history."""

import re
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.common import athlete_of, drop_buttons, edit, plan_of, pressed, say
from bot.context import CoachContext
from bot.explain import explain
from bot.keyboards import dashboard_button
from bot.reports import weekly_report
from core.errors import InvalidInput, NotFound
from core.fitness import check_vdot_range, vdot
from core.models import Athlete
from core.parsing import parse_duration
from core.services import days, real_life
from core.understanding import pause_reason


async def workout_done(update: Update, context: CoachContext) -> None:
    athlete, (day_id,) = await pressed(update, context)
    found = await context.services.units.read(
        lambda uow: days.day_done(uow, athlete.stored_id, day_id)
    )
    await say(update, context, "plan/day_answer", step="done", run=found.run, units=athlete.units)


async def workout_skipped(update: Update, context: CoachContext) -> None:
    athlete, (day_id,) = await pressed(update, context)
    await context.services.units.write(lambda uow: days.skip_day(uow, athlete.stored_id, day_id))
    await edit(update, context, "plan/day_answer", step="skipped")


async def move_missed(update: Update, context: CoachContext) -> None:
    athlete, (missed_id, target_id) = await pressed(update, context)
    today = context.services.today(athlete)
    target = await context.services.units.write(
        lambda uow: days.move_day(uow, athlete.stored_id, missed_id, target_id, today)
    )
    await edit(update, context, "plan/day_answer", step="moved", target=target)


async def drop_missed(update: Update, context: CoachContext) -> None:
    athlete, (day_id, *_) = await pressed(update, context)
    await context.services.units.read(lambda uow: days.own_day(uow, athlete.stored_id, day_id))
    await edit(update, context, "plan/day_answer", step="dropped")


async def progress(update: Update, context: CoachContext) -> None:
    athlete = await athlete_of(update, context)
    report = await weekly_report(context.services, athlete, context.services.today(athlete))
    if report is None:
        raise NotFound("no_plan")
    chat = update.effective_chat
    assert chat is not None
    markup = dashboard_button(context.services.settings.webapp_url)
    await context.bot.send_photo(chat.id, report.chart, caption=report.caption, reply_markup=markup)


MAX_PAUSE_DAYS = 90


def parse_pause(args: list[str]) -> tuple[int | None, str | None]:
    """``/pause [days] [reason]`` in any order: ``/pause 10 injured``, ``/pause travel``."""
    days, words = None, []
    for arg in args:
        if re.fullmatch(r"\d{1,4}", arg, re.ASCII):  # str.isdigit() also takes "²"
            days = int(arg)
        else:
            words.append(arg)
    if days is not None and not 1 <= days <= MAX_PAUSE_DAYS:
        raise InvalidInput("pause_days", limit=MAX_PAUSE_DAYS)
    text = " ".join(words).strip().lower()[:40]
    return days, pause_reason(text) or text or None


async def pause(update: Update, context: CoachContext) -> None:
    days, reason = parse_pause(list(context.args or []))
    await pause_for(update, context, days, reason)


async def pause_for(
    update: Update, context: CoachContext, days: int | None, reason: str | None
) -> None:
    """Pause the plan (``days`` None: until /resume) and say so: /pause, or a sentence."""
    athlete = await athlete_of(update, context)
    today = context.services.today(athlete)
    athlete = await context.services.units.write(
        lambda uow: real_life.pause(uow, athlete, today, days, reason)
    )
    await say(
        update, context, "push/paused", paused=True, reason=reason, until=athlete.paused_until
    )


async def resume(update: Update, context: CoachContext) -> None:
    athlete = await athlete_of(update, context)
    services = context.services
    change = await services.units.write(
        lambda uow: real_life.resume(uow, athlete, services.today(athlete))
    )
    await say_change(update, context, athlete, change, "push/paused", paused=False)


async def say_change(
    update: Update,
    context: CoachContext,
    athlete: Athlete,
    change: real_life.Change | None,
    template: str = "plan/revision",
    markup: InlineKeyboardMarkup | None = None,
    **values: Any,
) -> Message:
    """Explain a revision in the chat (a pressed button's message is answered first)."""
    text, goal_markup = explain(context.services, athlete, change, template, **values)
    if update.callback_query is not None:
        await update.callback_query.answer()
    chat = update.effective_chat
    assert chat is not None
    return await context.bot.send_message(chat.id, text, reply_markup=markup or goal_markup)


async def undo_revision(update: Update, context: CoachContext) -> None:
    athlete, (revision_id,) = await pressed(update, context)
    assert athlete.id is not None
    services = context.services
    change = await services.units.write(
        lambda uow: real_life.undo(uow, athlete.stored_id, revision_id, services.today(athlete))
    )
    await drop_buttons(update)
    await say_change(update, context, athlete, change)


async def ran_after_all(update: Update, context: CoachContext) -> None:
    """ "I did run": the runs weren't missed, only not logged. How to log them; the change's
    own buttons (Undo) stay under its message."""
    await pressed(update, context)
    await say(update, context, "plan/day_answer", step="forgot")


async def result(update: Update, context: CoachContext) -> None:
    athlete = await athlete_of(update, context)
    text = " ".join(context.args or [])
    if not text:
        raise InvalidInput("result_missing")
    plan = await plan_of(context, athlete)
    finish = parse_duration(text, hours_first=plan.race.distance_m > 15000)
    check_vdot_range(vdot(plan.race.distance_m, finish))
    await record_result(update, context, athlete, finish, None)


async def result_from_run(update: Update, context: CoachContext) -> None:
    athlete, (activity_id,) = await pressed(update, context)
    assert athlete.id is not None
    run = await context.services.units.read(
        lambda uow: uow.activities.get_activity(athlete.stored_id, activity_id)
    )
    await drop_buttons(update)
    await record_result(update, context, athlete, round(run.time_s), run.id)


async def record_result(
    update: Update, context: CoachContext, athlete: Athlete, finish: int, run_id: int | None
) -> None:
    assert athlete.id is not None
    services = context.services
    outcome = await services.units.write(
        lambda uow: real_life.record_race(
            uow, athlete.stored_id, finish, services.today(athlete), services.clock.now(), run_id
        )
    )
    await say(
        update,
        context,
        "plan/result",
        asking=False,
        plan=outcome.plan,
        result=outcome.result,
        recovery_days=outcome.recovery_days,
        five_k=outcome.result.shown_5k_s,
    )


REVISION_LABELS = {
    "weekly": "weekly adjustment",
    "easy-block": "easy block after missed runs",
    "recompute": "rebuilt after missed runs",
    "resume": "rebuilt after a pause",
    "edit": "you changed the plan",
    "undo": "a change undone",
    "move": "a workout moved",
}


async def history(update: Update, context: CoachContext) -> None:
    athlete = await athlete_of(update, context)
    assert athlete.id is not None
    plans, changes = await context.services.units.read(
        lambda uow: real_life.history(uow, athlete.stored_id)
    )
    await say(
        update,
        context,
        "plan/history",
        plans=plans,
        changes=changes,
        labels=REVISION_LABELS,
        units=athlete.units,
        today=context.services.today(athlete),
    )


def handlers() -> list:
    return [
        CallbackQueryHandler(workout_done, pattern=r"^dw:done:\d+$"),
        CallbackQueryHandler(workout_skipped, pattern=r"^dw:skip:\d+$"),
        CallbackQueryHandler(move_missed, pattern=r"^nd:m:\d+:\d+$"),
        CallbackQueryHandler(drop_missed, pattern=r"^nd:d:\d+$"),
        CommandHandler("progress", progress),
        CommandHandler("pause", pause),
        CommandHandler("resume", resume),
        CommandHandler("result", result),
        CommandHandler("history", history),
        CallbackQueryHandler(undo_revision, pattern=r"^rv:u:\d+$"),
        CallbackQueryHandler(ran_after_all, pattern=r"^rv:ran:\d+$"),
        CallbackQueryHandler(result_from_run, pattern=r"^rr:a:\d+$"),
    ]
