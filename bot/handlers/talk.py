"""Plain sentences outside any question (issue 28): read by :mod:`core.understanding` and
answered like the matching command. A question or a run being logged acts at once; what would
change the plan is said back first, with Yes / No; what isn't understood falls through to the
friendly "not sure" reply. Inside a conversation its own parser goes first (this handler is
only reached when no conversation wanted the message)."""

from collections.abc import Awaitable, Callable
from datetime import date

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.common import as_runner, athlete_of, drop_buttons, say, text_of
from bot.context import CoachContext
from bot.handlers import coaching as coaching_handlers
from bot.handlers import views
from bot.handlers.activities import log_words
from bot.handlers.start import help_command, unknown
from bot.keyboards import button, rows
from core.errors import InvalidInput, NotFound
from core.models import Athlete
from core.parsing import format_duration
from core.ports import UnitOfWork
from core.services import real_life
from core.understanding import Understood, understand
from core.units import Units

Answer = Callable[[Update, CoachContext], Awaitable[None]]
ANSWERS: dict[str, Answer] = {
    "status": views.status,
    "show_week": views.week,
    "show_plan": views.whole_plan,
    "predict": views.predictions,
    "progress": coaching_handlers.progress,
    "help": help_command,
    "resume": coaching_handlers.resume,
}


async def talk(update: Update, context: CoachContext) -> None:
    """Answer the sentence when it is understood; otherwise let the last resort reply."""
    found = await _understood(update, context)
    if found is None:
        await unknown(update, context)  # the friendly "not sure what you mean"
        return
    intent = found.intent
    if intent == "log_run":
        await log_words(update, context, _log_words(found))
    elif intent == "show_day":
        await views.day(update, context, found.slots.get("date"))
    elif intent in ANSWERS:
        await ANSWERS[intent](update, context)
    elif intent in ("greeting", "thanks"):
        await say(update, context, "start/small_talk", intent=intent)
    elif intent in ASKED_FIRST:  # said back first: Yes makes it, No leaves everything
        context.user_data["pending_talk"] = {"intent": intent, "slots": found.slots}
        yes_no = rows([button("✅ Yes", "tk:y"), button("✖️ No", "tk:n")], 2)
        await say(update, context, "start/talk_confirm", yes_no, found=found)
    else:  # a change not made from a sentence yet: the command that makes it
        await say(update, context, "start/talk_change", found=found)


ASKED_FIRST = frozenset({"pause", "set_units"})


async def confirmed(update: Update, context: CoachContext) -> None:
    """Yes or No to the change a sentence asked for; an old question's buttons do nothing."""
    query = update.callback_query
    assert query is not None and query.data is not None
    pending = context.user_data.pop("pending_talk", None)
    await drop_buttons(update)
    if pending is None:
        await say(update, context, "start/talk_done", outcome="gone")
        return
    if query.data != "tk:y":
        await say(update, context, "start/talk_done", outcome="no")
        return
    slots = pending["slots"]
    if pending["intent"] == "pause":
        await coaching_handlers.pause_for(update, context, slots.get("days"), slots.get("reason"))
    else:
        await switch_units(update, context, Units(slots.get("units") or "km"))


async def _understood(update: Update, context: CoachContext) -> Understood | None:
    text = text_of(update)
    if not text:
        return None

    async def read(uow: UnitOfWork, athlete: Athlete, today: date) -> Understood:
        return understand(text, today, athlete.units)

    try:
        found = await as_runner(update, context, read)
    except (InvalidInput, NotFound):  # too long, or someone who never started
        return None
    return None if found.result.intent == "unknown" else found.result


def _log_words(found: Understood) -> list[str]:
    """The sentence's run as /log's words: the same use case, the same reply and Undo."""
    slots = found.slots
    words = [f"{slots['distanceM'] / 1000:g}km", format_duration(slots["durationSec"])]
    words.append(str(slots["date"]))
    note = str(slots.get("note") or "")
    if slots.get("race") and "race" not in note and "time trial" not in note:
        note = f"{note} race".strip()
    return words + note.split()


async def switch_units(update: Update, context: CoachContext, units: Units) -> None:
    athlete = await athlete_of(update, context)
    today = context.services.today(athlete)
    updated, change = await context.services.units.write(
        lambda uow: real_life.switch_units(uow, athlete, units, today)
    )
    await coaching_handlers.say_change(
        update, context, updated, change, "start/talk_done", outcome="units"
    )


def handlers() -> list[BaseHandler[Update, CoachContext, None]]:
    return [
        MessageHandler(filters.TEXT & ~filters.COMMAND, talk),
        CallbackQueryHandler(confirmed, pattern=r"^tk:[yn]$"),
    ]
