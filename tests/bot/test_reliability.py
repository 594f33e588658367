"""Handler-loop guarantees: per-chat order, the flood guard, and one apology for a bug."""

import asyncio
import logging

import pytest
from telegram import Chat, Message, Update, User

from bot.updates import PerChatUpdateProcessor
from tests.bot.conftest import make_app, onboard, running
from tests.bot.test_conversations import texts


def _update(update_id: int, chat_id: int) -> Update:
    user = User(chat_id, "R", False)
    message = Message(update_id, None, Chat(chat_id, "private"), from_user=user, text="x")  # type: ignore[arg-type]
    return Update(update_id, message=message)


async def test_one_chat_in_order_many_chats_at_once() -> None:
    processor = PerChatUpdateProcessor(16)
    running_now: dict[int, int] = {}
    peak_same_chat, peak_total, order = 0, 0, []

    async def work(update: Update) -> None:
        nonlocal peak_same_chat, peak_total
        chat = update.effective_chat.id  # type: ignore[union-attr]
        running_now[chat] = running_now.get(chat, 0) + 1
        peak_same_chat = max(peak_same_chat, running_now[chat])
        peak_total = max(peak_total, sum(running_now.values()))
        await asyncio.sleep(0.01)
        order.append((chat, update.update_id))
        running_now[chat] -= 1

    updates = [_update(i, chat) for i in range(30) for chat in (1, 2, 3)]
    updates = [_update(n, u.effective_chat.id) for n, u in enumerate(updates)]  # type: ignore[union-attr]
    await asyncio.gather(*(processor.process_update(u, work(u)) for u in updates))
    assert peak_same_chat == 1 and peak_total > 1
    for chat in (1, 2, 3):
        ids = [i for c, i in order if c == chat]
        assert ids == sorted(ids)


async def test_flood_guard_warns_once_and_keeps_others_served(telegram, tmp_path, clock) -> None:
    async with running(make_app(telegram, tmp_path / "flood.db", clock, flood_limit=5)):
        flooder, neighbour = telegram.user(71), telegram.user(72)
        for _ in range(5):
            assert "GoFast Coach" in texts(await flooder.send("/help"))
        warned = await flooder.send("/help")  # the sixth in 10 s
        assert "Easy there" in texts(warned)
        for _ in range(3):  # dropped silently: no second warning, no answers
            await telegram.push_update(
                {
                    "message": flooder._message(
                        text="/help", entities=[{"type": "bot_command", "offset": 0, "length": 5}]
                    )
                }
            )
        assert "GoFast Coach" in texts(await neighbour.send("/help"))
        answers = [c.text for c in telegram.calls_to(71)]
        assert sum("Easy there" in a for a in answers) == 1
        assert sum("GoFast Coach" in a for a in answers) == 5


async def test_a_bug_gets_one_apology_and_the_bot_keeps_serving(
    telegram, bot, caplog: pytest.LogCaptureFixture
) -> None:
    broken, fine = telegram.user(73), telegram.user(74)
    await onboard(broken)
    await onboard(fine)
    await bot.storage.write(  # a damaged row: a real fault, not a mock
        lambda conn: conn.execute(
            "UPDATE athletes SET notifications = '{' WHERE telegram_user_id = 73"
        )
    )
    with caplog.at_level(logging.ERROR, logger="gofast.errors"):
        reply = texts(await broken.send("/today"))
    assert reply.count("Something went wrong") == 1 and "Traceback" not in reply
    assert any("failed" in r.getMessage() for r in caplog.records)
    assert telegram.token not in caplog.text
    assert "/race" in texts(await fine.send("/today"))  # no plan yet: a friendly answer


def test_logs_never_carry_secrets(caplog: pytest.LogCaptureFixture) -> None:
    from bot.app import configure_logging
    from gofast.config import load_settings

    settings = load_settings(
        telegram_bot_token="777:SECRET-token",
        log_level="DEBUG",
        gofast_secret_key="fernet-key-value",
    )
    with caplog.at_level(logging.DEBUG):
        configure_logging(settings)
        logging.getLogger("httpx").warning("POST https://api.telegram.org/bot777:SECRET-token/x")
        logging.getLogger("gofast").error("key was fernet-key-value")
    assert "SECRET-token" not in caplog.text and "fernet-key-value" not in caplog.text
    assert caplog.text.count("<redacted>") == 2
    assert logging.getLogger("telegram").getEffectiveLevel() >= logging.INFO  # no update dumps
    for name in ("telegram", "httpx"):  # leave global logging as the other tests expect it
        logging.getLogger(name).setLevel(logging.NOTSET)
    for handler in logging.getLogger().handlers:
        handler.filters.clear()
