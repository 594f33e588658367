"""/race → "Change this plan": race date, goal, run days, long-run day or weekly volume.

A branch of the race conversation (same persistence, same /cancel): pick what to change,
answer one question, see what the change does to the plan, confirm. The plan is rebuilt from
today; past days and every run stay, and the revision is recorded.
"""

from datetime import date
from typing import Any

from telegram import InlineKeyboardMarkup, Update

from bot.common import asked, athlete_of, drop_buttons, plan_of, say, text_of
from bot.context import CoachContext
from bot.handlers import coaching, race
from bot.keyboards import button, rows
from core import goals
from core.errors import GoFastError, InvalidInput
from core.parsing import parse_date, parse_duration, parse_volume
from core.revision import PlanEdit
from core.services import real_life

MODIFY, M_DATE, M_GOAL, M_DAYS, M_LONG, M_WEEKLY, M_CONFIRM = (
    "MODIFY",
    "M_DATE",
    "M_GOAL",
    "M_DAYS",
    "M_LONG",
    "M_WEEKLY",
    "M_CONFIRM",
)
FIELDS = {"date": M_DATE, "goal": M_GOAL, "days": M_DAYS, "long": M_LONG, "weekly": M_WEEKLY}
# each edit question reads like the race conversation's own
QUESTION = {
    M_DATE: race.DATE,
    M_GOAL: race.GOAL,
    M_DAYS: race.DAYS,
    M_LONG: race.LONG_DAY,
    M_WEEKLY: race.WEEKLY,
}
KEYBOARD_ONLY = (MODIFY, M_DAYS, M_LONG, M_CONFIRM)


def _edit(context: CoachContext) -> dict[str, Any]:
    return race.draft_of(context).setdefault("edit", {})


async def ask(update: Update, context: CoachContext, state: str, hint: str | None = None) -> str:
    """Persist, then ask: the same durability as every race question."""
    draft = race.draft_of(context)
    draft["state"] = state
    await race.persist(update, context, state)
    if state == M_CONFIRM:
        return await _preview(update, context)
    athlete = await athlete_of(update, context)
    if state == MODIFY:
        plan = await plan_of(context, athlete)
        menu = await say(
            update, context, "race/modify", _menu(), plan=plan, hint=hint, units=athlete.units
        )
        asked(context, menu)
        return state
    step = QUESTION[state]
    values: dict[str, Any] = {"step": step, "draft": draft, "hint": hint, "known": False}
    values["goal_example"] = "3:45:00" if draft.get("distance_m", 0) > 15000 else "24:30"
    values["units_word"] = "kilometres" if athlete.units.value == "km" else "miles"
    question = await say(update, context, "race/question", race.keyboard(step, draft), **values)
    asked(context, question)
    return state


def _menu() -> InlineKeyboardMarkup:
    choices = [
        ("📅 Race date", "date"),
        ("⏱ Goal", "goal"),
        ("🗓 Run days", "days"),
        ("🛣 Long-run day", "long"),
        ("📈 Weekly volume", "weekly"),
        ("✖ Keep it as is", "cancel"),
    ]
    return rows((button(label, f"rc:m:{code}") for label, code in choices), 2)


async def begin(update: Update, context: CoachContext) -> str:
    """Entry from /race ("Change this plan") or from a goal-at-risk message (a field named)."""
    athlete = await athlete_of(update, context)
    plan = await plan_of(context, athlete)
    await drop_buttons(update)
    query = update.callback_query
    parts = query.data.split(":") if query and query.data else []
    context.user_data["race"] = {
        "distance_m": plan.race.distance_m,
        "type": plan.race.race_type.value,
        "days": list(plan.run_days),
        "edit": {},
    }
    field = parts[2] if len(parts) > 2 else None
    return await ask(update, context, FIELDS.get(field or "", MODIFY))


async def chose(update: Update, context: CoachContext) -> str | int:
    query = update.callback_query
    assert query is not None and query.data is not None
    code = query.data.split(":")[2]
    if code == "cancel":
        return await race.cancel(update, context)
    await drop_buttons(update)
    return await ask(update, context, FIELDS.get(code, MODIFY))


# ---- answers: each fills one field of the PlanEdit, then shows what it does ------------------


async def got_date(update: Update, context: CoachContext) -> str:
    athlete = await athlete_of(update, context)
    today = context.services.today(athlete)
    draft = race.typed(race.draft_of(context))
    assert draft.race_type is not None and draft.distance_m is not None
    try:
        new_date = parse_date(text_of(update), today)
        goals.check_race_day(draft.race_type, draft.distance_m, new_date, today)
    except InvalidInput as error:
        return await ask(update, context, M_DATE, hint=context.services.render.error(error))
    _edit(context)["race_date"] = new_date.isoformat()
    return await ask(update, context, M_CONFIRM)


