"""Storage benchmark on a synthetic SQLite database.

    python bench/storage.py [--athletes 2000] [--runs-per-athlete 200] [--path /tmp/x.db]

Builds N athletes, each with a marathon plan (its planned days) and a year of runs, then prints:
bulk insert rows/s, the repository's idempotent import rate, the "today's workout for every
athlete due this minute" query, and one athlete's on-track inputs (goal ≤ 20 ms at 100k athletes).
The baseline, run in the same process on the same connection, is a trivial ``SELECT 1``.
"""

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synthetic import insert_plans, insert_race
from core.models import ActivitySource, AthleteActivity, Race, RaceType
from core.plan import PlanRequest, default_run_days, generate_plan
from core.services import coaching
from storage.sqlite import Database
from tests.units import storage_calls

ZONES = [
    "UTC",
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Chatham",
    "America/Sao_Paulo",
]
PUSH_TIMES = ["06:00", "06:30", "07:00", "07:30"]
START = date(2026, 11, 2)
NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


def template_plan():
    race = Race(
        race_name="Bench Marathon",
        race_type=RaceType.MARATHON,
        race_date=START + timedelta(days=18 * 7 - 1),
        distance_m=42195,
    )
    return generate_plan(
        PlanRequest(
            race=race,
            start_date=START,
            baseline_5k_s=1440,
            baseline_weekly_m=32000,
            run_days=default_run_days(5, 6),
            long_run_day=6,
            goal_time_s=13500,
        )
    )


async def build(db: Database, athletes: int, runs_each: int) -> tuple[int, float]:
    plan = template_plan()
    days = [
        (d.week_index, d.day_index, d.date.isoformat(), d.planned.model_dump_json())
        for d in plan.days()
    ]
    stamp = NOW.isoformat()
    rng = random.Random(1)
    rows = 0
    began = time.perf_counter()
    await db.write(lambda conn: insert_race(conn, plan))

    def insert(conn, batch) -> None:  # type: ignore[no-untyped-def]
        conn.executemany(
            "INSERT INTO athletes (id, telegram_user_id, chat_id, time_zone, push_time, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    i + 1,
                    i + 1,
                    i + 1,
                    ZONES[i % len(ZONES)],
                    PUSH_TIMES[i % len(PUSH_TIMES)],
                    stamp,
                    stamp,
                )
                for i in batch
            ],
        )
        insert_plans(conn, (i + 1 for i in batch), plan, START, stamp)
        conn.executemany(
            "INSERT INTO training_plan_executions (training_plan_id, started_at) VALUES (?, ?)",
            [(i + 1, stamp) for i in batch],
        )
        conn.executemany(
            "INSERT INTO training_days_planned (training_plan_id, week_index, day_index, date, "
            "planned_data) VALUES (?, ?, ?, ?, ?)",
            [(i + 1, *day) for i in batch for day in days],
        )
        conn.executemany(
            "INSERT INTO athlete_activities (athlete_id, source, external_id, start_utc, "
            "start_epoch, local_date, distance_m, duration_s, sport, fingerprint, created_at) "
            "VALUES (?, 'file', ?, ?, ?, ?, ?, ?, 'running', ?, ?)",
            [_activity_row(i + 1, n, rng, stamp) for i in batch for n in range(runs_each)],
        )

    for first in range(0, athletes, 500):
        batch = range(first, min(first + 500, athletes))
        await db.write(lambda conn, batch=batch: insert(conn, batch))
        rows += len(batch) * (3 + len(days) + runs_each)
    return rows, time.perf_counter() - began


def _activity_row(athlete: int, n: int, rng: random.Random, stamp: str) -> tuple:
    start = NOW - timedelta(days=365) + timedelta(hours=n * 365 * 24 / 200 + rng.random())
    distance = rng.uniform(4000, 20000)
    return (
        athlete,
        f"a{n}",
        start.isoformat(),
        int(start.timestamp()),
        start.date().isoformat(),
        distance,
        distance * 0.33,
        f"{int(start.timestamp()) // 60}:{round(distance / 100)}",
        stamp,
    )


