"""``gofast analyse`` and ``gofast fitness``: the engine on activity files, offline."""

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

from core import adaptive
from core.analysis import analyse
from core.errors import InvalidInput
from core.fitness import vdot
from core.models import (
    AthleteActivity,
    DayAnalysis,
    ExecutedDay,
    PlannedWorkout,
    StepKind,
    WorkoutStep,
    WorkoutType,
)
from core.parsing import format_duration, parse_date, parse_duration
from core.plausibility import admit
from core.units import FIVE_K_M, metres_to_miles, pace_per_km_to_per_mile
from gofast.plan_view import planned_days_from_json
from sources.files import parse_activity_files


def add_commands(commands: Any) -> None:
    analysis = commands.add_parser("analyse", help="a run against its planned day")
    analysis.add_argument("file", help="a .fit, .gpx or .tcx file")
    analysis.add_argument("--plan", required=True, help="a plan from `gofast plan --json`")
    analysis.add_argument("--date", help="the plan day (default: the run's date)")
    analysis.add_argument("--json", action="store_true")

    fit = commands.add_parser("fitness", help="today's 5k fitness from runs")
    fit.add_argument("files", nargs="+", help=".fit, .gpx or .tcx files")
    fit.add_argument("--baseline-5k", required=True, help="the last race's 5k, e.g. 24:00")
    fit.add_argument("--plan", help="a plan from `gofast plan --json`: runs count by their day")
    fit.add_argument("--json", action="store_true")


def analyse_command(args: argparse.Namespace) -> int:
    activity = _activity(Path(args.file))
    days = _plan_days(args.plan)
    on = parse_date(args.date, activity.local_date) if args.date else activity.local_date
    planned = days.get(on)
    if planned is None or not planned.type.is_run:
        raise InvalidInput("cli_no_run_planned", on=on)
    result = analyse(planned, activity)
    data = {"date": on.isoformat(), "type": planned.type.value, **analysis_json(result)}
    print(json.dumps(data, indent=2) if args.json else _analysis_table(data))
    return 0


def fitness_command(args: argparse.Namespace) -> int:
    baseline = parse_duration(args.baseline_5k)
    days = _plan_days(args.plan) if args.plan else {}
    admitted, left_out = _runs(args.files)
    if not admitted:
        raise InvalidInput("cli_no_runs")
    names = [name for name, _ in admitted]
    executed = [_executed(run, days) for _, run in admitted]
    today = max(e.date for e in executed)
    plan_vdot = vdot(FIVE_K_M, baseline)
    snap = adaptive.snapshot(executed, today, 0, baseline, plan_vdot)
    reasons = adaptive.reasons(executed, today, baseline, plan_vdot)
    data: dict[str, Any] = {
        "adaptive5kSec": snap.seconds,
        "vdot": snap.vdot,
        "asOf": today.isoformat(),
        "runs": [
            {"file": name, "date": e.date.isoformat(), "used": why in adaptive.USED, "why": why}
            for name, e, why in zip(names, executed, reasons, strict=True)
        ]
        + [{"file": name, "used": False, "why": why} for name, why in left_out],
    }
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        lines = [f"Adaptive 5k {format_duration(snap.seconds)} (VDOT {snap.vdot:.1f})"]
        lines += [
            f"  {run.get('date', '—'):<10}  {run['why']:<12} {run['file']}" for run in data["runs"]
        ]
        print("\n".join(lines))
    return 0


def analysis_json(result: DayAnalysis) -> dict[str, Any]:
    return {
        "qualityScore": result.quality_score,
        "status": result.status.value,
        "compliance": None if result.compliance is None else round(result.compliance, 3),
        "band": result.band.value if result.band else None,
        "splitBy": result.split_by.value if result.split_by else None,
        "notes": [note.value for note in result.notes],
        "steps": [
            {
                "number": step.number,
                "plannedMiles": round(metres_to_miles(step.planned_m), 3),
                "actualMiles": round(metres_to_miles(step.actual_m), 3),
                "paceSecPerMile": {
                    "low": round(pace_per_km_to_per_mile(step.pace.low), 1),
                    "high": round(pace_per_km_to_per_mile(step.pace.high), 1),
                },
                "actualPaceSecPerMile": (
                    round(pace_per_km_to_per_mile(step.actual_pace_s_per_km), 1)
                    if step.actual_pace_s_per_km is not None
                    else None
                ),
                "offSecPerMile": round(pace_per_km_to_per_mile(step.off_s_per_km), 1),
                "hit": step.hit,
            }
            for step in result.steps
        ],
    }


def _analysis_table(data: dict[str, Any]) -> str:
    lines = [
        f"{data['date']} {data['type']}: {data['qualityScore']}/100, {data['status']}, "
        f"distance {data['compliance']:.0%} ({data['band']})",
    ]
    for step in data["steps"]:
        mark = "✓" if step["hit"] else f"✗ {step['offSecPerMile']:+.0f} s/mi"
        lines.append(f"  rep {step['number']}: {step['actualPaceSecPerMile']:.0f} s/mi {mark}")
    return "\n".join(lines)


def _runs(files: list[str]) -> tuple[list[tuple[str, AthleteActivity]], list[tuple[str, str]]]:
    """The files' runs through the bot's own gate (:func:`core.plausibility.admit`), and the
    files it keeps out, with why (not a run; a run that can't be true)."""
    runs, left_out = [], []
    for name, activity in ((n, a) for n in files for a in _activities(Path(n))):
        try:
            admitted = admit(activity, activity.local_date)
        except InvalidInput as refused:
            left_out.append((name, f"refused: {refused.code}"))
            continue
        if admitted.is_run:
            runs.append((name, admitted))
        else:
            left_out.append((name, f"not a run: {admitted.sport}"))
    return runs, left_out


def _activity(path: Path) -> AthleteActivity:
    return _activities(path)[0]


def _activities(path: Path) -> list[AthleteActivity]:
    """The file's activities (a TCX export may hold several), dated in UTC: no time zone
    offline."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidInput("cli_file_unreadable", path=str(path), reason=error.strerror) from None
    return [p.activity(p.start_utc.date()) for p in parse_activity_files(path.name, data)]


def _plan_days(name: str) -> dict[date, PlannedWorkout]:
    try:
        return planned_days_from_json(json.loads(Path(name).read_text()))
    except (OSError, ValueError, KeyError, TypeError):
        raise InvalidInput("cli_not_a_plan", name=str(name)) from None


def _executed(activity: AthleteActivity, days: dict[date, PlannedWorkout]) -> ExecutedDay:
    """The run against its plan day, or (no plan) as an easy run: it can only set a floor."""
    planned = days.get(activity.local_date) or _easy(activity.distance_m)
    return ExecutedDay(
        week_index=0,
        day_index=0,
        date=activity.local_date,
        planned=planned,
        analysis=analyse(planned, activity),
    )


def _easy(metres: float) -> PlannedWorkout:
    step = WorkoutStep(kind=StepKind.STEADY, distance_m=max(metres, 1.0))
    return PlannedWorkout(type=WorkoutType.EASY, distance_m=max(metres, 1.0), steps=(step,))
