"""The plan generator: race goal + current fitness → a week-by-week TrainingPlan.

Shape of a plan
- Weeks are 7-day blocks that end on race day, so the race closes the last week; the first block
  may be partial (it starts on the start date).
- Phases base → build → peak → taper. A plan longer than the distance's maximum gets maintenance
  lead-in weeks first; a plan shorter than the recommended minimum is built and flagged
  ``shortened``; shorter than the hard minimum is refused.
- Volume grows ≤ 10 %/week from the runner's current mileage towards a peak, with a −25 % cutback
  every 4th week; the week after a cutback returns to the pre-cutback level (+≤ 10 %).
- Distances are whole half-units of the runner's units ("steps") so that day distances add up to
  the week's target exactly and read naturally (5.5 mi, 8 km).
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import Field, field_validator, model_validator

from core import profiles as norms
from core.errors import InvalidInput, PlanError
from core.fitness import check_vdot_range, equivalent_time, training_paces, vdot
from core.models import (
    Model,
    Phase,
    PhaseSpan,
    PlannedWorkout,
    Race,
    TrainingDayPlanned,
    TrainingPaces,
    TrainingPlan,
    TrainingWeek,
    WorkoutType,
)
from core.profiles import DistanceProfile, profile_for
from core.units import FIVE_K_M, METRES_PER_KM, METRES_PER_MILE, Units
from core.workouts import describe

# A runner's days, relative to the long-run day, for a given number of runs (−1 = the day before).
_RUN_DAY_OFFSETS = {
    3: (0, -3, -5),
    4: (0, -1, -3, -5),
    5: (0, -1, -3, -4, -5),
    6: (0, -1, -2, -3, -4, -5),
    7: (0, -1, -2, -3, -4, -5, -6),
}


def default_run_days(count: int, long_run_day: int) -> tuple[int, ...]:
    """Sensible weekdays (0 = Monday) for ``count`` runs a week around the long-run day."""
    if count not in _RUN_DAY_OFFSETS:
        raise InvalidInput("Pick between 3 and 7 run days a week.")
    return tuple(sorted((long_run_day + offset) % 7 for offset in _RUN_DAY_OFFSETS[count]))


class PlanRequest(Model):
    race: Race
    start_date: date
    baseline_5k_s: int = Field(gt=0)
    baseline_weekly_m: float = Field(ge=0)
    run_days: tuple[int, ...]
    long_run_day: int = Field(ge=0, le=6)
    goal_time_s: int | None = Field(default=None, gt=0)
    units: Units = Units.MI

    @field_validator("run_days")
    @classmethod
    def _valid_run_days(cls, days: tuple[int, ...]) -> tuple[int, ...]:
        unique = tuple(sorted(set(days)))
        if not 3 <= len(unique) <= 7 or not all(0 <= d <= 6 for d in unique):
            raise InvalidInput("Pick between 3 and 7 run days a week.")
        return unique

    @model_validator(mode="after")
    def _long_day_is_a_run_day(self) -> "PlanRequest":
        if self.long_run_day not in self.run_days:
            raise InvalidInput("The long-run day has to be one of your run days.")
        return self


@dataclass(frozen=True)
class _Frame:
    """One week's calendar: its index, nominal first day and the plan dates it holds."""

    index: int
    nominal_start: date
    end: date
    dates: tuple[date, ...]

    @property
    def partial(self) -> bool:
        return len(self.dates) < 7


@dataclass(frozen=True)
class _Shape:
    """One week's volume decision, in steps (half-units), before days are laid out."""

    phase: Phase
    target: int  # running besides the race
    cutback: bool = False
    lead_in: bool = False
    race_week: bool = False


@dataclass(frozen=True)
class _Context:
    request: PlanRequest
    profile: DistanceProfile
    paces: TrainingPaces
    race_pace: float
    marathon_pace: float
    step_m: float  # metres in one step

    def steps(self, miles: float) -> int:
        return math.floor(miles * METRES_PER_MILE / self.step_m)

    def metres(self, steps: int) -> float:
        return steps * self.step_m


