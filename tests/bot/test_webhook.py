"""Webhook mode end to end: updates POSTed by a load balancer, stored before the 200, handled
by leases; two workers on one PostgreSQL share one runner's conversation."""

import itertools
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import pytest
import responses

from bot.app import webhook_running
from bot.context import CoachApplication
from core.clock import FrozenClock
from tests.backends import scalar
from tests.bot.conftest import RACE_ANSWERS, make_app, onboard
from tests.bot.test_conversations import texts
from tests.bot.test_garmin import connect_with_code, http, wants_a_code  # noqa: F401 - http: a fixture
from tests.fake_telegram import FakeTelegram
from tests.units import stored
from tests.webhooks import WEBHOOK_PATH, WEBHOOK_SECRET, LoadBalancer

PUBLIC_URL = f"https://coach.example.org{WEBHOOK_PATH}"


def webhook_app(telegram: FakeTelegram, db: Path, clock: FrozenClock) -> CoachApplication:
    return make_app(
        telegram,
        db,
        clock,
        webhook_url=PUBLIC_URL,
        webhook_secret=WEBHOOK_SECRET,
        webhook_port=0,
        telegram_rate_limit=0,
    )


@asynccontextmanager
async def workers(
    telegram: FakeTelegram, db: Path, clock: FrozenClock, count: int
) -> AsyncIterator[tuple[list[CoachApplication], LoadBalancer]]:
    """``count`` webhook workers on one database, a load balancer in front of them."""
    async with AsyncExitStack() as stack:
        apps, ports = [], []
        for _ in range(count):
            app = webhook_app(telegram, db, clock)
            ports.append(await stack.enter_async_context(webhook_running(app, app_settings(app))))
            apps.append(app)
        balancer = LoadBalancer(ports)
        stack.push_async_callback(balancer.close)
        telegram.deliver = balancer
        yield apps, balancer
        telegram.deliver = None


def app_settings(app: CoachApplication):  # type: ignore[no-untyped-def]
    return app.services.settings


async def test_updates_are_stored_before_the_200_and_the_secret_is_checked(
    telegram: FakeTelegram, tmp_path: Path, clock: FrozenClock
) -> None:
    async with workers(telegram, tmp_path / "hook.db", clock, 1) as (apps, balancer):
        assert telegram.webhook is not None
        assert telegram.webhook["url"] == PUBLIC_URL
        assert telegram.webhook["secret_token"] == WEBHOOK_SECRET
        port = balancer.ports[0]
        forged = {"update_id": 99, "message": {"message_id": 1, "date": 0, "text": "/start"}}
        assert await balancer.post(port, forged, secret="") == 403
        assert await balancer.post(port, forged, secret="not-the-secret-at-all") == 403
        assert await balancer.post(port, "not an update") == 400
        assert await apps[0].queue.pending() == 0  # refused means not stored

        user = telegram.user(501)
        assert "GoFast" in texts(await user.send("/start"))
        command = [{"type": "bot_command", "offset": 0, "length": 5}]
        repeat = user._message(text="/help", entities=command)
        update = {"update_id": 500, "message": repeat}
        since = telegram.last_seq
        assert await balancer.post(port, update) == 200
        assert await balancer.post(port, update) == 200  # Telegram sent it again
        await telegram.settle(user.chat_id, since)
        helps = [c for c in telegram.calls_to(user.chat_id, since) if "/today" in c.text]
        assert len(helps) == 1  # answered once
        assert await apps[0].queue.pending() == 0


@pytest.mark.postgres_only
async def test_two_workers_share_one_runners_conversation(
    telegram: FakeTelegram, tmp_path: Path, clock: FrozenClock
) -> None:
    """Every answer of onboarding and /race lands on the other worker than the one before;
    the conversation and its draft (user data) follow, and the plan is made once."""
    async with workers(telegram, tmp_path / "two.db", clock, 2) as (apps, balancer):
        user = telegram.user(601)
        await onboard(user)
        calls = []
        for action, value in RACE_ANSWERS:
            calls = await (user.press(value) if action == "press" else user.send(value))
        assert "rc:ok" in [b for c in calls for _, b in c.buttons]
        done = await user.press("rc:ok")
        assert "plan" in texts(done).lower()
        ports = [port for _, port in balancer.posted]
        assert all(a != b for a, b in itertools.pairwise(ports))  # alternated
        athlete = await stored(apps[0]).athlete_by_telegram(601)
        assert athlete is not None
        assert len(await stored(apps[1]).plan_history(athlete.stored_id)) == 1


@pytest.mark.postgres_only
async def test_a_garmin_code_works_on_the_worker_that_did_not_start_the_login(
    telegram: FakeTelegram,
    tmp_path: Path,
    clock: FrozenClock,
    http: responses.RequestsMock,  # noqa: F811 - the fixture, imported from test_garmin
) -> None:
    """The email, the password and the MFA code each reach another worker: the email waits
    in the runner's data, the code is handed to the worker holding the login."""
    wants_a_code(http)
    async with workers(telegram, tmp_path / "mfa.db", clock, 2) as (apps, balancer):
        await connect_with_code(telegram, 62, timeout=30)
        started, coded = balancer.posted[-2][1], balancer.posted[-1][1]
        assert started != coded  # the password and the code went to different workers
        athlete = await stored(apps[0]).athlete_by_telegram(62)
        assert await apps[1].garmin.accounts.get(athlete.stored_id) is not None
        pending = scalar(tmp_path / "mfa.db", "SELECT COUNT(*) FROM garmin_pending")
        assert pending == 0  # the handed-over tokens don't stay behind
