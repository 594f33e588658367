"""/export and /delete: the runner's own data, all of it."""

import json

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.calendar_export import plan_calendar
from bot.common import athlete_of, edit, plan_of, say
from bot.context import CoachApplication, CoachContext
from bot.keyboards import button, rows
from core.errors import GoFastError


async def export(update: Update, context: CoachContext) -> None:
    athlete = await athlete_of(update, context)
    assert athlete.id is not None
    data = await context.services.units.read_long(
        lambda uow: uow.athletes.export_athlete(athlete.stored_id)
    )
    chat = update.effective_chat
    assert chat is not None
    caption = context.services.render(
        "account/export", plans=len(data["plans"]), runs=len(data["activities"])
    )
    await context.bot.send_document(
        chat.id,
        json.dumps(data, indent=2, ensure_ascii=False).encode(),
        filename="gofast-export.json",
        caption=caption,
    )


async def ask_delete(update: Update, context: CoachContext) -> None:
    await athlete_of(update, context)
    context.user_data["delete_asked"] = True  # "Yes" counts only as the answer to this question
    buttons = rows([button("Yes, delete everything", "dl:yes"), button("No, keep it", "dl:no")], 1)
    await say(update, context, "account/delete_confirm", buttons)


async def delete(update: Update, context: CoachContext) -> None:
    athlete = await athlete_of(update, context)
    assert athlete.id is not None
    if not context.user_data.pop("delete_asked", False):
        raise GoFastError("delete_button_expired")
    await context.services.units.write(lambda uow: uow.athletes.delete_athlete(athlete.stored_id))
    context.user_data.clear()
    context.chat_data.clear()
    application = context.application
    assert isinstance(application, CoachApplication)
    await application.end_conversations(update)  # a /race or /start left open ends too
    await edit(update, context, "account/deleted")


async def keep(update: Update, context: CoachContext) -> None:
    context.user_data.pop("delete_asked", None)
    await edit(update, context, "account/kept")


async def calendar(update: Update, context: CoachContext) -> None:
    athlete = await athlete_of(update, context)
    plan = await plan_of(context, athlete)
    services = context.services
    today, now = services.today(athlete), services.clock.now()
    ics = plan_calendar(plan, athlete.units, today, now, services.render)
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_document(
        chat.id,
        ics,
        filename="gofast-plan.ics",
        caption="📅 Your upcoming runs. Import it again after changes: events update in place.",
    )


def handlers() -> list:
    return [
        CommandHandler("export", export),
        CommandHandler("calendar", calendar),
        CommandHandler("delete", ask_delete),
        CallbackQueryHandler(delete, pattern=r"^dl:yes$"),
        CallbackQueryHandler(keep, pattern=r"^dl:no$"),
    ]
