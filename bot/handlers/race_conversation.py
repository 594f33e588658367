"""The /race conversation's wiring: a new race goal (bot.handlers.race) or changes to the
running plan (bot.handlers.plan_edit), one persistent ConversationHandler."""

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.common import Step, bound
from bot.context import CoachContext
from bot.handlers import plan_edit, race
from bot.handlers.plan_edit import M_CONFIRM, M_DATE, M_DAYS, M_GOAL, M_LONG, M_WEEKLY, MODIFY

EDIT_STATES = (MODIFY, M_DATE, M_GOAL, M_DAYS, M_LONG, M_WEEKLY, M_CONFIRM)


async def reask(update: Update, context: CoachContext) -> str:
    if race.draft_of(context).get("state") in EDIT_STATES:
        return await plan_edit.reask(update, context)
    return await race.reask(update, context)


def answers(handler: Step[str | int], pattern: str) -> CallbackQueryHandler:
    """A button of one question: it answers only while its message is the one on screen."""
    return CallbackQueryHandler(bound(handler, reask), pattern=pattern)


def build_race_conversation() -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[
            CommandHandler("race", race.begin),
            CallbackQueryHandler(race.begin, pattern=r"^rc:start$"),
            CallbackQueryHandler(plan_edit.begin, pattern=r"^rc:modify(:(goal|date))?$"),
        ],
        states={
            race.REPLACE: [
                answers(race.replace_yes, r"^rc:replace:yes$"),
                answers(plan_edit.begin, r"^rc:modify$"),
            ],
            race.NAME: [MessageHandler(text, race.got_name)],
            race.PICK: [
                answers(race.picked_known, r"^rc:known:\d+$"),
                answers(race.new_race, r"^rc:new$"),
            ],
            race.TYPE: [
                answers(race.got_type, r"^rc:type:(5k|10k|half|marathon|other)$"),
                MessageHandler(text, race.typed_type),  # "marathon", "half", "15k"
            ],
            race.DISTANCE: [MessageHandler(text, race.got_distance)],
            race.DATE: [MessageHandler(text, race.got_date)],
            race.LOCATION: [
                MessageHandler(text, race.got_location),
                answers(race.got_location, r"^rc:skip$"),
            ],
            race.GOAL: [
                MessageHandler(text, race.got_goal),
                answers(race.got_goal, r"^rc:finish$"),
            ],
            race.FIVE_K: [
                MessageHandler(text, race.got_five_k),
                answers(race.got_five_k, r"^rc:unsure$"),
            ],
            race.WEEKLY: [MessageHandler(text, race.got_weekly)],
            race.LONGEST: [
                MessageHandler(text, race.got_longest),
                answers(race.got_longest, r"^rc:longest:unsure$"),
            ],
            race.DAYS: [
                answers(race.toggle_day, r"^rc:day:\d$"),
                answers(race.days_done, r"^rc:days:done$"),
                MessageHandler(text, race.typed_days),  # "mon wed fri sun"
            ],
            race.LONG_DAY: [
                answers(race.got_long_day, r"^rc:long:\d$"),
                MessageHandler(text, race.typed_long_day),  # "sat"
            ],
            race.CONFIRM: [
                MessageHandler(text, race.typed_at_confirm),  # "yes", "save", "✅ Confirm"
                answers(race.confirm, r"^rc:ok$"),
                answers(race.change, r"^rc:change$"),
                answers(race.take_alternative, r"^rc:alt:\d+$"),
            ],
            race.EDIT: [answers(race.edit_field, r"^rc:edit:\w+$")],
            MODIFY: [
                answers(
                    plan_edit.chose,
                    r"^rc:m:(date|goal|days|long|weekly|cancel)$",
                )
            ],
            M_DATE: [MessageHandler(text, plan_edit.got_date)],
            M_GOAL: [
                MessageHandler(text, plan_edit.got_goal),
                answers(plan_edit.got_goal, r"^rc:finish$"),
            ],
            M_WEEKLY: [MessageHandler(text, plan_edit.got_weekly)],
            M_DAYS: [
                answers(plan_edit.toggle_day, r"^rc:day:\d$"),
                answers(plan_edit.days_done, r"^rc:days:done$"),
            ],
            M_LONG: [answers(plan_edit.got_long_day, r"^rc:long:\d$")],
            M_CONFIRM: [
                answers(plan_edit.apply, r"^rc:m:apply$"),
                answers(plan_edit.more, r"^rc:m:more$"),
            ],
        },
        fallbacks=[
            CommandHandler("cancel", race.cancel),
            CallbackQueryHandler(race.cancel, pattern=r"^rc:cancel$"),
            MessageHandler(filters.ALL & ~filters.COMMAND, reask),
            CallbackQueryHandler(reask, pattern=r"^rc:"),
        ],
        name=race.CONVERSATION,
        persistent=True,
        allow_reentry=True,
    )
