"""A day's prescription as structure: steps with distances and pace ranges, no prose.

The text a runner reads is rendered from the steps by the templates. Step distances add up to
the day's distance exactly: warm-up and reps are set, the cool-down takes the rest.

Sources: Daniels' Running Formula (3rd ed.) — T work ≤ 10 % of the week per session, I ≤ 8 %,
R ≤ 5 %; a steady T ("tempo") run of about 20 min, more T as cruise intervals (reps of up to
~8 min with a 1-min jog); Pfitzinger's longest lactate-threshold run, ~7 mi, is ~45 min;
I reps of 2–5 min (800–1,200 m) with jogs of about the same time; R reps of 200–400 m
with equal jogs; strides of ~20 s at about R pace. Pace ranges: Daniels gives E as a range; the
quality paces are held within a few seconds per km of their target.
"""

import math
from dataclasses import dataclass
from functools import lru_cache

from core.models import (
    PaceRange,
    PlannedWorkout,
    StepKind,
    TrainingPaces,
    WorkoutStep,
    WorkoutType,
)
from core.units import METRES_PER_KM, Units

THRESHOLD_WORK_SHARE = 0.10
INTERVAL_WORK_SHARE = 0.08
REPETITION_WORK_SHARE = 0.05
MAX_REPS = 10
QUALITY_TOLERANCE = 3.0  # s/km either side of a quality pace
RACE_TOLERANCE = 2.0
RECOVERY_SLOWER = 1.08  # a recovery run (and a jog between reps) is easy pace's slow end or slower
STRIDE_M, STRIDES = 100.0, 6
SHARPENER_REPS, SHARPENER_REP_M = 4, 400.0  # Bosquet et al. 2007: keep intensity in the taper
MIN_STRIDES_RUN_UNITS = 3.0  # strides close an easy run of at least this many units
STEADY_T_MAX_S = 20 * 60  # Daniels' steady tempo run
T_SESSION_MAX_S = 45 * 60  # all T in one session (Pfitzinger's longest LT run)
CRUISE_REP_MAX_S = 8 * 60  # Daniels' cruise intervals: 5–8 min (a mile for most runners)
CRUISE_JOG_S = 60  # the jog after each cruise rep
ROUND_M = 100.0  # reps sized by time are rounded to 100 m


@dataclass(frozen=True)
class _Reps:
    rep_m: float
    jog_m: float
    share: float


_REPS = {
    WorkoutType.INTERVALS: (_Reps(1000, 400, INTERVAL_WORK_SHARE), _Reps(800, 400, 0)),
    WorkoutType.REPETITION: (_Reps(400, 400, REPETITION_WORK_SHARE), _Reps(200, 200, 0)),
}


def easy_range(paces: TrainingPaces) -> PaceRange:
    return PaceRange(low=paces.easy_fast, high=paces.easy_slow)


def recovery_range(paces: TrainingPaces) -> PaceRange:
    return PaceRange(low=paces.easy_slow, high=round(paces.easy_slow * RECOVERY_SLOWER, 1))


def around(pace: float, tolerance: float = QUALITY_TOLERANCE) -> PaceRange:
    return PaceRange(low=round(pace - tolerance, 1), high=round(pace + tolerance, 1))


REST_DAY = PlannedWorkout(type=WorkoutType.REST, distance_m=0)  # frozen: one serves every day


@lru_cache(maxsize=4096)  # pure and hashable: plans repeat the same days week after week
def workout(
    kind: WorkoutType,
    distance_m: float,
    paces: TrainingPaces,
    units: Units,
    *,
    pace: float | None = None,
    week_m: float | None = None,
    strides: bool = False,
) -> PlannedWorkout:
    """The day's workout. ``pace`` is the work pace of a marathon-pace session or the race;
    ``week_m`` sizes quality work by the week (Daniels' shares)."""
    if kind is WorkoutType.REST or distance_m <= 0:
        return REST_DAY
    steps = _steps(kind, distance_m, paces, units, pace, week_m, strides)
    main = _main_pace(kind, paces, pace)
    return PlannedWorkout(
        type=kind, distance_m=distance_m, pace_s_per_km=round(main, 1), steps=steps
    )


