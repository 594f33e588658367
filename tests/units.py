"""Repository methods called one at a time, each in its own unit of work.

Tests set up and inspect rows this way (``await stored(app).active_plan(athlete_id)``); use
cases under test still run in the unit of work the code gives them.
"""

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, get_type_hints

from core.ports import UnitOfWork, Units


def _aggregates() -> dict[str, str]:
    """method name → the unit-of-work attribute (aggregate) that has it, from the ports."""
    found = {}
    for aggregate, prop in inspect.getmembers(UnitOfWork, lambda m: isinstance(m, property)):
        port = get_type_hints(prop.fget)["return"]
        for name, _ in inspect.getmembers(port, inspect.isfunction):
            if not name.startswith("_"):
                found.setdefault(name, aggregate)
    return found


AGGREGATE_OF = _aggregates()


class OneUnitPerCall:
    def __init__(self, units: Units) -> None:
        self.units = units

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        aggregate = AGGREGATE_OF[name]

        async def call(*args: Any, **kwargs: Any) -> Any:
            return await self.units.write(
                lambda uow: getattr(getattr(uow, aggregate), name)(*args, **kwargs)
            )

        return call


def stored(app: Any) -> OneUnitPerCall:
    """The running bot's storage, one unit of work per call."""
    return OneUnitPerCall(app.services.units)


def storage_calls(db: Any, clock: Any = None) -> OneUnitPerCall:
    """An open database's repositories (SQLite or PostgreSQL), one unit of work per call."""
    from storage.unit_of_work import SqlUnits

    return OneUnitPerCall(SqlUnits(db, clock))
