"""The plan generator: race goal + current fitness → a week-by-week TrainingPlan.

Shape of a plan
- Weeks are 7-day blocks that end on race day, so the race closes the last week; the first block
  may be partial (it starts on the start date).
- Phases base → build → peak → taper. A plan longer than the distance's maximum gets base
  lead-in weeks first; a plan shorter than the recommended minimum is built and flagged
  ``shortened``; shorter than the hard minimum is refused.
- Volume grows ≤ 10 %/week from the runner's current mileage towards a peak set by the runner's
  level (profiles.Level: Higdon Novice, Pfitzinger 18/55, 18/70), reached by the first peak week,
  with a −25 % cutback every 4th week; the week after a cutback returns to the pre-cutback level.
- The long run grows towards the level's aim, each run at most ~10 % over the longest run of the
  previous 30 days (Frandsen et al. 2025), within its share of the week (up to 50 % on 3–4 days,
  Higdon), a time cap (3 h marathon, 2 h 15 half) and a distance cap; cutback and taper weeks
  shorten it. No other run breaks the spike rule either. Whether it reaches the distance's
  minimum by race day is the plan's readiness.
- Distances are whole half-units of the runner's units ("steps") so that day distances add up to
  the week's target exactly and read naturally (5.5 mi, 8 km).
"""

import math
from collections import deque
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cached_property

from pydantic import Field, field_validator, model_validator

from core import profiles as norms
from core.errors import InvalidInput, PlanError
from core.fitness import check_vdot_range, training_paces, vdot
from core.models import (
    Model,
    Phase,
    PhaseSpan,
    PlannedWorkout,
    PlanWarning,
    Race,
    RaceType,
    Readiness,
    ReadinessGap,
    ReadinessReason,
    TrainingDayPlanned,
    TrainingPaces,
    TrainingPlan,
    TrainingWeek,
    WarningKind,
    WorkoutType,
)
from core.prediction import race_prediction_s
from core.profiles import DistanceProfile, profile_for
from core.progress import planned_training_m, with_road
from core.reach import goal_range
from core.units import FIVE_K_M, METRES_PER_KM, METRES_PER_MILE, Units, metres_to_miles
from core.workouts import REST_DAY, sharpener, workout

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
        raise InvalidInput("run_days_count", low=3, high=7)
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
    longest_recent_m: float | None = Field(default=None, ge=0)  # longest run, last 30 days

    @field_validator("run_days")
    @classmethod
    def _valid_run_days(cls, days: tuple[int, ...]) -> tuple[int, ...]:
        unique = tuple(sorted(set(days)))
        if not 3 <= len(unique) <= 7 or not all(0 <= d <= 6 for d in unique):
            raise InvalidInput("run_days_count", low=3, high=7)
        return unique

    @model_validator(mode="after")
    def _long_day_is_a_run_day(self) -> "PlanRequest":
        if self.long_run_day not in self.run_days:
            raise InvalidInput("long_day_not_run_day")
        return self


@dataclass(frozen=True)
class _Frame:
    """One week's calendar: its index, nominal first day and the plan dates it holds."""

    index: int
    nominal_start: date
    end: date
    dates: tuple[date, ...]
    carried: int = 0  # steps a kept part of this 7-day block already plans (a rebuilt week)
    continued: bool = False  # the rest of a 7-day block whose first days are kept

    @property
    def whole_dates(self) -> tuple[date, ...]:
        """The 7-day block's dates, its kept first days included."""
        return tuple(self.nominal_start + timedelta(days=i) for i in range(7))

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
    predicted_s: float
    step_m: float  # metres in one step
    peak_m: float = 0.0  # the weekly volume the plan builds to (set once it is known)

    @cached_property
    def race_pace(self) -> float:
        """Race day's pace (s/km): the slower of the goal and the prediction at the volume the
        plan builds to (Vickers & Vertosick 2016: weekly miles move the longer races), the
        prediction's pace never slower than easy running (Daniels: M pace is faster than E)."""
        request = self.request
        race_km = request.race.distance_m / METRES_PER_KM
        weekly_m = max(self.peak_m, request.baseline_weekly_m)
        predicted = race_prediction_s(request.baseline_5k_s, request.race.distance_m, weekly_m)
        goal_pace = (request.goal_time_s or 0) / race_km
        return max(min(predicted / race_km, self._faster_than_easy), goal_pace)

    @cached_property
    def marathon_pace(self) -> float:
        """Marathon-pace work: the marathoner's race pace, VDOT's M pace for the others;
        always faster than easy (a modest goal's pace, slower, is for race day only)."""
        if self.profile.race_type is RaceType.MARATHON:
            return min(self.race_pace, self._faster_than_easy)
        return self.paces.marathon

    @property
    def _faster_than_easy(self) -> float:
        return self.paces.easy_fast * norms.RACE_PACE_OF_EASY_MAX

    def steps(self, miles: float) -> int:
        return self.floor(miles * METRES_PER_MILE)

    def floor(self, metres: float) -> int:
        """Whole steps in ``metres`` (a hair of float noise never costs a step)."""
        return math.floor(metres / self.step_m + 1e-9)

    def metres(self, steps: int) -> float:
        return steps * self.step_m


