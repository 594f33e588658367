"""/garmin (connect: email → password → maybe a code), status, Sync now, Disconnect; /sync.

Secrets come first: the /garmin conversation runs in a handler group before every other
conversation (:data:`SECRETS_GROUP`) and stops the update there, so no other step ever reads an
email or a password; a message shaped like a password is deleted whatever the chat is doing.
"""

import contextlib
import functools
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.common import athlete_of, edit, say, say_error, text_of
from bot.context import CoachApplication, CoachContext
from bot.jobs.garmin import GarminSync
from bot.keyboards import button, rows
from core.errors import GoFastError, InvalidInput, NotFound
from core.parsing import format_duration, looks_like_secret
from core.services import coaching

EMAIL, PASSWORD, CODE = "EMAIL", "PASSWORD", "CODE"
SECRETS_GROUP = -1  # before the conversations of group 0
EMAIL_KEY = "garmin_email"
Step = Callable[[Update, CoachContext], Coroutine[Any, Any, str | int]]


def exclusive(step: Step) -> Step:
    """A /garmin step keeps its message from every later handler group."""

    @functools.wraps(step)
    async def run(update: Update, context: CoachContext) -> str | int:
        raise ApplicationHandlerStop(await step(update, context))

    return run


def _sync(context: CoachContext) -> GarminSync:
    application = context.application
    assert isinstance(application, CoachApplication)
    return application.garmin


async def start(update: Update, context: CoachContext) -> str | int:
    athlete = await athlete_of(update, context)
    sync = _sync(context)
    if not sync.enabled:
        await say(update, context, "garmin/texts", step="disabled")
        return ConversationHandler.END
    assert athlete.id is not None
    account = await sync.accounts.get(athlete.id)
    if account is not None:
        last = f"{account.last_sync_at:%d %b %H:%M} UTC" if account.last_sync_at else "not yet"
        buttons = rows([button("🔄 Sync now", "gm:sync"), button("Disconnect", "gm:off")], 2)
        await say(
            update, context, "garmin/texts", buttons, step="status", account=account, last_sync=last
        )
        return ConversationHandler.END
    await say(update, context, "garmin/texts", step="email")
    return EMAIL


async def got_email(update: Update, context: CoachContext) -> str:
    text = text_of(update).strip()
    if "@" not in text or " " in text or len(text) > 200:
        await say_error(update, context, InvalidInput("email_odd", text=text))
        return EMAIL
    athlete = await athlete_of(update, context)
    assert athlete.id is not None
    # until the password arrives, in the runner's data: the password may reach another worker
    context.user_data[EMAIL_KEY] = text
    await say(update, context, "garmin/texts", step="password")
    return PASSWORD


async def got_password(update: Update, context: CoachContext) -> str | int:
    message = update.effective_message
    assert message is not None
    password = message.text or ""
    with contextlib.suppress(TelegramError):  # gone from the chat before anything else
        await message.delete()
    athlete = await athlete_of(update, context)
    assert athlete.id is not None
    email = context.user_data.pop(EMAIL_KEY, None)
    if not email:  # from before an update that lost it
        await say(update, context, "garmin/texts", step="email")
        return EMAIL
    login = _sync(context).login
    assert login is not None
    try:
        sealed = await login.start(athlete.id, email, password)
    except GoFastError as error:
        words = context.services.render.error(error)
        await say(update, context, "garmin/texts", step="login_failed", message=words)
        return ConversationHandler.END
    finally:
        del password
    if sealed is None:
        await say(update, context, "garmin/texts", step="code")
        return CODE
    await _connected(update, context, sealed)
    return ConversationHandler.END


async def got_code(update: Update, context: CoachContext) -> str | int:
    athlete = await athlete_of(update, context)
    assert athlete.id is not None
    login = _sync(context).login
    assert login is not None
    code = text_of(update).strip()
    try:
        sealed = await login.finish(athlete.id, code)
    except NotFound as error:  # the login timed out
        await say_error(update, context, error)
        return ConversationHandler.END
    except GoFastError as error:
        await say_error(update, context, error)
        return CODE
    await _connected(update, context, sealed)
    return ConversationHandler.END


async def _connected(update: Update, context: CoachContext, sealed: bytes) -> None:
    athlete = await athlete_of(update, context)
    sync = _sync(context)
    await sync.connect(athlete, sealed)
    await say(update, context, "garmin/texts", step="connected")
    result = await sync.sync(context.bot, athlete, quiet=True)
    assert athlete.id is not None
    today = context.services.today(athlete)
    fitness = await context.services.units.write(
        lambda uow: coaching.seed_fitness(uow, athlete.stored_id, today)
    )
    five_k = format_duration(fitness.adaptive.seconds) if fitness else "—"
    await say(
        update,
        context,
        "garmin/texts",
        step="first_sync",
        imported=len(result.imported),
        linked=result.linked,
        five_k=five_k,
    )


async def sync_now(update: Update, context: CoachContext) -> None:
    athlete = await athlete_of(update, context)
    sync = _sync(context)
    if not sync.enabled:
        await say(update, context, "garmin/texts", step="disabled")
        return
    if update.callback_query is not None:
        await update.callback_query.answer(context.services.render.alert("syncing"))
    result = await sync.sync(context.bot, athlete)
    await say(update, context, "garmin/texts", step="synced", imported=len(result.imported))


async def disconnect(update: Update, context: CoachContext) -> None:
    athlete = await athlete_of(update, context)
    assert athlete.id is not None
    removed = await _sync(context).accounts.disconnect(athlete.id)
    await edit(update, context, "garmin/texts", step="disconnected" if removed else "not_connected")


async def cancel(update: Update, context: CoachContext) -> int:
    context.user_data.pop(EMAIL_KEY, None)
    await say(update, context, "garmin/texts", step="cancelled")
    return ConversationHandler.END


async def leave(update: Update, context: CoachContext) -> int:
    """Another command mid-login: the runner moved on; the command runs as usual."""
    context.user_data.pop(EMAIL_KEY, None)
    return ConversationHandler.END


class LooksLikeSecret(filters.MessageFilter):
    def filter(self, message: Message) -> bool:
        return looks_like_secret(message.text or "")


async def delete_secret(update: Update, context: CoachContext) -> None:
    """A password sent where none was asked for: gone from the chat before anything reads it."""
    message = update.effective_message
    assert message is not None
    with contextlib.suppress(TelegramError):
        await message.delete()
    await say(update, context, "garmin/texts", step="secret_deleted")
    raise ApplicationHandlerStop


def secret_handlers() -> list:
    """For :data:`SECRETS_GROUP`: the login conversation, then the password catcher."""
    text = filters.TEXT & ~filters.COMMAND
    conversation = ConversationHandler(
        entry_points=[CommandHandler("garmin", exclusive(start))],
        states={
            EMAIL: [MessageHandler(text, exclusive(got_email))],
            PASSWORD: [MessageHandler(text, exclusive(got_password))],
            CODE: [MessageHandler(text, exclusive(got_code))],
        },
        fallbacks=[
            CommandHandler("cancel", exclusive(cancel)),
            MessageHandler(filters.COMMAND, leave),
        ],
        name="garmin",
        persistent=True,
        allow_reentry=True,
        conversation_timeout=600,
    )
    return [conversation, MessageHandler(filters.TEXT & LooksLikeSecret(), delete_secret)]


def handlers() -> list:
    return [
        CommandHandler("sync", sync_now),
        CallbackQueryHandler(sync_now, pattern=r"^gm:sync$"),
        CallbackQueryHandler(disconnect, pattern=r"^gm:off$"),
    ]
