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

EARLIEST_YEAR = 1980  # before GPS watches and before any runner's history we could import
MIN_RUN_KMH, MAX_RUN_KMH = 1.5, 25.0
MAX_DURATION_S = 48 * 3600  # a 24 h race and then some; longer is a forgotten stop button


def check_plausible(activity: AthleteActivity, today: date) -> None:
    """Raise :class:`InvalidInput` (a sentence for the runner) for an implausible activity;
    ``today`` is the runner's local date."""
    if activity.local_date.year < EARLIEST_YEAR:
        raise InvalidInput(f"That activity is dated {activity.local_date:%Y}: before my time.")
    if activity.local_date > today:
        raise InvalidInput(
            f"That activity is dated {activity.local_date:%d %b %Y}, which hasn't happened yet. "
            "Is your watch's clock right?"
        )
    if activity.duration_s <= 0 or activity.duration_s > MAX_DURATION_S:
        raise InvalidInput("That activity's duration doesn't look right (zero or over 48 hours).")
    if not activity.is_run:
        return
    if activity.distance_m <= 0:
        raise InvalidInput("That run has no distance in it.")
    kmh = activity.distance_m / 1000 / (activity.time_s / 3600)
    if not MIN_RUN_KMH <= kmh <= MAX_RUN_KMH:
        raise InvalidInput(
            f"That's {kmh:.1f} km/h, outside what a run can be ({MIN_RUN_KMH:g}–{MAX_RUN_KMH:g} "
            "km/h). Was it a ride, or a GPS glitch?"
        )
