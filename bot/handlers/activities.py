"""Runs arrive (a file in the chat, or /log) → stored → matched → linked, asked, or extra."""

import logging

from telegram import Document, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.common import (
    as_runner,
    athlete_of,
    button_ids,
    edit,
    edit_text,
    pressed,
    say,
    say_error,
)
from bot.context import CoachContext
from bot.keyboards import confirm_delete, other_days, second_run_offer, undo_link, unlinked_run
from bot.messages import announce, run_text
from core.errors import AlreadyLinked, DayTaken, GoFastError, InvalidInput, NotFound
from core.models import Athlete, AthleteActivity
from core.services import coaching

log = logging.getLogger(__name__)


async def on_document(update: Update, context: CoachContext) -> None:
    message = update.effective_message
    assert message is not None and message.document is not None
    athlete = await athlete_of(update, context)
    document = message.document
    name = document.file_name or "activity"
    files = context.services.files
    files.check(name, document.file_size or 0)
    data = await _download(document, files.max_bytes)
    activities = await files.read(name, data, athlete.time_zone)
    if len(activities) == 1:
        await _import(update, context, athlete, activities[0])
        return
    for activity in activities:  # an export of several days: each its own run, each answered
        try:
            await _import(update, context, athlete, activity)
        except InvalidInput as refused:
            await say_error(update, context, refused)


async def _download(document: Document, max_bytes: int) -> bytes:
    """The file's bytes; its claimed size is only a claim (it may be missing or false)."""
    too_big = InvalidInput("file_too_big", limit=max_bytes)
    try:
        telegram_file = await document.get_file()
    except BadRequest as error:
        if "file is too big" in str(error).lower():
            raise too_big from None
        raise
    if (telegram_file.file_size or 0) > max_bytes:
        raise too_big
    return bytes(await telegram_file.download_as_bytearray())


async def log_run(update: Update, context: CoachContext) -> None:
    """``/log 8.2km 42:10 [yesterday|2026-11-20] [note…]``"""
    args = context.args or []
    if len(args) < 2:
        await _log_help(update, context, None)
        return
    await log_words(update, context, args)


async def log_words(update: Update, context: CoachContext, args: list[str]) -> None:
    """A run in /log's words (typed after /log, or read from a sentence), stored and answered."""
    message = update.effective_message
    assert message is not None
    reference = f"{message.chat_id}:{message.message_id}"  # a re-delivered update is a repeat
    try:
        found = await as_runner(
            update,
            context,
            lambda uow, athlete, today: coaching.log_run(uow, athlete, today, args, reference),
            write=True,
        )
    except coaching.LogWordsUnclear as error:
        await _log_help(update, context, context.services.render.error(error))
        return
    await announce(context.bot, context.services, found.athlete, found.result)


async def _log_help(update: Update, context: CoachContext, hint: str | None) -> None:
    """How to log a run, with examples in the runner's units."""
    athlete = await athlete_of(update, context)
    await say(update, context, "activity/log_help", hint=hint, units=athlete.units)


async def _import(
    update: Update, context: CoachContext, athlete: Athlete, activity: AthleteActivity
) -> None:
    services = context.services
    outcome = await services.units.write(
        lambda uow: coaching.import_run(uow, athlete, activity, services.today(athlete))
    )
    await announce(context.bot, services, athlete, outcome)


async def link(update: Update, context: CoachContext) -> None:
    activity_id, day_id = button_ids(update)
    query = update.callback_query
    second = query is not None and (query.data or "").startswith("ac:l2:")
    try:
        found = await as_runner(
            update,
            context,
            lambda uow, athlete, today: coaching.link_run(
                uow, athlete.stored_id, activity_id, day_id, today, second=second
            ),
            write=True,
        )
    except AlreadyLinked:
        raise GoFastError("link_already_handled") from None
    except DayTaken as taken:
        await _offer_second_run(update, context, activity_id, taken.params["run_m"], day_id)
        return
    await edit(
        update,
        context,
        "activity/analysis",
        undo_link(activity_id),
        executed=found.result.executed,
        fitness=found.result.fitness,
        units=found.athlete.units,
    )


