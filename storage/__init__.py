"""Persistence: the only room with SQL. SQLite (stdlib sqlite3 on our own threads) is the
embedded default; PostgreSQL (psycopg 3) serves several processes. Both run the same
repositories; see storage/unit_of_work.py and storage/postgres.py."""

from pathlib import Path
from typing import Any


def open_database(url: str) -> Any:
    """The database a ``DATABASE_URL`` names (not opened yet): ``sqlite:///path`` or
    ``postgresql://…``."""
    from storage.postgres import PostgresDatabase, is_postgres_url
    from storage.sqlite import Database

    if is_postgres_url(url):
        return PostgresDatabase(url)
    return Database(Path(url.removeprefix("sqlite:///")))


async def migrate_database(url: str) -> int:
    """Create or upgrade the database ``url`` names; its schema version."""
    async with open_database(url) as db:
        return int(await db.schema_version())
