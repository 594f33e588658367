"""The engine's data: pydantic v2 models named as in the product's design notes.

Internal units are metres and seconds (paces in seconds per km). JSON uses camelCase aliases.
"""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, NamedTuple, Protocol

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator
from pydantic.alias_generators import to_camel

from core.units import (
    FIVE_K_M,
    HALF_MARATHON_M,
    MARATHON_M,
    TEN_K_M,
    Units,
    metres_to_miles,
)


class Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, frozen=True, use_enum_values=False
    )


class RaceType(StrEnum):
    FIVE_K = "5k"
    TEN_K = "10k"
    HALF = "half"
    MARATHON = "marathon"
    CUSTOM = "custom"

    @classmethod
    def from_distance(cls, distance_m: float) -> "RaceType":
        for race_type, standard in STANDARD_DISTANCES.items():
            if abs(distance_m - standard) <= standard * 0.01:
                return race_type
        return cls.CUSTOM

    @property
    def label(self) -> str:
        return RACE_LABELS[self]


STANDARD_DISTANCES = {
    RaceType.FIVE_K: FIVE_K_M,
    RaceType.TEN_K: TEN_K_M,
    RaceType.HALF: HALF_MARATHON_M,
    RaceType.MARATHON: MARATHON_M,
}
RACE_LABELS = {
    RaceType.FIVE_K: "5k",
    RaceType.TEN_K: "10k",
    RaceType.HALF: "half marathon",
    RaceType.MARATHON: "marathon",
    RaceType.CUSTOM: "race",
}


class WorkoutType(StrEnum):
    REST = "rest"
    EASY = "easy"
    RECOVERY = "recovery"
    LONG = "long"
    TEMPO = "tempo"  # threshold (Daniels T)
    INTERVALS = "intervals"  # VO2max (Daniels I)
    MARATHON_PACE = "marathon-pace"
    REPETITION = "repetition"  # speed and economy (Daniels R)
    MEDIUM_LONG = "medium-long"  # Pfitzinger's mid-week medium-long run
    RACE = "race"

    @property
    def is_quality(self) -> bool:
        return self in QUALITY_TYPES

    @property
    def is_run(self) -> bool:
        return self is not WorkoutType.REST

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


QUALITY_TYPES = frozenset(
    {
        WorkoutType.TEMPO,
        WorkoutType.INTERVALS,
        WorkoutType.MARATHON_PACE,
        WorkoutType.REPETITION,
    }
)
KEY_TYPES = QUALITY_TYPES | {WorkoutType.LONG, WorkoutType.RACE}


class Phase(StrEnum):
    BASE = "base"
    BUILD = "build"
    PEAK = "peak"
    TAPER = "taper"

    @property
    def order(self) -> int:
        return list(Phase).index(self)


class Race(Model):
    """A public, reusable race: many athletes can train for the same one."""

    id: int | None = None
    race_name: str
    race_type: RaceType
    race_date: date
    location: str | None = None
    distance_m: float = Field(gt=0)
    registration_url: str | None = None
    description: str | None = None
    course_profile: str | None = None
    created_by_athlete_id: int | None = None

    @computed_field  # type: ignore[prop-decorator]  # mypy rejects decorated properties (pydantic docs)
    @property
    def distance_miles(self) -> float:
        return round(metres_to_miles(self.distance_m), 3)


class TrainingPaces(Model):
    """Daniels' training paces in seconds per km (E is a range)."""

    easy_fast: float
    easy_slow: float
    marathon: float
    threshold: float
    interval: float
    repetition: float

    @property
    def easy(self) -> float:
        return (self.easy_fast + self.easy_slow) / 2


class StepKind(StrEnum):
    WARMUP = "warmup"
    WORK = "work"
    RECOVERY = "recovery"
    COOLDOWN = "cooldown"
    STEADY = "steady"
    STRIDES = "strides"


