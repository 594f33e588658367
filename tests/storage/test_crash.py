"""A SIGKILL in the middle of saving or revising a plan, or relinking, leaves the old or the
new state."""

import asyncio
import os
import random
import signal
import sqlite3
import sys
from datetime import date
from pathlib import Path

from storage import open_database
from tests.backends import database_url

ROOT = Path(__file__).resolve().parents[2]


async def _kill_worker_after(url: str, delay: float) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.storage.crash_worker",
        url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None and proc.stderr is not None
    ready = await asyncio.wait_for(proc.stdout.readline(), 30)
    assert ready.strip() == b"ready", (await proc.stderr.read()).decode()
    await asyncio.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    await proc.wait()


async def _check_consistent(url: str) -> int:
    async with open_database(url) as db:
        return await db.read(_consistent)


def _consistent(conn: sqlite3.Connection) -> int:
    plans = conn.execute(
        """SELECT p.id, p.status, r.race_date, p.start_date,
                  (SELECT COUNT(*) FROM training_days_planned d
                   WHERE d.training_plan_id = p.id),
                  (SELECT COUNT(*) FROM training_plan_executions e
                   WHERE e.training_plan_id = p.id),
                  (SELECT COUNT(*) FROM plan_revisions v WHERE v.training_plan_id = p.id)
           FROM training_plans p JOIN races r ON r.id = p.race_id"""
    ).fetchall()
    for plan_id, _, race_date, start_date, days, executions, revisions in plans:
        expected_days = (date.fromisoformat(race_date) - date.fromisoformat(start_date)).days + 1
        assert days == expected_days, f"plan {plan_id} half-written: {days} days"
        assert executions == 1 + revisions, f"plan {plan_id}: a revision half-written"
    assert sum(1 for p in plans if p[1] == "training") == 1, "one active plan, always"
    linked = conn.execute("SELECT COUNT(*) FROM training_days_executed").fetchone()[0]
    assert linked == 1, "the run is linked exactly once, always"
    if isinstance(conn, sqlite3.Connection):
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return len(plans)


async def test_sigkill_mid_write_leaves_old_or_new_state(tmp_path: Path) -> None:
    url = database_url(tmp_path / "crash.db")  # the worker opens it by URL: it exists
    rng = random.Random(20261125)
    plans_seen = 0
    for _ in range(6):
        await _kill_worker_after(url, rng.uniform(0.05, 0.6))
        plans_seen = await _check_consistent(url)  # reopening after the kill works
    assert plans_seen > 6  # the workers really were writing when killed
