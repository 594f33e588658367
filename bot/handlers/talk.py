"""Plain sentences outside any question (issue 28): read by :mod:`core.understanding` and
answered like the matching command. A question, a run being logged or a setting acts at once;
what would change the plan or delete data is said back first, with Yes / No, and only Yes
calls the use case the chat's own buttons call. What isn't understood falls through to the
friendly "not sure" reply. Inside a conversation its own parser goes first (this handler is
only reached when no conversation wanted the message)."""

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.common import (
    as_runner,
    athlete_of,
    button_ids,
    drop_buttons,
    edit,
    edit_text,
    say,
    text_of,
)
from bot.context import CoachContext
from bot.handlers import coaching as coaching_handlers
from bot.handlers import views
from bot.handlers.activities import log_words
from bot.handlers.start import help_command, unknown
from bot.keyboards import button, rows
from bot.messages import run_text
from bot.timezones import zone_named
from core.errors import InvalidInput, NotFound
from core.fitness import check_vdot_range, vdot
from core.models import Athlete
from core.parsing import format_duration
from core.ports import UnitOfWork
from core.revision import PlanEdit
from core.services import coaching, days, real_life
from core.services import talk as asked
from core.understanding import Understood, understand
from core.units import Units

Answer = Callable[[Update, CoachContext], Awaitable[None]]
ANSWERS: dict[str, Answer] = {
    "status": views.status,
    "show_week": views.week,
    "show_plan": views.whole_plan,
    "predict": views.predictions,
    "progress": coaching_handlers.progress,
    "help": help_command,
    "resume": coaching_handlers.resume,
}
Slots = dict[str, Any]
PENDING = "pending_talk"  # user_data: the change said back, waiting for Yes or No
READINGS = "talk_readings"  # user_data: the two readings asked back, in button order
ASKED = "talk_asked"  # user_data: how many questions were asked; each one's buttons carry it


async def talk(update: Update, context: CoachContext) -> None:
    """Answer the sentence when it is understood; otherwise let the last resort reply. Two
    readings as likely as each other are asked back, both as buttons."""
    found = await _understood(update, context)
    if found is None:
        await unknown(update, context)  # the friendly "not sure what you mean"
    elif found.alternative is not None:
        await _ask_back(update, context, [found, found.alternative])
    else:
        await answer(update, context, found)


def _question(context: CoachContext) -> int:
    """A new question's number: only the buttons of the latest one act (an older one's Yes
    must never confirm a change asked since)."""
    number = int(context.user_data.get(ASKED, 0)) + 1
    context.user_data[ASKED] = number
    context.user_data.pop(PENDING, None)
    context.user_data.pop(READINGS, None)
    return number


def _current(context: CoachContext, key: str, number: int) -> Any:
    """What the latest question keeps under ``key``, if ``number`` is that question's."""
    kept = context.user_data.get(key)
    return kept if isinstance(kept, dict) and kept.get("question") == number else None


async def _ask_back(update: Update, context: CoachContext, readings: list[Understood]) -> None:
    number = _question(context)
    context.user_data[READINGS] = {
        "question": number,
        "readings": [{"intent": r.intent, "slots": r.slots} for r in readings],
    }
    render = context.services.render
    choices = [
        button(
            render("start/talk_reading", intent=r.intent, on=_date(r.slots)), f"tk:r:{n}:{number}"
        )
        for n, r in enumerate(readings)
    ]
    neither = button("✖️ Neither", f"tk:n:{number}")
    await say(update, context, "start/talk_which", rows([*choices, neither], 1))


async def reading_chosen(update: Update, context: CoachContext) -> None:
    """The reading the runner meant, answered as if it was all they said (a change is still
    said back with Yes / No); an old question's button does nothing."""
    index, number = button_ids(update)
    kept = _current(context, READINGS, number)
    await drop_buttons(update)
    if kept is None:
        await say(update, context, "start/talk_done", outcome="gone")
        return
    context.user_data.pop(READINGS, None)
    chosen = kept["readings"][index]
    await answer(update, context, Understood(chosen["intent"], chosen["slots"]))


