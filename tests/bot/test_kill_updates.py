"""kill -9 a few milliseconds after an update reaches the bot, then restart: no update is lost
(it waits in the inbox) and none is applied twice (an upload is one activity, a Confirm one
plan, a link one executed day)."""

import asyncio
import json
import signal
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.activity_files import gpx_file
from tests.backends import scalar, scalar_row
from tests.bot.conftest import RACE_ANSWERS, onboard, set_race
from tests.bot.test_conversations import datas, texts
from tests.bot.test_restart import start_bot
from tests.fake_telegram import FakeTelegram, FakeUser

KILL_AFTER_MS = (5, 10, 20)
REPLY_WAIT_S = 10.0


class Bot:
    """The bot as a separate process that the test can kill -9 and start again."""

    def __init__(self, telegram: FakeTelegram, workdir: Path) -> None:
        self.telegram, self.workdir = telegram, workdir
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await start_bot(self.telegram, self.workdir)

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            await self.process.wait()

    def count(self, sql: str, *args: Any) -> int:
        return int(scalar(self.workdir / "bot.db", sql, *args))


def athlete_rows(table: str, join: str = "") -> str:
    return (
        f"SELECT COUNT(*) FROM {table} {join} WHERE athlete_id = "
        "(SELECT id FROM athletes WHERE telegram_user_id = ?)"
    )


PLANS = athlete_rows("training_plans")
ACTIVITIES = athlete_rows("athlete_activities")
LINKED = athlete_rows(
    "training_days_executed e",
    "JOIN training_plan_executions x ON x.id = e.execution_id "
    "JOIN training_plans p ON p.id = x.training_plan_id",
)


async def at_summary(user: FakeUser) -> None:
    await onboard(user, zone="UTC")
    await set_race(user, name=f"Kill Test {user.id} Marathon")  # one database: names differ


async def with_plan(user: FakeUser) -> None:
    await at_summary(user)
    await user.press("rc:ok")


def run_file(days_ago: int, metres: float = 8000) -> bytes:
    start = datetime.now(UTC).replace(hour=6, minute=30, second=0, microsecond=0)
    return gpx_file(start - timedelta(days=days_ago), metres, metres / 1000 * 330)


async def kill_during(bot: Bot, ms: int, update: dict[str, Any]) -> int:
    """Deliver ``update``, kill the bot ``ms`` later, start it again; the seq before."""
    since = bot.telegram.last_seq
    await bot.telegram.push_update(update)
    await asyncio.sleep(ms / 1000)
    if "callback_query" in update:
        bot.telegram.cut_off_queries.add(update["callback_query"]["id"])
    await bot.kill()
    await bot.start()
    return since


async def replied(telegram: FakeTelegram, user: FakeUser, since: int) -> bool:
    """A message or an edit reached the runner (an answered button alone is no reply),
    from the killed bot or the restarted one; and nothing more is on its way."""
    try:
        await telegram.wait_for(
            lambda c: c.seq > since and c.chat_id == user.id and c.method != "answerCallbackQuery",
            timeout=REPLY_WAIT_S,
        )
    except TimeoutError:
        return False
    await telegram.settle(user.id, since, quiet=0.5)
    return True


def outcome(effects: int, answered: bool) -> str:
    if effects == 0:
        return "lost"
    if effects > 1:
        return "duplicated"
    return "recovered" if answered else "stored, no reply"


async def upload(bot: Bot, user: FakeUser, ms: int) -> str:
    await with_plan(user)
    file_id = f"kill-{user.id}"
    bot.telegram.files[file_id] = run_file(days_ago=1)
    document = {"file_id": file_id, "file_unique_id": file_id, "file_name": "run.gpx"}
    since = await kill_during(bot, ms, {"message": user._message(document=document)})
    answered = await replied(bot.telegram, user, since)
    return outcome(bot.count(ACTIVITIES, user.id), answered)


async def confirm(bot: Bot, user: FakeUser, ms: int) -> str:
    await at_summary(user)
    since = await kill_during(bot, ms, user.press_update("rc:ok"))
    answered = await replied(bot.telegram, user, since)
    await user.press("rc:ok")  # and the runner presses Confirm once more
    return outcome(bot.count(PLANS, user.id), answered)