async def _offer_second_run(
    update: Update, context: CoachContext, activity_id: int, run_m: float, day_id: int
) -> None:
    """A button from before the day got its run: ask, never double or replace quietly."""
    athlete = await athlete_of(update, context)
    activity = await _unlinked(context, athlete, activity_id)
    text = run_text(context.services, athlete, activity, "day_taken", run_m=run_m)
    await edit_text(update, context, text, second_run_offer(activity_id, day_id))


async def show_other_days(update: Update, context: CoachContext) -> None:
    athlete, (activity_id,) = await pressed(update, context)
    assert athlete.id is not None
    activity = await _unlinked(context, athlete, activity_id)
    days = await context.services.units.read(
        lambda uow: coaching.nearby_days(uow, athlete.stored_id, activity_id)
    )
    if not days:
        raise GoFastError("no_open_days_near")
    await _show(
        update,
        context,
        athlete,
        activity,
        "other_days",
        other_days(activity_id, days, athlete.units),
    )


async def mark_extra(update: Update, context: CoachContext) -> None:
    athlete, (activity_id,) = await pressed(update, context)
    activity = await _unlinked(context, athlete, activity_id)
    assert athlete.id is not None
    await context.services.units.write(
        lambda uow: uow.activities.set_match_state(athlete.stored_id, activity_id, "extra")
    )
    await _show(update, context, athlete, activity, "marked_extra", unlinked_run(activity_id))


async def unlink(update: Update, context: CoachContext) -> None:
    athlete, (activity_id,) = await pressed(update, context)
    assert athlete.id is not None
    try:
        activity = await context.services.units.write(
            lambda uow: coaching.unlink_run(uow, athlete.stored_id, activity_id)
        )
    except NotFound:
        raise GoFastError("unlink_already_handled") from None
    await _show(update, context, athlete, activity, "unlinked", unlinked_run(activity_id))


async def ask_delete(update: Update, context: CoachContext) -> None:
    athlete, (activity_id,) = await pressed(update, context)
    activity = await context.services.units.read(
        lambda uow: uow.activities.get_activity(athlete.stored_id, activity_id)
    )
    await _show(update, context, athlete, activity, "delete?", confirm_delete(activity_id))


async def delete(update: Update, context: CoachContext) -> None:
    athlete, (activity_id,) = await pressed(update, context)
    try:
        gone = await context.services.units.write(
            lambda uow: coaching.delete_run(uow, athlete.stored_id, activity_id)
        )
    except NotFound:
        raise GoFastError("run_already_deleted") from None
    await _show(update, context, athlete, gone, "deleted")


async def keep(update: Update, context: CoachContext) -> None:
    athlete, (activity_id,) = await pressed(update, context)
    activity = await context.services.units.read(
        lambda uow: uow.activities.get_activity(athlete.stored_id, activity_id)
    )
    await _show(update, context, athlete, activity, "kept")


async def _show(
    update: Update,
    context: CoachContext,
    athlete: Athlete,
    activity: AthleteActivity,
    kind: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Replace the pressed message with what became of the run."""
    text = run_text(context.services, athlete, activity, kind)
    await edit_text(update, context, text, markup)


async def _unlinked(context: CoachContext, athlete: Athlete, activity_id: int) -> AthleteActivity:
    """The runner's own activity that is not linked yet (else: already handled)."""
    assert athlete.id is not None
    try:
        return await context.services.units.read(
            lambda uow: coaching.unlinked_run(uow, athlete.stored_id, activity_id)
        )
    except AlreadyLinked:
        raise GoFastError("extra_already_linked") from None


def handlers() -> list:
    return [
        MessageHandler(filters.Document.ALL, on_document),
        CommandHandler("log", log_run),
        CallbackQueryHandler(link, pattern=r"^ac:l2?:\d+:\d+$"),
        CallbackQueryHandler(show_other_days, pattern=r"^ac:o:\d+$"),
        CallbackQueryHandler(mark_extra, pattern=r"^ac:x:\d+$"),
        CallbackQueryHandler(unlink, pattern=r"^ac:u:\d+$"),
        CallbackQueryHandler(ask_delete, pattern=r"^ac:d:\d+$"),
        CallbackQueryHandler(delete, pattern=r"^ac:dd:\d+$"),
        CallbackQueryHandler(keep, pattern=r"^ac:k:\d+$"),
    ]
