"""A plan as other tools read it (JSON in miles and seconds per mile) and as a table."""

from datetime import date
from typing import Any

from bot.render import Renderer, plain
from core.models import (
    PaceRange,
    PlannedWorkout,
    Readiness,
    StepKind,
    TrainingPlan,
    WorkoutStep,
    WorkoutType,
)
from core.parsing import format_distance, format_duration, format_pace
from core.units import (
    metres_to_miles,
    miles_to_metres,
    pace_per_km_to_per_mile,
    pace_per_mile_to_per_km,
)

_render = Renderer()


def _miles(metres: float) -> float:
    return round(metres_to_miles(metres), 2)


def _per_mile(pace_s_per_km: float | None) -> float | None:
    return None if pace_s_per_km is None else round(pace_per_km_to_per_mile(pace_s_per_km), 1)


def _pace_range(pace: PaceRange | None) -> dict[str, float | None] | None:
    if pace is None:
        return None
    return {"low": _per_mile(pace.low), "high": _per_mile(pace.high)}


def _from_per_mile(pace: float | None) -> float | None:
    return None if pace is None else pace_per_mile_to_per_km(pace)


def step_from_json(data: dict[str, Any]) -> WorkoutStep:
    """The inverse of :func:`step_json`."""
    pace = data.get("paceSecPerMile")
    recovery = data.get("recovery")
    return WorkoutStep(
        kind=StepKind(data["kind"]),
        distance_m=miles_to_metres(data["distanceMiles"]) if "distanceMiles" in data else None,
        duration_s=data.get("durationSec"),
        pace=PaceRange(low=_from_per_mile(pace["low"]), high=_from_per_mile(pace["high"]))
        if pace
        else None,
        repeat=data.get("repeat", 1),
        recovery=step_from_json(recovery) if recovery else None,
    )


def planned_days_from_json(plan: dict[str, Any]) -> dict[date, PlannedWorkout]:
    """A ``gofast plan --json`` file's days, as the engine reads them."""
    days = {}
    for week in plan["weeks"]:
        for day in week["days"]:
            days[date.fromisoformat(day["date"])] = PlannedWorkout(
                type=WorkoutType(day["type"]),
                distance_m=miles_to_metres(day["mileage"]),
                pace_s_per_km=_from_per_mile(day["paceSecPerMile"]),
                steps=tuple(step_from_json(step) for step in day.get("steps", [])),
            )
    return days


def step_json(step: WorkoutStep) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": step.kind.value}
    if step.distance_m is not None:
        data["distanceMiles"] = round(metres_to_miles(step.distance_m), 3)
    if step.duration_s is not None:
        data["durationSec"] = step.duration_s
    data |= {"paceSecPerMile": _pace_range(step.pace), "repeat": step.repeat}
    if step.recovery is not None:
        data["recovery"] = step_json(step.recovery)
    return data


def readiness_json(readiness: Readiness | None) -> dict[str, Any] | None:
    if readiness is None:
        return None
    return {
        "ready": readiness.ready,
        "longestLongRunMiles": _miles(readiness.longest_long_run_m),
        "neededLongRunMiles": _miles(readiness.needed_m),
        "reasons": [
            {
                "reason": gap.reason.value,
                "reachedMiles": _miles(gap.reached_m),
                "neededMiles": _miles(gap.needed_m),
            }
            for gap in readiness.reasons
        ],
        "alternatives": [
            {
                "kind": alt.kind.value,
                "raceType": alt.race_type.value,
                "distanceMiles": _miles(alt.distance_m),
                "raceDate": alt.race_date.isoformat(),
                "weeks": alt.weeks,
                "baseWeeks": alt.base_weeks,
            }
            for alt in readiness.alternatives
        ],
    }


