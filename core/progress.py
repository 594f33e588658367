"""Weekly adherence and the answer to "Are you on track?".

On track means on the plan's road: the prediction a runner following the plan is expected to
have by now — the plan's 5k fitness at the volume its training block has built to (the taper
aside, so easing off before the race never looks like losing fitness). Today's prediction, from
today's adaptive 5k and the volume actually run, is judged against that road, not against the
goal as it stands today: a runner is *supposed* to be slower than the goal early on, the plan is
what closes the gap (Vickers & Vertosick 2016: weekly volume moves the longer races).
"""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from core.fitness import equivalent_time, vdot
from core.models import (
    DayStatus,
    ExecutedDay,
    OnTrack,
    Phase,
    PlannedWorkout,
    RacePrediction,
    TrainingPlan,
    TrainingWeek,
    Verdict,
    WeekProgress,
    WorkoutType,
)
from core.prediction import predict_race, seed_prediction
from core.units import FIVE_K_M

AHEAD_SHARE, ON_TRACK_SHARE, BEHIND_SHARE = -0.02, 0.02, 0.05
LOW_ADHERENCE = 0.7
RECENT_WEEKS = 4
TIME_TRIAL_EVERY_DAYS = 5 * 7  # every 4–6 weeks of a plan with no race
RACE_SOON_DAYS = 21  # the race itself is the next test


def is_training(workout: PlannedWorkout) -> bool:
    """A planned run besides the race itself: what adherence is measured against."""
    return workout.type not in (WorkoutType.REST, WorkoutType.RACE)


def planned_training(week: TrainingWeek) -> list[PlannedWorkout]:
    """A week's planned runs besides the race itself."""
    return [d.planned for d in week.days if is_training(d.planned)]


def planned_training_m(week: TrainingWeek) -> float:
    return sum(p.distance_m for p in planned_training(week))


def week_progress(
    week: TrainingWeek, executed: Iterable[ExecutedDay], extra_m: float = 0.0
) -> WeekProgress:
    """Planned running (the race aside) against linked and extra runs of ``week``."""
    in_week = [e for e in executed if e.week_index == week.week_index]
    planned = planned_training(week)
    planned_m = sum(p.distance_m for p in planned)
    done_m = sum(e.analysis.actual_m for e in in_week if e.planned.type is not WorkoutType.RACE)
    done_m += extra_m
    keys = [p for p in planned if p.is_key]
    hit = {  # a key day run twice (a double day) is one key workout done
        e.day_index
        for e in in_week
        if e.planned.is_key and e.analysis.status is DayStatus.COMPLETED
    }
    scores = [e.analysis.quality_score for e in in_week]
    return WeekProgress(
        week_index=week.week_index,
        planned_m=planned_m,
        done_m=done_m,
        extra_m=extra_m,
        adherence=done_m / planned_m if planned_m else None,
        key_planned=len(keys),
        key_hit=len(hit),
        average_quality=sum(scores) / len(scores) if scores else None,
    )


def adherence_so_far(
    week: TrainingWeek | None, executed: Iterable[ExecutedDay], today: date
) -> float | None:
    """What was run of the week's runs due before ``today`` (today's may still come); None
    when nothing was due yet — Monday morning is not a missed week."""
    if week is None:
        return None
    due = [d for d in week.days if d.date < today and is_training(d.planned)]
    planned_m = sum(d.planned.distance_m for d in due)
    if not planned_m:
        return None
    done_m = sum(
        e.analysis.actual_m
        for e in executed
        if e.week_index == week.week_index and e.planned.type is not WorkoutType.RACE
    )
    return min(done_m / planned_m, 1.0)


def block_weekly_m(weeks: Sequence[TrainingWeek], on: date, baseline_m: float) -> float:
    """The weekly volume a plan's training block has built to by ``on``: its last
    ``RECENT_WEEKS`` weeks begun by then, taper weeks left out."""
    begun = [w for w in weeks if w.start_date <= on and w.phase is not Phase.TAPER]
    recent = begun[-RECENT_WEEKS:]
    if not recent:
        return baseline_m
    return sum(planned_training_m(w) for w in recent) / len(recent)


def with_road(
    weeks: tuple[TrainingWeek, ...], five_k_s: float, distance_m: float, baseline_m: float
) -> tuple[TrainingWeek, ...]:
    """The weeks with the plan's road stored: the prediction a runner following the plan has
    in each week — the plan's 5k fitness at the volume its block has built to by then. Weeks
    that already hold one keep it: a revision does not rewrite the road already travelled."""
    return tuple(
        week
        if week.road_s is not None
        else week.model_copy(
            update={"road_s": _road_s(weeks, week.start_date, five_k_s, distance_m, baseline_m)}
        )
        for week in weeks
    )


def _road_s(
    weeks: Sequence[TrainingWeek], on: date, five_k_s: float, distance_m: float, baseline_m: float
) -> float:
    block_m = block_weekly_m(weeks, on, baseline_m)
    return predict_race([(FIVE_K_M, five_k_s)], distance_m, block_m).predicted_s