class PaceRange(Model):
    """Seconds per km: ``low`` is the fast end, ``high`` the slow end."""

    low: float = Field(gt=0)
    high: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> "PaceRange":
        if self.low > self.high:
            raise ValueError("a pace range runs from fast (low) to slow (high)")
        return self

    @property
    def middle(self) -> float:
        return (self.low + self.high) / 2


class WorkoutStep(Model):
    """One part of a workout, run ``repeat`` times; each time followed by ``recovery`` if any."""

    kind: StepKind
    distance_m: float | None = Field(default=None, gt=0)
    duration_s: float | None = Field(default=None, gt=0)
    pace: PaceRange | None = None
    repeat: int = Field(default=1, ge=1)
    recovery: "WorkoutStep | None" = None

    @property
    def total_m(self) -> float:
        """Metres this step covers, repeats and recoveries included (0 when timed only)."""
        once = (self.distance_m or 0) + (self.recovery.total_m if self.recovery else 0)
        return once * self.repeat


class PlannedWorkout(Model):
    """A day's prescription: the ``plannedData`` JSON of TrainingDayPlanned.

    Structure only: the text a runner reads is rendered from ``steps`` by the templates."""

    type: WorkoutType
    distance_m: float = Field(ge=0)
    pace_s_per_km: float | None = None
    steps: tuple[WorkoutStep, ...] = ()

    @property
    def is_key(self) -> bool:
        return self.type in KEY_TYPES


class TrainingDayPlanned(Model):
    id: int | None = None
    training_plan_id: int | None = None
    week_index: int = Field(ge=0)
    day_index: int = Field(ge=0, le=6)
    date: date
    planned: PlannedWorkout


class TrainingWeek(Model):
    week_index: int = Field(ge=0)
    start_date: date
    end_date: date
    phase: Phase
    cutback: bool = False
    lead_in: bool = False
    days: tuple[TrainingDayPlanned, ...]
    road_s: float | None = None  # the prediction a runner following the plan has this week

    @computed_field  # type: ignore[prop-decorator]  # mypy rejects decorated properties (pydantic docs)
    @property
    def target_m(self) -> float:
        return sum(day.planned.distance_m for day in self.days)


class WarningKind(StrEnum):
    SHORTENED = "shortened"  # fewer weeks than the distance deserves
    BASE_FIRST = "base-first"  # base weeks before the build
    LITTLE_TIME_LEFT = "little-time-left"  # a rebuilt remainder shorter than a safe build
    GOAL_AHEAD = "goal-ahead"  # the goal is well ahead of today's prediction
    VOLUME_CAPPED = "volume-capped"  # too few run days to carry the runner's volume
    NOTE = "note"  # a plan stored before warnings were structured: its text as it was


class PlanWarning(Model):
    """Something the runner should know about a plan: what, with the numbers to say it."""

    kind: WarningKind
    weeks: int | None = None
    needed_weeks: int | None = None
    race_type: RaceType | None = None
    faster_pct: float | None = None
    predicted_s: float | None = None
    suggested_s: int | None = None
    run_days: int | None = None
    per_day_m: float | None = None
    text: str | None = None  # NOTE only

    @model_validator(mode="before")
    @classmethod
    def _from_old_text(cls, value: Any) -> Any:
        return {"kind": WarningKind.NOTE, "text": value} if isinstance(value, str) else value


class PhaseSpan(Model):
    phase: Phase
    first_week: int
    last_week: int

    @property
    def weeks(self) -> int:
        return self.last_week - self.first_week + 1


class ReadinessReason(StrEnum):
    LONG_RUN_SHORT = "long-run-short"  # the long run can't safely reach the distance's minimum


class ReadinessGap(Model):
    reason: ReadinessReason
    reached_m: float  # the longest long run the plan safely reaches
    needed_m: float  # the least a runner should have run before race day


class AlternativeKind(StrEnum):
    LATER_DATE = "later-date"  # the same race, later: the earliest date that works
    SHORTER_RACE = "shorter-race"  # a shorter distance on the same day
    BASE_BLOCK = "base-block"  # base building first, then the full build


