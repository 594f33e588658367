"""Garmin Connect, end to end: the real bot, the real garminconnect, its HTTP stubbed."""

import base64
import html
import json
import time
from collections.abc import Iterator
from datetime import timedelta

import garminconnect.client
import pytest
import responses
from cryptography.fernet import Fernet

from tests.activity_files import gpx_file
from tests.bot.conftest import SECRET_KEY, make_app, onboard, running, set_race
from tests.bot.test_conversations import texts
from tests.fake_telegram import FakeTelegram
from tests.units import stored

SSO = "https://sso.garmin.com"
DI = "https://diauth.garmin.com/di-oauth2-service/oauth/token"
API = "https://connectapi.garmin.com"
ACTIVITIES = f"{API}/activitylist-service/activities/search/activities"


def jwt(expires_in: float, marker: str = "a") -> str:
    def part(data: dict) -> str:  # type: ignore[type-arg]
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return ".".join(
        [
            part({"alg": "none"}),
            part({"exp": int(time.time() + expires_in), "client_id": "GCM_IOS", "m": marker}),
            "sig",
        ]
    )


def summary(activity_id: int, start_gmt: str, km: float, minutes: float, kind: str = "running"):
    return {
        "activityId": activity_id,
        "activityName": "Run",
        "startTimeGMT": start_gmt,
        "startTimeLocal": start_gmt,
        "distance": km * 1000,
        "duration": minutes * 60 + 30,
        "movingDuration": minutes * 60,
        "averageHR": 150,
        "maxHR": 170,
        "elevationGain": 20,
        "activityType": {"typeKey": kind},
    }


@pytest.fixture
def http(monkeypatch: pytest.MonkeyPatch) -> Iterator[responses.RequestsMock]:
    monkeypatch.setattr(garminconnect.client, "HAS_CFFI", False)  # plain requests: stubbable
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, DI, json={"access_token": jwt(3600), "refresh_token": "r1"})
        mock.add(
            responses.GET,
            f"{API}/userprofile-service/socialProfile",
            json={"displayName": "ada", "fullName": "Ada"},
        )
        mock.add(
            responses.GET,
            f"{API}/userprofile-service/userprofile/user-settings",
            json={"userData": {"measurementSystem": "metric"}},
        )
        yield mock


def login_answer(mock: responses.RequestsMock, kind: str) -> None:
    body = {
        "responseStatus": {"type": kind},
        "serviceTicketId": "ST-1",
        "customerMfaInfo": {"mfaLastMethodUsed": "email"},
    }
    mock.add(responses.POST, f"{SSO}/mobile/api/login", json=body)


def activity_pages(mock: responses.RequestsMock, items: list[dict], status: int = 200) -> None:  # type: ignore[type-arg]
    def answer(request):  # type: ignore[no-untyped-def]
        if status != 200:
            return status, {}, json.dumps({"message": "Too Many Requests"})
        start = int(request.params.get("start", 0))
        return 200, {}, json.dumps(items[start : start + 20])

    while any(r.url == ACTIVITIES for r in mock.registered()):
        mock.remove(responses.GET, ACTIVITIES)
    mock.add_callback(responses.GET, ACTIVITIES, callback=answer)


async def connect(telegram: FakeTelegram, user_id: int, mfa: bool = False):  # type: ignore[no-untyped-def]
    user = telegram.user(user_id)
    await onboard(user, zone="UTC")
    await set_race(user)
    await user.press("rc:ok")
    assert "email" in texts(await user.send("/garmin"))
    await user.send("ada@example.com")
    since = telegram.last_seq
    await user.send("correct horse battery staple")
    # the login and first import run in a thread: wait for the last word, not for a pause
    finals = ("Imported", "verification code", "didn't accept", "isn't answering")
    await telegram.wait_for(
        lambda c: (
            c.chat_id == user_id
            and c.seq > since
            and any(f in html.unescape(c.text) for f in finals)
        ),
        timeout=20,
    )
    return user, telegram.calls_to(user_id, since)


