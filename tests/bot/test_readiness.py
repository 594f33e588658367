"""Readiness end to end: a plan that can't safely get the runner there says so and offers
alternatives one tap away; the longest run comes from the runner or from runs on record."""

import pytest

from bot.context import CoachApplication
from core.clock import FrozenClock
from tests.bot.conftest import onboard, set_race
from tests.bot.test_conversations import datas, texts
from tests.fake_telegram import FakeTelegram
from tests.units import stored


async def _race(user, name: str, day: str, five_k: str, weekly: str, longest: str | None) -> list:  # type: ignore[no-untyped-def]
    """A marathon goal, from the race's name on; ``longest`` None: no "longest run?" question."""
    await user.send(name)
    await user.press("rc:type:marathon")
    await user.send(day)
    await user.press("rc:skip")
    await user.press("rc:finish")
    await user.send(five_k)
    asked = texts(await user.send(weekly))
    if longest is None:
        assert "Which days can you run" in asked
    else:
        assert "longest run" in asked
        await user.send(longest)
    await user.press("rc:days:done")
    return await user.press("rc:long:6")


async def _novice_marathon(user) -> list:  # type: ignore[no-untyped-def]
    """A 10-mile-a-week runner with a 4-mile longest run asking for a marathon 12 weeks out."""
    user.quiet = 1.0  # finding the alternatives plans several races: give the summary time
    await user.press("rc:start")
    return await _race(user, "Tiny Base Marathon", "2027-02-21", "30:00", "10", "4")


async def test_an_unready_plan_says_why_and_offers_what_works(
    telegram: FakeTelegram, bot: CoachApplication
) -> None:
    user = telegram.user(7101)
    await onboard(user)
    summary = await _novice_marathon(user)
    body = texts(summary)
    assert "Not ready for race day yet" in body and "asks for at least 14 mi" in body
    offered = [d for d in datas(summary) if d.startswith("rc:alt:")]
    assert offered == ["rc:alt:0", "rc:alt:1"]
    assert "a 10k on the same day" in body  # from a 4-mile longest run, a half is too far

    forged = await user.press("rc:alt:9")
    assert any(c.params.get("text") == "That choice is no longer on offer." for c in forged)

    later = texts(await user.press("rc:alt:0"))
    assert "Not ready" not in later and "Tiny Base Marathon" in later
    saved = await user.press("rc:ok")
    assert "Your plan is saved" in texts(saved)
    plan = await stored(bot).active_plan(1)
    assert plan is not None and plan.readiness is not None and plan.readiness.ready
    assert plan.race.race_date.isoformat() > "2027-02-21"
    assert plan.longest_recent_m is not None and round(plan.longest_recent_m) == 6437


async def test_an_unready_plan_kept_as_it_is_says_so_in_status(
    telegram: FakeTelegram, bot: CoachApplication
) -> None:
    user = telegram.user(7104)
    await onboard(user)
    await _novice_marathon(user)
    assert "Your plan is saved" in texts(await user.press("rc:ok"))
    status = texts(await user.send("/status"))
    assert "Not ready for race day yet" in status and "at least 14 mi" in status, status


async def test_the_shorter_race_is_one_tap_away(
    telegram: FakeTelegram, bot: CoachApplication
) -> None:
    user = telegram.user(7102)
    await onboard(user)
    summary = await _novice_marathon(user)
    shorter = next(
        data for label, data in (b for c in summary for b in c.buttons) if "same day" in label
    )
    half = texts(await user.press(shorter))
    assert "6.2 mi" in half and "Not ready" not in half


async def test_runs_on_record_answer_the_longest_run_question(
    telegram: FakeTelegram, bot: CoachApplication, clock: FrozenClock
) -> None:
    user = telegram.user(7103)
    await onboard(user)
    await set_race(user)
    await user.press("rc:ok")
    await user.send("/log 11mi 1:45:00 today")
    await user.press("rc:start")
    await user.press("rc:replace:yes")
    summary = texts(await _race(user, "Second Marathon", "2027-05-30", "24:00", "25", None))
    assert "Second Marathon" in summary and "Long run up to" in summary
    await user.press("rc:ok")
    plan = await stored(bot).active_plan(1)
    assert plan is not None and plan.longest_recent_m == pytest.approx(11 * 1609.344, rel=0.01)
