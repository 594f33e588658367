"""What the use cases need from the outside world, as Protocols.

A use case runs inside one unit of work (:class:`Units`): every repository it reaches through
the unit's attributes shares one transaction, committed when the use case returns and rolled
back when it raises. Storage implements these; ``tests/fakes.py`` implements them in memory.
Every method returns core models, never rows, and raises :class:`core.errors.NotFound` (or
another GoFastError) for ids that do not exist or do not belong to the caller.

A unit of work may await only its repositories: SQLite runs the whole use case in one go (a
write unit in one trip to its writer thread), where nothing else can be awaited.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from core.models import (
    Adaptive5kSnapshot,
    Athlete,
    AthleteActivity,
    DayAnalysis,
    DayRow,
    DaysAround,
    DayView,
    DuePush,
    ExecutedDay,
    GarminAccount,
    PlannedWorkout,
    PlanRevision,
    PlanStatus,
    Race,
    RaceResult,
    TrainingDayPlanned,
    TrainingPlan,
)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...


class Athletes(Protocol):
    async def upsert_athlete(self, athlete: Athlete) -> Athlete: ...
    async def get_athlete(self, athlete_id: int) -> Athlete: ...
    async def athlete_by_telegram(self, telegram_user_id: int) -> Athlete | None: ...
    async def update_athlete(self, athlete_id: int, **fields: Any) -> Athlete: ...
    async def export_athlete(self, athlete_id: int) -> dict[str, Any]: ...
    async def delete_athlete(self, athlete_id: int) -> None: ...


class Races(Protocol):
    async def save_race(self, race: Race) -> Race: ...
    async def find_races(self, text: str, on_or_after: date, limit: int = 5) -> list[Race]: ...


class Plans(Protocol):
    async def save_plan(
        self,
        athlete_id: int,
        plan: TrainingPlan,
        started_at: datetime,
        request_key: str | None = None,
    ) -> TrainingPlan: ...
    async def active_plan(self, athlete_id: int) -> TrainingPlan | None: ...
    async def set_plan_status(self, athlete_id: int, plan_id: int, status: PlanStatus) -> None: ...
    async def day_view(self, athlete_id: int, on: date) -> DayView | None: ...
    async def planned_days(
        self, athlete_id: int, first: date, last: date
    ) -> list[TrainingDayPlanned]: ...
    async def revise_plan(
        self,
        athlete_id: int,
        revised: TrainingPlan,
        revision: PlanRevision,
        previous: TrainingPlan | None = None,
        *,
        restart: bool = False,
        undoes: int | None = None,
    ) -> PlanRevision: ...
    async def revisions(self, athlete_id: int, plan_id: int) -> list[PlanRevision]: ...
    async def revision_to_undo(
        self, athlete_id: int, revision_id: int
    ) -> tuple[PlanRevision, TrainingPlan]: ...
    async def execution_count(self, athlete_id: int, plan_id: int) -> int: ...
    async def record_result(self, athlete_id: int, plan_id: int, result: RaceResult) -> None: ...
    async def plan_history(self, athlete_id: int) -> list[TrainingPlan]: ...
    async def move_workout(
        self,
        athlete_id: int,
        from_day_id: int,
        to_day_id: int,
        revision: PlanRevision,
        left: PlannedWorkout,
    ) -> PlanRevision:
        """The from-day's workout onto the to-day; ``left`` is what stays on the from-day."""
        ...

    async def skip_day(self, athlete_id: int, day_id: int) -> None: ...
    async def skipped_days(self, athlete_id: int, plan_id: int) -> set[date]: ...
    async def save_snapshot(
        self, athlete_id: int, plan_id: int, snap: Adaptive5kSnapshot
    ) -> None: ...
    async def snapshots(self, athlete_id: int, plan_id: int) -> list[Adaptive5kSnapshot]: ...


class Activities(Protocol):
    async def import_activity(
        self, athlete_id: int, activity: AthleteActivity
    ) -> tuple[AthleteActivity, bool]: ...
    async def get_activity(self, athlete_id: int, activity_id: int) -> AthleteActivity: ...
    async def latest_activity(self, athlete_id: int) -> AthleteActivity | None:
        """The runner's activity added last (sent, synced or logged), any date."""
        ...

    async def unlinked_activities(
        self, athlete_id: int, since: date | None = None
    ) -> list[AthleteActivity]: ...
    async def set_match_state(
        self, athlete_id: int, activity_id: int, state: str | None
    ) -> None: ...
    async def delete_activity(self, athlete_id: int, activity_id: int) -> None:
        """Gone, with its link to a planned day; NotFound when it isn't the runner's."""
        ...

    async def pending_matches(
        self, athlete_ids: Sequence[int]
    ) -> dict[int, list[AthleteActivity]]: ...
    async def run_dates(self, athlete_id: int, first: date, last: date) -> list[date]: ...
    async def longest_run_m(self, athlete_id: int, first: date, last: date) -> float | None: ...
    async def run_efforts(
        self, athlete_id: int, first: date, last: date
    ) -> list[tuple[float, float]]:
        """(metres, seconds) of every run stored between ``first`` and ``last``."""
        ...


