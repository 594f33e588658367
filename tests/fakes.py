"""An in-memory unit of work: use cases tested without SQLite (Cosmic Python's fake).

It keeps the rules the real storage keeps and tests rely on — ownership (another runner's id is
NotFound), one claim per push slot, the same run imported twice is one row, one run per day and
one day per run, rollback when the use case raises — and ``tests/services/test_contract.py``
runs the same checks against it and SQLite, so it is never kinder than the real thing.
Methods no use-case test needs say so (NotImplementedError) rather than pretend.
"""

import copy
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from core.errors import AlreadyLinked, NotFound
from core.models import (
    Adaptive5kSnapshot,
    Athlete,
    AthleteActivity,
    DayAnalysis,
    DayRow,
    DaysAround,
    DuePush,
    ExecutedDay,
    GarminAccount,
    PlannedWorkout,
    PlanRevision,
    PlanStatus,
    TrainingDayPlanned,
    TrainingPlan,
)
from core.ports import Work

T = TypeVar("T")
ACTIVE = (PlanStatus.PLANNING, PlanStatus.TRAINING)


@dataclass
class State:
    athletes: dict[int, Athlete] = field(default_factory=dict)
    plans: dict[int, TrainingPlan] = field(default_factory=dict)
    activities: dict[int, AthleteActivity] = field(default_factory=dict)
    match_states: dict[int, str | None] = field(default_factory=dict)
    executed: dict[int, list[ExecutedDay]] = field(default_factory=dict)  # plan id → days
    executions: dict[int, int] = field(default_factory=dict)  # plan id → executions started
    revisions: dict[int, list[PlanRevision]] = field(default_factory=dict)
    snapshots: dict[int, dict[int, Adaptive5kSnapshot]] = field(default_factory=dict)
    push_log: dict[tuple[int, str, str], str] = field(default_factory=dict)
    skipped: set[tuple[int, date]] = field(default_factory=set)  # (plan id, day)
    garmin: dict[int, GarminAccount] = field(default_factory=dict)
    ids: Any = field(default_factory=lambda: itertools.count(1))


class _Repository:
    def __init__(self, state: State) -> None:
        self.s = state

    def _new_id(self) -> int:
        return int(next(self.s.ids))

    def _athlete(self, athlete_id: int) -> Athlete:
        if athlete_id not in self.s.athletes:
            raise NotFound("unknown_runner")
        return self.s.athletes[athlete_id]

    def _owned_plan(self, athlete_id: int, plan_id: int) -> TrainingPlan:
        plan = self.s.plans.get(plan_id)
        if plan is None or plan.athlete_id != athlete_id:
            raise NotFound("plan_not_yours")
        return plan

    def _active(self, athlete_id: int) -> TrainingPlan | None:
        mine = [p for p in self.s.plans.values() if p.athlete_id == athlete_id]
        active = [p for p in mine if p.status in ACTIVE]
        return active[-1] if active else None

    def _owned_activity(self, athlete_id: int, activity_id: int) -> AthleteActivity:
        activity = self.s.activities.get(activity_id)
        if activity is None or activity.athlete_id != athlete_id:
            raise NotFound("activity_not_yours")
        return activity

    def _linked_ids(self) -> set[int]:
        return {e.activity_id for days in self.s.executed.values() for e in days if e.activity_id}


class FakeAthletes(_Repository):
    async def upsert_athlete(self, athlete: Athlete) -> Athlete:
        known = next(
            (a for a in self.s.athletes.values() if a.telegram_user_id == athlete.telegram_user_id),
            None,
        )
        if known is not None:
            update = {"chat_id": athlete.chat_id, "display_name": athlete.display_name}
            stored = known.model_copy(update={**update, "active": True})
        else:
            stored = athlete.model_copy(update={"id": self._new_id()})
        assert stored.id is not None
        self.s.athletes[stored.id] = stored
        return stored

    async def get_athlete(self, athlete_id: int) -> Athlete:
        return self._athlete(athlete_id)

    async def athlete_by_telegram(self, telegram_user_id: int) -> Athlete | None:
        return next(
            (a for a in self.s.athletes.values() if a.telegram_user_id == telegram_user_id), None
        )

    async def update_athlete(self, athlete_id: int, **fields: Any) -> Athlete:
        updated = self._athlete(athlete_id).model_copy(update=fields)
        self.s.athletes[athlete_id] = updated
        return updated

    async def export_athlete(self, athlete_id: int) -> dict[str, Any]:
        raise NotImplementedError("export is covered by the SQLite tests")

    async def delete_athlete(self, athlete_id: int) -> None:
        raise NotImplementedError("erasing is covered by the SQLite tests")