class Alternative(Model):
    kind: AlternativeKind
    race_type: RaceType
    distance_m: float
    race_date: date
    weeks: int  # the whole plan's length
    base_weeks: int = 0  # of which a base lead-in


class Readiness(Model):
    """Can the plan safely get the runner to the start line ready for the distance?"""

    ready: bool
    longest_long_run_m: float
    needed_m: float
    reasons: tuple[ReadinessGap, ...] = ()
    alternatives: tuple[Alternative, ...] = ()


class TrainingPlan(Model):
    id: int | None = None
    athlete_id: int | None = None
    race: Race
    units: Units = Units.MI
    goal_time_s: int | None = None
    goal_pace_s_per_km: float | None = None
    baseline_5k_s: int
    baseline_weekly_m: float
    start_date: date
    total_weeks: int
    vdot: float
    paces: TrainingPaces
    run_days: tuple[int, ...]
    long_run_day: int
    phase_overview: tuple[PhaseSpan, ...]
    weeks: tuple[TrainingWeek, ...]
    adaptive_5k_s: int | None = None
    pace_5k_s: int | None = None  # the 5k fitness today's paces come from (None: the baseline)
    longest_recent_m: float | None = None  # the runner's longest run of the month before
    predicted_s: float | None = None  # race time today's fitness predicts (plans race pace)
    readiness: Readiness | None = None
    shortened: bool = False
    warnings: tuple[PlanWarning, ...] = ()
    status: "PlanStatus | None" = None
    result: "RaceResult | None" = None

    def days(self) -> list[TrainingDayPlanned]:
        return [day for week in self.weeks for day in week.days]

    def week_of(self, on: date) -> TrainingWeek | None:
        return next((w for w in self.weeks if w.start_date <= on <= w.end_date), None)

    def current_week(self, on: date) -> TrainingWeek:
        """The week holding ``on``; the first before the plan starts, the last after it ends."""
        if on < self.start_date:
            return self.weeks[0]
        return self.week_of(on) or self.weeks[-1]

    def day_on(self, on: date) -> TrainingDayPlanned | None:
        week = self.week_of(on)
        return next((d for d in week.days if d.date == on), None) if week else None


class ActivitySource(StrEnum):
    GARMIN = "garmin"
    FILE = "file"
    MANUAL = "manual"


RUNNING_SPORTS = frozenset(
    {
        "running",
        "run",
        "trail_running",
        "treadmill_running",
        "track_running",
        "street_running",
        "indoor_running",
        "virtual_run",
        "ultra_run",
        "obstacle_run",
    }
)


class AthleteActivity(Model):
    """An imported run (or any sport). It does not point at a plan: the executed day links it."""

    id: int | None = None
    athlete_id: int | None = None
    source: ActivitySource
    external_id: str
    start_utc: datetime
    local_date: date
    distance_m: float = Field(ge=0)
    duration_s: float = Field(ge=0)
    moving_s: float | None = None
    avg_hr: float | None = None
    max_hr: float | None = None
    elevation_gain_m: float | None = None
    sport: str = "running"
    summary: dict[str, Any] = Field(default_factory=dict)

    @property
    def is_run(self) -> bool:
        return self.sport.lower() in RUNNING_SPORTS

    @property
    def time_s(self) -> float:
        """Moving time when known: pauses at traffic lights are not the runner's pace."""
        return self.moving_s if self.moving_s else self.duration_s

    @property
    def pace_s_per_km(self) -> float | None:
        return self.time_s / (self.distance_m / 1000) if self.distance_m > 0 else None

    @property
    def laps(self) -> list[tuple[float, float]]:
        """(metres, seconds) of the laps the watch recorded, in order."""
        return [(float(m), float(t)) for m, t in self.summary.get("laps") or []]

    @property
    def track(self) -> list[tuple[float, float]]:
        """(metres, seconds since the start), sampled every ~50 m."""
        return [(float(m), float(t)) for m, t in self.summary.get("track") or []]

    @property
    def race_effort(self) -> bool:
        """A race or a time trial, as the runner noted it (``/log 5k 23:40 time trial``)."""
        note = str(self.summary.get("note") or "").lower()
        return "time trial" in note or bool({"race", "tt", "parkrun"} & set(note.split()))

    @property
    def indoors(self) -> bool:
        """A treadmill or indoor run: its pace is the belt's or a guess, not a measure."""
        sport = self.sport.lower()
        return "treadmill" in sport or "indoor" in sport or "virtual" in sport


