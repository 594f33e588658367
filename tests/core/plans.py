"""Plan-building helpers shared by the engine's tests."""

from datetime import date, timedelta

import pytest
from hypothesis import strategies as st

from core import profiles as norms
from core.models import (
    STANDARD_DISTANCES,
    Phase,
    Race,
    RaceType,
    TrainingPlan,
    TrainingWeek,
    WorkoutType,
)
from core.plan import PlanRequest, default_run_days, estimated_longest_m
from core.profiles import profile_for
from core.units import METRES_PER_MILE, Units

EPS = 1e-6
HARD = {WorkoutType.LONG, WorkoutType.RACE, *[t for t in WorkoutType if t.is_quality]}

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


STANDARD_TYPES = [RaceType.FIVE_K, RaceType.TEN_K, RaceType.HALF, RaceType.MARATHON]


@st.composite
def plan_requests(draw: st.DrawFn) -> PlanRequest:
    """Requests over wide ranges (some too short to plan: the generator refuses those)."""
    return request(
        draw(st.sampled_from(STANDARD_TYPES)),
        draw(st.integers(4, 30)),
        offset=draw(st.integers(0, 6)),
        baseline_5k_s=draw(st.integers(15 * 60, 45 * 60)),
        weekly_miles=draw(st.floats(0, 70)),
        days=draw(st.integers(3, 7)),
        long_day=draw(st.integers(0, 6)),
        units=draw(st.sampled_from(list(Units))),
        goal_time_s=draw(st.none() | st.integers(15 * 60, 6 * 3600)),
    )


def training_m(week: TrainingWeek) -> float:
    return sum(d.planned.distance_m for d in week.days if d.planned.type is not WorkoutType.RACE)


def assert_rebuilt_weeks_follow_the_rules(plan: TrainingPlan, start: date) -> None:
    """The generator's rules, checked on the weeks a revision rebuilt (from ``start``)."""
    profile = profile_for(plan.race.race_type, plan.race.distance_m)
    weeks = plan.weeks
    rebuilt = [w for w in weeks if w.start_date >= start]
    step = plan.units.metres / 2
    for week in rebuilt:
        i = week.week_index
        assert week.target_m == pytest.approx(sum(d.planned.distance_m for d in week.days))
        before = weeks[i - 1] if i else None
        if before is not None and len(before.days) == 7 and before.start_date >= start:
            reference = weeks[i - 2] if before.cutback and i >= 2 else before
            # a week mixing kept and new days is no yardstick
            if reference.start_date >= start and len(reference.days) == 7:
                assert training_m(week) <= 1.1 * training_m(reference) + EPS
        runs = [d for d in week.days if d.planned.type.is_run]
        for day in week.days:
            if day.planned.type is WorkoutType.LONG:
                assert (
                    day.planned.distance_m
                    <= norms.long_run_cap_of_week_m(training_m(week), len(runs)) + step + EPS
                )
                assert day.planned.distance_m <= profile.long_run_cap_miles * METRES_PER_MILE + EPS
            if day.planned.type.is_quality:
                assert week.phase is not Phase.BASE
    by_date = {d.date: d.planned.type for d in plan.days()}
    for day in (d for w in rebuilt for d in w.days if d.planned.type.is_quality):
        for neighbour in (day.date - timedelta(days=1), day.date + timedelta(days=1)):
            if neighbour >= start:
                assert by_date.get(neighbour) not in HARD
    run = 0
    for week in rebuilt:
        if week.phase is Phase.TAPER:
            break
        run = 0 if week.cutback else run + 1
        assert run <= 4
    taper = [training_m(w) for w in rebuilt if w.phase is Phase.TAPER]
    assert taper == sorted(taper, reverse=True)
    assert_no_spike(plan, start)


def assert_no_spike(plan: TrainingPlan, since: date) -> None:
    """No run from ``since`` on (the race aside) is more than ~10 % longer than the longest
    run of the 30 days before it (Frandsen et al. 2025); the plan's first 30 days count the
    runner's own longest run."""
    step = plan.units.metres / 2
    runs = {d.date: d.planned.distance_m for d in plan.days() if d.planned.type.is_run}
    said = plan.longest_recent_m
    if said is None:
        said = estimated_longest_m(plan.baseline_weekly_m, len(plan.run_days))
    start_longest = max(int(said / step + 1e-9), 1)  # a non-runner: one step
    for day in plan.days():
        if day.date < since or day.planned.type in (WorkoutType.REST, WorkoutType.RACE):
            continue
        window = [m for d, m in runs.items() if timedelta(0) < day.date - d <= timedelta(30)]
        if (day.date - plan.start_date).days < 30:
            window.append(start_longest * step)
        longest = max(window)
        allowed = max(longest * norms.SPIKE_LIMIT + step / 2, longest + step)
        assert day.planned.distance_m <= allowed + EPS, f"{day.date}: spike over {longest}"