class Executions(Protocol):
    """Which run did which planned day: the executed-day rows that link runs to a plan."""

    async def link_activity(
        self, athlete_id: int, activity_id: int, day_id: int, analysis: DayAnalysis
    ) -> ExecutedDay: ...
    async def relink_activity(
        self, athlete_id: int, activity_id: int, day_id: int, analysis: DayAnalysis
    ) -> ExecutedDay: ...
    async def unlink_activity(self, athlete_id: int, activity_id: int) -> None: ...
    async def executed_days(self, athlete_id: int, plan_id: int) -> list[ExecutedDay]: ...


class PushLog(Protocol):
    async def zones_in_use(self) -> list[str]: ...
    async def athletes_in_zones(self, zones: Sequence[str]) -> list[Athlete]: ...
    async def missed_days(self, asked: Sequence[tuple[int, date]]) -> dict[int, DayRow]: ...
    async def days_between(
        self, asked: Sequence[tuple[int, date, date]]
    ) -> dict[int, DaysAround]: ...
    async def due_pushes(self, due: Sequence[tuple[str, str, date]]) -> list[DuePush]: ...
    async def claim_push(self, athlete_id: int, kind: str, slot: str) -> bool: ...
    async def mark_push(self, athlete_id: int, kind: str, slot: str, status: str) -> None: ...


class GarminAccounts(Protocol):
    async def connect(self, athlete_id: int, sealed: bytes, now: datetime) -> None: ...
    async def get(self, athlete_id: int) -> GarminAccount | None: ...
    async def all(self) -> list[GarminAccount]: ...
    async def synced(
        self, athlete_id: int, sealed: bytes, now: datetime, imported: int
    ) -> None: ...
    async def back_off(self, athlete_id: int, until: datetime, level: int) -> None: ...
    async def disconnect(self, athlete_id: int) -> bool: ...


@dataclass(frozen=True)
class FeedPage:
    runs: list[AthleteActivity]  # runs only, in our units, oldest first
    fetched: int  # every activity the service returned, runs or not
    sealed_tokens: bytes  # possibly refreshed while fetching: store these


class ActivityFeed(Protocol):
    """A service that holds a runner's activities (Garmin Connect)."""

    async def runs(self, sealed_tokens: bytes, first: date, last: date, zone: str) -> FeedPage: ...


class GarminLogin(Protocol):
    """Garmin's sign-in: email and password, then maybe a code (MFA). Tokens come back sealed,
    ready to store: nothing above this port sees them in the clear."""

    async def start(self, athlete_id: int, email: str, password: str) -> bytes | None:
        """Sealed tokens, or None when Garmin wants a code (the login waits for :meth:`finish`)."""
        ...

    async def finish(self, athlete_id: int, code: str) -> bytes:
        """Sealed tokens; NotFound when no login waits (expired), InvalidInput for a wrong code
        (the login keeps waiting)."""
        ...


class ActivityFiles(Protocol):
    """Runs from the files runners send (FIT, GPX, TCX, gzipped or not)."""

    max_bytes: int  # the most a bot may download

    def check(self, name: str, size: int) -> None:
        """Refuse (InvalidInput) a file by its name and claimed size, before downloading it."""
        ...

    async def read(self, name: str, data: bytes, time_zone: str) -> list[AthleteActivity]:
        """The file's activities (one, or each of an export of several days), dated in the
        runner's zone; InvalidInput when it can't be read."""
        ...

    def close(self) -> None: ...


class WorkoutFiles(Protocol):
    """A planned workout as a file a watch loads."""

    def encode(self, planned: PlannedWorkout, name: str, created: datetime) -> bytes: ...


class UnitOfWork(Protocol):
    @property
    def athletes(self) -> Athletes: ...
    @property
    def races(self) -> Races: ...
    @property
    def plans(self) -> Plans: ...
    @property
    def activities(self) -> Activities: ...
    @property
    def executions(self) -> Executions: ...
    @property
    def pushes(self) -> PushLog: ...
    @property
    def garmin(self) -> GarminAccounts: ...


T = TypeVar("T")
Work = Callable[[UnitOfWork], Awaitable[T]]


class Units(Protocol):
    """Runs a use case in a unit of work: all its changes commit together, or none do."""

    async def write(self, work: Work[T]) -> T: ...

    async def read(self, work: Work[T]) -> T:
        """``work`` sees one consistent snapshot and must not write."""
        ...

    async def read_long(self, work: Work[T]) -> T:
        """A read that may take long (the push tick, an export), kept from holding up the
        answers to other runners meanwhile."""
        ...
