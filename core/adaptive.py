"""Adaptive 5k: today's 5k fitness from what shows it, anchored on the last race.

Evidence, strongest first:
- races and time trials (a linked race day, or a run the runner noted as a race / time trial):
  the 5k the coach's race model (:mod:`core.prediction`, fitted on recreational runners' real
  results) reads from them at the runner's volume, as a VDOT, hills folded in as equivalent
  flat distance (Scarf 2007: one metre of climb costs about eight metres of flat running);
- the work steps of quality sessions, split from the run's laps or track: a rep at its target
  pace shows exactly the fitness its target came from (the plan's VDOT); faster or slower moves
  it by the oxygen cost of the difference (Daniels: VO2 ∝ pace's oxygen cost);
- easy and long runs only *bound* it: a steady run can't average more than ~84 % of VDOT (about
  marathon pace), so a fast one proves a floor — never above what the same run proves read as
  a race (Daniels–Gilbert); slow ones never pull the estimate down.

The anchor is the last race (or the plan's baseline 5k), not last week's estimate, so an estimate
never drifts on its own: a runner who runs every session as prescribed stays where they were.
Treadmill and indoor runs are left out (their pace is the belt's), and so is evidence more than
15 % away from the anchor (a GPS glitch, a mislabelled run). Recent evidence weighs more
(half-life 14 days, six weeks back); the anchor counts as much as two quality sessions.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from core.fitness import equivalent_time, oxygen_cost, training_paces, vdot
from core.models import Adaptive5kSnapshot, ExecutedDay, Trend, WorkoutType
from core.prediction import DEFAULT_WEEKLY_M, five_k_equivalent_s
from core.units import FIVE_K_M, METRES_PER_KM

WINDOW_DAYS = 42
HALF_LIFE_DAYS = 14.0
ANCHOR_WEIGHT = 6.0
RACE_WEIGHT = 6.0
WORK_WEIGHT = 3.0  # a whole session's work, shared among its reps
GLITCH = 0.15
TREND_THRESHOLD = 0.01
MIN_RUN_M = 1500.0
CLIMB_EQUIVALENT = 8.0  # metres of flat running per metre climbed (Scarf 2007)
STEADY_MAX_SHARE = 0.84  # the highest share of VDOT a steady run of 5 km+ averages
VDOT_RANGE, BISECTIONS = (15.0, 90.0), 20  # to 0.0001 VDOT
STEADY = frozenset(
    {WorkoutType.EASY, WorkoutType.RECOVERY, WorkoutType.LONG, WorkoutType.MEDIUM_LONG}
)


@dataclass(frozen=True)
class Evidence:
    vdot: float
    weight: float
    why: str  # "race", "work" — for the CLI and the curious


def _flat_effort(day: ExecutedDay) -> tuple[float, float] | None:
    """(flat-equivalent metres, seconds) of a run, hills folded in; None: too short to tell."""
    analysis = day.analysis
    pace = analysis.actual_pace_s_per_km
    if pace is None or analysis.actual_m < MIN_RUN_M:
        return None
    seconds = pace * analysis.actual_m / METRES_PER_KM
    return analysis.actual_m + CLIMB_EQUIVALENT * (analysis.climb_m or 0.0), seconds


def race_vdot(day: ExecutedDay, weekly_m: float) -> float | None:
    """A race's or time trial's fitness: the 5k the coach's prediction model reads from it at
    the runner's volume (recreational runners fade more over long races than VDOT's tables
    say, so a marathon read by VDOT alone undersells the runner), as a VDOT."""
    effort = _flat_effort(day)
    if effort is None:
        return None
    return vdot(FIVE_K_M, five_k_equivalent_s(*effort, weekly_m))


def _daniels_vdot(day: ExecutedDay) -> float | None:
    effort = _flat_effort(day)
    return None if effort is None else vdot(*effort)


def work_vdot(day: ExecutedDay, plan_vdot: float) -> list[float]:
    """One VDOT per work rep: the VDOT its target came from, scaled by the rep's oxygen cost
    against the target's."""
    found = []
    for step in day.analysis.steps:
        if step.actual_pace_s_per_km is None:  # never run: it says nothing of fitness
            continue
        source = target_vdot(day.planned.type, step.pace.middle) or plan_vdot
        target = oxygen_cost(METRES_PER_KM / step.pace.middle * 60)
        actual = oxygen_cost(METRES_PER_KM / step.actual_pace_s_per_km * 60)
        found.append(source * actual / target)
    return found


_PACE_OF = {
    WorkoutType.TEMPO: "threshold",
    WorkoutType.INTERVALS: "interval",
    WorkoutType.REPETITION: "repetition",
}


@lru_cache(maxsize=1024)  # a plan's reps share a handful of target paces
def target_vdot(kind: WorkoutType, pace_s_per_km: float) -> float | None:
    """The VDOT whose Daniels pace for ``kind`` is ``pace_s_per_km`` (None: a pace not from the
    tables, e.g. marathon pace set by the race prediction)."""
    field = _PACE_OF.get(kind)
    if field is None:
        return None
    low, high = VDOT_RANGE
    for _ in range(BISECTIONS):  # paces fall as VDOT rises
        middle = (low + high) / 2
        if getattr(training_paces(middle), field) > pace_s_per_km:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def steady_floor(day: ExecutedDay) -> float | None:
    """The least VDOT a steady run of this pace and length shows: at most what it shows
    as a race (a run can't prove more fitness than racing it would)."""
    analysis = day.analysis
    pace = analysis.actual_pace_s_per_km
    if pace is None or analysis.actual_m < FIVE_K_M:
        return None
    as_race = _daniels_vdot(day)
    bound = oxygen_cost(METRES_PER_KM / pace * 60) / STEADY_MAX_SHARE
    return min(bound, as_race) if as_race is not None else bound


