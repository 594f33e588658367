"""What every SQLite repository shares: the unit of work's connection and the clock."""

import sqlite3
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC
from typing import Any

import psycopg

from core.clock import SystemClock
from core.errors import NotFound
from core.models import Athlete, PlanStatus
from core.ports import Clock
from storage import rows
from storage.plan_cache import PlanCache
from storage.sqlite import fetch_one

# a unique or foreign key refused, by either database
INTEGRITY_ERRORS = (sqlite3.IntegrityError, psycopg.IntegrityError)
ACTIVE_STATUSES = (PlanStatus.PLANNING.value, PlanStatus.TRAINING.value)


class SqlRepository:
    """A repository lives inside one unit of work: its statements run in that transaction.
    ``plans`` is the process's plan cache, shared by every unit."""

    def __init__(
        self, conn: sqlite3.Connection, clock: Clock | None = None, plans: PlanCache | None = None
    ) -> None:
        self.conn = conn
        self.clock = clock or SystemClock()
        self.plans = plans or PlanCache()

    def _stamp(self) -> str:
        return self.clock.now().astimezone(UTC).isoformat()


def may_be_refused(conn: Any) -> AbstractContextManager[Any]:
    """Around a statement a unique key may refuse, when the unit goes on after the refusal:
    SQLite undoes just that statement; PostgreSQL would abort the whole transaction, so there
    it runs in a savepoint."""
    savepoint = getattr(conn, "savepoint", None)
    return savepoint() if savepoint else nullcontext()


def athlete_where(conn: sqlite3.Connection, where: str, arg: Any) -> Athlete:
    row = fetch_one(conn, f"SELECT * FROM athletes WHERE {where}", (arg,))
    if row is None:
        raise NotFound("unknown_runner")
    return rows.athlete(row)
