"""Plan revisions, race results and a runner's plan history (part of the repository).

A revision replaces a plan's days from its effective day on, in one transaction with the row
that records it; days before it and every executed day (with its own planned-data snapshot)
stay. Undoable revisions keep the plan they replaced.
"""

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import aiosqlite

from core.errors import AlreadyDone, NotFound
from core.models import RUNNING_SPORTS, PlanRevision, PlanStatus, RaceResult, TrainingPlan
from storage.codec import phase_json, settings_json, weeks_json
from storage.sqlite import fetch_all, fetch_one

if TYPE_CHECKING:
    from storage.repository import SqliteRepository

    _Base = SqliteRepository
else:
    _Base = object


class PlanChanges(_Base):
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
        async with self.db.transaction() as conn:
            await self._owned_plan(conn, athlete_id, revised.id)
            revision_id = await self._record(conn, revised.id, revision, previous)
            await self._store_future(conn, athlete_id, revised, revision.effective_from)
            if restart:
                await self._restart_execution(conn, revised.id)
            if undoes is not None:
                await conn.execute(
                    "UPDATE plan_revisions SET undone = 1 WHERE id = ? AND training_plan_id = ?",
                    (undoes, revised.id),
                )
        return revision.model_copy(update={"id": revision_id})

    async def _record(
        self,
        conn: aiosqlite.Connection,
        plan_id: int,
        revision: PlanRevision,
        previous: TrainingPlan | None,
    ) -> int:
        try:
            cursor = await conn.execute(
                """INSERT INTO plan_revisions (training_plan_id, kind, effective_from, week_index,
                        detail, previous_plan, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)""",
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
        except aiosqlite.IntegrityError:
            raise AlreadyDone("That week was already adjusted.") from None
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def _store_future(
        self, conn: aiosqlite.Connection, athlete_id: int, plan: TrainingPlan, from_day: date
    ) -> None:
        assert plan.id is not None
        race_id = plan.race.id
        if race_id is None:  # a moved race is another race in the public catalogue
            race = plan.race.model_copy(update={"created_by_athlete_id": athlete_id})
            race_id = (await self._save_race(conn, race)).id
        await conn.execute(
            "DELETE FROM training_days_planned WHERE training_plan_id = ? AND date >= ?",
            (plan.id, from_day.isoformat()),
        )
        await self._insert_days(conn, plan.id, (d for d in plan.days() if d.date >= from_day))
        await conn.execute(
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

    async def _restart_execution(self, conn: aiosqlite.Connection, plan_id: int) -> None:
        await conn.execute(
            "UPDATE training_plan_executions SET status = 'interrupted' "
            "WHERE training_plan_id = ? AND status = 'active'",
            (plan_id,),
        )
        await conn.execute(
            "INSERT INTO training_plan_executions (training_plan_id, started_at, status) "
            "VALUES (?, ?, 'active')",
            (plan_id, self._stamp()),
        )

    async def revisions(self, athlete_id: int, plan_id: int) -> list[PlanRevision]:
        async with self.db.read() as conn:
            await self._owned_plan(conn, athlete_id, plan_id)
            return await self._revisions(conn, plan_id)

    async def _revisions(self, conn: aiosqlite.Connection, plan_id: int) -> list[PlanRevision]:
        rows = await fetch_all(
            conn, "SELECT * FROM plan_revisions WHERE training_plan_id = ? ORDER BY id", (plan_id,)
        )
        return [_revision(r) for r in rows]

    async def revision_to_undo(
        self, athlete_id: int, revision_id: int
    ) -> tuple[PlanRevision, TrainingPlan]:
        """The runner's latest revision, if it is that one, undoable and not undone yet."""
        async with self.db.transaction(write=False) as conn:
            row = await fetch_one(
                conn,
                """SELECT r.*, (SELECT MAX(id) FROM plan_revisions
                                WHERE training_plan_id = r.training_plan_id) AS latest
                   FROM plan_revisions r JOIN training_plans p ON p.id = r.training_plan_id
                   WHERE r.id = ? AND p.athlete_id = ? AND p.status IN ('planning', 'training')""",
                (revision_id, athlete_id),
            )
        if row is None:
            raise NotFound("That change isn't in your current plan.")
        if row["undone"] or row["latest"] != row["id"] or row["previous_plan"] is None:
            raise AlreadyDone("That change can't be undone any more: the plan moved on.")
        return _revision(row), TrainingPlan.model_validate_json(row["previous_plan"])

    async def execution_count(self, athlete_id: int, plan_id: int) -> int:
        async with self.db.read() as conn:
            await self._owned_plan(conn, athlete_id, plan_id)
            row = await fetch_one(
                conn,
                "SELECT COUNT(*) FROM training_plan_executions WHERE training_plan_id = ?",
                (plan_id,),
            )
        return int(row[0]) if row else 0

    # ---- race day and after -------------------------------------------------------------------

    async def record_result(self, athlete_id: int, plan_id: int, result: RaceResult) -> None:
        """Store the race result, complete the plan and finish its execution."""
        async with self.db.transaction() as conn:
            await self._owned_plan(conn, athlete_id, plan_id)
            await conn.execute(
                "UPDATE training_plans SET result = ?, status = ? WHERE id = ?",
                (result.model_dump_json(), PlanStatus.COMPLETED.value, plan_id),
            )
            await conn.execute(
                "UPDATE training_plan_executions SET status = 'finished' "
                "WHERE training_plan_id = ? AND status = 'active'",
                (plan_id,),
            )

    async def plan_history(self, athlete_id: int) -> list[TrainingPlan]:
        """Every plan the runner had, newest first (status and result included)."""
        async with self.db.transaction(write=False) as conn:
            rows = await fetch_all(
                conn,
                "SELECT id FROM training_plans WHERE athlete_id = ? ORDER BY id DESC",
                (athlete_id,),
            )
            return [await self._load_plan(conn, r["id"]) for r in rows]

    async def run_dates(self, athlete_id: int, first: date, last: date) -> list[date]:
        """Local days with a run stored (linked or not): what "missed" is measured against."""
        return sorted({day for day, _ in await self._runs(athlete_id, first, last)})

    async def longest_run_m(self, athlete_id: int, first: date, last: date) -> float | None:
        """The longest run stored between ``first`` and ``last`` (None: no run)."""
        return max(
            (metres for _, metres in await self._runs(athlete_id, first, last)), default=None
        )

    async def _runs(self, athlete_id: int, first: date, last: date) -> list[tuple[date, float]]:
        async with self.db.read() as conn:
            rows = await fetch_all(
                conn,
                """SELECT local_date, sport, distance_m FROM athlete_activities
                   WHERE athlete_id = ? AND local_date BETWEEN ? AND ? AND distance_m > 0""",
                (athlete_id, first.isoformat(), last.isoformat()),
            )
        return [(date.fromisoformat(r[0]), r[2]) for r in rows if r[1].lower() in RUNNING_SPORTS]


def _revision(row: Any) -> PlanRevision:
    detail = PlanRevision.model_validate_json(row["detail"])
    return detail.model_copy(
        update={
            "id": row["id"],
            "created_at": datetime.fromisoformat(row["created_at"]).astimezone(UTC),
            "undone": bool(row["undone"]),
        }
    )
