"""Runners: their settings, and everything stored about one of them (export, erase)."""

import sqlite3
from typing import Any

from core.errors import NotFound
from core.models import Athlete
from storage import rows
from storage.base import SqlRepository, athlete_where
from storage.bot_state import conversation_key
from storage.codec import json_text
from storage.executions import executed_rows
from storage.plans import load_plan, revisions_of, snapshots_of
from storage.sqlite import fetch_all

ATHLETE_FIELDS = frozenset(
    {
        "chat_id",
        "display_name",
        "units",
        "time_zone",
        "push_time",
        "notifications",
        "active",
        "paused_until",
        "paused_on",
        "pause_reason",
        "onboarded",
    }
)


class SqlAthletes(SqlRepository):
    async def upsert_athlete(self, athlete: Athlete) -> Athlete:
        """Create the runner, or refresh their chat and name: settings are never reset."""
        now = self._stamp()
        conn = self.conn
        conn.execute(
            """INSERT INTO athletes (telegram_user_id, chat_id, display_name, units, time_zone,
                                     push_time, notifications, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (telegram_user_id) DO UPDATE SET
                   chat_id = excluded.chat_id, display_name = excluded.display_name,
                   active = 1, updated_at = excluded.updated_at""",
            (
                athlete.telegram_user_id,
                athlete.chat_id,
                athlete.display_name,
                athlete.units.value,
                athlete.time_zone,
                athlete.push_time,
                json_text(athlete.notifications),
                now,
                now,
            ),
        )
        return athlete_where(conn, "telegram_user_id = ?", athlete.telegram_user_id)

    async def get_athlete(self, athlete_id: int) -> Athlete:
        return athlete_where(self.conn, "id = ?", athlete_id)

    async def athlete_by_telegram(self, telegram_user_id: int) -> Athlete | None:
        try:
            return athlete_where(self.conn, "telegram_user_id = ?", telegram_user_id)
        except NotFound:
            return None

    async def update_athlete(self, athlete_id: int, **fields: Any) -> Athlete:
        unknown = set(fields) - ATHLETE_FIELDS
        if unknown:
            raise ValueError(f"Unknown athlete fields: {', '.join(sorted(unknown))}")
        values = {k: self._athlete_value(k, v) for k, v in fields.items()}
        conn = self.conn
        athlete_where(conn, "id = ?", athlete_id)
        if values:
            assignments = ", ".join(f"{name} = ?" for name in values)
            conn.execute(
                f"UPDATE athletes SET {assignments}, updated_at = ? WHERE id = ?",
                (*values.values(), self._stamp(), athlete_id),
            )
        return athlete_where(conn, "id = ?", athlete_id)

    @staticmethod
    def _athlete_value(name: str, value: Any) -> Any:
        if name == "notifications":
            return json_text(value)
        if name in ("paused_until", "paused_on"):
            return value.isoformat() if value else None
        if name in ("active", "onboarded"):
            return int(bool(value))
        return getattr(value, "value", value)

    async def export_athlete(self, athlete_id: int) -> dict[str, Any]:
        """Everything stored about one runner, as JSON-ready data."""
        conn = self.conn
        athlete = athlete_where(conn, "id = ?", athlete_id)
        plan_rows = fetch_all(
            conn,
            "SELECT id, status FROM training_plans WHERE athlete_id = ? ORDER BY id",
            (athlete_id,),
        )
        plans = []
        for row in plan_rows:
            plan = load_plan(conn, self.plans, row["id"])
            plans.append(
                {
                    "status": row["status"],
                    "plan": plan.model_dump(mode="json", by_alias=True),
                    "executedDays": [
                        e.model_dump(mode="json", by_alias=True)
                        for e in executed_rows(conn, row["id"])
                    ],
                    "adaptive5kSnapshots": [
                        s.model_dump(mode="json", by_alias=True)
                        for s in snapshots_of(conn, row["id"])
                    ],
                    "revisions": [
                        r.model_dump(mode="json", by_alias=True)
                        for r in revisions_of(conn, row["id"])
                    ],
                    "skippedDays": [
                        r[0]
                        for r in fetch_all(
                            conn,
                            "SELECT date FROM skipped_days WHERE training_plan_id = ? ORDER BY 1",
                            (row["id"],),
                        )
                    ],
                }
            )
        activities = [
            rows.activity(r)
            for r in fetch_all(
                conn,
                "SELECT * FROM athlete_activities WHERE athlete_id = ? ORDER BY start_epoch",
                (athlete_id,),
            )
        ]
        pushes = [
            dict(r)
            for r in fetch_all(
                conn,
                "SELECT kind, slot, status, updated_at FROM push_log WHERE athlete_id = ?",
                (athlete_id,),
            )
        ]
        return {
            "athlete": athlete.model_dump(mode="json", by_alias=True),
            "plans": plans,
            "activities": [a.model_dump(mode="json", by_alias=True) for a in activities],
            "pushLog": pushes,
        }

    async def delete_athlete(self, athlete_id: int) -> None:
        """Erase one runner: their rows cascade; races they created stay public, unattributed."""
        conn = self.conn
        athlete = athlete_where(conn, "id = ?", athlete_id)
        conn.execute("DELETE FROM athletes WHERE id = ?", (athlete_id,))
        delete_bot_state(conn, athlete.telegram_user_id, athlete.chat_id)


def delete_bot_state(conn: sqlite3.Connection, user_id: int, chat_id: int) -> None:
    """Conversation and user/chat data PTB kept for this runner (keys as in storage.persistence)."""
    keys = [
        str(user_id),
        str(chat_id),
        conversation_key([chat_id, user_id]),
        conversation_key([chat_id]),
        conversation_key([user_id]),
    ]
    marks = ", ".join("?" for _ in keys)
    conn.execute(f"DELETE FROM bot_state WHERE key IN ({marks})", keys)
