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
from dataclasses import dataclass, replace
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
from core.progress import planned_training_m
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
    carried: int = 0  # steps a kept part of this 7-day block already plans (a rebuilt week)

    @property
    def partial(self) -> bool:
        return len(self.dates) < 7


@dataclass(frozen=True)
class _Slot:
    """One week's place in the calendar of phases, before any volume is decided."""

    phase: Phase
    cutback: bool = False
    lead_in: bool = False
    ramp: bool = False  # a return-to-running week: no quality


@dataclass(frozen=True)
class _Shape:
    """One week's volume decision, in steps (half-units), before days are laid out."""

    phase: Phase
    target: int  # running besides the race
    cutback: bool = False
    lead_in: bool = False
    race_week: bool = False
    ramp: bool = False


@dataclass(frozen=True)
class _Context:
    request: PlanRequest
    profile: DistanceProfile
    vdot: float
    paces: TrainingPaces
    race_pace: float
    marathon_pace: float
    step_m: float  # metres in one step

    def steps(self, miles: float) -> int:
        return math.floor(miles * METRES_PER_MILE / self.step_m)

    def floor(self, metres: float) -> int:
        """Whole steps in ``metres`` (a hair of float noise never costs a step)."""
        return math.floor(metres / self.step_m + 1e-9)

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
    ctx = _context(request, profile, warnings)
    start, peak = _volume_bounds(ctx, warnings)
    shapes = _shapes(_calendar(len(frames), profile), profile, start, peak)
    weeks = tuple(_week(frame, shape, ctx) for frame, shape in zip(frames, shapes, strict=True))
    return _assemble(request, ctx, weeks, request.baseline_5k_s, len(frames), warnings)


@dataclass(frozen=True)
class Continuation:
    """How to rebuild a plan from ``from_day`` on (see :func:`continue_plan`).

    ``level_m`` is the weekly volume the first rebuilt week starts from (it is not grown that
    week); ``keep_phases`` keeps the old calendar of phases and cutbacks (weekly tweaks) instead
    of laying out fresh phases for the weeks left (pauses, edits); ``ramp_weeks`` rebuilt weeks
    carry no quality sessions (a return to running); ``allow_short`` builds a remainder shorter
    than the distance's hard minimum, with a warning, instead of refusing it.
    """

    from_day: date
    level_m: float
    keep_phases: bool = True
    ramp_weeks: int = 0
    allow_short: bool = True


def continue_plan(plan: TrainingPlan, request: PlanRequest, how: Continuation) -> TrainingPlan:
    """The plan with every day before ``how.from_day`` kept as it was and the rest rebuilt from
    ``request`` (race, goal, fitness, run days — possibly edited). The week grid still ends on
    race day; every generator rule holds for the rebuilt weeks."""
    race = request.race
    if how.from_day > race.race_date:
        raise InvalidInput("Race day has already passed: nothing left to rebuild.")
    profile = profile_for(race.race_type, race.distance_m)
    kept = _kept_weeks(plan, how.from_day)
    frames = _continued_frames(plan, kept, _frames(how.from_day, race.race_date))
    warnings = _remainder_length(len(frames), profile, how.allow_short)
    ctx = _context(request, profile, warnings)
    shapes = _continued_shapes(plan, kept, frames, ctx, how, warnings)
    rebuilt = [_week(f, s, ctx) for f, s in zip(frames, shapes, strict=True)]
    weeks = _merge(kept, rebuilt)
    kept_fields = ("id", "athlete_id", "start_date", "adaptive_5k_s", "status", "result")
    return _assemble(request, ctx, weeks, plan.baseline_5k_s, len(frames), warnings).model_copy(
        update={name: getattr(plan, name) for name in kept_fields}
    )


def _continued_shapes(
    plan: TrainingPlan,
    kept: list[TrainingWeek],
    frames: list["_Frame"],
    ctx: "_Context",
    how: Continuation,
    warnings: list[str],
) -> list["_Shape"]:
    """Volumes for the rebuilt weeks: from ``how.level_m`` (within the run-day floor and
    carry), on the old calendar of phases or a fresh one, ramp weeks first."""
    runs, profile = len(ctx.request.run_days), ctx.profile
    _, peak = _volume_bounds(ctx, warnings)
    start = max(ctx.steps(runs * profile.run_floor_miles), ctx.floor(how.level_m))
    start = min(start, ctx.steps(runs * norms.PER_RUN_DAY_MAX_MILES))
    if how.keep_phases:
        slots, taper_total = _old_calendar(plan, frames), _taper_length(plan)
    else:
        since = _weeks_since_cutback(kept)
        slots, taper_total = _calendar(len(frames), profile, since), None
    slots = [replace(s, ramp=i < how.ramp_weeks) for i, s in enumerate(slots)]
    return _shapes(slots, profile, start, max(peak, start), taper_total)