async def test_connect_deletes_the_password_and_imports_four_weeks(
    telegram, bot, http, clock
) -> None:
    login_answer(http, "SUCCESSFUL")
    day = clock.now() - timedelta(days=3)
    items = [
        summary(101, f"{day:%Y-%m-%d} 06:30:00", 8.0, 44),
        summary(102, f"{day - timedelta(days=2):%Y-%m-%d} 06:30:00", 12.0, 70),
        summary(103, f"{day:%Y-%m-%d} 17:00:00", 30.0, 60, kind="cycling"),
    ]
    activity_pages(http, items)
    user, calls = await connect(telegram, 61)
    deleted = [c for c in calls if c.method == "deleteMessage"]
    assert len(deleted) == 1 and deleted[0].chat_id == 61  # the password, first thing
    assert calls.index(deleted[0]) == 0
    assert "Imported <b>2</b> runs" in texts(calls) and "correct horse" not in texts(calls)
    athlete = await stored(bot).athlete_by_telegram(61)
    export = await stored(bot).export_athlete(athlete.id)
    assert sorted(a["externalId"] for a in export["activities"]) == ["101", "102"]
    account = await bot.garmin.accounts.get(athlete.id)
    assert b"di_token" not in account.tokens  # encrypted at rest
    assert "di_token" in Fernet(SECRET_KEY.encode()).decrypt(account.tokens).decode()
    with pytest.raises(Exception):  # noqa: B017 - any other key cannot read it
        Fernet(Fernet.generate_key()).decrypt(account.tokens)
    again = await user.send("/sync")  # incremental: the same runs are not imported twice
    assert "0 new runs" in texts(again)
    status = texts(await user.send("/garmin"))
    assert "connected" in status and "runs imported: 2" in status


def wants_a_code(mock: responses.RequestsMock) -> None:
    """Garmin asks for an MFA code, then takes "123456"; no runs on the account."""
    login_answer(mock, "MFA_REQUIRED")
    mock.add(
        responses.POST,
        f"{SSO}/mobile/api/mfa/verifyCode",
        json={"responseStatus": {"type": "SUCCESSFUL"}, "serviceTicketId": "ST-2"},
    )
    activity_pages(mock, [])


async def connect_with_code(telegram: FakeTelegram, user_id: int, timeout: float = 20) -> None:
    """/garmin, email, password; Garmin asks for a code; the runner sends it; connected."""
    user, calls = await connect(telegram, user_id)
    assert "verification code" in texts(calls)
    since = telegram.last_seq
    await user.send("123456")
    await telegram.wait_for(lambda c: c.seq > since and "Imported" in c.text, timeout=timeout)
    assert "Garmin connected" in texts(telegram.calls_to(user_id, since))


async def test_connect_with_mfa(telegram, bot, http) -> None:
    wants_a_code(http)
    await connect_with_code(telegram, 62)
    athlete = await stored(bot).athlete_by_telegram(62)
    assert await bot.garmin.accounts.get(athlete.id) is not None


async def test_wrong_password(telegram, bot, http) -> None:
    login_answer(http, "INVALID_USERNAME_PASSWORD")
    _, calls = await connect(telegram, 63)
    assert "didn't accept" in texts(calls)
    athlete = await stored(bot).athlete_by_telegram(63)
    assert await bot.garmin.accounts.get(athlete.id) is None


async def test_429_backs_off_and_tells_once(telegram, bot, http, clock) -> None:
    login_answer(http, "SUCCESSFUL")
    activity_pages(http, [])
    user, _ = await connect(telegram, 64)
    http.replace(responses.GET, ACTIVITIES, status=429, json={"message": "Too Many Requests"})
    first = texts(await user.send("/sync"))
    assert "rate-limiting" in first
    hits = len([c for c in http.calls if c.request.url.startswith(ACTIVITIES)])
    second = texts(await user.send("/sync"))
    assert "slow down" in second
    assert len([c for c in http.calls if c.request.url.startswith(ACTIVITIES)]) == hits
    athlete = await stored(bot).athlete_by_telegram(64)
    account = await bot.garmin.accounts.get(athlete.id)
    assert account.backoff_until > clock.now() and account.backoff_level == 1


