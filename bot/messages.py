"""Presenters shared by handlers and jobs: what a use case's result looks like in the chat.

Handlers and jobs both answer with these, so a run imported by a file, /log or Garmin sync
reads the same, and no job imports a handler.
"""

from typing import Any

from telegram import Bot, InlineKeyboardMarkup

from bot.context import Services
from bot.keyboards import confirm_activity, undo_link, unlinked_run
from core.models import Athlete, AthleteActivity, MatchDecision
from core.services import coaching


def import_reply(
    services: Services, athlete: Athlete, outcome: coaching.ImportOutcome
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The message (text, buttons) a stored run earns, whichever way it arrived."""
    render = services.render
    stored, units = outcome.activity, athlete.units
    assert stored.id is not None
    if outcome.linked is not None:
        text = render(
            "activity/analysis",
            executed=outcome.linked.executed,
            fitness=outcome.linked.fitness,
            units=units,
            activity=stored,
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
        days = [c.day for c in outcome.candidates]
        markup = confirm_activity(stored.id, days, units, outcome.double_day_id)
    else:
        kind, markup = "extra", unlinked_run(stored.id)
    return run_text(services, athlete, stored, kind), markup


def run_text(
    services: Services, athlete: Athlete, run: AthleteActivity, kind: str, **extra: Any
) -> str:
    """What became of a run (``kind``: ask, extra, unlinked…), dated with its year when it
    isn't from this year."""
    today = services.today(athlete)
    return services.render(
        "activity/received", kind=kind, activity=run, units=athlete.units, today=today, **extra
    )


async def announce(
    bot: Bot, services: Services, athlete: Athlete, outcome: coaching.ImportOutcome
) -> None:
    text, markup = import_reply(services, athlete, outcome)
    await bot.send_message(athlete.chat_id, text, reply_markup=markup)