class DayStatus(StrEnum):
    COMPLETED = "completed"
    PARTIAL = "partial"
    MISSED = "missed"


class DayAnalysis(Model):
    """The product's calculateAnalysis: a linked run against its plan."""

    workout_type: WorkoutType
    planned_m: float
    actual_m: float
    distance_variance_m: float
    distance_variance_pct: float | None
    planned_pace_s_per_km: float | None
    actual_pace_s_per_km: float | None
    pace_variance_s_per_mile: float | None
    distance_hit: bool
    pace_hit: bool
    quality_score: int = Field(ge=0, le=100)
    status: DayStatus
    compliance: float | None = None  # actual ÷ planned distance
    band: "ComplianceBand | None" = None
    steps: tuple["StepResult", ...] = ()  # the work steps, planned against run
    split_by: "SplitSource | None" = None  # where the steps' times came from
    notes: tuple["AnalysisNote", ...] = ()
    indoors: bool = False  # treadmill or indoor: its pace says nothing about fitness
    climb_m: float | None = None  # elevation gain of the run
    race_effort: bool = False  # a race or a time trial

    @property
    def reps_hit(self) -> int:
        return sum(1 for step in self.steps if step.hit)


class ComplianceBand(StrEnum):
    """TrainingPeaks' colours: within ±20 % green, 50–79 % or 121–150 % yellow, else red."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class SplitSource(StrEnum):
    LAPS = "laps"  # the runner's laps matched the workout's steps
    TRACK = "track"  # the track split at the planned step distances


class StepResult(Model):
    """One work step (one rep) as planned and as run."""

    number: int  # 1-based among the work steps
    planned_m: float
    actual_m: float
    pace: PaceRange
    actual_pace_s_per_km: float | None  # None: the run ended before this rep
    off_s_per_km: float  # beyond the range: + slower, − faster, 0 inside (with tolerance)
    hit: bool

    @property
    def run(self) -> bool:
        return self.actual_pace_s_per_km is not None


class AnalysisNote(StrEnum):
    """What went well or what to change: codes the templates turn into words."""

    WORK_ON_TARGET = "work-on-target"
    REPS_SLOW = "reps-slow"
    REPS_FAST = "reps-fast"
    WORK_NOT_RUN = "work-not-run"
    REPS_MISSED = "reps-missed"
    RACE_EFFORT = "race-effort"
    TOO_FAST_EASY = "too-fast-easy"
    EASY_WELL_DONE = "easy-well-done"
    TOO_SHORT = "too-short"
    TOO_LONG = "too-long"


class RacePrediction(Model):
    """The coach's race prediction: a point and an 80 % range."""

    predicted_s: float
    low_s: float
    high_s: float
    method: str


class Prediction(Model):
    baseline_5k_s: float
    distance_m: float
    seed_prediction_s: float
    vdot: float
    vdot_prediction_s: float
    riegel_prediction_s: float
    race: RacePrediction  # the coach's prediction: the one that judges the goal
    goal_time_s: float | None = None
    delta_s: float | None = None  # prediction minus goal: negative means faster than goal


class Trend(StrEnum):
    IMPROVING = "improving"
    STEADY = "steady"
    DECLINING = "declining"


class Adaptive5kSnapshot(Model):
    week_index: int
    taken_on: date
    seconds: int
    vdot: float
    runs_used: int
    trend: Trend


