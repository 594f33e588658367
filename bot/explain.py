"""Every plan revision is explained the same way, wherever it happens (a reply, a push, the
weekly report): what changed and why, and — when the goal slipped out of reach — the current
prediction with buttons for a new goal or a later race."""

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.context import Services
from bot.keyboards import button, goal_choices
from core.models import Athlete, PlanRevision, RevisionKind
from core.services.real_life import Change


def explain(
    services: Services,
    athlete: Athlete,
    change: Change | None,
    template: str = "plan/revision",
    **values: Any,
) -> tuple[str, InlineKeyboardMarkup | None]:
    values.update(change=change, units=athlete.units, push_time=athlete.push_time, predicted=None)
    if change is None:
        return services.render(template, **values), None
    values.update(r=change.revision, plan=change.plan, predicted=change.predicted_s)
    return services.render(template, **values), change_buttons(change.revision)


def change_buttons(revision: PlanRevision) -> InlineKeyboardMarkup | None:
    """Undo for a change the coach made on its own; "I did run" when it came from runs that
    look missed (they may just not be logged); a new goal or a later race when it slipped."""
    keyboard: list[list[InlineKeyboardButton]] = []
    if revision.kind in (RevisionKind.EASY_BLOCK, RevisionKind.RECOMPUTE) and revision.id:
        keyboard.append([button("🏃 I did run: log it", f"rv:ran:{revision.id}")])
    if revision.kind.undoable and revision.id and not revision.undone:
        keyboard.append([button("↩️ Undo this change", f"rv:u:{revision.id}")])
    if revision.goal_at_risk or revision.race_too_close:
        keyboard += [list(row) for row in goal_choices().inline_keyboard]
    return InlineKeyboardMarkup(keyboard) if keyboard else None
