"""Runs arriving in the chat: files and /log → matched, confirmed, analysed."""

import gzip
from datetime import UTC, datetime, timedelta

import pytest

from bot.context import CoachApplication
from core.clock import FrozenClock
from core.models import TrainingDayPlanned, TrainingPlan
from tests.activity_files import fit_file, gpx_file, gpx_named, tcx_activities, tcx_file
from tests.bot.conftest import onboard, set_race
from tests.bot.test_conversations import datas, texts
from tests.fake_telegram import FakeTelegram, FakeUser
from tests.units import stored


async def runner_with_plan(telegram: FakeTelegram, bot: CoachApplication, user_id: int):
    user = telegram.user(user_id)
    await onboard(user, zone="UTC")
    await set_race(user)
    await user.press("rc:ok")
    athlete = await stored(bot).athlete_by_telegram(user_id)
    plan = await stored(bot).active_plan(athlete.id)
    return user, athlete, plan


def next_run(plan: TrainingPlan, after: int = 0) -> TrainingDayPlanned:
    return [d for d in plan.days() if d.planned.type.is_run][after]


def morning(day: TrainingDayPlanned) -> datetime:
    return datetime(day.date.year, day.date.month, day.date.day, 6, 30, tzinfo=UTC)


def evening(clock: FrozenClock, day: TrainingDayPlanned) -> None:
    """Runs arrive after they happened: the clock moves to that day's evening."""
    clock.set(morning(day) + timedelta(hours=14))


async def test_gpx_on_the_planned_day_links_itself(telegram, bot, clock) -> None:
    user, athlete, plan = await runner_with_plan(telegram, bot, 11)
    day = next_run(plan)
    evening(clock, day)
    pace = day.planned.pace_s_per_km * day.planned.distance_m / 1000
    calls = await user.send_file(
        "morning.gpx", gpx_file(morning(day), day.planned.distance_m, pace)
    )
    body = texts(calls)
    assert "Completed" in body and "Quality score" in body and "Adaptive 5k" in body
    assert any(d.startswith("ac:u:") for d in datas(calls))
    executed = await stored(bot).executed_days(athlete.id, plan.id)
    assert [(e.week_index, e.day_index) for e in executed] == [(day.week_index, day.day_index)]
    again = await user.send_file(
        "morning.gpx", gpx_file(morning(day), day.planned.distance_m, pace)
    )
    assert "already have this run" in texts(again)

    undo = await user.press(next(d for d in datas(calls) if d.startswith("ac:u:")))
    assert "no longer linked" in texts(undo)
    assert await stored(bot).executed_days(athlete.id, plan.id) == []
    assert "Already handled" in texts(
        await user.press(next(d for d in datas(calls) if d.startswith("ac:u:")))
    )


async def test_tcx_off_target_asks_and_the_runner_confirms(telegram, bot, clock) -> None:
    user, athlete, plan = await runner_with_plan(telegram, bot, 12)
    day = next_run(plan, 1)
    evening(clock, day)
    tcx = tcx_file(morning(day) - timedelta(days=1), day.planned.distance_m * 1.4, 3600)
    calls = await user.send_file("run.tcx", tcx)
    assert "Is this activity for your plan?" in texts(calls)
    choices = datas(calls)
    assert any(d.startswith("ac:l:") for d in choices) and any(
        d.startswith("ac:o:") for d in choices
    )
    assert any(d.startswith("ac:x:") for d in choices)
    links = [d for d in choices if d.startswith("ac:l:")]
    linked = await user.press(links[0])
    assert any(c.method == "editMessageText" and "Quality score" in c.text for c in linked)
    assert len(await stored(bot).executed_days(athlete.id, plan.id)) == 1
    pressed_again = await user.press(links[0])
    assert "Already handled" not in texts(pressed_again)  # a double tap: the same run, linked once
    assert len(await stored(bot).executed_days(athlete.id, plan.id)) == 1
    for other_day in links[1:]:  # the same run to a second day: refused
        assert "Already handled" in texts(await user.press(other_day))
    assert len(await stored(bot).executed_days(athlete.id, plan.id)) == 1