def _assemble(
    request: PlanRequest,
    ctx: "_Context",
    weeks: tuple[TrainingWeek, ...],
    baseline_5k_s: int,
    built_weeks: int,
    warnings: list[str],
) -> TrainingPlan:
    race = request.race
    goal = request.goal_time_s
    return TrainingPlan(
        race=race,
        units=request.units,
        goal_time_s=goal,
        goal_pace_s_per_km=goal / (race.distance_m / METRES_PER_KM) if goal else None,
        baseline_5k_s=baseline_5k_s,
        baseline_weekly_m=request.baseline_weekly_m,
        start_date=request.start_date,
        total_weeks=len(weeks),
        vdot=ctx.vdot,
        paces=ctx.paces,
        pace_5k_s=request.baseline_5k_s,
        run_days=request.run_days,
        long_run_day=request.long_run_day,
        phase_overview=phase_overview(weeks),
        weeks=weeks,
        shortened=built_weeks < ctx.profile.recommended_min_weeks,
        warnings=tuple(warnings),
    )


def request_of(plan: TrainingPlan, fitness_5k_s: float | None = None) -> PlanRequest:
    """The request a plan answers, with today's 5k fitness when given."""
    return PlanRequest(
        race=plan.race,
        start_date=plan.start_date,
        baseline_5k_s=round(fitness_5k_s or plan.pace_5k_s or plan.baseline_5k_s),
        baseline_weekly_m=plan.baseline_weekly_m,
        run_days=plan.run_days,
        long_run_day=plan.long_run_day,
        goal_time_s=plan.goal_time_s,
        units=plan.units,
    )


def _kept_weeks(plan: TrainingPlan, from_day: date) -> list[TrainingWeek]:
    """The plan's weeks before ``from_day``; a week it cuts keeps its earlier days."""
    kept = []
    for week in plan.weeks:
        if week.start_date >= from_day:
            break
        days = tuple(d for d in week.days if d.date < from_day)
        end = min(week.end_date, from_day - timedelta(days=1))
        kept.append(week.model_copy(update={"days": days, "end_date": end}))
    return kept


def _continued_frames(
    plan: TrainingPlan, kept: list[TrainingWeek], frames: list["_Frame"]
) -> list["_Frame"]:
    """Number the new frames after the kept weeks; a frame finishing a kept week's 7-day block
    takes that week's index (it is merged into it)."""
    if not kept:
        return frames
    last = kept[-1]
    block_end = next(w.end_date for w in plan.weeks if w.week_index == last.week_index)
    same_block = frames[0].end == block_end
    first = last.week_index if same_block else last.week_index + 1
    frames = [replace(f, index=first + i) for i, f in enumerate(frames)]
    if same_block:
        carried = math.ceil(planned_training_m(last) / (plan.units.metres / 2) - 1e-9)
        frames[0] = replace(frames[0], carried=carried)
    return frames


def _merge(kept: list[TrainingWeek], rebuilt: list[TrainingWeek]) -> tuple[TrainingWeek, ...]:
    if kept and rebuilt and kept[-1].week_index == rebuilt[0].week_index:
        head, first = kept[-1], rebuilt[0]
        merged = first.model_copy(
            update={"start_date": head.start_date, "days": head.days + first.days}
        )
        return (*kept[:-1], merged, *rebuilt[1:])
    return (*kept, *rebuilt)


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


def _remainder_length(weeks: int, profile: DistanceProfile, allow_short: bool) -> list[str]:
    """A rebuilt remainder may be shorter than a fresh plan could be: the runner is already
    training. It is said plainly rather than refused (unless the runner chose the date)."""
    if weeks >= profile.hard_min_weeks or not allow_short:
        return _check_length(weeks, profile)
    return [
        f"Only {weeks} week(s) left until race day: less than the {profile.hard_min_weeks} a "
        f"{profile.race_type.label} build needs. Volume stays safe, but consider a later race "
        "or a new goal."
    ]


