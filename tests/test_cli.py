"""The ``gofast`` CLI: the engine offline, read by other tools through ``--json``."""

import json
import subprocess
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from core.analysis import unrolled
from core.fitness import equivalent_time, vdot
from core.parsing import parse_duration
from gofast.cli import main
from gofast.plan_view import step_from_json
from tests.activity_files import MORNING, fit_with_laps, gpx_named

PLAN_ARGS = [
    "plan",
    "--race",
    "marathon",
    "--date",
    "2027-04-18",
    "--goal",
    "3:45:00",
    "--baseline-5k",
    "24:00",
    "--weekly",
    "20",
    "--start",
    "2026-12-01",
]


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_json_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli([*PLAN_ARGS, "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["startDate"] == "2026-12-01" and data["raceDate"] == "2027-04-18"
    assert data["totalWeeks"] == len(data["weeks"]) == 20
    assert data["goalTimeSec"] == parse_duration("3:45:00")
    assert data["goalPaceSecPerMile"] == pytest.approx(3.75 * 3600 / 26.2188, abs=0.5)
    assert 38 < data["vdot"] < 42
    assert [p["phase"] for p in data["phaseOverview"]] == ["base", "build", "peak", "taper"]
    for week in data["weeks"]:
        assert set(week) >= {"weekIndex", "startDate", "endDate", "phase", "targetMileage", "days"}
        assert week["targetMileage"] == pytest.approx(
            sum(d["mileage"] for d in week["days"]), abs=0.05
        )
        for day in week["days"]:
            assert set(day) >= {
                "dayIndex",
                "date",
                "type",
                "mileage",
                "paceSecPerMile",
                "description",
            }
            if day["type"] == "rest":
                assert day["mileage"] == 0 and day["paceSecPerMile"] is None
                assert day["steps"] == []
                continue
            miles = 0.0
            for step in day["steps"]:
                assert set(step) >= {"kind", "distanceMiles", "paceSecPerMile", "repeat"}
                pace = step["paceSecPerMile"]
                assert pace["low"] <= pace["high"]
                recovery = step.get("recovery", {}).get("distanceMiles", 0)
                miles += (step["distanceMiles"] + recovery) * step["repeat"]
            assert miles == pytest.approx(day["mileage"], abs=0.01)
            assert "•" in day["description"] or day["type"] == "race"
    assert data["weeks"][-1]["days"][-1]["type"] == "race"
    readiness = data["readiness"]
    assert readiness["ready"] is True and readiness["reasons"] == readiness["alternatives"] == []
    assert readiness["longestLongRunMiles"] >= readiness["neededLongRunMiles"] == 16
    assert data["predictionSec"] > data["goalTimeSec"]  # 24:00 and 20 mi/week: 3:45 is a stretch


def test_an_unready_plan_says_why_and_what_works(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["plan", "--race", "marathon", "--date", "2027-03-01", "--start", "2026-12-01"]
    args += ["--baseline-5k", "30:00", "--weekly", "10", "--days", "4", "--longest", "4"]
    code, out, _ = run_cli([*args, "--json"], capsys)
    readiness = json.loads(out)["readiness"]
    assert code == 0 and readiness["ready"] is False
    [reason] = readiness["reasons"]
    assert reason["reason"] == "long-run-short" and reason["reachedMiles"] < reason["neededMiles"]
    kinds = {alt["kind"]: alt for alt in readiness["alternatives"]}
    assert kinds["shorter-race"]["raceDate"] == "2027-03-01"
    later = kinds.get("later-date") or kinds["base-block"]
    assert later["raceDate"] > "2027-03-01" and later["raceType"] == "marathon"
    code, table, _ = run_cli(args, capsys)
    assert "Not ready" in table and "shorter-race" in table


def test_plan_table_and_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        [
            "plan",
            "--race",
            "15k",
            "--date",
            "2027-03-07",
            "--baseline-5k",
            "22:30",
            "--weekly",
            "30",
            "--start",
            "2026-12-01",
            "--days",
            "4",
            "--long-day",
            "sat",
            "--units",
            "km",
        ],
        capsys,
    )
    assert code == 0
    assert "15 km" in out and "Wk" in out and "RACE" in out
    code, out, _ = run_cli([*PLAN_ARGS[:2], "30 mi", *PLAN_ARGS[3:], "--json"], capsys)
    assert json.loads(out)["raceType"] == "custom"


def test_predict_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        [
            "predict",
            "--baseline-5k",
            "24:00",
            "--distance",
            "marathon",
            "--goal",
            "3:45:00",
            "--json",
        ],
        capsys,
    )
    data = json.loads(out)
    assert code == 0
    assert data["baseline5kSec"] == 1440
    assert data["distanceMiles"] == pytest.approx(26.219, abs=0.001)
    assert data["seedPredictionSec"] == parse_duration("3:38:50")
    assert data["deltaSec"] == data["predictionSec"] - data["goalTimeSec"]  # the coach's judges
    assert data["vdotPredictionSec"] < data["riegelPredictionSec"] < data["predictionSec"]
    assert data["rangeLowSec"] < data["predictionSec"] < data["rangeHighSec"]
    assert data["method"] == "gofast-recreational-v1"


def test_predict_from_several_recent_races_and_volume(capsys: pytest.CaptureFixture[str]) -> None:
    def prediction(*args: str) -> dict:  # type: ignore[type-arg]
        code, out, _ = run_cli(["predict", "--distance", "marathon", *args, "--json"], capsys)
        assert code == 0
        return json.loads(out)

    five_k = prediction("--recent", "5k=24:00", "--weekly", "25")
    assert (
        five_k["predictionSec"]
        == prediction("--baseline-5k", "24:00", "--weekly", "25")["predictionSec"]
    )
    more_miles = prediction("--recent", "5k=24:00", "--weekly", "50")
    assert more_miles["predictionSec"] < five_k["predictionSec"]  # volume makes marathoners
    both = prediction("--recent", "5k=24:00", "--recent", "half=1:52:00", "--weekly", "25")
    half = prediction("--recent", "half=1:52:00", "--weekly", "25")
    # the half is closer to the marathon: it weighs most, and narrows the range
    assert abs(both["predictionSec"] - half["predictionSec"]) < abs(
        both["predictionSec"] - five_k["predictionSec"]
    )
    assert (
        half["rangeHighSec"] - half["rangeLowSec"] < five_k["rangeHighSec"] - five_k["rangeLowSec"]
    )
    # the comparisons need a 5k: the VDOT equivalent of the half
    assert half["baseline5kSec"] == round(equivalent_time(vdot(21097.5, 6720), 5000))
    code, out, _ = run_cli(
        ["predict", "--distance", "10k", "--recent", "15k=1:12:00", "--recent", "10mi=1:20:00"],
        capsys,
    )
    assert code == 0 and "80 %" in out


def test_predict_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["predict", "--baseline-5k", "20:00", "--distance", "10k"], capsys)
    assert code == 0 and "Seed prediction" in out and "Riegel" in out


