"""Is an imported activity something a person actually ran? Refuse what cannot be true before
it is stored: a wrong date or a GPS glitch would skew the matcher, the adaptive 5k and every
progress chart after it.

The speed band is deliberately wide. 25 km/h (2:24/km) is beyond every road record — Kiptum's
2:00:35 marathon averages 21.0 km/h and the 5000 m record (12:35, Cheptegei) 23.8 km/h — so a
faster "run" is a bike or a car. 1.5 km/h (40:00/km) is slower than a steady walk (~5 km/h,
Bohannon 1997), a run with long stops included still clears it.
"""

from datetime import date

from core.errors import InvalidInput
from core.models import AthleteActivity
from core.sports import TOO_FAST, beyond_running

EARLIEST_YEAR = 1980  # before GPS watches and before any runner's history we could import
MIN_RUN_KMH, MAX_RUN_KMH = 1.5, 25.0
MAX_DURATION_S = 48 * 3600  # a 24 h race and then some; longer is a forgotten stop button


def admit(activity: AthleteActivity, today: date) -> AthleteActivity:
    """The one gate every activity passes, from the bot or the CLI: a "run" faster than the
    world record for its distance (over its elapsed time, pauses and all) but within the band
    below is kept as what it must have been — not a run (a ride the file didn't label) — and
    then the checks below, which refuse what is faster still (a GPS glitch, a typo)."""
    kmh = _kmh(activity.distance_m, activity.duration_s)
    too_fast = beyond_running(activity.distance_m, activity.duration_s)
    if activity.is_run and too_fast and kmh <= MAX_RUN_KMH:
        activity = activity.model_copy(update={"sport": TOO_FAST})
    check_plausible(activity, today)
    return activity


def check_plausible(activity: AthleteActivity, today: date) -> None:
    """Raise :class:`InvalidInput` (a code and its values) for an implausible activity;
    ``today`` is the runner's local date."""
    if activity.local_date.year < EARLIEST_YEAR:
        raise InvalidInput("activity_too_old", on=activity.local_date)
    if activity.local_date > today:
        raise InvalidInput("activity_in_future", on=activity.local_date)
    if activity.duration_s <= 0 or activity.duration_s > MAX_DURATION_S:
        raise InvalidInput("activity_duration_odd")
    if not activity.is_run:
        return
    if activity.distance_m <= 0:
        raise InvalidInput("run_without_distance")
    kmh = _kmh(activity.distance_m, activity.time_s)
    if not MIN_RUN_KMH <= kmh <= MAX_RUN_KMH:
        raise InvalidInput("run_speed_odd", kmh=kmh, low=MIN_RUN_KMH, high=MAX_RUN_KMH)


def _kmh(metres: float, seconds: float) -> float:
    return metres / 1000 / (seconds / 3600) if seconds > 0 else float("inf")
