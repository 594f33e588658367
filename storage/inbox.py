"""The inbox: every update Telegram delivers, kept until it has been handled.

python-telegram-bot confirms an update (the next getUpdates' offset) before handling it, so a
crash in between would lose it. Here the update is written first; the restarted bot handles
what is still pending, and an update Telegram delivers a second time is recognised.
"""

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.sqlite import Database, fetch_all

MAX_ATTEMPTS = 3


class Inbox:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def receive(self, updates: Sequence[dict[str, Any]], now: datetime) -> set[int]:
        """Keep ``updates`` (one transaction); the ids of those seen before."""

        def keep(conn: sqlite3.Connection) -> set[int]:
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

        return await self.db.write(keep)

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
        """Done with: the payload goes (it may hold a password), the id stays to spot repeats."""
        await self.db.write(
            lambda conn: conn.execute(
                "UPDATE inbox SET handled_at = ?, payload = '{}' WHERE update_id = ?",
                (now.isoformat(), update_id),
            )
        )

    async def forget_before(self, moment: datetime) -> None:
        """Telegram redelivers an unconfirmed update for 24 hours at most."""
        await self.db.write(
            lambda conn: conn.execute(
                "DELETE FROM inbox WHERE received_at < ?", (moment.isoformat(),)
            )
        )
