"""Plain sentences read as what the runner wants: an intent, its slots, and whether the coach
must ask before acting. Offline and deterministic; the language lives in data files per
language: the phrases of each intent (``core/phrases/en.json``) and labelled examples
(``core/phrases/en_examples.tsv``). Slots are read by the parsers the conversations use
(distances, times, dates, clocks).

In order of certainty: a distance *and* a time is a run being logged ("ran 8k in 42 min"),
unless a goal, a result or a race date is said; then the phrases, on stemmed words with typos
mended (rapidfuzz); then the sentence's shape (a race time said, a date asked about); then a
naive Bayes model of the examples, only when sure. Whatever is left is ``unknown``, never a
guess that changes anything; and what changes the plan is always confirmed first.
"""

import itertools
import json
import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import available_timezones

from rapidfuzz import process
from rapidfuzz.distance import OSA
from spellchecker import SpellChecker

from core.errors import InvalidInput
from core.parsing import NUMBER_WORDS, parse_clock, parse_date, parse_distance, parse_duration
from core.units import Units

MAX_TEXT = 300  # a sentence, not an essay
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
_DAYS = re.compile(
    rf"\b(\d{{1,2}}|{'|'.join(NUMBER_WORDS)})\s+(days?|weeks?|fortnights?)\b|\bfortnight\b"
)
_UNTIL = re.compile(r"\b(?:until|till|til|through)\b")
_DATE_WORDS = (
    r"(?:the )?day (?:after tomorrow|before yesterday)|"
    r"in (?:\d{1,2}|{number}) days?|(?:\d{1,2}|{number}) days? ago|"
    r"(?:today|tonight|tomorrow|yesterday)s?|last night|"
    r"(?:last |next |this )?"
    r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:days?|nesdays?|sdays?|urdays?)?|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}|\d{1,2}(?:st|nd|rd|th)?\s+{month}(?:\s+\d{4})?|"
    r"{month}\s+\d{1,2}(?:st|nd|rd|th)?(?:\s+\d{4})?|the \d{1,2}(?:st|nd|rd|th)"
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_DATE = re.compile(
    rf"\b({_DATE_WORDS.replace('{month}', _MONTH).replace('{number}', '|'.join(NUMBER_WORDS))})\b"
)


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
    if not text.strip():
        raise InvalidInput("understand_empty")
    if len(text.strip()) > MAX_TEXT:
        raise InvalidInput("understand_too_long", limit=MAX_TEXT)
    data = phrases()
    cleaned = _normalised(text, data)
    if not cleaned:  # "?", "..." or an emoji: nothing to read, the reply says what can be
        return Understood("unknown")
    readings = _readings(cleaned, today, data)
    unknown, content = _unknown_share(cleaned)
    # "what's next", "what's on 10/12": words or a date, not "1 2 3"
    said = content or _DATE.search(cleaned) or _says(cleaned, data["date_words"])
    if not readings and said and not unknown:  # the model only where every word is known
        readings = _guessed(cleaned)
    distance, duration = _distance(cleaned, units), _duration(cleaned)
    first = readings[0] if readings else None
    if distance is not None and duration is not None and first not in NOT_A_RUN:
        return _log_run(cleaned, today, distance, duration, data)
    readings = [r for r in readings if not _off_topic(cleaned, r, data)]
    if not readings:
        return Understood("unknown")
    intent = readings[0]
    found = Understood(intent, _slots(intent, cleaned, today, data, text))
    if len(readings) > 1:
        other = Understood(readings[1], _slots(readings[1], cleaned, today, data, text))
        return Understood(found.intent, found.slots, other)
    return found


CONTRACTIONS = (("'ll ", " will "), ("'d ", " would "), ("'ve ", " have "), ("'re ", " are "))

# a distance and a time in these are a goal, a result or a race's new date, not a run to log
NOT_A_RUN = frozenset({"change_goal", "race_result", "change_race_date"})


def _clean(text: str) -> str:
    lowered = text.strip().lower().replace("’", "'")
    for short, long in CONTRACTIONS:  # "i'll" must not become "ill"
        lowered = lowered.replace(short, long)
    lowered = lowered.replace("'", "")
    lowered = re.sub(r"[!?;\"“”()]+", " ", lowered)
    return re.sub(r"\s+", " ", lowered).strip(" .,:")


