"""Parse what runners type (durations, paces, distances, dates) and format values back.

Every parser raises :class:`InvalidInput` with a code (and what was typed, to quote back).
"""

import math
import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from core.errors import InvalidInput
from core.units import (
    FIVE_K_M,
    HALF_MARATHON_M,
    MARATHON_M,
    METRES_PER_KM,
    METRES_PER_MILE,
    TEN_K_M,
    Units,
)

_COLON = re.compile(r"^(\d{1,3}):(\d{1,2})(?::(\d{1,2}))?$")
_UNITS = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>hours?|hrs|hr|h|minutes?|mins|min|m|seconds?|secs|sec|s)"
)
MAX_DURATION_S = 7 * 24 * 3600  # longer than any run or race a coach plans


def parse_duration(text: str, *, hours_first: bool = False) -> int:
    """Seconds from ``20:00``, ``1:45:30``, ``3h30``, ``3h 30m``, ``45min`` or ``90s``.

    ``hours_first`` reads a two-part ``3:30`` as hours:minutes (goal times of long races).
    """
    cleaned = text.strip().lower().replace(" ", "")
    if not cleaned:
        raise InvalidInput("time_missing")
    match = _COLON.match(cleaned)
    exact = _colon_seconds(match, hours_first) if match else _unit_seconds(cleaned)
    if not math.isfinite(exact) or exact > MAX_DURATION_S:  # "1"*320 + "h" overflows a float
        raise InvalidInput("time_over_week")
    seconds = round(exact)
    if seconds <= 0:
        raise InvalidInput("time_not_positive")
    return seconds


def _colon_seconds(match: re.Match[str], hours_first: bool) -> int:
    a, b, c = (int(g) if g is not None else None for g in match.groups())
    assert a is not None and b is not None
    if c is None:
        hours, minutes, seconds = (a, b, 0) if hours_first else (0, a, b)
        if hours_first and minutes >= 60:
            raise InvalidInput("time_hours_minutes_over_59", hours=a, minutes=b)
    else:
        hours, minutes, seconds = a, b, c
        if minutes >= 60:
            raise InvalidInput("time_minutes_over_59", minutes=minutes)
    if seconds >= 60:
        raise InvalidInput("time_seconds_over_59", seconds=seconds)
    return hours * 3600 + minutes * 60 + seconds


def _unit_seconds(cleaned: str) -> float:
    # "3h30" means 3 h 30 min: a trailing bare number after hours is minutes.
    trailing = re.match(r"^(\d+)h(\d{1,2})$", cleaned)
    if trailing:
        return int(trailing.group(1)) * 3600 + _checked_minutes(int(trailing.group(2))) * 60
    parts = list(_UNITS.finditer(cleaned))
    if not parts or "".join(p.group(0) for p in parts) != cleaned:
        raise InvalidInput("time_unreadable", text=cleaned)
    total = 0.0
    for part in parts:
        value, unit = float(part.group("num")), part.group("unit")
        factor = 3600 if unit.startswith("h") else 60 if unit.startswith("m") else 1
        total += value * factor
    return total


def _checked_minutes(minutes: int) -> int:
    if minutes >= 60:
        raise InvalidInput("time_minutes_over_59", minutes=minutes)
    return minutes


_PACE = re.compile(
    r"^(\d{1,2}):(\d{2})\s*(?:min)?\s*(?:/|per)?\s*(km|k|kilometers?|mi|mile|miles)?$"
)
MIN_PACE_S_PER_KM = 120  # 2:00/km: faster than any human over distance
MAX_PACE_S_PER_KM = 1200  # 20:00/km: slower is walking, not running


def parse_pace(text: str, default_units: Units | None = None) -> float:
    """Seconds per kilometre from ``8:30/mi``, ``5:10/km``, ``5:10 min/km`` or ``8:30``."""
    cleaned = text.strip().lower()
    match = _PACE.match(cleaned)
    if not match:
        raise InvalidInput("pace_unreadable", text=text)
    minutes, seconds, unit = int(match.group(1)), int(match.group(2)), match.group(3)
    if seconds >= 60:
        raise InvalidInput("pace_seconds_over_59", seconds=seconds)
    units = _units_word(unit) if unit else default_units
    if units is None:
        raise InvalidInput("pace_units_missing")
    per_km = (minutes * 60 + seconds) * METRES_PER_KM / units.metres
    if not MIN_PACE_S_PER_KM <= per_km <= MAX_PACE_S_PER_KM:
        raise InvalidInput("pace_out_of_range")
    return per_km


