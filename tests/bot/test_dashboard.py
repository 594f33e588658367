"""Issue 29: the dashboard's API, as Telegram specifies its authentication. Forged, changed,
expired or missing launch data gets 401 and no data; a runner reads and changes only their own
plan; the page loads nothing from outside and sets no cookie."""

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp

from bot.app import webhook_running
from bot.context import CoachApplication
from core.clock import FrozenClock
from core.models import TrainingPlan
from tests.bot.conftest import WEBAPP_URL, make_app, onboard, set_race
from tests.bot.test_conversations import texts
from tests.fake_telegram import FakeTelegram
from tests.units import stored
from tests.webapp import headers, launch_data
from tests.webhooks import LoadBalancer


async def runner(telegram: FakeTelegram, user_id: int, race: str) -> None:
    user = telegram.user(user_id)
    await onboard(user, zone="UTC")
    await set_race(user, race)
    await user.press("rc:ok")


Answer = tuple[int, dict[str, Any]]


async def plan_of(app: CoachApplication, user_id: int) -> TrainingPlan:
    athlete = await stored(app).athlete_by_telegram(user_id)
    plan = await stored(app).active_plan(athlete.id)
    assert plan is not None
    return plan


async def get(app: CoachApplication, path: str, init_data: str | None) -> Answer:
    sent = headers(init_data) if init_data is not None else {}
    url = f"http://127.0.0.1:{app.dashboard_port}/app/{path}"
    async with aiohttp.ClientSession() as session, session.get(url, headers=sent) as response:
        return response.status, await response.json()


async def post(app: CoachApplication, path: str, init_data: str, body: dict[str, Any]) -> Answer:
    url = f"http://127.0.0.1:{app.dashboard_port}/app/api/{path}"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, headers=headers(init_data), json=body) as response,
    ):
        return response.status, await response.json()


async def test_forged_changed_expired_or_missing_launch_data_gets_401(
    telegram: FakeTelegram, dashboard_bot: CoachApplication, clock: FrozenClock
) -> None:
    await runner(telegram, 2901, "Harbour Marathon")
    good = launch_data(telegram.token, 2901, clock.now())
    status, board = await get(dashboard_bot, "api/dashboard", good)
    assert status == 200 and "Harbour Marathon" in board["card"]
    fields = dict(parse_qsl(good))
    other_user = urlencode({**fields, "user": fields["user"].replace("2901", "2902")})
    forged = launch_data("654321:ANOTHER-bot", 2901, clock.now())
    expired = launch_data(telegram.token, 2901, clock.now() - timedelta(hours=25))
    for refused in (None, "", forged, other_user, expired, good.replace("hash=", "hash=0")):
        status, body = await get(dashboard_bot, "api/dashboard", refused)
        assert status == 401 and body == {"error": "unauthorized"}, refused
    status, _ = await get(dashboard_bot, "api/dashboard", f"{good}x")
    assert status == 401


async def test_a_runner_sees_and_changes_only_their_own_plan(
    telegram: FakeTelegram, dashboard_bot: CoachApplication, clock: FrozenClock
) -> None:
    await runner(telegram, 2903, "Harbour Marathon")
    await runner(telegram, 2904, "Valley Marathon")
    mine = launch_data(telegram.token, 2903, clock.now())
    _, board = await get(dashboard_bot, "api/dashboard", mine)
    assert "Harbour Marathon" in board["card"] and "Valley" not in str(board)
    theirs = await stored(dashboard_bot).active_plan(
        (await stored(dashboard_bot).athlete_by_telegram(2904)).id
    )
    before = theirs.model_dump()
    their_day = next(
        d for d in theirs.days() if d.planned.type.is_run and d.date >= clock.now().date()
    )
    status, body = await post(dashboard_bot, "skip", mine, {"dayId": their_day.id})
    assert status == 404, body
    status, _ = await post(
        dashboard_bot, "move", mine, {"dayId": their_day.id, "targetId": their_day.id + 1}
    )
    assert status == 404
    after = await stored(dashboard_bot).active_plan(theirs.athlete_id)
    assert after.model_dump() == before
    export = await stored(dashboard_bot).export_athlete(theirs.athlete_id)
    assert export["plans"][0]["skippedDays"] == []
    status, body = await post(dashboard_bot, "skip", mine, {"dayId": "1; DROP TABLE"})
    assert status == 404


async def test_a_stranger_with_valid_launch_data_gets_no_plan(
    telegram: FakeTelegram, dashboard_bot: CoachApplication, clock: FrozenClock
) -> None:
    status, body = await get(
        dashboard_bot, "api/dashboard", launch_data(telegram.token, 2999, clock.now())
    )
    assert status == 404 and "send /start" in body["message"]


async def test_the_page_loads_nothing_from_outside(
    telegram: FakeTelegram, dashboard_bot: CoachApplication
) -> None:
    url = f"http://127.0.0.1:{dashboard_bot.dashboard_port}/app/"
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as response:
            page = await response.text()
            policy = response.headers["Content-Security-Policy"]
            assert "Set-Cookie" not in response.headers
        for asset in ("app.js", "app.css"):
            async with session.get(url + asset) as response:
                assert response.status == 200
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "frame-ancestors https://web.telegram.org" in policy
    assert "http" not in page.replace('lang="en"', "")  # no CDN, font or script from outside


