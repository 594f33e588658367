"""Every plan revision is explained the same way, wherever it happens (a reply, a push, the
weekly report): what changed and why, and — when the goal slipped out of reach — the current
prediction with buttons for a new goal or a later race."""

from typing import Any

from telegram import InlineKeyboardMarkup

from bot.context import Services
from bot.keyboards import goal_choices
from core.models import Athlete
from core.services.real_life import Change


def explain(
    services: Services,
    athlete: Athlete,
    change: Change | None,
    template: str = "plan/revision",
    **values: Any,
) -> tuple[str, InlineKeyboardMarkup | None]:
    values.update(change=change, units=athlete.units, push_time=athlete.push_time, predicted=None)
    markup = None
    if change is not None:
        values.update(r=change.revision, plan=change.plan, predicted=change.predicted_s)
        if change.revision.goal_at_risk or change.revision.race_too_close:
            markup = goal_choices()
    return services.render(template, **values), markup