def _units_word(word: str) -> Units:
    return Units.MI if word.startswith("mi") else Units.KM


_UNITS_ANSWER = re.compile(r"^(km|kms|k|kilomet(er|re)s?|metric|mi|mile|miles|imperial)$")


def parse_units(text: str) -> Units:
    """Kilometres or miles, typed: ``km``, ``Kilometres``, ``miles``, ``mi``."""
    cleaned = text.strip().lower().rstrip(".!")
    if not _UNITS_ANSWER.match(cleaned):
        raise InvalidInput("units_unreadable", text=text)
    return Units.MI if cleaned.startswith(("mi", "imperial")) else Units.KM


NAMED_DISTANCES: dict[str, float] = {
    "5k": FIVE_K_M,
    "10k": TEN_K_M,
    "half": HALF_MARATHON_M,
    "halfmarathon": HALF_MARATHON_M,
    "hm": HALF_MARATHON_M,
    "half-marathon": HALF_MARATHON_M,
    "marathon": MARATHON_M,
    "full": MARATHON_M,
    "fullmarathon": MARATHON_M,
}
_DISTANCE = re.compile(
    r"^(?P<num>-?\d+(?:[.,]\d+)?)\s*(?P<unit>k|km|kms|kilometers?|kilometres?|mi|mile|miles|m|meters?|metres?)?$"
)
MAX_DISTANCE_M = 500_000.0


NOTHING = frozenset({"0", "none", "nothing"})


def parse_volume(text: str, units: Units) -> float:
    """A distance given as an answer (weekly volume, longest run): "0" or "none" is nothing;
    the refusals speak of volumes (30 km, 20 mi), not race distances."""
    cleaned = text.strip().lower()
    if cleaned in NOTHING:
        return 0.0
    if cleaned.startswith("-"):
        raise InvalidInput("volume_negative")
    try:
        return parse_distance(cleaned, units)
    except InvalidInput as error:
        if error.code == "distance_unreadable":
            raise InvalidInput("volume_unreadable", text=text) from None
        raise


def parse_distance(text: str, default_units: Units | None = None) -> float:
    """Metres from ``5k``, ``10 km``, ``6.2 mi``, ``400m``, ``half``, ``marathon``."""
    cleaned = text.strip().lower()
    named = NAMED_DISTANCES.get(cleaned.replace(" ", ""))
    if named is not None:
        return named
    match = _DISTANCE.match(cleaned)
    if not match:
        raise InvalidInput("distance_unreadable", text=text)
    value = float(match.group("num").replace(",", "."))
    unit = match.group("unit")
    if value <= 0 or not math.isfinite(value):
        raise InvalidInput("distance_not_positive")
    metres = value * _distance_factor(unit, default_units)
    if metres > MAX_DISTANCE_M:
        raise InvalidInput("distance_too_far", text=text)
    return metres


def _distance_factor(unit: str | None, default_units: Units | None) -> float:
    if unit is None:
        if default_units is None:
            raise InvalidInput("distance_units_missing")
        return default_units.metres
    if unit in ("m", "meter", "meters", "metre", "metres"):
        return 1.0
    return METRES_PER_MILE if unit.startswith("mi") else METRES_PER_KM


_CLOCK = re.compile(r"^(\d{1,2})(?:[:.h]?(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")


def parse_clock(text: str) -> str:
    """``HH:MM`` from ``06:45``, ``6:45``, ``0645``, ``7``, ``7am``, ``6:15 pm``, ``18.30``."""
    match = _CLOCK.match(text.strip().lower())
    if not match:
        raise InvalidInput("clock_unreadable", text=text)
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    half = (match.group(3) or "").replace(".", "")
    if half:
        if not 1 <= hour <= 12:
            raise InvalidInput("clock_unreadable", text=text)
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise InvalidInput("clock_unreadable", text=text)
    return f"{hour:02d}:{minute:02d}"


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d %Y",
    "%B %d %Y",
)
_DATE_FORMATS_NO_YEAR = ("%d %b", "%d %B", "%b %d", "%B %d")


