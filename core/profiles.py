"""Per-distance plan norms, drawn from well-known training books (running-science.md).

Every number the plan generator leans on lives here, with its reason.
"""

from dataclasses import dataclass

from core.models import RaceType, WorkoutType
from core.units import HALF_MARATHON_M, METRES_PER_MILE, TEN_K_M


@dataclass(frozen=True)
class Level:
    """Where a runner's current weekly volume puts them, for one distance."""

    name: str
    peak_miles: float  # weekly peak a plan aims for at least (experienced: 30 % over the start)
    long_aim_miles: float  # the long run the plan builds towards


@dataclass(frozen=True)
class DistanceProfile:
    race_type: RaceType
    hard_min_weeks: int  # below this we refuse: no safe build + taper fits
    recommended_min_weeks: int  # below this the plan is built but flagged "shortened"
    max_weeks: int  # beyond this a base lead-in fills the gap
    taper_weeks_long: int  # taper length for a full-length plan
    taper_weeks_short: int  # ... and for a shortened one
    levels: tuple[Level, Level, Level]  # novice, intermediate, advanced
    level_from_miles: tuple[float, float]  # weekly volume where intermediate / advanced start
    long_run_min_miles: float  # a plan that cannot reach this by race day is "not ready"
    # ... unless the runner is slow enough for the time cap to bind first; then at least:
    ready_floor_miles: float
    ready_minutes: float | None  # 5k/10k: time on feet (at long-run pace) instead of miles
    long_run_cap_miles: float  # absolute long-run cap
    long_run_cap_minutes: float  # at planned pace
    run_floor_miles: float  # the shortest run worth lacing up for, sets the starting floor
    taper_factors: tuple[float, ...]  # pre-race-week taper volume, share of peak, in order
    race_week_factor: float  # race-week running besides the race, share of peak
    primary_quality: WorkoutType
    secondary_quality: WorkoutType
    build_quality: tuple[WorkoutType, WorkoutType]  # the build phase's two sessions

    @property
    def short(self) -> bool:
        """5k and 10k: strides in base, sharpening in race week."""
        return self.race_type in (RaceType.FIVE_K, RaceType.TEN_K)

    def level(self, weekly_miles: float) -> Level:
        intermediate, advanced = self.level_from_miles
        if weekly_miles >= advanced:
            return self.levels[2]
        return self.levels[1] if weekly_miles >= intermediate else self.levels[0]


