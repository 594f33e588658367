"""Push benchmark: N runners due in the same minute, each with a full plan.

    python bench/pushes.py [--runners 100000] [--seconds 70]

Every runner has the whole 18-week plan (126 planned days) and ran the last week, except: a
third missed yesterday's key workout (a nudge with days to move it to), a third missed the
last three days (the morning message adapts the plan first). Prints (1) the time to decide
every notice of the slot (goal ≤ 10 s for 100k) and (2) the sustained send rate through the
real bot stack (AIORateLimiter, retries, claims) against a fake Bot API server that enforces
30 msg/s with 429 + retry_after, measured over ``--seconds`` (goal ≥ 28.5 msg/s, 0 lost,
0 duplicated). The baseline, in the same run, is the fake server's own ceiling: 30 msg/s.
"""

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time as clock
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synthetic import insert_plans, insert_race
from bot.app import build_application
from core.analysis import analyse
from core.clock import FrozenClock
from core.models import KEY_TYPES, ActivitySource, AthleteActivity, TrainingDayPlanned
from core.plan import generate_plan
from gofast.config import load_settings
from tests.core.plans import request
from tests.fake_telegram import FakeTelegram

PLAN = generate_plan(request(weeks=18, start=date(2026, 11, 2)))
# The morning after the first key workout of week 4: yesterday is what runners missed or ran.
MISSED_KEY = next(d for d in PLAN.days() if d.week_index == 3 and d.planned.type in KEY_TYPES)
NOW = datetime.combine(MISSED_KEY.date + timedelta(days=1), time(7, 0, 30), UTC)
SERVER_LIMIT = 30
RAN_DAYS = 7  # runs stored and linked: the last week (what the push tick looks at)


def ran(runner: int, day: TrainingDayPlanned) -> bool:
    """A third run everything, a third skipped yesterday's key workout, a third the last 3 days."""
    kind = runner % 3
    if kind == 1:
        return day.date != MISSED_KEY.date
    if kind == 2:
        return day.date < MISSED_KEY.date - timedelta(days=1)
    return True


def insert_runners(conn: sqlite3.Connection, batch: range, stamp: str) -> None:
    conn.executemany(
        "INSERT INTO athletes (id, telegram_user_id, chat_id, time_zone, push_time, "
        "onboarded, created_at, updated_at) VALUES (?, ?, ?, 'UTC', '07:00', 1, ?, ?)",
        [(i, i, i, stamp, stamp) for i in batch],
    )
    insert_plans(conn, batch, PLAN, PLAN.start_date, stamp)
    conn.executemany(
        "INSERT INTO training_plan_executions (id, training_plan_id, started_at) VALUES (?, ?, ?)",
        [(i, i, stamp) for i in batch],
    )
    days = [(d, d.planned.model_dump_json()) for d in PLAN.days()]
    conn.executemany(
        "INSERT INTO training_days_planned (training_plan_id, week_index, day_index, date, "
        "planned_data) VALUES (?, ?, ?, ?, ?)",
        [
            (i, d.week_index, d.day_index, d.date.isoformat(), data)
            for i in batch
            for d, data in days
        ],
    )
    recent = [
        (d, data)
        for d, data in days
        if d.planned.type.is_run and NOW.date() - timedelta(days=RAN_DAYS) <= d.date < NOW.date()
    ]
    analyses = {d.date: as_planned(d) for d, _ in recent}
    runs = [(i, d, data) for i in batch for d, data in recent if ran(i, d)]
    conn.executemany(
        "INSERT INTO athlete_activities (athlete_id, source, external_id, start_utc, start_epoch, "
        "local_date, distance_m, duration_s, sport, fingerprint, created_at) "
        "VALUES (?, 'file', ?, ?, 0, ?, ?, 3000, 'running', '', ?)",
        [
            (i, f"{d.date}", stamp, d.date.isoformat(), d.planned.distance_m, stamp)
            for i, d, _ in runs
        ],
    )
    conn.executemany(
        "INSERT INTO training_days_executed (execution_id, activity_id, week_index, day_index, "
        "date, planned_data, analysis, created_at) VALUES (?, (SELECT id FROM athlete_activities "
        "WHERE athlete_id = ? AND source = 'file' AND external_id = ?), ?, ?, ?, ?, ?, ?)",
        [
            (
                i,
                i,
                f"{d.date}",
                d.week_index,
                d.day_index,
                d.date.isoformat(),
                data,
                analyses[d.date],
                stamp,
            )
            for i, d, data in runs
        ],
    )


def as_planned(day: TrainingDayPlanned) -> str:
    """The analysis of a run that did exactly what ``day`` asked."""
    seconds = day.planned.distance_m / 1000 * (day.planned.pace_s_per_km or 360)
    run = AthleteActivity(
        source=ActivitySource.FILE,
        external_id="x",
        start_utc=datetime.combine(day.date, time(7), UTC),
        local_date=day.date,
        distance_m=day.planned.distance_m,
        duration_s=seconds,
    )
    return analyse(day.planned, run).model_dump_json()


async def populate(app, runners: int) -> None:  # type: ignore[no-untyped-def]
    stamp = NOW.isoformat()
    db = app.storage
    await db.write(lambda conn: insert_race(conn, PLAN))
    for first in range(0, runners, 2000):
        batch = range(first + 1, min(first + 2000, runners) + 1)
        await db.write(lambda conn, batch=batch: insert_runners(conn, batch, stamp))


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
        began = clock.perf_counter()
        await populate(app, args.runners)
        print(f"{args.runners} due runners stored in {clock.perf_counter() - began:.1f} s")

        began = clock.perf_counter()
        outgoing = await app.pushes.prepare(NOW)
        built = clock.perf_counter() - began
        kinds = Counter(n.kind.value for n in outgoing)
        print(
            f"decided {len(outgoing)} notices in {built:.2f} s "
            f"({len(outgoing) / built:,.0f}/s; goal ≤ 10 s): {dict(kinds)}"
        )

        for item in outgoing:
            app.pushes.queue.put_nowait(item)
        app.pushes.start_workers(app.bot)
        began = clock.monotonic()
        await asyncio.sleep(args.seconds)
        elapsed = clock.monotonic() - began
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
