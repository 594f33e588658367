"""/race: the guided race-goal conversation → summary → a saved plan.

Each step parses one answer into the draft (``user_data["race"]``), then :func:`ask` stores the
draft and the next state *before* sending the next question: a crash right after a reply never
loses the answer. Anything unexpected re-asks the current question with a hint.
"""

import re
import secrets
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    ConversationHandler,
)

from bot.common import asked, athlete_of, drop_buttons, say, set_buttons, text_of
from bot.context import CoachContext
from bot.keyboards import WEEKDAYS, button, rows
from core import goals
from core.errors import GoFastError, InvalidInput
from core.goals import RaceDraft
from core.models import STANDARD_DISTANCES, Alternative, AlternativeKind, Athlete, RaceType
from core.parsing import (
    parse_date,
    parse_distance,
    parse_duration,
    parse_place,
    parse_race_name,
    parse_volume,
    parse_weekday,
    says_done,
    says_unsure,
    says_yes,
)
from core.plan import default_run_days
from core.services import race_goal

REPLACE, NAME, PICK, TYPE, DISTANCE, DATE, LOCATION = (
    "REPLACE",
    "NAME",
    "PICK",
    "TYPE",
    "DISTANCE",
    "DATE",
    "LOCATION",
)
GOAL, FIVE_K, WEEKLY, LONGEST, DAYS, LONG_DAY, CONFIRM, EDIT = (
    "GOAL",
    "FIVE_K",
    "WEEKLY",
    "LONGEST",
    "DAYS",
    "LONG_DAY",
    "CONFIRM",
    "EDIT",
)
CONVERSATION = "race"
END = ConversationHandler.END
EDITABLE = {
    "date": DATE,
    "goal": GOAL,
    "5k": FIVE_K,
    "weekly": WEEKLY,
    "longest": LONGEST,
    "days": DAYS,
}


def draft_of(context: CoachContext) -> dict[str, Any]:
    """The conversation's draft as stored (JSON): the answers, keyed as in
    :class:`core.goals.RaceDraft`, and the conversation's own state."""
    return context.user_data.setdefault("race", {})


def typed(draft: dict[str, Any]) -> RaceDraft:
    return RaceDraft.model_validate(draft)


async def ask(update: Update, context: CoachContext, state: str, hint: str | None = None) -> str:
    """Persist the draft and ``state`` now, then send the question for ``state``."""
    draft = draft_of(context)
    draft["state"] = state
    await persist(update, context, state)
    athlete = await athlete_of(update, context)
    if state == CONFIRM:
        return await _summary(update, context, athlete, hint)
    values: dict[str, Any] = {"step": state, "draft": draft, "hint": hint}
    if state == REPLACE:
        assert athlete.id is not None
        values["plan"] = await context.services.units.read(
            lambda uow: uow.plans.active_plan(athlete.stored_id)
        )
    if state == GOAL:
        values["goal_example"] = "3:45:00" if typed(draft).long_race else "24:30"
    if state == FIVE_K:
        values["race_5k"] = await context.services.units.read(
            lambda uow: race_goal.last_race_5k(uow, athlete.stored_id)
        )
    if state in (WEEKLY, LONGEST):
        values["units_word"] = "kilometres" if athlete.units.value == "km" else "miles"
    values["known"] = state == NAME and bool(draft.get("known"))
    asked(context, await say(update, context, "race/question", keyboard(state, draft), **values))
    return state


async def persist(update: Update, context: CoachContext, state: str | None) -> None:
    persistence = context.application.persistence
    user, chat = update.effective_user, update.effective_chat
    if persistence is None or user is None or chat is None:
        return
    await persistence.update_user_data(user.id, context.user_data)
    # per_chat and per_user: PTB keys this conversation by (chat id, user id)
    await persistence.update_conversation(CONVERSATION, (chat.id, user.id), state)


