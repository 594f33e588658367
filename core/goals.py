"""A race goal as the runner gives it, answer by answer, and the one set of checks every
answer passes — whether it comes from /race or from changing a running plan.

The draft is typed here and stored by the bot as its JSON form, so a conversation survives a
restart; :meth:`RaceDraft.plan_request` turns a complete draft into the plan's request.
"""

import math
from collections.abc import Iterable
from datetime import date

from pydantic import Field

from core.errors import InvalidInput
from core.fitness import check_vdot_range, equivalent_time, vdot
from core.models import Athlete, Model, Race, RaceType
from core.plan import PlanRequest, weeks_until
from core.profiles import profile_for
from core.reach import goal_range
from core.units import FIVE_K_M, METRES_PER_MILE

MIN_RACE_M = 1000
MAX_DAYS_AHEAD = 2 * 365
MAX_WEEKLY_M = 250_000
MAX_LONGEST_RUN_M = 100_000  # longer is not a training run this coach plans around
MIN_RUN_DAYS, MAX_RUN_DAYS = 3, 7
LONG_RACE_M = 15_000  # from here on, goal times are read hours first ("3:45" = 3 h 45)


class RaceDraft(Model):
    """The answers so far (None: not answered yet)."""

    name: str | None = None
    race_type: RaceType | None = Field(default=None, alias="type")
    distance_m: float | None = None
    race_date: date | None = Field(default=None, alias="date")
    location: str | None = None
    goal_s: int | None = None
    five_k_s: int | None = None
    five_k_estimated: bool = False
    weekly_m: float | None = None
    longest_m: float | None = None
    longest_inferred: bool = False
    run_days: tuple[int, ...] | None = Field(default=None, alias="days")
    long_run_day: int | None = Field(default=None, alias="long_day")

    @property
    def long_race(self) -> bool:
        return (self.distance_m or 0) > LONG_RACE_M

    def plan_request(self, athlete: Athlete, today: date) -> PlanRequest:
        """The plan's request; InvalidInput names the first answer still missing."""
        missing = [
            label
            for label, value in (
                ("race_name", self.name),
                ("distance", self.distance_m),
                ("race_date", self.race_date),
                ("five_k", self.five_k_s),
                ("weekly", self.weekly_m),
                ("run_days", self.run_days),
                ("long_run_day", self.long_run_day),
            )
            if value is None
        ]
        if missing:
            raise InvalidInput("goal_answer_missing", answer=missing[0])
        assert self.race_type and self.distance_m and self.race_date and self.name
        assert self.five_k_s and self.weekly_m is not None and self.run_days is not None
        assert self.long_run_day is not None
        race = Race(
            race_name=self.name,
            race_type=self.race_type,
            race_date=self.race_date,
            location=self.location,
            distance_m=self.distance_m,
            created_by_athlete_id=athlete.id,
        )
        if self.goal_s:
            weeks = weeks_until(today, self.race_date)
            check_goal_reachable(self.goal_s, self.distance_m, self.five_k_s, self.weekly_m, weeks)
        return PlanRequest(
            race=race,
            start_date=today,
            baseline_5k_s=self.five_k_s,
            baseline_weekly_m=self.weekly_m,
            run_days=self.run_days,
            long_run_day=self.long_run_day,
            goal_time_s=self.goal_s,
            units=athlete.units,
            longest_recent_m=self.longest_m,
        )


def check_race_distance(metres: float) -> float:
    if metres < MIN_RACE_M:
        raise InvalidInput("race_too_short")
    return metres


def check_race_day(race_type: RaceType, distance_m: float, race_day: date, today: date) -> date:
    """In the future, within two years, and far enough away for a safe plan of that distance."""
    if race_day <= today:
        raise InvalidInput("race_day_past")
    if (race_day - today).days > MAX_DAYS_AHEAD:
        raise InvalidInput("race_day_too_far")
    weeks = weeks_until(today, race_day)
    profile = profile_for(race_type, distance_m)
    if weeks < profile.hard_min_weeks:
        raise InvalidInput(
            "race_day_too_close",
            weeks=weeks,
            race_type=profile.race_type,
            needed=profile.hard_min_weeks,
        )
    return race_day


def check_goal(distance_m: float, goal_s: int) -> int:
    check_vdot_range(vdot(distance_m, goal_s))
    return goal_s


def check_five_k(seconds: int) -> int:
    check_vdot_range(vdot(FIVE_K_M, seconds))
    return seconds


def check_weekly(metres: float) -> float:
    if metres > MAX_WEEKLY_M:
        raise InvalidInput("weekly_too_high", limit_m=MAX_WEEKLY_M)
    return metres


def check_longest(metres: float) -> float:
    if metres > MAX_LONGEST_RUN_M:
        raise InvalidInput("longest_too_long", limit_m=MAX_LONGEST_RUN_M)
    return metres


def check_run_days(days: tuple[int, ...] | list[int]) -> tuple[int, ...]:
    if not MIN_RUN_DAYS <= len(set(days)) <= MAX_RUN_DAYS:
        raise InvalidInput("run_days_count", low=MIN_RUN_DAYS, high=MAX_RUN_DAYS)
    return tuple(sorted(set(days)))


def check_long_day(day: int, run_days: tuple[int, ...] | list[int]) -> int:
    if day not in run_days:
        raise InvalidInput("long_day_not_run_day")
    return day


# Vickers & Vertosick 2016 (BMC Sports Sci Med Rehabil 8:26; tests/data): over its 652 runners
# with a 5k and their typical weekly miles, log(5k s) = 7.884 - 0.205 · log(1 + miles a week)
# (residual sd 0.17). Few of them ran under 5 miles a week: that is the floor.
VOLUME_5K_LOG_S, VOLUME_5K_SLOPE = 7.884, -0.205
MIN_VOLUME_MILES = 5.0
MIN_EFFORT_M, MIN_EFFORT_S = 1000, 5 * 60  # shorter is a stride, not an effort to judge by
MAX_VDOT_FLOOR = 85.0  # past any runner's VDOT: a run faster than this is a GPS glitch


def estimated_5k(weekly_m: float, efforts: Iterable[tuple[float, float]] = ()) -> int:
    """A 5k for a runner who isn't sure of theirs: the typical 5k of recreational runners at
    their weekly volume, or quicker when a recent run proves more (no run is faster than the
    runner's race effort, so each one's VDOT is a floor). Never from the goal, which says what
    the runner hopes, not what they can do."""
    miles = max(weekly_m / METRES_PER_MILE, MIN_VOLUME_MILES)
    typical = math.exp(VOLUME_5K_LOG_S + VOLUME_5K_SLOPE * math.log1p(miles))
    floors = [vdot(m, s) for m, s in efforts if m >= MIN_EFFORT_M and s >= MIN_EFFORT_S]
    proven = equivalent_time(min(max(floors), MAX_VDOT_FLOOR), FIVE_K_M) if floors else typical
    return round(min(typical, proven))


def check_goal_reachable(
    goal_s: float, distance_m: float, five_k_s: float, weekly_m: float, weeks: int
) -> None:
    """A goal faster than race day could bring is refused with the realistic range."""
    reach = goal_range(distance_m, five_k_s, weekly_m, weeks)
    if goal_s < reach.fastest_s:
        raise InvalidInput(
            "goal_too_fast",
            goal_s=goal_s,
            fastest_s=reach.fastest_s,
            predicted_s=reach.predicted_s,
            weeks=weeks,
        )
