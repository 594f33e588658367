"""Rows → core models: one mapping per table, shared by every repository."""

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from core.models import (
    Adaptive5kSnapshot,
    Athlete,
    AthleteActivity,
    DayAnalysis,
    DayRow,
    DuePush,
    ExecutedDay,
    PhaseSpan,
    PlannedWorkout,
    PlanRevision,
    Race,
    RaceResult,
    TrainingDayPlanned,
    TrainingPaces,
    TrainingPlan,
    TrainingWeek,
)


def athlete(row: sqlite3.Row) -> Athlete:
    return Athlete(
        id=row["id"],
        telegram_user_id=row["telegram_user_id"],
        chat_id=row["chat_id"],
        display_name=row["display_name"],
        units=row["units"],
        time_zone=row["time_zone"],
        push_time=row["push_time"],
        notifications=json.loads(row["notifications"]),
        active=bool(row["active"]),
        onboarded=bool(row["onboarded"]),
        paused_until=date.fromisoformat(row["paused_until"]) if row["paused_until"] else None,
        paused_on=date.fromisoformat(row["paused_on"]) if row["paused_on"] else None,
        pause_reason=row["pause_reason"],
        created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
    )


def race(row: sqlite3.Row, prefix: str = "") -> Race:
    return Race(
        id=row[f"{prefix}id"],
        race_name=row["race_name"],
        race_type=row["race_type"],
        race_date=date.fromisoformat(row["race_date"]),
        location=row["location"],
        distance_m=row["distance_m"],
        registration_url=row["registration_url"],
        description=row["description"],
        course_profile=row["course_profile"],
        created_by_athlete_id=row["created_by_athlete_id"],
    )


def day(row: sqlite3.Row) -> TrainingDayPlanned:
    """Runners on one plan share each day's workout JSON: it is parsed once (see workout)."""
    return TrainingDayPlanned(
        id=row["id"],
        training_plan_id=row["training_plan_id"],
        week_index=row["week_index"],
        day_index=row["day_index"],
        date=date.fromisoformat(row["date"]),
        planned=workout(row["planned_data"]),
    )


def day_row(values: Sequence[Any]) -> DayRow:
    """(id, plan id, week index, day index, date, planned data) → a DayRow."""
    day_id, plan_id, week_index, day_index, on, planned_data = values
    return DayRow(
        day_id, plan_id, week_index, day_index, date.fromisoformat(on), workout(planned_data)
    )


def plan(row: sqlite3.Row, days: list[TrainingDayPlanned]) -> TrainingPlan:
    settings = json.loads(row["settings"])
    by_week: dict[int, list[TrainingDayPlanned]] = {}
    for day in days:
        by_week.setdefault(day.week_index, []).append(day)
    weeks = tuple(
        TrainingWeek(**meta, days=tuple(by_week.get(meta["week_index"], ())))
        for meta in json.loads(row["weeks"])
    )
    return TrainingPlan(
        id=row["id"],
        athlete_id=row["athlete_id"],
        race=race(row, "r_"),
        units=settings["units"],
        goal_time_s=row["goal_time_s"],
        goal_pace_s_per_km=row["goal_pace_s_per_km"],
        baseline_5k_s=row["baseline_5k_s"],
        baseline_weekly_m=row["baseline_weekly_m"],
        start_date=date.fromisoformat(row["start_date"]),
        total_weeks=row["total_weeks"],
        vdot=settings["vdot"],
        paces=TrainingPaces(**settings["paces"]),
        run_days=tuple(settings["run_days"]),
        long_run_day=settings["long_run_day"],
        phase_overview=tuple(PhaseSpan(**s) for s in json.loads(row["phase_overview"])),
        weeks=weeks,
        adaptive_5k_s=row["adaptive_5k_time_s"],
        pace_5k_s=settings.get("pace_5k_s"),
        longest_recent_m=settings.get("longest_recent_m"),
        predicted_s=settings.get("predicted_s"),
        readiness=settings.get("readiness"),
        shortened=settings["shortened"],
        warnings=tuple(settings["warnings"]),
        status=row["status"],
        result=RaceResult.model_validate_json(row["result"]) if row["result"] else None,
    )


def activity(row: sqlite3.Row) -> AthleteActivity:
    return AthleteActivity(
        id=row["id"],
        athlete_id=row["athlete_id"],
        source=row["source"],
        external_id=row["external_id"],
        start_utc=datetime.fromisoformat(row["start_utc"]),
        local_date=date.fromisoformat(row["local_date"]),
        distance_m=row["distance_m"],
        duration_s=row["duration_s"],
        moving_s=row["moving_s"],
        avg_hr=row["avg_hr"],
        max_hr=row["max_hr"],
        elevation_gain_m=row["elevation_gain_m"],
        sport=row["sport"],
        summary=json.loads(row["summary"]),
    )


def executed(row: sqlite3.Row) -> ExecutedDay:
    return ExecutedDay(
        id=row["id"],
        execution_id=row["execution_id"],
        activity_id=row["activity_id"],
        week_index=row["week_index"],
        day_index=row["day_index"],
        date=date.fromisoformat(row["date"]),
        planned=PlannedWorkout.model_validate_json(row["planned_data"]),
        analysis=DayAnalysis.model_validate_json(row["analysis"]),
    )


@lru_cache(maxsize=4096)
def workout(planned_data: str) -> PlannedWorkout:
    """Runners on one plan share their days' JSON: parse each distinct one once."""
    return PlannedWorkout.model_validate_json(planned_data)


def due(row: sqlite3.Row) -> DuePush:
    day = None
    if row["d_id"] is not None:
        day = TrainingDayPlanned(
            id=row["d_id"],
            training_plan_id=row["plan_id"],
            week_index=row["d_week"],
            day_index=row["d_day"],
            date=date.fromisoformat(row["due_day"]),
            planned=workout(row["d_data"]),
        )
    return DuePush(
        athlete=athlete(row),
        plan_id=row["plan_id"],
        local_date=date.fromisoformat(row["due_day"]),
        day=day,
    )


def snapshot(row: sqlite3.Row) -> Adaptive5kSnapshot:
    return Adaptive5kSnapshot(
        week_index=row["week_index"],
        taken_on=date.fromisoformat(row["taken_at"]),
        seconds=row["seconds"],
        vdot=row["vdot"],
        runs_used=row["runs_used"],
        trend=row["trend"],
    )


def revision(row: sqlite3.Row) -> PlanRevision:
    detail = PlanRevision.model_validate_json(row["detail"])
    return detail.model_copy(
        update={
            "id": row["id"],
            "created_at": datetime.fromisoformat(row["created_at"]).astimezone(UTC),
            "undone": bool(row["undone"]),
        }
    )
