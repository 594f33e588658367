"""Small helpers every handler shares: who is talking, and how to answer them."""

from typing import Any

from telegram import InlineKeyboardMarkup, Message, ReplyKeyboardRemove, Update

from bot.context import CoachContext
from core.errors import NotFound
from core.models import Athlete, TrainingPlan

Markup = InlineKeyboardMarkup | ReplyKeyboardRemove | None


async def athlete_of(update: Update, context: CoachContext) -> Athlete:
    """The runner behind this update; a friendly NotFound when they never sent /start."""
    user = update.effective_user
    athlete = await context.services.repo.athlete_by_telegram(user.id) if user else None
    if athlete is None:
        raise NotFound("I don't know you yet: send /start and we'll set you up.")
    return athlete


async def pressed(update: Update, context: CoachContext) -> tuple[Athlete, list[int]]:
    """The runner who pressed a button, and the ids in its data (``area:action:id[:id]``).
    The ids are only claims: every handler checks them against the runner's own rows."""
    query = update.callback_query
    assert query is not None and query.data is not None
    return await athlete_of(update, context), [int(p) for p in query.data.split(":")[2:]]


async def plan_of(context: CoachContext, athlete: Athlete) -> TrainingPlan:
    assert athlete.id is not None
    plan = await context.services.repo.active_plan(athlete.id)
    if plan is None:
        raise NotFound("You have no plan yet. Send /race to set your race goal.")
    return plan


async def say(
    update: Update, context: CoachContext, template: str, markup: Markup = None, /, **values: Any
) -> Message:
    """Render ``template`` and send it to the update's chat (callbacks get answered first)."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    chat = update.effective_chat
    assert chat is not None
    text = context.services.render(template, **values)
    return await context.bot.send_message(chat.id, text, reply_markup=markup)


async def edit(
    update: Update,
    context: CoachContext,
    template: str,
    markup: InlineKeyboardMarkup | None = None,
    **values: Any,
) -> None:
    """Replace the pressed button's message (callbacks only)."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(context.services.render(template, **values), reply_markup=markup)


async def drop_buttons(update: Update) -> None:
    """Take the keyboard off a message whose button was pressed, so it can't be pressed twice."""
    query = update.callback_query
    if query is not None and query.message is not None:
        await query.answer()
        await query.edit_message_reply_markup(None)
