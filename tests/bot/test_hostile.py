"""What a hostile or careless runner did to the bot once, each now answered clearly: secrets
caught by the wrong conversation, group chats, double taps, forged ids, odd files."""

import html
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import configure_logging
from core.clock import FrozenClock
from gofast.config import load_settings
from tests.activity_files import gpx_file
from tests.bot.conftest import make_app, onboard, running
from tests.bot.test_activities import runner_with_plan
from tests.bot.test_conversations import texts
from tests.bot.test_garmin import http, login_answer, wants_a_code  # noqa: F401 - the fixture
from tests.fake_telegram import FILE_TOO_BIG, FakeTelegram
from tests.units import stored

PASSWORD = "pw-Xk29!secret"


def deleted(telegram: FakeTelegram, chat_id: int) -> set[int]:
    return {
        int(c.params["message_id"])
        for c in telegram.calls_to(chat_id)
        if c.method == "deleteMessage"
    }


def echoed(telegram: FakeTelegram, chat_id: int, secret: str) -> bool:
    return any(secret in html.unescape(c.text) for c in telegram.calls_to(chat_id))


async def test_garmin_wins_over_the_race_conversation(telegram, bot, http) -> None:  # noqa: F811
    login_answer(http, "INVALID")  # Garmin says no: the password must still be gone
    user = telegram.user(201)
    await onboard(user)
    await user.press("rc:start")
    await user.send("Lakeside Half")
    await user.press("rc:type:half")
    await user.send("2027-03-14")
    await user.press("rc:skip")  # now at "Your goal time?"
    assert "email" in texts(await user.send("/garmin"))
    assert "password" in texts(await user.send("ada@example.com"))
    await user.send(PASSWORD)
    await telegram.wait_for(
        lambda c: c.chat_id == 201 and "/garmin to try again" in html.unescape(c.text)
    )
    assert not echoed(telegram, 201, PASSWORD)
    assert len(deleted(telegram, 201)) == 1
    assert bot.user_data[201]["race"]["state"] == "GOAL"  # the race waits where it was
    assert "recent 5k" in texts(await user.send("1:55:00"))
    assert "ada@example.com" not in str(
        await stored(bot).find_races("ada", datetime.now(UTC).date())
    )


async def test_another_command_ends_the_garmin_login(telegram, bot) -> None:
    user = telegram.user(202)
    await onboard(user)
    await user.send("/garmin")
    assert "Which race?" in texts(await user.send("/race"))
    reply = texts(await user.send("Seaside 10k"))  # a race name now, not a Garmin email
    assert "what distance?" in reply and "email" not in reply


async def test_a_password_anywhere_is_deleted(telegram, bot) -> None:
    user = telegram.user(203)
    await onboard(user)
    await user.send("/settings")
    reply = texts(await user.send(PASSWORD))
    assert "looked like a password" in reply and PASSWORD not in reply
    assert len(deleted(telegram, 203)) == 1


async def test_a_restart_between_email_and_password_keeps_the_email(
    telegram: FakeTelegram,
    tmp_path: Path,
    clock: FrozenClock,
    http,  # noqa: F811 - the fixture
) -> None:
    """The email waits in the runner's stored data (another worker, or the bot after a
    restart, may get the password), so the login goes on."""
    wants_a_code(http)
    user = telegram.user(204)
    async with running(make_app(telegram, tmp_path / "bot.db", clock)):
        await onboard(user)
        await user.send("/garmin")
        await user.send("ada@example.com")
    async with running(make_app(telegram, tmp_path / "bot.db", clock)):
        since = telegram.last_seq
        await user.send(PASSWORD)
        await telegram.wait_for(lambda c: c.seq > since and "verification code" in c.text, 20)
    reply = texts(telegram.calls_to(204, since))
    assert PASSWORD not in reply
    assert len(deleted(telegram, 204)) == 1  # the password, gone from the chat
    logins = [c for c in http.calls if "/mobile/api/login" in c.request.url]
    assert b"ada@example.com" in logins[0].request.body


async def test_group_chats_get_a_pointer_and_change_nothing(telegram, bot) -> None:
    _, athlete, _ = await runner_with_plan(telegram, bot, 205)
    member = telegram.user(205, group=-100500)
    for command in ("/start", "/export", "/delete", "/today"):
        calls = await member.send(command)
        assert [c.method for c in calls] == ["sendMessage"] and "private chats only" in texts(calls)
    pressed = await member.press("pl:0")
    assert pressed[0].params.get("show_alert") and "private" in pressed[0].params["text"]
    await telegram.push_update({"message": member._message(text="hello all")})
    assert "private chats only" in texts(await member.send("/help"))  # the text got nothing
    again = await stored(bot).athlete_by_telegram(205)
    assert again.chat_id == 205 and again == athlete


