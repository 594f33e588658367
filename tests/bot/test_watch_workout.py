"""⌚ Today's workout as a FIT file, end to end; forged days get a friendly no."""

from datetime import UTC, datetime, time

import pytest

from bot.context import CoachApplication
from core.clock import FrozenClock
from sources.workout_file import read_workout
from tests.bot.conftest import onboard, set_race
from tests.bot.test_conversations import datas, texts
from tests.bot.test_pushes import runner, travel
from tests.fake_telegram import FakeTelegram
from tests.units import stored


async def test_today_sends_the_workout_to_the_watch(
    telegram: FakeTelegram, bot: CoachApplication
) -> None:
    user = telegram.user(8101)
    await onboard(user)
    await set_race(user)
    await user.press("rc:ok")
    today = await user.send("/today")
    assert "•" in texts(today)  # the steps, rendered
    assert datas(today) == ["wk:fit:2026-12-01"]

    sent = await user.press("wk:fit:2026-12-01")
    document = next(c for c in sent if c.method == "sendDocument")
    assert document.params["document"]["filename"] == "gofast-2026-12-01.fit"
    name, steps = read_workout(document.params["document"]["content"])
    athlete = await stored(bot).athlete_by_telegram(8101)
    assert athlete is not None and athlete.id is not None
    [day] = await stored(bot).planned_days(athlete.id, *(2 * [bot.services.today(athlete)]))
    assert name.startswith(day.planned.type.label)
    assert sum(s.distance_m or 0 for s in steps) == pytest.approx(day.planned.distance_m, abs=0.1)


@pytest.mark.parametrize(
    ("data", "answer"),
    [
        ("wk:fit:2026-12-02", "No run planned that day"),  # a rest day
        ("wk:fit:2031-01-01", "No run planned that day"),  # not in the plan
        ("wk:fit:drop table", "isn't in your plan"),
    ],
)
async def test_forged_watch_buttons_get_a_friendly_no(
    telegram: FakeTelegram, bot: CoachApplication, data: str, answer: str
) -> None:
    user = telegram.user(8102)
    await onboard(user)
    await set_race(user)
    await user.press("rc:ok")
    calls = await user.press(data)
    assert not any(c.method == "sendDocument" for c in calls)
    assert answer in texts(calls)


async def test_the_morning_push_carries_the_steps_and_the_watch_button(
    telegram: FakeTelegram, bot: CoachApplication, clock: FrozenClock
) -> None:
    athlete = await runner(bot, 8103, "UTC")
    assert athlete.id is not None
    plan = await stored(bot).active_plan(athlete.id)
    assert plan is not None
    run_day = next(d for d in plan.days() if d.planned.steps and d.date >= plan.start_date)
    clock.set(datetime.combine(run_day.date, time(6, 50), UTC))
    await travel(bot, clock, telegram, datetime.combine(run_day.date, time(7, 10), UTC))
    push = next(c for c in telegram.calls if c.chat_id == 8103 and "☀️" in c.text)
    assert "• " in push.text and " km" in push.text
    watch = f"wk:fit:{run_day.date.isoformat()}"
    assert watch in [data for _, data in push.buttons]
    sent = await telegram.user(8103).press(watch, push.params.get("message_id"))
    document = next(c for c in sent if c.method == "sendDocument")
    _, steps = read_workout(document.params["document"]["content"])
    assert steps[0].distance_m is not None
