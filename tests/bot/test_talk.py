"""Issue 28 end to end: the sentences that got "🤔 I'm not sure what you mean" get the matching
command's answer. A run typed in words is logged like /log; questions are answered; a change to
the plan or a deletion is said back first, and stored data is the same after No as before it,
changed as asked after Yes; an old question's Yes changes nothing."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from bot.context import CoachApplication
from core.adaptation import move_options
from core.clock import FrozenClock
from core.models import TrainingDayPlanned, TrainingPlan, WorkoutType
from core.understanding import understand
from core.units import Units
from tests.bot.test_activities import runner_with_plan
from tests.bot.test_conversations import datas, texts
from tests.bot.test_fuzz import FUZZ, TALLY
from tests.fake_telegram import FakeTelegram, FakeUser
from tests.units import stored


def at_morning(clock: FrozenClock, on: date) -> None:
    clock.set(datetime(on.year, on.month, on.day, 7, 0, tzinfo=UTC))


async def data_of(bot: CoachApplication, athlete_id: int) -> dict[str, Any]:
    return await stored(bot).export_athlete(athlete_id)


async def asked_then_no(
    user: FakeUser, bot: CoachApplication, athlete_id: int, text: str, question: str
) -> None:
    """The change is said back, and No leaves every stored row as it was."""
    before = await data_of(bot, athlete_id)
    said = texts(await user.send(text))
    assert question in said, said
    assert "Nothing changed" in texts(await user.press(user.newest_button("tk:n")))
    assert await data_of(bot, athlete_id) == before


def movable(plan: TrainingPlan) -> tuple[TrainingDayPlanned, TrainingDayPlanned]:
    """A run day that the move rules let go to a later day of its week."""
    for day in plan.days():
        if day.planned.type.is_run and day.week_index > 0:
            week = [d for d in plan.days() if d.week_index == day.week_index]
            later = [d for d in move_options(week, day, set(), day.date) if d.date > day.date]
            if later:
                return day, later[0]
    raise AssertionError("no movable day in the plan")


async def test_the_issues_sentences_get_answers(
    telegram: FakeTelegram, bot: CoachApplication, clock: FrozenClock
) -> None:
    user, athlete, plan = await runner_with_plan(telegram, bot, 2801)
    clock.set(datetime.combine(plan.start_date + timedelta(days=2), datetime.min.time(), UTC))
    clock.set(clock.now() + timedelta(hours=19))
    logged = texts(await user.send("ran 8k in 42 min this morning"))
    assert "not sure what you mean" not in logged and "5 mi" in logged, logged
    assert len((await data_of(bot, athlete.id))["activities"]) == 1
    tomorrow = clock.now().date() + timedelta(days=1)
    said = texts(await user.send("what's my workout tomorrow?"))
    assert f"{tomorrow:%a} {tomorrow.day} {tomorrow:%b}" in said, said
    assert "Are you on track?" in texts(await user.send("am I on track?"))
    asked = await user.send("switch to km")
    assert "Switch to kilometres?" in texts(asked)
    assert (await stored(bot).athlete_by_telegram(2801)).units.value == "mi"  # asked, not done
    assert "not sure what you mean" in texts(await user.send("what is the capital of france"))


async def test_small_talk_and_typos(telegram: FakeTelegram, bot: CoachApplication) -> None:
    user, _, _ = await runner_with_plan(telegram, bot, 2802)
    assert "Hi!" in texts(await user.send("hello"))
    assert "Week" in texts(await user.send("shwo me this week"))


async def test_pause_and_units_wait_for_yes(telegram: FakeTelegram, bot: CoachApplication) -> None:
    """No leaves everything as it was, Yes makes the change, and a Yes pressed again (an old
    question) changes nothing more."""
    user, athlete, _ = await runner_with_plan(telegram, bot, 2803)
    await asked_then_no(
        user, bot, athlete.id, "pause for a week, I'm sick", "Pause your plan for 7 days (sick)?"
    )
    await user.send("pause for a week, I'm sick")
    said = texts(await user.press(user.newest_button("tk:y")))
    paused = await stored(bot).athlete_by_telegram(2803)
    assert paused.notifications.get("paused") and paused.pause_reason == "sick", said
    assert paused.paused_until is not None
    back = texts(await user.send("I'm back, feeling better"))
    assert not (await stored(bot).athlete_by_telegram(2803)).notifications.get("paused"), back
    await user.send("switch to km")
    yes = user.newest_button("tk:y")
    done = texts(await user.press(yes))
    assert "Units: kilometres" in done and "Plan changed" in done, done
    assert (await stored(bot).athlete_by_telegram(2803)).units.value == "km"
    old = await user.press(yes, message_id=None)
    assert "no longer open" in texts(old)
    assert (await stored(bot).athlete_by_telegram(2803)).units.value == "km"


async def test_skip_from_a_sentence(
    telegram: FakeTelegram, bot: CoachApplication, clock: FrozenClock
) -> None:
    user, athlete, plan = await runner_with_plan(telegram, bot, 2804)
    day, _ = movable(plan)
    at_morning(clock, day.date - timedelta(days=1))
    text = "can't run tomorrow, skip it"
    await asked_then_no(user, bot, athlete.id, text, f"Skip {day.date:%a} {day.date.day}")
    await user.send(text)
    assert "Skipped" in texts(await user.press(user.newest_button("tk:y")))
    assert "already skipped" in texts(await user.send(text))  # no second question
    skipped = (await data_of(bot, athlete.id))["plans"][0]["skippedDays"]
    assert day.date.isoformat() in str(skipped)


async def test_move_from_a_sentence(
    telegram: FakeTelegram, bot: CoachApplication, clock: FrozenClock
) -> None:
    """ "can't run today, move it to friday": the workout goes there when the move rules let
    it; a day they don't allow gets the days that can, as buttons."""
    user, athlete, plan = await runner_with_plan(telegram, bot, 2805)
    day, target = movable(plan)
    at_morning(clock, day.date)
    text = f"can't run today, move it to {target.date:%A}"
    await asked_then_no(user, bot, athlete.id, text, f"to {target.date:%a} {target.date.day}")
    await user.send(text)
    said = texts(await user.press(user.newest_button("tk:y")))
    assert f"Moved to {target.date:%a} {target.date.day}" in said, said
    moved = {d.date: d for d in (await stored(bot).active_plan(athlete.id)).days()}
    assert moved[target.date].planned.type is day.planned.type
    assert moved[day.date].planned.type is WorkoutType.REST
    week_later = day.date + timedelta(days=9)
    refused = await user.send(f"move {target.date:%A}'s run to {week_later.isoformat()}")
    assert "can't take" in texts(refused) and "Yes" not in str(refused)


