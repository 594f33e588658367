"""Key-value rows for python-telegram-bot's persistence (conversations, user and chat data)."""

import json
from collections.abc import Sequence
from typing import Any

from storage.codec import json_text
from storage.sqlite import Database


def conversation_key(key: Sequence[int]) -> str:
    """How a conversation's (chat id, user id) key is stored: one spelling, so /delete finds it."""
    return json_text(list(key))


class BotStateStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def load(self, kind: str) -> dict[str, Any]:
        async with (
            self.db.transaction(write=False) as conn,
            conn.execute("SELECT key, data FROM bot_state WHERE kind = ?", (kind,)) as cursor,
        ):
            return {row["key"]: json.loads(row["data"]) for row in await cursor.fetchall()}

    async def save(self, kind: str, key: str, data: Any) -> None:
        """Write one row at once (None deletes it): durable when this returns."""
        async with self.db.transaction() as conn:
            if data is None:
                await conn.execute("DELETE FROM bot_state WHERE kind = ? AND key = ?", (kind, key))
            else:
                await conn.execute(
                    "INSERT INTO bot_state (kind, key, data) VALUES (?, ?, ?) "
                    "ON CONFLICT (kind, key) DO UPDATE SET data = excluded.data",
                    (kind, key, json.dumps(data, default=str)),
                )