def keyboard(state: str, draft: dict[str, Any]) -> InlineKeyboardMarkup | None:
    if state == REPLACE:
        return rows(
            [
                button("✏️ Change this plan", "rc:modify"),
                button("🆕 A new race", "rc:replace:yes"),
                button("Keep my plan", "rc:cancel"),
            ],
            1,
        )
    if state == PICK:
        known = [
            button(f"{r['name']} · {r['date']}", f"rc:known:{r['id']}") for r in draft["known"]
        ]
        return rows([*known, button(f"➕ A new race “{draft['name'][:30]}”", "rc:new")], 1)
    if state == TYPE:
        kinds = [
            ("5k", "5k"),
            ("10k", "10k"),
            ("Half", "half"),
            ("Marathon", "marathon"),
            ("Other distance", "other"),
        ]
        return rows((button(label, f"rc:type:{code}") for label, code in kinds), 2)
    if state == LOCATION:
        return rows([button("Skip", "rc:skip")], 1)
    if state == GOAL:
        return rows([button("🙌 Just finish", "rc:finish")], 1)
    if state == FIVE_K:
        return rows([button("🤷 Not sure", "rc:unsure")], 1)
    if state == LONGEST:
        return rows([button("🤷 Not sure", "rc:longest:unsure")], 1)
    if state == DAYS:
        chosen = set(draft.get("days", []))
        toggles = [
            button(("✅ " if i in chosen else "") + d, f"rc:day:{i}")
            for i, d in enumerate(WEEKDAYS)
        ]
        return InlineKeyboardMarkup([toggles[:4], toggles[4:], [button("Done", "rc:days:done")]])
    if state == LONG_DAY:
        return rows((button(WEEKDAYS[i], f"rc:long:{i}") for i in draft["days"]), 4)
    if state == EDIT:
        fields = [
            ("Race date", "date"),
            ("Goal", "goal"),
            ("5k time", "5k"),
            ("Weekly volume", "weekly"),
            ("Longest run", "longest"),
            ("Run days", "days"),
        ]
        return rows((button(label, f"rc:edit:{code}") for label, code in fields), 2)
    return None


async def _next(update: Update, context: CoachContext, default: str) -> str:
    """After an answer: back to the summary when editing, else the natural next question."""
    return await ask(update, context, CONFIRM if draft_of(context).get("editing") else default)


# ---- entry -------------------------------------------------------------------------------


async def begin(update: Update, context: CoachContext) -> str:
    athlete = await athlete_of(update, context)
    await drop_buttons(update)
    context.user_data["race"] = {"key": secrets.token_hex(8)}
    assert athlete.id is not None
    if (
        await context.services.units.read(lambda uow: uow.plans.active_plan(athlete.stored_id))
        is not None
    ):
        return await ask(update, context, REPLACE)
    return await ask(update, context, NAME)


async def replace_yes(update: Update, context: CoachContext) -> str:
    await drop_buttons(update)
    return await ask(update, context, NAME)


# ---- answers -----------------------------------------------------------------------------


async def got_name(update: Update, context: CoachContext) -> str:
    try:
        name = parse_race_name(text_of(update))
    except InvalidInput as error:
        return await ask(update, context, NAME, hint=context.services.render.error(error))
    draft = draft_of(context)
    draft["name"] = name
    athlete = await athlete_of(update, context)
    today = context.services.today(athlete)
    known = await context.services.units.read(lambda uow: race_goal.known_races(uow, name, today))
    draft["known"] = [
        {"id": r.id, "name": r.race_name, "date": r.race_date.isoformat()} for r in known
    ]
    return await ask(update, context, PICK if known else TYPE)


async def picked_known(update: Update, context: CoachContext) -> str:
    query = update.callback_query
    assert query is not None and query.data is not None
    draft = draft_of(context)
    race_id = int(query.data.split(":")[2])
    athlete = await athlete_of(update, context)
    today = context.services.today(athlete)
    races = await context.services.units.read(
        lambda uow: race_goal.known_races(uow, draft.get("name", ""), today)
    )
    race = next((r for r in races if r.id == race_id), None)
    await drop_buttons(update)
    if race is None:
        return await ask(update, context, TYPE, hint="I lost that race; let's enter it.")
    draft.update(
        name=race.race_name,
        type=race.race_type.value,
        distance_m=race.distance_m,
        location=race.location,
    )
    try:
        _set_date(draft, athlete, context, race.race_date.isoformat())
    except InvalidInput as error:
        return await ask(update, context, DATE, hint=context.services.render.error(error))
    return await ask(update, context, GOAL)


async def new_race(update: Update, context: CoachContext) -> str:
    await drop_buttons(update)
    return await ask(update, context, TYPE)


async def got_type(update: Update, context: CoachContext) -> str:
    query = update.callback_query
    assert query is not None and query.data is not None
    code = query.data.split(":")[2]
    await drop_buttons(update)
    if code == "other":
        return await ask(update, context, DISTANCE)
    race_type = RaceType(code)
    draft_of(context).update(type=race_type.value, distance_m=STANDARD_DISTANCES[race_type])
    return await ask(update, context, DATE)