def generate_plan(request: PlanRequest) -> TrainingPlan:
    """Build a deterministic plan; raises :class:`PlanError` when no safe plan fits."""
    race = request.race
    if race.race_date <= request.start_date:
        raise InvalidInput("race_before_start")
    profile = profile_for(race.race_type, race.distance_m)
    frames = _frames(request.start_date, race.race_date)
    warnings = _check_length(len(frames), profile)
    ctx = _context(request, profile, warnings, len(frames))
    start, peak = _volume_bounds(ctx, warnings)
    ctx = replace(ctx, peak_m=ctx.metres(peak))
    volumes = _Volumes(_calendar(len(frames), profile), profile, start, peak)
    weeks = tuple(_lay_out_weeks(frames, volumes, ctx, [_longest_start(ctx)]))
    warnings = _volume_held(weeks, ctx, warnings)
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
    resting: frozenset[date] = frozenset()  # kept days that become rest (a pause's, not run)


def continue_plan(plan: TrainingPlan, request: PlanRequest, how: Continuation) -> TrainingPlan:
    """The plan with every day before ``how.from_day`` kept as it was and the rest rebuilt from
    ``request`` (race, goal, fitness, run days — possibly edited). The week grid still ends on
    race day; every generator rule holds for the rebuilt weeks."""
    race = request.race
    if how.from_day > race.race_date:
        raise InvalidInput("race_passed")
    profile = profile_for(race.race_type, race.distance_m)
    kept = _kept_weeks(plan, how.from_day, how.resting)
    frames = _continued_frames(plan, kept, _frames(how.from_day, race.race_date))
    warnings = _remainder_length(len(frames), profile, how.allow_short)
    ctx = _context(request, profile, warnings, len(frames))
    volumes = _continued_volumes(plan, kept, frames, ctx, how, warnings)
    ctx = replace(ctx, peak_m=ctx.metres(volumes.peak))
    rebuilt = _lay_out_weeks(frames, volumes, ctx, _history(kept, ctx))
    weeks = _merge(kept, rebuilt)
    kept_fields = ("id", "athlete_id", "start_date", "adaptive_5k_s", "status", "result")
    return _assemble(request, ctx, weeks, plan.baseline_5k_s, len(frames), warnings).model_copy(
        update={name: getattr(plan, name) for name in kept_fields}
    )


def _continued_volumes(
    plan: TrainingPlan,
    kept: list[TrainingWeek],
    frames: list["_Frame"],
    ctx: "_Context",
    how: Continuation,
    warnings: list[PlanWarning],
) -> "_Volumes":
    """Volumes for the rebuilt weeks: from ``how.level_m`` (within the carry), on the old
    calendar of phases or a fresh one, ramp weeks first."""
    runs, profile = len(ctx.request.run_days), ctx.profile
    _, peak = _volume_bounds(ctx, warnings)
    start = max(1, ctx.floor(how.level_m))
    start = min(start, ctx.steps(runs * norms.PER_RUN_DAY_MAX_MILES))
    if how.keep_phases:
        slots, taper_total = _old_calendar(plan, frames), _taper_length(plan)
    else:
        since = _weeks_since_cutback(kept)
        slots, taper_total = _calendar(len(frames), profile, since), None
    slots = [replace(s, ramp=i < how.ramp_weeks) for i, s in enumerate(slots)]
    return _Volumes(slots, profile, start, max(peak, start), taper_total)


def _history(kept: list[TrainingWeek], ctx: _Context) -> list[int]:
    """The longest run of each kept week, most recent last, for the spike rule (in steps); the
    runner's own longest run while fewer than four weeks are kept."""
    history = [_longest_start(ctx)] if len(kept) < norms.SPIKE_WINDOW_WEEKS else []
    for week in kept[-norms.SPIKE_WINDOW_WEEKS :]:
        runs = [d.planned.distance_m for d in week.days if d.planned.type is not WorkoutType.RACE]
        history.append(ctx.floor(max(runs, default=0)))
    return history


def _assemble(
    request: PlanRequest,
    ctx: "_Context",
    weeks: tuple[TrainingWeek, ...],
    baseline_5k_s: int,
    built_weeks: int,
    warnings: list[PlanWarning],
) -> TrainingPlan:
    race = request.race
    goal = request.goal_time_s
    weeks = with_road(weeks, request.baseline_5k_s, race.distance_m, request.baseline_weekly_m)
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
        longest_recent_m=request.longest_recent_m,
        predicted_s=round(ctx.predicted_s),
        readiness=_readiness(weeks, ctx),
        shortened=built_weeks < ctx.profile.recommended_min_weeks,
        warnings=tuple(warnings),
    )


