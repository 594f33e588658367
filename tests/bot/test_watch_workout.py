"""⌚ Today's workout as a FIT file, end to end; forged days get a friendly no."""

import pytest

from bot.context import CoachApplication
from sources.workout_file import read_workout
from tests.bot.conftest import onboard, set_race
from tests.bot.test_conversations import datas, texts
from tests.fake_telegram import FakeTelegram


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
    athlete = await bot.services.repo.athlete_by_telegram(8101)
    assert athlete is not None and athlete.id is not None
    [day] = await bot.services.repo.planned_days(athlete.id, *(2 * [bot.services.today(athlete)]))
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
