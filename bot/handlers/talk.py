"""Plain sentences outside any question (issue 28): read by :mod:`core.understanding` and
answered like the matching command. A question or a run being logged acts at once; what would
change the plan is said back first, with Yes / No; what isn't understood falls through to the
friendly "not sure" reply. Inside a conversation its own parser goes first (this handler is
only reached when no conversation wanted the message)."""

from collections.abc import Awaitable, Callable
from datetime import date

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.common import as_runner, say, text_of
from bot.context import CoachContext
from bot.handlers import coaching as coaching_handlers
from bot.handlers import views
from bot.handlers.activities import log_words
from bot.handlers.start import help_command, unknown
from core.errors import InvalidInput, NotFound
from core.models import Athlete
from core.parsing import format_duration
from core.ports import UnitOfWork
from core.understanding import Understood, understand

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
    else:  # a change of plan or settings: the command that does it, never a guess
        await say(update, context, "start/talk_change", found=found)


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


def handlers() -> list[MessageHandler]:
    return [MessageHandler(filters.TEXT & ~filters.COMMAND, talk)]
