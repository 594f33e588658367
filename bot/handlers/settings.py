"""/settings: units, time zone, push time and which messages to get."""

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.common import athlete_of, drop_buttons, edit, say, text_of
from bot.context import CoachContext
from bot.explain import explain
from bot.handlers.start import PUSH_TIMES
from bot.keyboards import button, rows
from bot.timezones import zone_from
from core.errors import InvalidInput
from core.models import Athlete, Units
from core.parsing import parse_clock
from core.services import real_life

MENU, ZONE, TIME = "MENU", "ZONE", "TIME"
NOTIFICATION_KINDS = (
    ("daily", "daily"),
    ("weekly", "weekly"),
    ("rest", "rest days"),
    ("nudges", "nudges"),
)


def notifications_on(athlete: Athlete) -> dict[str, bool]:
    """Every kind is on until the runner turns it off."""
    return {kind: athlete.notifications.get(kind, True) for kind, _ in NOTIFICATION_KINDS}


def _menu_keyboard(athlete: Athlete):
    on = notifications_on(athlete)
    other = "miles" if athlete.units is Units.KM else "kilometres"
    buttons = [
        button(f"Switch to {other}", "st:units"),
        button("Time zone", "st:zone"),
        button("Push time", "st:time"),
        *[
            button(f"{'🔕' if on[k] else '🔔'} {label}", f"st:n:{k}")
            for k, label in NOTIFICATION_KINDS
        ],
        button("Done", "st:done"),
    ]
    return rows(buttons, 3)


def _menu_values(context: CoachContext, athlete: Athlete, hint: str | None = None) -> dict:
    return {
        "athlete": athlete,
        "on": notifications_on(athlete),
        "kinds": NOTIFICATION_KINDS,
        "local_time": f"{context.services.local_now(athlete):%H:%M}",
        "hint": hint,
    }


async def show(update: Update, context: CoachContext, hint: str | None = None) -> str:
    athlete = await athlete_of(update, context)
    await say(
        update,
        context,
        "settings/menu",
        _menu_keyboard(athlete),
        **_menu_values(context, athlete, hint),
    )
    return MENU


async def _refresh(update: Update, context: CoachContext, athlete: Athlete) -> str:
    await edit(
        update, context, "settings/menu", _menu_keyboard(athlete), **_menu_values(context, athlete)
    )
    return MENU


async def toggle_units(update: Update, context: CoachContext) -> str:
    athlete = await athlete_of(update, context)
    assert athlete.id is not None
    units = Units.MI if athlete.units is Units.KM else Units.KM
    today = context.services.today(athlete)
    updated, change = await context.services.units.write(
        lambda uow: real_life.switch_units(uow, athlete, units, today)
    )
    state = await _refresh(update, context, updated)
    if change is not None:  # the plan's days were rounded anew: say what the week is now
        text, markup = explain(context.services, updated, change)
        chat = update.effective_chat
        assert chat is not None
        await context.bot.send_message(chat.id, text, reply_markup=markup)
    return state


async def toggle_notification(update: Update, context: CoachContext) -> str:
    query = update.callback_query
    assert query is not None and query.data is not None
    kind = query.data.split(":")[2]
    athlete = await athlete_of(update, context)
    assert athlete.id is not None
    if kind not in dict(NOTIFICATION_KINDS):
        raise InvalidInput("button_out_of_date")
    on = notifications_on(athlete)
    on[kind] = not on[kind]
    updated = await context.services.units.write(
        lambda uow: uow.athletes.update_athlete(athlete.stored_id, notifications=on)
    )
    return await _refresh(update, context, updated)


async def ask_zone(update: Update, context: CoachContext, hint: str | None = None) -> str:
    await say(update, context, "settings/ask_zone", hint=hint)
    return ZONE


async def save_zone(update: Update, context: CoachContext) -> str:
    message = update.effective_message
    assert message is not None
    try:
        zone = await zone_from(message)
    except InvalidInput as error:
        return await ask_zone(update, context, context.services.render.error(error))
    athlete = await athlete_of(update, context)
    assert athlete.id is not None
    await context.services.units.write(
        lambda uow: uow.athletes.update_athlete(athlete.stored_id, time_zone=zone)
    )
    return await show(update, context)


async def ask_time(update: Update, context: CoachContext, hint: str | None = None) -> str:
    times = rows((button(t, f"st:t:{t.replace(':', '')}") for t in PUSH_TIMES), 3)
    await say(update, context, "settings/ask_time", times, hint=hint)
    return TIME


async def save_time(update: Update, context: CoachContext) -> str:
    query = update.callback_query
    if query is not None and query.data is not None:
        digits = query.data.split(":")[2]
        text = f"{digits[:2]}:{digits[2:]}"
        await query.answer()
    else:
        text = text_of(update)
    try:
        clock = parse_clock(text)
    except InvalidInput as error:
        return await ask_time(update, context, context.services.render.error(error))
    athlete = await athlete_of(update, context)
    assert athlete.id is not None
    await context.services.units.write(
        lambda uow: uow.athletes.update_athlete(athlete.stored_id, push_time=clock)
    )
    return await show(update, context)


async def done(update: Update, context: CoachContext) -> int:
    """Done (the button) or /cancel: every change was saved as it was made; say so."""
    query = update.callback_query
    if query is not None:
        await query.answer(context.services.render.alert("saved"))
        await drop_buttons(update)
    else:
        await say(update, context, "settings/closed")
    return ConversationHandler.END


async def reask(update: Update, context: CoachContext) -> str:
    return await show(update, context, hint="Pick a setting below, or Done.")


def build_settings_conversation() -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CommandHandler("settings", show)],
        states={
            MENU: [
                CallbackQueryHandler(toggle_units, pattern=r"^st:units$"),
                CallbackQueryHandler(toggle_notification, pattern=r"^st:n:\w+$"),
                CallbackQueryHandler(ask_zone, pattern=r"^st:zone$"),
                CallbackQueryHandler(ask_time, pattern=r"^st:time$"),
            ],
            ZONE: [MessageHandler(text | filters.LOCATION, save_zone)],
            TIME: [
                CallbackQueryHandler(save_time, pattern=r"^st:t:\d{4}$"),
                MessageHandler(text, save_time),
            ],
        },
        fallbacks=[
            CallbackQueryHandler(done, pattern=r"^st:done$"),
            CommandHandler("cancel", done),
            MessageHandler(filters.ALL & ~filters.COMMAND, reask),
        ],
        name="settings",
        persistent=True,
        allow_reentry=True,
    )
