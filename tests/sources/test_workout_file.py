"""FIT workout files: what we write, our reader reads back, step for step."""

from datetime import UTC, datetime

import pytest

from core.models import RaceType, WorkoutType
from core.plan import generate_plan
from core.units import Units
from sources.workout_file import read_workout, workout_fit
from tests.core.plans import request


def _expanded_metres(steps) -> float:  # type: ignore[no-untyped-def]
    """Distance a watch runs through the read steps, repeats unrolled."""
    total, done = 0.0, []
    for step in steps:
        if step.repeat_from is None:
            done.append(step.distance_m)
            total += step.distance_m
        else:
            block = done[step.repeat_from :]
            total += sum(block) * (step.repeat_times - 1)
    return total


@pytest.mark.parametrize("units", list(Units))
def test_every_kind_of_run_day_reads_back_as_written(units: Units) -> None:
    plans = [
        generate_plan(request(RaceType.FIVE_K, 10, weekly_miles=20, units=units)),
        generate_plan(request(RaceType.MARATHON, 18, weekly_miles=45, days=6, units=units)),
    ]
    seen = set()
    for plan in plans:
        for day in plan.days():
            workout = day.planned
            if not workout.steps or workout.type in seen:
                continue
            seen.add(workout.type)
            data = workout_fit(workout, "Test", datetime(2026, 12, 1, tzinfo=UTC))
            name, steps = read_workout(data)
            assert name == "Test"
            assert _expanded_metres(steps) == pytest.approx(workout.distance_m, abs=0.05)
            paced = [s for s in steps if s.repeat_from is None]
            for step in paced:
                assert step.speed_low is not None and step.speed_high is not None
                assert 0 < step.speed_low <= step.speed_high < 10
    assert {WorkoutType.INTERVALS, WorkoutType.REPETITION, WorkoutType.TEMPO} <= seen
    assert {WorkoutType.LONG, WorkoutType.EASY, WorkoutType.MARATHON_PACE} <= seen


def test_intervals_keep_their_repeat_structure() -> None:
    plan = generate_plan(request(RaceType.FIVE_K, 10, weekly_miles=30, days=5))
    day = next(d for d in plan.days() if d.planned.type is WorkoutType.INTERVALS)
    reps = next(s for s in day.planned.steps if s.repeat > 1)
    _, steps = read_workout(workout_fit(day.planned, "I", datetime(2026, 12, 1, tzinfo=UTC)))
    repeat = next(s for s in steps if s.repeat_from is not None)
    assert repeat.repeat_times == reps.repeat
    work = steps[repeat.repeat_from]
    assert work.intensity == "active" and work.distance_m == pytest.approx(reps.distance_m)
    assert reps.pace is not None
    assert work.speed_high == pytest.approx(1000 / reps.pace.low, abs=0.002)
    assert steps[0].intensity == "warmup" and steps[-1].intensity == "cooldown"


def test_a_rest_day_has_no_workout() -> None:
    plan = generate_plan(request(RaceType.TEN_K, 10))
    rest = next(d for d in plan.days() if d.planned.type is WorkoutType.REST)
    with pytest.raises(ValueError):
        workout_fit(rest.planned, "Rest", datetime(2026, 12, 1, tzinfo=UTC))