def _normalised(text: str, data: dict[str, Any]) -> str:
    """Lower case, no apostrophes ("what's" is "whats"), contractions spelt out ("i'll" is
    "i will", never "ill"), and a typo in a word the phrases use mended ("tomorow",
    "trakc"). Numbers and words the phrases don't use are left alone."""
    vocabulary, aliases = _vocabulary(), data["aliases"]
    words = re.split(r"(\s+|,)", _clean(text))
    return "".join(aliases.get(w) or _mended(w, vocabulary) for w in words).strip(" .,:")


def _mended(word: str, vocabulary: frozenset[str]) -> str:
    """The known word one edit away (a swap of two letters is one: optimal string alignment)
    for a word of ``TYPO_MIN_LENGTH`` letters or more that is no English word: "tomorow" and
    "shwo" are typos, "couch", "spain" and "movie" words of their own (pyspellchecker's
    dictionary tells them apart)."""
    core = word.strip(".:")
    if len(core) < TYPO_MIN_LENGTH or not core.isalpha() or _stem(core) in _stems():
        return word
    if core in _english():
        return word
    long_words = _long_words(vocabulary)
    match = process.extractOne(core, long_words, scorer=OSA.distance, score_cutoff=1)
    return str(match[0]) if match is not None else word


# three-letter words have too many neighbours ("rn", "ru", "rna" could be anything)
TYPO_MIN_LENGTH = 4


@cache
def _long_words(vocabulary: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(w for w in vocabulary if len(w) >= TYPO_MIN_LENGTH))


@cache
def _english(language: str = "en") -> SpellChecker:
    """The language's words with their frequencies, offline (pyspellchecker)."""
    return SpellChecker(language=language, distance=1)