async def answer(update: Update, context: CoachContext, found: Understood) -> None:
    """What the matching command would answer (a change: said back first)."""
    intent, slots = found.intent, found.slots
    if intent == "log_run":
        await log_words(update, context, _log_words(found))
    elif intent == "show_day":
        await views.day(
            update, context, slots.get("date") or await _next_day(update, context, slots)
        )
    elif intent in ANSWERS:
        await ANSWERS[intent](update, context)
    elif intent in ("greeting", "thanks"):
        await say(update, context, "start/small_talk", intent=intent)
    elif intent in ASK:
        await ASK[intent](update, context, slots)
    elif intent in SETTINGS:
        await SETTINGS[intent](update, context, slots)


# ---- asked first: what the change would touch, then Yes / No ---------------------------------


def _pending(context: CoachContext, intent: str, slots: Slots) -> InlineKeyboardMarkup:
    """Remember the change (only the latest one said back can be confirmed): its Yes / No."""
    number = _question(context)
    context.user_data[PENDING] = {"question": number, "intent": intent, "slots": slots}
    return rows([button("✅ Yes", f"tk:y:{number}"), button("✖️ No", f"tk:n:{number}")], 2)


async def _ask(
    update: Update, context: CoachContext, intent: str, slots: Slots, **shown: Any
) -> None:
    athlete = await athlete_of(update, context)
    yes_no = _pending(context, intent, slots)
    await say(
        update,
        context,
        "start/talk_confirm",
        yes_no,
        intent=intent,
        s=slots,
        units=athlete.units,
        **shown,
    )


async def _ask_as_is(update: Update, context: CoachContext, slots: Slots, intent: str) -> None:
    await _ask(update, context, intent, slots)


async def ask_skip(update: Update, context: CoachContext, slots: Slots) -> None:
    on = date.fromisoformat(slots["date"])
    found = await as_runner(
        update, context, lambda uow, athlete, today: asked.day_to_skip(uow, athlete.stored_id, on)
    )
    await _ask(update, context, "skip_day", {"dayId": found.result.id}, day=found.result)


async def ask_move(update: Update, context: CoachContext, slots: Slots) -> None:
    """Said back when the day asked for can take the workout; otherwise the days that can, as
    the missed-workout buttons (a press there is the runner's choice, so it moves at once)."""
    leaves, to = date.fromisoformat(slots["fromDate"]), slots.get("toDate")

    async def find(uow: UnitOfWork, athlete: Athlete, today: date) -> asked.MoveAsked:
        wanted = date.fromisoformat(to) if to else None
        return await asked.move_asked(uow, athlete.stored_id, leaves, wanted, today)

    move = (await as_runner(update, context, find)).result
    if move.target is not None:
        ids = {"dayId": move.day.id, "targetId": move.target.id}
        await _ask(update, context, "move_workout", ids, day=move.day, target=move.target)
        return
    choices = [
        button(f"📅 Move to {d.date:%a} {d.date.day}", f"nd:m:{move.day.id}:{d.id}")
        for d in move.options[:3]
    ]
    markup = rows([*choices, button("✖️ Keep it", f"tk:n:{_question(context)}")], 1)
    athlete = await athlete_of(update, context)
    await say(
        update,
        context,
        "start/talk_move",
        markup,
        move=move,
        wanted=date.fromisoformat(to) if to else None,
        units=athlete.units,
    )


async def ask_edit(update: Update, context: CoachContext, slots: Slots, intent: str) -> None:
    """A new race date or goal: the plan as it would be (as /race → Change shows it)."""
    if not slots:
        await say(update, context, "start/talk_missing", intent=intent)
        return
    athlete = await athlete_of(update, context)
    services = context.services
    edit_ = _plan_edit(slots)
    preview = await services.units.read(
        lambda uow: real_life.preview_edit(uow, athlete.stored_id, edit_, services.today(athlete))
    )
    yes_no = _pending(context, intent, slots)
    await coaching_handlers.say_change(
        update, context, athlete, preview, "race/modify_preview", yes_no
    )


