"""⌚ A day's workout as a FIT file for the watch (from /today and the morning push)."""

from datetime import date

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.common import athlete_of
from bot.context import CoachContext
from bot.render import plain
from core.errors import NotFound


async def send_workout(update: Update, context: CoachContext) -> None:
    """The pressed day's workout, looked up among the runner's own planned days."""
    query = update.callback_query
    assert query is not None and query.data is not None
    athlete = await athlete_of(update, context)
    assert athlete.id is not None
    try:
        on = date.fromisoformat(query.data.split(":", 2)[2])
    except ValueError:
        raise NotFound("workout_not_in_plan") from None
    days = await context.services.units.read(
        lambda uow: uow.plans.planned_days(athlete.stored_id, on, on)
    )
    if not days or not days[0].planned.steps:
        raise NotFound("no_workout_that_day")
    day = days[0]
    render = context.services.render
    name = plain(render("workout/fit_name", planned=day.planned, units=athlete.units))
    data = context.services.workouts.encode(day.planned, name, context.services.clock.now())
    await query.answer()
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_document(
        chat.id,
        data,
        filename=f"gofast-{on.isoformat()}.fit",
        caption=render("workout/fit_caption", day=day, units=athlete.units),
    )


def handlers() -> list:
    return [CallbackQueryHandler(send_workout, pattern=r"^wk:fit:")]