def _context(request: PlanRequest, profile: DistanceProfile, warnings: list[str]) -> _Context:
    runner_vdot = check_vdot_range(vdot(FIVE_K_M, request.baseline_5k_s))
    paces = training_paces(runner_vdot)
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
    step_m = request.units.metres / 2
    return _Context(request, profile, runner_vdot, paces, race_pace, marathon_pace, step_m)


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
    if core < profile.hard_min_weeks:  # only a rebuilt remainder is this short
        taper = max(1, min(profile.taper_weeks_short, core - 2))
        rest = core - taper
        peak = build = rest // 3
    else:
        taper = norms.taper_weeks(profile, core)
        rest = core - taper
        peak = max(1, round(rest * 0.25))
        build = max(1, round(rest * 0.35))
    base = rest - peak - build
    phases = [Phase.BASE] * (lead_in + base) + [Phase.BUILD] * build + [Phase.PEAK] * peak
    return phases + [Phase.TAPER] * taper, lead_in


def cutback_weeks(pre_taper: int, since_cutback: int = 0) -> set[int]:
    """Every 4th week (counting ``since_cutback`` weeks already run without one), but never the
    last week before the taper (moved one earlier)."""
    every = norms.CUTBACK_EVERY
    weeks = {i for i in range(pre_taper) if (i + since_cutback) % every == every - 1}
    if pre_taper - 1 in weeks:
        weeks.discard(pre_taper - 1)
        if pre_taper >= 2:
            weeks.add(pre_taper - 2)
    return weeks


def _calendar(total: int, profile: DistanceProfile, since_cutback: int = 0) -> list[_Slot]:
    phases, lead_in = _phases(total, profile)
    cutbacks = cutback_weeks(phases.index(Phase.TAPER), since_cutback)
    return [_Slot(p, cutback=i in cutbacks, lead_in=i < lead_in) for i, p in enumerate(phases)]


def _old_calendar(plan: TrainingPlan, frames: list[_Frame]) -> list[_Slot]:
    by_index = {w.week_index: w for w in plan.weeks}
    return [
        _Slot(w.phase, cutback=w.cutback, lead_in=w.lead_in)
        for w in (by_index[f.index] for f in frames)
    ]


def _taper_length(plan: TrainingPlan) -> int:
    return sum(1 for w in plan.weeks if w.phase is Phase.TAPER)


def _weeks_since_cutback(kept: list[TrainingWeek]) -> int:
    """Full training weeks run since the last cutback, so a rebuilt calendar keeps the rhythm."""
    count = 0
    for week in reversed(kept):
        if week.cutback or week.phase is Phase.TAPER:
            break
        count += len(week.days) == 7
    return count % norms.CUTBACK_EVERY


def _shapes(
    slots: list[_Slot],
    profile: DistanceProfile,
    start: int,
    peak: int,
    taper_total: int | None = None,
) -> list[_Shape]:
    """Weekly volumes: grow ≤ 10 % a week towards ``peak`` from ``start`` (the first week is not
    grown), cut back on cutback weeks, then taper from the level reached. ``taper_total`` is the
    whole taper's length when only its last weeks are being rebuilt."""
    training = [s for s in slots if s.phase is not Phase.TAPER]
    taper_left = len(slots) - len(training)
    factors = norms.taper_factors(profile, taper_total or taper_left)
    factors = factors[len(factors) - (taper_left - 1) :] if taper_left > 1 else ()
    shapes, level = [], start
    for week, slot in enumerate(training):
        if week > 0 and not slot.lead_in and not slot.cutback:
            level = max(level, min(peak, math.floor(level * norms.GROWTH)))
        target = math.floor(level * norms.CUTBACK_FACTOR) if slot.cutback else level
        shapes.append(_Shape(slot.phase, target, slot.cutback, slot.lead_in, ramp=slot.ramp))
    taper_slots = slots[len(training) :]
    for factor, slot in zip(factors, taper_slots, strict=False):
        shapes.append(_Shape(Phase.TAPER, math.floor(level * factor), ramp=slot.ramp))
    if taper_left:
        race_target = math.floor(level * profile.race_week_factor)
        shapes.append(_Shape(Phase.TAPER, race_target, race_week=True, ramp=slots[-1].ramp))
    return shapes


def _week(frame: _Frame, shape: _Shape, ctx: _Context) -> TrainingWeek:
    run_dates = [d for d in frame.dates if d.weekday() in ctx.request.run_days]
    if shape.race_week:
        workouts = _race_week(frame, run_dates, shape, ctx)
    else:
        target = shape.target
        if frame.partial:
            prorated = math.floor(target * len(run_dates) / len(ctx.request.run_days))
            target = min(prorated, max(0, target - frame.carried))
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
    if shape.phase is Phase.BASE or frame.partial or shape.ramp:
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
