"""PostgreSQL connections, transactions and migrations, behind the same repositories as SQLite.

Why psycopg 3 and not asyncpg: our repositories are synchronous DB-API code that a unit of work
runs in one trip to a thread (see storage.sqlite and storage.unit_of_work). psycopg speaks
DB-API 2 as sqlite3 does, so every repository, query and row mapping serves both databases
unchanged; asyncpg would have needed a second, awaiting copy of each. Client-side binding
(``ClientCursor``) takes our ``?`` SQL with the literal rules SQLite applies, so the SQL is
shared too; the few dialect differences live in the migrations.

Each lane is one connection on one thread: writes (READ COMMITTED), reads (REPEATABLE READ,
read only: one snapshot per unit) and long reads. Several processes share one database; what
must happen once across them (migrations, the inbox, pushes, Garmin syncs) is decided by the
database itself: an advisory lock, unique keys, leases (storage.workers).
"""

import re
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from functools import lru_cache
from importlib import resources
from typing import Any, ClassVar, TypeVar

import psycopg
from psycopg import IsolationLevel
from psycopg.types.numeric import FloatLoader

from storage.sqlite import Lane

T = TypeVar("T")
MIGRATION_LOCK = 0x60FA57  # pg_advisory_xact_lock key: one process migrates, the others wait
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def migrations() -> list[tuple[int, str]]:
    """(version, SQL) of every PostgreSQL migration, numbered as the SQLite schema it equals."""
    found = []
    for entry in resources.files("storage").joinpath("migrations").joinpath("postgres").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    return sorted(found)


class Row(tuple):
    """A row read by position or by column name, as ``sqlite3.Row`` is."""

    __slots__ = ()
    _index: ClassVar[dict[str, int]] = {}

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


@lru_cache(maxsize=512)
def _row_class(names: tuple[str, ...]) -> type[Row]:
    return type("Row", (Row,), {"__slots__": (), "_index": {n: i for i, n in enumerate(names)}})


def _rows(cursor: "psycopg.Cursor[Any]") -> Callable[[Sequence[Any]], Row]:
    names = tuple(column.name for column in cursor.description or ())
    return _row_class(names)


@lru_cache(maxsize=1024)
def dialect(sql: str) -> str:
    """Our SQLite-style SQL for psycopg: ``?`` marks become ``%s`` (a literal % doubles)."""
    return sql.replace("%", "%%").replace("?", "%s")


class PgConnection:
    """The slice of ``sqlite3.Connection`` the repositories use, on a psycopg connection."""

    def __init__(self, raw: "psycopg.Connection[Any]") -> None:
        self.raw = raw

    def execute(self, sql: str, args: Sequence[Any] = ()) -> "psycopg.Cursor[Any]":
        cursor = self.raw.cursor()
        if args:
            cursor.execute(dialect(sql), tuple(args))
        else:
            cursor.execute(sql)
        return cursor

    def executemany(self, sql: str, rows: Any) -> "psycopg.Cursor[Any]":
        cursor = self.raw.cursor()
        cursor.executemany(dialect(sql), list(rows))
        return cursor

    def savepoint(self) -> AbstractContextManager["psycopg.Transaction"]:
        return self.raw.transaction()

    def close(self) -> None:
        self.raw.close()


def connect(url: str, *, read_only: bool = False) -> PgConnection:
    raw = psycopg.connect(url, cursor_factory=psycopg.ClientCursor, row_factory=_rows)
    # SUM() and AVG() give NUMERIC: read as float, as SQLite does
    raw.adapters.register_loader("numeric", FloatLoader)
    if read_only:
        raw.isolation_level = IsolationLevel.REPEATABLE_READ
        raw.read_only = True
    return PgConnection(raw)


class PostgresDatabase:
    """What storage.sqlite.Database offers, on PostgreSQL: write, read, read_long, migrate."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._writer = Lane(lambda: connect(url), "pg-write")
        self._reader = Lane(lambda: connect(url, read_only=True), "pg-read")
        self._long_reads = Lane(lambda: connect(url, read_only=True), "pg-long")

    async def open(self) -> "PostgresDatabase":
        await self._writer.open()
        await self.migrate()
        await self._reader.open()
        await self._long_reads.open()
        return self

    async def close(self) -> None:
        for lane in (self._reader, self._long_reads, self._writer):
            await lane.close()

    async def __aenter__(self) -> "PostgresDatabase":
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def trips(self) -> int:
        return self._writer.trips + self._reader.trips + self._long_reads.trips

    async def schema_version(self) -> int:
        return await self._run(self._writer, _version)

    async def migrate(self) -> int:
        """Every migration newer than the database, in one transaction under an advisory lock:
        processes starting together apply each exactly once."""
        return await self._run(self._writer, _migrate)

    async def write(self, work: Callable[[Any], T]) -> T:
        return await self._run(self._writer, work)

    async def read(self, work: Callable[[Any], T]) -> T:
        return await self._run(self._reader, work)

    async def read_long(self, work: Callable[[Any], T]) -> T:
        return await self._run(self._long_reads, work)

    async def _run(self, lane: Lane[PgConnection], work: Callable[[PgConnection], T]) -> T:
        """``work`` in one transaction. A connection the server dropped fails this unit (all of
        it, as a transaction does) and is replaced, so the next unit works again."""
        try:
            return await lane.run(lambda conn: _atomic(conn, work))
        except psycopg.OperationalError:
            if lane.conn.raw.broken:
                await lane.reopen()
            raise


def _atomic(conn: PgConnection, work: Callable[[PgConnection], T]) -> T:
    try:
        result = work(conn)
    except BaseException:
        if not conn.raw.broken:  # a lost connection has nothing to roll back
            conn.raw.rollback()
        raise
    conn.raw.commit()
    return result


def _version(conn: PgConnection) -> int:
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    (version,) = conn.execute("SELECT max(version) FROM schema_version").fetchone() or (0,)
    return int(version or 0)


def _migrate(conn: PgConnection) -> int:
    conn.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
    current = _version(conn)
    for version, sql in migrations():
        if version > current:
            conn.execute(sql)
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
            current = version
    return current
