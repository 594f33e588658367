"""The inbox as a work queue for several workers (webhook mode).

The webhook stores an update (its ``update_id`` is the key, so a redelivery is recognised)
before Telegram gets its 200. Workers then *lease* updates: only a chat's oldest unhandled
update can be leased, and only while no one else holds it, so one chat's updates run one at a
time and in order, whichever process holds them. A worker that dies leaves its lease to run
out; another takes the update then. An update that has been leased ``MAX_ATTEMPTS`` times
without finishing is given up, so it cannot stall its chat. The SQL is the same on SQLite and
PostgreSQL: a conditional UPDATE decides the race between two workers, as the row lock makes
the loser re-read the winner's lease.
"""

import json
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from storage.inbox import MAX_ATTEMPTS, Inbox
from storage.sqlite import fetch_all

LEASE_S = 30.0  # a killed worker's updates wait this long; live workers renew every third of it
log = logging.getLogger("gofast.queue")


class UpdateQueue:
    def __init__(self, db: Any, owner: str, lease_s: float = LEASE_S) -> None:
        self.db = db
        self.owner = owner
        self.lease_s = lease_s

    async def put(self, update: dict[str, Any], chat_key: int | None, now: datetime) -> bool:
        """Stored (durable when this returns); False when Telegram sent it before."""

        def store(conn: Any) -> bool:
            cursor = conn.execute(
                "INSERT INTO inbox (update_id, payload, received_at, chat_key) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (update_id) DO NOTHING",
                (update["update_id"], json.dumps(update), now.isoformat(), chat_key),
            )
            return bool(cursor.rowcount == 1)

        return bool(await self.db.write(store))

    async def claim(self, limit: int) -> list[tuple[dict[str, Any], int]]:
        """Up to ``limit`` updates, each the oldest unhandled one of its chat, leased to us,
        with the attempt this is (2 and more: a worker that held it died)."""
        return list(await self.db.write(lambda conn: self._claim(conn, limit, time.time())))

    def _claim(self, conn: Any, limit: int, now: float) -> list[tuple[dict[str, Any], int]]:
        heads = fetch_all(
            conn,
            """SELECT i.update_id FROM inbox i
               JOIN (SELECT MIN(update_id) AS first FROM inbox WHERE handled_at IS NULL
                     GROUP BY chat_key) h ON h.first = i.update_id
               WHERE i.lease_until IS NULL OR i.lease_until < ?
               ORDER BY i.update_id LIMIT ?""",
            (now, limit),
        )
        claimed = []
        for head in heads:
            row = conn.execute(
                """UPDATE inbox SET lease_owner = ?, lease_until = ?, attempts = attempts + 1
                   WHERE update_id = ? AND handled_at IS NULL
                     AND (lease_until IS NULL OR lease_until < ?)
                   RETURNING payload, attempts""",
                (self.owner, now + self.lease_s, head[0], now),
            ).fetchone()
            if row is None:
                continue  # another worker was quicker
            if row[1] > MAX_ATTEMPTS:
                log.error("update %s failed %s times: given up", head[0], MAX_ATTEMPTS)
                _finish(conn, [head[0]], self.owner)
                continue
            claimed.append((json.loads(row[0]), int(row[1])))
        return claimed

    async def release_own(self) -> int:
        """At start: the updates this worker's name still holds were leased by an instance of
        it that died (a name is one live process). Free now, they are handled again at once
        rather than when the dead lease runs out. How many."""

        def release(conn: Any) -> int:
            cursor = conn.execute(
                "UPDATE inbox SET lease_until = NULL "
                "WHERE lease_owner = ? AND handled_at IS NULL AND lease_until IS NOT NULL",
                (self.owner,),
            )
            return int(cursor.rowcount)

        return int(await self.db.write(release))

    async def renew(self, update_ids: Sequence[int]) -> None:
        """Our leases on ``update_ids`` run on (they are still being handled)."""
        if not update_ids:
            return
        until = time.time() + self.lease_s
        marks = ", ".join("?" for _ in update_ids)
        await self.db.write(
            lambda conn: conn.execute(
                f"UPDATE inbox SET lease_until = ? WHERE lease_owner = ? "
                f"AND handled_at IS NULL AND update_id IN ({marks})",
                (until, self.owner, *update_ids),
            )
        )

    async def done(self, update_id: int) -> None:
        """Handled: the payload goes (it may hold a password), the id stays to spot repeats."""
        await self.db.write(lambda conn: _finish(conn, [update_id], self.owner))

    async def pending(self) -> int:
        def count(conn: Any) -> int:
            row = conn.execute("SELECT COUNT(*) FROM inbox WHERE handled_at IS NULL").fetchone()
            return int(row[0])

        return int(await self.db.read(count))


def _finish(conn: Any, update_ids: Sequence[int], owner: str) -> None:
    """The owner stays: who handled what, for an operator reading the table."""
    conn.executemany(
        "UPDATE inbox SET handled_at = ?, payload = '{}', lease_until = NULL "
        "WHERE update_id = ? AND lease_owner = ?",
        [(datetime.now(UTC).isoformat(), update_id, owner) for update_id in update_ids],
    )


class QueuedInbox(Inbox):
    """The application's inbox in webhook mode: workers lease and mark updates
    (:class:`UpdateQueue`), so nothing is replayed into one process at start, and a handled
    update is marked by the worker that leased it."""

    async def replay(self) -> list[dict[str, Any]]:
        return []

    def handled_soon(self, update_id: int, now: datetime) -> None:
        return None
