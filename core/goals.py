"""A race goal as the runner gives it, answer by answer, and the one set of checks every
answer passes — whether it comes from /race or from changing a running plan.

The draft is typed here and stored by the bot as its JSON form, so a conversation survives a
restart; :meth:`RaceDraft.plan_request` turns a complete draft into the plan's request.
"""

from datetime import date

from pydantic import Field

from core.errors import InvalidInput
from core.fitness import check_vdot_range, equivalent_time, vdot
from core.models import Athlete, Model, Race, RaceType
from core.plan import PlanRequest, weeks_until
from core.profiles import profile_for
from core.units import FIVE_K_M

MIN_RACE_M = 1000
MAX_DAYS_AHEAD = 2 * 365
MAX_WEEKLY_M = 250_000
MAX_LONGEST_RUN_M = 100_000  # longer is not a training run this coach plans around
MIN_RUN_DAYS, MAX_RUN_DAYS = 3, 7
UNSURE_5K_S = 30 * 60  # a typical recreational 5k when nothing else is known
GOAL_TO_5K_MARGIN = 1.03  # goals are usually a little ambitious
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


def estimated_5k(distance_m: float, goal_s: int | None) -> int:
    """A 5k for a runner who isn't sure of theirs: the goal's equivalent 5k, a little slower
    (goals run ambitious), else a typical recreational 5k."""
    if not goal_s:
        return UNSURE_5K_S
    return round(equivalent_time(vdot(distance_m, goal_s), FIVE_K_M) * GOAL_TO_5K_MARGIN)
