from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import build_application
from bot.context import CoachApplication
from core.clock import FrozenClock
from gofast.config import load_settings
from tests.backends import database_url
from tests.fake_telegram import FakeTelegram, FakeUser

TUESDAY_MORNING = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram().start()
    yield server
    await server.stop()
    # what the real Bot API would have refused is a flow that breaks for real runners
    assert not server.refused, server.refused
    assert not server.unanswered_queries(), "a pressed button was never answered"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(TUESDAY_MORNING)


@asynccontextmanager
async def running(app: CoachApplication) -> AsyncIterator[CoachApplication]:
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    await app.start()
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


SECRET_KEY = "Z29mYXN0LXRlc3Qta2V5LW5vdC1hLXNlY3JldC0zMmI="  # tests only


def make_app(
    telegram: FakeTelegram,
    db: Path,
    clock: FrozenClock,
    flood_limit: int = 1000,
    secret_key: str | None = SECRET_KEY,
    **extra: object,
) -> CoachApplication:
    settings = load_settings(
        gofast_secret_key=secret_key,
        flood_limit=flood_limit,
        telegram_bot_token=telegram.token,
        telegram_base_url=telegram.base_url,
        database_url=database_url(db),
        default_time_zone="UTC",
        **extra,
    )
    app = build_application(settings, clock=clock)
    telegram.watch(app)
    return app


@pytest.fixture
async def bot(
    telegram: FakeTelegram, tmp_path: Path, clock: FrozenClock
) -> AsyncIterator[CoachApplication]:
    async with running(make_app(telegram, tmp_path / "bot.db", clock)) as app:
        yield app


WEBAPP_URL = "https://coach.example/app/"


@pytest.fixture
async def dashboard_bot(
    telegram: FakeTelegram, tmp_path: Path, clock: FrozenClock
) -> AsyncIterator[CoachApplication]:
    """The bot with its dashboard set up (polling mode: a server of its own, a free port)."""
    made = make_app(telegram, tmp_path / "bot.db", clock, webapp_url=WEBAPP_URL, webapp_port=0)
    async with running(made) as app:
        yield app


async def onboard(user: FakeUser, units: str = "mi", zone: str = "Berlin") -> None:
    await user.send("/start")
    await user.press(f"on:u:{units}")
    await user.send(zone)
    await user.press("on:t:0630")


RACE_ANSWERS = [
    ("press", "rc:start"),
    ("send", "Test City Marathon"),
    ("press", "rc:type:marathon"),
    ("send", "2027-04-18"),
    ("press", "rc:skip"),
    ("send", "3:45:00"),
    ("send", "24:00"),
    ("send", "20"),
    ("send", "10"),
    ("press", "rc:days:done"),
    ("press", "rc:long:6"),
]


async def set_race(user: FakeUser, name: str = "Test City Marathon") -> list:  # type: ignore[type-arg]
    calls = []
    for action, value in RACE_ANSWERS:
        value = name if value == "Test City Marathon" else value
        calls = await (user.press(value) if action == "press" else user.send(value))
    return calls
