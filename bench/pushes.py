"""Push benchmark: N runners due in the same minute.

    python bench/pushes.py [--runners 100000] [--seconds 70]

Prints (1) the time to decide and build every message of the slot (goal ≤ 10 s for 100k) and
(2) the sustained send rate through the real bot stack (AIORateLimiter, retries, claims) against
a fake Bot API server that enforces 30 msg/s with 429 + retry_after, measured over ``--seconds``
(goal ≥ 28.5 msg/s, 0 lost, 0 duplicated). The baseline, in the same run, is the fake server's
own ceiling: 30 msg/s.
"""

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synthetic import insert_plans, insert_race
from bot.app import build_application
from core.clock import FrozenClock
from core.plan import generate_plan
from gofast.config import load_settings
from tests.core.plans import request
from tests.fake_telegram import FakeTelegram

NOW = datetime(2026, 12, 1, 7, 0, 30, tzinfo=UTC)
SERVER_LIMIT = 30


async def populate(app, runners: int) -> None:  # type: ignore[no-untyped-def]
    """Runners in UTC with a 07:00 push and today's planned day (the rows the push reads)."""
    plan = generate_plan(request(weeks=18, start=NOW.date()))
    today = plan.days()[0]
    stamp = NOW.isoformat()
    db = app.storage
    await db.write(lambda conn: insert_race(conn, plan))

    def insert(conn, batch) -> None:  # type: ignore[no-untyped-def]
        conn.executemany(
            "INSERT INTO athletes (id, telegram_user_id, chat_id, time_zone, push_time, "
            "onboarded, created_at, updated_at) VALUES (?, ?, ?, 'UTC', '07:00', 1, ?, ?)",
            [(i, i, i, stamp, stamp) for i in batch],
        )
        insert_plans(conn, batch, plan, plan.start_date, stamp)
        conn.executemany(
            "INSERT INTO training_days_planned (training_plan_id, week_index, day_index, "
            "date, planned_data) VALUES (?, ?, ?, ?, ?)",
            [
                (
                    i,
                    today.week_index,
                    today.day_index,
                    today.date.isoformat(),
                    today.planned.model_dump_json(),
                )
                for i in batch
            ],
        )

    for first in range(0, runners, 5000):
        batch = range(first + 1, min(first + 5000, runners) + 1)
        await db.write(lambda conn, batch=batch: insert(conn, batch))


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runners", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=70)
    parser.add_argument("--rate", type=float, default=30, help="our limiter, msg/s")
    args = parser.parse_args()
    telegram = await FakeTelegram().start()
    telegram.rate_limit_per_s = SERVER_LIMIT
    settings = load_settings(
        telegram_bot_token=telegram.token,
        telegram_base_url=telegram.base_url,
        database_url=f"sqlite:///{Path(tempfile.mkdtemp()) / 'pushes.db'}",
        telegram_rate_limit=args.rate,
    )
    app = build_application(settings, clock=FrozenClock(NOW))
    await app.initialize()
    try:
        began = time.perf_counter()
        await populate(app, args.runners)
        print(f"{args.runners} due runners stored in {time.perf_counter() - began:.1f} s")

        began = time.perf_counter()
        outgoing = await app.pushes.prepare(NOW)
        built = time.perf_counter() - began
        print(
            f"built {len(outgoing)} messages in {built:.2f} s "
            f"({len(outgoing) / built:,.0f}/s; goal ≤ 10 s)"
        )

        for item in outgoing:
            app.pushes.queue.put_nowait(item)
        app.pushes.start_workers(app.bot)
        began = time.monotonic()
        await asyncio.sleep(args.seconds)
        elapsed = time.monotonic() - began
        await app.pushes.stop_workers()
    finally:
        await app.shutdown()
        await telegram.stop()
    delivered = Counter(c.chat_id for c in telegram.calls if c.method == "sendMessage")
    report = app.pushes.report
    duplicates = sum(n - 1 for n in delivered.values() if n > 1)
    rate = sum(delivered.values()) / elapsed
    print(
        f"sent {sum(delivered.values())} in {elapsed:.0f} s: {rate:.1f} msg/s against a "
        f"{SERVER_LIMIT} msg/s server (ratio {rate / SERVER_LIMIT:.2f}; goal ≥ 28.5 msg/s)"
    )
    print(
        f"lost (claimed, not sent) {report.failed + report.blocked}, duplicated {duplicates}, "
        f"429s answered by the server {telegram.rate_limited}"
    )


if __name__ == "__main__":
    asyncio.run(main())
