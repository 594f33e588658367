"""What the use cases need from the outside world, as Protocols.

Storage implements :class:`Repository`; tests may implement it with fakes. Every method returns
core models, never rows, and raises :class:`core.errors.NotFound` (or another GoFastError) for
ids that do not exist or do not belong to the caller.
"""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Protocol

from core.models import (
    Adaptive5kSnapshot,
    Athlete,
    AthleteActivity,
    DayAnalysis,
    DuePush,
    ExecutedDay,
    PlanStatus,
    Race,
    TrainingDayPlanned,
    TrainingPlan,
    TrainingWeek,
    WeekInputs,
)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...


class Repository(Protocol):
    # athletes
    async def upsert_athlete(self, athlete: Athlete) -> Athlete: ...
    async def get_athlete(self, athlete_id: int) -> Athlete: ...
    async def athlete_by_telegram(self, telegram_user_id: int) -> Athlete | None: ...
    async def update_athlete(self, athlete_id: int, **fields: Any) -> Athlete: ...

    # races
    async def save_race(self, race: Race) -> Race: ...
    async def find_races(self, text: str, on_or_after: date, limit: int = 5) -> list[Race]: ...

    # plans
    async def save_plan(
        self, athlete_id: int, plan: TrainingPlan, started_at: datetime
    ) -> TrainingPlan: ...
    async def active_plan(self, athlete_id: int) -> TrainingPlan | None: ...
    async def set_plan_status(self, athlete_id: int, plan_id: int, status: PlanStatus) -> None: ...
    async def planned_days(
        self, athlete_id: int, first: date, last: date
    ) -> list[TrainingDayPlanned]: ...
    async def replace_future_days(
        self,
        athlete_id: int,
        plan_id: int,
        from_date: date,
        weeks: Sequence[TrainingWeek],
    ) -> TrainingPlan: ...

    # activities and links
    async def import_activity(
        self, athlete_id: int, activity: AthleteActivity
    ) -> tuple[AthleteActivity, bool]: ...
    async def get_activity(self, athlete_id: int, activity_id: int) -> AthleteActivity: ...
    async def link_activity(
        self, athlete_id: int, activity_id: int, day_id: int, analysis: DayAnalysis
    ) -> ExecutedDay: ...
    async def unlink_activity(self, athlete_id: int, activity_id: int) -> None: ...
    async def relink_activity(
        self, athlete_id: int, activity_id: int, day_id: int, analysis: DayAnalysis
    ) -> ExecutedDay: ...
    async def executed_days(self, athlete_id: int, plan_id: int) -> list[ExecutedDay]: ...
    async def unlinked_activities(
        self, athlete_id: int, since: date | None = None
    ) -> list[AthleteActivity]: ...
    async def week_inputs(self, athlete_id: int, week_index: int) -> WeekInputs | None: ...

    # adaptive 5k
    async def save_snapshot(
        self, athlete_id: int, plan_id: int, snap: Adaptive5kSnapshot
    ) -> None: ...
    async def snapshots(self, athlete_id: int, plan_id: int) -> list[Adaptive5kSnapshot]: ...

    # scheduled messages
    async def due_pushes(self, due: Sequence[tuple[str, str, date]]) -> list[DuePush]: ...
    async def claim_push(self, athlete_id: int, kind: str, slot: str) -> bool: ...
    async def mark_push(self, athlete_id: int, kind: str, slot: str, status: str) -> None: ...

    # the runner's own data
    async def export_athlete(self, athlete_id: int) -> dict[str, Any]: ...
    async def delete_athlete(self, athlete_id: int) -> None: ...
