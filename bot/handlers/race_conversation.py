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

from bot.context import CoachContext
from bot.handlers import plan_edit, race
from bot.handlers.plan_edit import M_CONFIRM, M_DATE, M_DAYS, M_GOAL, M_LONG, M_WEEKLY, MODIFY
from bot.handlers.race import bound

EDIT_STATES = (MODIFY, M_DATE, M_GOAL, M_DAYS, M_LONG, M_WEEKLY, M_CONFIRM)


async def reask(update: Update, context: CoachContext) -> str:
    if race.draft_of(context).get("state") in EDIT_STATES:
        return await plan_edit.reask(update, context)
    return await race.reask(update, context)


def build_race_conversation() -> ConversationHandler:  # type: ignore[type-arg]
    text = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[
            CommandHandler("race", race.begin),
            CallbackQueryHandler(race.begin, pattern=r"^rc:start$"),
            CallbackQueryHandler(plan_edit.begin, pattern=r"^rc:modify(:(goal|date))?$"),
        ],
        states={
            race.REPLACE: [
                CallbackQueryHandler(bound(race.replace_yes), pattern=r"^rc:replace:yes$"),
                CallbackQueryHandler(bound(plan_edit.begin), pattern=r"^rc:modify$"),
            ],
            race.NAME: [MessageHandler(text, race.got_name)],
            race.PICK: [
                CallbackQueryHandler(bound(race.picked_known), pattern=r"^rc:known:\d+$"),
                CallbackQueryHandler(bound(race.new_race), pattern=r"^rc:new$"),
            ],
            race.TYPE: [
                CallbackQueryHandler(
                    bound(race.got_type), pattern=r"^rc:type:(5k|10k|half|marathon|other)$"
                ),
                MessageHandler(text, race.typed_type),  # "marathon", "half", "15k"
            ],
            race.DISTANCE: [MessageHandler(text, race.got_distance)],
            race.DATE: [MessageHandler(text, race.got_date)],
            race.LOCATION: [
                MessageHandler(text, race.got_location),
                CallbackQueryHandler(bound(race.got_location), pattern=r"^rc:skip$"),
            ],
            race.GOAL: [
                MessageHandler(text, race.got_goal),
                CallbackQueryHandler(bound(race.got_goal), pattern=r"^rc:finish$"),
            ],
            race.FIVE_K: [
                MessageHandler(text, race.got_five_k),
                CallbackQueryHandler(bound(race.got_five_k), pattern=r"^rc:unsure$"),
            ],
            race.WEEKLY: [MessageHandler(text, race.got_weekly)],
            race.LONGEST: [
                MessageHandler(text, race.got_longest),
                CallbackQueryHandler(bound(race.got_longest), pattern=r"^rc:longest:unsure$"),
            ],
            race.DAYS: [
                CallbackQueryHandler(bound(race.toggle_day), pattern=r"^rc:day:\d$"),
                CallbackQueryHandler(bound(race.days_done), pattern=r"^rc:days:done$"),
                MessageHandler(text, race.typed_days),  # "mon wed fri sun"
            ],
            race.LONG_DAY: [
                CallbackQueryHandler(bound(race.got_long_day), pattern=r"^rc:long:\d$"),
                MessageHandler(text, race.typed_long_day),  # "sat"
            ],
            race.CONFIRM: [
                CallbackQueryHandler(bound(race.confirm), pattern=r"^rc:ok$"),
                CallbackQueryHandler(bound(race.change), pattern=r"^rc:change$"),
                CallbackQueryHandler(bound(race.take_alternative), pattern=r"^rc:alt:\d+$"),
            ],
            race.EDIT: [CallbackQueryHandler(bound(race.edit_field), pattern=r"^rc:edit:\w+$")],
            MODIFY: [
                CallbackQueryHandler(
                    bound(plan_edit.chose), pattern=r"^rc:m:(date|goal|days|long|weekly|cancel)$"
                )
            ],
            M_DATE: [MessageHandler(text, plan_edit.got_date)],
            M_GOAL: [
                MessageHandler(text, plan_edit.got_goal),
                CallbackQueryHandler(bound(plan_edit.got_goal), pattern=r"^rc:finish$"),
            ],
            M_WEEKLY: [MessageHandler(text, plan_edit.got_weekly)],
            M_DAYS: [
                CallbackQueryHandler(bound(plan_edit.toggle_day), pattern=r"^rc:day:\d$"),
                CallbackQueryHandler(bound(plan_edit.days_done), pattern=r"^rc:days:done$"),
            ],
            M_LONG: [CallbackQueryHandler(bound(plan_edit.got_long_day), pattern=r"^rc:long:\d$")],
            M_CONFIRM: [
                CallbackQueryHandler(bound(plan_edit.apply), pattern=r"^rc:m:apply$"),
                CallbackQueryHandler(bound(plan_edit.more), pattern=r"^rc:m:more$"),
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