async def got_goal(update: Update, context: CoachContext) -> str:
    edit = _edit(context)
    if update.callback_query is not None:  # "Just finish"
        await drop_buttons(update)
        edit.update(clear_goal=True, goal_time_s=None)
        return await ask(update, context, M_CONFIRM)
    draft = race.typed(race.draft_of(context))
    assert draft.distance_m is not None
    try:
        goal = parse_duration(text_of(update), hours_first=draft.long_race)
        goals.check_goal(draft.distance_m, goal)
    except InvalidInput as error:
        return await ask(update, context, M_GOAL, hint=context.services.render.error(error))
    edit.update(goal_time_s=goal, clear_goal=False)
    return await ask(update, context, M_CONFIRM)


async def got_weekly(update: Update, context: CoachContext) -> str:
    athlete = await athlete_of(update, context)
    try:
        metres = goals.check_weekly(parse_volume(text_of(update), athlete.units))
    except InvalidInput as error:
        return await ask(update, context, M_WEEKLY, hint=context.services.render.error(error))
    _edit(context)["weekly_m"] = metres
    return await ask(update, context, M_CONFIRM)


async def toggle_day(update: Update, context: CoachContext) -> str:
    return await race.toggle(update, context, M_DAYS)


async def days_done(update: Update, context: CoachContext) -> str:
    query = update.callback_query
    assert query is not None
    try:
        days = goals.check_run_days(race.draft_of(context).get("days", []))
    except InvalidInput as error:
        await query.answer(context.services.render.error_text(error), show_alert=True)
        return M_DAYS
    await drop_buttons(update)
    _edit(context)["run_days"] = list(days)
    return await ask(update, context, M_LONG)


async def got_long_day(update: Update, context: CoachContext) -> str:
    query = update.callback_query
    assert query is not None and query.data is not None
    try:
        day = goals.check_long_day(int(query.data.split(":")[2]), race.draft_of(context)["days"])
    except InvalidInput as error:
        await query.answer(context.services.render.error_text(error), show_alert=True)
        return M_LONG
    await drop_buttons(update)
    _edit(context)["long_run_day"] = day
    return await ask(update, context, M_CONFIRM)


# ---- preview and apply ----------------------------------------------------------------------


def plan_edit(context: CoachContext) -> PlanEdit:
    values = dict(_edit(context))
    if values.get("race_date"):
        values["race_date"] = date.fromisoformat(values["race_date"])
    return PlanEdit(**values)


async def _preview(update: Update, context: CoachContext) -> str:
    athlete = await athlete_of(update, context)
    assert athlete.id is not None
    services = context.services
    try:
        revised = await services.units.read(
            lambda uow: real_life.preview_edit(
                uow, athlete.stored_id, plan_edit(context), services.today(athlete)
            )
        )
    except GoFastError as error:
        race.draft_of(context)["edit"] = {}
        return await ask(update, context, MODIFY, hint=context.services.render.error(error))
    buttons = rows(
        [
            button("✅ Apply", "rc:m:apply"),
            button("✏️ Something else", "rc:m:more"),
            button("✖ Cancel", "rc:cancel"),
        ],
        3,
    )
    shown = await coaching.say_change(
        update, context, athlete, revised, "race/modify_preview", buttons
    )
    asked(context, shown)
    return M_CONFIRM


async def apply(update: Update, context: CoachContext) -> int:
    athlete = await athlete_of(update, context)
    assert athlete.id is not None
    services = context.services
    edit = plan_edit(context)
    await drop_buttons(update)
    change = await services.units.write(
        lambda uow: real_life.apply_edit(uow, athlete.stored_id, edit, services.today(athlete))
    )
    context.user_data.pop("race", None)
    await race.persist(update, context, None)
    await coaching.say_change(update, context, athlete, change)
    return race.END


async def more(update: Update, context: CoachContext) -> str:
    await drop_buttons(update)
    return await ask(update, context, MODIFY)


async def reask(update: Update, context: CoachContext) -> str:
    state = race.draft_of(context).get("state", MODIFY)
    if update.callback_query is not None:
        await update.callback_query.answer(context.services.render.alert("earlier_question"))
        return await ask(update, context, state)
    hint = "Please use the buttons below." if state in KEYBOARD_ONLY else "I didn't get that."
    return await ask(update, context, state, hint=hint)