def road_s(plan: TrainingPlan, today: date) -> float:
    """Where the plan's road is ``today``: as stored when the plan was made (a plan stored
    before roads were, by the same rule)."""
    week = plan.current_week(today)
    if week.road_s is not None:
        return week.road_s
    five_k = plan.pace_5k_s or plan.baseline_5k_s
    return _road_s(
        plan.weeks, week.start_date, five_k, plan.race.distance_m, plan.baseline_weekly_m
    )


def predict_now(
    plan: TrainingPlan, current_5k_s: float, today: date, weekly_m: float | None
) -> RacePrediction:
    """The coach's prediction ``today``: the 5k fitness at the volume run (the plan's block
    volume until four weeks of runs show it) — /status, the chart and the dashboard read this."""
    weekly = volume_m(plan, today, weekly_m)
    return predict_race([(FIVE_K_M, current_5k_s)], plan.race.distance_m, weekly)


def volume_m(plan: TrainingPlan, today: date, weekly_run_m: float | None) -> float:
    """The weekly volume predictions read: what was run, else what the plan's block built."""
    return weekly_run_m or block_weekly_m(plan.weeks, today, plan.baseline_weekly_m)


def on_track(
    plan: TrainingPlan,
    current_5k_s: float,
    adherence: float | None,
    today: date,
    weekly_m: float | None = None,
) -> OnTrack:
    """Today's prediction (the coach's model, from today's 5k fitness and the volume run — the
    plan's own until four weeks of runs show it) against the plan's road; the goal beside it."""
    distance = plan.race.distance_m
    weekly = volume_m(plan, today, weekly_m)
    race = predict_race([(FIVE_K_M, current_5k_s)], distance, weekly)
    road = road_s(plan, today)
    goal = plan.goal_time_s
    delta = None if goal is None else race.predicted_s - goal
    peak_m = max((planned_training_m(w) for w in plan.weeks), default=weekly)
    race_day = predict_race([(FIVE_K_M, current_5k_s)], distance, max(peak_m, weekly))
    return OnTrack(
        road_s=road,
        race_day_s=race_day.predicted_s,
        current_5k_s=current_5k_s,
        weekly_m=weekly,
        predicted_s=race.predicted_s,
        low_s=race.low_s,
        high_s=race.high_s,
        vdot_predicted_s=equivalent_time(vdot(FIVE_K_M, current_5k_s), distance),
        seed_predicted_s=seed_prediction(current_5k_s, distance),
        goal_time_s=goal,
        delta_s=delta,
        adherence=adherence,
        verdict=verdict(race.predicted_s, road, adherence),
    )


def recent_weekly_m(
    plan: TrainingPlan, executed: Iterable[ExecutedDay], today: date
) -> float | None:
    """What the runner actually ran a week over the last four weeks of training (in the taper:
    the four before it), once the plan has run that long and runs were logged in at least three
    of them; None: go by the plan."""
    taper = next((w.start_date for w in plan.weeks if w.phase is Phase.TAPER), None)
    if taper is not None and today > taper:
        today = taper
    first = today - timedelta(days=RECENT_WEEKS * 7)
    if plan.start_date > first:
        return None
    recent = [e for e in executed if first <= e.date < today]
    weeks = {(e.date - first).days // 7 for e in recent}
    if len(weeks) < RECENT_WEEKS - 1:
        return None
    return sum(e.analysis.actual_m for e in recent) / RECENT_WEEKS


def verdict(predicted_s: float, reference_s: float, adherence: float | None) -> Verdict:
    """From the prediction's distance to a reference (the plan's road for /status; the goal when
    a revision asks whether the goal is at risk); low adherence costs one notch."""
    share = (predicted_s - reference_s) / reference_s
    ladder = [Verdict.AHEAD, Verdict.ON_TRACK, Verdict.BEHIND, Verdict.OFF_TRACK]
    if share <= AHEAD_SHARE:
        level = 0
    elif share <= ON_TRACK_SHARE:
        level = 1
    elif share <= BEHIND_SHARE:
        level = 2
    else:
        level = 3
    if adherence is not None and adherence < LOW_ADHERENCE:
        level = min(level + 1, 3)
    return ladder[level]


def time_trial_due(
    plan: TrainingPlan,
    executed: Iterable[ExecutedDay],
    today: date,
    extra_trials: Iterable[date] = (),
) -> bool:
    """Five weeks since the last race or time trial (linked to a day of the plan, or an extra
    run on ``extra_trials``) or the plan's start, the race itself more than three weeks off:
    time for a 5k time trial, the estimate's best anchor."""
    raced = [e.date for e in executed if e.raced]
    last = max([plan.start_date, *raced, *extra_trials])
    return (today - last).days >= TIME_TRIAL_EVERY_DAYS and (
        plan.race.race_date - today
    ).days > RACE_SOON_DAYS
