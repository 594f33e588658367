"""Training plans: their days, executions, revisions, adaptive-5k snapshots and results.

A revision replaces a plan's days from its effective day on, in the unit of work that records
it; days before it and every executed day (with its own planned-data snapshot) stay. Undoable
revisions keep the plan they replaced.
"""

import sqlite3
from collections.abc import Iterable
from datetime import UTC, date, datetime

from core.errors import AlreadyDone, AlreadyLinked, NotFound
from core.models import (
    Adaptive5kSnapshot,
    DayAnalysis,
    DayView,
    PlannedWorkout,
    PlanRevision,
    PlanStatus,
    RaceResult,
    TrainingDayPlanned,
    TrainingPlan,
)
from storage import rows
from storage.base import (
    ACTIVE_STATUSES,
    INTEGRITY_ERRORS,
    SqlRepository,
    athlete_where,
    may_be_refused,
)
from storage.codec import phase_json, settings_json, weeks_json
from storage.plan_cache import PlanCache
from storage.races import store_race
from storage.sqlite import fetch_all, fetch_one, fetch_tuples


class SqlPlans(SqlRepository):
    async def save_plan(
        self,
        athlete_id: int,
        plan: TrainingPlan,
        started_at: datetime,
        request_key: str | None = None,
    ) -> TrainingPlan:
        """Race, plan, planned days and first execution, atomically; an earlier active plan
        of the runner is marked abandoned (its history stays). A ``request_key`` already used
        by this runner returns that plan instead: one Confirm, one plan."""
        conn = self.conn
        athlete_where(conn, "id = ?", athlete_id)
        if request_key is not None:
            made = fetch_one(
                conn,
                "SELECT id FROM training_plans WHERE athlete_id = ? AND request_key = ?",
                (athlete_id, request_key),
            )
            if made is not None:
                return load_plan(conn, self.plans, made["id"])
        race = plan.race.model_copy(update={"created_by_athlete_id": athlete_id})
        saved_race = store_race(conn, race)
        conn.execute(
            "UPDATE training_plans SET status = ? WHERE athlete_id = ? AND status IN (?, ?)",
            (PlanStatus.ABANDONED.value, athlete_id, *ACTIVE_STATUSES),
        )
        cursor = conn.execute(
            """INSERT INTO training_plans (athlete_id, race_id, goal_time_s, goal_pace_s_per_km,
                    baseline_5k_s, baseline_weekly_m, start_date, total_weeks, phase_overview,
                    weeks, settings, adaptive_5k_time_s, status, created_at, request_key)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
            (
                athlete_id,
                saved_race.id,
                plan.goal_time_s,
                plan.goal_pace_s_per_km,
                plan.baseline_5k_s,
                plan.baseline_weekly_m,
                plan.start_date.isoformat(),
                plan.total_weeks,
                phase_json(plan),
                weeks_json(plan.weeks),
                settings_json(plan),
                plan.adaptive_5k_s,
                PlanStatus.TRAINING.value,
                self._stamp(),
                request_key,
            ),
        )
        plan_id = cursor.fetchone()[0]
        insert_days(conn, plan_id, (d for w in plan.weeks for d in w.days))
        conn.execute(
            "INSERT INTO training_plan_executions (training_plan_id, started_at, status) "
            "VALUES (?, ?, 'active')",
            (plan_id, started_at.astimezone(UTC).isoformat()),
        )
        return load_plan(conn, self.plans, plan_id)

    async def active_plan(self, athlete_id: int) -> TrainingPlan | None:
        conn = self.conn
        plan_id = active_plan_id(conn, athlete_id)
        return None if plan_id is None else load_plan(conn, self.plans, plan_id)

    async def set_plan_status(self, athlete_id: int, plan_id: int, status: PlanStatus) -> None:
        conn = self.conn
        owned_plan(conn, athlete_id, plan_id)
        conn.execute("UPDATE training_plans SET status = ? WHERE id = ?", (status.value, plan_id))

    async def day_view(self, athlete_id: int, on: date) -> DayView | None:
        """The active plan's day ``on`` with its linked runs' analyses (a double day has two),
        in one query: a row per run, in the order they were linked."""
        found = fetch_all(
            self.conn,
            """SELECT p.id AS plan_id, p.start_date, r.race_name, d.*, x.analysis
               FROM training_plans p JOIN races r ON r.id = p.race_id
               LEFT JOIN training_days_planned d ON d.training_plan_id = p.id AND d.date = ?
               LEFT JOIN training_plan_executions e ON e.training_plan_id = p.id
               LEFT JOIN training_days_executed x ON x.execution_id = e.id
                    AND x.week_index = d.week_index AND x.day_index = d.day_index
               WHERE p.id = (SELECT MAX(id) FROM training_plans
                             WHERE athlete_id = ? AND status IN (?, ?))
               ORDER BY x.id""",
            (on.isoformat(), athlete_id, *ACTIVE_STATUSES),
        )
        if not found:
            return None
        row = found[0]
        return DayView(
            plan_id=row["plan_id"],
            race_name=row["race_name"],
            start_date=date.fromisoformat(row["start_date"]),
            day=rows.day(row) if row["id"] is not None else None,
            analyses=tuple(
                DayAnalysis.model_validate_json(r["analysis"]) for r in found if r["analysis"]
            ),
        )

    async def planned_days(
        self, athlete_id: int, first: date, last: date
    ) -> list[TrainingDayPlanned]:
        """The active plan's days between ``first`` and ``last`` (one query: the hot path)."""
        found = fetch_all(
            self.conn,
            """SELECT d.* FROM training_days_planned d
               WHERE d.training_plan_id = (
                   SELECT id FROM training_plans WHERE athlete_id = ? AND status IN (?, ?)
                   ORDER BY id DESC LIMIT 1)
                 AND d.date BETWEEN ? AND ? ORDER BY d.date""",
            (athlete_id, *ACTIVE_STATUSES, first.isoformat(), last.isoformat()),
        )
        return [rows.day(r) for r in found]

    async def revise_plan(
        self,
        athlete_id: int,
        revised: TrainingPlan,
        revision: PlanRevision,
        previous: TrainingPlan | None = None,
        *,
        restart: bool = False,
        undoes: int | None = None,
    ) -> PlanRevision:
        """Store ``revised`` from ``revision.effective_from`` on, record the revision (with
        ``previous`` when it can be undone); ``restart`` starts a new execution (a return after
        a break); ``undoes`` marks that revision undone."""
        assert revised.id is not None
        conn = self.conn
        owned_plan(conn, athlete_id, revised.id)
        revision_id = self._record(conn, revised.id, revision, previous)
        self._store_future(conn, athlete_id, revised, revision.rewrites_from)
        if restart:
            self._restart_execution(conn, revised.id)
        if undoes is not None:
            conn.execute(
                "UPDATE plan_revisions SET undone = 1 WHERE id = ? AND training_plan_id = ?",
                (undoes, revised.id),
            )
        return revision.model_copy(update={"id": revision_id})

    def _record(
        self,
        conn: sqlite3.Connection,
        plan_id: int,
        revision: PlanRevision,
        previous: TrainingPlan | None,
    ) -> int:
        try:
            with may_be_refused(conn):
                cursor = conn.execute(
                    """INSERT INTO plan_revisions (training_plan_id, kind, effective_from,
                        week_index, detail, previous_plan, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                    (
                        plan_id,
                        revision.kind.value,
                        revision.effective_from.isoformat(),
                        revision.week_index,
                        revision.model_dump_json(exclude={"id", "created_at", "undone"}),
                        previous.model_dump_json() if previous else None,
                        self._stamp(),
                    ),
                )
        except INTEGRITY_ERRORS:
            raise AlreadyDone("week_already_adjusted") from None
        return int(cursor.fetchone()[0])

    def _store_future(
        self, conn: sqlite3.Connection, athlete_id: int, plan: TrainingPlan, from_day: date
    ) -> None:
        assert plan.id is not None
        race_id = plan.race.id
        if race_id is None:  # a moved race is another race in the public catalogue
            race = plan.race.model_copy(update={"created_by_athlete_id": athlete_id})
            race_id = store_race(conn, race).id
        conn.execute(
            "DELETE FROM training_days_planned WHERE training_plan_id = ? AND date >= ?",
            (plan.id, from_day.isoformat()),
        )
        insert_days(conn, plan.id, (d for d in plan.days() if d.date >= from_day))
        conn.execute(
            """UPDATE training_plans SET race_id = ?, goal_time_s = ?, goal_pace_s_per_km = ?,
                    baseline_weekly_m = ?, total_weeks = ?, phase_overview = ?, weeks = ?,
                    settings = ? WHERE id = ?""",
            (
                race_id,
                plan.goal_time_s,
                plan.goal_pace_s_per_km,
                plan.baseline_weekly_m,
                plan.total_weeks,
                phase_json(plan),
                weeks_json(plan.weeks),
                settings_json(plan),
                plan.id,
            ),
        )

    def _restart_execution(self, conn: sqlite3.Connection, plan_id: int) -> None:
        conn.execute(
            "UPDATE training_plan_executions SET status = 'interrupted' "
            "WHERE training_plan_id = ? AND status = 'active'",
            (plan_id,),
        )
        conn.execute(
            "INSERT INTO training_plan_executions (training_plan_id, started_at, status) "
            "VALUES (?, ?, 'active')",
            (plan_id, self._stamp()),
        )

    async def revisions(self, athlete_id: int, plan_id: int) -> list[PlanRevision]:
        conn = self.conn
        owned_plan(conn, athlete_id, plan_id)
        return revisions_of(conn, plan_id)

    async def revision_to_undo(
        self, athlete_id: int, revision_id: int
    ) -> tuple[PlanRevision, TrainingPlan]:
        """The runner's latest revision, if it is that one, undoable and not undone yet."""
        row = fetch_one(
            self.conn,
            """SELECT r.*, (SELECT MAX(id) FROM plan_revisions
                            WHERE training_plan_id = r.training_plan_id) AS latest
               FROM plan_revisions r JOIN training_plans p ON p.id = r.training_plan_id
               WHERE r.id = ? AND p.athlete_id = ? AND p.status IN ('planning', 'training')""",
            (revision_id, athlete_id),
        )
        if row is None:
            raise NotFound("change_not_in_plan")
        if row["undone"] or row["latest"] != row["id"] or row["previous_plan"] is None:
            raise AlreadyDone("undo_too_late")
        return rows.revision(row), TrainingPlan.model_validate_json(row["previous_plan"])

    async def execution_count(self, athlete_id: int, plan_id: int) -> int:
        conn = self.conn
        owned_plan(conn, athlete_id, plan_id)
        row = fetch_one(
            conn,
            "SELECT COUNT(*) FROM training_plan_executions WHERE training_plan_id = ?",
            (plan_id,),
        )
        return int(row[0]) if row else 0

    async def record_result(self, athlete_id: int, plan_id: int, result: RaceResult) -> None:
        """Store the race result, complete the plan and finish its execution."""
        conn = self.conn
        owned_plan(conn, athlete_id, plan_id)
        conn.execute(
            "UPDATE training_plans SET result = ?, status = ? WHERE id = ?",
            (result.model_dump_json(), PlanStatus.COMPLETED.value, plan_id),
        )
        conn.execute(
            "UPDATE training_plan_executions SET status = 'finished' "
            "WHERE training_plan_id = ? AND status = 'active'",
            (plan_id,),
        )

    async def plan_history(self, athlete_id: int) -> list[TrainingPlan]:
        """Every plan the runner had, newest first (status and result included)."""
        conn = self.conn
        found = fetch_all(
            conn,
            "SELECT id FROM training_plans WHERE athlete_id = ? ORDER BY id DESC",
            (athlete_id,),
        )
        return [load_plan(conn, self.plans, r["id"]) for r in found]

    async def move_workout(
        self,
        athlete_id: int,
        from_day_id: int,
        to_day_id: int,
        revision: PlanRevision,
        left: PlannedWorkout,
    ) -> PlanRevision:
        """Put one planned day's workout on another day of the runner's active plan (neither
        may be done yet), ``left`` on the day it leaves, and record the move as a revision."""
        conn = self.conn
        plan_id = active_plan_id(conn, athlete_id)
        found = fetch_all(
            conn,
            """SELECT d.id, d.planned_data,
                      EXISTS (SELECT 1 FROM training_days_executed x
                              JOIN training_plan_executions e ON e.id = x.execution_id
                              WHERE e.training_plan_id = d.training_plan_id
                                AND x.week_index = d.week_index
                                AND x.day_index = d.day_index) AS done
               FROM training_days_planned d
               WHERE d.training_plan_id = ? AND d.id IN (?, ?)""",
            (plan_id, from_day_id, to_day_id),
        )
        if len(found) != 2 or from_day_id == to_day_id:
            raise NotFound("days_not_in_plan")
        if any(r["done"] for r in found):
            raise AlreadyLinked("linked_day_not_movable")
        data = {r["id"]: r["planned_data"] for r in found}
        conn.executemany(
            "UPDATE training_days_planned SET planned_data = ? WHERE id = ?",
            [(left.model_dump_json(), from_day_id), (data[from_day_id], to_day_id)],
        )
        assert plan_id is not None
        revision_id = self._record(conn, plan_id, revision, None)
        return revision.model_copy(update={"id": revision_id})

    async def skip_day(self, athlete_id: int, day_id: int) -> None:
        """Mark a day of the runner's active plan as skipped (again: nothing changes)."""
        row = fetch_one(
            self.conn,
            """SELECT d.training_plan_id, d.date FROM training_days_planned d
               JOIN training_plans p ON p.id = d.training_plan_id
               WHERE d.id = ? AND p.athlete_id = ? AND p.status IN (?, ?)""",
            (day_id, athlete_id, *ACTIVE_STATUSES),
        )
        if row is None:
            raise NotFound("day_not_in_plan")
        self.conn.execute(
            "INSERT INTO skipped_days (training_plan_id, date, skipped_at) "
            "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (row[0], row[1], self._stamp()),
        )

    async def skipped_days(self, athlete_id: int, plan_id: int) -> set[date]:
        owned_plan(self.conn, athlete_id, plan_id)
        found = fetch_tuples(
            self.conn, "SELECT date FROM skipped_days WHERE training_plan_id = ?", (plan_id,)
        )
        return {d if isinstance(d, date) else date.fromisoformat(d) for (d,) in found}

    async def save_snapshot(self, athlete_id: int, plan_id: int, snap: Adaptive5kSnapshot) -> None:
        conn = self.conn
        owned_plan(conn, athlete_id, plan_id)
        conn.execute(
            """INSERT INTO adaptive_5k_snapshots (training_plan_id, week_index, taken_at,
                    seconds, vdot, runs_used, trend) VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (training_plan_id, week_index) DO UPDATE SET
                    taken_at = excluded.taken_at, seconds = excluded.seconds,
                    vdot = excluded.vdot, runs_used = excluded.runs_used,
                    trend = excluded.trend""",
            (
                plan_id,
                snap.week_index,
                snap.taken_on.isoformat(),
                snap.seconds,
                snap.vdot,
                snap.runs_used,
                snap.trend.value,
            ),
        )
        conn.execute(
            "UPDATE training_plans SET adaptive_5k_time_s = ? WHERE id = ?",
            (snap.seconds, plan_id),
        )

    async def snapshots(self, athlete_id: int, plan_id: int) -> list[Adaptive5kSnapshot]:
        conn = self.conn
        owned_plan(conn, athlete_id, plan_id)
        return snapshots_of(conn, plan_id)


def load_plan(conn: sqlite3.Connection, cache: PlanCache, plan_id: int) -> TrainingPlan:
    # a race row changes only when its creator is erased (ON DELETE SET NULL): in the key too
    stamp = fetch_one(
        conn,
        """SELECT p.id, p.created_at, p.days_version, r.created_by_athlete_id
           FROM training_plans p JOIN races r ON r.id = p.race_id WHERE p.id = ?""",
        (plan_id,),
    )
    if stamp is None:
        raise NotFound("plan_gone")
    key = (stamp[0], stamp[1], stamp[2], stamp[3])
    plan = cache.get(key)
    if plan is None:
        plan = _read_plan(conn, plan_id)
        cache.put(key, plan)
    return plan


def _read_plan(conn: sqlite3.Connection, plan_id: int) -> TrainingPlan:
    row = fetch_one(
        conn,
        """SELECT p.*, r.id AS r_id, r.race_name, r.race_type, r.race_date, r.location,
                  r.distance_m, r.registration_url, r.description, r.course_profile,
                  r.created_by_athlete_id
           FROM training_plans p JOIN races r ON r.id = p.race_id WHERE p.id = ?""",
        (plan_id,),
    )
    assert row is not None
    days = fetch_all(
        conn,
        "SELECT * FROM training_days_planned WHERE training_plan_id = ? ORDER BY date",
        (plan_id,),
    )
    return rows.plan(row, [rows.day(r) for r in days])


def insert_days(conn: sqlite3.Connection, plan_id: int, days: Iterable[TrainingDayPlanned]) -> None:
    conn.executemany(
        """INSERT INTO training_days_planned (training_plan_id, week_index, day_index, date,
                                              planned_data) VALUES (?, ?, ?, ?, ?)""",
        [
            (plan_id, d.week_index, d.day_index, d.date.isoformat(), d.planned.model_dump_json())
            for d in days
        ],
    )


def active_plan_id(conn: sqlite3.Connection, athlete_id: int) -> int | None:
    row = fetch_one(
        conn,
        """SELECT id FROM training_plans WHERE athlete_id = ? AND status IN (?, ?)
           ORDER BY id DESC LIMIT 1""",
        (athlete_id, *ACTIVE_STATUSES),
    )
    return None if row is None else int(row[0])


def owned_plan(conn: sqlite3.Connection, athlete_id: int, plan_id: int) -> None:
    sql = "SELECT 1 FROM training_plans WHERE id = ? AND athlete_id = ?"
    if fetch_one(conn, sql, (plan_id, athlete_id)) is None:
        raise NotFound("plan_not_yours")


def snapshots_of(conn: sqlite3.Connection, plan_id: int) -> list[Adaptive5kSnapshot]:
    sql = "SELECT * FROM adaptive_5k_snapshots WHERE training_plan_id = ? ORDER BY week_index"
    return [rows.snapshot(r) for r in fetch_all(conn, sql, (plan_id,))]


def revisions_of(conn: sqlite3.Connection, plan_id: int) -> list[PlanRevision]:
    sql = "SELECT * FROM plan_revisions WHERE training_plan_id = ? ORDER BY id"
    return [rows.revision(r) for r in fetch_all(conn, sql, (plan_id,))]