async def got_distance(update: Update, context: CoachContext) -> str:
    return await _distance(update, context, DISTANCE)


async def typed_type(update: Update, context: CoachContext) -> str:
    """The race typed instead of tapped: "marathon", "half", "15k"."""
    return await _distance(update, context, TYPE)


async def _distance(update: Update, context: CoachContext, asking: str) -> str:
    athlete = await athlete_of(update, context)
    try:
        text = text_of(update)
        metres = goals.check_race_distance(parse_distance(text, athlete.units))
    except InvalidInput as error:
        return await ask(update, context, asking, hint=context.services.render.error(error))
    draft_of(context).update(type=RaceType.from_distance(metres).value, distance_m=metres)
    return await ask(update, context, DATE)


def _set_date(draft: dict[str, Any], athlete: Athlete, context: CoachContext, text: str) -> None:
    today = context.services.today(athlete)
    race_day = parse_date(text, today)
    goals.check_race_day(RaceType(draft["type"]), draft["distance_m"], race_day, today)
    draft["date"] = race_day.isoformat()


async def got_date(update: Update, context: CoachContext) -> str:
    athlete = await athlete_of(update, context)
    try:
        _set_date(draft_of(context), athlete, context, text_of(update))
    except InvalidInput as error:
        return await ask(update, context, DATE, hint=context.services.render.error(error))
    return await _next(update, context, LOCATION)


async def got_location(update: Update, context: CoachContext) -> str:
    if update.callback_query is None:
        try:
            place = parse_place(text_of(update))
        except InvalidInput as error:
            return await ask(update, context, LOCATION, hint=context.services.render.error(error))
        draft_of(context)["location"] = place
    else:
        await drop_buttons(update)
    return await ask(update, context, GOAL)


async def got_goal(update: Update, context: CoachContext) -> str:
    draft = draft_of(context)
    if update.callback_query is not None:
        await drop_buttons(update)
        draft["goal_s"] = None
        return await _next(update, context, FIVE_K)
    try:
        text = text_of(update)
        goal = parse_duration(text, hours_first=typed(draft).long_race)
        goals.check_goal(draft["distance_m"], goal)
    except InvalidInput as error:
        return await ask(update, context, GOAL, hint=context.services.render.error(error))
    draft["goal_s"] = goal
    return await _next(update, context, FIVE_K)


async def got_five_k(update: Update, context: CoachContext) -> str:
    draft = draft_of(context)
    if update.callback_query is not None or says_unsure(text_of(update)):
        await drop_buttons(update)
        await _estimate_5k(context, await athlete_of(update, context))
        return await _next(update, context, WEEKLY)
    try:
        text = text_of(update)
        seconds = goals.check_five_k(parse_duration(text))
    except InvalidInput as error:
        return await ask(update, context, FIVE_K, hint=context.services.render.error(error))
    draft.update(five_k_s=seconds, five_k_estimated=False)
    return await _next(update, context, WEEKLY)


async def _estimate_5k(context: CoachContext, athlete: Athlete) -> None:
    """ "Not sure" of the 5k: the last race's, else from volume and recent runs (known once
    the weekly volume is)."""
    draft = draft_of(context)
    today = context.services.today(athlete)
    seconds, estimated = await context.services.units.read(
        lambda uow: race_goal.unsure_5k(uow, athlete.stored_id, typed(draft), today)
    )
    draft.update(five_k_s=seconds, five_k_estimated=estimated)


async def got_weekly(update: Update, context: CoachContext) -> str:
    athlete = await athlete_of(update, context)
    text = text_of(update)
    try:
        metres = goals.check_weekly(parse_volume(text, athlete.units))
    except InvalidInput as error:
        return await ask(update, context, WEEKLY, hint=context.services.render.error(error))
    draft = draft_of(context)
    draft["weekly_m"] = metres
    if draft.get("five_k_estimated"):  # "not sure" of the 5k: the volume tells it
        await _estimate_5k(context, athlete)
    draft.setdefault("days", list(default_run_days(4, 6)))
    if "longest_m" not in draft and await _longest_on_record(context, athlete, draft):
        return await _next(update, context, DAYS)
    return await _next(update, context, LONGEST)


