"""Unit conversions. Internally everything is metres and seconds; these live at the edges."""

from enum import StrEnum

METRES_PER_MILE = 1609.344
METRES_PER_KM = 1000.0
FIVE_K_M = 5000.0
TEN_K_M = 10000.0
HALF_MARATHON_M = 21097.5
MARATHON_M = 42195.0


class Units(StrEnum):
    KM = "km"
    MI = "mi"

    @property
    def metres(self) -> float:
        return METRES_PER_KM if self._value_ == "km" else METRES_PER_MILE


def metres_to_miles(metres: float) -> float:
    return metres / METRES_PER_MILE


def miles_to_metres(miles: float) -> float:
    return miles * METRES_PER_MILE


def pace_per_km_to_per_mile(seconds_per_km: float) -> float:
    return seconds_per_km * METRES_PER_MILE / METRES_PER_KM


def pace_per_mile_to_per_km(seconds_per_mile: float) -> float:
    return seconds_per_mile * METRES_PER_KM / METRES_PER_MILE


def pace_s_per_km(distance_m: float, seconds: float) -> float:
    return seconds / (distance_m / METRES_PER_KM)