def plan_json(plan: TrainingPlan) -> dict[str, Any]:
    """The plan as other tools read it: miles and seconds per mile."""
    return {
        "raceName": plan.race.race_name,
        "raceType": plan.race.race_type.value,
        "distanceMiles": plan.race.distance_miles,
        "startDate": plan.start_date.isoformat(),
        "raceDate": plan.race.race_date.isoformat(),
        "totalWeeks": plan.total_weeks,
        "units": plan.units.value,
        "vdot": round(plan.vdot, 2),
        "goalTimeSec": plan.goal_time_s,
        "goalPaceSecPerMile": _per_mile(plan.goal_pace_s_per_km),
        "predictionSec": plan.predicted_s,
        "shortened": plan.shortened,
        "warnings": warning_texts(plan),
        "readiness": readiness_json(plan.readiness),
        "paces": {k: _per_mile(v) for k, v in plan.paces.model_dump(by_alias=True).items()},
        "phaseOverview": [
            span.model_dump(mode="json", by_alias=True) for span in plan.phase_overview
        ],
        "weeks": [
            {
                "weekIndex": week.week_index,
                "startDate": week.start_date.isoformat(),
                "endDate": week.end_date.isoformat(),
                "phase": week.phase.value,
                "cutback": week.cutback,
                "leadIn": week.lead_in,
                "targetMileage": _miles(week.target_m),
                "days": [
                    {
                        "dayIndex": day.day_index,
                        "date": day.date.isoformat(),
                        "type": day.planned.type.value,
                        "mileage": _miles(day.planned.distance_m),
                        "paceSecPerMile": _per_mile(day.planned.pace_s_per_km),
                        "description": plain(
                            _render.workout(day.planned, plan.units, plan.race.race_name)
                        ),
                        "steps": [step_json(step) for step in day.planned.steps],
                    }
                    for day in week.days
                ],
            }
            for week in plan.weeks
        ],
    }


_SHORT = {
    "rest": "-",
    "easy": "E",
    "recovery": "Rec",
    "long": "L",
    "medium-long": "ML",
    "tempo": "T",
    "intervals": "I",
    "repetition": "R",
    "marathon-pace": "M",
    "race": "RACE",
}


def plan_table(plan: TrainingPlan) -> str:
    units = plan.units
    goal = ""
    if plan.goal_time_s and plan.goal_pace_s_per_km:
        pace = format_pace(plan.goal_pace_s_per_km, units)
        goal = f" · goal {format_duration(plan.goal_time_s)} ({pace})"
    lines = [
        f"{plan.race.race_name} ({format_distance(plan.race.distance_m, units)}) on "
        f"{plan.race.race_date:%a %d %b %Y} · {plan.total_weeks} weeks from "
        f"{plan.start_date:%d %b %Y} · VDOT {plan.vdot:.1f}{goal}",
        *_readiness_lines(plan),
        *[f"! {warning}" for warning in warning_texts(plan)],
        "",
        f"{'Wk':>3}  {'Dates':<13}  {'Phase':<6} {units.value:>6}  Days",
    ]
    for week in plan.weeks:
        days = "  ".join(
            f"{d.date:%a} {_SHORT[d.planned.type.value]}"
            + (
                f" {d.planned.distance_m / units.metres:g}"
                if d.planned.type.value != "race"
                else ""
            )
            for d in week.days
            if d.planned.type.is_run
        )
        flag = "↓" if week.cutback else " "
        lines.append(
            f"{week.week_index + 1:>3}  {week.start_date:%d %b}–{week.end_date:%d %b}  "
            f"{week.phase.value:<6} {week.target_m / units.metres:>6.1f}{flag} {days}"
        )
    return "\n".join(lines)


def _readiness_lines(plan: TrainingPlan) -> list[str]:
    readiness, units = plan.readiness, plan.units
    if readiness is None or readiness.ready:
        return []
    lines = [
        f"! Not ready: the long run safely reaches "
        f"{format_distance(readiness.longest_long_run_m, units)}, a "
        f"{plan.race.race_type.label} asks for {format_distance(readiness.needed_m, units)}."
    ]
    for alt in readiness.alternatives:
        lines.append(
            f"  → {alt.kind.value}: {alt.race_type.label} on {alt.race_date:%d %b %Y} "
            f"({alt.weeks} weeks{f', {alt.base_weeks} of base first' if alt.base_weeks else ''})"
        )
    return lines


def warning_texts(plan: TrainingPlan) -> list[str]:
    """The plan's warnings in words (the same words the bot uses)."""
    return [plain(_render("plan/warning_text", w=w, units=plan.units)) for w in plan.warnings]
