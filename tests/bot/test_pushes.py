"""Scheduled coaching through the real Application and the fake Bot API, with a travelling clock."""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.context import CoachApplication
from core.analysis import analyse
from core.clock import FrozenClock
from core.models import ActivitySource, Athlete, AthleteActivity, RaceType, Units
from core.plan import generate_plan
from tests.core.plans import request
from tests.fake_telegram import FakeTelegram
from tests.units import stored

STEP = timedelta(minutes=5)


async def runner(
    app: CoachApplication,
    user_id: int,
    zone: str,
    push_time: str = "07:00",
    start: date = date(2027, 3, 1),
    **notifications: bool,
) -> Athlete:
    repo = stored(app)
    athlete = await repo.upsert_athlete(Athlete(telegram_user_id=user_id, chat_id=user_id))
    athlete = await repo.update_athlete(
        athlete.id,
        time_zone=zone,
        push_time=push_time,
        onboarded=True,
        units=Units.KM,
        notifications=notifications,
    )
    plan = generate_plan(request(RaceType.HALF, 12, start=start, units=Units.KM))
    await repo.save_plan(athlete.id, plan, datetime(2027, 3, 1, tzinfo=UTC))
    return athlete


async def travel(
    app: CoachApplication, clock: FrozenClock, telegram: FakeTelegram, until: datetime
) -> dict[int, list[tuple[datetime, str, str]]]:
    """Tick every 5 minutes until ``until``; who got what, when (by the frozen clock)."""
    received: dict[int, list[tuple[datetime, str, str]]] = defaultdict(list)
    while clock.now() < until:
        clock.advance(STEP)
        seen = telegram.last_seq
        await app.pushes.tick(app.bot)
        await app.pushes.drain()
        for call in telegram.calls:
            if call.seq > seen and call.chat_id is not None:
                received[call.chat_id].append((clock.now(), call.method, call.text))
    return received


def daily_sends(received: list[tuple[datetime, str, str]]) -> list[datetime]:
    return [
        at
        for at, method, text in received
        if method == "sendMessage" and ("☀️" in text or "😴" in text)
    ]


async def test_daily_push_at_local_time_across_dst(telegram, bot, clock) -> None:
    zones = {1: "Europe/Berlin", 2: "Europe/London", 3: "Asia/Kolkata"}
    days = [date(2027, 3, d) for d in range(27, 31)]
    berlin = ZoneInfo("Europe/Berlin")
    # the premise: Berlin and London put their clocks forward inside the window (28 Mar)
    assert datetime(2027, 3, 27, 12, tzinfo=berlin).utcoffset() == timedelta(hours=1)
    assert datetime(2027, 3, 29, 12, tzinfo=berlin).utcoffset() == timedelta(hours=2)
    for user_id, zone in zones.items():
        await runner(bot, user_id, zone)
    clock.set(datetime(2027, 3, 26, 12, 0, tzinfo=UTC))
    received = await travel(bot, clock, telegram, datetime(2027, 3, 30, 12, 0, tzinfo=UTC))
    for user_id, zone in zones.items():
        sent = daily_sends(received[user_id])
        local = [at.astimezone(ZoneInfo(zone)) for at in sent]
        assert [t.date() for t in local] == days, zone  # once a day, every day, none twice
        for moment in local:  # at the first tick at or after 07:00 local, never before
            seven = moment.replace(hour=7, minute=0, second=0, microsecond=0)
            assert timedelta(0) <= moment - seven < STEP, (zone, moment)
    utc_hours = {zone: [at.hour for at in daily_sends(received[u])] for u, zone in zones.items()}
    assert utc_hours["Europe/Berlin"] == [6, 5, 5, 5]  # 07:00 CET, then 07:00 CEST
    assert utc_hours["Europe/London"] == [7, 6, 6, 6]  # 07:00 GMT, then 07:00 BST
    assert utc_hours["Asia/Kolkata"] == [1, 1, 1, 1]  # no DST: 07:00 IST = 01:30 UTC


async def test_at_most_once_and_grace_window_after_a_restart(telegram, bot, clock) -> None:
    await runner(bot, 10, "UTC", "07:00")
    clock.set(datetime(2027, 3, 10, 7, 10, tzinfo=UTC))  # 10 min late: still fresh
    bot.pushes._last_tick = None  # as after a restart
    await bot.pushes.tick(bot.bot)
    await bot.pushes.drain()
    assert len([c for c in telegram.calls_to(10) if "☀️" in c.text or "😴" in c.text]) == 1
    bot.pushes._last_tick = None
    await bot.pushes.tick(bot.bot)  # the same slot again: claimed, never sent twice
    await bot.pushes.drain()
    assert len([c for c in telegram.calls_to(10) if "☀️" in c.text or "😴" in c.text]) == 1
    clock.set(datetime(2027, 3, 11, 7, 45, tzinfo=UTC))  # 45 min late: stale, skipped
    bot.pushes._last_tick = None
    await bot.pushes.tick(bot.bot)
    await bot.pushes.drain()
    assert len([c for c in telegram.calls_to(10) if "☀️" in c.text or "😴" in c.text]) == 1


async def test_blocked_runner_is_not_retried_forever(telegram, bot, clock) -> None:
    await runner(bot, 20, "UTC", "07:00")
    telegram.forbidden_chats.add(20)
    clock.set(datetime(2027, 3, 10, 6, 50, tzinfo=UTC))
    await travel(bot, clock, telegram, datetime(2027, 3, 12, 8, 0, tzinfo=UTC))
    assert telegram.forbidden_hits == 1
    assert not (await stored(bot).athlete_by_telegram(20)).active