class FakeRaces(_Repository):
    async def save_race(self, race: Any) -> Any:
        raise NotImplementedError("the race catalogue is covered by the SQLite tests")

    async def find_races(self, text: str, on_or_after: date, limit: int = 5) -> list[Any]:
        return []


class FakePlans(_Repository):
    async def save_plan(
        self,
        athlete_id: int,
        plan: TrainingPlan,
        started_at: datetime,
        request_key: str | None = None,
    ) -> TrainingPlan:
        self._athlete(athlete_id)
        for old in self.s.plans.values():
            if old.athlete_id == athlete_id and old.status in ACTIVE:
                assert old.id is not None
                self.s.plans[old.id] = old.model_copy(update={"status": PlanStatus.ABANDONED})
        plan_id = self._new_id()
        stored = self._with_ids(plan, plan_id, athlete_id, PlanStatus.TRAINING)
        self.s.plans[plan_id] = stored
        self.s.executions[plan_id] = 1
        self.s.executed[plan_id] = []
        return stored

    def _with_ids(
        self, plan: TrainingPlan, plan_id: int, athlete_id: int, status: PlanStatus | None
    ) -> TrainingPlan:
        weeks = tuple(
            week.model_copy(
                update={
                    "days": tuple(
                        d.model_copy(
                            update={"id": d.id or self._new_id(), "training_plan_id": plan_id}
                        )
                        for d in week.days
                    )
                }
            )
            for week in plan.weeks
        )
        update = {"id": plan_id, "athlete_id": athlete_id, "weeks": weeks, "status": status}
        return plan.model_copy(update=update)

    async def active_plan(self, athlete_id: int) -> TrainingPlan | None:
        return self._active(athlete_id)

    async def set_plan_status(self, athlete_id: int, plan_id: int, status: PlanStatus) -> None:
        plan = self._owned_plan(athlete_id, plan_id)
        self.s.plans[plan_id] = plan.model_copy(update={"status": status})

    async def day_view(self, athlete_id: int, on: date) -> Any:
        raise NotImplementedError("/today's one-query view is covered by the SQLite tests")

    async def planned_days(
        self, athlete_id: int, first: date, last: date
    ) -> list[TrainingDayPlanned]:
        plan = self._active(athlete_id)
        return [d for d in plan.days() if first <= d.date <= last] if plan else []

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
        assert revised.id is not None
        old = self._owned_plan(athlete_id, revised.id)
        kept = {d.date: d for d in old.days() if d.date < revision.rewrites_from}
        weeks = tuple(
            week.model_copy(
                update={
                    "days": tuple(
                        kept.get(d.date, d.model_copy(update={"id": None})) for d in week.days
                    )
                }
            )
            for week in revised.weeks
        )
        stored = self._with_ids(
            revised.model_copy(update={"weeks": weeks}), revised.id, athlete_id, old.status
        )
        self.s.plans[revised.id] = stored
        if restart:
            self.s.executions[revised.id] += 1
        saved = revision.model_copy(update={"id": self._new_id()})
        self.s.revisions.setdefault(revised.id, []).append(saved)
        return saved

    async def revisions(self, athlete_id: int, plan_id: int) -> list[PlanRevision]:
        self._owned_plan(athlete_id, plan_id)
        return list(self.s.revisions.get(plan_id, []))

    async def revision_to_undo(self, athlete_id: int, revision_id: int) -> Any:
        raise NotImplementedError("undo is covered by the SQLite and bot tests")

    async def execution_count(self, athlete_id: int, plan_id: int) -> int:
        self._owned_plan(athlete_id, plan_id)
        return self.s.executions[plan_id]

    async def record_result(self, athlete_id: int, plan_id: int, result: Any) -> None:
        raise NotImplementedError("race results are covered by the SQLite and bot tests")

    async def plan_history(self, athlete_id: int) -> list[TrainingPlan]:
        mine = [p for p in self.s.plans.values() if p.athlete_id == athlete_id]
        return sorted(mine, key=lambda p: p.id or 0, reverse=True)

    async def move_workout(
        self,
        athlete_id: int,
        from_day_id: int,
        to_day_id: int,
        revision: PlanRevision,
        left: PlannedWorkout,
    ) -> PlanRevision:
        plan = self._active(athlete_id)
        days = {d.id: d for d in plan.days()} if plan else {}
        if from_day_id == to_day_id or from_day_id not in days or to_day_id not in days:
            raise NotFound("days_not_in_plan")
        assert plan is not None and plan.id is not None
        done = {(e.week_index, e.day_index) for e in self.s.executed[plan.id]}
        if any((days[i].week_index, days[i].day_index) in done for i in (from_day_id, to_day_id)):
            raise AlreadyLinked("linked_day_not_movable")
        swap = {from_day_id: left, to_day_id: days[from_day_id].planned}
        weeks = tuple(
            w.model_copy(
                update={
                    "days": tuple(
                        d.model_copy(update={"planned": swap[d.id]}) if d.id in swap else d
                        for d in w.days
                    )
                }
            )
            for w in plan.weeks
        )
        self.s.plans[plan.id] = plan.model_copy(update={"weeks": weeks})
        saved = revision.model_copy(update={"id": self._new_id()})
        self.s.revisions.setdefault(plan.id, []).append(saved)
        return saved

    async def skip_day(self, athlete_id: int, day_id: int) -> None:
        plan = self._active(athlete_id)
        day = next((d for d in plan.days() if d.id == day_id), None) if plan else None
        if plan is None or plan.id is None or day is None:
            raise NotFound("day_not_in_plan")
        self.s.skipped.add((plan.id, day.date))

    async def skipped_days(self, athlete_id: int, plan_id: int) -> set[date]:
        self._owned_plan(athlete_id, plan_id)
        return {on for (plan, on) in self.s.skipped if plan == plan_id}

    async def save_snapshot(self, athlete_id: int, plan_id: int, snap: Adaptive5kSnapshot) -> None:
        plan = self._owned_plan(athlete_id, plan_id)
        self.s.snapshots.setdefault(plan_id, {})[snap.week_index] = snap
        self.s.plans[plan_id] = plan.model_copy(update={"adaptive_5k_s": snap.seconds})

    async def snapshots(self, athlete_id: int, plan_id: int) -> list[Adaptive5kSnapshot]:
        self._owned_plan(athlete_id, plan_id)
        taken = self.s.snapshots.get(plan_id, {})
        return [taken[week] for week in sorted(taken)]


