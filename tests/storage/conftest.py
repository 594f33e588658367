from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.clock import FrozenClock
from core.models import ActivitySource, Athlete, AthleteActivity, TrainingPlan
from core.plan import generate_plan
from storage.unit_of_work import SqlUnits
from tests.backends import database
from tests.core.plans import START, request
from tests.units import OneUnitPerCall

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "gofast.db"


@pytest.fixture
async def repo(db_path: Path) -> AsyncIterator[OneUnitPerCall]:
    async with database(db_path) as db:
        yield OneUnitPerCall(SqlUnits(db, FrozenClock(NOW)))


async def new_athlete(repo: OneUnitPerCall, user_id: int = 1001) -> Athlete:
    return await repo.upsert_athlete(
        Athlete(telegram_user_id=user_id, chat_id=user_id, display_name=f"Runner {user_id}")
    )


def a_plan() -> TrainingPlan:
    return generate_plan(request(weeks=12, weekly_miles=20))


def a_run(
    day_offset: int, km: float, external_id: str = "", minutes: float = 50
) -> AthleteActivity:
    on = START + timedelta(days=day_offset)
    return AthleteActivity(
        source=ActivitySource.FILE,
        external_id=external_id or f"run-{day_offset}-{km}",
        start_utc=datetime(on.year, on.month, on.day, 7, 0, tzinfo=UTC),
        local_date=on,
        distance_m=km * 1000,
        duration_s=minutes * 60,
        moving_s=minutes * 60 - 30,
    )
