"""Answers to pushes (done / skip, move / drop a missed workout), /progress, /pause, /resume."""

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.common import athlete_of, edit, plan_of, pressed, say
from bot.context import CoachContext
from bot.reports import weekly_report
from core.errors import NotFound
from core.models import Athlete, TrainingDayPlanned


async def _own_day(context: CoachContext, athlete: Athlete, day_id: int) -> TrainingDayPlanned:
    plan = await plan_of(context, athlete)
    day = next((d for d in plan.days() if d.id == day_id), None)
    if day is None:
        raise NotFound("That day isn't in your current plan.")
    return day


async def workout_done(update: Update, context: CoachContext) -> None:
    athlete, ids = await pressed(update, context)
    await _own_day(context, athlete, ids[0])
    await say(
        update,
        context,
        "errors/domain",
        message=(
            "Nice work! Send the file from your watch (.fit, .gpx, .tcx) or log it, "
            "e.g. /log 8km 45:00, and I'll check it against the plan."
        ),
    )


async def workout_skipped(update: Update, context: CoachContext) -> None:
    athlete, ids = await pressed(update, context)
    day = await _own_day(context, athlete, ids[0])
    assert athlete.id is not None
    repo = context.services.repo
    if await repo.claim_push(athlete.id, "skip", day.date.isoformat()):
        await repo.mark_push(athlete.id, "skip", day.date.isoformat(), "skipped")
    await edit(
        update,
        context,
        "errors/domain",
        message="Skipped. Rest well; one missed day changes nothing — carry on tomorrow.",
    )


async def move_missed(update: Update, context: CoachContext) -> None:
    athlete, (missed_id, target_id) = await pressed(update, context)
    target = await _own_day(context, athlete, target_id)
    assert athlete.id is not None
    await context.services.repo.move_workout(athlete.id, missed_id, target_id)
    await edit(
        update,
        context,
        "errors/domain",
        message=f"Moved to {target.date:%A %d %b}. That day's easy run takes its old slot.",
    )


async def drop_missed(update: Update, context: CoachContext) -> None:
    athlete, ids = await pressed(update, context)
    await _own_day(context, athlete, ids[0])
    await edit(
        update,
        context,
        "errors/domain",
        message="Dropped. No making up miles: the plan carries on as written.",
    )


async def progress(update: Update, context: CoachContext) -> None:
    athlete = await athlete_of(update, context)
    report = await weekly_report(context.services, athlete, context.services.today(athlete))
    if report is None:
        raise NotFound("You have no plan yet. Send /race to set your race goal.")
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_photo(chat.id, report.chart, caption=report.caption)


async def _set_paused(update: Update, context: CoachContext, paused: bool) -> None:
    athlete = await athlete_of(update, context)
    assert athlete.id is not None
    notes = {**athlete.notifications, "paused": paused}
    athlete = await context.services.repo.update_athlete(athlete.id, notifications=notes)
    await say(update, context, "push/paused", paused=paused, push_time=athlete.push_time)


async def pause(update: Update, context: CoachContext) -> None:
    await _set_paused(update, context, True)


async def resume(update: Update, context: CoachContext) -> None:
    await _set_paused(update, context, False)


def handlers() -> list:  # type: ignore[type-arg]
    return [
        CallbackQueryHandler(workout_done, pattern=r"^dw:done:\d+$"),
        CallbackQueryHandler(workout_skipped, pattern=r"^dw:skip:\d+$"),
        CallbackQueryHandler(move_missed, pattern=r"^nd:m:\d+:\d+$"),
        CallbackQueryHandler(drop_missed, pattern=r"^nd:d:\d+$"),
        CommandHandler("progress", progress),
        CommandHandler("pause", pause),
        CommandHandler("resume", resume),
    ]