def _stem(word: str) -> str:
    """A word without its ending, so "skipping", "skipped" and "skips" all read "skip" and
    "predicted" reads "predict" (applied alike to the text and to the phrases)."""
    if re.search(r"(?:s|x|z|ch|sh)es$", word):  # "passes", "watches"; "planes" is "plane"
        return word[:-2]
    for suffix in ("ing", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            return stem[:-1] if len(stem) > 3 and stem[-1] == stem[-2] else stem
    return word


def _stemmed(text: str) -> str:
    return re.sub(r"[a-z]+", lambda word: _stem(word.group()), text)


@cache
def _vocabulary(language: str = "en") -> frozenset[str]:
    """Every word the phrases of ``language`` use, and the dates' words."""
    data = phrases(language)
    texts = [p for group in data["intents"].values() for p in group]
    texts += [*data["date_words"], *data["reasons"], *data["units"], *data["run_words"]]
    return frozenset(w for t in texts for w in _clean(t).split() if w.isalpha())


@cache
def _stems(language: str = "en") -> frozenset[str]:
    return frozenset(_stem(w) for w in _vocabulary(language))


@cache
def _intent_phrases(language: str = "en") -> dict[str, tuple[str, ...]]:
    """The phrases as the text is compared with them: cleaned and stemmed."""
    data = phrases(language)
    return {i: tuple(_stemmed(_clean(p)) for p in group) for i, group in data["intents"].items()}


# ---- what no phrase holds: a naive Bayes model of the examples ---------------------------------

GUESS_CONFIDENCE = 0.5  # the model's own probability; below it the text stays unknown
SMOOTHING = 0.5  # Lidstone's additive smoothing of the word counts


@dataclass(frozen=True)
class _Model:
    """Multinomial naive Bayes (Manning, Raghavan & Schütze, *Introduction to Information
    Retrieval*, ch. 13) over the examples' words and word pairs, numbers and dates masked."""

    log_prior: dict[str, float]
    counts: dict[str, dict[str, int]]
    totals: dict[str, int]
    vocabulary: frozenset[str]


def _features(text: str) -> list[str]:
    masked = _DURATION.sub(" TIME ", text)
    masked = _DATE.sub(" DATE ", _DISTANCE.sub(" DIST ", masked))
    words = _stemmed(re.sub(r"\d+", " N ", masked)).split()
    return words + [f"{a}_{b}" for a, b in itertools.pairwise(words)]


@cache
def _examples(language: str = "en") -> tuple[tuple[str, str], ...]:
    """The labelled examples as (intent, text normalised as a message is)."""
    examples = resources.files("core").joinpath("phrases", f"{language}_examples.tsv")
    found = []
    for line in examples.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            intent, text = line.split("\t")[:2]
            found.append((intent, _normalised(text, phrases(language))))
    return tuple(found)


@cache
def _model(language: str = "en") -> _Model:
    counts: dict[str, dict[str, int]] = {}
    for intent, text in _examples(language):
        words = counts.setdefault(intent, {})
        for feature in _features(text):
            words[feature] = words.get(feature, 0) + 1
    sizes = {i: sum(w.values()) for i, w in counts.items()}
    everything = sum(sizes.values())
    return _Model(
        log_prior={i: math.log(n / everything) for i, n in sizes.items()},
        counts=counts,
        totals=sizes,
        vocabulary=frozenset(f for words in counts.values() for f in words),
    )


def _guessed(text: str) -> list[str]:
    """The examples' likeliest intent, when the model is sure enough: never ``unknown``, and
    never a run to log (that takes a distance and a time, not words like a run's)."""
    model = _model()
    features = [f for f in _features(text) if f in model.vocabulary]
    if not features:
        return []
    size = len(model.vocabulary)
    scores = {
        intent: prior
        + sum(
            math.log(
                (model.counts[intent].get(f, 0) + SMOOTHING)
                / (model.totals[intent] + SMOOTHING * size)
            )
            for f in features
        )
        for intent, prior in model.log_prior.items()
    }
    best = max(scores, key=lambda i: (scores[i], i))
    confidence = 1 / sum(math.exp(v - scores[best]) for v in scores.values())
    sure = confidence >= GUESS_CONFIDENCE
    return [best] if sure and best not in ("unknown", "log_run") else []


def _readings(text: str, today: date, data: dict[str, Any]) -> list[str]:
    """The intent whose phrase the text holds, and a second one when it is as likely.

    A change or an action outranks a question it contains ("can't run today" is no "run
    today", "resume my plan" no "my plan"), then the longest phrase wins ("this week" over
    "week"). Two readings are as likely when both are changes ("skip tomorrow, I'm
    travelling": skip, or pause?): the bot asks back rather than guess."""
    stemmed = _stemmed(text)
    best = _matches(stemmed)
    ranked = sorted(best, key=lambda i: (*best[i][:2], i), reverse=True)
    for wins, loses in data["one_reading"]:  # "move it to friday" says what the skip is for
        if wins in ranked and loses in ranked:
            ranked.remove(loses)
    shaped = _by_shape(ranked, text, today, data)
    if shaped[:1] != ranked[:1]:  # the shape decided: no second reading to ask about
        return shaped[:1]
    two = len(ranked) >= 2 and {ranked[0], ranked[1]} <= CONFIRMED
    if two and _apart(best[ranked[0]][2], best[ranked[1]][2]):
        return ranked[:2]
    return ranked[:1]


def _apart(one: tuple[int, int], other: tuple[int, int]) -> bool:
    """Two phrases said separately ("skip tomorrow" … "I'm travelling"), not one inside the
    other ("race moved" holds "moved")."""
    return one[1] <= other[0] or other[1] <= one[0]


# intents that do something: they outrank a question whose words they contain
ACTIONS = CONFIRMED | {"resume", "set_push_time", "set_time_zone"}


Match = tuple[int, int, tuple[int, int]]  # tier, length of the longest phrase, where it is


def _matches(text: str) -> dict[str, Match]:
    """Each intent found in the (stemmed) text, by its longest phrase."""
    best: dict[str, Match] = {}
    for intent in _intent_phrases():
        span = _longest_phrase(_phrase_pattern(intent), text)
        if span is not None:
            best[intent] = (2 if intent in ACTIONS else 1, span[1] - span[0], span)
    return best


def _longest_phrase(pattern: re.Pattern[str], text: str) -> tuple[int, int] | None:
    """Where the longest phrase is, overlaps included ("im back from": "back from" counts)."""
    longest: tuple[int, int] | None = None
    start = 0
    while (match := pattern.search(text, start)) is not None:
        if longest is None or match.end() - match.start() > longest[1] - longest[0]:
            longest = match.span()
        start = match.start() + 1
    return longest


@cache
def _phrase_pattern(intent: str) -> re.Pattern[str]:
    """Any of the intent's phrases as whole words, the longest first (one search, not one
    per phrase: the reader stays well under a millisecond)."""
    longest_first = sorted(_intent_phrases()[intent], key=len, reverse=True)
    return re.compile(rf"(?<![\w'])(?:{'|'.join(map(re.escape, longest_first))})(?![\w'])")


def _by_shape(ranked: list[str], text: str, today: date, data: dict[str, Any]) -> list[str]:
    """What the sentence's shape says beyond its phrases (each rule names its example)."""
    top = ranked[0] if ranked else None
    dates = _dates(_without_numbers(text), today, past=False)
    workout, race = _says(text, data["workout_words"]), _says(text, data["race_words"])
    far = any(d >= today + timedelta(days=FAR_DAYS) for d in dates)
    if top in ("move_workout", "show_day", None) and race and far and not workout:
        return ["change_race_date", *ranked[1:]]  # "the marathon is now on 2027-05-23"
    if top in ("show_day", None) and workout and len(set(dates)) >= 2:
        return ["move_workout", *ranked[1:]]  # "can I do tomorrow's run on monday"
    if top == "change_goal" and _race_time(text) is None and "status" in ranked:
        return ["status", *[r for r in ranked if r not in ("status", top)]]  # "am I on target"
    if top == "predict" and _race_time(text) is not None and not _says(text, data["asking"]):
        return ["race_result", *ranked[1:]]  # "race time 3:49:59" is said, not asked
    if top == "show_plan" and dates:
        return ["show_day", *ranked[1:]]  # "what's the plan for today"
    if (
        top == "show_day"
        and not dates
        and "show_week" in ranked
        and not _says(text, data["one_day"])
    ):
        return [
            "show_week",
            *[r for r in ranked if r not in ("show_week", top)],
        ]  # "which runs this week"
    if top == "race_result" and _says(text, data["goal_words"]):
        return ["change_goal", *ranked[1:]]  # "I want to finish in 4:20"
    if top in SMALL_TALK and _unknown_words(text, data, data["small_talk_words"]):
        return []  # "hello world program", "can you help me with my homework essay"
    if top is None:
        return _by_numbers(text, dates, data)
    return ranked


_A_RACE = re.compile(r"\ban? (?:half marathon|half|marathon)\b")  # "ran a half in 2:01": a run
FAR_DAYS = 14  # a date this far off, with the race named and no workout, is the race's
SMALL_TALK = frozenset({"greeting", "thanks", "help"})


def _by_numbers(text: str, dates: list[date], data: dict[str, Any]) -> list[str]:
    """No phrase, but a race time ("finished! 3:47:02", "i want to run 3:45"), a date asked
    about ("what's up for monday", "today?") or units named ("i want km")."""
    if _race_time(text) is not None and _DISTANCE.search(text) is None and not _A_RACE.search(text):
        if _says(text, data["result_words"]):
            return ["race_result"]
        if _says(text, data["goal_words"]):
            return ["change_goal"]
    if _unknown_words(text, data):
        return []  # "what's the weather tomorrow" is not read from its date alone
    if dates and (_says(text, data["day_questions"]) or len(text.split()) == 1):
        return ["show_day"]
    if _says(text, list(data["units"])) and not re.search(r"\d", text):
        return ["set_units"]
    return []


def _off_topic(text: str, intent: str, data: dict[str, Any]) -> bool:
    """Half or more of what the intent's phrase is said with is in words the coach never
    reads: "cancel my netflix subscription", "move the meeting to monday", "pause the music"
    are not about running though a phrase is in them. Only the phrase's own clause counts
    ("skip tomorrow, I have a work dinner" gives its reason apart), and a city named for a
    time zone is its slot, not a word."""
    if intent == "set_time_zone":
        text = text.replace(_place(text, data).get("timeZone", ""), " ")
    stemmed = _stemmed(text)
    matches = _matches(stemmed)  # a reading from the shape: where the text's phrase is
    found = matches.get(intent) or max(matches.values(), key=lambda m: m[1], default=None)
    said_with = _clause_without(stemmed, found[2]) if found else text
    unknown, content = _unknown_share(said_with)
    clause = _clause_without(stemmed, (found[2][0], found[2][0])) if found else text
    anchors = _anchors()
    anchored = unknown == 1 and any(w in anchors for w in clause.split())  # "lower my target"
    return content > 0 and 2 * unknown >= content and not anchored


_CLAUSE_END = re.compile(r"[,;.]|\b(?:but|because|cause|cos|since|as)\b")


def _clause_without(text: str, span: tuple[int, int]) -> str:
    """The clause the phrase at ``span`` is in, the phrase taken out."""
    ends = [m.span() for m in _CLAUSE_END.finditer(text)]
    start = max((end for _, end in ends if end <= span[0]), default=0)
    stop = min((begin for begin, _ in ends if begin >= span[1]), default=len(text))
    return f"{text[start : span[0]]} {text[span[1] : stop]}"


def _unknown_share(text: str) -> tuple[int, int]:
    """How many of the text's content words (not its numbers, dates or function words) are
    unknown to the coach, of how many."""
    rest = _DATE.sub(" ", _DURATION.sub(" ", _DISTANCE.sub(" ", text)))
    not_content = _not_content()
    content = [w for w in re.findall(r"[a-z]{2,}", rest) if w not in not_content]
    lexicon = _lexicon()
    return sum(w not in lexicon and _stem(w) not in lexicon for w in content), len(content)


@cache
def _not_content(language: str = "en") -> frozenset[str]:
    """Function words, and dates' words ("next week" says when, not what about)."""
    data = phrases(language)
    return frozenset([*data["function_words"], *data["date_words"]])


@cache
def _anchors(language: str = "en") -> frozenset[str]:
    """Running words (stemmed) that keep one unknown word beside them on topic."""
    return frozenset(_stem(w) for w in phrases(language)["anchor_words"])


@cache
def _lexicon(language: str = "en") -> frozenset[str]:
    """The words the coach reads, as written and as stems: its phrases' and lists', the
    running words it knows, and those of its examples of every intent but ``unknown``."""
    data = phrases(language)
    words = {*_vocabulary(language), *data["domain_words"]}
    words |= {w for p in data["filler"] for w in p.split()}
    for intent, text in _examples(language):
        if intent != "unknown":
            words |= set(re.findall(r"[a-z]+", text))
    return frozenset(words | {_stem(w) for w in words})


def _unknown_words(text: str, data: dict[str, Any], also_known: list[str] = []) -> int:  # noqa: B006
    """How many words are none the phrases, dates or fillers use."""
    said = [*data["filler"], *data["day_questions"], *also_known]
    known = _vocabulary() | {w for phrase in said for w in phrase.split()}
    rest = _DATE.sub(" ", text)
    return sum(w not in known and _stem(w) not in _stems() for w in re.findall(r"[a-z]+", rest))


def _says(text: str, any_of: list[str] | tuple[str, ...]) -> bool:
    return any(_has(text, _clean(p)) for p in any_of)


def _has(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![\w']){re.escape(phrase)}(?![\w'])", text) is not None


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


_SUB = re.compile(r"\bsub[- ]?(\d{1,3})(?![\d:.])")


def _sub_goal(text: str) -> int | None:
    """Runners' "sub 4" is under four hours, "sub 50" under fifty minutes: a bare number of
    6 or less is hours (no 5 km and up is run in under 6 minutes), more is minutes."""
    match = _SUB.search(text)
    if match is None or int(match.group(1)) == 0:
        return None
    number = int(match.group(1))
    return number * (3600 if number <= 6 else 60)


def _dates(text: str, today: date, *, past: bool) -> list[date]:
    found = []
    for match in _DATE.finditer(text):
        words = re.sub(r"^the ", "", match.group(1)).replace("tonight", "today")
        words = words.replace("last night", "yesterday")
        words = re.sub(r"(day|tomorrow)s$", r"\1", words)  # "tomorrow's run", "sunday's"
        try:
            found.append(parse_date(words, today, past=past))
        except InvalidInput:
            continue
    return found


def _log_run(
    text: str, today: date, distance: float, seconds: int, data: dict[str, Any]
) -> Understood:
    if seconds / (distance / 1000) < FASTEST_S_PER_KM:  # "12 miles done in 1:50" is 1 h 50
        seconds = _race_time(text) or seconds
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


# faster than the 1500 m world record's pace (3:26.00, World Athletics): as minutes and
# seconds the time can't be a run's, so a two-part time is hours and minutes
FASTEST_S_PER_KM = 137


def _note(text: str, data: dict[str, Any]) -> str:
    """What is left once the numbers, the date and the filler are out: "felt heavy"."""
    rest = _DATE.sub(" ", _without_numbers(text))
    words = [w for w in re.split(r"[\s,]+", rest) if w and w not in data["filler"]]
    return " ".join(words)[:100]


def _slots(intent: str, text: str, today: date, data: dict[str, Any], typed: str) -> dict[str, Any]:
    """The intent's slots from the cleaned ``text``; a place as ``typed``."""
    future = _dates(_without_numbers(text), today, past=False)
    if intent == "show_day" and not future and _says(text, data["one_day"]):
        return {"next": "long" if _says(text, ["long run"]) else "run"}  # "my next long run"
    if intent in ("show_day", "skip_day"):
        return {"date": (future[0] if future else today).isoformat()}
    if intent == "move_workout":
        return _move(future, today)
    if intent == "change_race_date":
        return {"date": future[-1].isoformat()} if future else {}
    if intent in ("change_goal", "race_result"):
        key = "goalSec" if intent == "change_goal" else "durationSec"
        race_time = _race_time(text)
        if race_time is None and intent == "change_goal":
            race_time = _sub_goal(text)
        return {key: race_time} if race_time is not None else {}
    if intent == "pause":
        return _pause(text, today)
    if intent == "set_units":
        chosen = next((u for w, u in data["units"].items() if re.search(rf"\b{w}\b", text)), None)
        return {"units": chosen} if chosen else {}
    if intent == "set_push_time":
        return _push_time(text)
    if intent == "set_time_zone":
        place = _place(text, data)
        return {"timeZone": _as_typed(place["timeZone"], typed)} if place else {}
    return {}


def _as_typed(place: str, typed: str) -> str:
    """A place as the runner wrote it ("Tokyo", "New York"), a zone by its IANA name
    ("america/new_york" is "America/New_York")."""
    zone = _zones().get(place.replace(" ", "_"))
    if zone is not None:
        return zone
    found = re.search(r"[\s_]+".join(map(re.escape, place.split())), typed, re.IGNORECASE)
    return found.group() if found else place


@cache
def _zones() -> dict[str, str]:
    return {zone.lower(): zone for zone in available_timezones()}


def _place(text: str, data: dict[str, Any]) -> dict[str, Any]:
    """The city or zone after the words that name it: "I moved to Berlin" → "berlin"."""
    words = "|".join(re.escape(_clean(w)) for w in data["place_before"])
    place = re.split(rf"\b(?:{words})\b", text)
    if len(place) < 2:
        return {}
    named = re.sub(rf"\b(?:{'|'.join(data['place_after'])})\b", " ", place[-1])
    named = named.strip(" .,:")
    return {"timeZone": " ".join(named.split())} if named else {}


def _move(dates: list[date], today: date) -> dict[str, Any]:
    if len(dates) >= 2:
        return {"fromDate": dates[0].isoformat(), "toDate": dates[1].isoformat()}
    if dates:
        return {"fromDate": today.isoformat(), "toDate": dates[0].isoformat()}
    return {"fromDate": today.isoformat()}


def _pause(text: str, today: date) -> dict[str, Any]:
    """How long ("for 10 days", "a fortnight", "until monday": the days before it) and why."""
    slots: dict[str, Any] = {}
    days, until = _DAYS.search(text), _UNTIL.search(text)
    if days:
        number, unit = days.group(1) or "1", days.group(2) or "fortnight"
        count = int(number) if number.isdigit() else NUMBER_WORDS[number]
        slots["days"] = count * {"d": 1, "w": 7, "f": 14}[unit[0]]
    elif until:
        ahead = [d for d in _dates(text[until.end() :], today, past=False) if d > today]
        if ahead:
            slots["days"] = (ahead[0] - today).days
    reason = pause_reason(text)
    if reason:
        slots["reason"] = reason
    return slots


def pause_reason(text: str, language: str = "en") -> str | None:
    """The reason a text names, in the coach's words: "sick", "injured", "travelling",
    "holiday" ("my ankle hurts" is injured, "got the flu" sick); the same for ``/pause``."""
    stemmed = _stemmed(_clean(text))
    reasons = phrases(language)["reasons"].items()
    return next((r for w, r in reasons if re.search(rf"\b{_stem(w)}\b", stemmed)), None)


def _push_time(text: str) -> dict[str, Any]:
    for match in _CLOCK.finditer(text):
        try:
            return {"pushTime": parse_clock(match.group(1))}
        except InvalidInput:
            continue
    return {}
