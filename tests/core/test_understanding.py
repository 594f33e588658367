"""Issue 28: plain sentences read offline — the intent, its slots, and a confirm before
anything changes. Phrasings with typos and casual forms, per intent; nonsense is `unknown`."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import InvalidInput
from core.understanding import CONFIRMED, understand
from core.units import Units

TODAY = date(2026, 12, 4)  # a Friday
KM, MI = Units.KM, Units.MI

LOG = [
    ("ran 8k in 42 min this morning", {"distanceM": 8000.0, "durationSec": 2520}),
    ("ran 10km in 55mins", {"distanceM": 10000.0, "durationSec": 3300}),
    ("did 5 mi 45:10 felt heavy", {"distanceM": 8046.7, "durationSec": 2710, "note": "felt heavy"}),
    ("tempo done 7.2 miles 58:30", {"distanceM": 11587.3, "durationSec": 3510}),
    ("just did 12 km in 1h05", {"distanceM": 12000.0, "durationSec": 3900}),
    ("jogged 3 miles in 30 minutes", {"distanceM": 4828.0, "durationSec": 1800}),
    (
        "half in 1:52:00 yesterday",
        {"distanceM": 21097.5, "durationSec": 6720, "date": "2026-12-03"},
    ),
    ("parkrun 5k 24:10 last saturday", {"distanceM": 5000.0, "race": True, "date": "2026-11-28"}),
    ("long run 18 km 1:45:00 on sunday", {"distanceM": 18000.0, "date": "2026-11-29"}),
    ("6.5km 35:20", {"distanceM": 6500.0, "durationSec": 2120}),
    ("Ran 8K in 42 mins!!", {"distanceM": 8000.0, "durationSec": 2520}),
    ("5k time trial 23:40", {"race": True, "durationSec": 1420}),
]


@pytest.mark.parametrize(("text", "slots"), LOG)
def test_a_run_in_words_is_logged(text: str, slots: dict) -> None:  # type: ignore[type-arg]
    found = understand(text, TODAY, MI)
    assert found.intent == "log_run" and not found.confirm
    for key, value in slots.items():
        if isinstance(value, float):
            assert found.slots[key] == pytest.approx(value, abs=1), (text, found.slots)
        else:
            assert found.slots[key] == value, (text, found.slots)


CASES = [
    # questions
    ("what's my workout tomorrow?", "show_day", {"date": "2026-12-05"}),
    ("whats my run today", "show_day", {"date": "2026-12-04"}),
    ("what should i run on thursday", "show_day", {"date": "2026-12-10"}),
    ("todays workout pls", "show_day", {}),
    ("show me this week", "show_week", {}),
    ("whats on this week", "show_week", {}),
    ("show my plan", "show_plan", {}),
    ("shwo me the whole plan", "show_plan", {}),
    ("am i on track?", "status", {}),
    ("how am i doing", "status", {}),
    ("how am i doin", "status", {}),
    ("am I on trakc", "status", {}),
    ("what time can i run for the marathon", "predict", {}),
    ("predicted time?", "predict", {}),
    ("show progress", "progress", {}),
    ("weekly report please", "progress", {}),
    # changes (confirmed)
    ("can't run today, move it to friday", "move_workout", {"fromDate": "2026-12-04"}),
    ("move thursday's tempo to saturday", "move_workout", {"fromDate": "2026-12-10"}),
    ("skip thursday", "skip_day", {"date": "2026-12-10"}),
    ("cant run today", "skip_day", {"date": "2026-12-04"}),
    ("i won't run tomorrow", "skip_day", {"date": "2026-12-05"}),
    ("pause for a week, I'm sick", "pause", {"days": 7, "reason": "sick"}),
    ("pause for a fortnight", "pause", {"days": 14}),
    ("pause till monday", "pause", {"days": 3}),  # Fri, Sat, Sun off; back on Monday
    ("skip the day after tomorrow", "skip_day", {"date": "2026-12-06"}),
    ("I'd like to go under 1:50", "change_goal", {"goalSec": 6600}),
    ("I want to run sub 4", "change_goal", {"goalSec": 14400}),
    ("I'm injured", "pause", {"reason": "injured"}),
    ("travelling for 5 days", "pause", {"days": 5, "reason": "travelling"}),
    ("race moved to 2027-05-02", "change_race_date", {"date": "2027-05-02"}),
    ("my race date is now 18 apr 2027", "change_race_date", {"date": "2027-04-18"}),
    ("new goal 3:30:00", "change_goal", {"goalSec": 12600}),
    ("change my goal to 3h40", "change_goal", {"goalSec": 13200}),
    ("I finished in 3:52:10", "race_result", {"durationSec": 13930}),
    ("my time was 1:49:30", "race_result", {"durationSec": 6570}),
    ("switch to km", "set_units", {"units": "km"}),
    ("use miles please", "set_units", {"units": "mi"}),
    ("delete my last run", "delete_last_run", {}),
    ("remove last run, wrong file", "delete_last_run", {}),
    # settings, no plan change
    ("send my workout at 6:30am", "set_push_time", {"pushTime": "06:30"}),
    ("remind me at 7", "set_push_time", {"pushTime": "07:00"}),
    ("my time zone is pune", "set_time_zone", {"timeZone": "pune"}),
    ("i moved to berlin", "set_time_zone", {"timeZone": "berlin"}),
    ("I moved to New York", "set_time_zone", {"timeZone": "New York"}),  # as typed
    ("my time zone is america/new_york", "set_time_zone", {"timeZone": "America/New_York"}),
    ("i'm back", "resume", {}),
    ("feeling better, back to running", "resume", {}),
    # small talk
    ("hi", "greeting", {}),
    ("hello coach", "greeting", {}),
    ("thanks!", "thanks", {}),
    ("thank you so much", "thanks", {}),
    ("what can you do", "help", {}),
    ("help", "help", {}),
]


@pytest.mark.parametrize(("text", "intent", "slots"), CASES)
def test_each_intent_and_its_slots(text: str, intent: str, slots: dict) -> None:  # type: ignore[type-arg]
    found = understand(text, TODAY, KM)
    assert found.intent == intent, (text, found)
    for key, value in slots.items():
        assert found.slots.get(key) == value, (text, found.slots)
    assert found.confirm == (intent in CONFIRMED)


OFF_TOPIC = [
    "banana",
    "what is the capital of france",
    "asdf qwer",
    "lol",
    "the weather is nice",
    "do you like pizza",
    "42",
    "who won the game last night",
    "🤔",
    "blue green red",
]


@pytest.mark.parametrize("text", OFF_TOPIC)
def test_nonsense_and_off_topic_is_unknown(text: str) -> None:
    assert understand(text, TODAY, MI).intent == "unknown"


def test_empty_or_too_long_is_refused() -> None:
    for text in ("", "   ", "x" * 301):
        with pytest.raises(InvalidInput):
            understand(text, TODAY, MI)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_nothing_that_changes_the_plan_goes_without_a_confirm(text: str) -> None:
    try:
        found = understand(text, TODAY, MI)
    except InvalidInput:
        return
    plan_changing = {"skip_day", "move_workout", "pause", "change_race_date", "change_goal"}
    assert found.intent not in plan_changing | {"race_result", "delete_last_run"} or found.confirm