class FakeActivities(_Repository):
    async def import_activity(
        self, athlete_id: int, activity: AthleteActivity
    ) -> tuple[AthleteActivity, bool]:
        self._athlete(athlete_id)
        for known in self.s.activities.values():
            if known.athlete_id == athlete_id and (known.source, known.external_id) == (
                activity.source,
                activity.external_id,
            ):
                return known, False
        stored = activity.model_copy(update={"id": self._new_id(), "athlete_id": athlete_id})
        assert stored.id is not None
        self.s.activities[stored.id] = stored
        return stored, True

    async def get_activity(self, athlete_id: int, activity_id: int) -> AthleteActivity:
        return self._owned_activity(athlete_id, activity_id)

    async def latest_activity(self, athlete_id: int) -> AthleteActivity | None:
        own = [a for a in self.s.activities.values() if a.athlete_id == athlete_id]
        return max(own, key=lambda a: a.id or 0, default=None)

    async def delete_activity(self, athlete_id: int, activity_id: int) -> None:
        self._owned_activity(athlete_id, activity_id)
        del self.s.activities[activity_id]
        for plan_id, days in self.s.executed.items():
            self.s.executed[plan_id] = [e for e in days if e.activity_id != activity_id]

    async def unlinked_activities(
        self, athlete_id: int, since: date | None = None
    ) -> list[AthleteActivity]:
        linked = self._linked_ids()
        return sorted(
            (
                a
                for a in self.s.activities.values()
                if a.athlete_id == athlete_id
                and a.id not in linked
                and a.local_date >= (since or date.min)
            ),
            key=lambda a: a.start_utc,
        )

    async def set_match_state(self, athlete_id: int, activity_id: int, state: str | None) -> None:
        self._owned_activity(athlete_id, activity_id)
        self.s.match_states[activity_id] = state

    async def pending_matches(self, athlete_ids: Sequence[int]) -> dict[int, list[AthleteActivity]]:
        linked, found = self._linked_ids(), {}
        for activity_id, state in self.s.match_states.items():
            activity = self.s.activities[activity_id]
            if (
                state == "pending"
                and activity_id not in linked
                and activity.athlete_id in athlete_ids
            ):
                found.setdefault(activity.athlete_id or 0, []).append(activity)
        return found

    async def run_dates(self, athlete_id: int, first: date, last: date) -> list[date]:
        return sorted({a.local_date for a in self._runs(athlete_id, first, last)})

    async def longest_run_m(self, athlete_id: int, first: date, last: date) -> float | None:
        return max((a.distance_m for a in self._runs(athlete_id, first, last)), default=None)

    async def run_efforts(
        self, athlete_id: int, first: date, last: date
    ) -> list[tuple[float, float]]:
        return [(a.distance_m, a.time_s) for a in self._runs(athlete_id, first, last)]

    def _runs(self, athlete_id: int, first: date, last: date) -> list[AthleteActivity]:
        return [
            a
            for a in self.s.activities.values()
            if a.athlete_id == athlete_id and a.is_run and first <= a.local_date <= last
        ]