def parse_date(text: str, today: date, *, past: bool = False) -> date:
    """A date from ``2027-04-18``, ``18 Apr 2027``, ``today``, ``tomorrow``, ``yesterday``,
    ``the day after tomorrow``, ``in 3 days``, ``2 days ago``, a weekday (``sun``,
    ``next sunday``, ``last sunday``), ``18 Apr`` or ``12/04``.

    Without a year or with a bare weekday, the date is the next one, or with ``past`` (a run
    being logged) the last one on or before ``today``. ``12/04`` could be 12 April or 4
    December: unless one reading is impossible, the runner is asked which
    (:class:`InvalidInput` ``date_ambiguous``)."""
    cleaned = re.sub(r"\s+", " ", text.strip().lower().replace(",", " ")).strip()
    relative = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if cleaned in relative:
        return today + timedelta(days=relative[cleaned])
    away = _days_away(cleaned)
    if away is not None:
        return today + timedelta(days=away)
    weekday = _relative_weekday(cleaned, today, past)
    if weekday is not None:
        return weekday
    numeric = _day_and_month(cleaned, today, past)
    if numeric is not None:
        return numeric
    ordinal = _day_of_month(cleaned, today, past)
    if ordinal is not None:
        return ordinal
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    for fmt in _DATE_FORMATS_NO_YEAR:
        found = _occurrence(cleaned, fmt, today, past)
        if found is not None:
            return found
    raise InvalidInput("date_unreadable", text=text)


NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
NUMBER_WORDS |= {"seven": 7, "eight": 8, "nine": 9, "ten": 10}
_DAYS_AWAY = re.compile(
    rf"in (\d{{1,2}}|{'|'.join(NUMBER_WORDS)}) days?|(\d{{1,2}}|{'|'.join(NUMBER_WORDS)}) days? ago"
)


def _days_away(cleaned: str) -> int | None:
    """``the day after tomorrow`` (2), ``in 3 days`` (3), ``2 days ago`` (-2)."""
    named = {"day after tomorrow": 2, "day before yesterday": -2}.get(cleaned.removeprefix("the "))
    if named is not None:
        return named
    match = _DAYS_AWAY.fullmatch(cleaned)
    if match is None:
        return None
    ahead, back = match.groups()
    count = ahead or back
    days = NUMBER_WORDS.get(count) or int(count)
    return days if ahead else -days


def _day_of_month(cleaned: str, today: date, past: bool) -> date | None:
    """``the 12th`` or ``12th``: the next 12th (with ``past``, the last one), today included;
    a month without that day (the 31st in November) is skipped."""
    match = re.fullmatch(r"(?:the )?(\d{1,2})(?:st|nd|rd|th)", cleaned)
    if match is None or not 1 <= int(match.group(1)) <= 31:
        return None
    year, month = today.year, today.month
    for _ in range(13):
        try:
            found = date(year, month, int(match.group(1)))
        except ValueError:
            found = None
        if found is not None and (found <= today if past else found >= today):
            return found
        step = -1 if past else 1
        month += step
        if month == 0 or month == 13:
            year, month = year + step, 1 if month == 13 else 12
    return None


def _relative_weekday(cleaned: str, today: date, past: bool) -> date | None:
    """``sunday`` (the next one; with ``past`` the last one, today included), ``next sunday``
    (the coming one), ``this sunday`` (today or the coming one), ``last sunday`` (before
    today)."""
    word, _, rest = cleaned.partition(" ")
    direction = {"next": 1, "coming": 1, "this": 0, "last": -1, "past": -1}.get(word)
    day = parse_weekday(cleaned if direction is None else rest, strict=False)
    if day is None:
        return None
    if direction == -1 or (direction is None and past):
        back = (today.weekday() - day) % 7
        return today - timedelta(days=back or (7 if direction == -1 else 0))
    ahead = (day - today.weekday()) % 7
    return today + timedelta(days=ahead if direction == 0 else ahead or 7)


RECENT_DAYS = 31  # a run being logged is from the last month or so, rarely a year ago
_DAY_MONTH = re.compile(r"^(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4}))?$")