async def test_new_goal_and_race_date_from_a_sentence(
    telegram: FakeTelegram, bot: CoachApplication
) -> None:
    user, athlete, plan = await runner_with_plan(telegram, bot, 2806)
    await asked_then_no(user, bot, athlete.id, "change my goal to 3:59", "If you apply this")
    await user.send("change my goal to 3:59")
    await user.press(user.newest_button("tk:y"))
    assert (await stored(bot).active_plan(athlete.id)).goal_time_s == 3 * 3600 + 59 * 60
    later = plan.race.race_date + timedelta(days=14)
    await asked_then_no(
        user, bot, athlete.id, f"my race moved to {later.isoformat()}", "If you apply this"
    )
    await user.send(f"my race moved to {later.isoformat()}")
    await user.press(user.newest_button("tk:y"))
    assert (await stored(bot).active_plan(athlete.id)).race.race_date == later
    assert "Almost" in texts(await user.send("I want a new goal"))


async def test_race_result_from_a_sentence(
    telegram: FakeTelegram, bot: CoachApplication, clock: FrozenClock
) -> None:
    user, athlete, plan = await runner_with_plan(telegram, bot, 2807)
    refused = texts(await user.send("I finished in 3:52:10"))
    assert "Yes" not in refused and "race day" in refused.lower(), refused
    at_morning(clock, plan.race.race_date)
    clock.set(clock.now() + timedelta(hours=10))
    await asked_then_no(user, bot, athlete.id, "I finished in 3:52:10", "Record 3:52:10")
    await user.send("I finished in 3:52:10")
    said = texts(await user.press(user.newest_button("tk:y")))
    assert "3:52:10" in said, said
    history = await stored(bot).plan_history(athlete.id)
    assert history[0].result is not None and history[0].result.finish_s == 3 * 3600 + 52 * 60 + 10


async def test_delete_the_last_run_from_a_sentence(
    telegram: FakeTelegram, bot: CoachApplication, clock: FrozenClock
) -> None:
    user, athlete, plan = await runner_with_plan(telegram, bot, 2808)
    at_morning(clock, plan.start_date + timedelta(days=3))
    assert "nothing to delete" in texts(await user.send("delete my last run"))
    await user.send("ran 5 miles in 48 min yesterday")
    await asked_then_no(user, bot, athlete.id, "delete my last run", "Delete")
    await user.send("delete my last run")
    yes = user.newest_button("tk:y")
    assert "Deleted" in texts(await user.press(yes))
    assert (await data_of(bot, athlete.id))["activities"] == []
    assert "no longer open" in texts(await user.press(yes, message_id=None))


async def test_settings_from_a_sentence(telegram: FakeTelegram, bot: CoachApplication) -> None:
    user, _, _ = await runner_with_plan(telegram, bot, 2809)
    assert "06:30" in texts(await user.send("send my workout at 6:30"))
    assert (await stored(bot).athlete_by_telegram(2809)).push_time == "06:30"
    assert "Europe/Berlin" in texts(await user.send("I moved to Berlin"))
    assert (await stored(bot).athlete_by_telegram(2809)).time_zone == "Europe/Berlin"
    assert "not sure" in texts(await user.send("i'm in a good mood"))
    assert (await stored(bot).athlete_by_telegram(2809)).time_zone == "Europe/Berlin"


