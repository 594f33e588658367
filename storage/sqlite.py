"""SQLite connections, transactions and versioned migrations.

Writes run on one writer thread (a *lane*), as in aiosqlite, but a lane runs a whole unit of
work, not one statement: its SQL is one trip to the thread and back, where a
statement-at-a-time driver pays that trip per statement. Writes leave the event loop because
they may wait: for another process's write lock (busy timeout) or a WAL checkpoint's fsync.
SQLite allows one writer at a time anyway; the lane's queue serialises write units in order.

Reads run on the event loop itself, on their own connection: in WAL mode a reader never waits
for a lock, and our reads are indexed and small (plans come from the process's cache), so a
read unit takes a fraction of a millisecond — less than the trip to a thread, which under
load costs more (measured in bench/bot.py: 1–1.5 CPU ms per update, the GIL passing between
threads). Each read unit sees one consistent snapshot. The few reads that may take long (the
push tick, an export) go to a thread of their own instead (``read_long``).
"""

import asyncio
import contextlib
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")
C = TypeVar("C", bound="Closable")
BUSY_TIMEOUT_MS = 5000
# Stock SQLite (and PostgreSQL's protocol) take at most 32,766 parameters per statement.
MAX_PARAMETERS = 32_766
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    # WAL + NORMAL: a commit survives a killed process (it is in the WAL); only a power cut may
    # lose the last commits. Each transaction is still all-or-nothing.
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
    # what is deleted or overwritten (a handled update's text) is zeroed, not left in free
    # pages of the file
    "PRAGMA secure_delete = ON",
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
)


def migrations() -> list[tuple[int, str]]:
    """(version, SQL) of every migration shipped in ``storage/migrations``, in order."""
    found = []
    for entry in resources.files("storage").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    return sorted(found)


class Closable(Protocol):
    """A DB-API connection, as far as a lane needs to know."""

    def close(self) -> None: ...


class Lane(Generic[C]):
    """One connection and the one thread that ever touches it (SQLite's or PostgreSQL's)."""

    def __init__(self, connect: Callable[[], C], name: str = "sqlite") -> None:
        self._connect = connect
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._conn: C | None = None
        self.trips = 0  # calls made: what the benchmarks report as thread hops

    async def open(self) -> None:
        self._conn = await self._call(self._connect)

    async def reopen(self) -> None:
        """A new connection for a broken one (the server restarted, the network dropped)."""
        old, self._conn = self._conn, None
        with contextlib.suppress(Exception):
            if old is not None:
                await self._call(old.close)
        await self.open()

    async def run(self, work: Callable[[C], T]) -> T:
        self.trips += 1
        return await self._call(lambda: work(self.conn))

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._thread, fn, *args)

    @property
    def conn(self) -> C:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    async def close(self) -> None:
        if self._conn is not None:
            await self._call(self._conn.close)
            self._conn = None
        self._thread.shutdown(wait=True)


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)  # we say BEGIN and COMMIT ourselves
    conn.row_factory = sqlite3.Row
    for pragma in PRAGMAS:
        _patiently(conn, pragma)
    return conn


def _patiently(conn: sqlite3.Connection, pragma: str) -> None:
    """Switching a new file to WAL wants it to itself, and SQLite answers "locked" at once
    instead of waiting when another process is opening it too: try again for a while."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute(pragma)
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


class Database:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._writer = Lane(lambda: _connect(self.path))
        self._long_reads = Lane(lambda: _connect(self.path))
        self._reader: sqlite3.Connection | None = None

    async def open(self) -> "Database":
        self._create_private()
        await self._writer.open()
        await self.migrate()
        await self._long_reads.open()
        self._reader = _connect(self.path)
        return self

    def _create_private(self) -> None:
        """Runners' data is for the bot's user only: a new folder 0700, the file 0600 (SQLite
        gives its -wal and -shm files the database file's mode)."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
        os.chmod(self.path, 0o600)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        await self._long_reads.close()
        await self._writer.close()

    async def __aenter__(self) -> "Database":
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def trips(self) -> int:
        """Thread hops so far (write units and long reads)."""
        return self._writer.trips + self._long_reads.trips

    async def count_statements(self) -> Callable[[], int]:
        """From now on, count the statements both connections run (benchmarks)."""
        counted = [0]

        def count(_: str) -> None:
            counted[0] += 1

        for lane in (self._writer, self._long_reads):
            await lane.run(lambda conn: conn.set_trace_callback(count))
        self._read_connection.set_trace_callback(count)
        return lambda: counted[0]

    async def schema_version(self) -> int:
        return await self._writer.run(_user_version)

    async def migrate(self) -> int:
        """Apply every migration newer than the database, each in its own transaction."""
        return await self._writer.run(_migrate)

    async def write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work`` in one write transaction: all of it commits, or none (one thread hop)."""
        return await self._writer.run(lambda conn: _atomic(conn, "BEGIN IMMEDIATE", work))

    async def read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work`` on one consistent snapshot, here on the event loop (see the module note)."""
        return _atomic(self._read_connection, "BEGIN", work)

    async def read_long(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """A read that may take seconds (the push tick for 100k runners, an export): on its
        own thread, so the event loop goes on answering meanwhile."""
        return await self._long_reads.run(lambda conn: _atomic(conn, "BEGIN", work))

    @property
    def _read_connection(self) -> sqlite3.Connection:
        if self._reader is None:
            raise RuntimeError("database is not open")
        return self._reader


def _atomic(conn: sqlite3.Connection, begin: str, work: Callable[[sqlite3.Connection], T]) -> T:
    conn.execute(begin)
    try:
        result = work(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _migrate(conn: sqlite3.Connection) -> int:
    """Each migration in its own transaction, the version read under the write lock: a
    process starting beside another waits, then finds the work done."""
    for version, sql in migrations():
        conn.execute("BEGIN IMMEDIATE")
        try:
            if _user_version(conn) < version:
                for statement in _statements(sql):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return _user_version(conn)


def _statements(script: str) -> Iterator[str]:
    """A script's statements one by one (executescript would commit before it starts)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            yield statement
            statement = ""


def fetch_all(conn: sqlite3.Connection, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
    return conn.execute(sql, args).fetchall()


def fetch_tuples(conn: sqlite3.Connection, sql: str, args: Sequence[Any] = ()) -> list[Any]:
    """Rows as plain tuples: for the many-runner reads, where named access costs too much."""
    if not isinstance(conn, sqlite3.Connection):  # PostgreSQL's rows are tuples already
        return fetch_all(conn, sql, args)
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, args).fetchall()


def fetch_one(conn: sqlite3.Connection, sql: str, args: Sequence[Any] = ()) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(sql, args).fetchone()
    return row


def batches(items: Sequence[T], parameters_each: int = 1) -> Iterator[Sequence[T]]:
    """``items`` in slices small enough that no statement exceeds MAX_PARAMETERS."""
    size = max(1, MAX_PARAMETERS // parameters_each - 8)  # room for a few fixed parameters
    for start in range(0, len(items), size):
        yield items[start : start + size]