def generate_plan(request: PlanRequest) -> TrainingPlan:
    """Build a deterministic plan; raises :class:`PlanError` when no safe plan fits."""
    race = request.race
    if race.race_date <= request.start_date:
        raise InvalidInput("Race day has to be after the plan's start date.")
    profile = profile_for(race.race_type, race.distance_m)
    frames = _frames(request.start_date, race.race_date)
    warnings = _check_length(len(frames), profile)
    runner_vdot = check_vdot_range(vdot(FIVE_K_M, request.baseline_5k_s))
    paces = training_paces(runner_vdot)
    ctx = _context(request, profile, paces, runner_vdot, warnings)
    start, peak = _volume_bounds(ctx, warnings)
    shapes = _volume_schedule(len(frames), profile, start, peak)
    weeks = tuple(_week(frame, shape, ctx) for frame, shape in zip(frames, shapes, strict=True))
    goal_pace = (
        request.goal_time_s / (race.distance_m / METRES_PER_KM) if request.goal_time_s else None
    )
    return TrainingPlan(
        race=race,
        units=request.units,
        goal_time_s=request.goal_time_s,
        goal_pace_s_per_km=goal_pace,
        baseline_5k_s=request.baseline_5k_s,
        baseline_weekly_m=request.baseline_weekly_m,
        start_date=request.start_date,
        total_weeks=len(frames),
        vdot=runner_vdot,
        paces=paces,
        run_days=request.run_days,
        long_run_day=request.long_run_day,
        phase_overview=phase_overview(weeks),
        weeks=weeks,
        shortened=len(frames) < profile.recommended_min_weeks,
        warnings=tuple(warnings),
    )


def _frames(start: date, race_day: date) -> list[_Frame]:
    total = math.ceil(((race_day - start).days + 1) / 7)
    frames = []
    for index in range(total):
        end = race_day - timedelta(days=7 * (total - 1 - index))
        nominal_start = end - timedelta(days=6)
        first = max(start, nominal_start)
        dates = tuple(first + timedelta(days=i) for i in range((end - first).days + 1))
        frames.append(_Frame(index, nominal_start, end, dates))
    return frames


def _check_length(weeks: int, profile: DistanceProfile) -> list[str]:
    label = profile.race_type.label
    if weeks < profile.hard_min_weeks:
        raise PlanError(
            f"{weeks} week(s) is too short to prepare safely for a {label}: I need at least "
            f"{profile.hard_min_weeks}. Pick a later race, or a shorter distance for this date."
        )
    if weeks < profile.recommended_min_weeks:
        return [
            f"Shortened plan: {weeks} weeks instead of the {profile.recommended_min_weeks}+ "
            f"a {label} deserves. Volume grows only as fast as is safe."
        ]
    if weeks > profile.max_weeks:
        return [
            f"{weeks - profile.max_weeks} maintenance week(s) first, then a "
            f"{profile.max_weeks}-week {label} build."
        ]
    return []


def _context(
    request: PlanRequest,
    profile: DistanceProfile,
    paces: TrainingPaces,
    runner_vdot: float,
    warnings: list[str],
) -> _Context:
    race_km = request.race.distance_m / METRES_PER_KM
    predicted_pace = equivalent_time(runner_vdot, request.race.distance_m) / race_km
    race_pace = request.goal_time_s / race_km if request.goal_time_s else predicted_pace
    marathon_pace = paces.marathon
    if request.goal_time_s and profile.race_type.value == "marathon":
        # Train at goal pace only while it is within reach; racing pace is the runner's call.
        if race_pace >= paces.marathon * 0.95:
            marathon_pace = race_pace
        else:
            warnings.append(
                "Your goal is well ahead of your current fitness, so marathon-pace runs use "
                "the pace your fitness supports today; it will follow your progress."
            )
    return _Context(request, profile, paces, race_pace, marathon_pace, request.units.metres / 2)