class MatchDecision(StrEnum):
    AUTO = "auto"
    ASK = "ask"
    EXTRA = "extra"


class MatchCandidate(Model):
    day: TrainingDayPlanned
    confidence: float = Field(ge=0, le=1)
    days_apart: int
    distance_ratio: float


class MatchResult(Model):
    decision: MatchDecision
    candidates: tuple[MatchCandidate, ...]

    @property
    def best(self) -> MatchCandidate | None:
        return self.candidates[0] if self.candidates else None


class ExecutedDay(Model):
    """A planned day with the run linked to it (TrainingDayExecuted)."""

    id: int | None = None
    execution_id: int | None = None
    activity_id: int | None = None
    week_index: int
    day_index: int
    date: date
    planned: PlannedWorkout
    analysis: DayAnalysis

    @property
    def raced(self) -> bool:
        """Race day, or a run the runner noted as a race or time trial."""
        return self.planned.type is WorkoutType.RACE or self.analysis.race_effort


class WeekProgress(Model):
    """One week's planned vs done, for the weekly message and /status."""

    week_index: int
    planned_m: float  # planned running besides the race
    done_m: float  # linked runs plus extra runs
    extra_m: float
    adherence: float | None  # done / planned; None when nothing was planned
    key_planned: int
    key_hit: int
    average_quality: float | None


class Verdict(StrEnum):
    AHEAD = "ahead"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    OFF_TRACK = "off_track"
    NO_GOAL = "no_goal"


class OnTrack(Model):
    """The answer to "Are you on track?"."""

    current_5k_s: float
    weekly_m: float  # the weekly volume the prediction assumes (recent running, or as told)
    predicted_s: float  # the coach's prediction from today's 5k fitness and volume
    low_s: float  # its 80 % range
    high_s: float
    vdot_predicted_s: float  # comparisons: Daniels' VDOT equivalent
    seed_predicted_s: float  # the product's seed predictor from today's 5k
    goal_time_s: float | None
    delta_s: float | None  # predicted minus goal: negative is faster than goal
    adherence: float | None
    verdict: Verdict  # today's prediction against the plan's road (not the goal)
    road_s: float = 0.0  # the prediction a runner following the plan has by now
    race_day_s: float = 0.0  # today's fitness at the plan's peak volume: race day at this rate


class Athlete(Model):
    """A runner: who they are in Telegram and how they like to be coached."""

    id: int | None = None
    telegram_user_id: int
    chat_id: int
    display_name: str = ""
    units: Units = Units.KM
    time_zone: str = "UTC"
    push_time: str = "07:00"  # local HH:MM
    notifications: dict[str, bool] = Field(default_factory=dict)
    active: bool = True
    onboarded: bool = False
    paused_until: date | None = None  # an announced return day (/pause 10)
    paused_on: date | None = None
    pause_reason: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def stored_id(self) -> int:
        """The id of a runner read from storage (one not stored yet has none)."""
        if self.id is None:
            raise ValueError("this athlete is not stored yet")
        return self.id


class PlanStatus(StrEnum):
    PLANNING = "planning"
    TRAINING = "training"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


class RaceResult(Model):
    """How race day went, stored on the plan."""

    finish_s: int = Field(gt=0)
    activity_id: int | None = None
    predicted_s: int | None = None  # what the coach predicted on race morning
    vdot: float  # the fitness the result shows
    recorded_at: datetime
    five_k_s: int | None = None  # the 5k the race shows, read through the prediction model

    @property
    def shown_5k_s(self) -> float:
        """The 5k the race shows (a result stored before the model read it: its VDOT's)."""
        from core.fitness import equivalent_time
        from core.units import FIVE_K_M

        return self.five_k_s or equivalent_time(self.vdot, FIVE_K_M)


