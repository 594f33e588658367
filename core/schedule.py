"""When pushes are due: local wall-clock slots across time zones, DST included.

A tick looks at every UTC minute since the previous tick and asks, per time zone in use, which
local minute began then. Minutes a spring-forward jump skips (02:00–02:59 in Europe/Berlin) are
due at the first minute after the jump, so a runner whose push is 02:30 still gets it; minutes
a fall-back repeats are due twice, and the at-most-once claim per (runner, kind, local day)
keeps the second from sending.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

MINUTE = timedelta(minutes=1)


def _floor_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def local_minutes(zone: str, start_utc: datetime, end_utc: datetime) -> set[tuple[str, date]]:
    """Local (HH:MM, date) that began in (start_utc, end_utc] in ``zone``, gaps included."""
    tz = ZoneInfo(zone)
    found: set[tuple[str, date]] = set()
    minute = _floor_minute(start_utc) + MINUTE
    previous = (minute - MINUTE).astimezone(tz).replace(tzinfo=None)
    while minute <= end_utc:
        local = minute.astimezone(tz).replace(tzinfo=None)
        wall = previous + MINUTE
        while wall <= local:  # more than one wall minute passed: a DST gap
            found.add((f"{wall:%H:%M}", wall.date()))
            wall += MINUTE
        found.add((f"{local:%H:%M}", local.date()))
        previous, minute = local, minute + MINUTE
    return found


def due_slots(
    zones: Iterable[str], start_utc: datetime, end_utc: datetime
) -> list[tuple[str, str, date]]:
    """(zone, local HH:MM, local date) for every zone and local minute in the window."""
    return sorted(
        (zone, hhmm, day)
        for zone in set(zones)
        for hhmm, day in local_minutes(zone, start_utc, end_utc)
    )


def week_slot(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
