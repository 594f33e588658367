"""Synthetic rows shared by the benchmarks: many runners on one template plan, in bulk."""

import sqlite3
from collections.abc import Iterable
from datetime import date

from core.models import TrainingPlan
from storage.codec import phase_json, settings_json, weeks_json


def insert_race(conn: sqlite3.Connection, plan: TrainingPlan) -> None:
    """The one race every synthetic plan trains for (id 1)."""
    conn.execute(
        "INSERT INTO races (id, race_name, race_key, race_type, race_date, distance_m) "
        "VALUES (1, 'Bench Marathon', 'bench marathon', 'marathon', ?, 42195)",
        (plan.race.race_date.isoformat(),),
    )


def insert_plans(
    conn: sqlite3.Connection, ids: Iterable[int], plan: TrainingPlan, start: date, stamp: str
) -> None:
    """A training plan (id = athlete id) for each athlete id, all shaped like ``plan``."""
    shape = (plan.total_weeks, phase_json(plan), weeks_json(plan.weeks), settings_json(plan))
    conn.executemany(
        "INSERT INTO training_plans (id, athlete_id, race_id, baseline_5k_s, "
        "baseline_weekly_m, start_date, total_weeks, phase_overview, weeks, settings, "
        "status, created_at) VALUES (?, ?, 1, 1440, 32000, ?, ?, ?, ?, ?, 'training', ?)",
        [(i, i, start.isoformat(), *shape, stamp) for i in ids],
    )
