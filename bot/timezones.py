"""Time zones from what runners send: an IANA name, a city, or a shared location."""

from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from telegram import Message
from tzfpy import get_tz

from core.errors import InvalidInput

COMMON_ZONES = (
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
)


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    """Lower-cased IANA names and city names (``new york``) → IANA name."""
    found: dict[str, str] = {}
    for name in sorted(available_timezones()):
        if name.startswith(("Etc/", "SystemV/")) or "/" not in name:
            continue
        found[name.lower()] = name
        city = name.rsplit("/", 1)[1].replace("_", " ").lower()
        found.setdefault(city, name)
    found["utc"] = "UTC"
    return found


def resolve_zone(text: str) -> str:
    cleaned = " ".join(text.strip().replace("_", " ").split()).lower()
    zone = _zones().get(cleaned) or _zones().get(cleaned.replace(" ", "_"))
    if zone is None:
        zone = _zones().get(text.strip().lower())
    if zone is None:
        raise InvalidInput("zone_unknown", text=text)
    ZoneInfo(zone)  # proves tzdata has it
    return zone


def zone_at(latitude: float, longitude: float) -> str:
    zone = get_tz(longitude, latitude)
    if not zone:
        raise InvalidInput("zone_not_found")
    return zone


def zone_from(message: Message) -> str:
    """The zone a runner sent: a shared location, or a typed city or zone name."""
    if message.location is not None:
        return zone_at(message.location.latitude, message.location.longitude)
    return resolve_zone(message.text or "")
