"""Race predictions: the product's seed predictor beside VDOT and Riegel."""

from core.fitness import check_vdot_range, equivalent_time, riegel, vdot
from core.models import Prediction
from core.units import FIVE_K_M, METRES_PER_MILE

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
    baseline_5k_s: float, distance_m: float, goal_time_s: float | None = None
) -> Prediction:
    runner_vdot = check_vdot_range(vdot(FIVE_K_M, baseline_5k_s))
    seed = seed_prediction(baseline_5k_s, distance_m)
    return Prediction(
        baseline_5k_s=baseline_5k_s,
        distance_m=distance_m,
        seed_prediction_s=seed,
        vdot=runner_vdot,
        vdot_prediction_s=equivalent_time(runner_vdot, distance_m),
        riegel_prediction_s=riegel(baseline_5k_s, FIVE_K_M, distance_m),
        goal_time_s=goal_time_s,
        delta_s=None if goal_time_s is None else seed - goal_time_s,
    )
