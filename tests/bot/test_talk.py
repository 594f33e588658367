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
    for change in ("can't run today, move it to friday", "switch to km", "I finished in 3:52:10"):
        said = texts(await user.send(change))
        assert "I read that as a change" in said and "not sure" not in said, said
    assert (await stored(bot).athlete_by_telegram(2801)).units.value == "mi"  # nothing changed
    assert "not sure what you mean" in texts(await user.send("what is the capital of france"))


async def test_small_talk_and_typos(telegram: FakeTelegram, bot: CoachApplication) -> None:
    user, _, _ = await runner_with_plan(telegram, bot, 2802)
    assert "Hi!" in texts(await user.send("hello"))
    assert "Week" in texts(await user.send("shwo me this week"))
