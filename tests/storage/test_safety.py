"""Storage fixes for a hostile world: unicode race keys, one plan per Confirm, the inbox, a
private database file, and the migration that repairs what earlier versions wrote."""

import sqlite3
import stat
from pathlib import Path

import pytest

from core.models import RaceType
from core.plan import generate_plan
from storage.inbox import MAX_ATTEMPTS, Inbox
from storage.sqlite import Database, migrations
from tests.backends import database
from tests.core.plans import request
from tests.storage.conftest import NOW, new_athlete
from tests.units import OneUnitPerCall, storage_calls


def named(plan_request, name: str):  # type: ignore[no-untyped-def]
    race = plan_request.race.model_copy(update={"race_name": name})
    return generate_plan(plan_request.model_copy(update={"race": race}))


async def test_non_latin_race_names_stay_apart(repo: OneUnitPerCall) -> None:
    athlete = await new_athlete(repo)
    base = request(RaceType.MARATHON, 16)
    kyiv = await repo.save_plan(athlete.id, named(base, "Киевский марафон"), NOW)
    tokyo = await repo.save_plan(athlete.id, named(base, "東京マラソン"), NOW)
    assert kyiv.race.id != tokyo.race.id and tokyo.race.race_name == "東京マラソン"
    found = await repo.find_races("東京", base.race.race_date)
    assert [r.race_name for r in found] == ["東京マラソン"]
    assert await repo.find_races("!!!", base.race.race_date) == []


async def test_one_confirm_makes_one_plan(repo: OneUnitPerCall) -> None:
    athlete = await new_athlete(repo)
    plan = generate_plan(request(RaceType.HALF, 12))
    first = await repo.save_plan(athlete.id, plan, NOW, request_key="draft-1")
    again = await repo.save_plan(athlete.id, plan, NOW, request_key="draft-1")
    assert again.id == first.id
    other = await repo.save_plan(athlete.id, plan, NOW, request_key="draft-2")
    assert other.id != first.id
    assert len(await repo.plan_history(athlete.id)) == 2


async def test_inbox_keeps_updates_until_handled(db_path: Path) -> None:
    async with database(db_path) as db:
        inbox = Inbox(db)
        updates = [{"update_id": 7, "message": {"text": "hi"}}, {"update_id": 8}]
        assert await inbox.receive(updates, NOW) == set()
        assert await inbox.receive(updates[:1], NOW) == {7}  # delivered again: a repeat
        await inbox.handled(7, NOW)
        assert [u["update_id"] for u in await inbox.replay()] == [8]
        kept = await db.read(
            lambda conn: conn.execute("SELECT payload FROM inbox WHERE update_id = 7").fetchone()
        )
        assert kept[0] == "{}"  # a handled update's text is gone (it may have held a password)


async def test_an_update_that_keeps_crashing_the_bot_is_given_up(db_path: Path) -> None:
    async with database(db_path) as db:
        inbox = Inbox(db)
        await inbox.receive([{"update_id": 1}], NOW)
        replays = [len(await inbox.replay()) for _ in range(MAX_ATTEMPTS + 2)]
        assert replays == [1] * MAX_ATTEMPTS + [0, 0]


@pytest.mark.sqlite_only
async def test_the_database_is_for_the_bot_user_only(tmp_path: Path) -> None:
    path = tmp_path / "data" / "gofast.db"
    async with Database(path):
        pass
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def forget_workers_tables(conn: sqlite3.Connection) -> None:
    """What migrations 0009 and 0010 added, gone, as in a database from before them."""
    conn.execute("DROP TABLE update_effects")
    for column in ("update_id", "data_before"):
        conn.execute(f"ALTER TABLE bot_state DROP COLUMN {column}")
    for table in ("leases", "send_rate", "flood_counts", "garmin_pending"):
        conn.execute(f"DROP TABLE {table}")
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'inbox'").fetchone():
        conn.execute("DROP INDEX inbox_pending")
        for column in ("chat_key", "lease_owner", "lease_until"):
            conn.execute(f"ALTER TABLE inbox DROP COLUMN {column}")
        conn.execute("CREATE INDEX inbox_pending ON inbox (update_id) WHERE handled_at IS NULL")


@pytest.mark.sqlite_only
async def test_migration_repairs_group_chats_keys_and_empty_race_keys(db_path: Path) -> None:
    async with Database(db_path) as db:
        repo = storage_calls(db)
        athlete = await new_athlete(repo, 55)
        plan = generate_plan(request(RaceType.HALF, 12))
        await repo.save_plan(athlete.id, plan, NOW)
    with sqlite3.connect(db_path) as conn:  # what versions before 0004 left behind
        conn.execute("UPDATE athletes SET chat_id = -100123 WHERE telegram_user_id = 55")
        conn.execute("UPDATE races SET race_key = ''")
        conn.execute(
            "INSERT INTO bot_state (kind, key, data) VALUES ('conversation:race', '[55, 55]', '1')"
        )
        before = max(version for version, _ in migrations() if version < 4)
        conn.execute(f"PRAGMA user_version = {before}")
        conn.execute("DROP TABLE inbox")
        conn.execute("DROP INDEX training_plans_request")
        conn.execute("ALTER TABLE training_plans DROP COLUMN request_key")
        for trigger in ("inserted", "updated", "deleted"):  # and what 0005 added
            conn.execute(f"DROP TRIGGER training_days_{trigger}")
        conn.execute("DROP TRIGGER training_plans_updated")  # and 0006
        conn.execute("DROP TABLE skipped_days")  # and 0007
        forget_workers_tables(conn)  # and 0009
        conn.execute("ALTER TABLE training_plans DROP COLUMN days_version")
    async with Database(db_path) as db:
        repo = storage_calls(db)
        assert (await repo.athlete_by_telegram(55)).chat_id == 55
        assert await repo.find_races("", plan.race.race_date) == []
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT key FROM bot_state").fetchall() == [("[55,55]",)]
        assert conn.execute("SELECT race_key FROM races").fetchone()[0].startswith("race ")


@pytest.mark.sqlite_only
async def test_skips_kept_in_the_push_log_become_skipped_days(db_path: Path) -> None:
    async with Database(db_path) as db:
        repo = storage_calls(db)
        athlete = await new_athlete(repo, 56)
        plan = await repo.save_plan(athlete.id, generate_plan(request(RaceType.HALF, 12)), NOW)
    day = plan.days()[1]
    with sqlite3.connect(db_path) as conn:  # how versions before 0007 recorded "Skip today"
        conn.execute("DROP TABLE skipped_days")
        forget_workers_tables(conn)
        conn.execute("PRAGMA user_version = 6")
        conn.execute(
            "INSERT INTO push_log (athlete_id, kind, slot, status, updated_at) "
            "VALUES (?, 'skip', ?, 'skipped', ?)",
            (athlete.id, day.date.isoformat(), NOW.isoformat()),
        )
    async with Database(db_path) as db:
        repo = storage_calls(db)
        assert await repo.missed_days([(athlete.id, day.date)]) == {}
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM push_log WHERE kind = 'skip'").fetchone() == (0,)
