from datetime import date

import pytest

from core.errors import InvalidInput
from core.parsing import (
    format_distance,
    format_duration,
    format_pace,
    parse_clock,
    parse_date,
    parse_distance,
    parse_duration,
    parse_pace,
    parse_volume,
    parse_weekday,
)
from core.units import Units
from tests.words import words

TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("20:00", 1200),
        ("1:45:30", 6330),
        ("3h30", 12600),
        ("3h 30m", 12600),
        ("45min", 2700),
        ("45 min", 2700),
        ("1h", 3600),
        ("90s", 90),
        ("0:59", 59),
        ("24:34", 1474),
    ],
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


def test_two_part_time_reads_as_hours_for_long_races() -> None:
    assert parse_duration("3:30", hours_first=True) == 3 * 3600 + 30 * 60
    assert parse_duration("3:30") == 210


@pytest.mark.parametrize("text", ["25:61", "0:00", "", "abc", "1:75:00", "3h75", "12:3x", "-5:00"])
def test_nonsense_durations_raise_one_friendly_error(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_duration(text)
    said = words(caught.value)
    assert "Traceback" not in said
    assert said.endswith(".")


@pytest.mark.parametrize(
    ("text", "per_km"),
    [("8:30/mi", 510 / 1.609344), ("5:10/km", 310), ("5:10 min/km", 310), ("8:30 per mile", 316.9)],
)
def test_paces(text: str, per_km: float) -> None:
    assert parse_pace(text) == pytest.approx(per_km, abs=0.1)


def test_bare_pace_needs_units() -> None:
    assert parse_pace("5:00", Units.KM) == 300
    with pytest.raises(InvalidInput):
        parse_pace("5:00")


@pytest.mark.parametrize("text", ["5:61/km", "0:30/km", "45:00/km", "fast", "5/km"])
def test_bad_paces(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_pace(text)


@pytest.mark.parametrize(
    ("text", "metres"),
    [
        ("5k", 5000),
        ("10 km", 10000),
        ("6.2 mi", 6.2 * 1609.344),
        ("half", 21097.5),
        ("Half Marathon", 21097.5),
        ("marathon", 42195),
        ("400m", 400),
        ("15k", 15000),
        ("30 mi", 30 * 1609.344),
        ("8,5 km", 8500),
    ],
)
def test_distances(text: str, metres: float) -> None:
    assert parse_distance(text) == pytest.approx(metres)


@pytest.mark.parametrize("text", ["-3k", "0k", "0", "far", "5 parsecs", "900 mi"])
def test_bad_distances(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_distance(text, Units.KM)


def test_bare_distance_uses_default_units() -> None:
    assert parse_distance("8", Units.MI) == pytest.approx(8 * 1609.344)
    with pytest.raises(InvalidInput):
        parse_distance("8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-04-18", date(2027, 4, 18)),
        ("18 Apr 2027", date(2027, 4, 18)),
        ("April 18, 2027", date(2027, 4, 18)),
        ("18/04/2027", date(2027, 4, 18)),
        ("tomorrow", date(2026, 11, 26)),
        ("today", TODAY),
        ("yesterday", date(2026, 11, 24)),
        ("sat", date(2026, 11, 28)),
        ("wednesday", date(2026, 12, 2)),  # today is Wednesday: the next one
        ("18 Apr", date(2027, 4, 18)),
        ("30 Dec", date(2026, 12, 30)),
    ],
)
def test_dates(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["2027-02-30", "someday", "31/31/2027", ""])
def test_bad_dates(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_date(text, TODAY)


def test_weekdays() -> None:
    assert parse_weekday("Sun") == 6
    assert parse_weekday("monday") == 0
    with pytest.raises(InvalidInput):
        parse_weekday("someday")


def test_formatting_round_trips() -> None:
    assert format_duration(1200) == "20:00"
    assert format_duration(13500) == "3:45:00"
    assert parse_duration(format_duration(6330)) == 6330
    assert format_pace(parse_pace("8:30/mi"), Units.MI) == "8:30/mi"
    assert format_pace(310, Units.KM) == "5:10/km"
    assert format_distance(5000, Units.KM) == "5 km"
    assert format_distance(8046.72, Units.MI) == "5 mi"
    assert format_distance(8200, Units.KM) == "8.2 km"


THURSDAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("text", "past", "expected"),
    [
        ("sunday", False, date(2026, 11, 29)),
        ("sunday", True, date(2026, 11, 22)),  # a run logged on "sunday" was last Sunday's
        ("thursday", True, THURSDAY),
        ("next sunday", False, date(2026, 11, 29)),
        ("last sunday", False, date(2026, 11, 22)),
        ("this thursday", False, THURSDAY),
        ("25/12", False, date(2026, 12, 25)),  # only one reading is a date
        ("12.25", False, date(2026, 12, 25)),
        ("12/11", True, date(2026, 11, 12)),  # logging: last fortnight, not a year ago
        ("18 apr", True, date(2026, 4, 18)),
        ("18 apr", False, date(2027, 4, 18)),
        ("the day after tomorrow", False, date(2026, 11, 28)),
        ("day before yesterday", True, date(2026, 11, 24)),
        ("in 3 days", False, date(2026, 11, 29)),
        ("two days ago", True, date(2026, 11, 24)),
    ],
)
def test_dates_read_the_way_runners_mean_them(text: str, past: bool, expected: date) -> None:
    assert parse_date(text, THURSDAY, past=past) == expected


@pytest.mark.parametrize("text", ["12/04", "04/12/2027"])
def test_a_date_both_ways_possible_is_asked_back(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_date(text, THURSDAY)
    assert caught.value.code == "date_ambiguous"
    first, second = caught.value.params["first"], caught.value.params["second"]
    assert {(first.month, first.day), (second.month, second.day)} == {(4, 12), (12, 4)}
    assert "12 Apr or 4 Dec?" in words(caught.value)


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("7", "07:00"),
        ("6:15am", "06:15"),
        ("6:15 pm", "18:15"),
        ("0630", "06:30"),
        ("18.30", "18:30"),
        ("12am", "00:00"),
        ("12pm", "12:00"),
        ("06:45", "06:45"),
    ],
)
def test_push_times_as_runners_type_them(text: str, clock: str) -> None:
    assert parse_clock(text) == clock


@pytest.mark.parametrize("text", ["25:00", "7:60", "13pm", "0am", "soon", ""])
def test_impossible_clock_times_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_clock(text)


def test_a_negative_weekly_volume_is_refused_in_volume_words() -> None:
    with pytest.raises(InvalidInput) as negative:
        parse_volume("-10", Units.KM)
    with pytest.raises(InvalidInput) as unreadable:
        parse_volume("lots", Units.KM)
    for refusal in (negative.value, unreadable.value):
        assert "marathon" not in words(refusal) and "30 km" in words(refusal)