class FakeExecutions(_Repository):
    async def link_activity(
        self, athlete_id: int, activity_id: int, day_id: int, analysis: DayAnalysis
    ) -> ExecutedDay:
        self._owned_activity(athlete_id, activity_id)
        plan, day = self._day(athlete_id, day_id)
        if activity_id in self._linked_ids():  # a day may take two runs, a run one day
            raise AlreadyLinked("run_or_day_linked")
        executed = ExecutedDay(
            id=self._new_id(),
            execution_id=self.s.executions[plan],
            activity_id=activity_id,
            week_index=day.week_index,
            day_index=day.day_index,
            date=day.date,
            planned=day.planned,
            analysis=analysis,
        )
        self.s.executed[plan].append(executed)
        self.s.match_states[activity_id] = None
        return executed

    def _day(self, athlete_id: int, day_id: int) -> tuple[int, TrainingDayPlanned]:
        for plan in self.s.plans.values():
            if plan.athlete_id == athlete_id:
                day = next((d for d in plan.days() if d.id == day_id), None)
                if day is not None and plan.id is not None:
                    return plan.id, day
        raise NotFound("day_not_in_plan")

    async def relink_activity(
        self, athlete_id: int, activity_id: int, day_id: int, analysis: DayAnalysis
    ) -> ExecutedDay:
        await self.unlink_activity(athlete_id, activity_id)
        return await self.link_activity(athlete_id, activity_id, day_id, analysis)

    async def unlink_activity(self, athlete_id: int, activity_id: int) -> None:
        self._owned_activity(athlete_id, activity_id)
        for days in self.s.executed.values():
            for executed in days:
                if executed.activity_id == activity_id:
                    days.remove(executed)
                    return
        raise NotFound("run_not_linked")

    async def executed_days(self, athlete_id: int, plan_id: int) -> list[ExecutedDay]:
        self._owned_plan(athlete_id, plan_id)
        return sorted(self.s.executed[plan_id], key=lambda e: e.date)


