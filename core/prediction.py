"""Race predictions. The one the coach uses everywhere — the goal check, race-day and
marathon-pace work, "Are you on track?", the weekly report — is :func:`predict_race`: a model of
recreational runners' real race times with an 80 % range. The product's seed predictor, Daniels'
VDOT and Riegel stay beside it as comparisons.

The model: the log of the time ratio between a recent race (d, t) and the target distance D is
linear in L = ln(D/d), with corrections for weekly volume, the distances' size, L² and the
runner's speed:

    ln(T/t) = b0·L + b1·L·ln(miles/25) + b2·L·mid + b3·L² + b4·L·ln(pace/300 s/km)

(mid = the distances' mean log minus ln 10 km). It generalises Vickers & Vertosick 2016 model 1
(marathon speed from one race and weekly miles) to any pair of distances. Fitted by least squares
on every shorter → longer pair of the shared data (``tests/core/prediction_fit.py``; marathon
targets weigh 3×); the 80 % range is the 10th–90th percentile of ln(actual/predicted) / L^0.25.
Cross-validated by runner, 10 folds, on runners the fold never saw (5k → marathon, 197 runners;
half → marathon, 319): median bias −0.6 % / +0.4 %, mean absolute error 13.3 / 10.0 min, range
coverage 84 % / 84 %. On the same runners VDOT is +8 % optimistic (21 min), Riegel +7 %
(20 min) and Vickers–Vertosick model 1 13.4 / 10.2 min (fitted on them). Several recent races
combine by inverse variance (the closest distance weighs most), an older baseline counting a
quarter of a recent race (two half-lives of the adaptive 5k's 14 days); when they disagree the
range widens to hold what each race alone predicts. A shorter target than the race inverts the
model.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from core.fitness import check_vdot_range, equivalent_time, riegel, vdot
from core.models import Prediction, RacePrediction
from core.units import FIVE_K_M, METRES_PER_MILE, TEN_K_M

MODEL_NAME = "gofast-recreational-v1"
SPREAD_POWER = 0.25
MIN_LOG_RATIO = 0.1  # a race at the target distance still leaves a range (ran it well? hot day?)
REFERENCE_MILES, REFERENCE_PACE_S_PER_KM, LOWEST_MILES = 25.0, 300.0, 5.0
DEFAULT_WEEKLY_MILES = REFERENCE_MILES  # when a runner's volume is unknown
DEFAULT_WEEKLY_M = DEFAULT_WEEKLY_MILES * METRES_PER_MILE
INVERSE_ROUNDS = 4  # converges to < 0.1 s: the pace term is small
OLDER_TRUST = 0.25  # an older baseline beside recent races: two 14-day half-lives


@dataclass(frozen=True)
class RaceModel:
    coefficients: tuple[float, float, float, float, float]
    spread_low: float  # 10th percentile of ln(actual/predicted) / L^0.25
    spread_high: float  # 90th percentile


MODEL = RaceModel((1.090924, -0.048338, 0.051533, -0.003685, -0.083561), -0.074068, 0.084071)


def features(distance_m: float, time_s: float, target_m: float, weekly_m: float) -> list[float]:
    """The model's inputs for predicting ``target_m`` from a race (``distance_m``, ``time_s``)."""
    ratio = math.log(target_m / distance_m)
    mid = (math.log(target_m) + math.log(distance_m)) / 2 - math.log(TEN_K_M)
    miles = max(weekly_m / METRES_PER_MILE, LOWEST_MILES)
    pace = time_s / (distance_m / 1000)
    return [
        ratio,
        ratio * math.log(miles / REFERENCE_MILES),
        ratio * mid,
        ratio * ratio,
        ratio * math.log(pace / REFERENCE_PACE_S_PER_KM),
    ]


def _log_ratio(
    distance_m: float, time_s: float, target_m: float, weekly_m: float, model: RaceModel
) -> float:
    def forward(d: float, t: float, target: float) -> float:
        return sum(
            c * f for c, f in zip(model.coefficients, features(d, t, target, weekly_m), strict=True)
        )

    if target_m >= distance_m:
        return forward(distance_m, time_s, target_m)
    # a shorter race from a longer one: the time whose longer-race prediction is this race (a
    # fixed point: the forward model reads the shorter race's pace)
    guess = riegel(time_s, distance_m, target_m)
    for _ in range(INVERSE_ROUNDS):
        guess = time_s * math.exp(-forward(target_m, guess, distance_m))
    return math.log(guess / time_s)


