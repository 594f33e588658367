"""The ``gofast`` command: the bot, the engine offline, and migrations."""

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any, NoReturn

from bot.render import Renderer, plain
from core.errors import GoFastError
from core.models import Prediction, Race, RaceType
from core.parsing import (
    format_duration,
    parse_date,
    parse_distance,
    parse_duration,
    parse_weekday,
)
from core.plan import PlanRequest, default_run_days
from core.prediction import DEFAULT_WEEKLY_MILES, equivalent_5k_s, predict
from core.readiness import assess
from core.units import FIVE_K_M, Units, metres_to_miles, miles_to_metres
from gofast import runs_cli
from gofast.config import ConfigError, load_settings
from gofast.plan_view import plan_json, plan_table


class _Parser(argparse.ArgumentParser):
    """Bad arguments: one clear line and exit 2 (argparse prints usage too)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gofast", description="GoFast Coach: a running coach in Telegram.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.add_parser("run", help="run the Telegram bot")
    migrate = commands.add_parser("migrate", help="create or upgrade the database")
    migrate.add_argument(
        "--from",
        dest="source",
        metavar="URL",
        help="then copy every row of this database (e.g. sqlite:///data/gofast.db) into "
        "DATABASE_URL, which must be empty",
    )

    plan = commands.add_parser("plan", help="generate a training plan offline")
    plan.add_argument("--race", required=True, help="5k, 10k, half, marathon or a distance (15k)")
    plan.add_argument("--date", required=True, help="race day, e.g. 2027-04-18")
    plan.add_argument("--goal", help="goal time, e.g. 3:45:00")
    plan.add_argument("--baseline-5k", required=True, help="a recent 5k time, e.g. 24:00")
    plan.add_argument("--weekly", required=True, type=float, help="current weekly mileage")
    plan.add_argument(
        "--longest", type=float, help="longest run of the last 30 days (default: estimated)"
    )
    plan.add_argument("--start", help="first day of the plan (default: today)")
    plan.add_argument("--days", type=int, default=5, help="run days per week, 3–7 (default 5)")
    plan.add_argument("--long-day", default="sun", help="long-run weekday (default sun)")
    plan.add_argument("--units", choices=["mi", "km"], default="mi")
    plan.add_argument("--name", help="race name")
    plan.add_argument("--json", action="store_true", help="print JSON instead of a table")

    pred = commands.add_parser("predict", help="predict a race time from recent races")
    pred.add_argument("--baseline-5k", help="a recent 5k time, e.g. 24:00")
    pred.add_argument(
        "--recent",
        action="append",
        default=[],
        help="another recent race, DISTANCE=TIME (10k=50:00, half=1:52:00); repeatable",
    )
    pred.add_argument("--weekly", type=float, help="weekly mileage in miles (default 25)")
    pred.add_argument("--distance", required=True, help="5k, 10k, half, marathon, 15k, 30 mi…")
    pred.add_argument("--goal", help="goal time, e.g. 3:45:00")
    pred.add_argument("--json", action="store_true")
    runs_cli.add_commands(commands)
    talk = commands.add_parser("understand", help="read a sentence as the bot would")
    talk.add_argument("text", help='what a runner types, e.g. "ran 8k in 42 min"')
    talk.add_argument("--today", help="the runner's local date, YYYY-MM-DD (default today)")
    talk.add_argument("--units", choices=["mi", "km"], default="mi")
    talk.add_argument("--json", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(COMMANDS[args.command](args) or 0)
    except (GoFastError, ConfigError) as error:
        message = _error_text(error) if isinstance(error, GoFastError) else str(error)
        print(f"gofast {args.command}: {message}", file=sys.stderr)
        return 2


def _error_text(error: GoFastError) -> str:
    """The same words the runner reads in the chat."""
    return plain(Renderer().error(error))


def _run(args: argparse.Namespace) -> int:
    settings = load_settings()
    settings.require_token()
    from telegram.error import InvalidToken, NetworkError

    from bot.app import run_bot  # the bot stack loads only when it is needed

    try:
        run_bot(settings)
    except InvalidToken:
        raise ConfigError(
            "Telegram rejected TELEGRAM_BOT_TOKEN: check it with @BotFather."
        ) from None
    except NetworkError:
        raise ConfigError(f"Can't reach the Bot API at {settings.telegram_base_url}.") from None
    return 0


def _migrate(args: argparse.Namespace) -> int:
    import asyncio

    from storage import migrate_database
    from storage.copy import copy_database

    settings = load_settings()
    version = asyncio.run(migrate_database(settings.database_url))
    print(f"database {settings.database_shown} at schema version {version}")
    if args.source:
        copied = asyncio.run(copy_database(args.source, settings.database_url))
        for table, count in copied.items():
            print(f"  {table:<26} {count:>8} rows")
        print(f"copied every row of {args.source} into {settings.database_shown}")
    return 0


def _plan(args: argparse.Namespace) -> int:
    plan = assess(plan_request_from_args(args))
    if args.json:
        print(json.dumps(plan_json(plan), indent=2))
    else:
        print(plan_table(plan))
    return 0


def plan_request_from_args(args: argparse.Namespace, today: date | None = None) -> PlanRequest:
    today = today or date.today()
    units = Units(args.units)
    distance = parse_distance(args.race, units)
    race_type = RaceType.from_distance(distance)
    long_day = parse_weekday(args.long_day)
    assert long_day is not None
    goal = parse_duration(args.goal, hours_first=distance > 15000) if args.goal else None
    race = Race(
        race_name=args.name or f"My {race_type.label}",
        race_type=race_type,
        race_date=parse_date(args.date, today),
        distance_m=distance,
    )
    if args.weekly < 0 or (args.longest or 0) < 0:
        raise GoFastError("cli_negative_volume")
    return PlanRequest(
        race=race,
        start_date=parse_date(args.start, today) if args.start else today,
        baseline_5k_s=parse_duration(args.baseline_5k),
        baseline_weekly_m=args.weekly * units.metres,
        run_days=default_run_days(args.days, long_day),
        long_run_day=long_day,
        goal_time_s=goal,
        units=units,
        longest_recent_m=None if args.longest is None else args.longest * units.metres,
    )


def _predict(args: argparse.Namespace) -> int:
    distance = parse_distance(args.distance)
    goal = parse_duration(args.goal, hours_first=distance > 15000) if args.goal else None
    recent = [_recent_race(text) for text in args.recent]
    if args.baseline_5k:
        recent.insert(0, (FIVE_K_M, parse_duration(args.baseline_5k)))
    if not recent:
        raise GoFastError("cli_recent_missing")
    if args.weekly is not None and args.weekly < 0:
        raise GoFastError("cli_negative_volume")
    weekly_m = miles_to_metres(args.weekly if args.weekly is not None else DEFAULT_WEEKLY_MILES)
    older = 1 if args.baseline_5k and args.recent else 0  # the baseline is the older result
    prediction = predict(equivalent_5k_s(recent), distance, goal, weekly_m, recent, older)
    data = _prediction_json(prediction, distance)
    if goal is not None and prediction.delta_s is not None:
        data |= {"goalTimeSec": goal, "deltaSec": round(prediction.delta_s)}
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        print(_prediction_table(prediction, data, goal))
    return 0


def _recent_race(text: str) -> tuple[float, float]:
    """``half=1:52:00`` → (metres, seconds)."""
    distance_text, _, time_text = text.partition("=")
    if not time_text:
        raise GoFastError("cli_recent_unreadable", text=text)
    distance = parse_distance(distance_text)
    return distance, parse_duration(time_text, hours_first=distance > 15000)


def _prediction_json(prediction: Prediction, distance: float) -> dict[str, Any]:
    race = prediction.race
    return {
        "baseline5kSec": round(prediction.baseline_5k_s),
        "distanceMiles": round(metres_to_miles(distance), 3),
        "predictionSec": round(race.predicted_s),
        "rangeLowSec": round(race.low_s),
        "rangeHighSec": round(race.high_s),
        "method": race.method,
        "seedPredictionSec": round(prediction.seed_prediction_s),
        "vdot": round(prediction.vdot, 2),
        "vdotPredictionSec": round(prediction.vdot_prediction_s),
        "riegelPredictionSec": round(prediction.riegel_prediction_s),
    }


def _prediction_table(prediction: Prediction, data: dict[str, Any], goal: int | None) -> str:
    race = prediction.race
    rows = [
        (
            "Prediction",
            f"{format_duration(race.predicted_s)} "
            f"(80 %: {format_duration(race.low_s)}–{format_duration(race.high_s)})",
        ),
        ("5k used", format_duration(prediction.baseline_5k_s)),
        ("Distance", f"{data['distanceMiles']} mi"),
        ("Seed prediction", format_duration(prediction.seed_prediction_s)),
        (f"VDOT {prediction.vdot:.1f}", format_duration(prediction.vdot_prediction_s)),
        ("Riegel", format_duration(prediction.riegel_prediction_s)),
    ]
    if goal is not None and prediction.delta_s is not None:
        sign = "+" if prediction.delta_s >= 0 else "-"
        rows += [
            ("Goal", format_duration(goal)),
            ("Prediction − goal", f"{sign}{format_duration(abs(prediction.delta_s))}"),
        ]
    return "\n".join(f"{label:<18} {value}" for label, value in rows)


def _understand(args: argparse.Namespace) -> int:
    from core.understanding import understand

    today = parse_date(args.today, date.today()) if args.today else date.today()
    found = understand(args.text, today, Units(args.units))
    data: dict[str, object] = {
        "intent": found.intent,
        "slots": found.slots,
        "confirm": found.confirm,
    }
    other = found.alternative
    if other is not None:  # the bot asks back which one was meant
        data["alternative"] = {"intent": other.intent, "slots": other.slots}
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    for reading in (found, other):
        if reading is not None:
            slots = ", ".join(f"{k}={v}" for k, v in reading.slots.items()) or "—"
            asks = " · asks first" if reading.confirm else ""
            print(f"{'or ' if reading is other else ''}{reading.intent} ({slots}){asks}")
    return 0


COMMANDS = {
    "run": _run,
    "migrate": _migrate,
    "plan": _plan,
    "predict": _predict,
    "analyse": runs_cli.analyse_command,
    "fitness": runs_cli.fitness_command,
    "understand": _understand,
}
