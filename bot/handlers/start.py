"""/start: welcome and onboarding (units, time zone, push time). Re-running it loses nothing."""

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.common import asked, athlete_of, bound, drop_buttons, say, text_of
from bot.context import CoachContext
from bot.keyboards import button, rows, single
from bot.timezones import COMMON_ZONES, zone_from
from core.errors import InvalidInput
from core.models import Athlete, Units
from core.parsing import parse_clock, parse_units, sounds_hurt

UNITS, ZONE, PUSH_TIME = "UNITS", "ZONE", "PUSH_TIME"
PUSH_TIMES = ("05:30", "06:00", "06:30", "07:00", "07:30", "08:00")


async def start(update: Update, context: CoachContext) -> str | int:
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    services = context.services
    athlete = await services.units.write(
        lambda uow: uow.athletes.upsert_athlete(
            Athlete(
                telegram_user_id=user.id,
                chat_id=chat.id,
                display_name=user.first_name or "",
                time_zone=services.settings.default_time_zone,
                push_time=services.settings.default_push_time,
            )
        )
    )
    if athlete.onboarded:
        assert athlete.id is not None
        plan = await services.units.read(lambda uow: uow.plans.active_plan(athlete.stored_id))
        await say(update, context, "start/welcome_back", name=user.first_name, plan=plan)
        return ConversationHandler.END
    return await ask_units(update, context, "start/welcome")


async def ask_units(
    update: Update, context: CoachContext, template: str = "start/units", hint: str | None = None
) -> str:
    context.user_data["onboarding_step"] = UNITS
    units = rows([button("Kilometres", "on:u:km"), button("Miles", "on:u:mi")], 2)
    user = update.effective_user
    name = user.first_name if user else ""
    asked(context, await say(update, context, template, units, name=name, hint=hint))
    return UNITS


async def save_units(update: Update, context: CoachContext) -> str:
    """Kilometres or Miles: tapped, or typed ("miles")."""
    query = update.callback_query
    if query is not None and query.data is not None:
        units = Units(query.data.split(":")[2])
        await drop_buttons(update)
    else:
        try:
            units = parse_units(text_of(update))
        except InvalidInput as error:
            return await ask_units(update, context, hint=context.services.render.error(error))
    athlete = await athlete_of(update, context)
    await context.services.units.write(
        lambda uow: uow.athletes.update_athlete(athlete.stored_id, units=units)
    )
    return await ask_zone(update, context)


