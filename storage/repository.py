"""The repository: core models in, core models out, every multi-row change in one transaction."""

import json
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import aiosqlite

from core.clock import SystemClock
from core.errors import AlreadyLinked, GoFastError, NotFound
from core.models import (
    Adaptive5kSnapshot,
    Athlete,
    AthleteActivity,
    DayAnalysis,
    DayView,
    DuePush,
    ExecutedDay,
    PhaseSpan,
    PlannedWorkout,
    PlanStatus,
    Race,
    RaceResult,
    TrainingDayPlanned,
    TrainingPaces,
    TrainingPlan,
    TrainingWeek,
    WeekInputs,
)
from core.ports import Clock
from storage.bot_state import conversation_key
from storage.codec import json_text, phase_json, settings_json, weeks_json
from storage.plan_changes import PlanChanges
from storage.sqlite import Database, batches, fetch_all, fetch_one

DUPLICATE_WINDOW_S = 120  # the same run from two sources starts within ±2 min …
DUPLICATE_DISTANCE_SHARE = 0.03  # … and measures within ±3 %
ACTIVE_STATUSES = (PlanStatus.PLANNING.value, PlanStatus.TRAINING.value)
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


CHUNK = 2000  # rows per VALUES / IN list: SQLite allows 32766 parameters a statement


def race_key(name: str) -> str:
    """Names that differ only in case, spaces or punctuation are the same race, in any script
    (“Киевский марафон” keeps its letters)."""
    return re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", name).casefold()).strip()


def fingerprint(activity: AthleteActivity) -> str:
    return f"{int(activity.start_utc.timestamp()) // 60}:{round(activity.distance_m / 100)}"


DAYS_CACHE_PLANS = 512  # plans whose days a process keeps (~0.3 MB each)