async def timed(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        await fn()
        samples.append(time.perf_counter() - began)
    return samples


def due_now(at: datetime) -> list[tuple[str, str, date]]:
    pairs = []
    for zone in ZONES:
        local = at.astimezone(ZoneInfo(zone))
        pairs.append((zone, local.strftime("%H:%M"), local.date()))
    return pairs


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--athletes", type=int, default=2000)
    parser.add_argument("--runs-per-athlete", type=int, default=200)
    parser.add_argument("--path", type=Path)
    args = parser.parse_args()
    path = args.path or Path(tempfile.mkdtemp()) / "bench.db"
    async with Database(path) as db:
        repo = storage_calls(db)
        rows, seconds = await build(db, args.athletes, args.runs_per_athlete)
        print(
            f"synthetic db: {args.athletes} athletes, {rows} rows in {seconds:.1f} s "
            f"→ bulk insert {rows / seconds:,.0f} rows/s ({seconds / rows * 1e6:.1f} µs/row)"
        )

        async def select_one() -> None:
            await db.read(lambda conn: conn.execute("SELECT 1").fetchone())

        floor = statistics.median(await timed(select_one, 200))
        print(f"baseline SELECT 1 round trip: {floor * 1e3:.3f} ms")

        rng = random.Random(2)
        imports = [
            AthleteActivity(
                source=ActivitySource.GARMIN,
                external_id=f"bench-{i}",
                start_utc=NOW + timedelta(minutes=i * 7),
                local_date=NOW.date(),
                distance_m=8000 + i,
                duration_s=2400,
            )
            for i in range(500)
        ]
        began = time.perf_counter()
        for activity in imports:
            await repo.import_activity(rng.randint(1, args.athletes), activity)
        per_import = (time.perf_counter() - began) / len(imports)
        print(
            f"repository import (checked, one unit of work each): {1 / per_import:,.0f}/s "
            f"({per_import * 1e3:.2f} ms, {per_import / floor:.0f}× baseline)"
        )

        instants = [NOW.replace(hour=h, minute=m) for h in range(24) for m in (0, 30)]
        due_samples, due_counts = [], []
        for at in instants:
            began = time.perf_counter()
            due_counts.append(len(await repo.due_pushes(due_now(at))))
            due_samples.append(time.perf_counter() - began)
        worst = max(range(len(instants)), key=lambda i: due_counts[i])
        print(
            f"due this minute: median {statistics.median(due_samples) * 1e3:.2f} ms, "
            f"busiest minute {due_samples[worst] * 1e3:.2f} ms for {due_counts[worst]} athletes "
            f"({due_samples[worst] / max(due_counts[worst], 1) * 1e6:.1f} µs/athlete)"
        )

        async def on_track() -> None:
            athlete = rng.randint(1, args.athletes)
            today = START + timedelta(weeks=3)
            assert await repo.units.read(lambda uow: coaching.status(uow, athlete, today))

        samples = await timed(on_track, 200)
        p50, p99 = statistics.median(samples), sorted(samples)[int(len(samples) * 0.99) - 1]
        print(
            f"one athlete's on-track inputs: p50 {p50 * 1e3:.2f} ms, p99 {p99 * 1e3:.2f} ms "
            f"({p50 / floor:.0f}× baseline; goal ≤ 20 ms at 100k athletes)"
        )
        plan_rows = await db.read(
            lambda conn: [
                r[3]
                for r in conn.execute(
                    "EXPLAIN QUERY PLAN SELECT * FROM athlete_activities WHERE athlete_id = 1 "
                    "AND local_date BETWEEN '2026-01-01' AND '2026-01-07'"
                )
            ]
        )
        print("extra-runs query plan:", json.dumps(plan_rows))


if __name__ == "__main__":
    asyncio.run(main())
