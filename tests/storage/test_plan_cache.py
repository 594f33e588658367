"""A process keeps a plan's days while the database's version of them holds: no stale plan,
whichever process (repository) changed them."""

import pytest

from core.clock import FrozenClock
from core.models import (
    Adaptive5kSnapshot,
    PlanRevision,
    RevisionKind,
    Trend,
    WorkoutType,
)
from core.workouts import REST_DAY
from storage import plans
from tests.backends import database
from tests.storage.conftest import NOW, a_plan, new_athlete
from tests.units import storage_calls


@pytest.fixture
def day_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    reads: list[str] = []
    real = plans.fetch_all

    def counted(conn, sql, args=()):  # type: ignore[no-untyped-def]
        if "FROM training_days_planned WHERE training_plan_id" in sql:
            reads.append(sql)
        return real(conn, sql, args)

    monkeypatch.setattr(plans, "fetch_all", counted)
    return reads


async def test_days_are_read_once_and_again_after_any_change(db_path, day_reads) -> None:  # type: ignore[no-untyped-def]
    async with database(db_path) as db, database(db_path) as other_db:
        mine = storage_calls(db, FrozenClock(NOW))
        other = storage_calls(other_db, FrozenClock(NOW))  # another process
        athlete = await new_athlete(mine)
        assert athlete.id is not None
        saved = await mine.save_plan(athlete.id, a_plan(), NOW)
        first = await mine.active_plan(athlete.id)
        reads = len(day_reads)
        assert await mine.active_plan(athlete.id) == first == saved
        assert len(day_reads) == reads  # the days came from memory

        easy = [d for d in first.days() if d.planned.type is WorkoutType.EASY]
        runs = next(
            (a, b) for a in easy for b in easy if a.planned.distance_m != b.planned.distance_m
        )
        assert runs[0].id is not None and runs[1].id is not None
        move = PlanRevision(kind=RevisionKind.MOVE, effective_from=NOW.date())
        await other.move_workout(athlete.id, runs[0].id, runs[1].id, move, REST_DAY)
        moved = await mine.active_plan(athlete.id)
        assert len(day_reads) == reads + 1
        by_id = {d.id: d.planned for d in moved.days()}
        assert by_id[runs[0].id] == REST_DAY and by_id[runs[1].id] == runs[0].planned

        # a change to the plan's own row (here the adaptive 5k) is seen as well
        snap = Adaptive5kSnapshot(
            week_index=0,
            taken_on=NOW.date(),
            seconds=1400,
            vdot=45.0,
            runs_used=3,
            trend=Trend.IMPROVING,
        )
        await other.save_snapshot(athlete.id, saved.id, snap)
        assert (await mine.active_plan(athlete.id)).adaptive_5k_s == 1400
