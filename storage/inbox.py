"""The inbox: every update Telegram delivers, kept until it has been handled.

python-telegram-bot confirms an update (the next getUpdates' offset) before handling it, so a
crash in between would lose it. Here the update is written first; the restarted bot handles
what is still pending, and an update Telegram delivers a second time is recognised.
"""

import asyncio
import contextlib
import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.sqlite import Database, fetch_all

MAX_ATTEMPTS = 3
MARK_WITHIN_S = 0.05


class Inbox:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._done: dict[int, str] = {}  # handled, not marked yet: update id → when
        self._marker: asyncio.Task[None] | None = None

    async def receive(self, updates: Sequence[dict[str, Any]], now: datetime) -> set[int]:
        """Keep ``updates`` (one transaction, with the handled marks waiting); the ids of those
        seen before."""
        done, self._done = self._done, {}

        def keep(conn: sqlite3.Connection) -> set[int]:
            _mark(conn, done)
            seen = set()
            for update in updates:
                cursor = conn.execute(
                    "INSERT INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (update_id) DO NOTHING",
                    (update["update_id"], json.dumps(update), now.isoformat()),
                )
                if cursor.rowcount == 0:
                    seen.add(update["update_id"])
            return seen

        try:
            return await self.db.write(keep)
        except BaseException:
            self._done = {**done, **self._done}
            raise

    def handled_soon(self, update_id: int, now: datetime) -> None:
        """Mark ``update_id`` handled with the next write (see the module's note)."""
        self._done[update_id] = now.isoformat()
        if self._marker is None or self._marker.done():
            self._marker = asyncio.create_task(self._mark_later())

    async def _mark_later(self) -> None:
        await asyncio.sleep(MARK_WITHIN_S)
        await self.flush()

    async def flush(self) -> None:
        """Write the marks waiting now (also at shutdown)."""
        done, self._done = self._done, {}
        if done:
            await self.db.write(lambda conn: _mark(conn, done))

    async def close(self) -> None:
        if self._marker is not None:
            self._marker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._marker
        await self.flush()

    async def replay(self) -> list[dict[str, Any]]:
        """Updates a crash left unhandled, oldest first, each counted as one more attempt; an
        update that has crashed the bot three times is given up (else it would crash it again)."""

        def pending(conn: sqlite3.Connection) -> list[dict[str, Any]]:
            conn.execute("UPDATE inbox SET attempts = attempts + 1 WHERE handled_at IS NULL")
            rows = fetch_all(
                conn,
                "SELECT payload FROM inbox WHERE handled_at IS NULL AND attempts <= ? "
                "ORDER BY update_id",
                (MAX_ATTEMPTS,),
            )
            return [json.loads(row["payload"]) for row in rows]

        return await self.db.write(pending)

    async def handled(self, update_id: int, now: datetime) -> None:
        """Mark ``update_id`` handled now."""
        await self.db.write(lambda conn: _mark(conn, {update_id: now.isoformat()}))

    async def forget_before(self, moment: datetime) -> None:
        """Telegram redelivers an unconfirmed update for 24 hours at most."""
        await self.db.write(
            lambda conn: conn.execute(
                "DELETE FROM inbox WHERE received_at < ?", (moment.isoformat(),)
            )
        )


def _mark(conn: sqlite3.Connection, done: dict[int, str]) -> None:
    """Done with: the payload goes (it may hold a password), the id stays to spot repeats."""
    conn.executemany(
        "UPDATE inbox SET handled_at = ?, payload = '{}' WHERE update_id = ?",
        [(at, update_id) for update_id, at in done.items()],
    )
