"""Issue 28 end to end: the sentences that got "🤔 I'm not sure what you mean" now get the
matching command's answer; a run typed in words is logged like /log; a change is never made
from a sentence."""

from datetime import UTC, datetime, timedelta

from bot.context import CoachApplication
from core.clock import FrozenClock
from tests.bot.test_activities import runner_with_plan
from tests.bot.test_conversations import texts
from tests.fake_telegram import FakeTelegram
from tests.units import stored


async def test_the_issues_sentences_get_answers(
    telegram: FakeTelegram, bot: CoachApplication, clock: FrozenClock
) -> None:
    user, athlete, plan = await runner_with_plan(telegram, bot, 2801)
    clock.set(datetime.combine(plan.start_date + timedelta(days=2), datetime.min.time(), UTC))
    clock.set(clock.now() + timedelta(hours=19))
    logged = texts(await user.send("ran 8k in 42 min this morning"))
    assert "not sure what you mean" not in logged and "5 mi" in logged, logged
    assert len((await stored(bot).export_athlete(athlete.id))["activities"]) == 1
    tomorrow = clock.now().date() + timedelta(days=1)
    said = texts(await user.send("what's my workout tomorrow?"))
    assert f"{tomorrow:%a} {tomorrow.day} {tomorrow:%b}" in said, said
    assert "Are you on track?" in texts(await user.send("am I on track?"))
    for change in ("can't run today, move it to friday", "I finished in 3:52:10"):
        said = texts(await user.send(change))
        assert "I read that as a change" in said and "not sure" not in said, said
    asked = await user.send("switch to km")
    assert "Switch to kilometres?" in texts(asked)
    assert (await stored(bot).athlete_by_telegram(2801)).units.value == "mi"  # asked, not done
    assert "not sure what you mean" in texts(await user.send("what is the capital of france"))


async def test_small_talk_and_typos(telegram: FakeTelegram, bot: CoachApplication) -> None:
    user, _, _ = await runner_with_plan(telegram, bot, 2802)
    assert "Hi!" in texts(await user.send("hello"))
    assert "Week" in texts(await user.send("shwo me this week"))


async def test_a_change_from_a_sentence_waits_for_yes(
    telegram: FakeTelegram, bot: CoachApplication
) -> None:
    """Pause and units, asked first: No leaves everything as it was, Yes makes the change, and
    a Yes pressed again (an old question) changes nothing more."""
    user, _, _ = await runner_with_plan(telegram, bot, 2803)
    asked = await user.send("pause for a week, I'm sick")
    assert "Pause your plan for 7 days (ill)?" in texts(asked)
    assert "Nothing changed" in texts(await user.press("tk:n"))
    assert not (await stored(bot).athlete_by_telegram(2803)).notifications.get("paused")
    await user.send("pause for a week, I'm sick")
    said = texts(await user.press("tk:y"))
    paused = await stored(bot).athlete_by_telegram(2803)
    assert paused.notifications.get("paused") and paused.pause_reason == "ill", said
    assert paused.paused_until is not None
    await user.send("/resume")
    await user.send("switch to km")
    done = texts(await user.press("tk:y"))
    assert "Units: kilometres" in done and "Plan changed" in done, done
    assert (await stored(bot).athlete_by_telegram(2803)).units.value == "km"
    old = await user.press("tk:y", message_id=None)
    assert "no longer open" in texts(old)
    assert (await stored(bot).athlete_by_telegram(2803)).units.value == "km"
