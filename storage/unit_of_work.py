"""The unit of work: a use case and all its SQL in one go, in one transaction.

The repositories' methods are coroutines that never suspend (their SQL is synchronous), so the
use case runs to completion in one ``send``: a write unit in one trip to the writer thread, a
read unit on the event loop (see storage.sqlite). PostgreSQL runs the same
repositories on psycopg's synchronous connections, the same way (storage.postgres).
"""

import sqlite3
from collections.abc import Coroutine
from typing import Any, TypeVar

from core import effects
from core.clock import SystemClock
from core.ports import Clock, Work
from storage.activities import SqlActivities
from storage.athletes import SqlAthletes
from storage.effects import journaled
from storage.executions import SqlExecutions
from storage.garmin import SqlGarminAccounts
from storage.plan_cache import PlanCache
from storage.plans import SqlPlans
from storage.pushes import SqlPushLog
from storage.races import SqlRaces
from storage.sqlite import Database

T = TypeVar("T")


class SqlUnitOfWork:
    def __init__(self, conn: sqlite3.Connection, clock: Clock, plans: PlanCache) -> None:
        self.athletes = SqlAthletes(conn, clock, plans)
        self.races = SqlRaces(conn, clock, plans)
        self.plans = SqlPlans(conn, clock, plans)
        self.activities = SqlActivities(conn, clock, plans)
        self.executions = SqlExecutions(conn, clock, plans)
        self.pushes = SqlPushLog(conn, clock, plans)
        self.garmin = SqlGarminAccounts(conn, clock, plans)


class SqlUnits:
    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self.db = db
        self.clock = clock or SystemClock()
        self.plan_cache = PlanCache()

    async def write(self, work: Work[T]) -> T:
        """``work`` in one transaction; while an update is handled, once per update and step
        (handled again after a crash, the recorded result comes back: storage.effects)."""
        handling = effects.current()
        if handling is None:
            return await self.db.write(lambda conn: self._run(conn, work))
        step = handling.next_write()
        return await self.db.write(
            lambda conn: journaled(conn, handling, step, lambda: self._run(conn, work))
        )

    async def read(self, work: Work[T]) -> T:
        return await self.db.read(lambda conn: self._run(conn, work))

    async def read_long(self, work: Work[T]) -> T:
        return await self.db.read_long(lambda conn: self._run(conn, work))

    def _run(self, conn: sqlite3.Connection, work: Work[T]) -> T:
        coroutine = work(SqlUnitOfWork(conn, self.clock, self.plan_cache))
        assert isinstance(coroutine, Coroutine)
        return run_to_completion(coroutine)


def run_to_completion(coroutine: Coroutine[Any, Any, T]) -> T:
    """The coroutine's result, when it finishes without suspending."""
    try:
        coroutine.send(None)
    except StopIteration as finished:
        return finished.value
    coroutine.close()
    raise RuntimeError("a unit of work awaited something other than its repositories")