@dataclass(frozen=True)
class _Reading:
    """What one linked run says: why it counts (or not), its evidence, the floor it proves."""

    why: str
    found: tuple[Evidence, ...] = ()
    floor: float = 0.0


USED = frozenset({"race", "work", "floor"})


def _read(
    day: ExecutedDay, today: date, anchor: float, plan_vdot: float, weekly_m: float
) -> _Reading:
    age = (today - day.date).days
    if not 0 <= age <= WINDOW_DAYS:
        return _Reading("too old")
    if day.analysis.indoors:
        return _Reading("indoors")
    recency = 0.5 ** (age / HALF_LIFE_DAYS)
    if day.raced:
        value = race_vdot(day, weekly_m)
        if value is None or not _plausible(value, anchor):
            return _Reading("glitch")
        return _Reading("race", (Evidence(value, RACE_WEIGHT * recency, "race"),))
    if day.analysis.steps:
        share = WORK_WEIGHT * recency / len(day.analysis.steps)
        reps = [v for v in work_vdot(day, plan_vdot) if _plausible(v, anchor)]
        found = tuple(Evidence(v, share, "work") for v in reps)
        return _Reading("work" if found else "glitch", found)
    bound = steady_floor(day) if day.planned.type in STEADY else None
    if bound is None or not _plausible(bound, anchor):
        return _Reading("steady" if bound is None or bound < anchor else "glitch")
    return _Reading("floor" if bound > anchor else "steady", floor=bound)


def evidence(
    executed: Iterable[ExecutedDay],
    today: date,
    anchor: float,
    plan_vdot: float,
    weekly_m: float = DEFAULT_WEEKLY_M,
) -> tuple[list[Evidence], float]:
    """The weighed evidence of the last six weeks, and the floor steady runs prove."""
    readings = [_read(day, today, anchor, plan_vdot, weekly_m) for day in executed]
    found = [e for reading in readings for e in reading.found]
    return found, max((reading.floor for reading in readings), default=0.0)


def reasons(
    executed: Iterable[ExecutedDay],
    today: date,
    baseline_5k_s: float,
    plan_vdot: float,
    weekly_m: float = DEFAULT_WEEKLY_M,
) -> list[str]:
    """Why each run counts or not: race, work, floor, steady, indoors, glitch, too old."""
    days = list(executed)
    anchor = anchor_vdot(days, baseline_5k_s, weekly_m)
    return [_read(day, today, anchor, plan_vdot, weekly_m).why for day in days]


def _plausible(value: float, anchor: float) -> bool:
    return abs(value / anchor - 1) <= GLITCH


def anchor_vdot(
    executed: Iterable[ExecutedDay], baseline_5k_s: float, weekly_m: float = DEFAULT_WEEKLY_M
) -> float:
    """The last race's fitness, else the baseline 5k's."""
    races = sorted((d for d in executed if d.raced), key=lambda d: d.date)
    for day in reversed(races):
        value = race_vdot(day, weekly_m)
        if value is not None:
            return value
    return vdot(FIVE_K_M, baseline_5k_s)


def estimate_vdot(
    executed: Iterable[ExecutedDay],
    today: date,
    baseline_5k_s: float,
    plan_vdot: float,
    weekly_m: float = DEFAULT_WEEKLY_M,
) -> tuple[float, int]:
    """(VDOT, pieces of evidence used): the anchor and the evidence, weighed; at least the
    floor steady runs prove. ``weekly_m``: the runner's volume, which a race is read at."""
    days = list(executed)
    anchor = anchor_vdot(days, baseline_5k_s, weekly_m)
    found, floor = evidence(days, today, anchor, plan_vdot, weekly_m)
    total = ANCHOR_WEIGHT + sum(e.weight for e in found)
    value = (ANCHOR_WEIGHT * anchor + sum(e.vdot * e.weight for e in found)) / total
    return max(value, floor), len(found)


def snapshot(
    executed: Iterable[ExecutedDay],
    today: date,
    week_index: int,
    baseline_5k_s: float,
    plan_vdot: float,
    previous: Adaptive5kSnapshot | None = None,
    weekly_m: float = DEFAULT_WEEKLY_M,
) -> Adaptive5kSnapshot:
    """This week's adaptive 5k and its trend against the previous snapshot (or the baseline)."""
    value, used = estimate_vdot(executed, today, baseline_5k_s, plan_vdot, weekly_m)
    seconds = round(equivalent_time(value, FIVE_K_M))
    reference = previous.seconds if previous else baseline_5k_s
    return Adaptive5kSnapshot(
        week_index=week_index,
        taken_on=today,
        seconds=seconds,
        vdot=round(value, 2),
        runs_used=used,
        trend=trend(reference, seconds),
    )


def trend(before_s: float, now_s: float) -> Trend:
    if now_s < before_s * (1 - TREND_THRESHOLD):
        return Trend.IMPROVING
    if now_s > before_s * (1 + TREND_THRESHOLD):
        return Trend.DECLINING
    return Trend.STEADY
