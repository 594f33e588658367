"""Plan-building helpers shared by the engine's tests."""

from datetime import date, timedelta

from core.models import STANDARD_DISTANCES, Race, RaceType
from core.plan import PlanRequest, default_run_days
from core.units import METRES_PER_MILE, Units

START = date(2026, 12, 1)


def request(
    race_type: RaceType = RaceType.MARATHON,
    weeks: int = 18,
    *,
    offset: int = 0,
    baseline_5k_s: int = 24 * 60,
    weekly_miles: float = 20,
    days: int = 5,
    long_day: int = 6,
    units: Units = Units.MI,
    goal_time_s: int | None = None,
    start: date = START,
) -> PlanRequest:
    """A request whose plan has ``weeks`` 7-day blocks; ``offset`` shortens the first one."""
    race_date = start + timedelta(days=7 * weeks - 1 - offset)
    race = Race(
        race_name="Test race",
        race_type=race_type,
        race_date=race_date,
        distance_m=STANDARD_DISTANCES.get(race_type, 15000),
    )
    return PlanRequest(
        race=race,
        start_date=start,
        baseline_5k_s=baseline_5k_s,
        baseline_weekly_m=weekly_miles * METRES_PER_MILE,
        run_days=default_run_days(days, long_day),
        long_run_day=long_day,
        goal_time_s=goal_time_s,
        units=units,
    )
