from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from core.adaptation import move_options
from core.models import KEY_TYPES, RaceType
from core.plan import generate_plan
from core.schedule import due_slots, local_minutes, week_slot
from tests.core.plans import request

ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "Australia/Lord_Howe",
    "UTC",
]


def test_spring_forward_gap_minutes_are_due_after_the_jump() -> None:
    # Berlin 2027-03-28: 02:00 CET jumps to 03:00 CEST at 01:00 UTC
    found = local_minutes(
        "Europe/Berlin",
        datetime(2027, 3, 28, 0, 59, tzinfo=UTC),
        datetime(2027, 3, 28, 1, 0, tzinfo=UTC),
    )
    assert ("02:30", date(2027, 3, 28)) in found and ("03:00", date(2027, 3, 28)) in found


def test_fall_back_repeats_a_local_hour() -> None:
    first = local_minutes(
        "Europe/Berlin",
        datetime(2027, 10, 31, 0, 29, tzinfo=UTC),
        datetime(2027, 10, 31, 0, 30, tzinfo=UTC),
    )
    second = local_minutes(
        "Europe/Berlin",
        datetime(2027, 10, 31, 1, 29, tzinfo=UTC),
        datetime(2027, 10, 31, 1, 30, tzinfo=UTC),
    )
    assert first == second == {("02:30", date(2027, 10, 31))}


def test_odd_offsets() -> None:
    # Chatham is UTC+13:45 in January (DST), Kolkata UTC+5:30
    slots = due_slots(
        ["Pacific/Chatham", "Asia/Kolkata"],
        datetime(2027, 1, 10, 17, 14, tzinfo=UTC),
        datetime(2027, 1, 10, 17, 15, tzinfo=UTC),
    )
    assert ("Pacific/Chatham", "07:00", date(2027, 1, 11)) in slots
    assert ("Asia/Kolkata", "22:45", date(2027, 1, 10)) in slots
    assert week_slot(date(2027, 1, 10)) == "2027-W01"


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(ZONES),
    st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31)),
)
def test_every_local_minute_of_a_day_comes_due(zone: str, start: datetime) -> None:
    start = start.replace(tzinfo=UTC, second=0, microsecond=0)
    end = start + timedelta(hours=26)
    found = local_minutes(zone, start, end)
    day = (start + timedelta(hours=1)).astimezone(ZoneInfo(zone)).date() + timedelta(days=1)
    covered = {hhmm for hhmm, d in found if d == day}
    if end.astimezone(ZoneInfo(zone)).date() > day:
        assert len(covered) == 24 * 60


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(list(RaceType)[:4]), st.integers(8, 20), st.integers(3, 7), st.data())
def test_moving_a_missed_workout_never_puts_hard_days_together(race, weeks, days, data) -> None:
    plan = generate_plan(request(race, weeks, days=days, weekly_miles=30))
    quality = [d for d in plan.days() if d.planned.type.is_quality]
    if not quality:
        return
    missed = data.draw(st.sampled_from(quality))
    numbered = [d.model_copy(update={"id": i}) for i, d in enumerate(plan.days())]
    missed = next(d for d in numbered if d.date == missed.date)
    week = [d for d in numbered if d.week_index == missed.week_index]
    today = missed.date + timedelta(days=1)
    by_date = {d.date: d for d in numbered}
    for option in move_options(week, missed, set(), today):
        assert option.date >= today and option.week_index == missed.week_index
        assert option.planned.type not in KEY_TYPES
        for neighbour in (option.date - timedelta(days=1), option.date + timedelta(days=1)):
            other = by_date.get(neighbour)
            assert other is None or other.id == missed.id or other.planned.type not in KEY_TYPES