class RevisionKind(StrEnum):
    WEEKLY = "weekly"  # the week-end adjustment
    EASY_BLOCK = "easy-block"  # after 2–4 missed run days
    RECOMPUTE = "recompute"  # after 5+ missed run days
    RESUME = "resume"  # back from /pause
    EDIT = "edit"  # the runner changed race, goal, days or volume
    UNDO = "undo"  # the runner took a revision back
    MOVE = "move"  # the runner moved a missed workout to another day of its week

    @property
    def undoable(self) -> bool:
        return self in (RevisionKind.WEEKLY, RevisionKind.EASY_BLOCK)


class VolumeChange(StrEnum):
    HOLD = "hold"
    STEP_BACK = "step-back"


class PlanRevision(Model):
    """One change to a plan's future: what changed, when, and why (every revision is kept)."""

    id: int | None = None
    kind: RevisionKind
    effective_from: date
    week_index: int | None = None  # the week judged (weekly) or where the revision starts
    created_at: datetime | None = None
    volume: VolumeChange | None = None
    adherence: float | None = None
    weak_weeks: int = 0
    next_week_before_m: float | None = None
    next_week_after_m: float | None = None
    pace_5k_before_s: int | None = None
    pace_5k_after_s: int | None = None
    missed_days: int | None = None
    break_days: int | None = None
    reason: str | None = None  # the runner's words (injured, ill, travel…)
    changes: tuple[str, ...] = ()  # edited fields
    moved_from: date | None = None  # a moved workout's day …
    moved_to: date | None = None  # … and where it went
    paused_from: date | None = None  # a pause's first day …
    paused_to: date | None = None  # … and the day back (its days are rest in the plan now)
    warnings: tuple[PlanWarning, ...] = ()
    goal_at_risk: bool = False
    race_too_close: bool = False  # fewer weeks left than a safe build of this distance needs
    undone: bool = False

    @property
    def rewrites_from(self) -> date:
        """The first planned day the revision rewrites: its own day, or a pause's first day
        (the paused days became rest)."""
        return min(self.effective_from, self.paused_from or self.effective_from)


TrainingPlan.model_rebuild()
DayAnalysis.model_rebuild()


class DayView(Model):
    """One day of the active plan as /today shows it: the day, whether it is done, and enough
    of the plan to talk about it — read in one query, not the whole plan."""

    plan_id: int
    race_name: str
    start_date: date
    day: TrainingDayPlanned | None
    analyses: tuple[DayAnalysis, ...] = ()  # the linked runs', in order (a double day: two)

    @property
    def analysis(self) -> DayAnalysis | None:
        """The day's first run: whether the day is done."""
        return self.analyses[0] if self.analyses else None


class PlannedDay(Protocol):
    """What the day rules read of a planned day: a TrainingDayPlanned, or a DayRow."""

    @property
    def id(self) -> int | None: ...
    @property
    def week_index(self) -> int: ...
    @property
    def day_index(self) -> int: ...
    @property
    def date(self) -> date: ...
    @property
    def planned(self) -> PlannedWorkout: ...


class DayRow(NamedTuple):
    """A planned day as the push tick reads it for many runners at once: a tuple, because
    validation adds nothing to our own rows and the workouts are shared (parsed once)."""

    id: int
    training_plan_id: int
    week_index: int
    day_index: int
    date: date
    planned: PlannedWorkout


@dataclass(frozen=True)
class DaysAround:
    """A runner's planned days around one day, and which of them have a run linked."""

    days: tuple[DayRow, ...]
    done: frozenset[tuple[int, int]]


class DuePush(Model):
    """An athlete whose push is due now, with today's planned day (None: nothing planned)."""

    athlete: Athlete
    plan_id: int | None
    local_date: date
    day: TrainingDayPlanned | None


class GarminAccount(Model):
    athlete_id: int
    tokens: bytes  # encrypted
    connected_at: datetime
    last_sync_at: datetime | None = None
    runs_imported: int = 0
    backoff_until: datetime | None = None
    backoff_level: int = 0
