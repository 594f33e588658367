"""Fit and cross-validate the race-time model of ``core.prediction`` on real race results.

Data: ``tests/data/race-times-recreational.csv``, half of the 2,303 recreational runners of
Vickers & Vertosick 2016 (BMC Sports Sci Med Rehabil 8:26, open data, CC BY 4.0). Every pair of a
runner's races (shorter → longer) is one example; marathon targets weigh 3× (the distance where
Riegel and VDOT fail recreational runners most). Cross-validation folds are by runner.

    python -m tests.core.prediction_fit      # prints the coefficients and the CV table
"""

import csv
import math
import random
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core import prediction
from core.fitness import equivalent_time, riegel, vdot
from core.units import FIVE_K_M, HALF_MARATHON_M, MARATHON_M, TEN_K_M

DATA = Path(__file__).resolve().parents[1] / "data" / "race-times-recreational.csv"
COLUMNS = {
    "time_5k_s": FIVE_K_M,
    "time_5mi_s": 8046.72,
    "time_10k_s": TEN_K_M,
    "time_10mi_s": 16093.44,
    "time_half_s": HALF_MARATHON_M,
    "time_marathon_s": MARATHON_M,
}
MARATHON_WEIGHT = 3.0
FOLDS = 10


@dataclass(frozen=True)
class Runner:
    races: dict[float, float]  # metres → seconds
    weekly_m: float


@dataclass(frozen=True)
class Fit:
    coefficients: tuple[float, ...]
    spread_low: float
    spread_high: float


def runners() -> list[Runner]:
    with DATA.open() as handle:
        return [
            Runner(
                {m: float(row[c]) for c, m in COLUMNS.items() if row[c]},
                float(row["typical_weekly_miles"]) * 1609.344,
            )
            for row in csv.DictReader(handle)
        ]


def _pairs(group: Iterable[Runner]) -> list[tuple[float, float, float, float, float]]:
    return [
        (d, t, target, actual, runner.weekly_m)
        for runner in group
        for d, t in runner.races.items()
        for target, actual in runner.races.items()
        if d < target
    ]


def fit(group: Iterable[Runner]) -> Fit:
    pairs = _pairs(group)
    x = np.array([prediction.features(d, t, target, w) for d, t, target, _, w in pairs])
    y = np.array([math.log(actual / t) for _, t, _, actual, _ in pairs])
    weight = np.array(
        [MARATHON_WEIGHT if target == MARATHON_M else 1.0 for _, _, target, _, _ in pairs]
    )
    coefficients, *_ = np.linalg.lstsq(x * weight[:, None], y * weight, rcond=None)
    scaled = (y - x @ coefficients) / x[:, 0] ** prediction.SPREAD_POWER
    low, high = np.quantile(scaled, 0.1), np.quantile(scaled, 0.9)
    return Fit(tuple(float(c) for c in coefficients), float(low), float(high))


@dataclass(frozen=True)
class Score:
    examples: int
    median_bias: float  # actual ÷ predicted − 1
    mae_s: float
    coverage: float  # share of actual times inside the 80 % range


Predictor = Callable[[Runner, float, float], tuple[float, float, float]]


def score(results: list[tuple[float, float, float, float]]) -> Score:
    return Score(
        len(results),
        statistics.median(actual / p - 1 for actual, p, _, _ in results),
        statistics.mean(abs(actual - p) for actual, p, _, _ in results),
        sum(low <= actual <= high for actual, _, low, high in results) / len(results),
    )


def cross_validate(source_m: float, target_m: float = MARATHON_M) -> Score:
    """``source_m`` → ``target_m`` on runners each fold's model never saw."""
    group = runners()
    order = list(range(len(group)))
    random.Random(1).shuffle(order)
    results = []
    for fold in range(FOLDS):
        held = set(order[fold::FOLDS])
        model = fit(r for i, r in enumerate(group) if i not in held)
        for i in held:
            runner = group[i]
            if source_m in runner.races and target_m in runner.races:
                guess = prediction.predict_race(
                    [(source_m, runner.races[source_m])], target_m, runner.weekly_m, model
                )
                results.append(
                    (runner.races[target_m], guess.predicted_s, guess.low_s, guess.high_s)
                )
    return score(results)


def published(source_m: float, target_m: float = MARATHON_M) -> dict[str, Score]:
    """The predictors the model is compared with, on the same runners (no range: 0 %)."""
    rows: dict[str, list[tuple[float, float, float, float]]] = {"VDOT": [], "Riegel": []}
    for runner in runners():
        if source_m in runner.races and target_m in runner.races:
            t, actual = runner.races[source_m], runner.races[target_m]
            for name, guess in (
                ("VDOT", equivalent_time(vdot(source_m, t), target_m)),
                ("Riegel", riegel(t, source_m, target_m)),
            ):
                rows[name].append((actual, guess, 0.0, 0.0))
    return {name: score(results) for name, results in rows.items()}


if __name__ == "__main__":
    print(fit(runners()))
    for source in (FIVE_K_M, TEN_K_M, HALF_MARATHON_M):
        s = cross_validate(source)
        print(
            f"{source:>8.0f} m → marathon: n={s.examples} bias {s.median_bias:+.1%} "
            f"MAE {s.mae_s / 60:.1f} min, 80 % range covers {s.coverage:.0%}"
        )
