"""SQLite connection, transactions and versioned migrations.

One writer connection per process, serialised by an asyncio lock: SQLite allows one writer at
a time anyway, and sharing a connection between coroutines without a lock would interleave
their transactions. Reads take one of a few reader connections (each with its own thread) and
see a consistent WAL snapshot, so they neither wait for writes nor for each other.
"""

import asyncio
import os
import re
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

T = TypeVar("T")
BUSY_TIMEOUT_MS = 5000
# Stock SQLite (and PostgreSQL's protocol) take at most 32,766 parameters per statement.
MAX_PARAMETERS = 32_766
READERS = 4
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[int, str]]:
    """(version, SQL) of every migration shipped in ``storage/migrations``, in order."""
    found = []
    for entry in resources.files("storage").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    return sorted(found)


class Database:
    def __init__(self, path: Path | str, readers: int = READERS) -> None:
        self.path = Path(path)
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._reader_count = readers
        self._readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()

    async def open(self) -> "Database":
        self._create_private()
        self._conn = await self._connect()
        await self.migrate()
        for _ in range(self._reader_count):
            self._readers.put_nowait(await self._connect())
        return self

    def _create_private(self) -> None:
        """Runners' data is for the bot's user only: a new folder 0700, the file 0600 (SQLite
        gives its -wal and -shm files the database file's mode)."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
        os.chmod(self.path, 0o600)

    async def _connect(self) -> aiosqlite.Connection:
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        for pragma in (
            "PRAGMA journal_mode = WAL",
            # WAL + NORMAL: a commit survives a killed process (it is in the WAL); only a power
            # cut may lose the last commits. Each transaction is still all-or-nothing.
            "PRAGMA synchronous = NORMAL",
            "PRAGMA foreign_keys = ON",
            # what is deleted or overwritten (a handled update's text) is zeroed, not left in
            # free pages of the file
            "PRAGMA secure_delete = ON",
            f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
        ):
            await conn.execute(pragma)
        return conn

    async def close(self) -> None:
        while not self._readers.empty():
            await self._readers.get_nowait().close()
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    async def __aenter__(self) -> "Database":
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    async def schema_version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self) -> int:
        """Apply every migration newer than the database, each in its own transaction."""
        async with self._lock:
            current = await self.schema_version()
            for version, sql in migrations():
                if version <= current:
                    continue
                try:
                    await self.conn.executescript(
                        f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;"
                    )
                except Exception:
                    if self.conn.in_transaction:
                        await self.conn.rollback()
                    raise
            return await self.schema_version()

    @asynccontextmanager
    async def transaction(self, *, write: bool = True) -> AsyncIterator[aiosqlite.Connection]:
        """All statements inside commit together or not at all (reads: one snapshot)."""
        if write:
            async with self._lock, _atomic(self.conn, "BEGIN IMMEDIATE"):
                yield self.conn
            return
        async with self.read() as conn, _atomic(conn, "BEGIN"):
            yield conn

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """A reader connection in autocommit: each statement sees its own committed snapshot.
        Cheapest for single-statement reads; use ``transaction(write=False)`` for several."""
        if not self._reader_count:
            async with self._lock:
                yield self.conn
            return
        conn = await self._readers.get()
        try:
            yield conn
        finally:
            self._readers.put_nowait(conn)


@asynccontextmanager
async def _atomic(conn: aiosqlite.Connection, begin: str) -> AsyncIterator[None]:
    await conn.execute(begin)
    try:
        yield
    except BaseException:
        await conn.execute("ROLLBACK")
        raise
    await conn.execute("COMMIT")


async def migrate_database(path: Path | str) -> int:
    async with Database(path) as db:
        return await db.schema_version()


async def fetch_all(
    conn: aiosqlite.Connection, sql: str, args: Sequence[Any] = ()
) -> list[aiosqlite.Row]:
    """All rows in one round trip to the connection's thread."""
    return list(await conn.execute_fetchall(sql, args))


async def fetch_one(
    conn: aiosqlite.Connection, sql: str, args: Sequence[Any] = ()
) -> aiosqlite.Row | None:
    rows = await fetch_all(conn, sql, args)
    return rows[0] if rows else None


def batches(items: Sequence[T], parameters_each: int = 1) -> Iterator[Sequence[T]]:
    """``items`` in slices small enough that no statement exceeds MAX_PARAMETERS."""
    size = max(1, MAX_PARAMETERS // parameters_each - 8)  # room for a few fixed parameters
    for start in range(0, len(items), size):
        yield items[start : start + size]
