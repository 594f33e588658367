"""The "Are you on track?" dashboard (issue 29): /status, the plan as a calendar with each
day's mark, and the weekly chart's points, read in one unit of work. The same use cases as the
chat (``coaching.status``, ``weekly.trend``): the page shows no number the chat doesn't."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from core.models import ExecutedDay, TrainingDayPlanned
from core.ports import UnitOfWork
from core.services import coaching, weekly


class DayMark(StrEnum):
    REST = "rest"
    PLANNED = "planned"  # still to come
    TODAY = "today"
    DONE = "done"  # a run is linked: its analysis carries the compliance band
    SKIPPED = "skipped"  # the runner said they wouldn't run it
    MISSED = "missed"  # gone by with no run linked and not skipped


def day_mark(
    day: TrainingDayPlanned, runs: Sequence[ExecutedDay], skipped: bool, today: date
) -> DayMark:
    """A day as TrainingPeaks' calendar colours it ("Compliance color coding", TrainingPeaks
    help centre): a completed workout by its compliance band, a planned one that has gone by
    unrun as missed (red), the future uncoloured. A day run is done even when skipped first."""
    if runs:
        return DayMark.DONE
    if not day.planned.type.is_run:
        return DayMark.REST
    if skipped:
        return DayMark.SKIPPED
    if day.date < today:
        return DayMark.MISSED
    return DayMark.TODAY if day.date == today else DayMark.PLANNED


@dataclass(frozen=True)
class Dashboard:
    status: coaching.Status  # what /status says, to the second
    today: date
    runs: dict[tuple[int, int], list[ExecutedDay]]  # each day's linked runs
    marks: dict[tuple[int, int], DayMark]
    trend: weekly.Trend
    road: tuple[tuple[int, float], ...]


async def dashboard(uow: UnitOfWork, athlete_id: int, today: date) -> Dashboard | None:
    status = await coaching.status(uow, athlete_id, today)
    if status is None:
        return None
    plan = status.plan
    assert plan.id is not None
    so_far = coaching.PlanSoFar(plan, await uow.executions.executed_days(athlete_id, plan.id))
    runs = so_far.done
    skipped = await uow.plans.skipped_days(athlete_id, plan.id)
    marks = {
        (d.week_index, d.day_index): day_mark(
            d, runs.get((d.week_index, d.day_index), []), d.date in skipped, today
        )
        for d in plan.days()
    }
    current = plan.current_week(today)
    return Dashboard(
        status,
        today,
        runs,
        marks,
        await weekly.trend(uow, athlete_id, plan, current),
        weekly.road(plan),
    )
