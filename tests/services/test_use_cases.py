"""Use cases on the in-memory unit of work: Garmin sync, the push tick's decisions, moving a
missed workout. No SQLite, no Telegram, no HTTP."""

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from core.errors import InvalidInput, RateLimited
from core.models import (
    KEY_TYPES,
    Athlete,
    AthleteActivity,
    RevisionKind,
    TrainingDayPlanned,
    TrainingPlan,
    WorkoutType,
)
from core.ports import FeedPage
from core.services import coaching, days, garmin_sync, pushes
from core.services.pushes import NoticeKind
from core.units import Units
from tests.fakes import FakeUnits
from tests.services.conftest import NOW, later, run_of, runner_with_plan

SEALED = b"sealed-tokens"


@dataclass
class FakeFeed:
    """Garmin as the sync sees it: runs in a window, or a 429."""

    held: list[AthleteActivity] = field(default_factory=list)
    limited: bool = False
    asked: list[tuple[date, date]] = field(default_factory=list)

    async def runs(self, sealed_tokens: bytes, first: date, last: date, zone: str) -> FeedPage:
        self.asked.append((first, last))
        if self.limited:
            raise RateLimited("429")
        found = [r for r in self.held if first <= r.local_date <= last]
        return FeedPage(found, len(found) + 1, sealed_tokens + b"+")  # +1: a bike ride


async def plan_of(units: FakeUnits, athlete_id: int) -> TrainingPlan:
    plan = await units.read(lambda uow: uow.plans.active_plan(athlete_id))
    assert plan is not None
    return plan


async def test_garmin_sync_imports_once_and_reads_from_the_last_sync() -> None:
    units = FakeUnits()
    athlete = await runner_with_plan(units)
    plan = await plan_of(units, athlete.stored_id)
    ran = [d for d in plan.days() if d.planned.type.is_run][:3]
    feed = FakeFeed([run_of(d) for d in ran])
    await units.write(lambda uow: uow.garmin.connect(athlete.stored_id, SEALED, NOW))
    today = ran[-1].date
    first = await garmin_sync.sync(units, feed, athlete, today, later(10))
    again = await garmin_sync.sync(units, feed, athlete, today, later(11))
    assert len(first.imported) == 3 and first.fetched == 4
    assert again.imported == ()  # the same runs again: nothing counted twice
    assert feed.asked[0][0] == today - timedelta(days=garmin_sync.FIRST_SYNC_DAYS)
    assert feed.asked[1][0] == later(10).date() - timedelta(days=garmin_sync.OVERLAP_DAYS)
    account = await units.read(lambda uow: uow.garmin.get(athlete.stored_id))
    assert account is not None and account.runs_imported == 3
    assert account.tokens == SEALED + b"++"  # each sync keeps the tokens it got back


async def test_garmin_backs_off_longer_each_time_and_waits() -> None:
    units = FakeUnits()
    athlete = await runner_with_plan(units)
    await units.write(lambda uow: uow.garmin.connect(athlete.stored_id, SEALED, NOW))
    feed = FakeFeed(limited=True)
    levels = []
    for hours in (0, 2, 7, 20):  # each try after the previous back-off ran out
        with pytest.raises(RateLimited) as limited:
            await garmin_sync.sync(units, feed, athlete, NOW.date(), NOW + timedelta(hours=hours))
        levels.append(limited.value.level)
    assert levels == [1, 2, 3, 4]
    account = await units.read(lambda uow: uow.garmin.get(athlete.stored_id))
    assert account is not None
    assert account.backoff_until == NOW + timedelta(hours=20 + garmin_sync.BACKOFF_HOURS[3])
    asked = len(feed.asked)
    with pytest.raises(RateLimited):  # backed off: Garmin is not even asked
        await garmin_sync.sync(units, feed, athlete, NOW.date(), NOW + timedelta(hours=21))
    assert len(feed.asked) == asked


async def test_a_glitch_from_garmin_is_skipped_and_the_rest_imported() -> None:
    units = FakeUnits()
    athlete = await runner_with_plan(units)
    plan = await plan_of(units, athlete.stored_id)
    day = next(d for d in plan.days() if d.planned.type.is_run)
    glitch = run_of(day, "glitch").model_copy(update={"duration_s": 60.0})  # 5 km in a minute
    feed = FakeFeed([glitch, run_of(day)])
    await units.write(lambda uow: uow.garmin.connect(athlete.stored_id, SEALED, NOW))
    outcome = await garmin_sync.sync(units, feed, athlete, day.date, later(1))
    assert outcome.skipped == 1 and len(outcome.imported) == 1


async def run_days(units: FakeUnits, athlete_id: int, plan: TrainingPlan, until: date) -> None:
    """Every planned run before ``until`` done as planned and linked."""
    for day in plan.days():
        if day.planned.type.is_run and day.date < until and day.id is not None:
            outcome = await units.write(
                lambda uow, day=day: uow.activities.import_activity(athlete_id, run_of(day))
            )
            run_id = outcome[0].id
            assert run_id is not None
            await units.write(
                lambda uow, day=day, run_id=run_id: coaching.link_run(
                    uow, athlete_id, run_id, day.id, day.date
                )
            )


async def notices_on(units: FakeUnits, morning: date) -> list[pushes.Notice]:
    start = NOW.replace(year=morning.year, month=morning.month, day=morning.day, hour=6)
    end = start.replace(hour=7, minute=0)
    return await units.read(lambda uow: pushes.due_now(uow, start, end, "19:00", 6))


