"""The push log and the questions the scheduler asks: who is due, who missed a day.

A push is claimed (one row per runner, kind and slot) before it is sent, so it goes out at
most once, whatever crashes or restarts in between.
"""

from collections.abc import Sequence
from datetime import date

from core.models import Athlete, DayRow, DaysAround, DuePush
from storage import rows
from storage.base import SqlRepository
from storage.sqlite import batches, fetch_all, fetch_tuples


class SqlPushLog(SqlRepository):
    async def zones_in_use(self) -> list[str]:
        found_rows = fetch_all(
            self.conn, "SELECT DISTINCT time_zone FROM athletes WHERE active = 1 ORDER BY 1"
        )
        return [row[0] for row in found_rows]

    async def athletes_in_zones(self, zones: Sequence[str]) -> list[Athlete]:
        found: list[Athlete] = []
        for batch in batches(zones):
            marks = ", ".join("?" for _ in batch)
            found_rows = fetch_all(
                self.conn,
                f"SELECT * FROM athletes WHERE active = 1 AND time_zone IN ({marks})",
                list(batch),
            )
            found += [rows.athlete(r) for r in found_rows]
        return sorted(found, key=lambda athlete: athlete.id or 0)

    async def missed_days(self, asked: Sequence[tuple[int, date]]) -> dict[int, DayRow]:
        """For each (athlete, day): that day's planned workout of the active plan when no run
        is linked to it and the runner did not skip it."""
        found: dict[int, DayRow] = {}
        for batch in batches(asked, 2):
            values = ", ".join("(?, ?)" for _ in batch)
            args = [v for athlete_id, day in batch for v in (athlete_id, day.isoformat())]
            found_rows = fetch_tuples(
                self.conn,
                f"""WITH asked(athlete_id, day) AS (VALUES {values})
                SELECT asked.athlete_id, d.id, d.training_plan_id, d.week_index, d.day_index,
                       d.date, d.planned_data FROM asked
                JOIN training_plans p ON p.athlete_id = asked.athlete_id
                                      AND p.status = 'training'
                JOIN training_days_planned d ON d.training_plan_id = p.id
                                             AND d.date = asked.day
                WHERE NOT EXISTS (
                    SELECT 1 FROM training_days_executed x
                    JOIN training_plan_executions e ON e.id = x.execution_id
                    WHERE e.training_plan_id = p.id AND x.week_index = d.week_index
                      AND x.day_index = d.day_index)
                  AND NOT EXISTS (
                    SELECT 1 FROM skipped_days s WHERE s.training_plan_id = p.id
                      AND s.date = asked.day)""",
                args,
            )
            found |= {owner: rows.day_row(day) for owner, *day in found_rows}
        return found

    async def days_between(self, asked: Sequence[tuple[int, date, date]]) -> dict[int, DaysAround]:
        """For each (athlete, first, last): the active plan's days from ``first`` to ``last``
        and which of them have a run linked, in one query per batch of runners."""
        around: dict[int, list[DayRow]] = {}
        done: dict[int, set[tuple[int, int]]] = {}
        for batch in batches(asked, 3):
            values = ", ".join("(?, ?, ?)" for _ in batch)
            args = [v for a, first, last in batch for v in (a, first.isoformat(), last.isoformat())]
            found_rows = fetch_tuples(
                self.conn,
                f"""WITH asked(athlete_id, first, last) AS (VALUES {values})
                SELECT asked.athlete_id, d.id, d.training_plan_id, d.week_index, d.day_index,
                       d.date, d.planned_data, EXISTS (
                        SELECT 1 FROM training_days_executed x
                        JOIN training_plan_executions e ON e.id = x.execution_id
                        WHERE e.training_plan_id = p.id AND x.week_index = d.week_index
                          AND x.day_index = d.day_index) AS done
                FROM asked
                JOIN training_plans p ON p.athlete_id = asked.athlete_id AND p.status = 'training'
                JOIN training_days_planned d ON d.training_plan_id = p.id
                     AND d.date BETWEEN asked.first AND asked.last
                ORDER BY asked.athlete_id, d.date""",
                args,
            )
            for row in found_rows:
                day = rows.day_row(row[1:7])
                around.setdefault(row[0], []).append(day)
                if row[7]:
                    done.setdefault(row[0], set()).add((day.week_index, day.day_index))
        return {
            owner: DaysAround(tuple(days), frozenset(done.get(owner, ())))
            for owner, days in around.items()
        }

    async def due_pushes(self, due: Sequence[tuple[str, str, date]]) -> list[DuePush]:
        """Active runners whose (zone, local HH:MM) is due, with that local day's workout."""
        found: list[DuePush] = []
        for batch in batches(due, 3):
            values = ", ".join("(?, ?, ?)" for _ in batch)
            args = [v for zone, hhmm, day in batch for v in (zone, hhmm, day.isoformat())]
            found_rows = fetch_all(
                self.conn,
                f"""WITH due(zone, hhmm, day) AS (VALUES {values})
                SELECT a.*, due.day AS due_day, p.id AS plan_id, d.id AS d_id,
                       d.week_index AS d_week, d.day_index AS d_day, d.planned_data AS d_data
                FROM due
                JOIN athletes a ON a.time_zone = due.zone AND a.push_time = due.hhmm
                                AND a.active = 1
                LEFT JOIN training_plans p ON p.athlete_id = a.id AND p.status = 'training'
                LEFT JOIN training_days_planned d ON d.training_plan_id = p.id
                                                  AND d.date = due.day""",
                args,
            )
            found += [rows.due(r) for r in found_rows]
        return found

    async def claim_push(self, athlete_id: int, kind: str, slot: str) -> bool:
        """True exactly once per (athlete, kind, slot), whatever happens afterwards."""
        cursor = self.conn.execute(
            """INSERT INTO push_log (athlete_id, kind, slot, status, updated_at)
               VALUES (?, ?, ?, 'claimed', ?)
               ON CONFLICT (athlete_id, kind, slot) DO NOTHING""",
            (athlete_id, kind, slot, self._stamp()),
        )
        return cursor.rowcount == 1

    async def mark_push(self, athlete_id: int, kind: str, slot: str, status: str) -> None:
        self.conn.execute(
            "UPDATE push_log SET status = ?, updated_at = ? "
            "WHERE athlete_id = ? AND kind = ? AND slot = ?",
            (status, self._stamp(), athlete_id, kind, slot),
        )
