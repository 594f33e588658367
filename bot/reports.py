"""The weekly progress report (also /progress) as a chat message: caption and chart."""

import asyncio
from dataclasses import dataclass
from datetime import date

from telegram import InlineKeyboardMarkup

from bot.charts import PredictionPoint, Trend, WeekBar, progress_chart
from bot.context import Services
from bot.explain import explain
from core.models import Athlete
from core.services import real_life
from core.services.weekly import Weekly, weekly


@dataclass(frozen=True)
class WeeklyReport:
    caption: str
    chart: bytes
    change: real_life.Change | None = None  # the week-end adjustment, when there was one
    change_text: str = ""
    change_markup: InlineKeyboardMarkup | None = None


async def weekly_report(
    services: Services, athlete: Athlete, today: date, *, adjust: bool = False
) -> WeeklyReport | None:
    """The week in numbers and a chart; ``adjust`` (the weekly job) also revises the coming
    weeks from it, once per week."""
    assert athlete.id is not None
    found = await services.units.write(
        lambda uow: weekly(uow, athlete.stored_id, today, adjust=adjust)
    )
    if found is None:
        return None
    caption = services.render(
        "push/weekly",
        plan=found.plan,
        week=found.week,
        progress=found.progress,
        fitness=found.fitness,
        next_week=found.next_week,
        units=athlete.units,
    )
    chart = await asyncio.to_thread(_chart, found, athlete)
    if found.change is None:
        return WeeklyReport(caption, chart)
    text, markup = explain(services, athlete, found.change)
    return WeeklyReport(caption, chart, found.change, text, markup)


def _chart(found: Weekly, athlete: Athlete) -> bytes:
    unit = athlete.units.metres
    bars = [
        WeekBar(f"W{v.week_index + 1}", v.planned_m / unit, v.done_m / unit, v.paused)
        for v in found.volumes
    ]
    points = [
        PredictionPoint(index, p.predicted_s, p.low_s, p.high_s) for index, p in found.predictions
    ]
    trend = Trend(points, found.road, found.plan.goal_time_s)
    return progress_chart(bars, trend, athlete.units.value)
