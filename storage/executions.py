"""Executions: which run did which planned day (the executed-day rows), and a week's inputs.

The executed day keeps its own copy of the planned workout and the analysis, so a later
revision of the plan never rewrites what a runner did.
"""

import sqlite3
from typing import Any

from core.errors import AlreadyLinked, NotFound
from core.models import DayAnalysis, ExecutedDay
from storage import rows
from storage.activities import owned_activity
from storage.base import INTEGRITY_ERRORS, SqlRepository, may_be_refused
from storage.plans import owned_plan
from storage.sqlite import fetch_all, fetch_one


class SqlExecutions(SqlRepository):
    async def link_activity(
        self, athlete_id: int, activity_id: int, day_id: int, analysis: DayAnalysis
    ) -> ExecutedDay:
        return self._link(self.conn, athlete_id, activity_id, day_id, analysis)

    async def relink_activity(
        self, athlete_id: int, activity_id: int, day_id: int, analysis: DayAnalysis
    ) -> ExecutedDay:
        conn = self.conn
        self._unlink(conn, athlete_id, activity_id)
        return self._link(conn, athlete_id, activity_id, day_id, analysis)

    async def unlink_activity(self, athlete_id: int, activity_id: int) -> None:
        self._unlink(self.conn, athlete_id, activity_id)

    def _link(
        self,
        conn: sqlite3.Connection,
        athlete_id: int,
        activity_id: int,
        day_id: int,
        analysis: DayAnalysis,
    ) -> ExecutedDay:
        owned_activity(conn, athlete_id, activity_id)
        row = fetch_one(
            conn,
            """SELECT d.*, (SELECT MAX(e.id) FROM training_plan_executions e
                            WHERE e.training_plan_id = p.id) AS execution_id
               FROM training_days_planned d JOIN training_plans p ON p.id = d.training_plan_id
               WHERE d.id = ? AND p.athlete_id = ?""",
            (day_id, athlete_id),
        )
        if row is None or row["execution_id"] is None:
            raise NotFound("day_not_in_plan")
        day = rows.day(row)
        try:
            with may_be_refused(conn):
                cursor = conn.execute(
                    """INSERT INTO training_days_executed (execution_id, activity_id, week_index,
                        day_index, date, planned_data, analysis, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                    (
                        row["execution_id"],
                        activity_id,
                        day.week_index,
                        day.day_index,
                        day.date.isoformat(),
                        day.planned.model_dump_json(),
                        analysis.model_dump_json(),
                        self._stamp(),
                    ),
                )
        except INTEGRITY_ERRORS:
            raise AlreadyLinked("run_or_day_linked") from None
        inserted = int(cursor.fetchone()[0])
        conn.execute(
            "UPDATE athlete_activities SET match_state = NULL WHERE id = ?", (activity_id,)
        )
        return ExecutedDay(
            id=inserted,
            execution_id=row["execution_id"],
            activity_id=activity_id,
            week_index=day.week_index,
            day_index=day.day_index,
            date=day.date,
            planned=day.planned,
            analysis=analysis,
        )

    def _unlink(self, conn: sqlite3.Connection, athlete_id: int, activity_id: int) -> None:
        owned_activity(conn, athlete_id, activity_id)
        cursor = conn.execute(
            "DELETE FROM training_days_executed WHERE activity_id = ?", (activity_id,)
        )
        if cursor.rowcount == 0:
            raise NotFound("run_not_linked")

    async def executed_days(self, athlete_id: int, plan_id: int) -> list[ExecutedDay]:
        conn = self.conn
        owned_plan(conn, athlete_id, plan_id)
        return executed_rows(conn, plan_id)


def executed_rows(
    conn: sqlite3.Connection, plan_id: int, week_index: int | None = None
) -> list[ExecutedDay]:
    week_filter = "" if week_index is None else " AND x.week_index = ?"
    args: tuple[Any, ...] = (plan_id,) if week_index is None else (plan_id, week_index)
    found = fetch_all(
        conn,
        f"""SELECT x.* FROM training_days_executed x
            JOIN training_plan_executions e ON e.id = x.execution_id
            WHERE e.training_plan_id = ?{week_filter} ORDER BY x.date""",
        args,
    )
    return [rows.executed(r) for r in found]
