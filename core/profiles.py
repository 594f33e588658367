"""Per-distance plan norms, drawn from well-known training books (running-science.md).

Every number the plan generator leans on lives here, with its reason.
"""

from dataclasses import dataclass

from core.models import RaceType, WorkoutType
from core.units import HALF_MARATHON_M, TEN_K_M


@dataclass(frozen=True)
class DistanceProfile:
    race_type: RaceType
    hard_min_weeks: int  # below this we refuse: no safe build + taper fits
    recommended_min_weeks: int  # below this the plan is built but flagged "shortened"
    max_weeks: int  # beyond this a maintenance lead-in fills the gap
    taper_weeks_long: int  # taper length for a full-length plan
    taper_weeks_short: int  # ... and for a shortened one
    peak_goal_miles: float  # weekly volume a plan aims for at peak (never forced on a runner)
    long_run_cap_miles: float  # absolute long-run cap
    long_run_cap_minutes: float  # Daniels: 150 min; marathoners get 180
    run_floor_miles: float  # the shortest run worth lacing up for, sets the starting floor
    taper_factors: tuple[float, ...]  # pre-race-week taper volume, share of peak, in order
    race_week_factor: float  # race-week running besides the race, share of peak
    primary_quality: WorkoutType
    secondary_quality: WorkoutType


PROFILES = {
    RaceType.FIVE_K: DistanceProfile(
        RaceType.FIVE_K,
        4,
        8,
        12,
        1,
        1,
        25,
        10,
        150,
        2.0,
        (),
        0.5,
        WorkoutType.INTERVALS,
        WorkoutType.TEMPO,
    ),
    RaceType.TEN_K: DistanceProfile(
        RaceType.TEN_K,
        4,
        8,
        14,
        1,
        1,
        30,
        12,
        150,
        2.0,
        (),
        0.45,
        WorkoutType.TEMPO,
        WorkoutType.INTERVALS,
    ),
    RaceType.HALF: DistanceProfile(
        RaceType.HALF,
        6,
        10,
        16,
        2,
        1,
        35,
        14,
        150,
        2.5,
        (0.7,),
        0.4,
        WorkoutType.TEMPO,
        WorkoutType.INTERVALS,
    ),
    RaceType.MARATHON: DistanceProfile(
        RaceType.MARATHON,
        8,
        12,
        20,
        3,
        2,
        45,
        20,
        180,
        3.0,
        (0.75, 0.6),
        0.3,
        WorkoutType.TEMPO,
        WorkoutType.MARATHON_PACE,
    ),
}
LONG_TAPER_FROM_WEEKS = {RaceType.MARATHON: 16, RaceType.HALF: 8}


def profile_for(race_type: RaceType, distance_m: float) -> DistanceProfile:
    """A custom distance trains like the nearest standard distance at or above it."""
    if race_type is not RaceType.CUSTOM:
        return PROFILES[race_type]
    if distance_m > HALF_MARATHON_M * 1.2:
        return PROFILES[RaceType.MARATHON]
    if distance_m > TEN_K_M * 1.2:
        return PROFILES[RaceType.HALF]
    if distance_m > 6000:
        return PROFILES[RaceType.TEN_K]
    return PROFILES[RaceType.FIVE_K]


def taper_weeks(profile: DistanceProfile, core_weeks: int) -> int:
    long_from = LONG_TAPER_FROM_WEEKS.get(profile.race_type)
    if long_from is not None and core_weeks >= long_from:
        return profile.taper_weeks_long
    return profile.taper_weeks_short


def taper_factors(profile: DistanceProfile, taper_len: int) -> tuple[float, ...]:
    """The pre-race-week taper steps, the last ``taper_len - 1`` of the profile's."""
    steps = taper_len - 1
    if steps <= 0:
        return ()
    if steps >= len(profile.taper_factors):
        return profile.taper_factors
    return (round(sum(profile.taper_factors) / len(profile.taper_factors), 2),) * steps


# Long run share of the week: Daniels' 30 % (≤ 40 mi/week). With three or four runs the long run
# is necessarily more than a third or a quarter of the week, so the cap widens.
LONG_SHARE_BY_RUNS = {1: 1.0, 2: 0.5, 3: 0.4, 4: 0.35}
DEFAULT_LONG_SHARE = 0.30
GROWTH = 1.10  # at most +10 % week over week
CUTBACK_FACTOR = 0.75  # a down week at -25 %
CUTBACK_EVERY = 4  # every 4th week (TrainingPeaks; Higdon uses every 3rd)
PER_RUN_DAY_MAX_MILES = 10.0  # weekly volume a plan carries per run day
ABSOLUTE_PEAK_MILES = 80.0
QUALITY_SHARE = 0.2  # a quality session incl. warm-up and cool-down, share of the week
QUALITY_MIN_MILES = 3.0  # shorter than this is not worth the warm-up
QUALITY_MAX_MILES = 10.0
THRESHOLD_SHARE = 0.10  # Daniels: T work ≤ 10 % of weekly mileage per session
INTERVAL_SHARE = 0.08  # Daniels: I work ≤ 8 %
RECOVERY_WEIGHT = 0.7  # the day after the long run is a shorter, slower one


def long_share(runs_in_week: int) -> float:
    return LONG_SHARE_BY_RUNS.get(runs_in_week, DEFAULT_LONG_SHARE)