async def link(bot: Bot, user: FakeUser, ms: int) -> str:
    await with_plan(user)
    asked = await user.send_file("run.gpx", run_file(days_ago=2, metres=4000))
    choices = [d for d in datas(asked) if d.startswith(("ac:l:", "ac:o:"))]
    assert choices, texts(asked)
    choice = choices[0]
    if choice.startswith("ac:o:"):  # no close day to offer at once: pick from the list
        choice = next(d for d in datas(await user.press(choice)) if d.startswith("ac:l:"))
    since = await kill_during(bot, ms, user.press_update(choice))
    answered = await replied(bot.telegram, user, since)
    again = await user.press(choice)  # pressed again: still one link, and no apology
    assert "went wrong" not in texts(again)
    return outcome(bot.count(LINKED, user.id), answered)


CASES: dict[str, Callable[[Bot, FakeUser, int], Awaitable[str]]] = {
    "upload": upload,
    "Confirm": confirm,
    "link": link,
}


async def test_kill_9_loses_and_duplicates_no_update(telegram: FakeTelegram, tmp_path) -> None:
    bot = Bot(telegram, tmp_path)
    await bot.start()
    table: dict[str, dict[int, str]] = {}
    try:
        for number, (name, case) in enumerate(CASES.items()):
            for offset, ms in enumerate(KILL_AFTER_MS):
                user = telegram.user(900 + 10 * number + offset)
                table.setdefault(name, {})[ms] = await case(bot, user, ms)
    finally:
        await bot.stop()
    print("\nkill -9 after  " + "  ".join(f"{ms:>9} ms" for ms in KILL_AFTER_MS))
    for name, row in table.items():
        print(f"{name:<14} " + "  ".join(f"{row[ms]:>12}" for ms in KILL_AFTER_MS))
    assert all(result == "recovered" for row in table.values() for result in row.values()), table
    # a press the killed bot had answered (and its message edited) is handled again after the
    # restart without asking Telegram for what it refuses: a second answer, the same edit
    assert telegram.refused == []


SHOWN = ("sendMessage", "editMessageText", "editMessageReplyMarkup")
ONBOARDING = [("send", "/start"), ("press", "on:u:mi"), ("send", "Berlin"), ("press", "on:t:0630")]


async def test_an_answer_held_by_a_killed_bot_lands_on_its_own_question(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    """Issue 30: the killed bot had stored the conversation's next state, not yet replied; the
    restarted one applied the answer again, to the next question ("20" a week became the
    longest run). Killed while each answer's reply is on its way, at every step of onboarding
    and /race: every answer is stored as typed, every question asked once, nothing refused."""
    bot = Bot(telegram, tmp_path)
    await bot.start()
    user = telegram.user(960)
    try:
        settings = [("send", "/settings"), ("press", "st:units")]  # a toggle: applied once
        for action, value in [*ONBOARDING, *RACE_ANSWERS, ("press", "rc:ok"), *settings]:
            update = user.press_update(value) if action == "press" else user.text_update(value)
            telegram.cut_seen.clear()
            telegram.cut = lambda method, params: (
                method in SHOWN
                and params.get("chat_id")
                in (
                    user.id,
                    str(user.id),
                )
            )
            update_id = await telegram.push_update(update)
            await asyncio.wait_for(telegram.cut_seen.wait(), REPLY_WAIT_S)
            await bot.kill()  # the answer is in, its reply never left
            await bot.start()
            await telegram.handled(update_id)
    finally:
        await bot.stop()
    said = [c.text for c in telegram.calls_to(user.id) if c.method == "sendMessage"]
    assert len(said) == len(set(said)), said  # every question once
    assert telegram.refused == []
    answers = (
        "SELECT a.units, a.time_zone, p.goal_time_s, p.baseline_5k_s, p.baseline_weekly_m, "
        "p.settings, r.race_date FROM athletes a "
        "JOIN training_plans p ON p.athlete_id = a.id JOIN races r ON r.id = p.race_id "
        "WHERE a.telegram_user_id = ? AND p.status = 'training'"
    )
    row = scalar_row(tmp_path / "bot.db", answers, user.id)
    assert row[:2] == ("km", "Europe/Berlin")  # miles, switched once
    assert (row[2], row[3]) == (3 * 3600 + 45 * 60, 24 * 60)  # goal 3:45:00, 5k 24:00
    longest = json.loads(row[5])["longest_recent_m"]
    assert round(row[4] / 1609.344) == 20 and round(longest / 1609.344) == 10  # as typed
    assert str(row[6]).startswith("2027-04-18")