async def _longest_on_record(
    context: CoachContext, athlete: Athlete, draft: dict[str, Any]
) -> bool:
    """Runs of the last month on record answer "your longest run?" without asking."""
    today = context.services.today(athlete)
    longest = await context.services.units.read(
        lambda uow: race_goal.longest_on_record(uow, athlete.stored_id, today)
    )
    if longest is None:
        return False
    draft.update(longest_m=longest, longest_inferred=True)
    return True


async def got_longest(update: Update, context: CoachContext) -> str:
    draft = draft_of(context)
    if update.callback_query is not None or says_unsure(text_of(update)):
        await drop_buttons(update)
        draft.update(longest_m=None, longest_inferred=False)
        return await _next(update, context, DAYS)
    athlete = await athlete_of(update, context)
    text = text_of(update)
    try:
        metres = goals.check_longest(parse_volume(text, athlete.units))
    except InvalidInput as error:
        return await ask(update, context, LONGEST, hint=context.services.render.error(error))
    draft.update(longest_m=metres, longest_inferred=False)
    return await _next(update, context, DAYS)


async def toggle_day(update: Update, context: CoachContext) -> str:
    return await toggle(update, context, DAYS)


async def toggle(update: Update, context: CoachContext, state: str) -> str:
    """Flip one weekday in the draft's run days and redraw the toggles (new plan or edit)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    day = int(query.data.split(":")[2]) % 7
    draft = draft_of(context)
    days = set(draft.get("days", []))
    days ^= {day}
    draft["days"] = sorted(days)
    await persist(update, context, state)
    await set_buttons(update, keyboard(DAYS, draft))
    return state


async def typed_days(update: Update, context: CoachContext) -> str:
    """Run days typed instead of tapped: "mon wed fri sun" — or "done" for the days ticked."""
    text = text_of(update)
    if says_done(text):
        return await days_done(update, context)
    try:
        picked = [parse_weekday(word) for word in re.split(r"[\s,/&+]+|\band\b", text) if word]
        days = goals.check_run_days([d for d in picked if d is not None])
    except InvalidInput as error:
        return await ask(update, context, DAYS, hint=context.services.render.error(error))
    draft_of(context)["days"] = list(days)
    return await ask(update, context, LONG_DAY)


async def days_done(update: Update, context: CoachContext) -> str:
    query = update.callback_query
    try:
        goals.check_run_days(draft_of(context).get("days", []))
    except InvalidInput as error:
        if query is None:  # typed "done": the hint goes with the question
            return await ask(update, context, DAYS, hint=context.services.render.error(error))
        await query.answer(context.services.render.error_text(error), show_alert=True)
        return DAYS
    await drop_buttons(update)
    return await ask(update, context, LONG_DAY)


async def got_long_day(update: Update, context: CoachContext) -> str:
    query = update.callback_query
    assert query is not None and query.data is not None
    day = int(query.data.split(":")[2])
    draft = draft_of(context)
    try:
        draft["long_day"] = goals.check_long_day(day, draft.get("days", []))
    except InvalidInput as error:
        await query.answer(context.services.render.error_text(error), show_alert=True)
        return LONG_DAY
    await drop_buttons(update)
    return await ask(update, context, CONFIRM)


async def typed_long_day(update: Update, context: CoachContext) -> str:
    """The long-run day typed instead of tapped: "sat", "Sunday"."""
    draft = draft_of(context)
    text = text_of(update)
    try:
        day = goals.check_long_day(parse_weekday(text) or 0, draft.get("days", []))
    except InvalidInput as error:
        return await ask(update, context, LONG_DAY, hint=context.services.render.error(error))
    draft["long_day"] = day
    return await ask(update, context, CONFIRM)


# ---- summary and save ----------------------------------------------------------------------


async def _summary(
    update: Update, context: CoachContext, athlete: Athlete, hint: str | None
) -> str:
    draft = draft_of(context)
    try:
        shown = race_goal.preview(typed(draft), athlete, context.services.today(athlete))
    except GoFastError as error:
        draft["editing"] = True
        return await ask(update, context, EDIT, hint=context.services.render.error(error))
    alternatives = shown.alternatives
    draft["alternatives"] = [alt.model_dump(mode="json") for alt in alternatives]
    await persist(update, context, CONFIRM)
    choices = [button(_alternative_label(alt), f"rc:alt:{i}") for i, alt in enumerate(alternatives)]
    buttons = rows(
        [
            *choices,
            button("✅ Confirm", "rc:ok"),
            button("✏️ Change", "rc:change"),
            button("✖ Cancel", "rc:cancel"),
        ],
        1 if choices else 3,
    )
    summary = await say(
        update,
        context,
        "race/summary",
        buttons,
        plan=shown.plan,
        peak=shown.peak,
        first=shown.plan.weeks[0],
        prediction=shown.prediction,
        units=athlete.units,
        estimated=draft.get("five_k_estimated"),
        longest_inferred=draft.get("longest_inferred"),
        hint=hint,
    )
    asked(context, summary)
    return CONFIRM


def _alternative_label(alt: Alternative) -> str:
    when = f"{alt.race_date:%-d %b %Y}"
    if alt.kind is AlternativeKind.SHORTER_RACE:
        return f"🏃 A {alt.race_type.label} on the same day instead"
    if alt.kind is AlternativeKind.BASE_BLOCK:
        return f"🧱 {alt.base_weeks} base weeks first: race on {when}"
    return f"📅 A later race: {when} ({alt.weeks} weeks)"


async def take_alternative(update: Update, context: CoachContext) -> str:
    """One tap on an alternative the summary offered: the draft takes its date or distance."""
    query = update.callback_query
    assert query is not None and query.data is not None
    draft = draft_of(context)
    offered = draft.get("alternatives") or []
    index = query.data.split(":")[2]
    if not index.isdigit() or int(index) >= len(offered):
        await query.answer(context.services.render.alert("choice_gone"))
        return await ask(update, context, CONFIRM)
    alt = Alternative.model_validate(offered[int(index)])
    await drop_buttons(update)
    draft.update(
        date=alt.race_date.isoformat(), type=alt.race_type.value, distance_m=alt.distance_m
    )
    if alt.kind is AlternativeKind.SHORTER_RACE:
        draft["goal_s"] = None  # a goal for another distance means nothing here
    return await ask(update, context, CONFIRM)


async def confirm(update: Update, context: CoachContext) -> int:
    athlete = await athlete_of(update, context)
    assert athlete.id is not None
    services = context.services
    today = services.today(athlete)
    draft, now = draft_of(context), services.clock.now()
    saved = await services.units.write(
        lambda uow: race_goal.save_goal(uow, athlete, typed(draft), today, now, draft.get("key"))
    )
    await drop_buttons(update)
    context.user_data.pop("race", None)
    await persist(update, context, None)
    await say(
        update,
        context,
        "race/saved",
        plan=saved,
        today=saved.day_on(today),
        units=athlete.units,
        push_time=athlete.push_time,
    )
    return ConversationHandler.END


async def typed_at_confirm(update: Update, context: CoachContext) -> str | int:
    """The summary's buttons typed: "yes" / "confirm" / "save" confirms, "change" changes,
    "cancel" cancels; anything else shows the summary again."""
    text = text_of(update).strip().lower()
    if says_yes(text):
        return await confirm(update, context)
    if text.startswith(("change", "edit", "✏")):
        return await change(update, context)
    if text.startswith(("cancel", "no", "✖")):
        return await cancel(update, context)
    return await reask(update, context)


async def change(update: Update, context: CoachContext) -> str:
    await drop_buttons(update)
    draft_of(context)["editing"] = True
    return await ask(update, context, EDIT)


async def edit_field(update: Update, context: CoachContext) -> str:
    query = update.callback_query
    assert query is not None and query.data is not None
    state = EDITABLE.get(query.data.split(":")[2])
    await drop_buttons(update)
    return await ask(update, context, state or EDIT)


async def cancel(update: Update, context: CoachContext) -> int:
    athlete = await athlete_of(update, context)
    await drop_buttons(update)
    context.user_data.pop("race", None)
    await persist(update, context, None)
    assert athlete.id is not None
    kept = await context.services.units.read(lambda uow: uow.plans.active_plan(athlete.stored_id))
    await say(update, context, "race/cancelled", kept=kept)
    return ConversationHandler.END


async def reask(update: Update, context: CoachContext) -> str:
    """Text where a button was expected, a stale button, a sticker…: ask again, kindly."""
    state = draft_of(context).get("state", NAME)
    if update.callback_query is not None:
        await update.callback_query.answer(context.services.render.alert("earlier_question"))
        return await ask(update, context, state)
    hint = "Please use the buttons below." if _keyboard_only(state) else "I didn't get that."
    return await ask(update, context, state, hint=hint)


def _keyboard_only(state: str) -> bool:
    return state in (REPLACE, PICK, TYPE, DAYS, LONG_DAY, CONFIRM, EDIT)
