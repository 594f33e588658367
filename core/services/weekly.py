"""The weekly progress report (also /progress): the week in numbers, the adaptive-5k snapshot
and, from the weekly job, the week-end adjustment of the weeks to come."""

from dataclasses import dataclass
from datetime import date

from core import progress
from core.models import (
    Adaptive5kSnapshot,
    AthleteActivity,
    ExecutedDay,
    RacePrediction,
    TrainingPlan,
    TrainingWeek,
    WeekProgress,
)
from core.ports import UnitOfWork
from core.progress import planned_training_m, week_progress
from core.services import coaching, real_life


@dataclass(frozen=True)
class WeekVolume:
    week_index: int
    planned_m: float
    done_m: float
    paused: bool = False  # the runner paused (injured, ill, away) on some of its days


@dataclass(frozen=True)
class Weekly:
    plan: TrainingPlan  # after the adjustment, when there was one
    week: TrainingWeek
    progress: WeekProgress
    fitness: coaching.Fitness
    volumes: tuple[WeekVolume, ...]  # every week so far
    predictions: tuple[tuple[int, RacePrediction], ...]  # (week index, prediction) per snapshot
    change: real_life.Change | None = None

    @property
    def road(self) -> tuple[tuple[int, float], ...]:
        return road(self.plan)

    @property
    def next_week(self) -> TrainingWeek | None:
        following = self.week.week_index + 1
        return self.plan.weeks[following] if following < self.plan.total_weeks else None


async def weekly(
    uow: UnitOfWork, athlete_id: int, today: date, *, adjust: bool = False
) -> Weekly | None:
    """``adjust`` (the weekly job) also revises the coming weeks, once per week."""
    status = await coaching.status(uow, athlete_id, today)
    if status is None:
        return None
    plan, change = status.plan, None
    assert plan.id is not None
    if adjust:
        current_5k = status.fitness.adaptive.seconds
        change = await real_life.adjust_after_week(uow, athlete_id, plan, today, current_5k)
        plan = change.plan if change else plan
    assert plan.id is not None
    week = plan.current_week(today)
    await coaching.snapshot_week(uow, athlete_id, plan, today, status.fitness)
    so_far = await trend(uow, athlete_id, plan, week)
    return Weekly(
        plan,
        week,
        status.week or week_progress(week, ()),
        status.fitness,
        so_far.volumes,
        so_far.predictions,
        change,
    )


def road(plan: TrainingPlan) -> tuple[tuple[int, float], ...]:
    """The plan's road, week by week to race day: where a runner following it would be."""
    return tuple((w.week_index, progress.road_s(plan, w.start_date)) for w in plan.weeks)


@dataclass(frozen=True)
class Trend:
    """The weeks so far: each one's volume, each snapshot's prediction (the weekly chart's)."""

    volumes: tuple[WeekVolume, ...]
    predictions: tuple[tuple[int, RacePrediction], ...]  # (week index, prediction)


async def trend(
    uow: UnitOfWork, athlete_id: int, plan: TrainingPlan, current: TrainingWeek
) -> Trend:
    """Read only: the weekly report and the dashboard draw the same points."""
    assert plan.id is not None
    executed = await uow.executions.executed_days(athlete_id, plan.id)
    extras = await uow.activities.unlinked_activities(athlete_id, plan.start_date)
    predictions = tuple(  # each week's prediction as /status said it that day
        (s.week_index, _prediction(plan, executed, s))
        for s in await uow.plans.snapshots(athlete_id, plan.id)
    )
    pauses = await _pauses(uow, athlete_id, plan)
    return Trend(volumes(plan, current, executed, extras, pauses), predictions)


def _prediction(
    plan: TrainingPlan, executed: list[ExecutedDay], snap: Adaptive5kSnapshot
) -> RacePrediction:
    """The coach's prediction from a snapshot's 5k at the volume run up to that day: the rule
    /status uses, so the chart's last point is /status's number."""
    weekly = progress.recent_weekly_m(plan, executed, snap.taken_on)
    return progress.predict_now(plan, snap.seconds, snap.taken_on, weekly)


async def _pauses(uow: UnitOfWork, athlete_id: int, plan: TrainingPlan) -> list[tuple[date, date]]:
    """The pauses the runner came back from: (first day, day back)."""
    assert plan.id is not None
    return [
        (r.paused_from, r.paused_to)
        for r in await uow.plans.revisions(athlete_id, plan.id)
        if r.paused_from and r.paused_to and not r.undone
    ]


def volumes(
    plan: TrainingPlan,
    current: TrainingWeek,
    executed: list[ExecutedDay],
    extras: list[AthleteActivity],
    pauses: list[tuple[date, date]],
) -> tuple[WeekVolume, ...]:
    """Planned and run distance of every week up to ``current`` (extra runs count as run), and
    whether a pause fell in it."""
    found = []
    for week in plan.weeks[: current.week_index + 1]:
        paused = any(first <= week.end_date and back > week.start_date for first, back in pauses)
        done = sum(e.analysis.actual_m for e in executed if e.week_index == week.week_index)
        done += sum(
            a.distance_m
            for a in extras
            if a.is_run and week.start_date <= a.local_date <= week.end_date
        )
        found.append(WeekVolume(week.week_index, planned_training_m(week), done, paused))
    return tuple(found)
