"""Daniels–Gilbert VDOT, equivalent race times, training paces, and Riegel.

Formulas from Daniels & Gilbert, "Oxygen Power" (1979); see shared/notes/running-science.md.
Velocities are metres per minute, as in the original formulas.
"""

import math
from functools import lru_cache

from core.errors import InvalidInput
from core.models import TrainingPaces
from core.units import MARATHON_M, METRES_PER_KM, TEN_K_M

RIEGEL_EXPONENT = 1.06
MIN_VDOT, MAX_VDOT = 10.0, 90.0


def oxygen_cost(velocity_m_per_min: float) -> float:
    """VO2 (ml/kg/min) needed to run at this velocity."""
    v = velocity_m_per_min
    return -4.60 + 0.182258 * v + 0.000104 * v * v


def fraction_of_max(minutes: float) -> float:
    """Share of VO2max that can be held for this many minutes."""
    return (
        0.8 + 0.1894393 * math.exp(-0.012778 * minutes) + 0.2989558 * math.exp(-0.1932605 * minutes)
    )


def velocity_for_vo2(vo2: float) -> float:
    """Exact inverse of :func:`oxygen_cost` (m/min)."""
    return (-0.182258 + math.sqrt(0.033218 - 0.000416 * (-4.6 - vo2))) / 0.000208


def vdot(distance_m: float, seconds: float) -> float:
    """VDOT of a race: ``distance_m`` run in ``seconds``."""
    if distance_m <= 0 or seconds <= 0:
        raise InvalidInput("race_result_not_positive")
    minutes = seconds / 60
    return oxygen_cost(distance_m / minutes) / fraction_of_max(minutes)


@lru_cache(maxsize=4096)
def equivalent_time(vdot_value: float, distance_m: float) -> float:
    """Seconds a runner of this VDOT would race ``distance_m`` in (bisection on time; the
    same few VDOTs come back on every /status, so the answers are kept)."""
    if distance_m <= 0:
        raise InvalidInput("race_result_not_positive")
    # VDOT falls monotonically as time grows for a fixed distance.
    low, high = distance_m / 1000 * 60.0, distance_m / 1000 * 1800.0  # 1:00/km .. 30:00/km
    for _ in range(60):
        mid = (low + high) / 2
        if vdot(distance_m, mid) > vdot_value:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def _pace_at_share(vdot_value: float, share: float) -> float:
    """Seconds per km at the velocity whose VO2 is ``share`` of VDOT."""
    return METRES_PER_KM / velocity_for_vo2(vdot_value * share) * 60


def training_paces(vdot_value: float) -> TrainingPaces:
    """E/M/T/I/R paces (seconds per km) fitted to Daniels' tables within ~5 s/km. T is about
    one-hour race pace (Daniels), so for a runner whose 10k takes longer than an hour it is
    their 10k race pace: T sits between 10k and half-marathon race pace, never faster."""
    interval = _pace_at_share(vdot_value, 0.974)
    ten_k_pace = equivalent_time(vdot_value, TEN_K_M) / (TEN_K_M / METRES_PER_KM)
    return TrainingPaces(
        easy_fast=_pace_at_share(vdot_value, 0.735),
        easy_slow=_pace_at_share(vdot_value, 0.63),
        marathon=equivalent_time(vdot_value, MARATHON_M) / (MARATHON_M / METRES_PER_KM),
        threshold=max(_pace_at_share(vdot_value, 0.88), ten_k_pace),
        interval=interval,
        repetition=interval - (20 if vdot_value < 50 else 15),
    )


def riegel(
    seconds: float, distance_m: float, target_m: float, exponent: float = RIEGEL_EXPONENT
) -> float:
    """Riegel's T2 = T1 · (D2/D1)^1.06: a second opinion beside VDOT."""
    return seconds * (target_m / distance_m) ** exponent


def check_vdot_range(value: float) -> float:
    if not MIN_VDOT <= value <= MAX_VDOT:
        raise InvalidInput("time_out_of_range")
    return value
