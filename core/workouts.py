"""A day's prescription with its human description, in the runner's units."""

from functools import lru_cache

from core.models import PlannedWorkout, WorkoutType
from core.parsing import format_distance, format_pace
from core.units import Units

REP_SHORT_M, REP_LONG_M = 800, 1000
THRESHOLD_WORK_SHARE = 0.10  # Daniels: T ≤ 10 % of the week per session
INTERVAL_WORK_SHARE = 0.08  # Daniels: I ≤ 8 %


@lru_cache(maxsize=4096)  # pure and hashable: plans repeat the same days week after week
def describe(
    kind: WorkoutType,
    distance_m: float,
    pace: float | None,
    units: Units,
    *,
    easy_pace: float | None = None,
    week_m: float | None = None,
    shakeout: bool = False,
    race_name: str | None = None,
) -> PlannedWorkout:
    text = _text(kind, distance_m, pace, units, easy_pace, week_m, shakeout, race_name)
    return PlannedWorkout(
        type=kind,
        distance_m=distance_m,
        pace_s_per_km=None if kind is WorkoutType.REST else round(pace or 0, 1) or None,
        description=text,
    )


def _text(
    kind: WorkoutType,
    distance_m: float,
    pace: float | None,
    units: Units,
    easy_pace: float | None,
    week_m: float | None,
    shakeout: bool,
    race_name: str | None,
) -> str:
    d = format_distance(distance_m, units)
    p = format_pace(pace, units) if pace else ""
    if kind is WorkoutType.REST:
        return "Rest day: sleep well, eat well, maybe some mobility work."
    if kind is WorkoutType.RACE:
        name = race_name or "your race"
        return f"Race day — {name}! {d} at {p}. Start controlled, settle in, finish strong."
    if kind is WorkoutType.EASY:
        if shakeout:
            return f"Shakeout {d} easy at {p} with 4 relaxed strides; save your legs."
        return f"Easy {d} at {p}: conversational, you could chat the whole way."
    if kind is WorkoutType.RECOVERY:
        return f"Recovery {d} at {p} or slower: loosen up after the long run."
    if kind is WorkoutType.LONG:
        return f"Long run {d} at {p}, steady and relaxed: this builds your endurance."
    return _quality_text(kind, distance_m, p, units, easy_pace, week_m)


def _quality_text(
    kind: WorkoutType,
    distance_m: float,
    pace_text: str,
    units: Units,
    easy_pace: float | None,
    week_m: float | None,
) -> str:
    warm = units.metres * (1.5 if distance_m >= 6 * units.metres else 1.0)
    share = INTERVAL_WORK_SHARE if kind is WorkoutType.INTERVALS else THRESHOLD_WORK_SHARE
    room = max(distance_m - 2 * warm, units.metres / 2)
    work = min(room, share * week_m) if week_m else room
    easy = f" at {format_pace(easy_pace, units)}" if easy_pace else ""
    cool = format_distance(distance_m - warm - work, units)
    head = f"{format_distance(warm, units)} easy warm-up{easy}, "
    tail = f", {cool} easy cool-down."
    if kind is WorkoutType.INTERVALS:
        rep = REP_SHORT_M if work < 6 * REP_SHORT_M else REP_LONG_M
        reps = max(3, min(10, round(work / rep)))
        return f"Intervals: {head}{reps} × {rep} m at {pace_text} with 2–3 min jog recoveries{tail}"
    if kind is WorkoutType.MARATHON_PACE:
        return f"Marathon pace: {head}{format_distance(work, units)} at {pace_text}{tail}"
    return (
        f"Threshold: {head}{format_distance(work, units)} at {pace_text} "
        f"(comfortably hard; split it with 1 min jogs if you like){tail}"
    )