WORDS = ["skip", "move", "pause", "goal", "race", "finished", "delete", "last run", "units",
         "km", "tomorrow", "friday", "3:45", "12 april", "sick", "week", "in", "to", "my",
         "ran", "5k", "42 min", "please", "no", "yes", "the"]  # fmt: skip
random_text = st.one_of(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=7).map(" ".join),
    st.text(min_size=1, max_size=40),
).filter(lambda text: bool(text.strip()) and not text.startswith("/"))


@FUZZ
@given(text=random_text)
@example(text="ran 5k in 42 min, skip friday and delete my last run")
async def test_random_text_never_changes_the_plan_without_a_press(
    telegram: FakeTelegram, bot: CoachApplication, clock: FrozenClock, text: str
) -> None:
    """Whatever is typed, the plan, the race, the settings and the runs stay as they were,
    except a run typed in words, which is logged at once (and only that)."""
    user_id = 2810
    user = telegram.user(user_id)
    athlete = await stored(bot).athlete_by_telegram(user_id)
    if athlete is None:
        _, athlete, _ = await runner_with_plan(telegram, bot, user_id)
    before = await data_of(bot, athlete.id)
    said = texts(await user.send(text))
    after = await data_of(bot, athlete.id)
    TALLY["changed" if after != before else "unchanged"] += 1
    if after != before:  # only a run in words, logged at once with its Undo
        added = [a for a in after["activities"] if a not in before["activities"]]
        assert len(added) == 1 and len(after["activities"]) == len(before["activities"]) + 1
        assert understood(text, clock) == "log_run", (text, said)


def understood(text: str, clock: FrozenClock) -> str:
    return understand(text, clock.now().date(), Units.MI).intent


async def test_two_close_readings_are_asked_back(
    telegram: FakeTelegram, bot: CoachApplication, clock: FrozenClock
) -> None:
    """ "skip tomorrow, I'm travelling": a pause or a skip? Both as buttons; the one pressed is
    then said back like any change, and nothing changes before its Yes."""
    user, athlete, plan = await runner_with_plan(telegram, bot, 2811)
    day, _ = movable(plan)
    at_morning(clock, day.date - timedelta(days=1))
    before = await data_of(bot, athlete.id)
    asked = await user.send("skip tomorrow, I'm travelling")
    assert "two ways" in texts(asked)
    assert {d.rsplit(":", 1)[0] for d in datas(asked)} == {"tk:r:0", "tk:r:1", "tk:n"}
    labels = {data: text for c in asked for text, data in c.buttons}
    skip = next(data for data, text in labels.items() if text.startswith("⏭ Skip"))
    assert labels[skip] == f"⏭ Skip {day.date:%a} {day.date.day} {day.date:%b}"
    said = texts(await user.press(skip))
    assert f"Skip {day.date:%a} {day.date.day}" in said and await data_of(bot, athlete.id) == before
    await user.press(user.newest_button("tk:y"))
    assert day.date.isoformat() in str((await data_of(bot, athlete.id))["plans"][0]["skippedDays"])
    assert "no longer open" in texts(await user.press(skip, message_id=None))


async def test_questions_get_their_commands_answers(
    telegram: FakeTelegram, bot: CoachApplication, clock: FrozenClock
) -> None:
    """Each question in words gets what its command says, word for word."""
    user, _, plan = await runner_with_plan(telegram, bot, 2812)
    at_morning(clock, plan.start_date + timedelta(days=1))
    for sentence, command in [
        ("show me this week", "/week"),
        ("whole plan please", "/plan"),
        ("how am i doing?", "/status"),
        ("predicted marathon time?", "/predict"),
        ("what can you do", "/help"),
        ("today's workout", "/today"),
    ]:
        assert texts(await user.send(sentence)) == texts(await user.send(command)), sentence
    chart = await user.send("weekly report please")
    assert [c.method for c in chart] == [c.method for c in await user.send("/progress")]
    assert "Any time" in texts(await user.send("thanks coach"))
    long_day = next(
        d
        for d in plan.days()
        if d.planned.type is WorkoutType.LONG and d.date >= clock.now().date()
    )
    said = texts(await user.send("when is my next long run?"))
    assert f"{long_day.date:%a} {long_day.date.day} {long_day.date:%b}" in said, said
    assert "not sure what you mean" in texts(await user.send("book a flight to rome"))


async def test_an_older_questions_yes_never_confirms_a_newer_change(
    telegram: FakeTelegram, bot: CoachApplication
) -> None:
    """Two changes asked in a row: Yes under the first answers nothing (it is no longer open,
    and the second is not made by it); the second's own Yes makes the second."""
    user, athlete, _ = await runner_with_plan(telegram, bot, 2813)
    await user.send("switch to km")
    first = user.newest_button("tk:y")
    await user.send("pause for a week, I'm sick")
    second = user.newest_button("tk:y")
    before = await data_of(bot, athlete.id)
    assert "no longer open" in texts(await user.press(first, message_id=None))
    assert await data_of(bot, athlete.id) == before
    await user.press(second)
    paused = await stored(bot).athlete_by_telegram(2813)
    assert paused.paused_until is not None and paused.units.value == "mi"