def _main_pace(kind: WorkoutType, paces: TrainingPaces, pace: float | None) -> float:
    """The one pace a day is known by (analysis and lists): its work pace."""
    by_kind = {
        WorkoutType.EASY: paces.easy,
        WorkoutType.RECOVERY: paces.easy_slow,
        WorkoutType.LONG: (paces.easy + paces.easy_slow) / 2,
        WorkoutType.MEDIUM_LONG: paces.easy,
        WorkoutType.TEMPO: paces.threshold,
        WorkoutType.INTERVALS: paces.interval,
        WorkoutType.REPETITION: paces.repetition,
    }
    return by_kind.get(kind) or pace or paces.marathon


def _steps(
    kind: WorkoutType,
    distance_m: float,
    paces: TrainingPaces,
    units: Units,
    pace: float | None,
    week_m: float | None,
    strides: bool,
) -> tuple[WorkoutStep, ...]:
    if kind is WorkoutType.RACE:
        return (_step(StepKind.WORK, distance_m, around(pace or paces.marathon, RACE_TOLERANCE)),)
    if kind is WorkoutType.RECOVERY:
        return (_step(StepKind.STEADY, distance_m, recovery_range(paces)),)
    if kind in (WorkoutType.EASY, WorkoutType.LONG, WorkoutType.MEDIUM_LONG):
        return _easy(distance_m, paces, units, strides)
    if kind in _REPS:
        return _repeats(kind, distance_m, paces, units, week_m)
    if kind is WorkoutType.TEMPO:
        return _threshold(distance_m, paces, units, week_m)
    return _continuous(distance_m, around(pace or paces.marathon), paces, units, math.inf)


def _step(kind: StepKind, metres: float, pace: PaceRange, **more: object) -> WorkoutStep:
    return WorkoutStep(kind=kind, distance_m=metres, pace=pace, **more)


def _easy(
    distance_m: float, paces: TrainingPaces, units: Units, strides: bool
) -> tuple[WorkoutStep, ...]:
    stride_block = STRIDES * 2 * STRIDE_M
    if not strides or distance_m < MIN_STRIDES_RUN_UNITS * units.metres:
        return (_step(StepKind.STEADY, distance_m, easy_range(paces)),)
    jog = _step(StepKind.RECOVERY, STRIDE_M, recovery_range(paces))
    return (
        _step(StepKind.STEADY, distance_m - stride_block, easy_range(paces)),
        _step(StepKind.STRIDES, STRIDE_M, around(paces.repetition), repeat=STRIDES, recovery=jog),
    )


def _warm_up(distance_m: float, units: Units) -> float:
    """One unit to warm up, 1.5 on long sessions, half a unit on the shortest."""
    if distance_m >= 6 * units.metres:
        return 1.5 * units.metres
    return units.metres if distance_m >= 3 * units.metres else units.metres / 2


def _continuous(
    distance_m: float, work: PaceRange, paces: TrainingPaces, units: Units, most_m: float
) -> tuple[WorkoutStep, ...]:
    """Warm-up, one block at the work pace (whole half-units), cool-down (as long as the
    warm-up when the block is unbounded: marathon pace, Pfitzinger's 1–2 mi either side)."""
    warm = _warm_up(distance_m, units)
    half = units.metres / 2
    room = distance_m - warm - (warm if most_m == math.inf else half)
    block = max(half, math.floor(min(room, most_m) / half + 1e-9) * half)
    return (
        _step(StepKind.WARMUP, warm, easy_range(paces)),
        _step(StepKind.WORK, block, work),
        _step(StepKind.COOLDOWN, distance_m - warm - block, easy_range(paces)),
    )