# Levels: peak weekly volume and long-run aim of the nearest published plans.
# Marathon: Higdon Novice 1 (peak ~40 mi, long run 20), Pfitzinger & Douglas 18/55 (20 mi,
# medium-long runs), 18/70 (20–22 mi). Half: Higdon Half Novice 1 (10 mi long run, ~25 mi/week),
# Intermediate (12 mi), Pfitzinger's half plans (to ~14–15 mi). 5k/10k: Daniels' and Higdon's
# 5k/10k plans (long runs 6–10 mi, 20–40 mi/week).
PROFILES = {
    RaceType.FIVE_K: DistanceProfile(
        race_type=RaceType.FIVE_K,
        hard_min_weeks=4,
        recommended_min_weeks=8,
        max_weeks=12,
        taper_weeks_long=1,
        taper_weeks_short=1,
        levels=(Level("novice", 18, 6), Level("intermediate", 25, 8), Level("advanced", 30, 10)),
        level_from_miles=(12, 25),
        long_run_min_miles=6,
        ready_floor_miles=0,
        ready_minutes=45,
        long_run_cap_miles=10,
        long_run_cap_minutes=120,
        run_floor_miles=2.0,
        taper_factors=(),
        race_week_factor=0.5,
        primary_quality=WorkoutType.INTERVALS,
        secondary_quality=WorkoutType.TEMPO,
        build_quality=(WorkoutType.REPETITION, WorkoutType.TEMPO),
    ),
    RaceType.TEN_K: DistanceProfile(
        race_type=RaceType.TEN_K,
        hard_min_weeks=4,
        recommended_min_weeks=8,
        max_weeks=14,
        taper_weeks_long=1,
        taper_weeks_short=1,
        levels=(Level("novice", 20, 7), Level("intermediate", 30, 9), Level("advanced", 35, 12)),
        level_from_miles=(15, 30),
        long_run_min_miles=7,
        ready_floor_miles=0,
        ready_minutes=60,
        long_run_cap_miles=12,
        long_run_cap_minutes=120,
        run_floor_miles=2.0,
        taper_factors=(),
        race_week_factor=0.45,
        primary_quality=WorkoutType.TEMPO,
        secondary_quality=WorkoutType.INTERVALS,
        build_quality=(WorkoutType.REPETITION, WorkoutType.TEMPO),
    ),
    RaceType.HALF: DistanceProfile(
        race_type=RaceType.HALF,
        hard_min_weeks=6,
        recommended_min_weeks=10,
        max_weeks=16,
        taper_weeks_long=2,
        taper_weeks_short=1,
        levels=(Level("novice", 25, 11), Level("intermediate", 35, 12), Level("advanced", 40, 14)),
        level_from_miles=(15, 30),
        long_run_min_miles=10,
        ready_floor_miles=0,
        ready_minutes=None,
        long_run_cap_miles=14,
        long_run_cap_minutes=135,
        run_floor_miles=2.5,
        taper_factors=(0.7,),
        race_week_factor=0.4,
        primary_quality=WorkoutType.TEMPO,
        secondary_quality=WorkoutType.INTERVALS,
        build_quality=(WorkoutType.TEMPO, WorkoutType.INTERVALS),
    ),
    RaceType.MARATHON: DistanceProfile(
        race_type=RaceType.MARATHON,
        hard_min_weeks=8,
        recommended_min_weeks=12,
        max_weeks=20,
        taper_weeks_long=3,
        taper_weeks_short=2,
        levels=(Level("novice", 40, 20), Level("intermediate", 55, 20), Level("advanced", 55, 22)),
        # Pfitzinger's 18/55 opens at ~33 mi/week; below 25 a runner is Higdon Novice's
        level_from_miles=(25, 40),
        long_run_min_miles=16,
        ready_floor_miles=14,
        ready_minutes=None,
        long_run_cap_miles=22,
        long_run_cap_minutes=180,
        run_floor_miles=3.0,
        taper_factors=(0.75, 0.6),
        race_week_factor=0.3,
        primary_quality=WorkoutType.TEMPO,
        secondary_quality=WorkoutType.MARATHON_PACE,
        build_quality=(WorkoutType.TEMPO, WorkoutType.MARATHON_PACE),
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


# The long run's share of the week. Daniels' 25–30 % holds for runners with six or seven days;
# with fewer days published novice plans run 45–50 % (Higdon Novice 1: a 20-miler in a ~40-mile,
# four-run week), so the cap widens as the runs get fewer. Time and distance caps still bind.
LONG_SHARE_MAX_BY_RUNS = {1: 1.0, 2: 0.6, 3: 0.5, 4: 0.5, 5: 0.42, 6: 0.38}
DEFAULT_LONG_SHARE_MAX = 0.35
LOW_VOLUME_LONG_SHARE, LOW_VOLUME_MILES = 0.5, 40.0
# A runner's longest recent run when they can't say: a usual share of their week.
TYPICAL_LONG_SHARE = {3: 0.4, 4: 0.35}
DEFAULT_TYPICAL_LONG_SHARE = 0.3
# Frandsen et al. 2025 (BJSM, 5,200 runners): a session > 10 % longer than the longest run of
# the previous 30 days raised injury rates. Below 5 units one half-unit step is allowed (it is
# inside a run's day-to-day variation: 3 → 3.5 mi).
SPIKE_LIMIT = 1.10
SPIKE_WINDOW_WEEKS = 4  # 30 days, in whole weeks of a fixed long-run day
# A non-runner's first week: three run/walk outings of ~25 min (couch-to-5k week 1, Galloway)
NEW_RUNNER_WEEK_MILES = 5.0
# Runs of 20 mi or more: ~2–3 in Higdon's Novice/Intermediate plans, ~5 in Pfitzinger's 18/70
VERY_LONG_MILES = 20.0
VERY_LONG_MAX_RUNS = 5
PEAK_GROWTH = 1.3  # experienced runners peak 20–30 % above where they start (Pfitzinger)
LEAD_IN_SHARE_OF_PEAK = 0.7  # a base lead-in builds volume up to this share of the peak
MEDIUM_LONG_FROM_MILES = 40.0  # Pfitzinger: a mid-week medium-long run from ~40 mi/week
MEDIUM_LONG_SHARE = 0.65  # of the week's long run (Pfitzinger 11–15 mi beside 18–20)
MEDIUM_LONG_MAX_MILES = 15.0
MEDIUM_LONG_MAX_MINUTES = 120.0  # Pfitzinger's 11–15 mi at easy pace, for faster runners
# An easy run stays shorter than the week's long run and under 90 min (Pfitzinger's general
# aerobic runs: up to ~10 mi); volume that the run days can't hold so is not run.
EASY_MAX_MINUTES = 90.0
RACE_PACE_OF_EASY_MAX = 0.97  # race and marathon pace: at least 3 % faster than easy's fast end
GOAL_MARGIN = 0.05  # a goal this much faster than the prediction gets a warning and a suggestion
GROWTH = 1.10  # at most +10 % week over week
CUTBACK_FACTOR = 0.75  # a down week at -25 %
CUTBACK_EVERY = 4  # every 4th week (TrainingPeaks; Higdon uses every 3rd)
PER_RUN_DAY_MAX_MILES = 12.0  # weekly volume a plan carries per run day (18/70: 70 on 6 days)
ABSOLUTE_PEAK_MILES = 80.0
QUALITY_SHARE = 0.2  # a quality session incl. warm-up and cool-down, share of the week
QUALITY_MIN_MILES = 3.0  # shorter than this is not worth the warm-up
QUALITY_MAX_MILES = 10.0
RECOVERY_WEIGHT = 0.7  # the day after the long run is a shorter, slower one
STRIDE_DAYS = 2  # 5k/10k base weeks: strides after two easy runs (Daniels phase I)


def long_share_max(runs_in_week: int) -> float:
    return LONG_SHARE_MAX_BY_RUNS.get(runs_in_week, DEFAULT_LONG_SHARE_MAX)


def long_run_cap_of_week_m(week_m: float, runs_in_week: int) -> float:
    """The longest long run a week of ``week_m`` allows: its share by run days, and up to
    half of the first 40 mi whatever the days (Higdon Novice 1: a 20-miler in a ~40-mile
    week), so more run days never shorten the long run a low-volume runner needs."""
    low_volume = LOW_VOLUME_LONG_SHARE * min(week_m, LOW_VOLUME_MILES * METRES_PER_MILE)
    return max(long_share_max(runs_in_week) * week_m, low_volume)


def typical_long_share(runs_in_week: int) -> float:
    return TYPICAL_LONG_SHARE.get(runs_in_week, DEFAULT_TYPICAL_LONG_SHARE)