async def test_the_menu_and_status_open_the_dashboard(
    telegram: FakeTelegram, dashboard_bot: CoachApplication
) -> None:
    assert telegram.menu_button == {
        "type": "web_app", "text": "📊 Dashboard", "web_app": {"url": WEBAPP_URL},
    }  # fmt: skip
    await runner(telegram, 2905, "Harbour Marathon")
    said = await telegram.user(2905).send("/status")
    markup = said[-1].params["reply_markup"]["inline_keyboard"]
    button = [[{"text": "📊 Dashboard", "web_app": {"url": WEBAPP_URL}}]]
    assert markup == button and "Are you on track?" in texts(said)
    report = await telegram.user(2905).send("/progress")  # the weekly report, on demand
    photo = next(c for c in report if c.method == "sendPhoto")
    assert photo.params["reply_markup"]["inline_keyboard"] == button


async def test_webhook_mode_serves_it_from_the_webhooks_server(
    telegram: FakeTelegram, tmp_path: Path, clock: FrozenClock
) -> None:
    """One server behind one proxy: Telegram's POSTs and the Mini App on the same port."""
    made = make_app(
        telegram, tmp_path / "hook.db", clock, webhook_url="https://coach.example/telegram",
        webhook_secret="test-webhook-secret-0123456789", webhook_port=0,
        webapp_url=WEBAPP_URL, telegram_rate_limit=0,
    )  # fmt: skip
    async with webhook_running(made, made.services.settings) as port:  # type: ignore[arg-type]
        assert made.dashboard_server is None  # no second server
        made.dashboard_port = port
        telegram.deliver = LoadBalancer([port], secret="test-webhook-secret-0123456789")
        try:
            await runner(telegram, 2906, "Harbour Marathon")
            status, board = await get(
                made, "api/dashboard", launch_data(telegram.token, 2906, clock.now())
            )
        finally:
            await telegram.deliver.close()
            telegram.deliver = None
    assert status == 200 and "Harbour Marathon" in board["card"]


def cell(calendar: str, on: date) -> str:
    """The calendar button of a day: its classes."""
    found = re.search(rf'<button class="day ([^"]*)" data-day="{on.isoformat()}"', calendar)
    assert found, on
    return found.group(1)


async def test_the_calendar_marks_done_missed_skipped_and_today(
    telegram: FakeTelegram, dashboard_bot: CoachApplication, clock: FrozenClock
) -> None:
    """Done by its compliance band (TrainingPeaks' colours), missed, skipped from the page (the
    chat told, as a button's Skip would), today, the rest to come."""
    await runner(telegram, 2907, "Harbour Marathon")
    plan = await stored(dashboard_bot).active_plan(
        (await stored(dashboard_bot).athlete_by_telegram(2907)).id
    )
    runs = [d for d in plan.days() if d.planned.type.is_run and d.week_index == 1]
    ran, missed, today, skipped = runs[0], runs[1], runs[2], runs[3] if len(runs) > 3 else None
    clock.set(datetime(today.date.year, today.date.month, today.date.day, 7, tzinfo=UTC))
    miles = ran.planned.distance_m / 1609.344
    await telegram.user(2907).send(f"/log {miles:.2f}mi 40:00 {ran.date.isoformat()}")
    signed = launch_data(telegram.token, 2907, clock.now())
    _, board = await get(dashboard_bot, "api/dashboard", signed)
    assert cell(board["calendar"], ran.date).split() == ["done", "band-green"]
    assert cell(board["calendar"], missed.date) == "missed"
    assert cell(board["calendar"], today.date) == "today"
    later = next(d for d in plan.days() if d.planned.type.is_run and d.date > today.date)
    assert cell(board["calendar"], later.date) == "planned"
    assert "✓" in board["week"] and "missed" in board["week"]
    status, day = await get(dashboard_bot, f"api/day/{later.date.isoformat()}", signed)
    assert status == 200 and "Skip" in day["skip"]["question"]
    seen = telegram.last_seq
    status, _ = await post(dashboard_bot, "skip", signed, {"dayId": later.id})
    assert status == 200
    told = await telegram.wait_for(lambda c: c.method == "sendMessage" and c.seq > seen)
    assert "Skipped" in told.text
    _, board = await get(dashboard_bot, "api/dashboard", signed)
    assert cell(board["calendar"], later.date) == "skipped"
    _, skipped_day = await get(dashboard_bot, f"api/day/{later.date.isoformat()}", signed)
    assert skipped_day["skip"] is None  # skipped already: nothing more to skip
    _, done_day = await get(dashboard_bot, f"api/day/{ran.date.isoformat()}", signed)
    assert done_day["skip"] is None and done_day["moves"] == []  # a day run can't change
    assert skipped is None or cell(board["calendar"], skipped.date) in ("planned", "skipped")
