"""kill -9 mid race conversation: the restarted bot resumes at the same question."""

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.backends import database_url, scalar
from tests.bot.conftest import onboard
from tests.bot.test_conversations import texts
from tests.fake_telegram import FakeTelegram


async def start_bot(
    telegram: FakeTelegram, workdir: Path, rate_limit: int = 0, **settings: str
) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_BASE_URL": telegram.base_url,
        "DATABASE_URL": database_url(workdir / "bot.db"),
        "FLOOD_LIMIT": "1000",
        "TELEGRAM_RATE_LIMIT": str(rate_limit),
        **{name.upper(): value for name, value in settings.items()},
    }
    seen = telegram.last_seq
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gofast",
        "run",
        cwd=workdir,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=(workdir / "bot.log").open("ab"),  # what went wrong, for whoever reads it
    )
    await telegram.wait_for(lambda c: c.method == "setMyCommands" and c.seq > seen, timeout=30)
    telegram.watch_process(lambda update_id: handled_in_inbox(workdir, update_id))
    return process


def handled_in_inbox(workdir: Path, update_id: int) -> bool:
    """The bot in ``workdir`` has marked ``update_id`` handled."""
    sql = "SELECT COUNT(*) FROM inbox WHERE update_id = ? AND handled_at IS NOT NULL"
    return bool(scalar(workdir / "bot.db", sql, update_id))


async def test_kill_mid_conversation_resumes_at_the_same_question(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    process = await start_bot(telegram, tmp_path)
    user = telegram.user(31, "Kim")
    try:
        await onboard(user)
        await user.press("rc:start")
        await user.send("Kill Test Half")
        await user.press("rc:type:half")
        await user.send("2027-03-14")
        await user.send("Leipzig")
        asked = await user.send("1:55:00")
        assert "recent 5k" in texts(asked)
    finally:
        process.send_signal(signal.SIGKILL)  # right after the answer's reply: no clean shutdown
        await process.wait()

    process = await start_bot(telegram, tmp_path)
    try:
        again = await user.send_sticker()
        assert "recent 5k" in texts(again)  # the same question, not the start of the race
        assert "per week" in texts(await user.send("25:30"))
        await user.send("15")
        await user.send("7")
        await user.press("rc:days:done")
        summary = texts(await user.press("rc:long:6"))
        assert "Kill Test Half" in summary and "Leipzig" in summary and "1:55:00" in summary
        assert "25:30" in summary
    finally:
        process.send_signal(signal.SIGTERM)
        await process.wait()
