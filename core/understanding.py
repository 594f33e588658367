"""Plain sentences read as what the runner wants: an intent, its slots, and whether the coach
must ask before acting. Offline and deterministic: the phrases of each intent live in a data
file per language (``core/phrases/en.json``), typos are forgiven by rapidfuzz, and the slots
are read by the parsers the conversations use (distances, times, dates, clocks).

The order of the rules is the order of certainty: a sentence that holds a distance *and* a time
is a run being logged ("ran 8k in 42 min"); a plan change needs its own words and what it
changes (a date, a time); questions and small talk come last; whatever is left is ``unknown``,
never a guess that changes anything.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from rapidfuzz import fuzz

from core.errors import InvalidInput
from core.parsing import parse_clock, parse_date, parse_distance, parse_duration
from core.units import Units

MAX_TEXT = 300  # a sentence, not an essay
FUZZY_SCORE = 88  # rapidfuzz's 0–100: "shwo my plan" still shows the plan
# intents that change the plan or delete data: the bot asks first, with buttons
CONFIRMED = frozenset(
    {
        "skip_day",
        "move_workout",
        "pause",
        "change_race_date",
        "change_goal",
        "race_result",
        "delete_last_run",
        "set_units",
    }
)
_DISTANCE = re.compile(
    r"(?<![\w.:])(\d+(?:[.,]\d+)?)\s*(k|km|kms|kilometers?|kilometres?|mi|mile|miles)(?![a-z])"
)
_NAMED = re.compile(r"\b(half marathon|half|marathon)\b")
_DURATION = re.compile(
    r"(?<![\w.:])(\d{1,2}:\d{2}(?::\d{2})?"
    r"|\d+\s*h(?:ours?|rs?)?\s*\d*\s*(?:m(?:in(?:ute)?s?)?)?"
    r"|\d+(?:\.\d+)?\s*(?:min(?:ute)?s?|mins?|m)(?![a-z])"
    r"|\d+\s*s(?:ec(?:ond)?s?)?(?![a-z]))"
)
_CLOCK = re.compile(r"\b(\d{1,2}(?::\d{2}|\.\d{2})?\s*(?:am|pm)?)\b")
_DAYS = re.compile(r"\b(?:for\s+)?(\d{1,2}|a|one|two|three)\s+(days?|weeks?)\b")
_NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3}
_DATE_WORDS = (
    r"today|tonight|tomorrow|yesterday|"
    r"(?:last |next |this )?"
    r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}|\d{1,2}(?:st|nd|rd|th)?\s+{month}(?:\s+\d{4})?|"
    r"{month}\s+\d{1,2}(?:st|nd|rd|th)?(?:\s+\d{4})?|the \d{1,2}(?:st|nd|rd|th)"
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_DATE = re.compile(rf"\b({_DATE_WORDS.replace('{month}', _MONTH)})\b")


CLOSE_SCORE = 3  # two typo-forgiven readings this close are asked back, not guessed


@dataclass(frozen=True)
class Understood:
    intent: str
    slots: dict[str, Any] = field(default_factory=dict)
    # another reading as likely as ``intent``: the bot asks back with both as buttons
    alternative: "Understood | None" = None

    @property
    def confirm(self) -> bool:
        """The bot asks before acting: the intent changes the plan or deletes data, or another
        reading is as likely (asked back)."""
        return self.intent in CONFIRMED or self.alternative is not None


@cache
def phrases(language: str = "en") -> dict[str, Any]:
    text = resources.files("core").joinpath("phrases", f"{language}.json").read_text("utf-8")
    found: dict[str, Any] = json.loads(text)
    return found


def understand(text: str, today: date, units: Units) -> Understood:
    """What ``text`` asks for; ``today`` is the runner's local date, ``units`` theirs."""
    cleaned = _clean(text)
    if not cleaned:
        raise InvalidInput("understand_empty")
    if len(cleaned) > MAX_TEXT:
        raise InvalidInput("understand_too_long", limit=MAX_TEXT)
    data = phrases()
    readings = _readings(cleaned, data)
    intent = readings[0] if readings else None
    distance, duration = _distance(cleaned, units), _duration(cleaned)
    if distance is not None and duration is not None and intent not in ("change_goal",):
        return _log_run(cleaned, today, distance, duration, data)
    if intent is None:
        return Understood("unknown")
    found = Understood(intent, _slots(intent, cleaned, today, units, data))
    if len(readings) > 1:
        other = Understood(readings[1], _slots(readings[1], cleaned, today, units, data))
        return Understood(found.intent, found.slots, other)
    return found


def _clean(text: str) -> str:
    lowered = text.strip().lower().replace("’", "'")
    lowered = re.sub(r"[!?;\"“”]+", " ", lowered)
    return re.sub(r"\s+", " ", lowered).strip(" .,")


def _readings(text: str, data: dict[str, Any]) -> list[str]:
    """The intent whose phrase the text holds best, and a second one when it is as likely.

    Whole words score 100, typos rapidfuzz's partial ratio (at least ``FUZZY_SCORE``); a change
    outranks a question it contains ("can't run today" is no "run today"), then the longest
    phrase wins ("this week" over "week"). Two readings are close when both are changes said
    in so many words ("skip tomorrow, I'm travelling": skip, or pause?), or when the best is a
    typo's and another intent scores within ``CLOSE_SCORE`` of it."""
    best: dict[str, tuple[float, bool, int]] = {}
    for intent, intent_phrases in data["intents"].items():
        for phrase in intent_phrases:
            score = _score(phrase, text)
            if score is not None:
                best[intent] = max(
                    best.get(intent, (0.0, False, 0)), (score, intent in CONFIRMED, len(phrase))
                )
    ranked = sorted(best, key=lambda i: (*best[i], i), reverse=True)
    for wins, loses in data["one_reading"]:  # "move it to friday" says what the skip is for
        if wins in ranked and loses in ranked:
            ranked.remove(loses)
    if len(ranked) < 2:
        return ranked
    first, second = best[ranked[0]], best[ranked[1]]
    both_changes = first[0] == second[0] == 100 and first[1] and second[1]
    close_typos = first[0] < 100 and second[0] >= first[0] - CLOSE_SCORE
    return ranked[:2] if both_changes or close_typos else ranked[:1]