def long_run_needed_m(profile: DistanceProfile, paces: TrainingPaces, units: Units) -> float:
    """The long run a runner should have done before race day: the distance's minimum, or for
    a runner slow enough, the time cap's distance (time on feet is what the long run trains) —
    for the marathon never under 14 mi (published plans: 16–20 mi; Hansons' 16 is race ÷ 1.64).
    A 5k or 10k asks for time on feet instead, 45 / 60 min (≈ 45–75 min in published plans)."""
    step = units.metres / 2
    needed = min(profile.long_run_min_miles * METRES_PER_MILE, long_run_cap_m(profile, paces))
    needed = max(needed, profile.ready_floor_miles * METRES_PER_MILE)
    if profile.ready_minutes is not None:
        on_feet = profile.ready_minutes * 60 / long_run_pace(paces) * METRES_PER_KM
        needed = min(needed, on_feet)
    return math.floor(needed / step + 1e-9) * step


def _readiness(weeks: tuple[TrainingWeek, ...], ctx: _Context) -> Readiness:
    longest = max(
        (d.planned.distance_m for w in weeks for d in w.days if d.planned.type is WorkoutType.LONG),
        default=0.0,
    )
    needed = long_run_needed_m(ctx.profile, ctx.paces, ctx.request.units)
    ready = longest >= needed - 1e-6
    gap = ReadinessGap(reason=ReadinessReason.LONG_RUN_SHORT, reached_m=longest, needed_m=needed)
    gaps = () if ready else (gap,)
    return Readiness(ready=ready, longest_long_run_m=longest, needed_m=needed, reasons=gaps)


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
        longest_recent_m=plan.longest_recent_m,
    )


def _kept_weeks(
    plan: TrainingPlan, from_day: date, resting: frozenset[date] = frozenset()
) -> list[TrainingWeek]:
    """The plan's weeks before ``from_day``, ``resting`` days made rest; a week it cuts keeps
    its earlier days."""
    kept = []
    for week in plan.weeks:
        if week.start_date >= from_day:
            break
        days = tuple(
            d.model_copy(update={"planned": REST_DAY}) if d.date in resting else d
            for d in week.days
            if d.date < from_day
        )
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
        frames[0] = replace(frames[0], carried=carried, continued=True)
    return frames


def _merge(kept: list[TrainingWeek], rebuilt: list[TrainingWeek]) -> tuple[TrainingWeek, ...]:
    if kept and rebuilt and kept[-1].week_index == rebuilt[0].week_index:
        head, first = kept[-1], rebuilt[0]
        merged = first.model_copy(
            update={"start_date": head.start_date, "days": head.days + first.days}
        )
        return (*kept[:-1], merged, *rebuilt[1:])
    return (*kept, *rebuilt)