def _day_and_month(cleaned: str, today: date, past: bool) -> date | None:
    """``12/04``, ``25.12``, ``04/12/2027``: day first or month first, whichever is possible;
    both possible and different → ask back."""
    match = _DAY_MONTH.match(cleaned)
    if not match:
        return None
    first, second = int(match.group(1)), int(match.group(2))
    year = int(match.group(3)) if match.group(3) else None
    readings = {
        found
        for day, month in ((first, second), (second, first))
        if (found := _dated(day, month, year, today, past)) is not None
    }
    recent = {d for d in readings if past and (today - d).days <= RECENT_DAYS}
    if len(readings) > 1 and len(recent) == 1:  # a run logged from last week, not last year
        return recent.pop()
    if len(readings) > 1:
        early, late = sorted(readings, key=lambda d: (d.month, d.day))
        raise InvalidInput("date_ambiguous", first=early, second=late)
    if not readings:
        raise InvalidInput("date_unreadable", text=cleaned)
    return readings.pop()


def _dated(day: int, month: int, year: int | None, today: date, past: bool) -> date | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return _occurrence(f"{day} {month}", "%d %m", today, past)


def _occurrence(day_and_month: str, fmt: str, today: date, past: bool) -> date | None:
    """The first date on or after ``today`` (with ``past``: the last on or before it) that
    reads as ``day_and_month``; 29 Feb waits for (or looks back to) a leap year."""
    years = (
        range(today.year - 4, today.year + 1)[::-1] if past else range(today.year, today.year + 5)
    )
    for year in years:
        try:
            found = datetime.strptime(f"{day_and_month} {year}", f"{fmt} %Y").date()
        except ValueError:
            continue
        if (found <= today) if past else (found >= today):
            return found
    return None


def parse_weekday(text: str, *, strict: bool = True) -> int | None:
    """0 = Monday … 6 = Sunday from ``sun``, ``Sunday``; ``None`` (or an error if strict)."""
    cleaned = text.strip().lower()
    for index, prefix in enumerate(_WEEKDAYS):
        if len(cleaned) >= 3 and cleaned.startswith(prefix) and _is_weekday_word(cleaned):
            return index
    if strict:
        raise InvalidInput("weekday_unreadable", text=text)
    return None


def _is_weekday_word(cleaned: str) -> bool:
    full = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    return any(word.startswith(cleaned) for word in full) or cleaned in ("tues", "thur", "thurs")


