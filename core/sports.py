"""What sport an activity is, from every signal its file has, and in words a runner reads.

Files say it in many ways: FIT's ``sport`` and ``sub_sport``, TCX's ``Sport`` attribute, GPX's
``<type>`` (Strava writes numbers: 1 a ride, 9 a run, 16 a swim), the app that wrote it
("Urban Biker") and the name the runner gave it ("Cycling 10/2/17", "Morning Ride"). The most
specific signal wins: a sport the file states, then words in its names. Speed settles the rest
(:func:`beyond_running`): nobody runs faster than the world record for the distance.
"""

import itertools
import math
import re
from collections.abc import Iterable

RUNNING = "running"
TOO_FAST = "too_fast"  # recorded as a run, faster than any human runs: a ride, a car, a train

# Strava's activity type numbers in its GPX exports
STRAVA_TYPES = {
    "1": "cycling",
    "2": "alpine_skiing",
    "4": "hiking",
    "9": RUNNING,
    "10": "walking",
    "16": "swimming",
    "17": "cycling",
    "19": "cross_country_skiing",
}
# words in a stated sport, an app's name or a track's name → the sport they mean (first match)
WORDS = (
    (("treadmill", "indoor run"), "treadmill_running"),
    (("trail run", "trail_run"), "trail_running"),
    (("run", "jog", "marathon", "parkrun"), RUNNING),
    (("ride", "cycl", "bike", "biking", "biker", "mtb", "velo", "gravel"), "cycling"),
    (("swim", "pool", "open water"), "swimming"),
    (("hike", "hiking", "trek"), "hiking"),
    (("walk",), "walking"),
    (("row",), "rowing"),
    (("ski",), "skiing"),
    (("transition",), "transition"),
    (("training", "strength", "fitness", "yoga", "cardio", "elliptical"), "cross_training"),
)
UNSPECIFIC = frozenset({"", "generic", "other", "all", "unknown", "multisport"})


def sport_of(stated: Iterable[str | None], names: Iterable[str | None] = ()) -> str:
    """The sport, from what the file states (a sport field, a type) and then from names (the
    app, the track); ``running`` when nothing says otherwise, as most files sent to a running
    coach are runs."""
    for signal in (*stated, *names):
        found = _read(signal)
        if found is not None:
            return found
    return RUNNING


def _read(signal: str | None) -> str | None:
    text = (signal or "").strip().lower()
    if text in STRAVA_TYPES:
        return STRAVA_TYPES[text]
    if text in UNSPECIFIC:
        return None
    words = re.sub(r"[_\-/]+", " ", text)
    for needles, sport in WORDS:
        if any(_has(words, needle) for needle in needles):
            return sport
    return None


def _has(text: str, needle: str) -> bool:
    """``needle`` at the start of a word ("run" in "morning run", "running"; not "brunch")."""
    return re.search(rf"(?<![a-z]){re.escape(needle)}", text) is not None


# World records (men's, road or track) as (metres, seconds): a run faster than the record for
# its distance, interpolated on log-log axes, was not run on foot.
WORLD_RECORDS = (
    (1_500, 3 * 60 + 26),  # El Guerrouj 1998
    (5_000, 12 * 60 + 35),  # Cheptegei 2020
    (10_000, 26 * 60 + 11),  # Cheptegei 2020
    (21_097.5, 57 * 60 + 30),  # Kiplimo 2024
    (42_195, 2 * 3600 + 35),  # Kiptum 2023
    (100_000, 6 * 3600 + 5 * 60 + 41),  # Sakai 2025 (100 km road)
    (303_506, 24 * 3600),  # Sorokin 2022 (24 h)
)


def record_s(distance_m: float) -> float:
    """The world record for ``distance_m``, interpolated (extrapolated at the ends)."""
    pairs = list(itertools.pairwise(WORLD_RECORDS))
    # the segment holding it, or the last one
    lower, upper = next(((a, b) for a, b in pairs if distance_m <= b[0]), pairs[-1])
    slope = math.log(upper[1] / lower[1]) / math.log(upper[0] / lower[0])
    return lower[1] * (distance_m / lower[0]) ** slope


def beyond_running(distance_m: float, time_s: float) -> bool:
    """Faster than the world record for the distance: a bike, a car, a watch on a train."""
    if distance_m <= 0 or time_s <= 0:
        return False
    shortest_m, shortest_s = WORLD_RECORDS[0]
    if distance_m < shortest_m:  # a short effort: at most the 1500 m record's speed
        return time_s < shortest_s * distance_m / shortest_m
    return time_s < record_s(distance_m)
