"""Presenters shared by handlers and jobs: what a use case's result looks like in the chat.

Handlers and jobs both answer with these, so a run imported by a file, /log or Garmin sync
reads the same, and no job imports a handler.
"""

from telegram import Bot, InlineKeyboardMarkup

from bot.keyboards import button, confirm_activity, rows, undo_link
from bot.render import Renderer
from core.models import Athlete, MatchDecision
from core.services import coaching


def import_reply(
    render: Renderer, athlete: Athlete, outcome: coaching.ImportOutcome
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The message (text, buttons) a stored run earns, whichever way it arrived."""
    stored, units = outcome.activity, athlete.units
    assert stored.id is not None
    if outcome.linked is not None:
        text = render(
            "activity/analysis",
            executed=outcome.linked.executed,
            fitness=outcome.linked.fitness,
            units=units,
        )
        return text, undo_link(stored.id)
    if not outcome.created:
        kind, markup = "duplicate", None
    elif not stored.is_run:
        kind, markup = "other_sport", None
    elif outcome.decision is None:
        kind, markup = "no_plan", None
    elif outcome.decision is MatchDecision.ASK:
        kind = "ask"
        markup = confirm_activity(stored.id, [c.day for c in outcome.candidates], units)
    else:
        kind, markup = "extra", rows([button("📅 Link to a day", f"ac:o:{stored.id}")], 1)
    return render("activity/received", kind=kind, activity=stored, units=units), markup


async def announce(
    bot: Bot, render: Renderer, athlete: Athlete, outcome: coaching.ImportOutcome
) -> None:
    text, markup = import_reply(render, athlete, outcome)
    await bot.send_message(athlete.chat_id, text, reply_markup=markup)
