"""Engine benchmark: plans/s and match+analysis/s.

Goals (issues 3, 12): a 26-week marathon plan, structured steps included, in ≤ 5 ms (median);
match + analysis ≤ 1 ms.
Baseline, run in the same process: building the same number of planned-day models by hand
(the floor any plan generator pays for its output), so the ratio says what the rules cost.

    python bench/core.py [--repeat N]
"""

import argparse
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.analysis import analyse
from core.matching import match
from core.models import (
    ActivitySource,
    AthleteActivity,
    PlannedWorkout,
    RaceType,
    TrainingDayPlanned,
    WorkoutType,
)
from core.plan import PlanRequest, generate_plan
from core.workouts import sharpener, workout
from tests.core.plans import request

START = date(2026, 12, 1)


def marathon_request() -> PlanRequest:
    return request(RaceType.MARATHON, 26, weekly_miles=20, goal_time_s=13500, start=START)


def timed(fn, repeat: int) -> float:
    """Median over 5 rounds of the mean seconds per call."""
    rounds = []
    for _ in range(5):
        began = time.perf_counter()
        for _ in range(repeat):
            fn()
        rounds.append((time.perf_counter() - began) / repeat)
    return statistics.median(rounds)


def baseline_days() -> list[TrainingDayPlanned]:
    return [
        TrainingDayPlanned(
            week_index=i // 7,
            day_index=i % 7,
            date=START + timedelta(days=i),
            planned=PlannedWorkout(type=WorkoutType.EASY, distance_m=8000.0, pace_s_per_km=330.0),
        )
        for i in range(26 * 7)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    request = marathon_request()
    plan = generate_plan(request)
    days = plan.days()
    week = plan.weeks[12]
    activity = AthleteActivity(
        source=ActivitySource.FILE,
        external_id="bench",
        start_utc=datetime.combine(week.days[1].date, datetime.min.time(), UTC),
        local_date=week.days[1].date,
        distance_m=week.days[1].planned.distance_m * 1.02,
        duration_s=3000,
        moving_s=2950,
    )

    def match_and_analyse() -> None:
        result = match(activity, days)
        if result.best:
            analyse(result.best.day.planned, activity)

    def cold_plan() -> None:
        workout.cache_clear()  # a first plan pays for every workout's steps
        sharpener.cache_clear()
        generate_plan(request)

    plan_s = timed(lambda: generate_plan(request), args.repeat)
    cold_s = timed(cold_plan, args.repeat)
    floor_s = timed(baseline_days, args.repeat)
    match_s = timed(match_and_analyse, args.repeat * 5)
    print(
        f"26-week marathon plan : {plan_s * 1e3:7.3f} ms  ({1 / plan_s:8.0f} plans/s)  "
        f"goal ≤ 5 ms: {'ok' if plan_s <= 0.005 else 'MISSED'}"
    )
    print(f"  ... with a cold cache: {cold_s * 1e3:7.3f} ms  ({1 / cold_s:8.0f} plans/s)")
    print(
        f"baseline (182 models) : {floor_s * 1e3:7.3f} ms  "
        f"ratio plan/baseline {plan_s / floor_s:.2f}"
    )
    print(
        f"match + analysis      : {match_s * 1e3:7.3f} ms  ({1 / match_s:8.0f} per s)  "
        f"goal ≤ 1 ms: {'ok' if match_s <= 0.001 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