def _volume_bounds(ctx: _Context, warnings: list[str]) -> tuple[int, int]:
    """Starting and peak weekly volume, in steps."""
    runs = len(ctx.request.run_days)
    carry = ctx.steps(runs * norms.PER_RUN_DAY_MAX_MILES)
    baseline = math.floor(ctx.request.baseline_weekly_m / ctx.step_m)
    start = max(baseline, ctx.steps(runs * ctx.profile.run_floor_miles))
    if start > carry:
        warnings.append(
            f"{runs} run days carry at most {norms.PER_RUN_DAY_MAX_MILES:g} mi a day in this "
            "plan; add a run day to keep your full weekly volume."
        )
        start = carry
    wanted = max(ctx.steps(ctx.profile.peak_goal_miles), math.floor(start * norms.GROWTH))
    peak = max(start, min(wanted, carry, ctx.steps(norms.ABSOLUTE_PEAK_MILES)))
    return start, peak


def _phases(total: int, profile: DistanceProfile) -> tuple[list[Phase], int]:
    core = min(total, profile.max_weeks)
    lead_in = total - core
    taper = norms.taper_weeks(profile, core)
    rest = core - taper
    peak = max(1, round(rest * 0.25))
    build = max(1, round(rest * 0.35))
    base = rest - peak - build
    phases = [Phase.BASE] * (lead_in + base) + [Phase.BUILD] * build + [Phase.PEAK] * peak
    return phases + [Phase.TAPER] * taper, lead_in


def cutback_weeks(pre_taper: int) -> set[int]:
    """Every 4th week, but never the last week before the taper (moved one earlier)."""
    weeks = {i for i in range(pre_taper) if i % norms.CUTBACK_EVERY == norms.CUTBACK_EVERY - 1}
    if pre_taper - 1 in weeks:
        weeks.discard(pre_taper - 1)
        weeks.add(pre_taper - 2)
    return weeks


def _volume_schedule(total: int, profile: DistanceProfile, start: int, peak: int) -> list[_Shape]:
    phases, lead_in = _phases(total, profile)
    pre_taper = phases.index(Phase.TAPER)
    cutbacks = cutback_weeks(pre_taper)
    shapes, level = [], start
    for week in range(pre_taper):
        grows = week > 0 and week >= lead_in and week not in cutbacks
        if grows:
            level = max(level, min(peak, math.floor(level * norms.GROWTH)))
        cut = week in cutbacks
        target = math.floor(level * norms.CUTBACK_FACTOR) if cut else level
        shapes.append(_Shape(phases[week], target, cutback=cut, lead_in=week < lead_in))
    taper_len = total - pre_taper
    for factor in norms.taper_factors(profile, taper_len):
        shapes.append(_Shape(Phase.TAPER, math.floor(level * factor)))
    shapes.append(_Shape(Phase.TAPER, math.floor(level * profile.race_week_factor), race_week=True))
    return shapes


def _week(frame: _Frame, shape: _Shape, ctx: _Context) -> TrainingWeek:
    run_dates = [d for d in frame.dates if d.weekday() in ctx.request.run_days]
    if shape.race_week:
        workouts = _race_week(frame, run_dates, shape, ctx)
    else:
        target = shape.target
        if frame.partial:
            target = math.floor(target * len(run_dates) / len(ctx.request.run_days))
        quality = _quality_count(frame, shape, ctx)
        workouts = _training_week(run_dates, target, quality, shape.phase, ctx)
    days = tuple(
        TrainingDayPlanned(
            week_index=frame.index,
            day_index=(day - frame.nominal_start).days,
            date=day,
            planned=workouts.get(day) or describe(WorkoutType.REST, 0, None, ctx.request.units),
        )
        for day in frame.dates
    )
    return TrainingWeek(
        week_index=frame.index,
        start_date=frame.dates[0],
        end_date=frame.end,
        phase=shape.phase,
        cutback=shape.cutback,
        lead_in=shape.lead_in,
        days=days,
    )