async def test_weekly_progress_carries_a_chart(telegram, bot, clock) -> None:
    await runner(bot, 30, "UTC", "07:00")
    clock.set(datetime(2027, 3, 14, 18, 50, tzinfo=UTC))  # a Sunday
    received = await travel(bot, clock, telegram, datetime(2027, 3, 14, 19, 10, tzinfo=UTC))
    photos = [call for call in telegram.calls_to(30) if call.method == "sendPhoto"]
    assert len(photos) == 1 and [m for _, m, _ in received[30]].count("sendPhoto") == 1
    assert "Week" in photos[0].text and "Adaptive 5k" in photos[0].text
    assert photos[0].params["photo"]["content"].startswith(b"\x89PNG")
    athlete = await stored(bot).athlete_by_telegram(30)
    plan = await stored(bot).active_plan(athlete.id)
    assert len(await stored(bot).snapshots(athlete.id, plan.id)) == 1


async def test_notification_settings_and_pause(telegram, bot, clock) -> None:
    await runner(bot, 40, "UTC", "07:00", daily=False)
    quiet = await runner(bot, 41, "UTC", "07:00")
    user = telegram.user(41)
    assert "Paused" in "".join(c.text for c in await user.send("/pause"))
    clock.set(datetime(2027, 3, 10, 6, 50, tzinfo=UTC))
    await travel(bot, clock, telegram, datetime(2027, 3, 10, 7, 30, tzinfo=UTC))
    assert not [c for c in telegram.calls_to(40) if "☀️" in c.text or "😴" in c.text]
    assert not [c for c in telegram.calls if c.chat_id == 41 and ("☀️" in c.text or "😴" in c.text)]
    await user.send("/resume")
    await travel(bot, clock, telegram, datetime(2027, 3, 11, 7, 30, tzinfo=UTC))
    assert [c for c in telegram.calls_to(41) if "☀️" in c.text or "😴" in c.text]
    assert quiet.id


async def run_on(bot, athlete, day) -> None:
    """The runner ran ``day``'s workout as planned (stored and linked)."""
    seconds = day.planned.distance_m / 1000 * (day.planned.pace_s_per_km or 360)
    activity = AthleteActivity(
        source=ActivitySource.MANUAL,
        external_id=f"ran-{day.date}",
        start_utc=datetime.combine(day.date, datetime.min.time(), UTC) + timedelta(hours=7),
        local_date=day.date,
        distance_m=day.planned.distance_m,
        duration_s=seconds,
    )
    repo = stored(bot)
    run, _ = await repo.import_activity(athlete.id, activity)
    await repo.link_activity(athlete.id, run.id, day.id, analyse(day.planned, run))


async def test_missed_key_workout_nudge_moves_it(telegram, bot, clock) -> None:
    athlete = await runner(bot, 50, "UTC", "07:00")
    plan = await stored(bot).active_plan(athlete.id)
    missed = next(  # a cutback week's single quality session leaves room to move it
        d
        for w in plan.weeks
        if w.cutback and w.phase.value != "base"
        for d in w.days
        if d.planned.type.is_quality
    )
    before = [d for d in plan.days() if d.date < missed.date and d.planned.type.is_run][-1]
    await run_on(bot, athlete, before)  # only the key session is missed: a nudge, no easy block
    clock.set(
        datetime.combine(missed.date + timedelta(days=1), datetime.min.time(), UTC)
        + timedelta(hours=6, minutes=50)
    )
    await travel(bot, clock, telegram, clock.now() + timedelta(minutes=20))
    nudge = next(c for c in telegram.calls_to(50) if "has no run linked" in c.text)
    moves = [data for _, data in nudge.buttons if data.startswith("nd:m:")]
    assert any(data.startswith("nd:d:") for _, data in nudge.buttons)
    assert moves
    target_id = int(moves[0].split(":")[3])
    await telegram.user(50).press(moves[0])
    moved = await stored(bot).active_plan(athlete.id)
    target = next(d for d in moved.days() if d.id == target_id)
    assert target.planned == missed.planned  # the session moved, nothing stacked
    assert not next(d for d in moved.days() if d.id == missed.id).planned.type.is_quality
    by_date = {d.date: d.planned.type for d in moved.days()}
    for neighbour in (target.date - timedelta(days=1), target.date + timedelta(days=1)):
        assert not by_date[neighbour].is_quality and by_date[neighbour].value not in (
            "long",
            "race",
        )


async def test_pending_question_is_recalled_until_answered(telegram, bot, clock) -> None:
    from tests.activity_files import gpx_file

    athlete = await runner(bot, 80, "UTC", "07:00")
    plan = await stored(bot).active_plan(athlete.id)
    day = next(d for d in plan.days() if d.date == date(2027, 3, 10))
    clock.set(datetime(2027, 3, 10, 12, 0, tzinfo=UTC))
    user = telegram.user(80)
    asked = await user.send_file(
        "run.gpx",
        gpx_file(
            datetime(2027, 3, 10, 6, 30, tzinfo=UTC), day.planned.distance_m * 1.4 + 500, 3000
        ),
    )
    assert "Is this activity for your plan?" in "".join(c.text for c in asked)
    clock.set(datetime(2027, 3, 11, 6, 50, tzinfo=UTC))
    await travel(bot, clock, telegram, datetime(2027, 3, 11, 7, 10, tzinfo=UTC))
    reminder = next(c for c in telegram.calls_to(80) if "still waiting" in c.text)
    extra = next(data for _, data in reminder.buttons if data.startswith("ac:x:"))
    await user.press(extra)
    clock.set(datetime(2027, 3, 12, 6, 50, tzinfo=UTC))
    seen = telegram.last_seq
    await travel(bot, clock, telegram, datetime(2027, 3, 12, 7, 10, tzinfo=UTC))
    assert not [c for c in telegram.calls_to(80, seen) if "still waiting" in c.text]