@pytest.mark.parametrize(
    "args",
    [
        ["predict", "--baseline-5k", "25:61", "--distance", "marathon"],
        ["predict", "--baseline-5k", "24:00", "--distance", "-3k"],
        ["predict", "--distance", "marathon"],
        ["predict", "--distance", "marathon", "--recent", "half"],
        ["predict", "--distance", "marathon", "--recent", "5k=24:00", "--weekly", "-5"],
        [*PLAN_ARGS[:4], "2020-01-01", *PLAN_ARGS[5:]],
        [
            "plan",
            "--race",
            "marathon",
            "--date",
            "2027-01-01",
            "--baseline-5k",
            "24:00",
            "--weekly",
            "20",
            "--start",
            "2026-12-01",
        ],
        [*PLAN_ARGS, "--days", "9"],
        [*PLAN_ARGS, "--long-day", "someday"],
        ["plan", "--race", "marathon"],
        ["frobnicate"],
    ],
)
def test_bad_arguments_exit_2_with_one_clear_line(args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gofast", *args], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_run_without_a_token_says_how_to_get_one(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "gofast", "run"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode != 0
    assert "@BotFather" in result.stderr and "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


def _plan_file(tmp_path, capsys) -> tuple[Path, dict]:  # type: ignore[no-untyped-def, type-arg]
    code, out, _ = run_cli([*PLAN_ARGS, "--json"], capsys)
    assert code == 0
    path = tmp_path / "plan.json"
    path.write_text(out)
    return path, json.loads(out)


def _run_of(day: dict, factor: float = 1.0, **more) -> bytes:  # type: ignore[type-arg, no-untyped-def]
    """A FIT file running ``day`` of a plan JSON as planned (work reps × ``factor`` time)."""
    steps = [step_from_json(s) for s in day["steps"]]
    laps = []
    for part in unrolled(tuple(steps)):
        slow = factor if part.kind.value == "work" else 1.0
        laps.append((part.metres, part.metres / 1000 * part.pace.middle * slow))
    start = datetime.combine(date.fromisoformat(day["date"]), time(7), UTC)
    return fit_with_laps(start, laps, **more)


def _days(plan: dict, kind: str) -> list[dict]:  # type: ignore[type-arg]
    return [d for w in plan["weeks"] for d in w["days"] if d["type"] == kind]


def test_analyse_scores_a_file_against_its_plan_day(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    plan_path, plan = _plan_file(tmp_path, capsys)
    tempo = _days(plan, "tempo")[0]
    run = tmp_path / "tempo.fit"
    run.write_bytes(_run_of(tempo))
    code, out, _ = run_cli(["analyse", str(run), "--plan", str(plan_path), "--json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["date"] == tempo["date"] and data["type"] == "tempo"
    assert data["qualityScore"] >= 90 and data["status"] == "completed"
    assert data["splitBy"] == "laps" and all(step["hit"] for step in data["steps"])
    slow = tmp_path / "slow.fit"
    slow.write_bytes(_run_of(tempo, 1.06))
    code, out, _ = run_cli(["analyse", str(slow), "--plan", str(plan_path)], capsys)
    assert code == 0 and "rep 1" in out and "✗" in out
    rest = next(d for d in plan["weeks"][0]["days"] if d["type"] == "rest")
    code, _, err = run_cli(
        ["analyse", str(run), "--plan", str(plan_path), "--date", rest["date"]], capsys
    )
    assert code == 2 and "No run is planned" in err


def test_fitness_reads_files_and_says_why(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    plan_path, plan = _plan_file(tmp_path, capsys)
    names = []
    for i, day in enumerate(_days(plan, "tempo")[:4]):
        path = tmp_path / f"t{i}.fit"
        path.write_bytes(_run_of(day, 0.97))
        names.append(str(path))
    belt = tmp_path / "belt.fit"
    belt.write_bytes(_run_of(_days(plan, "tempo")[4], 0.9, sub_sport="treadmill"))
    args = ["fitness", "--baseline-5k", "24:00", "--plan", str(plan_path), *names, str(belt)]
    code, out, _ = run_cli([*args, "--json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["adaptive5kSec"] < 24 * 60
    assert [run["why"] for run in data["runs"]] == ["work"] * 4 + ["indoors"]
    assert [run["used"] for run in data["runs"]] == [True] * 4 + [False]
    code, out, _ = run_cli(["fitness", "--baseline-5k", "24:00", str(belt)], capsys)
    assert code == 0 and "indoors" in out


def test_fitness_keeps_out_what_the_bot_keeps_out(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Issue 27: `gofast fitness` took files the bot refuses and listed rides among runs."""
    run, ride, glitch = tmp_path / "run.gpx", tmp_path / "ride.gpx", tmp_path / "glitch.gpx"
    run.write_bytes(gpx_named(MORNING, 8000, 2700))
    ride.write_bytes(gpx_named(MORNING, 30000, 3600, creator="Urban Biker"))
    glitch.write_bytes(gpx_named(MORNING, 10000, 60))
    args = ["fitness", "--baseline-5k", "24:00", str(run), str(ride), str(glitch), "--json"]
    code, out, _ = run_cli(args, capsys)
    runs = {Path(r["file"]).name: r for r in json.loads(out)["runs"]}
    assert code == 0 and runs["run.gpx"]["why"] != "" and "date" in runs["run.gpx"]
    assert runs["ride.gpx"] == {"file": str(ride), "used": False, "why": "not a run: cycling"}
    assert runs["glitch.gpx"]["used"] is False and runs["glitch.gpx"]["why"].startswith("refused")
    code, _, err = run_cli(["fitness", "--baseline-5k", "24:00", str(ride)], capsys)
    assert code == 2 and "None of those files is a run" in err


def test_understand_reads_a_sentence_as_the_bot_would(capsys) -> None:  # type: ignore[no-untyped-def]
    args = ["understand", "can't run today, move it to saturday", "--today", "2026-12-04"]
    code, out, _ = run_cli([*args, "--json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["intent"] == "move_workout" and data["confirm"] is True
    assert data["slots"] == {"fromDate": "2026-12-04", "toDate": "2026-12-05"}
    code, out, _ = run_cli(["understand", "ran 8k in 42 min", "--units", "km"], capsys)
    assert code == 0 and out.startswith("log_run (distanceM=8000.0, durationSec=2520")
    for bad in ("", "x" * 400):
        code, _, err = run_cli(["understand", bad], capsys)
        assert code == 2 and len(err.strip().splitlines()) == 1