async def ask_result(update: Update, context: CoachContext, slots: Slots) -> None:
    if "durationSec" not in slots:
        await say(update, context, "start/talk_missing", intent="race_result")
        return
    athlete = await athlete_of(update, context)
    plan = await context.services.units.read(
        lambda uow: real_life.finished_plan(uow, athlete.stored_id, context.services.today(athlete))
    )
    check_vdot_range(vdot(plan.race.distance_m, slots["durationSec"]))
    await _ask(update, context, "race_result", slots, race=plan.race)


async def ask_delete(update: Update, context: CoachContext, slots: Slots) -> None:
    found = await as_runner(
        update, context, lambda uow, athlete, today: asked.last_run(uow, athlete.stored_id)
    )
    run = found.result
    yes_no = _pending(context, "delete_last_run", {"activityId": run.id})
    chat = update.effective_chat
    assert chat is not None
    shown = run_text(context.services, found.athlete, run, "delete?")
    await context.bot.send_message(chat.id, shown, reply_markup=yes_no)


ASK: dict[str, Callable[[Update, CoachContext, Slots], Awaitable[None]]] = {
    "skip_day": ask_skip,
    "move_workout": ask_move,
    "pause": lambda u, c, s: _ask_as_is(u, c, s, "pause"),
    "set_units": lambda u, c, s: _ask_as_is(u, c, s, "set_units"),
    "change_race_date": lambda u, c, s: ask_edit(u, c, s, "change_race_date"),
    "change_goal": lambda u, c, s: ask_edit(u, c, s, "change_goal"),
    "race_result": ask_result,
    "delete_last_run": ask_delete,
}


async def _next_day(update: Update, context: CoachContext, slots: Slots) -> str:
    long = slots.get("next") == "long"
    found = await as_runner(
        update,
        context,
        lambda uow, athlete, today: asked.next_run_day(uow, athlete.stored_id, today, long),
    )
    return found.result.isoformat()


def _date(slots: Slots) -> date | None:
    return date.fromisoformat(slots["date"]) if "date" in slots else None


def _plan_edit(slots: Slots) -> PlanEdit:
    if "date" in slots:
        return PlanEdit(race_date=date.fromisoformat(slots["date"]))
    return PlanEdit(goal_time_s=slots["goalSec"])


# ---- Yes: the same use cases as the chat's buttons and commands -------------------------------


async def confirmed(update: Update, context: CoachContext) -> None:
    """Yes or No to the change a sentence asked for; an old question's Yes does nothing."""
    query = update.callback_query
    assert query is not None and query.data is not None
    (number,) = button_ids(update)
    pending = _current(context, PENDING, number)
    if pending is not None or _current(context, READINGS, number) is not None:
        context.user_data.pop(PENDING, None)  # this question is answered, whatever the answer
        context.user_data.pop(READINGS, None)
    if not query.data.startswith("tk:y"):
        await drop_buttons(update)
        await say(update, context, "start/talk_done", outcome="no")
        return
    if pending is None:
        await drop_buttons(update)
        await say(update, context, "start/talk_done", outcome="gone")
        return
    await DO[pending["intent"]](update, context, pending["slots"])


async def do_skip(update: Update, context: CoachContext, slots: Slots) -> None:
    athlete = await athlete_of(update, context)
    await context.services.units.write(
        lambda uow: days.skip_day(uow, athlete.stored_id, slots["dayId"])
    )
    await edit(update, context, "plan/day_answer", step="skipped")


async def do_move(update: Update, context: CoachContext, slots: Slots) -> None:
    athlete = await athlete_of(update, context)
    today = context.services.today(athlete)
    target = await context.services.units.write(
        lambda uow: days.move_day(uow, athlete.stored_id, slots["dayId"], slots["targetId"], today)
    )
    await edit(update, context, "plan/day_answer", step="moved", target=target)


async def do_edit(update: Update, context: CoachContext, slots: Slots) -> None:
    athlete = await athlete_of(update, context)
    services = context.services
    edit_ = _plan_edit(slots)
    await drop_buttons(update)
    change = await services.units.write(
        lambda uow: real_life.apply_edit(uow, athlete.stored_id, edit_, services.today(athlete))
    )
    await coaching_handlers.say_change(update, context, athlete, change)


async def do_result(update: Update, context: CoachContext, slots: Slots) -> None:
    athlete = await athlete_of(update, context)
    await drop_buttons(update)
    await coaching_handlers.record_result(update, context, athlete, slots["durationSec"], None)