def predict_race(
    recent: Sequence[tuple[float, float]],
    distance_m: float,
    weekly_m: float,
    model: RaceModel | None = None,
    trust: Sequence[float] | None = None,
) -> RacePrediction:
    """Race time over ``distance_m`` from recent races ``(metres, seconds)`` and weekly volume,
    with its 80 % range. ``trust`` scales each race's weight (an older one counts less)."""
    model = model or MODEL
    logs, spreads = [], []
    for d, t in recent:
        logs.append(math.log(t) + _log_ratio(d, t, distance_m, weekly_m, model))
        spreads.append(max(abs(math.log(distance_m / d)), MIN_LOG_RATIO) ** SPREAD_POWER)
    trusts = trust or [1.0] * len(logs)
    weights = [k / s**2 for k, s in zip(trusts, spreads, strict=True)]
    point = sum(w * x for w, x in zip(weights, logs, strict=True)) / sum(weights)
    spread = min(spreads)
    # races that disagree: the range holds what each of them alone predicts
    low = min(point + model.spread_low * spread, *logs)
    high = max(point + model.spread_high * spread, *logs)
    return RacePrediction(
        predicted_s=math.exp(point),
        low_s=math.exp(low),
        high_s=math.exp(high),
        method=MODEL_NAME,
    )


def race_prediction_s(baseline_5k_s: float, distance_m: float, weekly_m: float) -> float:
    """The model's point prediction from a 5k: what plans race by."""
    return predict_race([(FIVE_K_M, baseline_5k_s)], distance_m, weekly_m).predicted_s


def five_k_equivalent_s(distance_m: float, time_s: float, weekly_m: float) -> float:
    """The 5k a race shows, read through the model (inverted for a longer race): what the
    adaptive 5k anchors on and the next plan starts from."""
    return predict_race([(distance_m, time_s)], FIVE_K_M, weekly_m).predicted_s


SEED_BASE_MILES = 3.1
SEED_PENALTY_EVERY_MILES = 6.2
SEED_PENALTY_S_PER_MILE = 10.0


def seed_prediction(baseline_5k_s: float, distance_m: float) -> float:
    """The product's pre-training predictor: the baseline 5k pace per mile plus a fatigue
    penalty of 10 s/mi per 6.2 mi beyond the 5k, times the race's miles."""
    pace_per_mile = baseline_5k_s / (FIVE_K_M / METRES_PER_MILE)
    race_miles = distance_m / METRES_PER_MILE
    penalty = ((race_miles - SEED_BASE_MILES) / SEED_PENALTY_EVERY_MILES) * SEED_PENALTY_S_PER_MILE
    return (pace_per_mile + penalty) * race_miles


def predict(
    baseline_5k_s: float,
    distance_m: float,
    goal_time_s: float | None = None,
    weekly_m: float = DEFAULT_WEEKLY_M,
    recent: Sequence[tuple[float, float]] = (),
    older: int = 0,
) -> Prediction:
    """Every prediction for ``distance_m``: the coach's (from ``recent`` races, or the 5k when
    there are none, with its range) and the comparisons from the 5k. The goal is judged
    against the coach's. The first ``older`` of ``recent`` are older results (a baseline):
    they count less than the others."""
    runner_vdot = check_vdot_range(vdot(FIVE_K_M, baseline_5k_s))
    races = list(recent) or [(FIVE_K_M, baseline_5k_s)]
    trust = [OLDER_TRUST if i < older < len(races) else 1.0 for i in range(len(races))]
    race = predict_race(races, distance_m, weekly_m, trust=trust)
    return Prediction(
        baseline_5k_s=baseline_5k_s,
        distance_m=distance_m,
        seed_prediction_s=seed_prediction(baseline_5k_s, distance_m),
        vdot=runner_vdot,
        vdot_prediction_s=equivalent_time(runner_vdot, distance_m),
        riegel_prediction_s=riegel(baseline_5k_s, FIVE_K_M, distance_m),
        race=race,
        goal_time_s=goal_time_s,
        delta_s=None if goal_time_s is None else race.predicted_s - goal_time_s,
    )


def equivalent_5k_s(recent: Sequence[tuple[float, float]]) -> float:
    """A 5k time for the comparisons: the 5k raced, else the VDOT equivalent of the race
    closest to 5k."""
    distance, time = min(recent, key=lambda race: abs(math.log(race[0] / FIVE_K_M)))
    return time if distance == FIVE_K_M else equivalent_time(vdot(distance, time), FIVE_K_M)
