"""The last line of defence: domain errors become friendly replies, bugs become one apology."""

import logging

from telegram import Update

from bot.common import as_runner, say_race_done
from bot.context import CoachContext
from bot.render import ALERT_CHARS, plain
from core.errors import GoFastError, NotFound
from core.services import real_life

log = logging.getLogger("gofast.errors")


async def on_error(update: object, context: CoachContext) -> None:
    error = context.error
    if not isinstance(update, Update):
        log.error("error outside an update", exc_info=error)
        return
    race_done = isinstance(error, NotFound) and error.code == "no_plan"
    if race_done and await _race_done(update, context):
        return
    if isinstance(error, GoFastError):
        await _tell(update, context, error)
        return
    user = update.effective_user
    log.error(
        "update %s from user %s failed",
        update.update_id,
        user.id if user else None,
        exc_info=error,
    )
    await _tell(update, context, None)


async def _race_done(update: Update, context: CoachContext) -> bool:
    """No active plan because the race is run: every command says so, with the result and
    "what's next?" (not "no plan yet")."""
    try:
        found = await as_runner(
            update, context, lambda uow, athlete, on: real_life.today(uow, athlete, on)
        )
        if not isinstance(found.result, real_life.AfterRace):
            return False
        await say_race_done(update, context, found.result)
    except Exception:  # whatever failed here, the plain "no plan" answer still goes out
        log.warning("could not show the finished race", exc_info=True)
        return False
    return True


async def _tell(update: Update, context: CoachContext, error: GoFastError | None) -> None:
    """Answer a pressed button with an alert (a message when the press was answered already),
    a message with a reply; ``None`` is our own bug, one apology. Never raise from here."""
    query = update.callback_query
    render = context.services.render
    try:
        if error is None:
            body = render("errors/generic")
        else:
            body = render("errors/domain", message=render.error(error))
        if query is not None and not context.coach_bot.answered(query.id):
            await query.answer(plain(body)[:ALERT_CHARS], show_alert=True)
        elif update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, body)
    except Exception:  # the reply itself failed (network, blocked bot): logging is all we can do
        log.warning("could not tell user about an error", exc_info=True)