class FakePushLog(_Repository):
    async def zones_in_use(self) -> list[str]:
        return sorted({a.time_zone for a in self.s.athletes.values() if a.active})

    async def athletes_in_zones(self, zones: Sequence[str]) -> list[Athlete]:
        return [a for a in self.s.athletes.values() if a.active and a.time_zone in zones]

    async def missed_days(self, asked: Sequence[tuple[int, date]]) -> dict[int, DayRow]:
        found = {}
        for athlete_id, on in asked:
            plan = self._training(athlete_id)
            day = plan.day_on(on) if plan else None
            if plan is None or day is None or (plan.id, on) in self.s.skipped:
                continue
            if (day.week_index, day.day_index) not in self._done(plan):
                found[athlete_id] = _row(day)
        return found

    async def days_between(self, asked: Sequence[tuple[int, date, date]]) -> dict[int, DaysAround]:
        found = {}
        for athlete_id, first, last in asked:
            plan = self._training(athlete_id)
            if plan is not None:
                days = tuple(_row(d) for d in plan.days() if first <= d.date <= last)
                found[athlete_id] = DaysAround(days, frozenset(self._done(plan)))
        return found

    async def due_pushes(self, due: Sequence[tuple[str, str, date]]) -> list[DuePush]:
        pushes = []
        for zone, hhmm, on in due:
            for athlete in self.s.athletes.values():
                if athlete.active and (athlete.time_zone, athlete.push_time) == (zone, hhmm):
                    assert athlete.id is not None
                    plan = self._training(athlete.id)
                    day = plan.day_on(on) if plan else None
                    plan_id = plan.id if plan else None
                    pushes.append(DuePush(athlete=athlete, plan_id=plan_id, local_date=on, day=day))
        return pushes

    async def claim_push(self, athlete_id: int, kind: str, slot: str) -> bool:
        if (athlete_id, kind, slot) in self.s.push_log:
            return False
        self.s.push_log[(athlete_id, kind, slot)] = "claimed"
        return True

    async def mark_push(self, athlete_id: int, kind: str, slot: str, status: str) -> None:
        if (athlete_id, kind, slot) in self.s.push_log:
            self.s.push_log[(athlete_id, kind, slot)] = status

    def _training(self, athlete_id: int) -> TrainingPlan | None:
        plan = self._active(athlete_id)
        return plan if plan is not None and plan.status is PlanStatus.TRAINING else None

    def _done(self, plan: TrainingPlan) -> set[tuple[int, int]]:
        assert plan.id is not None
        return {(e.week_index, e.day_index) for e in self.s.executed[plan.id]}


class FakeGarminAccounts(_Repository):
    async def connect(self, athlete_id: int, sealed: bytes, now: datetime) -> None:
        self.s.garmin[athlete_id] = GarminAccount(
            athlete_id=athlete_id, tokens=sealed, connected_at=now
        )

    async def get(self, athlete_id: int) -> GarminAccount | None:
        return self.s.garmin.get(athlete_id)

    async def all(self) -> list[GarminAccount]:
        return [self.s.garmin[key] for key in sorted(self.s.garmin)]

    async def synced(self, athlete_id: int, sealed: bytes, now: datetime, imported: int) -> None:
        account = self.s.garmin[athlete_id]
        self.s.garmin[athlete_id] = account.model_copy(
            update={
                "tokens": sealed,
                "last_sync_at": now,
                "runs_imported": account.runs_imported + imported,
                "backoff_until": None,
                "backoff_level": 0,
            }
        )

    async def back_off(self, athlete_id: int, until: datetime, level: int) -> None:
        account = self.s.garmin[athlete_id]
        self.s.garmin[athlete_id] = account.model_copy(
            update={"backoff_until": until, "backoff_level": level}
        )

    async def disconnect(self, athlete_id: int) -> bool:
        return self.s.garmin.pop(athlete_id, None) is not None


def _row(day: TrainingDayPlanned) -> DayRow:
    assert day.id is not None and day.training_plan_id is not None
    return DayRow(
        day.id, day.training_plan_id, day.week_index, day.day_index, day.date, day.planned
    )


class FakeUnitOfWork:
    def __init__(self, state: State) -> None:
        self.athletes = FakeAthletes(state)
        self.races = FakeRaces(state)
        self.plans = FakePlans(state)
        self.activities = FakeActivities(state)
        self.executions = FakeExecutions(state)
        self.pushes = FakePushLog(state)
        self.garmin = FakeGarminAccounts(state)


class FakeUnits:
    """Each unit works on a copy of the state and keeps it only if the use case returns."""

    def __init__(self) -> None:
        self.state = State()
        self.committed = 0

    async def write(self, work: Work[T]) -> T:
        draft = copy.deepcopy(self.state)
        result = await work(FakeUnitOfWork(draft))
        self.state = draft
        self.committed += 1
        return result

    async def read(self, work: Work[T]) -> T:
        return await work(FakeUnitOfWork(copy.deepcopy(self.state)))

    read_long = read