async def test_extra_run_and_another_day(telegram, bot, clock) -> None:
    user, athlete, plan = await runner_with_plan(telegram, bot, 13)
    day = next_run(plan, 2)
    evening(clock, day)
    calls = await user.send_file(
        "x.fit.gz", gzip.compress(fit_file(morning(day) + timedelta(hours=5), 3000, 1100))
    )
    choices = datas(calls)
    other = await user.press(next(d for d in choices if d.startswith("ac:o:")))
    assert any(c.method == "editMessageText" and "Which planned day" in c.text for c in other)
    extra = await user.press(next(d for d in choices if d.startswith("ac:x:")))
    assert "extra run" in texts(extra)
    assert await stored(bot).executed_days(athlete.id, plan.id) == []
    assert len(await stored(bot).unlinked_activities(athlete.id)) == 1


async def test_non_running_fit_is_stored_not_matched(telegram, bot, clock) -> None:
    user, athlete, plan = await runner_with_plan(telegram, bot, 14)
    evening(clock, next_run(plan))
    ride = fit_file(morning(next_run(plan)), 30000, 3600, sport="cycling")
    assert "only match runs" in texts(await user.send_file("ride.fit", ride))
    assert await stored(bot).executed_days(athlete.id, plan.id) == []


@pytest.mark.parametrize(
    ("name", "content", "size", "says"),
    [
        ("notes.pdf", b"%PDF", None, "I can read .fit, .gpx and .tcx"),
        ("huge.fit", b"x", 90 * 1024 * 1024, "over 20 MB"),
        ("broken.fit", b"\x0e\x10not a fit file at all", None, "damaged"),
        ("empty.gpx", b"", None, "empty"),
    ],
)
async def test_bad_files_get_clear_replies(telegram, bot, name, content, size, says) -> None:
    user = telegram.user(15)
    await onboard(user)
    assert says in texts(await user.send_file(name, content, size=size))


async def test_manual_log(telegram, bot, clock) -> None:
    user, athlete, plan = await runner_with_plan(telegram, bot, 16)
    assert "Log a run like this" in texts(await user.send("/log"))
    assert "⚠️" in texts(await user.send("/log far 42:10"))
    assert "hasn't happened yet" in texts(await user.send("/log 5mi 45:00 tomorrow"))
    today = plan.day_on(clock.now().date())
    miles = today.planned.distance_m / 1609.344
    minutes = today.planned.pace_s_per_km * today.planned.distance_m / 1000 / 60
    logged = await user.send(
        f"/log {miles:.2f}mi {int(minutes)}:{int(minutes % 1 * 60):02d} today easy"
    )
    assert "Completed" in texts(logged)
    assert len(await stored(bot).executed_days(athlete.id, plan.id)) == 1


async def test_forged_callbacks_change_nothing(telegram, bot, clock) -> None:
    owner, owner_athlete, plan = await runner_with_plan(telegram, bot, 17)
    day = next_run(plan, 1)
    evening(clock, day)
    calls = await owner.send_file(
        "run.gpx", gpx_file(morning(day) - timedelta(days=1), day.planned.distance_m * 1.4, 3600)
    )
    link = next(d for d in datas(calls) if d.startswith("ac:l:"))
    stranger: FakeUser = telegram.user(18)
    await onboard(stranger)
    for forged in (
        link,
        link.replace("ac:l:", "ac:u:").rsplit(":", 1)[0],
        "ac:x:" + link.split(":")[2],
        "ac:l:999999:1",
        "pl:0",
        "dl:yes",
    ):
        answer = await stranger.press(forged)
        assert any(
            c.method == "answerCallbackQuery" and c.params.get("show_alert") for c in answer
        ) or (forged == "dl:yes")
    assert await stored(bot).executed_days(owner_athlete.id, plan.id) == []
    assert await stored(bot).active_plan(owner_athlete.id) is not None
    assert await stored(bot).athlete_by_telegram(18) is not None  # no /delete was asked
    assert "✅" not in "".join(c.text for c in telegram.calls_to(17) if c.seq > calls[-1].seq)