def _quality_count(frame: _Frame, shape: _Shape, ctx: _Context) -> int:
    if shape.phase is Phase.BASE or frame.partial:
        return 0
    if shape.phase is Phase.TAPER or shape.cutback:
        return 1
    return 2 if len(ctx.request.run_days) >= 5 else 1


def _race_week(
    frame: _Frame, run_dates: list[date], shape: _Shape, ctx: _Context
) -> dict[date, PlannedWorkout]:
    race_day = frame.end
    others = [d for d in run_dates if d != race_day]
    # The day before the race is a short shakeout; the others share the rest evenly.
    weights = [0.5 if (race_day - d).days == 1 else 1.0 for d in others]
    shares = _split(shape.target, weights)
    units = ctx.request.units
    workouts = {
        d: describe(WorkoutType.EASY, ctx.metres(s), ctx.paces.easy, units, shakeout=True)
        for d, s in zip(others, shares, strict=True)
        if s > 0
    }
    workouts[race_day] = describe(
        WorkoutType.RACE,
        ctx.request.race.distance_m,
        ctx.race_pace,
        units,
        race_name=ctx.request.race.race_name,
    )
    return workouts


def _training_week(
    run_dates: list[date], target: int, quality: int, phase: Phase, ctx: _Context
) -> dict[date, PlannedWorkout]:
    if not run_dates or target <= 0:
        return {}
    long_date = next((d for d in run_dates if d.weekday() == ctx.request.long_run_day), None)
    long_steps = _long_run_steps(target, len(run_dates), ctx) if long_date else 0
    quality_dates = _quality_dates(run_dates, long_date, quality)
    quality_steps = min(
        math.floor(target * norms.QUALITY_SHARE), ctx.steps(norms.QUALITY_MAX_MILES)
    )
    while quality_dates and not _quality_fits(
        target, long_steps, quality_steps, len(quality_dates), len(run_dates) - bool(long_date), ctx
    ):
        quality_dates.pop()
    easy_dates = [d for d in run_dates if d != long_date and d not in quality_dates]
    easy_total = target - long_steps - quality_steps * len(quality_dates)
    weights = [
        norms.RECOVERY_WEIGHT if long_date and (d - long_date).days == 1 else 1.0
        for d in easy_dates
    ]
    easy_steps = _split(easy_total, weights)
    if long_date:
        long_steps, easy_steps = _keep_long_longest(long_steps, easy_steps, target, ctx)
    return _lay_out(
        _Layout(long_date, long_steps, quality_dates, quality_steps, easy_dates, easy_steps),
        phase,
        ctx,
    )


def _long_run_steps(target: int, runs: int, ctx: _Context) -> int:
    return min(math.floor(target * norms.long_share(runs)), _long_cap(ctx))


def _long_cap(ctx: _Context) -> int:
    by_time_m = ctx.profile.long_run_cap_minutes * 60 / ctx.paces.easy * METRES_PER_KM
    return min(ctx.steps(ctx.profile.long_run_cap_miles), math.floor(by_time_m / ctx.step_m))


def _quality_fits(
    target: int, long_steps: int, quality_steps: int, quality: int, other_runs: int, ctx: _Context
) -> bool:
    """Each session reaches its minimum length and leaves ≥ 1 unit for every easy run."""
    easy_runs = other_runs - quality
    if quality_steps < ctx.steps(norms.QUALITY_MIN_MILES) or easy_runs < 1:
        return False
    return target - long_steps - quality_steps * quality >= 2 * easy_runs


def _quality_dates(run_dates: list[date], long_date: date | None, count: int) -> list[date]:
    """Hard days never next to the long run nor to each other; earliest after the long first."""
    if count <= 0:
        return []
    long_weekday = long_date.weekday() if long_date else None

    def after_long(d: date) -> int:
        return (d.weekday() - long_weekday) % 7 if long_weekday is not None else d.weekday()

    chosen: list[date] = []
    for day in sorted(run_dates, key=after_long):
        if day == long_date or (
            long_weekday is not None and _adjacent(day.weekday(), long_weekday)
        ):
            continue
        if any(_adjacent(day.weekday(), c.weekday()) for c in chosen):
            continue
        chosen.append(day)
        if len(chosen) == count:
            break
    return sorted(chosen)