def weeks_until(start: date, race_day: date) -> int:
    """The plan's 7-day blocks from ``start`` to race day, both included (a partial first)."""
    return -(-((race_day - start).days + 1) // 7)


def _frames(start: date, race_day: date) -> list[_Frame]:
    total = weeks_until(start, race_day)
    frames = []
    for index in range(total):
        end = race_day - timedelta(days=7 * (total - 1 - index))
        nominal_start = end - timedelta(days=6)
        first = max(start, nominal_start)
        dates = tuple(first + timedelta(days=i) for i in range((end - first).days + 1))
        frames.append(_Frame(index, nominal_start, end, dates))
    return frames


def _check_length(weeks: int, profile: DistanceProfile) -> list[PlanWarning]:
    race_type = profile.race_type
    if weeks < profile.hard_min_weeks:
        raise PlanError(
            "plan_too_short", weeks=weeks, race_type=race_type, needed=profile.hard_min_weeks
        )
    if weeks < profile.recommended_min_weeks:
        needed = profile.recommended_min_weeks
        return [
            PlanWarning(
                kind=WarningKind.SHORTENED, weeks=weeks, needed_weeks=needed, race_type=race_type
            )
        ]
    if weeks > profile.max_weeks:
        return [
            PlanWarning(
                kind=WarningKind.BASE_FIRST,
                weeks=weeks - profile.max_weeks,
                needed_weeks=profile.max_weeks,
                race_type=race_type,
            )
        ]
    return []


def _remainder_length(weeks: int, profile: DistanceProfile, allow_short: bool) -> list[PlanWarning]:
    """A rebuilt remainder may be shorter than a fresh plan could be: the runner is already
    training. It is said plainly rather than refused (unless the runner chose the date)."""
    if weeks >= profile.hard_min_weeks or not allow_short:
        return _check_length(weeks, profile)
    return [
        PlanWarning(
            kind=WarningKind.LITTLE_TIME_LEFT,
            weeks=weeks,
            needed_weeks=profile.hard_min_weeks,
            race_type=profile.race_type,
        )
    ]


def _context(
    request: PlanRequest, profile: DistanceProfile, warnings: list[PlanWarning], weeks: int
) -> _Context:
    runner_vdot = check_vdot_range(vdot(FIVE_K_M, request.baseline_5k_s))
    paces = training_paces(runner_vdot)
    predicted_s = race_prediction_s(
        request.baseline_5k_s, request.race.distance_m, request.baseline_weekly_m
    )
    if request.goal_time_s and request.goal_time_s < predicted_s * (1 - norms.GOAL_MARGIN):
        warnings.append(_goal_warning(request, predicted_s, weeks))
    step_m = request.units.metres / 2
    return _Context(request, profile, runner_vdot, paces, predicted_s, step_m)


def _goal_warning(request: PlanRequest, predicted_s: float, weeks: int) -> PlanWarning:
    """An ambitious goal, said with the goal check's own range (core.reach): what the plan's
    weeks can bring at best, never a different "ambitious" goal than the check accepted."""
    goal_s = request.goal_time_s or 0
    race, weekly_m = request.race, request.baseline_weekly_m
    reach = goal_range(race.distance_m, request.baseline_5k_s, weekly_m, weeks)
    return PlanWarning(
        kind=WarningKind.GOAL_AHEAD,
        faster_pct=(1 - goal_s / predicted_s) * 100,
        predicted_s=predicted_s,
        suggested_s=round(reach.fastest_s),
    )


def _volume_bounds(ctx: _Context, warnings: list[PlanWarning]) -> tuple[int, int]:
    """Starting and peak weekly volume, in steps. Week 1 is what the runner runs now (a
    non-runner: a few short run/walk outings, as couch-to-5k plans start), never runs beyond
    the spike rule from the runner's longest recent run (Frandsen et al. 2025: a week far
    above what a runner runs is that spike at the week's scale); the peak follows the
    runner's level."""
    runs = len(ctx.request.run_days)
    carry = ctx.steps(runs * norms.PER_RUN_DAY_MAX_MILES)
    baseline = math.floor(ctx.request.baseline_weekly_m / ctx.step_m)
    start = max(1, baseline or ctx.steps(norms.NEW_RUNNER_WEEK_MILES))
    if start > carry:
        per_day_m = norms.PER_RUN_DAY_MAX_MILES * METRES_PER_MILE
        warnings.append(
            PlanWarning(kind=WarningKind.VOLUME_CAPPED, run_days=runs, per_day_m=per_day_m)
        )
        start = carry
    start = min(start, runs * _allowed(_longest_start(ctx)))
    weekly_miles = metres_to_miles(ctx.request.baseline_weekly_m)
    level = ctx.profile.level(weekly_miles)
    wanted = max(ctx.steps(level.peak_miles), math.floor(start * norms.PEAK_GROWTH))
    peak = max(start, min(wanted, carry, ctx.steps(norms.ABSOLUTE_PEAK_MILES)))
    return start, peak


def _volume_held(
    weeks: tuple[TrainingWeek, ...], ctx: _Context, warnings: list[PlanWarning]
) -> list[PlanWarning]:
    """The warnings, with "run more days or less" when the run days can't hold the runner's
    own volume — every easy run shorter than the long run and under its time cap, not a 5-hour
    easy run — saying what a day holds in this plan's first full week."""
    kept = [w for w in warnings if w.kind is not WarningKind.VOLUME_CAPPED]
    first = next((w for w in weeks if len(w.days) == 7 and w.phase is not Phase.TAPER), None)
    if first is None:
        return warnings
    held = ctx.floor(planned_training_m(first))
    if held >= math.floor(ctx.request.baseline_weekly_m / ctx.step_m) - 1:
        return kept
    runs = len(ctx.request.run_days)
    per_day_m = ctx.metres(held) / runs
    return [*kept, PlanWarning(kind=WarningKind.VOLUME_CAPPED, run_days=runs, per_day_m=per_day_m)]


def estimated_longest_m(weekly_m: float, runs: int) -> float:
    """A runner's longest run of the last month when they can't say: a usual share of a week."""
    return weekly_m * norms.typical_long_share(runs)


def _longest_start(ctx: _Context) -> int:
    """The longest recent run in steps (said or estimated; one step for a non-runner)."""
    request = ctx.request
    said = request.longest_recent_m
    if said is None:
        said = estimated_longest_m(request.baseline_weekly_m, len(request.run_days))
    return max(ctx.floor(said), 1)


def _allowed(longest: int) -> int:
    """The longest single run the spike rule allows after ``longest`` (steps): +10 % to the
    nearest step, at least one step."""
    return max(round(longest * norms.SPIKE_LIMIT), longest + 1)


def _long_target(ctx: _Context) -> int:
    """What the long run builds towards: the level's aim within the time and distance caps."""
    level = ctx.profile.level(metres_to_miles(ctx.request.baseline_weekly_m))
    return min(ctx.steps(level.long_aim_miles), ctx.floor(long_run_cap_m(ctx.profile, ctx.paces)))


def long_run_cap_m(profile: DistanceProfile, paces: TrainingPaces) -> float:
    """The longest long run: the distance cap, or the time cap at long-run pace (Daniels)."""
    by_time_m = profile.long_run_cap_minutes * 60 / long_run_pace(paces) * METRES_PER_KM
    return min(profile.long_run_cap_miles * METRES_PER_MILE, by_time_m)


def long_run_pace(paces: TrainingPaces) -> float:
    return (paces.easy + paces.easy_slow) / 2


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


class _Volumes:
    """Weekly volumes, decided week by week: grow ≤ 10 % a week towards ``peak`` from
    ``start`` (the first week is not grown; base lead-in weeks grow only to part of the peak),
    cut back on cutback weeks, then taper from the level reached. A full week whose runs the
    spike rule shortened sets the level it grows from (no catching up later). ``taper_total`` is
    the whole taper's length when only its last weeks are being rebuilt."""

    def __init__(
        self,
        slots: list[_Slot],
        profile: DistanceProfile,
        start: int,
        peak: int,
        taper_total: int | None = None,
    ) -> None:
        self.slots, self.profile, self.peak = slots, profile, peak
        self.training = sum(1 for s in slots if s.phase is not Phase.TAPER)
        taper_left = len(slots) - self.training
        factors = norms.taper_factors(profile, taper_total or taper_left)
        self.factors = factors[len(factors) - (taper_left - 1) :] if taper_left > 1 else ()
        self.lead_cap = max(start, math.floor(peak * norms.LEAD_IN_SHARE_OF_PEAK))
        self.rate = _growth_rate(slots[: self.training], start, peak)
        self.level = start

    def shape(self, week: int) -> _Shape:
        slot = self.slots[week]
        if week >= self.training:
            return self._taper(week, slot)
        if week > 0 and not slot.cutback:
            ceiling, pace = (
                (self.lead_cap, norms.GROWTH) if slot.lead_in else (self.peak, self.rate)
            )
            level = self.level
            grown = min(math.floor(level * norms.GROWTH), max(level + 1, math.floor(level * pace)))
            self.level = max(level, min(ceiling, grown))
        target = math.floor(self.level * norms.CUTBACK_FACTOR) if slot.cutback else self.level
        return _Shape(slot.phase, target, slot.cutback, slot.lead_in, ramp=slot.ramp)

    def _taper(self, week: int, slot: _Slot) -> _Shape:
        if week == len(self.slots) - 1:
            race_target = math.floor(self.level * self.profile.race_week_factor)
            return _Shape(Phase.TAPER, race_target, race_week=True, ramp=slot.ramp)
        factor = self.factors[week - self.training]
        return _Shape(Phase.TAPER, math.floor(self.level * factor), ramp=slot.ramp)

    def settle(self, shape: _Shape, planned: int) -> None:
        """``planned`` steps were laid out for a full week shaped ``shape``."""
        if shape.phase is not Phase.TAPER and not shape.cutback and planned < shape.target:
            self.level = planned


def _growth_rate(training: list[_Slot], start: int, peak: int) -> float:
    """Weekly growth that reaches the peak by the first peak week: spread out (Daniels: hold a
    mileage a few weeks before raising it), never over 10 %."""
    weeks = 0
    for week, slot in enumerate(training):
        if slot.phase is Phase.PEAK:
            break
        weeks += week > 0 and not slot.cutback and not slot.lead_in
    if weeks == 0 or start <= 0:
        return norms.GROWTH
    return min(norms.GROWTH, (peak / start) ** (1 / weeks))


@dataclass
class _Recent:
    """The longest run of each of the last four weeks (the spike rule's 30 days) and the last
    long run, carried from week to week while the plan is laid out."""

    longest: deque[int]
    last_long: int
    very_long: int = 0  # runs of 20 mi or more so far

    @classmethod
    def starting(cls, history: list[int]) -> "_Recent":
        window = deque(history, maxlen=norms.SPIKE_WINDOW_WEEKS)
        return cls(window, history[-1] if history else 0)

    @property
    def allowed(self) -> int:
        return _allowed(max(self.longest, default=0))


def _lay_out_weeks(
    frames: list[_Frame], volumes: _Volumes, ctx: _Context, history: list[int]
) -> list[TrainingWeek]:
    recent = _Recent.starting(history)
    weeks = []
    for index, frame in enumerate(frames):
        shape = volumes.shape(index)
        week = _week(frame, shape, ctx, recent)
        runs = [ctx.floor(d.planned.distance_m) for d in week.days if d.planned.type.is_run]
        if not frame.partial:
            volumes.settle(shape, sum(runs))
        long_run = next((d for d in week.days if d.planned.type is WorkoutType.LONG), None)
        recent.longest.append(max(runs, default=0) if not shape.race_week else 0)
        if long_run is not None:
            recent.last_long = ctx.floor(long_run.planned.distance_m)
        recent.very_long += sum(r >= ctx.steps(norms.VERY_LONG_MILES) for r in runs)
        weeks.append(week)
    return weeks


def _week(frame: _Frame, shape: _Shape, ctx: _Context, recent: _Recent) -> TrainingWeek:
    run_dates = [d for d in frame.dates if d.weekday() in ctx.request.run_days]
    if shape.race_week:
        workouts = _race_week(frame, run_dates, shape, ctx, recent.allowed)
    elif frame.continued and frame.partial:
        workouts = _rest_of_week(frame, shape, ctx, recent)
    else:
        target = shape.target
        if frame.partial:
            prorated = math.floor(target * len(run_dates) / len(ctx.request.run_days))
            target = min(prorated, max(0, target - frame.carried))
        quality = _quality_count(frame, shape, ctx)
        week = _WeekPlan(run_dates, target, quality, shape, recent)
        workouts = _training_week(week, ctx)
    rest = workout(WorkoutType.REST, 0, ctx.paces, ctx.request.units)
    days = tuple(
        TrainingDayPlanned(
            week_index=frame.index,
            day_index=(day - frame.nominal_start).days,
            date=day,
            planned=workouts.get(day) or rest,
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


def _rest_of_week(
    frame: _Frame, shape: _Shape, ctx: _Context, recent: "_Recent"
) -> dict[date, PlannedWorkout]:
    """The days left of a week rebuilt mid-week (a return, an edit): each as it would be in
    the whole week at the new level, so an easy run stays easy-sized instead of taking the
    week's average (a runner back on Saturday gets Saturday's run, not two days' worth)."""
    whole = [d for d in frame.whole_dates if d.weekday() in ctx.request.run_days]
    week = _WeekPlan(whole, shape.target, _quality_count(frame, shape, ctx), shape, recent)
    left = {day: w for day, w in _training_week(week, ctx).items() if day in frame.dates}
    return _within_steps(left, max(0, shape.target - frame.carried), ctx)


def _within_steps(
    workouts: dict[date, PlannedWorkout], limit: int, ctx: _Context
) -> dict[date, PlannedWorkout]:
    """Drop the smallest runs until the rest fits ``limit`` steps (what the kept days left)."""
    kept = dict(workouts)
    while kept and sum(ctx.floor(w.distance_m) for w in kept.values()) > limit:
        del kept[min(kept, key=lambda day: kept[day].distance_m)]
    return kept


def _quality_count(frame: _Frame, shape: _Shape, ctx: _Context) -> int:
    if shape.phase is Phase.BASE or frame.partial or shape.ramp:
        return 0
    if shape.phase is Phase.TAPER or shape.cutback:
        return 1
    return 2 if len(ctx.request.run_days) >= 5 else 1


def _race_week(
    frame: _Frame, run_dates: list[date], shape: _Shape, ctx: _Context, allowed: int
) -> dict[date, PlannedWorkout]:
    """Short shakeouts, the day before shortest; 5k/10k keep one sharpening session three or
    more days out (Bosquet et al. 2007: cut volume, keep intensity)."""
    race_day = frame.end
    others = [d for d in run_dates if d != race_day]
    weights = [0.5 if (race_day - d).days == 1 else 1.0 for d in others]
    shares = [min(s, allowed) for s in _split(shape.target, weights)]
    units, paces = ctx.request.units, ctx.paces
    sharpen = _sharpening_day(others, race_day, ctx.request.long_run_day)
    workouts = {}
    for day, steps in zip(others, shares, strict=True):
        if steps <= 0:
            continue
        metres = ctx.metres(steps)
        if ctx.profile.short and day == sharpen and not shape.ramp:
            workouts[day] = sharpener(metres, paces, units)
        else:
            strides = (race_day - day).days > 1
            workouts[day] = workout(WorkoutType.EASY, metres, paces, units, strides=strides)
    race = ctx.request.race
    workouts[race_day] = workout(
        WorkoutType.RACE, race.distance_m, paces, units, pace=round(ctx.race_pace, 1)
    )
    return workouts


def _sharpening_day(dates: list[date], race_day: date, long_run_day: int) -> date | None:
    """Three to five days out, never beside last week's long run."""
    for day in dates:
        far = 3 <= (race_day - day).days <= 5
        if far and day.weekday() != long_run_day and not _adjacent(day.weekday(), long_run_day):
            return day
    return None


@dataclass(frozen=True)
class _WeekPlan:
    run_dates: list[date]
    target: int
    quality: int
    shape: _Shape
    recent: _Recent


def _long_steps(week: _WeekPlan, ctx: _Context) -> int:
    """The week's long run: the progression's next step towards the target (within the spike
    rule and the share of the week), shorter in cutback and taper weeks."""
    shape, recent = week.shape, week.recent
    cap = _long_cap(week, ctx)
    if (shape.cutback or shape.phase is Phase.TAPER) and recent.last_long:
        shorter = math.floor(recent.last_long * norms.CUTBACK_FACTOR)
        return min(cap, shorter if shape.cutback else recent.last_long)
    return cap


def _long_cap(week: _WeekPlan, ctx: _Context) -> int:
    """The longest the week's long run may be: its share of the week, the spike rule, the
    progression's target, and under 20 mi once the plan has had its share of those."""
    share_cap = _share_cap(week.target, len(ctx.request.run_days), ctx)
    cap = min(share_cap, week.recent.allowed, _long_target(ctx))
    if week.recent.very_long >= norms.VERY_LONG_MAX_RUNS:
        cap = min(cap, ctx.steps(norms.VERY_LONG_MILES) - 1)
    return cap


def _training_week(week: _WeekPlan, ctx: _Context) -> dict[date, PlannedWorkout]:
    run_dates, target = week.run_dates, week.target
    if not run_dates or target <= 0:
        return {}
    long_date = next((d for d in run_dates if d.weekday() == ctx.request.long_run_day), None)
    long_steps = _long_steps(week, ctx) if long_date else 0
    quality_dates = _quality_dates(run_dates, long_date, week.quality)
    quality_steps = min(
        math.floor(target * norms.QUALITY_SHARE),
        ctx.steps(norms.QUALITY_MAX_MILES),
        week.recent.allowed,
    )
    while quality_dates and not _quality_fits(
        target, long_steps, quality_steps, len(quality_dates), len(run_dates) - bool(long_date), ctx
    ):
        quality_dates.pop()
    easy_dates = [d for d in run_dates if d != long_date and d not in quality_dates]
    if long_steps and easy_dates:
        # a shortened long run (cutback, taper) grows back towards an even share of the week
        # rather than leave easy runs longer than itself; never past last week's long run
        even = math.ceil((target - quality_steps * len(quality_dates)) / (len(easy_dates) + 1))
        most = min(_long_cap(week, ctx), week.recent.last_long or target)
        long_steps = max(long_steps, min(even, most))
    easy_total = target - long_steps - quality_steps * len(quality_dates)
    weights = [
        norms.RECOVERY_WEIGHT if long_date and (d - long_date).days == 1 else 1.0
        for d in easy_dates
    ]
    eve_weekday = (ctx.request.long_run_day - 1) % 7  # also when the long run is next week's
    eve = {i for i, d in enumerate(easy_dates) if d.weekday() == eve_weekday}
    easy_steps, medium = _easy_steps(easy_total, weights, week, long_steps, ctx, eve)
    if long_steps:
        others = quality_steps * len(quality_dates)
        long_steps, easy_steps = _within_share(long_steps, easy_steps, others, len(run_dates), ctx)
    layout = _Layout(
        long_date, long_steps, quality_dates, quality_steps, easy_dates, easy_steps, medium
    )
    return _lay_out(layout, week.shape, ctx)


def _share_cap(week_steps: int, runs: int, ctx: _Context) -> int:
    """The long run's cap from the week's volume (profiles.long_run_cap_of_week_m), in steps."""
    return ctx.floor(norms.long_run_cap_of_week_m(ctx.metres(week_steps), runs))


def _within_share(
    long_steps: int, easy_steps: list[int], others: int, runs: int, ctx: _Context
) -> tuple[int, list[int]]:
    """When the easy runs' caps left part of the week unrun, the long run shrinks to keep its
    share of what is run (Daniels, Higdon: see profiles.long_run_cap_of_week_m), and no easy run
    stays longer than it; the two caps settle in a few steps."""
    for _ in range(8):
        easy_steps = [min(s, long_steps) for s in easy_steps]
        fitted = min(long_steps, _share_cap(long_steps + others + sum(easy_steps), runs, ctx))
        if fitted == long_steps:
            break
        long_steps = fitted
    return long_steps, [min(s, long_steps) for s in easy_steps]


def _easy_steps(
    total: int,
    weights: list[float],
    week: _WeekPlan,
    long_steps: int,
    ctx: _Context,
    eve: set[int],
) -> tuple[list[int], int | None]:
    """The easy runs, none longer than the spike rule allows, the week's long run or the easy
    run's time cap (the excess is not run); a marathoner's big week turns an easy run in the
    middle of the week into a medium-long run (its index is returned), never the one on the
    eve of the long run (``eve``: indices)."""
    most = min(week.recent.allowed, _by_time(norms.EASY_MAX_MINUTES, ctx))
    if long_steps:
        most = min(most, long_steps)
    shares = [min(s, most) for s in _split(total, weights)]
    medium = _medium_long_index(weights, week.target, week.shape.phase, long_steps, ctx, eve)
    if medium is None:
        return shares, None
    wanted = min(
        math.floor(long_steps * norms.MEDIUM_LONG_SHARE),
        ctx.steps(norms.MEDIUM_LONG_MAX_MILES),
        _by_time(norms.MEDIUM_LONG_MAX_MINUTES, ctx),
        week.recent.allowed,
    )
    others = _split(total - wanted, [w for i, w in enumerate(weights) if i != medium])
    if wanted <= max(shares) or min(others, default=0) < ctx.steps(ctx.profile.run_floor_miles):
        return shares, None
    others.insert(medium, wanted)
    return [s if i == medium else min(s, most) for i, s in enumerate(others)], medium


def _by_time(minutes: float, ctx: _Context) -> int:
    """Whole steps covered in ``minutes`` at easy pace (at least one)."""
    return max(1, ctx.floor(minutes * 60 / ctx.paces.easy * METRES_PER_KM))


def _medium_long_index(
    weights: list[float],
    target: int,
    phase: Phase,
    long_steps: int,
    ctx: _Context,
    eve: set[int],
) -> int | None:
    """Pfitzinger's mid-week medium-long run: marathoners at ≥ 40 mi/week with two easy days
    or more take it on the easy day in the middle of the week — never beside the long run
    (the day after is a recovery day, the day before must be easy)."""
    if ctx.profile.race_type is not RaceType.MARATHON or not long_steps or len(weights) < 2:
        return None
    if phase is Phase.TAPER or target < ctx.steps(norms.MEDIUM_LONG_FROM_MILES):
        return None
    full = [i for i, w in enumerate(weights) if w == 1.0 and i not in eve]
    return full[len(full) // 2] if full else None


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


@dataclass(frozen=True)
class _Layout:
    long_date: date | None
    long_steps: int
    quality_dates: list[date]
    quality_steps: int
    easy_dates: list[date]
    easy_steps: list[int]
    medium_long: int | None = None  # index into the easy days

    @property
    def total(self) -> int:
        return self.long_steps + self.quality_steps * len(self.quality_dates) + sum(self.easy_steps)


def _lay_out(layout: _Layout, shape: _Shape, ctx: _Context) -> dict[date, PlannedWorkout]:
    units, paces = ctx.request.units, ctx.paces
    long_date = layout.long_date
    workouts: dict[date, PlannedWorkout] = {}
    strides_left = norms.STRIDE_DAYS if ctx.profile.short and shape.phase is Phase.BASE else 0
    for index, (day, steps) in enumerate(zip(layout.easy_dates, layout.easy_steps, strict=True)):
        if steps <= 0:
            continue
        kind = _easy_kind(day, index, layout)
        strides = kind is WorkoutType.EASY and strides_left > 0
        strides_left -= strides
        workouts[day] = workout(kind, ctx.metres(steps), paces, units, strides=strides)
    week_m = ctx.metres(layout.total)
    for day, kind in zip(layout.quality_dates, _quality_types(ctx, shape.phase), strict=False):
        pace = ctx.marathon_pace if kind is WorkoutType.MARATHON_PACE else None
        workouts[day] = workout(
            kind, ctx.metres(layout.quality_steps), paces, units, pace=pace, week_m=week_m
        )
    if long_date and layout.long_steps > 0:
        workouts[long_date] = workout(WorkoutType.LONG, ctx.metres(layout.long_steps), paces, units)
    return workouts


def _easy_kind(day: date, index: int, layout: _Layout) -> WorkoutType:
    if layout.long_date is not None and (day - layout.long_date).days == 1:
        return WorkoutType.RECOVERY
    return WorkoutType.MEDIUM_LONG if index == layout.medium_long else WorkoutType.EASY


def _quality_types(ctx: _Context, phase: Phase) -> list[WorkoutType]:
    """Build starts with the phase's own sessions (threshold; R pace for 5k/10k); peak and
    taper lead with the race's key session."""
    if phase is Phase.BUILD:
        return list(ctx.profile.build_quality)
    return [ctx.profile.primary_quality, ctx.profile.secondary_quality]


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