async def test_a_second_run_that_day_is_offered_as_that_days_double_first(
    telegram, bot, clock
) -> None:
    """Issue 26: the second run of a day was hidden under "📅 Another day" while tomorrow's run
    was offered first."""
    user, athlete, plan = await runner_with_plan(telegram, bot, 19)
    day = next_run(plan)
    evening(clock, day)
    pace = day.planned.pace_s_per_km * day.planned.distance_m / 1000
    await user.send_file("am.gpx", gpx_file(morning(day), day.planned.distance_m, pace))
    later = morning(day) + timedelta(hours=9)
    asked = await user.send_file("pm.gpx", gpx_file(later, 4000, 4 * 360))
    links = [d for d in datas(asked) if d.startswith(("ac:l:", "ac:l2:"))]
    assert links and links[0] == f"ac:l2:{links[0].split(':')[2]}:{day.id}", datas(asked)
    assert "(2nd run)" in str(asked[-1].buttons)
    await user.press(links[0])
    executed = await stored(bot).executed_days(athlete.id, plan.id)
    assert [(e.week_index, e.day_index) for e in executed] == [(day.week_index, day.day_index)] * 2


async def test_a_ride_is_saved_as_a_ride_and_counts_nowhere(telegram, bot, clock) -> None:
    """Issue 27: a GPX by "Urban Biker" was a run of 21.2 km at 2:53/km; a 24.8 km/h "run"
    with no sport in its file was one too."""
    user, athlete, plan = await runner_with_plan(telegram, bot, 21)
    day = next_run(plan)
    evening(clock, day)
    ride = gpx_named(morning(day), 21200, 21.2 * 173, creator="Urban Biker")
    said = texts(await user.send_file("ride.gpx", ride))
    assert "Saved your ride" in said and "counts nowhere in your running" in said, said
    fast = gpx_named(morning(day) + timedelta(hours=3), 40800, 98 * 60 + 36, name="Sunday")
    said = texts(await user.send_file("fast.gpx", fast))
    assert "faster than the world record" in said, said
    assert await stored(bot).executed_days(athlete.id, plan.id) == []  # linked to no day
    status = texts(await user.send("/status"))
    assert "This week: 0 mi" in status, status


async def test_a_file_of_three_days_is_three_runs_each_answered(telegram, bot, clock) -> None:
    """Issue 27: a TCX with three runs on three days was refused as one run of 48 hours+."""
    user, athlete, plan = await runner_with_plan(telegram, bot, 22)
    first = next_run(plan)
    clock.set(morning(first) + timedelta(days=3))
    days = [("Running", morning(first) + timedelta(days=i), 5000, 1800, True) for i in range(3)]
    replies = await user.send_file("week.tcx", tcx_activities(days, multisport=False))
    said = texts(replies)
    assert all(f"Activity {n} of 3" in said for n in (1, 2, 3)), said
    export = await stored(bot).export_athlete(athlete.id)
    assert len(export["activities"]) == 3


async def test_an_old_day_button_never_quietly_doubles_a_day_that_got_its_run(
    telegram, bot, clock
) -> None:
    """Issue 26: a day button from a question asked while the day was open, pressed after the
    day got its run, quietly made it a double ("3.5 km → 3 km"). Now it asks first."""
    user, athlete, plan = await runner_with_plan(telegram, bot, 20)
    day = next_run(plan)
    evening(clock, day)
    # a short run the day before: asked about, with this day among the choices
    before = morning(day) - timedelta(days=1)
    asked = await user.send_file("short.gpx", gpx_file(before, 2000, 2 * 400))
    stale = next((d for d in datas(asked) if d.endswith(f":{day.id}")), None)
    if stale is None:  # the day is under "Another day"
        other = next(d for d in datas(asked) if d.startswith("ac:o:"))
        stale = next(d for d in datas(await user.press(other)) if d.endswith(f":{day.id}"))
    assert stale.startswith("ac:l:")
    pace = day.planned.pace_s_per_km * day.planned.distance_m / 1000
    await user.send_file("day.gpx", gpx_file(morning(day), day.planned.distance_m, pace))
    offered = await user.press(stale)
    assert "has its run already" in texts(offered), texts(offered)
    assert len(await stored(bot).executed_days(athlete.id, plan.id)) == 1  # the day's one run
    yes = next(d for d in datas(offered) if d.startswith("ac:l2:"))
    await user.press(yes)
    executed = await stored(bot).executed_days(athlete.id, plan.id)
    assert sorted(e.date for e in executed) == [day.date, day.date]