async def test_double_tap_on_set_my_race(telegram, bot) -> None:
    user = telegram.user(206)
    await onboard(user)
    found = telegram.last_keyboard_message(206, "rc:start")
    assert found is not None
    first = user.press_update("rc:start", found[0])
    second = user.press_update("rc:start", found[0])  # tapped before the first edit landed
    await telegram.push_update(first)
    assert "Which race?" in texts(await user._exchange(second))
    assert "what distance?" in texts(await user.send("Lakeside Half"))
    # (the fixture checks that Telegram refused nothing and both taps were answered)


async def test_forged_huge_ids_are_an_expired_button(telegram, bot) -> None:
    user, _, _ = await runner_with_plan(telegram, bot, 207)
    calls = await user.press("ac:l:" + "9" * 59 + ":1")
    assert calls[0].params.get("show_alert") and "expired" in calls[0].params["text"]


async def test_pause_with_a_superscript_digit(telegram, bot) -> None:
    user, _, _ = await runner_with_plan(telegram, bot, 208)
    reply = texts(await user.send("/pause ²"))
    assert "went wrong" not in reply


async def test_text_at_the_units_step_asks_for_units_again(telegram, bot) -> None:
    user = telegram.user(209)
    await user.send("/start")
    reply = texts(await user.send("miles please"))
    assert "Kilometres or miles?" in reply and "time zone" not in reply
    assert "time zone" in texts(await user.press("on:u:km"))


async def test_a_long_answer_is_not_echoed_whole(telegram, bot) -> None:
    user = telegram.user(210)
    await onboard(user)
    for action, value in [
        ("press", "rc:start"),
        ("send", "Lakeside Half"),
        ("press", "rc:type:half"),
    ]:
        await (user.press(value) if action == "press" else user.send(value))
    await user.send("2027-03-14")
    await user.press("rc:skip")
    reply = texts(await user.send("1" * 4000))
    assert "couldn't read" in reply and len(reply) < 400


async def test_delete_forgets_the_conversation(telegram, bot) -> None:
    user = telegram.user(211)
    await onboard(user)
    await user.press("rc:start")
    await user.send("Lakeside Half")  # the race conversation waits for a type
    await user.send("/delete")
    await user.press("dl:yes")
    await user.send("/start")
    await user.press("on:u:km")
    reply = texts(await user.send("2027-04-18"))  # an answer to the time zone question
    assert "time zone" in reply.lower()
    assert "Lakeside" not in reply


async def test_files_with_missing_or_false_sizes(telegram, bot, clock) -> None:
    user, _, _ = await runner_with_plan(telegram, bot, 212)
    clock.set(clock.now() + timedelta(days=1))
    run = gpx_file(clock.now() - timedelta(hours=10), 8000, 2640)
    assert "went wrong" not in texts(await user.send_file("run.gpx", run, size=-1))
    lie = texts(await user.send_file("run2.gpx", b"<gpx/>", size=1000, true_size=90 * 2**20))
    assert "over 20 MB" in lie
    assert telegram.expect_refusals(FILE_TOO_BIG) == 1


async def test_implausible_runs_are_refused_and_not_stored(telegram, bot, clock) -> None:
    user, athlete, _ = await runner_with_plan(telegram, bot, 213)
    now = clock.now()
    cases = [
        (gpx_file(now + timedelta(days=1), 8000, 2640), "hasn't happened yet"),
        (gpx_file(datetime(1979, 6, 1, 7, tzinfo=UTC), 8000, 2640), "before my time"),
        (gpx_file(now - timedelta(hours=3), 500_000, 7200), "km/h"),
        (gpx_file(now - timedelta(hours=3), 10_000, 1), "km/h"),
    ]
    for content, says in cases:
        assert says in texts(await user.send_file("odd.gpx", content))
    assert "km/h" in texts(await user.send("/log 10km 0:01"))
    assert (await stored(bot).export_athlete(athlete.id))["activities"] == []


async def test_debug_logging_never_shows_updates(tmp_path: Path) -> None:
    settings = load_settings(
        telegram_bot_token="1:x", database_url=f"sqlite:///{tmp_path / 'x.db'}", log_level="DEBUG"
    )
    configure_logging(settings)
    try:
        assert logging.getLogger("telegram").getEffectiveLevel() >= logging.INFO
    finally:
        logging.getLogger().setLevel(logging.WARNING)
