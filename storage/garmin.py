"""Garmin account rows: encrypted tokens, sync bookkeeping and 429 back-off."""

import sqlite3
from datetime import UTC, datetime

from core.models import GarminAccount
from storage.base import SqlRepository
from storage.sqlite import fetch_all, fetch_one


class SqlGarminAccounts(SqlRepository):
    async def connect(self, athlete_id: int, sealed: bytes, now: datetime) -> None:
        self.conn.execute(
            """INSERT INTO garmin_accounts (athlete_id, tokens, connected_at) VALUES (?, ?, ?)
               ON CONFLICT (athlete_id) DO UPDATE SET tokens = excluded.tokens,
                   connected_at = excluded.connected_at, last_sync_at = NULL,
                   backoff_until = NULL, backoff_level = 0""",
            (athlete_id, sealed, _iso(now)),
        )

    async def get(self, athlete_id: int) -> GarminAccount | None:
        row = fetch_one(
            self.conn, "SELECT * FROM garmin_accounts WHERE athlete_id = ?", (athlete_id,)
        )
        return None if row is None else account_row(row)

    async def all(self) -> list[GarminAccount]:
        rows = fetch_all(self.conn, "SELECT * FROM garmin_accounts ORDER BY athlete_id")
        return [account_row(r) for r in rows]

    async def synced(self, athlete_id: int, sealed: bytes, now: datetime, imported: int) -> None:
        """Refreshed tokens saved back, the sync recorded, any back-off lifted."""
        self.conn.execute(
            """UPDATE garmin_accounts SET tokens = ?, last_sync_at = ?,
                   runs_imported = runs_imported + ?, backoff_until = NULL, backoff_level = 0
               WHERE athlete_id = ?""",
            (sealed, _iso(now), imported, athlete_id),
        )

    async def back_off(self, athlete_id: int, until: datetime, level: int) -> None:
        self.conn.execute(
            "UPDATE garmin_accounts SET backoff_until = ?, backoff_level = ? WHERE athlete_id = ?",
            (_iso(until), level, athlete_id),
        )

    async def disconnect(self, athlete_id: int) -> bool:
        cursor = self.conn.execute(
            "DELETE FROM garmin_accounts WHERE athlete_id = ?", (athlete_id,)
        )
        return cursor.rowcount == 1


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def account_row(row: sqlite3.Row) -> GarminAccount:
    return GarminAccount(
        athlete_id=row["athlete_id"],
        tokens=row["tokens"],
        connected_at=datetime.fromisoformat(row["connected_at"]),
        last_sync_at=_when(row["last_sync_at"]),
        runs_imported=row["runs_imported"],
        backoff_until=_when(row["backoff_until"]),
        backoff_level=row["backoff_level"],
    )
