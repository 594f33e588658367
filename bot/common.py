"""Small helpers every handler shares: who is talking, and how to answer them."""

import functools
from collections.abc import Awaitable, Callable, Coroutine
from datetime import date
from typing import Any, TypeVar

from telegram import InlineKeyboardMarkup, Message, ReplyKeyboardRemove, Update
from telegram.error import BadRequest

from bot.coach_bot import visible
from bot.context import CoachContext
from bot.keyboards import single
from core.errors import GoFastError, NotFound
from core.models import Athlete, TrainingPlan
from core.ports import UnitOfWork
from core.services import real_life, runners

T = TypeVar("T")

Markup = InlineKeyboardMarkup | ReplyKeyboardRemove | None
MAX_ID = 2**63 - 1  # SQLite's INTEGER; a forged button may carry any digits


def _user_id(update: Update) -> int:
    user = update.effective_user
    if user is None:
        raise NotFound("unknown_runner")
    return user.id


async def athlete_of(update: Update, context: CoachContext) -> Athlete:
    """The runner behind this update; a friendly NotFound when they never sent /start."""
    user_id = _user_id(update)
    return await context.services.units.read(lambda uow: runners.known_runner(uow, user_id))


async def as_runner(
    update: Update,
    context: CoachContext,
    work: Callable[[UnitOfWork, Athlete, date], Awaitable[T]],
    *,
    write: bool = False,
) -> runners.AsRunner[T]:
    """``work`` (a use case) for the runner behind this update, on their local today, in one
    unit of work with finding them."""
    user_id, now, units = _user_id(update), context.services.clock.now(), context.services.units
    run = units.write if write else units.read
    return await run(lambda uow: runners.as_runner(uow, user_id, now, work))


def button_ids(update: Update) -> list[int]:
    """The ids in a pressed button's data (``area:action:id[:id]``). They are only claims:
    every use case checks them against the runner's own rows."""
    query = update.callback_query
    assert query is not None and query.data is not None
    ids = [int(p) for p in query.data.split(":")[2:]]
    if any(i > MAX_ID for i in ids):
        raise GoFastError("button_expired")
    return ids


async def pressed(update: Update, context: CoachContext) -> tuple[Athlete, list[int]]:
    """The runner who pressed a button, and the ids in its data."""
    ids = button_ids(update)
    return await athlete_of(update, context), ids


async def plan_of(context: CoachContext, athlete: Athlete) -> TrainingPlan:
    assert athlete.id is not None
    plan = await context.services.units.read(lambda uow: uow.plans.active_plan(athlete.stored_id))
    if plan is None:
        raise NotFound("no_plan")
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


async def say_race_done(update: Update, context: CoachContext, after: real_life.AfterRace) -> None:
    """The race is run and no new one is set: its result, recovery and "what's next?"."""
    next_goal = single("🏁 Set my next race", "rc:start")
    await say(update, context, "plan/after_race", next_goal, after=after)


QUESTION = "question_id"  # user_data: the message whose buttons answer the current question
Step = Callable[[Update, CoachContext], Coroutine[Any, Any, T]]


def text_of(update: Update) -> str:
    """The text a runner typed ("" for anything else)."""
    message = update.effective_message
    return (message.text or "") if message else ""


def asked(context: CoachContext, question: Message) -> None:
    """The question now on screen: only its buttons answer it (see :func:`bound`)."""
    context.user_data[QUESTION] = question.message_id


def bound(handler: Step[T], reask: Step[Any]) -> Step[Any]:
    """A button answers only the question on screen: an older message's button is said to be
    stale (``reask`` shows the current question again), so it can't slip an old answer in."""

    @functools.wraps(handler)
    async def answer(update: Update, context: CoachContext) -> Any:
        query = update.callback_query
        question = context.user_data.get(QUESTION)
        shown = query.message.message_id if query is not None and query.message else None
        if question is not None and shown != question:
            return await reask(update, context)
        return await handler(update, context)

    return answer


async def say_error(update: Update, context: CoachContext, error: GoFastError) -> Message:
    """The error's words, as a reply (a step that asks again says them itself)."""
    message = context.services.render.error(error)
    return await say(update, context, "errors/domain", message=message)


async def edit(
    update: Update,
    context: CoachContext,
    template: str,
    markup: InlineKeyboardMarkup | None = None,
    **values: Any,
) -> None:
    """Replace the pressed button's message (callbacks only)."""
    await edit_text(update, context, context.services.render(template, **values), markup)


async def edit_text(
    update: Update,
    context: CoachContext,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Replace the pressed button's message with rendered ``text``."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    shown = query.message
    if isinstance(shown, Message) and shown.text == visible(text) and shown.reply_markup == markup:
        return  # Telegram refuses an edit that changes nothing
    await _edit(query.edit_message_text(text, reply_markup=markup))


async def drop_buttons(update: Update) -> None:
    """Take the keyboard off a message whose button was pressed, so it can't be pressed twice."""
    await set_buttons(update, None)


async def set_buttons(update: Update, markup: InlineKeyboardMarkup | None) -> None:
    """Show ``markup`` under the pressed button's message (answering the press)."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    shown = query.message.reply_markup if isinstance(query.message, Message) else None
    if shown != markup:
        await _edit(query.edit_message_reply_markup(markup))


async def _edit(request: Any) -> None:
    """An edit a double tap already made is done, not an error."""
    try:
        await request
    except BadRequest as error:
        if "message is not modified" not in str(error).lower():  # PTB capitalises it
            raise