async def ask_zone(update: Update, context: CoachContext, hint: str | None = None) -> str:
    context.user_data["onboarding_step"] = ZONE
    zones = rows(
        (
            button(z.split("/")[-1].replace("_", " "), f"on:z:{i}")
            for i, z in enumerate(COMMON_ZONES)
        ),
        4,
    )
    asked(context, await say(update, context, "start/zone", zones, hint=hint))
    location = ReplyKeyboardMarkup(
        [[KeyboardButton("📍 Share my location", request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_message(chat.id, "…or share your location:", reply_markup=location)
    return ZONE


async def zone_button(update: Update, context: CoachContext) -> str:
    query = update.callback_query
    assert query is not None and query.data is not None
    index = int(query.data.split(":")[2])
    if not 0 <= index < len(COMMON_ZONES):
        raise InvalidInput("button_out_of_date")
    await drop_buttons(update)
    return await save_zone(update, context, COMMON_ZONES[index])


async def zone_text(update: Update, context: CoachContext) -> str:
    message = update.effective_message
    assert message is not None
    try:
        zone = await zone_from(message)
    except InvalidInput as error:
        return await ask_zone(update, context, hint=context.services.render.error(error))
    return await save_zone(update, context, zone)


async def save_zone(update: Update, context: CoachContext, zone: str) -> str:
    athlete = await athlete_of(update, context)
    assert athlete.id is not None
    await context.services.units.write(
        lambda uow: uow.athletes.update_athlete(athlete.stored_id, time_zone=zone)
    )
    return await ask_push_time(update, context, zone)


async def ask_push_time(
    update: Update, context: CoachContext, zone: str, hint: str | None = None
) -> str:
    context.user_data["onboarding_step"] = PUSH_TIME
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_message(chat.id, "👍", reply_markup=ReplyKeyboardRemove())
    times = rows((button(t, f"on:t:{t.replace(':', '')}") for t in PUSH_TIMES), 3)
    asked(context, await say(update, context, "start/push_time", times, zone=zone, hint=hint))
    return PUSH_TIME


async def push_time_button(update: Update, context: CoachContext) -> int:
    query = update.callback_query
    assert query is not None and query.data is not None
    digits = query.data.split(":")[2]
    await drop_buttons(update)
    return await finish(update, context, parse_clock(f"{digits[:2]}:{digits[2:]}"))


async def push_time_text(update: Update, context: CoachContext) -> str | int:
    message = update.effective_message
    assert message is not None
    try:
        clock = parse_clock(message.text or "")
    except InvalidInput as error:
        athlete = await athlete_of(update, context)
        return await ask_push_time(
            update, context, athlete.time_zone, hint=context.services.render.error(error)
        )
    return await finish(update, context, clock)


async def finish(update: Update, context: CoachContext, push_time: str) -> int:
    athlete = await athlete_of(update, context)
    assert athlete.id is not None
    athlete = await context.services.units.write(
        lambda uow: uow.athletes.update_athlete(
            athlete.stored_id, push_time=push_time, onboarded=True
        )
    )
    context.user_data.pop("onboarding_step", None)
    await say(update, context, "start/done", single("🏁 Set my race", "rc:start"), athlete=athlete)
    return ConversationHandler.END


async def reask(update: Update, context: CoachContext) -> str:
    """Anything unexpected during onboarding: ask the current question again."""
    athlete = await athlete_of(update, context)
    if update.callback_query is not None:
        await update.callback_query.answer(context.services.render.alert("earlier_question"))
    step = context.user_data.get("onboarding_step")
    if step == UNITS:
        return await ask_units(update, context, hint="Tap Kilometres or Miles first.")
    if step == ZONE:
        return await ask_zone(update, context, hint="Let's finish setting up first.")
    return await ask_push_time(update, context, athlete.time_zone, hint="Pick a time first.")


async def cancel(update: Update, context: CoachContext) -> int:
    await say(update, context, "start/paused")
    return ConversationHandler.END


async def help_command(update: Update, context: CoachContext) -> None:
    await say(update, context, "start/help")


async def unknown(update: Update, context: CoachContext) -> None:
    """Whatever no other handler wanted: a message, an unknown command, an old button."""
    if update.callback_query is not None:
        await update.callback_query.answer(
            context.services.render.alert("expired"), show_alert=True
        )
        return
    user = update.effective_user
    known = None
    if user is not None:
        known = await context.services.units.read(
            lambda uow: uow.athletes.athlete_by_telegram(user.id)
        )
    text = update.effective_message.text if update.effective_message else None
    hurt = bool(text) and sounds_hurt(text or "")
    await say(update, context, "start/unknown", known=bool(known), hurt=hurt)


def build_onboarding_conversation() -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CommandHandler("start", start)],
        states={
            UNITS: [
                CallbackQueryHandler(bound(save_units, reask), pattern=r"^on:u:(km|mi)$"),
                MessageHandler(text, save_units),
            ],
            ZONE: [
                CallbackQueryHandler(bound(zone_button, reask), pattern=r"^on:z:\d+$"),
                MessageHandler(text | filters.LOCATION, zone_text),
            ],
            PUSH_TIME: [
                CallbackQueryHandler(bound(push_time_button, reask), pattern=r"^on:t:\d{4}$"),
                MessageHandler(text, push_time_text),
            ],
        },
        fallbacks=[
            CommandHandler("cancel", cancel),
            MessageHandler(filters.ALL & ~filters.COMMAND, reask),
            CallbackQueryHandler(reask, pattern=r"^on:"),
        ],
        name="onboarding",
        persistent=True,
        allow_reentry=True,
    )


def handlers() -> list:
    return [build_onboarding_conversation(), CommandHandler("help", help_command)]


def last_resort() -> list:
    """Registered after every other handler."""
    return [MessageHandler(filters.ALL, unknown), CallbackQueryHandler(unknown)]