def format_duration(seconds: float) -> str:
    """``24:00`` under an hour, ``3:45:00`` from an hour up."""
    total = round(seconds)
    sign = "-" if total < 0 else ""
    hours, rest = divmod(abs(total), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"


def format_pace(seconds_per_km: float, units: Units) -> str:
    """``8:30/mi`` or ``5:17/km``."""
    per_unit = round(seconds_per_km * units.metres / METRES_PER_KM)
    return f"{per_unit // 60}:{per_unit % 60:02d}/{units.value}"


def format_distance(metres: float, units: Units, digits: int = 1) -> str:
    """``8.2 km`` or ``5.1 mi``; whole numbers lose their ``.0``."""
    value = round(metres / units.metres, digits)
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    return f"{text} {units.value}"


def format_signed_duration(seconds: float) -> str:
    """``+1:05`` / ``-0:30``: a difference, always signed."""
    text = format_duration(abs(seconds))
    return f"{'-' if seconds < 0 else '+'}{text}"


MAX_RACE_NAME = 80
_WEB = re.compile(r"(://|www\.|\.(com|org|net|io|ru|de|uk|fr)\b)", re.IGNORECASE)
_NOT_SECRET_PUNCTUATION = set(".,:'’/")  # dates, times and names use these, passwords rarely


def parse_race_name(text: str) -> str:
    """A race name fit for the shared race list: letters, no addresses, nothing secret."""
    return _public_text(text, "race_name")


def parse_place(text: str) -> str:
    """A race's location, held in the shared race list like its name."""
    return _public_text(text, "place")


def _public_text(text: str, field: str) -> str:
    name = " ".join(text.split())
    if sum(ch.isalpha() for ch in name) < 2:
        raise InvalidInput("public_text_short", field=field)
    if len(name) > MAX_RACE_NAME:
        raise InvalidInput("public_text_long", field=field, limit=MAX_RACE_NAME)
    if "@" in name or _WEB.search(name) or looks_like_secret(name):
        raise InvalidInput("public_text_odd", field=field)
    return name


def looks_like_secret(text: str) -> bool:
    """A single token mixing letters, digits and symbols (or digits and inner capitals), the
    shape of a password; a race name, a time, a date or a distance is not."""
    token = text.strip()
    if not 8 <= len(token) <= 128 or any(ch.isspace() for ch in token) or token.startswith("/"):
        return False
    letters = any(ch.isalpha() for ch in token)
    digits = any(ch.isdigit() for ch in token)
    symbols = any(not ch.isalnum() and ch not in _NOT_SECRET_PUNCTUATION for ch in token)
    inner_capital = any(ch.isupper() for ch in token[1:]) and any(ch.islower() for ch in token)
    return letters and digits and (symbols or inner_capital)


# ---- a run typed in words: /log 5 km 35 min yesterday easy with Sam ------------------------
Words = Sequence[str]
_UNIT_WORD = re.compile(r"^(k|km|kms|kilometers?|kilometres?|mi|mile|miles|m|meters?|metres?)$")
MAX_TIME_WORDS = 4  # "1 h 5 min" is the longest way to write a run's time


def take_distance(words: Words, units: Units) -> tuple[float, Words]:
    """The distance the words start with (``5k``, ``5 km``, ``6.2``), and the words after it."""
    if not words:
        raise InvalidInput("log_words_missing")
    size = 2 if len(words) > 1 and _UNIT_WORD.match(words[1].lower()) else 1
    return parse_distance(" ".join(words[:size]), units), words[size:]


def take_duration(words: Words) -> tuple[int, Words]:
    """The time the words start with (``42:10``, ``35 min``, ``1 h 5 min``): the longest run of
    words that reads as one."""
    if not words:
        raise InvalidInput("log_words_missing")
    for size in range(min(MAX_TIME_WORDS, len(words)), 1, -1):
        try:
            return parse_duration(" ".join(words[:size])), words[size:]
        except InvalidInput:
            continue
    return parse_duration(words[0]), words[1:]


def take_date(words: Words, today: date) -> tuple[date, Words]:
    """The day the words start with (``yesterday``, ``sunday``, ``last sunday``, ``20 Nov``),
    the last such day on or before ``today``; none given: today. Words that aren't a date are
    a note ("time trial"), unless they hold digits: then they were meant as one."""
    for size in (2, 1):
        if len(words) >= size:
            try:
                return parse_date(" ".join(words[:size]), today, past=True), words[size:]
            except InvalidInput as error:
                if error.code == "date_ambiguous":
                    raise
    if words and any(ch.isdigit() for ch in words[0]):
        parse_date(words[0], today, past=True)  # raises: say what was unreadable
    return today, words


_HURT = re.compile(
    r"\b(hurts?|hurting|pain(ful)?|injur\w*|sore|sick|ill|flu|covid|fever|sprain\w*|"
    r"strain\w*|knee|ankle|shin\w*|calf|hamstring|achilles|plantar|hip)\b",
    re.IGNORECASE,
)


def sounds_hurt(text: str) -> bool:
    """A message that talks about pain, injury or illness ("my knee hurts"): the answer is
    the way to pause, not "I'm not sure what you mean"."""
    return bool(_HURT.search(text))


_UNSURE = re.compile(
    r"^\s*(🤷\s*)?(not\s*sure|no\s*idea|don'?t\s*know|dunno|idk|unsure|\?+)[\s.!?]*$",
    re.IGNORECASE,
)
_YES = re.compile(
    r"^\s*(✅\s*)?(yes|yep|yeah|y|ok|okay|confirm|save|go|sure|👍)[\s.!]*$", re.IGNORECASE
)
_DONE = re.compile(r"^\s*(✅\s*)?(done|that'?s\s*it|ok|okay|next|finished)[\s.!]*$", re.IGNORECASE)


def says_unsure(text: str) -> bool:
    """ "not sure", "no idea", "🤷 Not sure" typed instead of tapped."""
    return bool(_UNSURE.match(text))


def says_yes(text: str) -> bool:
    """ "yes", "confirm", "save", "✅ Confirm" typed instead of tapped."""
    return bool(_YES.match(text))


def says_done(text: str) -> bool:
    """ "done", "that's it" typed at a pick-several question."""
    return bool(_DONE.match(text))
