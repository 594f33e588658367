"""Real life: the rules that revise a plan's future after the week's running, missed days, a
break or the runner's own changes. Pure functions; every revision keeps the days before it as
they were and goes through the plan generator, so its rules hold for the rebuilt weeks.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import Field

from core.errors import InvalidInput
from core.fitness import equivalent_time, vdot
from core.goals import check_goal_reachable, check_race_day
from core.models import (
    Model,
    Phase,
    PlannedWorkout,
    PlanRevision,
    RevisionKind,
    TrainingPlan,
    TrainingWeek,
    Verdict,
    VolumeChange,
    WeekProgress,
    WorkoutType,
)
from core.plan import Continuation, continue_plan, request_of, weeks_until
from core.profiles import GROWTH, profile_for
from core.progress import planned_training_m, verdict
from core.reach import goal_range
from core.units import FIVE_K_M, Units
from core.workouts import workout as workout_of

HOLD_BELOW = 0.70  # adherence under this holds volume instead of growing it
STEP_BACK_BELOW = 0.40  # ... under this (or two weak weeks running) steps back a week
REPACE_ADHERENCE = 0.85  # paces follow fitness only for a runner who is doing the work
REPACE_GAIN = 0.02  # ... and whose adaptive 5k is this much faster than the paces assume
EASY_BLOCK_DAYS = 5  # after 2–4 missed run days, this many days are easy
EASY_LONG_SHARE = 0.75  # a long run inside the easy block is shortened by a quarter
RECOMPUTE_FROM = 5  # missed run days in a row that rebuild the rest of the plan
KEEP_PHASES_UP_TO = 13  # a break up to this many days resumes the same calendar of phases


@dataclass(frozen=True)
class Ramp:
    """A return to running after ``up_to_days`` off (Daniels' guidance, rounded): the share of
    the previous weekly volume to restart at, weeks without quality, and the fitness kept."""

    up_to_days: int
    volume_share: float
    ramp_weeks: int
    fitness_share: float  # of VDOT


RAMPS = (
    Ramp(5, 1.0, 0, 1.0),
    Ramp(13, 0.8, 1, 0.98),
    Ramp(27, 0.65, 2, 0.95),
    Ramp(10**6, 0.5, 3, 0.92),
)


def ramp_for(break_days: int) -> Ramp:
    return next(r for r in RAMPS if break_days <= r.up_to_days)


@dataclass(frozen=True)
class Revised:
    plan: TrainingPlan
    revision: PlanRevision


class PlanEdit(Model):
    """What a runner may change about a running plan (None: unchanged)."""

    race_date: date | None = None
    goal_time_s: int | None = Field(default=None, gt=0)
    clear_goal: bool = False
    run_days: tuple[int, ...] | None = None
    long_run_day: int | None = Field(default=None, ge=0, le=6)
    weekly_m: float | None = Field(default=None, ge=0)
    units: Units | None = None  # distances rounded as the new units' plan would be


def level_m(plan: TrainingPlan, week_index: int) -> float:
    """The weekly volume the plan had reached by ``week_index``: its latest full training week
    that was neither a cutback nor taper. Before the first one, the runner's own volume as far
    as the plan could hold it (its first such week: run days and time caps may hold less)."""
    full = [
        week
        for week in plan.weeks
        if len(week.days) == 7 and not week.cutback and week.phase is not Phase.TAPER
    ]
    for week in reversed(full):
        if week.week_index <= week_index:
            return planned_training_m(week)
    first = planned_training_m(full[0]) if full else plan.baseline_weekly_m
    return min(plan.baseline_weekly_m, first)


def fitness_5k(plan: TrainingPlan) -> int:
    """The 5k time the plan's paces come from."""
    return plan.pace_5k_s or plan.baseline_5k_s


def first_open_day(today: date, done_dates: Iterable[date]) -> date:
    """Revisions start today, or tomorrow when today's run is already linked."""
    return today + timedelta(days=1) if today in set(done_dates) else today


# ---- the week-end adjustment ------------------------------------------------------------------


def weekly_adjustment(
    plan: TrainingPlan,
    judged: WeekProgress,
    before: WeekProgress | None,
    current_5k_s: float,
    from_day: date,
) -> Revised | None:
    """Revise the weeks after ``judged`` from its adherence, key sessions and fitness:
    weak weeks hold (or step back) volume, steady work with faster fitness re-derives paces.
    None when the plan should simply go on."""
    adherence = judged.adherence
    next_week = plan.week_of(from_day)
    if adherence is None or next_week is None:
        return None
    weak = adherence < HOLD_BELOW
    weak_weeks = 1 + (before is not None and (before.adherence or 0) < HOLD_BELOW) if weak else 0
    change = _volume_change(adherence, weak_weeks, next_week)
    new_5k = _repaced_5k(plan, judged, current_5k_s)
    if change is None and new_5k is None:
        return None
    level = level_m(plan, judged.week_index)
    if change is VolumeChange.STEP_BACK:
        level /= GROWTH
    elif change is None:
        level = _next_level(plan, judged.week_index, level)
    request = request_of(plan, new_5k or fitness_5k(plan))
    revised = continue_plan(plan, request, Continuation(from_day, level, keep_phases=True))
    after = revised.week_of(from_day)
    assert after is not None
    if change is not None and planned_training_m(after) >= planned_training_m(next_week):
        change = None  # already at that volume (a cutback or a held peak): nothing to say
        if new_5k is None:
            return None
    return Revised(
        revised,
        PlanRevision(
            kind=RevisionKind.WEEKLY,
            effective_from=from_day,
            week_index=judged.week_index,
            volume=change,
            adherence=adherence,
            weak_weeks=weak_weeks,
            next_week_before_m=planned_training_m(next_week),
            next_week_after_m=planned_training_m(after),
            pace_5k_before_s=fitness_5k(plan),
            pace_5k_after_s=new_5k,
        ),
    )


def _volume_change(
    adherence: float, weak_weeks: int, next_week: TrainingWeek
) -> VolumeChange | None:
    if next_week.phase is Phase.TAPER or weak_weeks == 0:
        return None  # the taper follows the peak, whatever the last week was
    if adherence < STEP_BACK_BELOW or weak_weeks >= 2:
        return VolumeChange.STEP_BACK
    return VolumeChange.HOLD


def _next_level(plan: TrainingPlan, judged_index: int, level: float) -> float:
    """The level the plan itself goes on at (a pace-only revision keeps the volumes)."""
    return max(level_m(plan, judged_index + 1), level)


def _repaced_5k(plan: TrainingPlan, judged: WeekProgress, current_5k_s: float) -> int | None:
    steady = (judged.adherence or 0) >= REPACE_ADHERENCE and judged.key_hit >= judged.key_planned
    if steady and current_5k_s <= fitness_5k(plan) * (1 - REPACE_GAIN):
        return round(current_5k_s)
    return None


# ---- missed days ------------------------------------------------------------------------------


def missed_run_days(
    plan: TrainingPlan, ran_on: Iterable[date], today: date, since: date = date.min
) -> int:
    """Planned runs missed in a row up to yesterday (counting from ``since``); rest days neither
    count nor break it."""
    ran = set(ran_on)
    count = 0
    for day in reversed([d for d in plan.days() if since <= d.date < today]):
        if day.date in ran:
            break
        count += day.planned.type.is_run
    return count


def easy_block(plan: TrainingPlan, missed: int, from_day: date) -> Revised | None:
    """After 2–4 missed run days the next days are easy: quality becomes easy running of the
    same length and the long run loses a quarter. Nothing is made up."""
    last = from_day + timedelta(days=EASY_BLOCK_DAYS - 1)
    eased = {
        d.date: _eased(d.planned, plan)
        for d in plan.days()
        if from_day <= d.date <= last and d.planned.type in _EASED_TYPES
    }
    if not eased:
        return None
    weeks = tuple(
        w.model_copy(
            update={
                "days": tuple(
                    d.model_copy(update={"planned": eased[d.date]}) if d.date in eased else d
                    for d in w.days
                )
            }
        )
        for w in plan.weeks
    )
    return Revised(
        plan.model_copy(update={"weeks": weeks}),
        PlanRevision(
            kind=RevisionKind.EASY_BLOCK,
            effective_from=from_day,
            week_index=plan.current_week(from_day).week_index,
            missed_days=missed,
        ),
    )


_LONG_TYPES = frozenset({WorkoutType.LONG, WorkoutType.MEDIUM_LONG})
_EASED_TYPES = frozenset(
    {
        WorkoutType.TEMPO,
        WorkoutType.INTERVALS,
        WorkoutType.REPETITION,
        WorkoutType.MARATHON_PACE,
        *_LONG_TYPES,
    }
)


def _eased(workout: PlannedWorkout, plan: TrainingPlan) -> PlannedWorkout:
    step = plan.units.metres / 2
    if workout.type in _LONG_TYPES:
        distance = max(step, math.floor(workout.distance_m * EASY_LONG_SHARE / step) * step)
        return workout_of(workout.type, distance, plan.paces, plan.units)
    return workout_of(WorkoutType.EASY, workout.distance_m, plan.paces, plan.units)


# ---- breaks: 5+ missed days, /pause → /resume ------------------------------------------------


def after_break(
    plan: TrainingPlan,
    from_day: date,
    break_days: int,
    current_5k_s: float,
    *,
    kind: RevisionKind = RevisionKind.RESUME,
    reason: str | None = None,
    missed: int | None = None,
    paused_from: date | None = None,
    ran: frozenset[date] = frozenset(),
) -> Revised:
    """Rebuild from the return day: restart at a share of the volume reached before the break
    (the longer the break, the lower), without quality for the ramp weeks, then normal phases;
    fitness loses a little for long breaks. Says when the goal is out of reach.

    From ``paused_from`` the days of the pause become rest, not runs missed (a day the runner
    ran anyway keeps its workout): the week's volume and the chart stop counting them, and the
    rest of the return week is laid out around them."""
    ramp = ramp_for(break_days)
    last_run_week = plan.current_week(from_day - timedelta(days=break_days + 1))
    level = level_m(plan, last_run_week.week_index) * ramp.volume_share
    kept_vdot = vdot(FIVE_K_M, current_5k_s) * ramp.fitness_share
    new_5k = round(equivalent_time(kept_vdot, FIVE_K_M))
    first = max(paused_from, plan.start_date) if paused_from else from_day
    resting = frozenset(d.date for d in plan.days() if first <= d.date < from_day) - ran
    how = Continuation(
        from_day,
        level,
        keep_phases=break_days <= KEEP_PHASES_UP_TO,
        ramp_weeks=ramp.ramp_weeks,
        resting=resting,
    )
    revised = continue_plan(plan, request_of(plan, new_5k), how)
    pause = {"paused_from": first, "paused_to": from_day} if first < from_day else {}
    return Revised(
        revised,
        _rebuild_revision(plan, revised, kind, from_day, new_5k).model_copy(
            update={"break_days": break_days, "reason": reason, "missed_days": missed, **pause}
        ),
    )


def goal_at_risk(plan: TrainingPlan, current_5k_s: float, from_day: date) -> bool:
    """The goal is off track against what race day should bring from today's fitness and the
    weeks left (:func:`core.goals.goal_range`, judged like /status judges): a later race date
    gives it more room, a long break less."""
    if not plan.goal_time_s:
        return False
    weeks = weeks_until(from_day, plan.race.race_date)
    reach = goal_range(plan.race.distance_m, current_5k_s, plan.baseline_weekly_m, weeks)
    return verdict(reach.likely_s, plan.goal_time_s, None) is Verdict.OFF_TRACK


def _rebuild_revision(
    old: TrainingPlan, new: TrainingPlan, kind: RevisionKind, from_day: date, new_5k: int
) -> PlanRevision:
    before, after = old.week_of(from_day), new.week_of(from_day)
    return PlanRevision(
        kind=kind,
        effective_from=from_day,
        week_index=after.week_index if after else None,
        next_week_before_m=planned_training_m(before) if before else None,
        next_week_after_m=planned_training_m(after) if after else None,
        pace_5k_before_s=fitness_5k(old),
        pace_5k_after_s=new_5k,
        warnings=tuple(w for w in new.warnings if w not in old.warnings),
        goal_at_risk=goal_at_risk(new, new_5k, from_day),
        race_too_close=_too_close(new, from_day),
    )


def _too_close(plan: TrainingPlan, from_day: date) -> bool:
    """Fewer weeks left than the distance's shortest safe build."""
    weeks_left = weeks_until(from_day, plan.race.race_date)
    return weeks_left < profile_for(plan.race.race_type, plan.race.distance_m).hard_min_weeks


# ---- the runner's own changes -----------------------------------------------------------------


def edit_plan(plan: TrainingPlan, edit: PlanEdit, from_day: date, current_5k_s: float) -> Revised:
    """Regenerate from ``from_day`` with the runner's changes; a race moved to a date too close
    to prepare for is refused like a new plan would be."""
    request = request_of(plan, fitness_5k(plan))
    changes = _changed_fields(plan, edit)
    if not changes:
        raise InvalidInput("edit_changes_nothing")
    race = plan.race
    if edit.race_date is not None:
        check_race_day(race.race_type, race.distance_m, edit.race_date, from_day)
        race = race.model_copy(update={"id": None, "race_date": edit.race_date})
    run_days = edit.run_days or plan.run_days
    long_day = edit.long_run_day if edit.long_run_day is not None else plan.long_run_day
    if long_day not in run_days:
        long_day = max(run_days)
    goal = None if edit.clear_goal else (edit.goal_time_s or plan.goal_time_s)  # as edited
    weekly = edit.weekly_m if edit.weekly_m is not None else plan.baseline_weekly_m
    if edit.goal_time_s:  # a new goal passes the check a new race goal passes
        weeks = weeks_until(from_day, race.race_date)
        check_goal_reachable(edit.goal_time_s, race.distance_m, current_5k_s, weekly, weeks)
    request = request.model_copy(
        update={
            "race": race,
            "run_days": tuple(sorted(set(run_days))),
            "long_run_day": long_day,
            "goal_time_s": goal,
            "baseline_weekly_m": weekly,
            "units": edit.units or plan.units,
        }
    )
    request = type(request).model_validate(request.model_dump())
    level = edit.weekly_m if edit.weekly_m is not None else _level_now(plan, from_day)
    how = Continuation(from_day, level, keep_phases=edit.race_date is None, allow_short=False)
    revised = continue_plan(plan, request, how)
    revision = _rebuild_revision(plan, revised, RevisionKind.EDIT, from_day, fitness_5k(plan))
    return Revised(
        revised,
        revision.model_copy(
            update={
                "changes": changes,
                "goal_at_risk": goal_at_risk(revised, current_5k_s, from_day),
            }
        ),
    )


def _level_now(plan: TrainingPlan, from_day: date) -> float:
    week = plan.current_week(from_day)
    return level_m(plan, week.week_index)


def _changed_fields(plan: TrainingPlan, edit: PlanEdit) -> tuple[str, ...]:
    changed = []
    if edit.race_date is not None and edit.race_date != plan.race.race_date:
        changed.append("race date")
    new_goal = None if edit.clear_goal else (edit.goal_time_s or plan.goal_time_s)
    if new_goal != plan.goal_time_s:
        changed.append("goal")
    if edit.run_days is not None and tuple(sorted(set(edit.run_days))) != plan.run_days:
        changed.append("run days")
    if edit.long_run_day is not None and edit.long_run_day != plan.long_run_day:
        changed.append("long-run day")
    if edit.weekly_m is not None and abs(edit.weekly_m - plan.baseline_weekly_m) > 1:
        changed.append("weekly volume")
    if edit.units is not None and edit.units is not plan.units:
        changed.append("units")
    return tuple(changed)


# ---- undo -------------------------------------------------------------------------------------


def undo(current: TrainingPlan, previous: TrainingPlan, from_day: date) -> Revised:
    """Put ``previous`` (the plan before a weekly or easy-block revision, same week grid) back
    from ``from_day`` on; the days before stay as they are."""
    by_index = {w.week_index: w for w in current.weeks}
    weeks = tuple(
        w.model_copy(
            update={
                "days": tuple(d for d in by_index[w.week_index].days if d.date < from_day)
                + tuple(d for d in w.days if d.date >= from_day)
            }
        )
        for w in previous.weeks
    )
    restored = previous.model_copy(
        update={"weeks": weeks, "id": current.id, "adaptive_5k_s": current.adaptive_5k_s}
    )
    return Revised(
        restored,
        PlanRevision(
            kind=RevisionKind.UNDO,
            effective_from=from_day,
            week_index=current.current_week(from_day).week_index,
            pace_5k_before_s=fitness_5k(current),
            pace_5k_after_s=fitness_5k(previous),
        ),
    )