def _threshold(
    distance_m: float, paces: TrainingPaces, units: Units, week_m: float | None
) -> tuple[WorkoutStep, ...]:
    """T work sized by time (Daniels): up to ~20 min steady; more as cruise intervals of up to
    8 min with 1-min jogs, all of it ≤ 10 % of the week and ≤ 45 min (Pfitzinger)."""
    metres_per_s = METRES_PER_KM / paces.threshold
    warm = _warm_up(distance_m, units)
    room = distance_m - warm - units.metres / 2
    share = THRESHOLD_WORK_SHARE * week_m if week_m else math.inf
    wanted = min(share, T_SESSION_MAX_S * metres_per_s)
    steady_most = STEADY_T_MAX_S * metres_per_s
    rep_m = max(ROUND_M, min(units.metres, _rounded(CRUISE_REP_MAX_S * metres_per_s)))
    jog_m = max(ROUND_M, _rounded(CRUISE_JOG_S * METRES_PER_KM / recovery_range(paces).high))
    count = min(int(wanted // rep_m), int(room // (rep_m + jog_m)), MAX_REPS)
    if wanted <= steady_most or count < 2 or count * rep_m <= steady_most:
        steady = min(wanted, steady_most)
        return _continuous(distance_m, around(paces.threshold), paces, units, steady)
    jog = _step(StepKind.RECOVERY, jog_m, recovery_range(paces))
    block = _step(StepKind.WORK, rep_m, around(paces.threshold), repeat=count, recovery=jog)
    return (
        _step(StepKind.WARMUP, warm, easy_range(paces)),
        block,
        _step(StepKind.COOLDOWN, distance_m - warm - block.total_m, easy_range(paces)),
    )


def _rounded(metres: float) -> float:
    return max(ROUND_M, math.floor(metres / ROUND_M) * ROUND_M)


def _repeats(
    kind: WorkoutType,
    distance_m: float,
    paces: TrainingPaces,
    units: Units,
    week_m: float | None,
) -> tuple[WorkoutStep, ...]:
    """Warm-up, N × (rep + jog) sized by Daniels' share of the week, cool-down (≥ half a unit)."""
    long_reps, short_reps = _REPS[kind]
    work_pace = paces.interval if kind is WorkoutType.INTERVALS else paces.repetition
    warm = _warm_up(distance_m, units)
    room = distance_m - warm - units.metres / 2
    wanted = long_reps.share * week_m if week_m else room
    reps = long_reps if wanted >= 5 * long_reps.rep_m else short_reps
    fits = int(room // (reps.rep_m + reps.jog_m))
    count = min(MAX_REPS, max(2, round(wanted / reps.rep_m)), fits)
    jog = _step(StepKind.RECOVERY, reps.jog_m, recovery_range(paces))
    block = _step(StepKind.WORK, reps.rep_m, around(work_pace), repeat=max(1, count), recovery=jog)
    return (
        _step(StepKind.WARMUP, warm, easy_range(paces)),
        block,
        _step(StepKind.COOLDOWN, distance_m - warm - block.total_m, easy_range(paces)),
    )


@lru_cache(maxsize=256)
def sharpener(distance_m: float, paces: TrainingPaces, units: Units) -> PlannedWorkout:
    """Race-week sharpening for 5k/10k (Bosquet et al. 2007: cut volume, keep intensity):
    up to four 400s at I pace inside an easy run; too short a run gets strides instead."""
    warm = _warm_up(distance_m, units)
    count = min(SHARPENER_REPS, int((distance_m - warm - units.metres / 2) // 800))
    if count < 2:
        return workout(WorkoutType.EASY, distance_m, paces, units, strides=True)
    jog = _step(StepKind.RECOVERY, SHARPENER_REP_M, recovery_range(paces))
    block = _step(
        StepKind.WORK, SHARPENER_REP_M, around(paces.interval), repeat=count, recovery=jog
    )
    steps = (
        _step(StepKind.WARMUP, warm, easy_range(paces)),
        block,
        _step(StepKind.COOLDOWN, distance_m - warm - block.total_m, easy_range(paces)),
    )
    return PlannedWorkout(
        type=WorkoutType.INTERVALS,
        distance_m=distance_m,
        pace_s_per_km=round(paces.interval, 1),
        steps=steps,
    )


def total_m(steps: tuple[WorkoutStep, ...]) -> float:
    return sum(step.total_m for step in steps)