def _score(phrase: str, text: str) -> float | None:
    if re.search(rf"(?<![\w']){re.escape(phrase)}(?![\w'])", text):
        return 100.0
    if len(phrase) >= 5 and len(text) >= 5:
        score = fuzz.partial_ratio(phrase, text)
        return score if score >= FUZZY_SCORE else None
    return None


def _without_numbers(text: str) -> str:
    """The text without its distances and times (so "24:10 yesterday" keeps "yesterday")."""
    return _NAMED.sub(" ", _DURATION.sub(" ", _DISTANCE.sub(" ", text)))


def _distance(text: str, units: Units) -> float | None:
    match = _DISTANCE.search(text)
    if match:
        return parse_distance(f"{match.group(1).replace(',', '.')} {match.group(2)}", units)
    named = _NAMED.search(text)
    return parse_distance(named.group(1).replace(" marathon", ""), units) if named else None


def _duration(text: str) -> int | None:
    for match in _DURATION.finditer(text):
        try:
            return parse_duration(match.group(1))
        except InvalidInput:
            continue
    return None


def _race_time(text: str) -> int | None:
    """A goal or a finish: a two-part "3:52" is hours and minutes when the first part is 6 or
    less, since as minutes it would beat the 5 km world record (12:35, World Athletics), and
    GoFast's races are 5 km and up; "25:30" stays minutes and seconds."""
    for match in _DURATION.finditer(text):
        hours_first = re.fullmatch(r"[0-6]:\d{2}", match.group(1)) is not None
        try:
            return parse_duration(match.group(1), hours_first=hours_first)
        except InvalidInput:
            continue
    return None


def _dates(text: str, today: date, *, past: bool) -> list[date]:
    found = []
    for match in _DATE.finditer(text):
        words = re.sub(r"^the ", "", match.group(1)).replace("tonight", "today")
        try:
            found.append(parse_date(words, today, past=past))
        except InvalidInput:
            continue
    return found


def _log_run(
    text: str, today: date, distance: float, seconds: int, data: dict[str, Any]
) -> Understood:
    dates = _dates(_without_numbers(text), today, past=True)
    slots: dict[str, Any] = {
        "distanceM": round(distance, 1),
        "durationSec": seconds,
        "date": (dates[0] if dates else today).isoformat(),
        "race": any(re.search(rf"\b{re.escape(w)}\b", text) for w in data["race_words"]),
    }
    note = _note(text, data)
    if note:
        slots["note"] = note
    return Understood("log_run", slots)


def _note(text: str, data: dict[str, Any]) -> str:
    """What is left once the numbers, the date and the filler are out: "felt heavy"."""
    rest = _DATE.sub(" ", _without_numbers(text))
    words = [w for w in re.split(r"[\s,]+", rest) if w and w not in data["filler"]]
    return " ".join(words)[:100]


def _slots(
    intent: str, text: str, today: date, units: Units, data: dict[str, Any]
) -> dict[str, Any]:
    future = _dates(_without_numbers(text), today, past=False)
    if intent in ("show_day", "skip_day"):
        return {"date": (future[0] if future else today).isoformat()}
    if intent == "move_workout":
        return _move(future, today)
    if intent == "change_race_date":
        return {"date": future[-1].isoformat()} if future else {}
    if intent in ("change_goal", "race_result"):
        key = "goalSec" if intent == "change_goal" else "durationSec"
        race_time = _race_time(text)
        return {key: race_time} if race_time is not None else {}
    if intent == "pause":
        return _pause(text, data)
    if intent == "set_units":
        chosen = next((u for w, u in data["units"].items() if re.search(rf"\b{w}\b", text)), None)
        return {"units": chosen} if chosen else {}
    if intent == "set_push_time":
        return _push_time(text)
    if intent == "set_time_zone":
        place = re.split(r"\b(?:time ?zone(?: is| to)?|moved to|live in|i'?m in|now in)\b", text)
        return {"timeZone": place[-1].strip(" .,")} if len(place) > 1 else {}
    return {}


def _move(dates: list[date], today: date) -> dict[str, Any]:
    if len(dates) >= 2:
        return {"fromDate": dates[0].isoformat(), "toDate": dates[1].isoformat()}
    if dates:
        return {"fromDate": today.isoformat(), "toDate": dates[0].isoformat()}
    return {"fromDate": today.isoformat()}


def _pause(text: str, data: dict[str, Any]) -> dict[str, Any]:
    slots: dict[str, Any] = {}
    days = _DAYS.search(text)
    if days:
        count = _NUMBER_WORDS.get(days.group(1)) or int(days.group(1))
        slots["days"] = count * (7 if days.group(2).startswith("week") else 1)
    reason = next((r for w, r in data["reasons"].items() if re.search(rf"\b{w}\b", text)), None)
    if reason:
        slots["reason"] = reason
    return slots


def _push_time(text: str) -> dict[str, Any]:
    for match in _CLOCK.finditer(text):
        try:
            return {"pushTime": parse_clock(match.group(1))}
        except InvalidInput:
            continue
    return {}
