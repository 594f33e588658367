"""What several processes on one database share: leases, the send rate, the flood counts.

Every decision is one statement, so the database's row lock settles a race between processes;
the SQL is the same on SQLite and PostgreSQL. Moments are epoch seconds from the processes'
clocks (keep them in sync with NTP: a lease is 30 s or more, so skew of a second is harmless).
"""

import time
from typing import Any


class Leases:
    """Named leases: one holder at a time, until it lets go or its lease runs out."""

    def __init__(self, db: Any, owner: str) -> None:
        self.db = db
        self.owner = owner

    async def take(self, name: str, seconds: float) -> bool:
        """True when we hold ``name`` for the next ``seconds`` (taken now, or renewed)."""
        now = time.time()

        def take(conn: Any) -> bool:
            cursor = conn.execute(
                """INSERT INTO leases (name, owner, until) VALUES (?, ?, ?)
                   ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until
                   WHERE leases.owner = excluded.owner OR leases.until < ?""",
                (name, self.owner, now + seconds, now),
            )
            return bool(cursor.rowcount == 1)

        return bool(await self.db.write(take))

    async def release(self, name: str) -> None:
        await self.db.write(
            lambda conn: conn.execute(
                "DELETE FROM leases WHERE name = ? AND owner = ?", (name, self.owner)
            )
        )


class SendRate:
    """The bot token's send rate across processes: each message reserves the next free slot,
    one every ``1 / rate`` seconds, and waits for it."""

    def __init__(self, db: Any) -> None:
        self.db = db

    async def reserve(self, interval_s: float) -> float:
        """The moment (epoch seconds) this message may go: the next free slot, never before
        the moment the slot was taken. The clock is read inside the transaction, after any
        wait for the row lock: a moment read before it could hand out a slot already past, and
        several processes would then send at once."""

        def reserve(conn: Any) -> float:
            now = time.time()
            row = conn.execute(
                """UPDATE send_rate
                   SET next_at = CASE WHEN next_at > ? THEN next_at ELSE ? END + ?
                   WHERE id = 1 RETURNING next_at""",
                (now, now, interval_s),
            ).fetchone()
            return float(row[0]) - interval_s

        return float(await self.db.write(reserve))


class FloodCounts:
    """Updates per runner in a fixed window, counted across processes."""

    def __init__(self, db: Any, window_s: float) -> None:
        self.db = db
        self.window_s = window_s

    async def hit(self, user_id: int) -> tuple[int, bool]:
        """(updates in the current window counting this one, warned in this window already)."""
        now = time.time()
        stale = now - self.window_s

        def hit(conn: Any) -> tuple[int, bool]:
            row = conn.execute(
                """INSERT INTO flood_counts (user_id, window_start, seen, warned)
                   VALUES (?, ?, 1, 0)
                   ON CONFLICT (user_id) DO UPDATE SET
                     seen = CASE WHEN flood_counts.window_start < ? THEN 1
                                 ELSE flood_counts.seen + 1 END,
                     warned = CASE WHEN flood_counts.window_start < ? THEN 0
                                   ELSE flood_counts.warned END,
                     window_start = CASE WHEN flood_counts.window_start < ? THEN ?
                                         ELSE flood_counts.window_start END
                   RETURNING seen, warned""",
                (user_id, now, stale, stale, stale, now),
            ).fetchone()
            return int(row[0]), bool(row[1])

        return tuple(await self.db.write(hit))

    async def warned(self, user_id: int) -> None:
        await self.db.write(
            lambda conn: conn.execute(
                "UPDATE flood_counts SET warned = 1 WHERE user_id = ?", (user_id,)
            )
        )


class GarminHandoff:
    """Garmin logins waiting for their MFA code, by runner: which worker holds the half-done
    login (it holds live TLS sessions that cannot be stored), and the code or the outcome on
    their way between workers, sealed by the caller."""

    def __init__(self, db: Any) -> None:
        self.db = db

    async def begin(self, athlete_id: int, owner: str, expires_at: float) -> None:
        await self.db.write(
            lambda conn: conn.execute(
                """INSERT INTO garmin_pending (athlete_id, owner, expires_at) VALUES (?, ?, ?)
                   ON CONFLICT (athlete_id) DO UPDATE SET owner = excluded.owner,
                       expires_at = excluded.expires_at, code = NULL, outcome = NULL""",
                (athlete_id, owner, expires_at),
            )
        )

    async def hand_over(self, athlete_id: int, sealed_code: bytes) -> bool:
        """The code is on its way to the login's owner; False when no login waits."""

        def hand(conn: Any) -> bool:
            cursor = conn.execute(
                "UPDATE garmin_pending SET code = ?, outcome = NULL "
                "WHERE athlete_id = ? AND expires_at > ?",
                (sealed_code, athlete_id, time.time()),
            )
            return bool(cursor.rowcount == 1)

        return bool(await self.db.write(hand))

    async def codes_for(self, owner: str) -> list[tuple[int, bytes]]:
        def codes(conn: Any) -> list[tuple[int, bytes]]:
            rows = conn.execute(
                "SELECT athlete_id, code FROM garmin_pending "
                "WHERE owner = ? AND code IS NOT NULL AND expires_at > ?",
                (owner, time.time()),
            ).fetchall()
            return [(int(row[0]), bytes(row[1])) for row in rows]

        return list(await self.db.write(codes))

    async def answer(self, athlete_id: int, sealed_outcome: bytes) -> None:
        await self.db.write(
            lambda conn: conn.execute(
                "UPDATE garmin_pending SET outcome = ?, code = NULL WHERE athlete_id = ?",
                (sealed_outcome, athlete_id),
            )
        )

    async def outcome(self, athlete_id: int) -> bytes | None:
        def read(conn: Any) -> bytes | None:
            row = conn.execute(
                "SELECT outcome FROM garmin_pending WHERE athlete_id = ?", (athlete_id,)
            ).fetchone()
            return None if row is None or row[0] is None else bytes(row[0])

        return await self.db.write(read)

    async def end(self, athlete_id: int) -> None:
        await self.db.write(
            lambda conn: conn.execute(
                "DELETE FROM garmin_pending WHERE athlete_id = ?", (athlete_id,)
            )
        )
