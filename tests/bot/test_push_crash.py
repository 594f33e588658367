"""kill -9 in the middle of a push fan-out, then restart: nobody gets a push twice."""

import asyncio
import signal
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bot.jobs.pushes import WORKERS
from core.models import Athlete, RaceType
from core.plan import generate_plan
from tests.backends import database
from tests.bot.test_restart import start_bot
from tests.core.plans import request
from tests.fake_telegram import FakeTelegram
from tests.units import storage_calls

RUNNERS = 240
IN_FLIGHT_BOUND = WORKERS  # each push worker holds at most one claimed, unsent message


async def due_runners(db_path: Path) -> None:
    now = datetime.now(UTC)
    plan = generate_plan(request(RaceType.HALF, 12, start=now.date()))
    async with database(db_path) as db:
        repo = storage_calls(db)
        for user_id in range(1, RUNNERS + 1):
            athlete = await repo.upsert_athlete(Athlete(telegram_user_id=user_id, chat_id=user_id))
            await repo.update_athlete(athlete.id, push_time=f"{now:%H:%M}", onboarded=True)
            await repo.save_plan(athlete.id, plan, now)


def daily_pushes(telegram: FakeTelegram) -> Counter[int]:
    return Counter(
        c.chat_id
        for c in telegram.calls
        if c.method == "sendMessage" and c.chat_id and ("☀️" in c.text or "😴" in c.text)
    )


async def test_kill_mid_fan_out(telegram: FakeTelegram, tmp_path: Path) -> None:
    await due_runners(tmp_path / "bot.db")
    # a restarted worker with the same name takes its push lease back at once (README)
    process = await start_bot(telegram, tmp_path, rate_limit=120, worker_name="push-worker")
    try:
        while sum(daily_pushes(telegram).values()) < RUNNERS // 3:
            await asyncio.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    before = sum(daily_pushes(telegram).values())
    assert before < RUNNERS  # the kill really landed mid fan-out

    # a restarted worker with the same name takes its push lease back at once (README)
    process = await start_bot(telegram, tmp_path, rate_limit=120, worker_name="push-worker")
    try:
        settled, previous = 0, -1
        while settled < 3:  # no new push for 1.5 s: the restarted fan-out is done
            await asyncio.sleep(0.5)
            total = sum(daily_pushes(telegram).values())
            settled = settled + 1 if total == previous else 0
            previous = total
    finally:
        process.send_signal(signal.SIGTERM)
        await process.wait()
    counts = daily_pushes(telegram)
    lost = RUNNERS - len(counts)
    print(f"\npush fan-out killed after {before} of {RUNNERS}; lost in flight: {lost}")
    assert max(counts.values()) == 1, "a runner got the same push twice"
    assert lost <= IN_FLIGHT_BOUND
