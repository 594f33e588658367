"""The weekly progress report (also /progress): numbers, chart, and the adaptive-5k snapshot."""

import asyncio
from dataclasses import dataclass
from datetime import date

from bot.charts import WeekBar, progress_chart
from bot.context import Services
from bot.explain import explain
from core.models import Athlete, TrainingPlan, TrainingWeek
from core.prediction import race_prediction_s
from core.progress import planned_training_m, week_progress
from core.services import coaching, real_life


@dataclass(frozen=True)
class WeeklyReport:
    caption: str
    chart: bytes
    change: real_life.Change | None = None  # the week-end adjustment, when there was one
    change_text: str = ""


async def weekly_report(
    services: Services, athlete: Athlete, today: date, *, adjust: bool = False
) -> WeeklyReport | None:
    """The week in numbers and a chart; ``adjust`` (the weekly job) also revises the coming
    weeks from it, once per week."""
    repo = services.repo
    assert athlete.id is not None
    status = await coaching.status(repo, athlete.id, today)
    if status is None:
        return None
    plan = status.plan
    assert plan.id is not None
    change = None
    if adjust:
        current_5k = status.fitness.adaptive.seconds
        change = await real_life.adjust_after_week(repo, athlete.id, plan, today, current_5k)
        plan = change.plan if change else plan
    week = plan.current_week(today)
    await coaching.snapshot_week(repo, athlete.id, plan, today, status.fitness)
    progress = status.week or week_progress(week, ())
    caption = services.render(
        "push/weekly",
        plan=plan,
        week=week,
        progress=progress,
        fitness=status.fitness,
        next_week=plan.weeks[week.week_index + 1]
        if week.week_index + 1 < plan.total_weeks
        else None,
        units=athlete.units,
    )
    bars = await _bars(services, athlete, plan, week)
    predictions = [  # the coach's prediction from each week's 5k (at the volume told)
        (
            f"W{s.week_index + 1}",
            race_prediction_s(s.seconds, plan.race.distance_m, plan.baseline_weekly_m),
        )
        for s in await repo.snapshots(athlete.id, plan.id)
    ]
    chart = await asyncio.to_thread(
        progress_chart, bars, predictions, athlete.units.value, plan.goal_time_s
    )
    if change is None:
        return WeeklyReport(caption, chart)
    text, _ = await explain(services, athlete, change)
    return WeeklyReport(caption, chart, change, text)


async def _bars(
    services: Services, athlete: Athlete, plan: TrainingPlan, current: TrainingWeek
) -> list[WeekBar]:
    assert athlete.id is not None and plan.id is not None
    executed = await services.repo.executed_days(athlete.id, plan.id)
    extras = await services.repo.unlinked_activities(athlete.id, plan.start_date)
    unit = athlete.units.metres
    bars = []
    for week in plan.weeks[: current.week_index + 1]:
        done = sum(e.analysis.actual_m for e in executed if e.week_index == week.week_index)
        done += sum(
            a.distance_m
            for a in extras
            if a.is_run and week.start_date <= a.local_date <= week.end_date
        )
        bars.append(
            WeekBar(f"W{week.week_index + 1}", planned_training_m(week) / unit, done / unit)
        )
    return bars
