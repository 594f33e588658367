"""`gofast migrate`: processes starting together migrate once; `--from sqlite:///…` moves a
SQLite install into an empty database (PostgreSQL in the PostgreSQL run) without losing a row."""

import asyncio
from pathlib import Path

import psycopg
import pytest

from core.analysis import analyse
from core.models import Athlete
from gofast.cli import main
from storage import migrate_database, open_database
from storage.copy import TABLES
from storage.inbox import Inbox
from storage.sqlite import Database
from tests.backends import database_url
from tests.storage.conftest import NOW, a_plan, a_run
from tests.units import storage_calls


async def test_processes_starting_together_migrate_once(tmp_path: Path) -> None:
    url = database_url(tmp_path / "together.db")
    versions = await asyncio.gather(*(migrate_database(url) for _ in range(4)))
    assert len(set(versions)) == 1 and versions[0] >= 9
    async with open_database(url) as db:
        assert await db.migrate() == versions[0]  # nothing left to do


async def a_sqlite_install(path: Path) -> int:
    """A SQLite database with a runner, a plan, a linked run, a revision, a push, bot state
    and a stored update; the runner's id."""
    async with Database(path) as db:
        repo = storage_calls(db)
        athlete = await repo.upsert_athlete(Athlete(telegram_user_id=77, chat_id=77))
        plan = await repo.save_plan(athlete.stored_id, a_plan(), NOW)
        run, _ = await repo.import_activity(athlete.stored_id, a_run(0, 8.0))
        day = plan.days()[0]
        await repo.link_activity(athlete.stored_id, run.id, day.id, analyse(day.planned, run))
        await repo.claim_push(athlete.stored_id, "daily", "2026-12-01")
        await Inbox(db).receive([{"update_id": 5, "message": {"text": "hi"}}], NOW)
        await db.write(
            lambda conn: conn.execute(
                "INSERT INTO bot_state (kind, key, data) VALUES ('user', '77', '{\"a\": 1}')"
            )
        )
        return athlete.stored_id


def counts(url: str) -> dict[str, int]:
    async def count() -> dict[str, int]:
        async with open_database(url) as db:
            return await db.read(
                lambda conn: {
                    t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES
                }
            )

    return asyncio.run(count())


def export(url: str, athlete_id: int) -> dict:  # type: ignore[type-arg]
    async def read() -> dict:  # type: ignore[type-arg]
        async with open_database(url) as db:
            return await storage_calls(db).export_athlete(athlete_id)  # type: ignore[no-any-return]

    return asyncio.run(read())


def test_migrate_from_sqlite_copies_every_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = f"sqlite:///{tmp_path / 'old.db'}"
    athlete_id = asyncio.run(a_sqlite_install(tmp_path / "old.db"))
    target = database_url(tmp_path / "new.db")
    monkeypatch.setenv("DATABASE_URL", target)

    assert main(["migrate", "--from", source]) == 0
    assert "copied every row" in capsys.readouterr().out
    assert counts(target) == counts(source)
    assert all(counts(source)[t] for t in ("athletes", "training_days_executed", "inbox"))
    assert export(target, athlete_id) == export(source, athlete_id)

    async def a_new_runner() -> int:  # new rows get new ids after the copied ones
        async with open_database(target) as db:
            new = await storage_calls(db).upsert_athlete(Athlete(telegram_user_id=78, chat_id=78))
            return new.stored_id

    assert asyncio.run(a_new_runner()) > athlete_id

    assert main(["migrate", "--from", source]) == 2  # twice would double every row
    assert "empty database" in capsys.readouterr().err


async def test_a_dropped_connection_fails_one_unit_and_the_next_works(tmp_path: Path) -> None:
    """The database server dropping us (a restart, a failover) costs one unit of work, not the
    process: the lane connects again."""
    async with open_database(database_url(tmp_path / "dropped.db")) as db:
        repo = storage_calls(db)
        await repo.upsert_athlete(Athlete(telegram_user_id=90, chat_id=90))
        if hasattr(db, "url"):  # PostgreSQL: the server ends our writer's session
            with pytest.raises(psycopg.OperationalError):
                await db.write(
                    lambda conn: conn.execute("SELECT pg_terminate_backend(pg_backend_pid())")
                )
        assert (await repo.athlete_by_telegram(90)) is not None