def _adjacent(a: int, b: int) -> bool:
    return (a - b) % 7 in (1, 6)


def _split(total: int, weights: list[float]) -> list[int]:
    """Whole steps proportional to ``weights``, adding up to ``total`` exactly."""
    if not weights:
        return []
    scale = sum(weights)
    shares = [math.floor(total * w / scale) for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-weights[i], i))
    for i in range(total - sum(shares)):
        shares[order[i % len(order)]] += 1
    return shares


def _keep_long_longest(
    long_steps: int, easy_steps: list[int], target: int, ctx: _Context
) -> tuple[int, list[int]]:
    """Move steps from the biggest easy run to the long run until it is the longest run,
    within the long-run caps."""
    runs = len(easy_steps) + 1
    cap = min(_long_cap(ctx), math.floor(target * norms.long_share(runs)) + 1)
    easy = list(easy_steps)
    while easy and max(easy) > long_steps and long_steps < cap:
        biggest = easy.index(max(easy))
        easy[biggest] -= 1
        long_steps += 1
    return long_steps, easy


@dataclass(frozen=True)
class _Layout:
    long_date: date | None
    long_steps: int
    quality_dates: list[date]
    quality_steps: int
    easy_dates: list[date]
    easy_steps: list[int]

    @property
    def total(self) -> int:
        return self.long_steps + self.quality_steps * len(self.quality_dates) + sum(self.easy_steps)


def _lay_out(layout: _Layout, phase: Phase, ctx: _Context) -> dict[date, PlannedWorkout]:
    units, paces = ctx.request.units, ctx.paces
    long_date, quality_dates = layout.long_date, layout.quality_dates
    workouts: dict[date, PlannedWorkout] = {}
    for day, steps in zip(layout.easy_dates, layout.easy_steps, strict=True):
        recovery = long_date is not None and (day - long_date).days == 1
        kind = WorkoutType.RECOVERY if recovery else WorkoutType.EASY
        pace = paces.easy_slow if recovery else paces.easy
        workouts[day] = describe(kind, ctx.metres(steps), pace, units)
    for day, kind in zip(quality_dates, _quality_types(ctx, phase), strict=False):
        pace = {
            WorkoutType.TEMPO: paces.threshold,
            WorkoutType.INTERVALS: paces.interval,
            WorkoutType.MARATHON_PACE: ctx.marathon_pace,
        }[kind]
        distance = ctx.metres(layout.quality_steps)
        workouts[day] = describe(
            kind, distance, pace, units, easy_pace=paces.easy, week_m=ctx.metres(layout.total)
        )
    if long_date:
        long_pace = (paces.easy + paces.easy_slow) / 2
        distance = ctx.metres(layout.long_steps)
        workouts[long_date] = describe(WorkoutType.LONG, distance, long_pace, units)
    return workouts


def _quality_types(ctx: _Context, phase: Phase) -> list[WorkoutType]:
    """Build starts with threshold work; peak and taper lead with the race's key session."""
    primary, secondary = ctx.profile.primary_quality, ctx.profile.secondary_quality
    if phase is Phase.BUILD and primary is not WorkoutType.TEMPO:
        return [WorkoutType.TEMPO, primary]
    return [primary, secondary]


def phase_overview(weeks: tuple[TrainingWeek, ...]) -> tuple[PhaseSpan, ...]:
    spans: list[PhaseSpan] = []
    for week in weeks:
        if spans and spans[-1].phase is week.phase:
            spans[-1] = spans[-1].model_copy(update={"last_week": week.week_index})
        else:
            spans.append(
                PhaseSpan(phase=week.phase, first_week=week.week_index, last_week=week.week_index)
            )
    return tuple(spans)
