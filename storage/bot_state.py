"""Key-value rows for python-telegram-bot's persistence (conversations, user and chat data)."""

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from storage.codec import json_text
from storage.sqlite import Database, fetch_all


def conversation_key(key: Sequence[int | str]) -> str:
    """How a conversation's (chat id, user id) key is stored: one spelling, so /delete finds it."""
    return json_text(list(key))


class BotStateStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    def conversation_key(key: Sequence[int | str]) -> str:
        return conversation_key(key)

    async def load(self, kind: str) -> dict[str, Any]:
        rows = await self.db.read(
            lambda conn: fetch_all(conn, "SELECT key, data FROM bot_state WHERE kind = ?", (kind,))
        )
        return {row["key"]: json.loads(row["data"]) for row in rows}

    async def load_key(self, key: str, kinds: Sequence[str]) -> dict[str, Any]:
        """The rows of ``key`` among ``kinds``: kind → data (a kind without a row is absent)."""
        marks = ", ".join("?" for _ in kinds)
        rows = await self.db.read(
            lambda conn: fetch_all(
                conn,
                f"SELECT kind, data FROM bot_state WHERE key = ? AND kind IN ({marks})",
                (key, *kinds),
            )
        )
        return {row["kind"]: json.loads(row["data"]) for row in rows}

    async def save(self, kind: str, key: str, data: Any) -> None:
        """Write one row at once (None deletes it): durable when this returns."""

        def store(conn: sqlite3.Connection) -> None:
            if data is None:
                conn.execute("DELETE FROM bot_state WHERE kind = ? AND key = ?", (kind, key))
            else:
                conn.execute(
                    "INSERT INTO bot_state (kind, key, data) VALUES (?, ?, ?) "
                    "ON CONFLICT (kind, key) DO UPDATE SET data = excluded.data",
                    (kind, key, json.dumps(data, default=str)),
                )

        await self.db.write(store)
