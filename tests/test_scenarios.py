"""Scenario tests: five runners live through a whole marathon plan with real life in it."""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from core.clock import FrozenClock
from core.models import Phase, RaceType, RevisionKind, VolumeChange, WorkoutType
from core.plan import generate_plan
from core.revision import PlanEdit
from core.services import real_life
from tests.backends import database
from tests.core.plans import START, request
from tests.scenarios import Simulation, start_simulation, weekly_miles
from tests.units import storage_calls

PLAN = request(RaceType.MARATHON, 18, weekly_miles=25, goal_time_s=4 * 3600 + 15 * 60)


@pytest.fixture
async def sim(tmp_path: Path) -> AsyncIterator[Simulation]:
    clock = FrozenClock(datetime(START.year, START.month, START.day, 6, tzinfo=UTC))
    async with database(tmp_path / "sim.db") as db:
        yield await start_simulation(storage_calls(db, clock), clock, generate_plan(PLAN))


def week_start(sim: Simulation, index: int) -> date:
    return sim.original.weeks[index].start_date


async def finish(sim: Simulation, first: date) -> None:
    await sim.live(first, sim.plan.race.race_date)
    assert sim.plan.days()[-1].planned.type is WorkoutType.RACE
    assert len(await sim.executed()) == sim.runs  # every run is still linked to its day


async def test_a_runner_who_misses_a_week(sim: Simulation) -> None:
    missed = week_start(sim, 6)
    await sim.live(START, missed - timedelta(days=1))
    await sim.live(missed, missed + timedelta(days=6), lambda d, w: None)
    kinds = sim.kinds()
    assert kinds[:2] == [RevisionKind.EASY_BLOCK, RevisionKind.RECOMPUTE]
    assert weekly_miles(sim.plan)[7] < weekly_miles(sim.original)[7]
    await finish(sim, missed + timedelta(days=7))
    assert await sim.repo.execution_count(sim.athlete_id, sim.plan.id) == 2  # restarted


async def test_a_runner_injured_for_three_weeks_mid_build(sim: Simulation) -> None:
    build = next(w for w in sim.original.weeks if w.phase is Phase.BUILD)
    hurt = build.start_date + timedelta(days=7)
    await sim.live(START, hurt - timedelta(days=1))
    await sim.repo.units.write(lambda uow: real_life.pause(uow, sim.athlete, hurt, 21, "injured"))
    await sim.refresh_athlete()
    await sim.live(hurt, hurt + timedelta(days=20))  # paused: nothing runs, nothing is missed
    assert sim.revisions == []
    back = hurt + timedelta(days=21)
    change = await sim.repo.units.write(lambda uow: real_life.resume(uow, sim.athlete, back))
    await sim.check(change)
    assert change is not None and 21 <= change.revision.break_days <= 23  # since the last run
    assert change.revision.reason == "injured"
    first = sim.plan.current_week(back)
    assert not any(d.planned.type.is_quality for d in first.days if d.date >= back)
    reached = weekly_miles(sim.original)[first.week_index - 4]
    assert weekly_miles(sim.plan)[first.week_index + 1] <= 0.75 * reached
    await finish(sim, back)


async def test_a_runner_whose_race_moves_four_weeks_later(sim: Simulation) -> None:
    today = week_start(sim, 6) + timedelta(days=2)
    await sim.live(START, today - timedelta(days=1))
    moved = sim.plan.race.race_date + timedelta(days=28)
    change = await sim.repo.units.write(
        lambda uow: real_life.apply_edit(uow, sim.athlete_id, PlanEdit(race_date=moved), today)
    )
    await sim.check(change)
    assert sim.plan.race.race_date == moved and sim.plan.race.id != sim.original.race.id
    assert sim.plan.total_weeks == sim.original.total_weeks + 4
    assert change.revision.changes == ("race date",)
    await finish(sim, today)


async def test_a_runner_who_overachieves(sim: Simulation) -> None:
    await sim.live(START, week_start(sim, 12), lambda d, w: (1.1, 0.93))
    repaced = [r for r in sim.revisions if r.pace_5k_after_s]
    assert repaced and all(r.volume is None for r in sim.revisions)
    assert sim.plan.paces.threshold < sim.original.paces.threshold
    assert weekly_miles(sim.plan) == weekly_miles(sim.original)  # never jumps to catch up
    await finish(sim, week_start(sim, 12) + timedelta(days=1))


async def test_a_runner_who_ignores_the_bot_for_a_month(sim: Simulation) -> None:
    gone = week_start(sim, 4)
    await sim.live(START, gone - timedelta(days=1))
    await sim.live(gone, gone + timedelta(days=29), lambda d, w: None)
    kinds = sim.kinds()
    assert kinds.count(RevisionKind.EASY_BLOCK) == 1
    assert kinds.count(RevisionKind.RECOMPUTE) >= 2  # rebuilt again as the weeks went by
    steps = [r for r in sim.revisions if r.volume is VolumeChange.STEP_BACK]
    assert all(r.kind is RevisionKind.WEEKLY for r in steps)
    back = gone + timedelta(days=30)
    assert weekly_miles(sim.plan)[sim.plan.current_week(back).week_index + 1] < 25
    await finish(sim, back)
