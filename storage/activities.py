"""Runs (and other activities) a runner brought in: files, Garmin, manual logs.

An activity never points at the plan: the executed-day row is the link (storage.executions).
The same run arriving twice, or from two sources, is stored once.
"""

import sqlite3
from collections.abc import Sequence
from datetime import UTC, date

from core.errors import NotFound
from core.models import RUNNING_SPORTS, ActivitySource, AthleteActivity
from storage import rows
from storage.base import SqlRepository, athlete_where
from storage.codec import json_text
from storage.sqlite import batches, fetch_all, fetch_one

DUPLICATE_WINDOW_S = 120  # the same run from two sources starts within ±2 min …
DUPLICATE_DISTANCE_SHARE = 0.03  # … measures within ±3 % …
DUPLICATE_DURATION_SHARE = 0.05  # … and lasts within ±5 % (auto-pause, a watch stopped late)


def fingerprint(activity: AthleteActivity) -> str:
    return f"{int(activity.start_utc.timestamp()) // 60}:{round(activity.distance_m / 100)}"


class SqlActivities(SqlRepository):
    async def import_activity(
        self, athlete_id: int, activity: AthleteActivity
    ) -> tuple[AthleteActivity, bool]:
        """(activity, created). A repeat, or the same run from another source, returns the
        stored one and ``False``."""
        epoch = int(activity.start_utc.timestamp())
        conn = self.conn
        athlete_where(conn, "id = ?", athlete_id)
        existing = same_activity(conn, athlete_id, activity, epoch)
        if existing is not None:
            return existing, False
        cursor = conn.execute(
            """INSERT INTO athlete_activities (athlete_id, source, external_id, start_utc,
                    start_epoch, local_date, distance_m, duration_s, moving_s, avg_hr, max_hr,
                    elevation_gain_m, sport, summary, fingerprint, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (athlete_id, source, external_id) DO NOTHING""",
            (
                athlete_id,
                activity.source.value,
                activity.external_id,
                activity.start_utc.astimezone(UTC).isoformat(),
                epoch,
                activity.local_date.isoformat(),
                activity.distance_m,
                activity.duration_s,
                activity.moving_s,
                activity.avg_hr,
                activity.max_hr,
                activity.elevation_gain_m,
                activity.sport,
                json_text(activity.summary),
                fingerprint(activity),
                self._stamp(),
            ),
        )
        created = cursor.rowcount == 1
        stored = same_activity(conn, athlete_id, activity, epoch)
        assert stored is not None
        return stored, created

    async def get_activity(self, athlete_id: int, activity_id: int) -> AthleteActivity:
        return owned_activity(self.conn, athlete_id, activity_id)

    async def latest_activity(self, athlete_id: int) -> AthleteActivity | None:
        row = fetch_one(
            self.conn,
            "SELECT * FROM athlete_activities WHERE athlete_id = ? ORDER BY id DESC LIMIT 1",
            (athlete_id,),
        )
        return None if row is None else rows.activity(row)

    async def unlinked_activities(
        self, athlete_id: int, since: date | None = None
    ) -> list[AthleteActivity]:
        return unlinked(self.conn, athlete_id, since or date.min, date.max)

    async def delete_activity(self, athlete_id: int, activity_id: int) -> None:
        conn = self.conn
        owned_activity(conn, athlete_id, activity_id)
        # its executed-day row goes with it (ON DELETE CASCADE)
        conn.execute("DELETE FROM athlete_activities WHERE id = ?", (activity_id,))

    async def set_match_state(self, athlete_id: int, activity_id: int, state: str | None) -> None:
        """'pending' while "Is this activity for your plan?" waits, 'extra' once decided."""
        conn = self.conn
        owned_activity(conn, athlete_id, activity_id)
        conn.execute(
            "UPDATE athlete_activities SET match_state = ? WHERE id = ?", (state, activity_id)
        )

    async def pending_matches(self, athlete_ids: Sequence[int]) -> dict[int, list[AthleteActivity]]:
        found: dict[int, list[AthleteActivity]] = {}
        for batch in batches(athlete_ids):
            marks = ", ".join("?" for _ in batch)
            found_rows = fetch_all(
                self.conn,
                f"""SELECT a.* FROM athlete_activities a
                    LEFT JOIN training_days_executed x ON x.activity_id = a.id
                    WHERE a.athlete_id IN ({marks}) AND a.match_state = 'pending'
                      AND x.id IS NULL ORDER BY a.start_epoch""",
                list(batch),
            )
            for row in found_rows:
                found.setdefault(row["athlete_id"], []).append(rows.activity(row))
        return found

    async def run_dates(self, athlete_id: int, first: date, last: date) -> list[date]:
        """Local days with a run stored (linked or not): what "missed" is measured against."""
        return sorted({run[0] for run in self._runs(athlete_id, first, last)})

    async def longest_run_m(self, athlete_id: int, first: date, last: date) -> float | None:
        """The longest run stored between ``first`` and ``last`` (None: no run)."""
        return max((run[1] for run in self._runs(athlete_id, first, last)), default=None)

    async def run_efforts(
        self, athlete_id: int, first: date, last: date
    ) -> list[tuple[float, float]]:
        return [(metres, seconds) for _, metres, seconds in self._runs(athlete_id, first, last)]

    def _runs(self, athlete_id: int, first: date, last: date) -> list[tuple[date, float, float]]:
        """(local date, metres, moving or elapsed seconds) of the runs between two days."""
        conn = self.conn
        found = fetch_all(
            conn,
            """SELECT local_date, sport, distance_m, COALESCE(moving_s, duration_s)
               FROM athlete_activities
               WHERE athlete_id = ? AND local_date BETWEEN ? AND ? AND distance_m > 0""",
            (athlete_id, first.isoformat(), last.isoformat()),
        )
        return [
            (date.fromisoformat(r[0]), r[2], r[3]) for r in found if r[1].lower() in RUNNING_SPORTS
        ]