def key_day_after_a_run(plan: TrainingPlan) -> TrainingDayPlanned:
    runs = [d for d in plan.days() if d.planned.type.is_run]
    return next(
        d
        for d in runs[1:]
        if d.planned.type in KEY_TYPES and d.week_index > 0 and d.planned.type.value != "race"
    )


@dataclass
class KeyDayAhead:
    """A runner on the fake storage whose plan has a key workout after a run."""

    units: FakeUnits
    athlete: Athlete
    plan: TrainingPlan
    key: TrainingDayPlanned


async def key_day_ahead() -> KeyDayAhead:
    units = FakeUnits()
    athlete = await runner_with_plan(units)
    plan = await plan_of(units, athlete.stored_id)
    return KeyDayAhead(units, athlete, plan, key_day_after_a_run(plan))


async def test_a_missed_key_workout_gets_a_nudge_and_one_missed_run_no_rebuild() -> None:
    ahead = await key_day_ahead()
    units, athlete, plan, key = ahead.units, ahead.athlete, ahead.plan, ahead.key
    await run_days(units, athlete.stored_id, plan, key.date)
    notices = await notices_on(units, key.date + timedelta(days=1))
    kinds = {n.kind: n for n in notices}
    assert set(kinds) == {NoticeKind.DAILY, NoticeKind.NUDGE}
    nudge = kinds[NoticeKind.NUDGE]
    assert nudge.missed is not None and nudge.missed.id == key.id
    assert all(o.week_index == key.week_index and o.date > key.date for o in nudge.options)
    assert kinds[NoticeKind.DAILY].check_missed  # the morning message checks the plan first


async def test_two_missed_runs_in_a_row_get_no_nudge() -> None:
    ahead = await key_day_ahead()
    units, athlete, plan, key = ahead.units, ahead.athlete, ahead.plan, ahead.key
    before = [d for d in plan.days() if d.planned.type.is_run and d.date < key.date][-1]
    await run_days(units, athlete.stored_id, plan, before.date)  # the run before is missed too
    notices = await notices_on(units, key.date + timedelta(days=1))
    assert [n.kind for n in notices] == [NoticeKind.DAILY]


async def test_a_skipped_day_is_not_nudged() -> None:
    ahead = await key_day_ahead()
    units, athlete, plan, key = ahead.units, ahead.athlete, ahead.plan, ahead.key
    await run_days(units, athlete.stored_id, plan, key.date)
    assert key.id is not None
    await units.write(lambda uow: days.skip_day(uow, athlete.stored_id, key.id))
    notices = await notices_on(units, key.date + timedelta(days=1))
    assert [n.kind for n in notices] == [NoticeKind.DAILY]
    assert not notices[0].check_missed


async def test_a_missed_workout_moves_only_where_the_rules_allow() -> None:
    ahead = await key_day_ahead()
    units, athlete, plan, key = ahead.units, ahead.athlete, ahead.plan, ahead.key
    await run_days(units, athlete.stored_id, plan, key.date)
    [nudge] = [
        n for n in await notices_on(units, key.date + timedelta(days=1)) if n.kind == "nudge"
    ]
    today = key.date + timedelta(days=1)
    allowed = {o.id for o in nudge.options}
    refused = next(
        d
        for d in plan.days()
        if d.week_index == key.week_index and d.id not in allowed and d.id != key.id
    )
    assert key.id is not None and refused.id is not None
    with pytest.raises(InvalidInput):
        await units.write(
            lambda uow: days.move_day(uow, athlete.stored_id, key.id, refused.id, today)
        )
    target = nudge.options[0]
    await units.write(lambda uow: days.move_day(uow, athlete.stored_id, key.id, target.id, today))
    moved = {d.id: d.planned for d in (await plan_of(units, athlete.stored_id)).days()}
    assert moved[target.id] == key.planned  # the session moved …
    assert moved[key.id].type is WorkoutType.REST  # … and no easy run lands on the past day
    assert plan.id is not None
    [recorded] = await units.read(lambda uow: uow.plans.revisions(athlete.stored_id, plan.id))
    assert recorded.kind is RevisionKind.MOVE  # the move is in the plan's history
    assert (recorded.moved_from, recorded.moved_to) == (key.date, target.date)


@pytest.mark.parametrize(
    ("words", "metres", "seconds", "back", "note"),
    [
        ("5 km 35 min", 5000, 35 * 60, 0, None),
        ("8.2km 42:10 yesterday", 8200, 42 * 60 + 10, 1, None),
        ("5k 23:40 time trial", 5000, 23 * 60 + 40, 0, "time trial"),  # the weekly tip's words
        ("10 km 1 h 5 min sunday easy", 10000, 65 * 60, 4, "easy"),  # the last Sunday
        ("5 km 35 min last sunday with Sam", 5000, 35 * 60, 4, "with Sam"),
    ],
)
def test_log_words_as_runners_type_them(
    words: str, metres: int, seconds: int, back: int, note: str | None
) -> None:
    runner = Athlete(telegram_user_id=1, chat_id=1, units=Units.KM, time_zone="UTC")
    thursday = date(2026, 11, 26)
    run = coaching.manual_run(runner, thursday, words.split(), "msg")
    assert round(run.distance_m) == metres and run.duration_s == seconds
    assert run.local_date == thursday - timedelta(days=back)
    assert run.summary.get("note") == note