async def test_refreshed_tokens_are_saved(telegram, bot, http) -> None:
    http.replace(responses.POST, DI, json={"access_token": jwt(60, "old"), "refresh_token": "r1"})
    login_answer(http, "SUCCESSFUL")
    activity_pages(http, [])
    user, _ = await connect(telegram, 65)
    http.replace(responses.POST, DI, json={"access_token": jwt(3600, "new"), "refresh_token": "r2"})
    await user.send("/sync")
    athlete = await stored(bot).athlete_by_telegram(65)
    tokens = json.loads(
        Fernet(SECRET_KEY.encode()).decrypt((await bot.garmin.accounts.get(athlete.id)).tokens)
    )
    assert tokens["di_refresh_token"] == "r2"


async def test_same_run_as_a_file_is_not_counted_twice(telegram, bot, http, clock) -> None:
    login_answer(http, "SUCCESSFUL")
    activity_pages(http, [])
    user, _ = await connect(telegram, 66)
    start = clock.now().replace(hour=6, minute=30) - timedelta(days=1)
    await user.send_file("run.gpx", gpx_file(start, 8000, 2640))
    activity_pages(
        http, [summary(201, f"{start + timedelta(seconds=40):%Y-%m-%d %H:%M:%S}", 8.1, 44)]
    )
    assert "0 new runs" in texts(await user.send("/sync"))
    athlete = await stored(bot).athlete_by_telegram(66)
    assert len((await stored(bot).export_athlete(athlete.id))["activities"]) == 1


async def test_disconnect_and_delete(telegram, bot, http) -> None:
    login_answer(http, "SUCCESSFUL")
    activity_pages(http, [])
    user, _ = await connect(telegram, 67)
    await user.press("gm:off")
    athlete = await stored(bot).athlete_by_telegram(67)
    assert await bot.garmin.accounts.get(athlete.id) is None
    assert "isn't connected" in texts(await user.send("/sync"))


async def test_without_a_key_garmin_is_off(telegram, tmp_path, clock) -> None:
    async with running(make_app(telegram, tmp_path / "nokey.db", clock, secret_key=None)):
        user = telegram.user(68)
        await onboard(user)
        assert "isn't switched on" in texts(await user.send("/garmin"))


async def test_periodic_sync_announces_new_runs(telegram, bot, http, clock) -> None:
    login_answer(http, "SUCCESSFUL")
    activity_pages(http, [])
    await connect(telegram, 69)
    await bot.garmin.tick(bot.bot)  # just synced: not due yet
    assert not [
        c for c in http.calls if "start=0" in c.request.url and c.request.url.startswith(ACTIVITIES)
    ][1:]
    run_day = clock.now() - timedelta(hours=2)
    activity_pages(http, [summary(301, f"{run_day:%Y-%m-%d %H:%M:%S}", 5.0, 27)])
    clock.advance(timedelta(hours=1))
    seen = telegram.last_seq
    await bot.garmin.tick(bot.bot)
    new = [c for c in telegram.calls_to(69, seen) if c.method == "sendMessage"]
    assert len(new) == 1 and (
        "Is this activity for your plan?" in new[0].text
        or "Quality score" in new[0].text
        or "extra run" in new[0].text
    )


async def test_delete_removes_the_tokens(telegram, bot, http) -> None:
    login_answer(http, "SUCCESSFUL")
    activity_pages(http, [])
    user, _ = await connect(telegram, 70)
    athlete = await stored(bot).athlete_by_telegram(70)
    await user.send("/delete")
    await user.press("dl:yes")
    assert await bot.garmin.accounts.get(athlete.id) is None


@pytest.mark.postgres_only
async def test_one_sync_per_account_whichever_worker_asks(telegram, bot, http) -> None:
    """Another worker syncing this account holds its lease: /sync here says so and calls
    Garmin not at all; once that sync is over, /sync works."""
    from storage.shared import Leases

    login_answer(http, "SUCCESSFUL")
    activity_pages(http, [])
    user, _ = await connect(telegram, 65)
    athlete = await stored(bot).athlete_by_telegram(65)
    other_worker = Leases(bot.storage, "another-worker")
    assert await other_worker.take(f"garmin:{athlete.stored_id}", 300)
    hits = len(http.calls)
    assert "syncing right now" in texts(await user.send("/sync"))
    assert len(http.calls) == hits
    await other_worker.release(f"garmin:{athlete.stored_id}")
    assert "0 new runs" in texts(await user.send("/sync"))
