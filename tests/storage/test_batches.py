"""Lists of any length: no statement carries more parameters than stock SQLite (and PostgreSQL)
accept, 32,766, whatever this machine's SQLite build allows."""

from datetime import timedelta

import pytest

from storage import activities, pushes
from storage.sqlite import MAX_PARAMETERS
from tests.core.plans import START
from tests.storage.conftest import NOW, a_plan, new_athlete
from tests.units import OneUnitPerCall

MANY = 40_000


@pytest.fixture
def statement_sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many parameters each statement the repository sends carries (the real call runs)."""
    sizes: list[int] = []
    real = pushes.fetch_all

    def counted(conn, sql, args=()):  # type: ignore[no-untyped-def]
        sizes.append(len(args))
        return real(conn, sql, args)

    for module in (pushes, activities):  # the repositories that take lists
        monkeypatch.setattr(module, "fetch_all", counted)
    return sizes


async def test_push_queries_take_any_number_of_runners(
    repo: OneUnitPerCall, statement_sizes: list[int]
) -> None:
    athlete = await new_athlete(repo)
    assert athlete.id is not None
    await repo.save_plan(athlete.id, a_plan(), NOW)
    first_day = START
    asked = [(athlete.id, first_day)] + [(10_000 + i, first_day) for i in range(MANY)]
    missed = await repo.missed_days(asked)
    assert list(missed) == [athlete.id] and missed[athlete.id].date == first_day
    ids = [athlete.id, *range(10_000, 10_000 + MANY)]
    assert await repo.pending_matches(ids) == {}
    zones = [athlete.time_zone, *(f"Zone/{i}" for i in range(MANY))]
    assert [a.id for a in await repo.athletes_in_zones(zones)] == [athlete.id]
    slots = [(athlete.time_zone, athlete.push_time, first_day)]
    slots += [(f"Zone/{i}", "07:00", first_day + timedelta(days=i % 7)) for i in range(MANY)]
    due = await repo.due_pushes(slots)
    assert [d.athlete.id for d in due] == [athlete.id]
    assert statement_sizes and max(statement_sizes) <= MAX_PARAMETERS
    assert len(statement_sizes) > 4  # the long lists really were split