def owned_activity(conn: sqlite3.Connection, athlete_id: int, activity_id: int) -> AthleteActivity:
    row = fetch_one(
        conn,
        "SELECT * FROM athlete_activities WHERE id = ? AND athlete_id = ?",
        (activity_id, athlete_id),
    )
    if row is None:
        raise NotFound("activity_not_yours")
    return rows.activity(row)


def same_activity(
    conn: sqlite3.Connection, athlete_id: int, activity: AthleteActivity, epoch: int
) -> AthleteActivity | None:
    row = fetch_one(
        conn,
        "SELECT * FROM athlete_activities WHERE athlete_id = ? AND source = ? AND external_id = ?",
        (athlete_id, activity.source.value, activity.external_id),
    )
    if row is None:
        row = fetch_one(conn, *_same_run_query(athlete_id, activity, epoch))
    return None if row is None else rows.activity(row)


def _same_run_query(
    athlete_id: int, activity: AthleteActivity, epoch: int
) -> tuple[str, tuple[object, ...]]:
    """The same run from another source: as long and as far, started within ±2 min — or, when
    either side is a manual log (its time of day unknown: it is dated noon), the same day."""
    manual = ActivitySource.MANUAL.value
    return (
        """SELECT * FROM athlete_activities
           WHERE athlete_id = ? AND ABS(distance_m - ?) <= ? AND ABS(duration_s - ?) <= ?
             AND (start_epoch BETWEEN ? AND ?
                  OR ((source = ? OR ? = ?) AND local_date = ?))
           ORDER BY ABS(start_epoch - ?) LIMIT 1""",
        (
            athlete_id,
            activity.distance_m,
            DUPLICATE_DISTANCE_SHARE * activity.distance_m,
            activity.duration_s,
            DUPLICATE_DURATION_SHARE * activity.duration_s,
            epoch - DUPLICATE_WINDOW_S,
            epoch + DUPLICATE_WINDOW_S,
            manual,
            activity.source.value,
            manual,
            activity.local_date.isoformat(),
            epoch,
        ),
    )


def unlinked(
    conn: sqlite3.Connection, athlete_id: int, first: date, last: date
) -> list[AthleteActivity]:
    return [
        rows.activity(r)
        for r in fetch_all(
            conn,
            """SELECT a.* FROM athlete_activities a
           LEFT JOIN training_days_executed x ON x.activity_id = a.id
           WHERE a.athlete_id = ? AND x.id IS NULL AND a.local_date BETWEEN ? AND ?
           ORDER BY a.start_epoch""",
            (athlete_id, first.isoformat(), last.isoformat()),
        )
    ]
