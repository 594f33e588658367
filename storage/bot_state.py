"""Key-value rows for python-telegram-bot's persistence (conversations, user and chat data)."""

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from core import effects
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
        return _present((row["key"], row["data"]) for row in rows)

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
        return _present((row["kind"], row["data"]) for row in rows)

    async def save(self, kind: str, key: str, data: Any) -> None:
        """Write one row at once (None deletes it): durable when this returns. While an update
        is handled the row keeps that update's id and what it held before (a deleted row stays
        as 'null' until the update is done), so a re-handled update can put it back
        (storage.effects)."""
        handling = effects.current()

        def store(conn: sqlite3.Connection) -> None:
            if data is None and handling is None:
                conn.execute("DELETE FROM bot_state WHERE kind = ? AND key = ?", (kind, key))
                return
            update_id = handling.update_id if handling else None
            conn.execute(
                """INSERT INTO bot_state (kind, key, data, update_id, data_before)
                   VALUES (?, ?, ?, ?, NULL)
                   ON CONFLICT (kind, key) DO UPDATE SET
                     data_before = CASE WHEN excluded.update_id IS NULL THEN NULL
                                        WHEN bot_state.update_id = excluded.update_id
                                          THEN bot_state.data_before
                                        ELSE bot_state.data END,
                     update_id = excluded.update_id,
                     data = excluded.data""",
                (kind, key, json.dumps(data, default=str), update_id),
            )

        await self.db.write(store)


def _present(rows: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Rows as name → data, without the ones deleted by an update still being handled."""
    found = {name: json.loads(data) for name, data in rows}
    return {name: value for name, value in found.items() if value is not None}
