"""Small plan adaptations the runner chooses: moving a missed key workout within its week."""

from collections.abc import Iterable, Set
from datetime import date, timedelta
from typing import TypeVar

from core.models import KEY_TYPES, PlannedDay, WorkoutType

EASY_TYPES = frozenset({WorkoutType.REST, WorkoutType.EASY, WorkoutType.RECOVERY})


Day = TypeVar("Day", bound=PlannedDay)


def move_options(
    week: Iterable[Day],
    missed: PlannedDay,
    done: Set[tuple[int, int]],
    today: date,
) -> list[Day]:
    """Days from ``today`` on, in the missed day's week, that can take its workout: an easy or
    rest day not yet run, with no hard day (quality, long run, race) on either side — so moving
    never puts two hard days together. Mileage is moved, never stacked on top."""
    days = [d for d in week if d.id != missed.id]
    hard = {d.date for d in days if d.planned.type in KEY_TYPES}
    return [
        d
        for d in days
        if d.date >= today
        and d.planned.type in EASY_TYPES
        and (d.week_index, d.day_index) not in done
        and not {d.date - timedelta(days=1), d.date + timedelta(days=1)} & hard
    ]
