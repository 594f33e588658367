from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from core.clock import FrozenClock
from core.models import ActivitySource, Athlete, AthleteActivity, TrainingDayPlanned
from core.plan import generate_plan
from core.ports import Units
from storage.unit_of_work import SqlUnits
from tests.backends import database
from tests.core.plans import START, request
from tests.fakes import FakeUnits

NOW = datetime.combine(START, time(6), UTC)


@pytest.fixture(params=["fake", "storage"])
async def units(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Units]:
    """The same use case or check against the in-memory fake and the real storage."""
    if request.param == "fake":
        yield FakeUnits()
        return
    async with database(tmp_path / "contract.db") as db:
        yield SqlUnits(db, FrozenClock(NOW))


async def runner_with_plan(units: Units, user_id: int = 1, push_time: str = "07:00") -> Athlete:
    async def enrol(uow):  # type: ignore[no-untyped-def]
        athlete = await uow.athletes.upsert_athlete(
            Athlete(telegram_user_id=user_id, chat_id=user_id, onboarded=True)
        )
        athlete = await uow.athletes.update_athlete(athlete.id, push_time=push_time)
        await uow.plans.save_plan(athlete.id, generate_plan(request(weeks=12)), NOW)
        return athlete

    return await units.write(enrol)


def run_of(day: TrainingDayPlanned, external_id: str = "", factor: float = 1.0) -> AthleteActivity:
    """The run ``day`` asked for (distance × ``factor``), at 07:00 UTC that day."""
    seconds = day.planned.distance_m / 1000 * (day.planned.pace_s_per_km or 360)
    return AthleteActivity(
        source=ActivitySource.FILE,
        external_id=external_id or f"run-{day.date}",
        start_utc=datetime.combine(day.date, time(7), UTC),
        local_date=day.date,
        distance_m=day.planned.distance_m * factor,
        duration_s=seconds * factor,
    )


def later(days: int) -> datetime:
    return NOW + timedelta(days=days)