async def do_delete(update: Update, context: CoachContext, slots: Slots) -> None:
    athlete = await athlete_of(update, context)
    try:
        gone = await context.services.units.write(
            lambda uow: coaching.delete_run(uow, athlete.stored_id, slots["activityId"])
        )
    except NotFound:
        await drop_buttons(update)
        await say(update, context, "start/talk_done", outcome="gone")
        return
    await edit_text(update, context, run_text(context.services, athlete, gone, "deleted"))


async def do_pause(update: Update, context: CoachContext, slots: Slots) -> None:
    await drop_buttons(update)
    await coaching_handlers.pause_for(update, context, slots.get("days"), slots.get("reason"))


async def do_units(update: Update, context: CoachContext, slots: Slots) -> None:
    await drop_buttons(update)
    await switch_units(update, context, Units(slots.get("units") or "km"))


DO: dict[str, Callable[[Update, CoachContext, Slots], Awaitable[None]]] = {
    "skip_day": do_skip,
    "move_workout": do_move,
    "change_race_date": do_edit,
    "change_goal": do_edit,
    "race_result": do_result,
    "delete_last_run": do_delete,
    "pause": do_pause,
    "set_units": do_units,
}


async def switch_units(update: Update, context: CoachContext, units: Units) -> None:
    athlete = await athlete_of(update, context)
    today = context.services.today(athlete)
    updated, change = await context.services.units.write(
        lambda uow: real_life.switch_units(uow, athlete, units, today)
    )
    await coaching_handlers.say_change(
        update, context, updated, change, "start/talk_done", outcome="units"
    )


# ---- settings: made at once, as a tap in /settings would ---------------------------------------


async def set_push_time(update: Update, context: CoachContext, slots: Slots) -> None:
    if "pushTime" not in slots:
        await say(update, context, "start/talk_missing", intent="set_push_time")
        return
    athlete = await athlete_of(update, context)
    await context.services.units.write(
        lambda uow: uow.athletes.update_athlete(athlete.stored_id, push_time=slots["pushTime"])
    )
    await say(update, context, "start/talk_done", outcome="push_time", at=slots["pushTime"])


async def set_time_zone(update: Update, context: CoachContext, slots: Slots) -> None:
    try:
        zone = await zone_named(slots.get("timeZone", ""))
    except InvalidInput:  # "I'm in pain" names no place: not a time zone after all
        await unknown(update, context)
        return
    athlete = await athlete_of(update, context)
    await context.services.units.write(
        lambda uow: uow.athletes.update_athlete(athlete.stored_id, time_zone=zone)
    )
    await say(update, context, "start/talk_done", outcome="zone", zone=zone)


SETTINGS: dict[str, Callable[[Update, CoachContext, Slots], Awaitable[None]]] = {
    "set_push_time": set_push_time,
    "set_time_zone": set_time_zone,
}


async def _understood(update: Update, context: CoachContext) -> Understood | None:
    text = text_of(update)
    if not text:
        return None

    async def read(uow: UnitOfWork, athlete: Athlete, today: date) -> Understood:
        return understand(text, today, athlete.units)

    try:
        found = await as_runner(update, context, read)
    except (InvalidInput, NotFound):  # too long, or someone who never started
        return None
    return None if found.result.intent == "unknown" else found.result


def _log_words(found: Understood) -> list[str]:
    """The sentence's run as /log's words: the same use case, the same reply and Undo."""
    slots = found.slots
    words = [f"{slots['distanceM'] / 1000:g}km", format_duration(slots["durationSec"])]
    words.append(str(slots["date"]))
    note = str(slots.get("note") or "")
    if slots.get("race") and "race" not in note and "time trial" not in note:
        note = f"{note} race".strip()
    return words + note.split()


def handlers() -> list[BaseHandler[Update, CoachContext, None]]:
    return [
        MessageHandler(filters.TEXT & ~filters.COMMAND, talk),
        CallbackQueryHandler(confirmed, pattern=r"^tk:[yn]:\d+$"),
        CallbackQueryHandler(reading_chosen, pattern=r"^tk:r:[01]:\d+$"),
    ]