class SqliteRepository(PlanChanges):
    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self.db = db
        self.clock = clock or SystemClock()
        # (plan id, created at, days version) → the plan's days: the database bumps the
        # version on any change to them, so an entry is never stale, whoever wrote
        self._days: OrderedDict[tuple[int, str, int], list[TrainingDayPlanned]] = OrderedDict()

    def _stamp(self) -> str:
        return self.clock.now().astimezone(UTC).isoformat()

    # ---- athletes -------------------------------------------------------------------------

    async def upsert_athlete(self, athlete: Athlete) -> Athlete:
        """Create the runner, or refresh their chat and name: settings are never reset."""
        now = self._stamp()
        async with self.db.transaction() as conn:
            await conn.execute(
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
            return await self._athlete_where(conn, "telegram_user_id = ?", athlete.telegram_user_id)

    async def get_athlete(self, athlete_id: int) -> Athlete:
        async with self.db.read() as conn:
            return await self._athlete_where(conn, "id = ?", athlete_id)

    async def athlete_by_telegram(self, telegram_user_id: int) -> Athlete | None:
        async with self.db.read() as conn:
            try:
                return await self._athlete_where(conn, "telegram_user_id = ?", telegram_user_id)
            except NotFound:
                return None

    async def update_athlete(self, athlete_id: int, **fields: Any) -> Athlete:
        unknown = set(fields) - ATHLETE_FIELDS
        if unknown:
            raise GoFastError(f"Unknown athlete fields: {', '.join(sorted(unknown))}")
        values = {k: self._athlete_value(k, v) for k, v in fields.items()}
        async with self.db.transaction() as conn:
            await self._athlete_where(conn, "id = ?", athlete_id)
            if values:
                assignments = ", ".join(f"{name} = ?" for name in values)
                await conn.execute(
                    f"UPDATE athletes SET {assignments}, updated_at = ? WHERE id = ?",
                    (*values.values(), self._stamp(), athlete_id),
                )
            return await self._athlete_where(conn, "id = ?", athlete_id)

    @staticmethod
    def _athlete_value(name: str, value: Any) -> Any:
        if name == "notifications":
            return json_text(value)
        if name in ("paused_until", "paused_on"):
            return value.isoformat() if value else None
        if name in ("active", "onboarded"):
            return int(bool(value))
        return getattr(value, "value", value)

    async def _athlete_where(self, conn: aiosqlite.Connection, where: str, arg: Any) -> Athlete:
        row = await fetch_one(conn, f"SELECT * FROM athletes WHERE {where}", (arg,))
        if row is None:
            raise NotFound("I don't know you yet: send /start first.")
        return _athlete(row)

    # ---- races ------------------------------------------------------------------------------

    async def save_race(self, race: Race) -> Race:
        async with self.db.transaction() as conn:
            return await self._save_race(conn, race)

    async def _save_race(self, conn: aiosqlite.Connection, race: Race) -> Race:
        key, distance = race_key(race.race_name), round(race.distance_m, 1)
        await conn.execute(
            """INSERT INTO races (race_name, race_key, race_type, race_date, location, distance_m,
                                  registration_url, description, course_profile,
                                  created_by_athlete_id)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (race_key, race_date, distance_m) DO NOTHING""",
            (
                race.race_name,
                key,
                race.race_type.value,
                race.race_date.isoformat(),
                race.location,
                distance,
                race.registration_url,
                race.description,
                race.course_profile,
                race.created_by_athlete_id,
            ),
        )
        row = await fetch_one(
            conn,
            "SELECT * FROM races WHERE race_key = ? AND race_date = ? AND distance_m = ?",
            (key, race.race_date.isoformat(), distance),
        )
        assert row is not None
        return _race(row)

    async def find_races(self, text: str, on_or_after: date, limit: int = 5) -> list[Race]:
        key = race_key(text)
        if not key:  # '%%' would match every race
            return []
        pattern = f"%{key}%"
        async with self.db.read() as conn:
            rows = await fetch_all(
                conn,
                """SELECT * FROM races WHERE race_key LIKE ? AND race_date >= ?
                   ORDER BY race_date, race_name LIMIT ?""",
                (pattern, on_or_after.isoformat(), limit),
            )
        return [_race(row) for row in rows]

    # ---- plans ------------------------------------------------------------------------------

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
        async with self.db.transaction() as conn:
            await self._athlete_where(conn, "id = ?", athlete_id)
            if request_key is not None:
                made = await fetch_one(
                    conn,
                    "SELECT id FROM training_plans WHERE athlete_id = ? AND request_key = ?",
                    (athlete_id, request_key),
                )
                if made is not None:
                    return await self._load_plan(conn, made["id"])
            race = plan.race.model_copy(update={"created_by_athlete_id": athlete_id})
            saved_race = await self._save_race(conn, race)
            await conn.execute(
                "UPDATE training_plans SET status = ? WHERE athlete_id = ? AND status IN (?, ?)",
                (PlanStatus.ABANDONED.value, athlete_id, *ACTIVE_STATUSES),
            )
            cursor = await conn.execute(
                """INSERT INTO training_plans (athlete_id, race_id, goal_time_s, goal_pace_s_per_km,
                        baseline_5k_s, baseline_weekly_m, start_date, total_weeks, phase_overview,
                        weeks, settings, adaptive_5k_time_s, status, created_at, request_key)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
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
            plan_id = cursor.lastrowid
            assert plan_id is not None
            await self._insert_days(conn, plan_id, (d for w in plan.weeks for d in w.days))
            await conn.execute(
                "INSERT INTO training_plan_executions (training_plan_id, started_at, status) "
                "VALUES (?, ?, 'active')",
                (plan_id, started_at.astimezone(UTC).isoformat()),
            )
            return await self._load_plan(conn, plan_id)

    async def _insert_days(
        self, conn: aiosqlite.Connection, plan_id: int, days: Iterable[TrainingDayPlanned]
    ) -> None:
        await conn.executemany(
            """INSERT INTO training_days_planned (training_plan_id, week_index, day_index, date,
                                                  planned_data) VALUES (?, ?, ?, ?, ?)""",
            [
                (
                    plan_id,
                    d.week_index,
                    d.day_index,
                    d.date.isoformat(),
                    d.planned.model_dump_json(),
                )
                for d in days
            ],
        )

    async def active_plan(self, athlete_id: int) -> TrainingPlan | None:
        async with self.db.transaction(write=False) as conn:
            plan_id = await self._active_plan_id(conn, athlete_id)
            return None if plan_id is None else await self._load_plan(conn, plan_id)

    async def _active_plan_id(self, conn: aiosqlite.Connection, athlete_id: int) -> int | None:
        row = await fetch_one(
            conn,
            """SELECT id FROM training_plans WHERE athlete_id = ? AND status IN (?, ?)
               ORDER BY id DESC LIMIT 1""",
            (athlete_id, *ACTIVE_STATUSES),
        )
        return None if row is None else int(row[0])

    async def _owned_plan(self, conn: aiosqlite.Connection, athlete_id: int, plan_id: int) -> None:
        sql = "SELECT 1 FROM training_plans WHERE id = ? AND athlete_id = ?"
        if await fetch_one(conn, sql, (plan_id, athlete_id)) is None:
            raise NotFound("That plan isn't yours, or no longer exists.")

    async def set_plan_status(self, athlete_id: int, plan_id: int, status: PlanStatus) -> None:
        async with self.db.transaction() as conn:
            await self._owned_plan(conn, athlete_id, plan_id)
            await conn.execute(
                "UPDATE training_plans SET status = ? WHERE id = ?", (status.value, plan_id)
            )

    async def _load_plan(self, conn: aiosqlite.Connection, plan_id: int) -> TrainingPlan:
        row = await fetch_one(
            conn,
            """SELECT p.*, r.id AS r_id, r.race_name, r.race_type, r.race_date, r.location,
                      r.distance_m, r.registration_url, r.description, r.course_profile,
                      r.created_by_athlete_id
               FROM training_plans p JOIN races r ON r.id = p.race_id WHERE p.id = ?""",
            (plan_id,),
        )
        if row is None:
            raise NotFound("That plan no longer exists.")
        return _plan(row, await self._plan_days(conn, row))

    async def _plan_days(
        self, conn: aiosqlite.Connection, row: aiosqlite.Row
    ) -> list[TrainingDayPlanned]:
        key = (row["id"], row["created_at"], row["days_version"])
        days = self._days.get(key)
        if days is not None:
            self._days.move_to_end(key)
            return days
        days = [
            _day(r)
            for r in await fetch_all(
                conn,
                "SELECT * FROM training_days_planned WHERE training_plan_id = ? ORDER BY date",
                (row["id"],),
            )
        ]
        self._days[key] = days
        if len(self._days) > DAYS_CACHE_PLANS:
            self._days.popitem(last=False)
        return days

    async def day_view(self, athlete_id: int, on: date) -> DayView | None:
        """The active plan's day ``on`` with its linked run's analysis, in one query."""
        async with self.db.read() as conn:
            row = await fetch_one(
                conn,
                """SELECT p.id AS plan_id, p.start_date, r.race_name, d.*,
                          (SELECT x.analysis FROM training_days_executed x
                           JOIN training_plan_executions e ON e.id = x.execution_id
                           WHERE e.training_plan_id = p.id AND x.week_index = d.week_index
                             AND x.day_index = d.day_index) AS analysis
                   FROM training_plans p JOIN races r ON r.id = p.race_id
                   LEFT JOIN training_days_planned d ON d.training_plan_id = p.id AND d.date = ?
                   WHERE p.athlete_id = ? AND p.status IN (?, ?)
                   ORDER BY p.id DESC LIMIT 1""",
                (on.isoformat(), athlete_id, *ACTIVE_STATUSES),
            )
        if row is None:
            return None
        return DayView(
            plan_id=row["plan_id"],
            race_name=row["race_name"],
            start_date=date.fromisoformat(row["start_date"]),
            day=_day(row) if row["id"] is not None else None,
            analysis=DayAnalysis.model_validate_json(row["analysis"]) if row["analysis"] else None,
        )

    async def planned_days(
        self, athlete_id: int, first: date, last: date
    ) -> list[TrainingDayPlanned]:
        """The active plan's days between ``first`` and ``last`` (one query: the hot path)."""
        async with self.db.read() as conn:
            rows = await fetch_all(
                conn,
                """SELECT d.* FROM training_days_planned d
                   WHERE d.training_plan_id = (
                       SELECT id FROM training_plans WHERE athlete_id = ? AND status IN (?, ?)
                       ORDER BY id DESC LIMIT 1)
                     AND d.date BETWEEN ? AND ? ORDER BY d.date""",
                (athlete_id, *ACTIVE_STATUSES, first.isoformat(), last.isoformat()),
            )
        return [_day(r) for r in rows]

    # ---- activities -------------------------------------------------------------------------

    async def import_activity(
        self, athlete_id: int, activity: AthleteActivity
    ) -> tuple[AthleteActivity, bool]:
        """(activity, created). A repeat, or the same run from another source, returns the
        stored one and ``False``."""
        epoch = int(activity.start_utc.timestamp())
        async with self.db.transaction() as conn:
            await self._athlete_where(conn, "id = ?", athlete_id)
            existing = await self._same_activity(conn, athlete_id, activity, epoch)
            if existing is not None:
                return existing, False
            cursor = await conn.execute(
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
            stored = await self._same_activity(conn, athlete_id, activity, epoch)
            assert stored is not None
            return stored, created

    async def _same_activity(
        self, conn: aiosqlite.Connection, athlete_id: int, activity: AthleteActivity, epoch: int
    ) -> AthleteActivity | None:
        row = await fetch_one(
            conn,
            "SELECT * FROM athlete_activities WHERE athlete_id = ? AND source = ? "
            "AND external_id = ?",
            (athlete_id, activity.source.value, activity.external_id),
        )
        if row is None:
            row = await fetch_one(
                conn,
                """SELECT * FROM athlete_activities
                   WHERE athlete_id = ? AND start_epoch BETWEEN ? AND ?
                     AND ABS(distance_m - ?) <= ? ORDER BY ABS(start_epoch - ?) LIMIT 1""",
                (
                    athlete_id,
                    epoch - DUPLICATE_WINDOW_S,
                    epoch + DUPLICATE_WINDOW_S,
                    activity.distance_m,
                    DUPLICATE_DISTANCE_SHARE * activity.distance_m,
                    epoch,
                ),
            )
        return None if row is None else _activity(row)

    async def get_activity(self, athlete_id: int, activity_id: int) -> AthleteActivity:
        async with self.db.read() as conn:
            return await self._owned_activity(conn, athlete_id, activity_id)

    async def _owned_activity(
        self, conn: aiosqlite.Connection, athlete_id: int, activity_id: int
    ) -> AthleteActivity:
        row = await fetch_one(
            conn,
            "SELECT * FROM athlete_activities WHERE id = ? AND athlete_id = ?",
            (activity_id, athlete_id),
        )
        if row is None:
            raise NotFound("That activity isn't yours, or no longer exists.")
        return _activity(row)

    # ---- links ------------------------------------------------------------------------------

    async def link_activity(
        self, athlete_id: int, activity_id: int, day_id: int, analysis: DayAnalysis
    ) -> ExecutedDay:
        async with self.db.transaction() as conn:
            return await self._link(conn, athlete_id, activity_id, day_id, analysis)

    async def relink_activity(
        self, athlete_id: int, activity_id: int, day_id: int, analysis: DayAnalysis
    ) -> ExecutedDay:
        async with self.db.transaction() as conn:
            await self._unlink(conn, athlete_id, activity_id)
            return await self._link(conn, athlete_id, activity_id, day_id, analysis)

    async def unlink_activity(self, athlete_id: int, activity_id: int) -> None:
        async with self.db.transaction() as conn:
            await self._unlink(conn, athlete_id, activity_id)

    async def _link(
        self,
        conn: aiosqlite.Connection,
        athlete_id: int,
        activity_id: int,
        day_id: int,
        analysis: DayAnalysis,
    ) -> ExecutedDay:
        await self._owned_activity(conn, athlete_id, activity_id)
        row = await fetch_one(
            conn,
            """SELECT d.*, (SELECT MAX(e.id) FROM training_plan_executions e
                            WHERE e.training_plan_id = p.id) AS execution_id
               FROM training_days_planned d JOIN training_plans p ON p.id = d.training_plan_id
               WHERE d.id = ? AND p.athlete_id = ?""",
            (day_id, athlete_id),
        )
        if row is None or row["execution_id"] is None:
            raise NotFound("That day isn't in your plan.")
        day = _day(row)
        try:
            cursor = await conn.execute(
                """INSERT INTO training_days_executed (execution_id, activity_id, week_index,
                        day_index, date, planned_data, analysis, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
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
        except aiosqlite.IntegrityError:
            raise AlreadyLinked("That run or that day is already linked.") from None
        await conn.execute(
            "UPDATE athlete_activities SET match_state = NULL WHERE id = ?", (activity_id,)
        )
        return ExecutedDay(
            id=cursor.lastrowid,
            execution_id=row["execution_id"],
            activity_id=activity_id,
            week_index=day.week_index,
            day_index=day.day_index,
            date=day.date,
            planned=day.planned,
            analysis=analysis,
        )

    async def _unlink(self, conn: aiosqlite.Connection, athlete_id: int, activity_id: int) -> None:
        await self._owned_activity(conn, athlete_id, activity_id)
        cursor = await conn.execute(
            "DELETE FROM training_days_executed WHERE activity_id = ?", (activity_id,)
        )
        if cursor.rowcount == 0:
            raise NotFound("That run isn't linked to your plan.")

    async def executed_days(self, athlete_id: int, plan_id: int) -> list[ExecutedDay]:
        async with self.db.read() as conn:
            await self._owned_plan(conn, athlete_id, plan_id)
            return await self._executed(conn, plan_id)

    async def _executed(
        self, conn: aiosqlite.Connection, plan_id: int, week_index: int | None = None
    ) -> list[ExecutedDay]:
        week_filter = "" if week_index is None else " AND x.week_index = ?"
        args: tuple[Any, ...] = (plan_id,) if week_index is None else (plan_id, week_index)
        return [
            _executed(r)
            for r in await fetch_all(
                conn,
                f"""SELECT x.* FROM training_days_executed x
                JOIN training_plan_executions e ON e.id = x.execution_id
                WHERE e.training_plan_id = ?{week_filter} ORDER BY x.date""",
                args,
            )
        ]

    async def unlinked_activities(
        self, athlete_id: int, since: date | None = None
    ) -> list[AthleteActivity]:
        async with self.db.read() as conn:
            return await self._unlinked(conn, athlete_id, since or date.min, date.max)

    async def _unlinked(
        self, conn: aiosqlite.Connection, athlete_id: int, first: date, last: date
    ) -> list[AthleteActivity]:
        return [
            _activity(r)
            for r in await fetch_all(
                conn,
                """SELECT a.* FROM athlete_activities a
               LEFT JOIN training_days_executed x ON x.activity_id = a.id
               WHERE a.athlete_id = ? AND x.id IS NULL AND a.local_date BETWEEN ? AND ?
               ORDER BY a.start_epoch""",
                (athlete_id, first.isoformat(), last.isoformat()),
            )
        ]

    async def week_inputs(self, athlete_id: int, week_index: int) -> WeekInputs | None:
        """Everything adherence and "on track" need for one week of the active plan."""
        async with self.db.transaction(write=False) as conn:
            plan_id = await self._active_plan_id(conn, athlete_id)
            if plan_id is None:
                return None
            plan = await self._load_plan(conn, plan_id)
            week = next((w for w in plan.weeks if w.week_index == week_index), None)
            if week is None:
                return None
            executed = await self._executed(conn, plan_id, week_index)
            extras = await self._unlinked(conn, athlete_id, week.start_date, week.end_date)
            snaps = await self._snapshots(conn, plan_id)
            return WeekInputs(
                plan=plan,
                week=week,
                executed=tuple(executed),
                extra_runs=tuple(a for a in extras if a.is_run),
                latest_snapshot=snaps[-1] if snaps else None,
            )

    # ---- adaptive 5k ------------------------------------------------------------------------

    async def save_snapshot(self, athlete_id: int, plan_id: int, snap: Adaptive5kSnapshot) -> None:
        async with self.db.transaction() as conn:
            await self._owned_plan(conn, athlete_id, plan_id)
            await conn.execute(
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
            await conn.execute(
                "UPDATE training_plans SET adaptive_5k_time_s = ? WHERE id = ?",
                (snap.seconds, plan_id),
            )

    async def snapshots(self, athlete_id: int, plan_id: int) -> list[Adaptive5kSnapshot]:
        async with self.db.read() as conn:
            await self._owned_plan(conn, athlete_id, plan_id)
            return await self._snapshots(conn, plan_id)

    async def _snapshots(
        self, conn: aiosqlite.Connection, plan_id: int
    ) -> list[Adaptive5kSnapshot]:
        rows = await fetch_all(
            conn,
            "SELECT * FROM adaptive_5k_snapshots WHERE training_plan_id = ? ORDER BY week_index",
            (plan_id,),
        )
        return [
            Adaptive5kSnapshot(
                week_index=r["week_index"],
                taken_on=date.fromisoformat(r["taken_at"]),
                seconds=r["seconds"],
                vdot=r["vdot"],
                runs_used=r["runs_used"],
                trend=r["trend"],
            )
            for r in rows
        ]

    # ---- scheduled messages -----------------------------------------------------------------

    async def due_pushes(self, due: Sequence[tuple[str, str, date]]) -> list[DuePush]:
        """Active runners whose (zone, local HH:MM) is due, with that local day's workout."""
        found: list[DuePush] = []
        async with self.db.read() as conn:
            for batch in batches(due, 3):
                values = ", ".join("(?, ?, ?)" for _ in batch)
                args = [v for zone, hhmm, day in batch for v in (zone, hhmm, day.isoformat())]
                rows = await fetch_all(
                    conn,
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
                found += [_due(r) for r in rows]
        return found

    async def zones_in_use(self) -> list[str]:
        async with self.db.read() as conn:
            rows = await fetch_all(
                conn, "SELECT DISTINCT time_zone FROM athletes WHERE active = 1 ORDER BY 1"
            )
        return [row[0] for row in rows]

    async def athletes_in_zones(self, zones: Sequence[str]) -> list[Athlete]:
        found: list[Athlete] = []
        async with self.db.read() as conn:
            for batch in batches(zones):
                marks = ", ".join("?" for _ in batch)
                rows = await fetch_all(
                    conn,
                    f"SELECT * FROM athletes WHERE active = 1 AND time_zone IN ({marks})",
                    list(batch),
                )
                found += [_athlete(r) for r in rows]
        return sorted(found, key=lambda athlete: athlete.id or 0)

    async def missed_days(self, asked: Sequence[tuple[int, date]]) -> dict[int, TrainingDayPlanned]:
        """For each (athlete, day): that day's planned workout of the active plan when no run
        is linked to it and the runner did not skip it."""
        found: dict[int, TrainingDayPlanned] = {}
        async with self.db.read() as conn:
            for batch in batches(asked, 2):
                values = ", ".join("(?, ?)" for _ in batch)
                args = [v for athlete_id, day in batch for v in (athlete_id, day.isoformat())]
                rows = await fetch_all(
                    conn,
                    f"""WITH asked(athlete_id, day) AS (VALUES {values})
                    SELECT asked.athlete_id AS owner, d.* FROM asked
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
                        SELECT 1 FROM push_log l WHERE l.athlete_id = asked.athlete_id
                          AND l.kind = 'skip' AND l.slot = asked.day)""",
                    args,
                )
                found |= {r["owner"]: _day(r) for r in rows}
        return found

    async def set_match_state(self, athlete_id: int, activity_id: int, state: str | None) -> None:
        """'pending' while "Is this activity for your plan?" waits, 'extra' once decided."""
        async with self.db.transaction() as conn:
            await self._owned_activity(conn, athlete_id, activity_id)
            await conn.execute(
                "UPDATE athlete_activities SET match_state = ? WHERE id = ?", (state, activity_id)
            )

    async def pending_matches(self, athlete_ids: Sequence[int]) -> dict[int, list[AthleteActivity]]:
        found: dict[int, list[AthleteActivity]] = {}
        async with self.db.read() as conn:
            for batch in batches(athlete_ids):
                marks = ", ".join("?" for _ in batch)
                rows = await fetch_all(
                    conn,
                    f"""SELECT a.* FROM athlete_activities a
                        LEFT JOIN training_days_executed x ON x.activity_id = a.id
                        WHERE a.athlete_id IN ({marks}) AND a.match_state = 'pending'
                          AND x.id IS NULL ORDER BY a.start_epoch""",
                    list(batch),
                )
                for row in rows:
                    found.setdefault(row["athlete_id"], []).append(_activity(row))
        return found

    async def move_workout(self, athlete_id: int, from_day_id: int, to_day_id: int) -> None:
        """Swap two planned days of the runner's active plan (neither may be done yet)."""
        async with self.db.transaction() as conn:
            plan_id = await self._active_plan_id(conn, athlete_id)
            rows = await fetch_all(
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
            if len(rows) != 2 or from_day_id == to_day_id:
                raise NotFound("Those days aren't both in your current plan.")
            if any(r["done"] for r in rows):
                raise AlreadyLinked("A day with a run linked can't be moved.")
            data = {r["id"]: r["planned_data"] for r in rows}
            await conn.executemany(
                "UPDATE training_days_planned SET planned_data = ? WHERE id = ?",
                [(data[to_day_id], from_day_id), (data[from_day_id], to_day_id)],
            )

    async def claim_push(self, athlete_id: int, kind: str, slot: str) -> bool:
        """True exactly once per (athlete, kind, slot), whatever happens afterwards."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                """INSERT INTO push_log (athlete_id, kind, slot, status, updated_at)
                   VALUES (?, ?, ?, 'claimed', ?)
                   ON CONFLICT (athlete_id, kind, slot) DO NOTHING""",
                (athlete_id, kind, slot, self._stamp()),
            )
            return cursor.rowcount == 1

    async def mark_push(self, athlete_id: int, kind: str, slot: str, status: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE push_log SET status = ?, updated_at = ? "
                "WHERE athlete_id = ? AND kind = ? AND slot = ?",
                (status, self._stamp(), athlete_id, kind, slot),
            )

    # ---- the runner's own data --------------------------------------------------------------

    async def export_athlete(self, athlete_id: int) -> dict[str, Any]:
        """Everything stored about one runner, as JSON-ready data."""
        async with self.db.transaction(write=False) as conn:
            athlete = await self._athlete_where(conn, "id = ?", athlete_id)
            plan_rows = await fetch_all(
                conn,
                "SELECT id, status FROM training_plans WHERE athlete_id = ? ORDER BY id",
                (athlete_id,),
            )
            plans = []
            for row in plan_rows:
                plan = await self._load_plan(conn, row["id"])
                plans.append(
                    {
                        "status": row["status"],
                        "plan": plan.model_dump(mode="json", by_alias=True),
                        "executedDays": [
                            e.model_dump(mode="json", by_alias=True)
                            for e in await self._executed(conn, row["id"])
                        ],
                        "adaptive5kSnapshots": [
                            s.model_dump(mode="json", by_alias=True)
                            for s in await self._snapshots(conn, row["id"])
                        ],
                        "revisions": [
                            r.model_dump(mode="json", by_alias=True)
                            for r in await self._revisions(conn, row["id"])
                        ],
                    }
                )
            activities = [
                _activity(r)
                for r in await fetch_all(
                    conn,
                    "SELECT * FROM athlete_activities WHERE athlete_id = ? ORDER BY start_epoch",
                    (athlete_id,),
                )
            ]
            pushes = [
                dict(r)
                for r in await fetch_all(
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
        async with self.db.transaction() as conn:
            athlete = await self._athlete_where(conn, "id = ?", athlete_id)
            await conn.execute("DELETE FROM athletes WHERE id = ?", (athlete_id,))
            await delete_bot_state(conn, athlete.telegram_user_id, athlete.chat_id)


async def delete_bot_state(conn: aiosqlite.Connection, user_id: int, chat_id: int) -> None:
    """Conversation and user/chat data PTB kept for this runner (keys as in storage.persistence)."""
    keys = [
        str(user_id),
        str(chat_id),
        conversation_key([chat_id, user_id]),
        conversation_key([chat_id]),
        conversation_key([user_id]),
    ]
    marks = ", ".join("?" for _ in keys)
    await conn.execute(f"DELETE FROM bot_state WHERE key IN ({marks})", keys)


# ---- rows → models --------------------------------------------------------------------------


def _athlete(row: aiosqlite.Row) -> Athlete:
    return Athlete(
        id=row["id"],
        telegram_user_id=row["telegram_user_id"],
        chat_id=row["chat_id"],
        display_name=row["display_name"],
        units=row["units"],
        time_zone=row["time_zone"],
        push_time=row["push_time"],
        notifications=json.loads(row["notifications"]),
        active=bool(row["active"]),
        onboarded=bool(row["onboarded"]),
        paused_until=date.fromisoformat(row["paused_until"]) if row["paused_until"] else None,
        paused_on=date.fromisoformat(row["paused_on"]) if row["paused_on"] else None,
        pause_reason=row["pause_reason"],
        created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
    )


def _race(row: aiosqlite.Row, prefix: str = "") -> Race:
    return Race(
        id=row[f"{prefix}id"],
        race_name=row["race_name"],
        race_type=row["race_type"],
        race_date=date.fromisoformat(row["race_date"]),
        location=row["location"],
        distance_m=row["distance_m"],
        registration_url=row["registration_url"],
        description=row["description"],
        course_profile=row["course_profile"],
        created_by_athlete_id=row["created_by_athlete_id"],
    )


def _day(row: aiosqlite.Row) -> TrainingDayPlanned:
    return TrainingDayPlanned(
        id=row["id"],
        training_plan_id=row["training_plan_id"],
        week_index=row["week_index"],
        day_index=row["day_index"],
        date=date.fromisoformat(row["date"]),
        planned=PlannedWorkout.model_validate_json(row["planned_data"]),
    )


def _plan(row: aiosqlite.Row, days: list[TrainingDayPlanned]) -> TrainingPlan:
    settings = json.loads(row["settings"])
    by_week: dict[int, list[TrainingDayPlanned]] = {}
    for day in days:
        by_week.setdefault(day.week_index, []).append(day)
    weeks = tuple(
        TrainingWeek(**meta, days=tuple(by_week.get(meta["week_index"], ())))
        for meta in json.loads(row["weeks"])
    )
    return TrainingPlan(
        id=row["id"],
        athlete_id=row["athlete_id"],
        race=_race(row, "r_"),
        units=settings["units"],
        goal_time_s=row["goal_time_s"],
        goal_pace_s_per_km=row["goal_pace_s_per_km"],
        baseline_5k_s=row["baseline_5k_s"],
        baseline_weekly_m=row["baseline_weekly_m"],
        start_date=date.fromisoformat(row["start_date"]),
        total_weeks=row["total_weeks"],
        vdot=settings["vdot"],
        paces=TrainingPaces(**settings["paces"]),
        run_days=tuple(settings["run_days"]),
        long_run_day=settings["long_run_day"],
        phase_overview=tuple(PhaseSpan(**s) for s in json.loads(row["phase_overview"])),
        weeks=weeks,
        adaptive_5k_s=row["adaptive_5k_time_s"],
        pace_5k_s=settings.get("pace_5k_s"),
        longest_recent_m=settings.get("longest_recent_m"),
        predicted_s=settings.get("predicted_s"),
        readiness=settings.get("readiness"),
        shortened=settings["shortened"],
        warnings=tuple(settings["warnings"]),
        status=row["status"],
        result=RaceResult.model_validate_json(row["result"]) if row["result"] else None,
    )


def _activity(row: aiosqlite.Row) -> AthleteActivity:
    return AthleteActivity(
        id=row["id"],
        athlete_id=row["athlete_id"],
        source=row["source"],
        external_id=row["external_id"],
        start_utc=datetime.fromisoformat(row["start_utc"]),
        local_date=date.fromisoformat(row["local_date"]),
        distance_m=row["distance_m"],
        duration_s=row["duration_s"],
        moving_s=row["moving_s"],
        avg_hr=row["avg_hr"],
        max_hr=row["max_hr"],
        elevation_gain_m=row["elevation_gain_m"],
        sport=row["sport"],
        summary=json.loads(row["summary"]),
    )


def _executed(row: aiosqlite.Row) -> ExecutedDay:
    return ExecutedDay(
        id=row["id"],
        execution_id=row["execution_id"],
        activity_id=row["activity_id"],
        week_index=row["week_index"],
        day_index=row["day_index"],
        date=date.fromisoformat(row["date"]),
        planned=PlannedWorkout.model_validate_json(row["planned_data"]),
        analysis=DayAnalysis.model_validate_json(row["analysis"]),
    )


@lru_cache(maxsize=4096)
def _workout(planned_data: str) -> PlannedWorkout:
    """Runners on one plan share their days' JSON: parse each distinct one once."""
    return PlannedWorkout.model_validate_json(planned_data)


def _due(row: aiosqlite.Row) -> DuePush:
    day = None
    if row["d_id"] is not None:
        day = TrainingDayPlanned(
            id=row["d_id"],
            training_plan_id=row["plan_id"],
            week_index=row["d_week"],
            day_index=row["d_day"],
            date=date.fromisoformat(row["due_day"]),
            planned=_workout(row["d_data"]),
        )
    return DuePush(
        athlete=_athlete(row),
        plan_id=row["plan_id"],
        local_date=date.fromisoformat(row["due_day"]),
        day=day,
    )
