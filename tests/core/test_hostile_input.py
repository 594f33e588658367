"""What hostile input once did to the parsers and the activity rules, now refused clearly."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.render import QUOTE_CHARS
from core.errors import InvalidInput
from core.models import ActivitySource, AthleteActivity
from core.parsing import (
    looks_like_secret,
    parse_date,
    parse_duration,
    parse_place,
    parse_race_name,
)
from core.plausibility import check_plausible
from tests.words import words

TODAY = date(2027, 3, 10)


def test_a_huge_duration_is_refused_not_infinite() -> None:
    for text in ("1" * 320 + "h", "99999999h", "1e308 h", "999999:00:00"):
        with pytest.raises(InvalidInput):
            parse_duration(text)


@given(st.text(max_size=400))
def test_durations_parse_or_refuse_and_never_crash(text: str) -> None:
    try:
        seconds = parse_duration(text)
    except InvalidInput as refusal:
        assert len(words(refusal)) < 200  # a quote of the input, never all of it
    else:
        assert 0 < seconds <= 7 * 24 * 3600


@given(st.text(max_size=400))
def test_dates_parse_or_refuse_and_never_crash(text: str) -> None:
    try:
        parse_date(text, TODAY)
    except InvalidInput as refusal:
        assert len(words(refusal)) < 200


def test_29_february_waits_for_a_leap_year() -> None:
    assert parse_date("29 feb", date(2026, 11, 25)) == date(2028, 2, 29)
    assert parse_date("29 feb", date(2028, 3, 1)) == date(2032, 2, 29)
    assert parse_date("29 feb", date(2028, 2, 1)) == date(2028, 2, 29)
    with pytest.raises(InvalidInput):
        parse_date("31 feb", TODAY)


def test_errors_quote_a_little_of_what_was_typed() -> None:
    with pytest.raises(InvalidInput) as refusal:
        parse_duration("x" * 4000)
    said = words(refusal.value)
    assert "x" * QUOTE_CHARS in said and "x" * (QUOTE_CHARS + 1) not in said


@pytest.mark.parametrize(
    "name",
    ["Berlin Marathon", "Киевский марафон", "東京マラソン", "Rock 'n' Roll 2027", "Berlin2027"],
)
def test_race_names_in_any_script(name: str) -> None:
    assert parse_race_name(f"  {name}  ") == name


@pytest.mark.parametrize(
    "text", ["ada@example.com", "pw-Xk29!abc", "x", "42", "https://evil.example", "a" * 81]
)
def test_what_is_no_race_name_never_reaches_the_shared_list(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_race_name(text)
    with pytest.raises(InvalidInput):
        parse_place(text)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("pw-Xk29!abc", True),
        ("hunter2!x", True),
        ("iPhone12x", True),
        ("Berlin2027", False),
        ("2027-04-18", False),
        ("3:45:00", False),
        ("Berlin Marathon", False),
        ("correcthorsebattery", False),
        ("/garmin", False),
    ],
)
def test_what_looks_like_a_password(text: str, secret: bool) -> None:
    assert looks_like_secret(text) is secret


def run(start: datetime, metres: float, seconds: float, sport: str = "running") -> AthleteActivity:
    return AthleteActivity(
        source=ActivitySource.FILE,
        external_id="x",
        start_utc=start,
        local_date=start.date(),
        distance_m=metres,
        duration_s=seconds,
        sport=sport,
    )


MORNING = datetime(2027, 3, 9, 7, tzinfo=UTC)


@pytest.mark.parametrize(
    ("activity", "says"),
    [
        (run(MORNING + timedelta(days=2), 8000, 2640), "hasn't happened"),
        (run(datetime(1979, 12, 31, tzinfo=UTC), 8000, 2640), "before my time"),
        (run(MORNING, 0, 2640), "no distance"),
        (run(MORNING, 500_000, 7200), "km/h"),  # 250 km/h
        (run(MORNING, 10_000, 1), "km/h"),
        (run(MORNING, 1000, 3 * 3600), "km/h"),  # 0.33 km/h: standing still
        (run(MORNING, 8000, 0), "duration"),
        (run(MORNING, 300_000, 50 * 3600), "duration"),
    ],
)
def test_implausible_activities_are_refused(activity: AthleteActivity, says: str) -> None:
    with pytest.raises(InvalidInput) as refusal:
        check_plausible(activity, TODAY)
    assert says in words(refusal.value)


@pytest.mark.parametrize(
    "activity",
    [
        run(MORNING, 42_195, 2 * 3600 + 35),  # Kiptum's 2:00:35 world record: 21.0 km/h
        run(MORNING, 5000, 12 * 60 + 35),  # the 5000 m record pace: 23.8 km/h
        run(MORNING, 8000, 2 * 3600),  # a slow walk-run: 4 km/h
        run(MORNING, 160_934, 30 * 3600),  # a 100-mile ultra
        run(MORNING, 0, 3600, sport="yoga"),  # not a run: no distance needed
        run(MORNING, 80_000, 3600, sport="cycling"),  # not a run: any speed
    ],
)
def test_real_activities_pass(activity: AthleteActivity) -> None:
    check_plausible(activity, TODAY)
