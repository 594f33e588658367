import asyncio
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from core.analysis import analyse
from core.errors import AlreadyDone, AlreadyLinked, NotFound
from core.models import ActivitySource, Athlete, PlanStatus, Race, RaceResult, RaceType, Units
from core.plan import generate_plan
from core.progress import week_progress
from core.revision import after_break, easy_block, weekly_adjustment
from storage.sqlite import migrations
from tests.backends import database
from tests.core.plans import START, request
from tests.storage.conftest import NOW, a_plan, a_run, new_athlete
from tests.units import OneUnitPerCall, storage_calls

PRAGMAS_CHECKED = ("journal_mode", "foreign_keys")


@pytest.mark.sqlite_only
async def test_migrations_are_versioned_and_idempotent(db_path: Path) -> None:
    latest = max(v for v, _ in migrations())
    async with database(db_path) as db:
        assert await db.schema_version() == latest
        assert await db.migrate() == latest  # nothing to do the second time
        pragmas = await db.read(
            lambda conn: [conn.execute(f"PRAGMA {p}").fetchone()[0] for p in PRAGMAS_CHECKED]
        )
        assert pragmas == ["wal", 1]


async def test_upsert_keeps_settings(repo: OneUnitPerCall) -> None:
    athlete = await new_athlete(repo)
    await repo.update_athlete(
        athlete.id, units=Units.MI, time_zone="Europe/Berlin", push_time="06:30"
    )
    again = await repo.upsert_athlete(
        Athlete(telegram_user_id=athlete.telegram_user_id, chat_id=777, display_name="New name")
    )
    assert again.id == athlete.id and again.chat_id == 777 and again.display_name == "New name"
    assert (
        again.units is Units.MI
        and again.time_zone == "Europe/Berlin"
        and again.push_time == "06:30"
    )
    with pytest.raises(NotFound):
        await repo.get_athlete(999)
    assert await repo.athlete_by_telegram(424242) is None


async def test_races_are_shared_and_deduplicated(repo: OneUnitPerCall) -> None:
    race = Race(
        race_name="Berlin Marathon",
        race_type=RaceType.MARATHON,
        race_date=date(2027, 9, 26),
        distance_m=42195,
    )
    first = await repo.save_race(race)
    second = await repo.save_race(race.model_copy(update={"race_name": "  berlin  MARATHON!"}))
    other_year = await repo.save_race(race.model_copy(update={"race_date": date(2028, 9, 24)}))
    assert first.id == second.id != other_year.id
    found = await repo.find_races("berlin", date(2027, 1, 1))
    assert [r.id for r in found] == [first.id, other_year.id]


async def test_plan_round_trips_with_days_and_execution(repo: OneUnitPerCall) -> None:
    athlete = await new_athlete(repo)
    plan = a_plan()
    saved = await repo.save_plan(athlete.id, plan, NOW)
    assert saved.id is not None and saved.race.id is not None
    strip = {
        "id": True,
        "athlete_id": True,
        "weeks": True,
        "status": True,
        "race": {"id", "created_by_athlete_id"},
    }
    assert saved.model_dump(exclude=strip) == plan.model_dump(exclude=strip)
    assert saved.status is PlanStatus.TRAINING

    def content(p):
        return [(d.week_index, d.day_index, d.date, d.planned) for d in p.days()]

    assert content(saved) == content(plan)
    assert [w.model_dump(exclude={"days"}) for w in saved.weeks] == [
        w.model_dump(exclude={"days"}) for w in plan.weeks
    ]
    loaded = await repo.active_plan(athlete.id)
    assert loaded == saved
    week = await repo.planned_days(athlete.id, START, START + timedelta(days=6))
    assert [d.date for d in week] == [START + timedelta(days=i) for i in range(7)]
    assert all(d.id is not None for d in week)


async def test_new_plan_abandons_the_old_one_but_keeps_it(repo: OneUnitPerCall) -> None:
    athlete = await new_athlete(repo)
    old = await repo.save_plan(athlete.id, a_plan(), NOW)
    new = await repo.save_plan(athlete.id, generate_plan(request(RaceType.HALF, 10)), NOW)
    assert (await repo.active_plan(athlete.id)).id == new.id
    export = await repo.export_athlete(athlete.id)
    assert [(p["plan"]["id"], p["status"]) for p in export["plans"]] == [
        (old.id, "abandoned"),
        (new.id, "training"),
    ]


async def test_import_is_idempotent_and_catches_cross_source_duplicates(
    repo: OneUnitPerCall,
) -> None:
    athlete = await new_athlete(repo)
    run = a_run(1, 8.0)
    first, created = await repo.import_activity(athlete.id, run)
    again, created_again = await repo.import_activity(athlete.id, run)
    assert created and not created_again and first.id == again.id
    from_garmin = run.model_copy(
        update={
            "source": ActivitySource.GARMIN,
            "external_id": "g-1",
            "distance_m": 8100,
            "start_utc": run.start_utc + timedelta(seconds=70),
        }
    )
    dup, created_dup = await repo.import_activity(athlete.id, from_garmin)
    assert not created_dup and dup.id == first.id
    different = from_garmin.model_copy(update={"external_id": "g-2", "distance_m": 9000})
    assert (await repo.import_activity(athlete.id, different))[1]
    other = await new_athlete(repo, 2002)
    assert (await repo.import_activity(other.id, run))[1]  # another runner's copy is theirs


async def test_different_runs_are_never_merged_as_duplicates(repo: OneUnitPerCall) -> None:
    """Issue 30: a GPX run at 11:58, 3.2 mi in 48:00, was "already" the /log of 3.1 mi in 30:00
    (dated noon). Duration counts; a manual log (no time of day) matches a file of the same
    day only when as far and as long."""
    athlete = await new_athlete(repo)
    logged = a_run(3, 5.0, minutes=30).model_copy(
        update={
            "source": ActivitySource.MANUAL,
            "external_id": "msg-1",
            "start_utc": a_run(3, 5.0).start_utc.replace(hour=12),
        }
    )
    assert (await repo.import_activity(athlete.id, logged))[1]
    slower = a_run(3, 5.1, "gpx-slow", minutes=48).model_copy(
        update={"start_utc": logged.start_utc.replace(minute=0) - timedelta(minutes=2)}
    )
    assert (await repo.import_activity(athlete.id, slower))[1]  # 48:00 is not 30:00
    same_later = a_run(3, 5.05, "gpx-same", minutes=30.5).model_copy(
        update={"start_utc": logged.start_utc.replace(hour=18)}
    )
    duplicate, created = await repo.import_activity(athlete.id, same_later)
    assert not created and duplicate.external_id == "msg-1"  # the log of that run, from the file
    next_day = same_later.model_copy(
        update={"external_id": "gpx-next", "local_date": same_later.local_date + timedelta(days=1)}
    )
    assert (await repo.import_activity(athlete.id, next_day))[1]


async def test_concurrent_duplicate_imports_make_one_row(db_path: Path) -> None:
    async with database(db_path) as db:
        athlete = await new_athlete(storage_calls(db))
    run = a_run(2, 10.0)

    async def import_from_own_connection() -> bool:
        async with database(db_path) as db:
            return (await storage_calls(db).import_activity(athlete.id, run))[1]

    results = await asyncio.gather(*(import_from_own_connection() for _ in range(8)))
    assert results.count(True) == 1
    async with database(db_path) as db:
        export = await storage_calls(db).export_athlete(athlete.id)
    assert len(export["activities"]) == 1


async def test_link_unlink_relink(repo: OneUnitPerCall) -> None:
    athlete = await new_athlete(repo)
    plan = await repo.save_plan(athlete.id, a_plan(), NOW)
    runs = [d for d in plan.days() if d.planned.type.is_run]
    activity, _ = await repo.import_activity(athlete.id, a_run((runs[0].date - START).days, 6))
    done = await repo.link_activity(
        athlete.id, activity.id, runs[0].id, analyse(runs[0].planned, activity)
    )
    assert done.week_index == runs[0].week_index and done.activity_id == activity.id
    assert await repo.unlinked_activities(athlete.id) == []
    with pytest.raises(AlreadyLinked):
        await repo.link_activity(
            athlete.id, activity.id, runs[1].id, analyse(runs[1].planned, activity)
        )
    moved = await repo.relink_activity(
        athlete.id, activity.id, runs[1].id, analyse(runs[1].planned, activity)
    )
    assert moved.day_index == runs[1].day_index
    assert [e.day_index for e in await repo.executed_days(athlete.id, plan.id)] == [
        runs[1].day_index
    ]
    await repo.unlink_activity(athlete.id, activity.id)
    assert [a.id for a in await repo.unlinked_activities(athlete.id)] == [activity.id]
    with pytest.raises(NotFound):
        await repo.unlink_activity(athlete.id, activity.id)


async def test_other_runners_data_is_out_of_reach(repo: OneUnitPerCall) -> None:
    mine, theirs = await new_athlete(repo, 1), await new_athlete(repo, 2)
    my_plan = await repo.save_plan(mine.id, a_plan(), NOW)
    their_plan = await repo.save_plan(theirs.id, a_plan(), NOW)
    my_run, _ = await repo.import_activity(mine.id, a_run(1, 6))
    their_day = their_plan.days()[1]
    analysis = analyse(their_day.planned, my_run)
    with pytest.raises(NotFound):
        await repo.link_activity(mine.id, my_run.id, their_day.id, analysis)
    with pytest.raises(NotFound):
        await repo.link_activity(theirs.id, my_run.id, their_day.id, analysis)
    with pytest.raises(NotFound):
        await repo.executed_days(mine.id, their_plan.id)
    with pytest.raises(NotFound):
        await repo.set_plan_status(theirs.id, my_plan.id, PlanStatus.ABANDONED)
    assert await repo.executed_days(theirs.id, their_plan.id) == []  # nothing changed
    assert (await repo.active_plan(mine.id)).id == my_plan.id


async def test_a_revision_keeps_history_and_is_recorded(repo: OneUnitPerCall) -> None:
    athlete = await new_athlete(repo)
    plan = await repo.save_plan(athlete.id, a_plan(), NOW)
    day = plan.days()[2]
    run, _ = await repo.import_activity(athlete.id, a_run(2, 5))
    await repo.link_activity(athlete.id, run.id, day.id, analyse(day.planned, run))
    cut = plan.weeks[3].start_date
    judged = week_progress(plan.weeks[2], [])  # nothing run: step back
    revised = weekly_adjustment(plan, judged, None, plan.baseline_5k_s, cut)
    assert revised is not None
    saved = await repo.revise_plan(athlete.id, revised.plan, revised.revision, previous=plan)
    stored = await repo.active_plan(athlete.id)
    assert [d.planned for d in stored.days()] == [d.planned for d in revised.plan.days()]
    assert [d for d in stored.days() if d.date < cut] == [d for d in plan.days() if d.date < cut]
    assert [e.planned for e in await repo.executed_days(athlete.id, plan.id)] == [day.planned]
    assert await repo.revisions(athlete.id, plan.id) == [
        saved.model_copy(update={"created_at": NOW})
    ]
    with pytest.raises(AlreadyDone):  # a week is judged once
        await repo.revise_plan(athlete.id, revised.plan, revised.revision, previous=plan)
    undo_of, previous = await repo.revision_to_undo(athlete.id, saved.id)
    assert undo_of.id == saved.id and previous.days() == plan.days()


async def test_revisions_are_out_of_other_runners_reach(repo: OneUnitPerCall) -> None:
    mine, theirs = await new_athlete(repo, 1), await new_athlete(repo, 2)
    plan = await repo.save_plan(mine.id, a_plan(), NOW)
    revised = easy_block(plan, 3, plan.weeks[2].start_date + timedelta(days=3))
    assert revised is not None
    saved = await repo.revise_plan(mine.id, revised.plan, revised.revision, previous=plan)
    with pytest.raises(NotFound):
        await repo.revise_plan(theirs.id, revised.plan, revised.revision)
    with pytest.raises(NotFound):
        await repo.revision_to_undo(theirs.id, saved.id)
    with pytest.raises(NotFound):
        await repo.revisions(theirs.id, plan.id)


async def test_a_restart_opens_a_new_execution_and_results_complete_the_plan(
    repo: OneUnitPerCall,
) -> None:
    athlete = await new_athlete(repo)
    plan = await repo.save_plan(athlete.id, a_plan(), NOW)
    back = plan.weeks[4].start_date
    revised = after_break(plan, back, 20, plan.baseline_5k_s)
    await repo.revise_plan(athlete.id, revised.plan, revised.revision, restart=True)
    assert await repo.execution_count(athlete.id, plan.id) == 2
    day = next(d for d in (await repo.active_plan(athlete.id)).days() if d.date >= back)
    run, _ = await repo.import_activity(athlete.id, a_run((day.date - START).days, 5))
    linked = await repo.link_activity(athlete.id, run.id, day.id, analyse(day.planned, run))
    assert linked.execution_id == 2  # the new execution holds the runs after the break
    result = RaceResult(finish_s=4 * 3600, vdot=38.0, recorded_at=NOW)
    await repo.record_result(athlete.id, plan.id, result)
    assert await repo.active_plan(athlete.id) is None
    [past] = await repo.plan_history(athlete.id)
    assert past.status is PlanStatus.COMPLETED and past.result == result


async def test_a_snapshot_is_kept_and_becomes_the_plans_adaptive_5k(
    repo: OneUnitPerCall,
) -> None:
    athlete = await new_athlete(repo)
    plan = await repo.save_plan(athlete.id, a_plan(), NOW)
    from core.adaptive import snapshot

    snap = snapshot([], START, 0, 1440, plan.vdot)
    await repo.save_snapshot(athlete.id, plan.id, snap)
    assert await repo.snapshots(athlete.id, plan.id) == [snap]
    assert (await repo.active_plan(athlete.id)).adaptive_5k_s == snap.seconds


async def test_due_pushes_and_claims(repo: OneUnitPerCall) -> None:
    berlin = await new_athlete(repo, 1)
    await repo.update_athlete(berlin.id, time_zone="Europe/Berlin", push_time="07:00")
    kolkata = await new_athlete(repo, 2)
    await repo.update_athlete(kolkata.id, time_zone="Asia/Kolkata", push_time="07:00")
    await repo.save_plan(berlin.id, a_plan(), NOW)
    due = await repo.due_pushes([("Europe/Berlin", "07:00", START), ("UTC", "07:00", START)])
    assert [(d.athlete.id, d.day.date if d.day else None) for d in due] == [(berlin.id, START)]
    assert await repo.claim_push(berlin.id, "daily", "2026-12-01")
    assert not await repo.claim_push(berlin.id, "daily", "2026-12-01")
    await repo.mark_push(berlin.id, "daily", "2026-12-01", "sent")
    paused = await repo.update_athlete(berlin.id, active=False)
    assert not paused.active
    assert await repo.due_pushes([("Europe/Berlin", "07:00", START)]) == []


async def test_export_and_delete_touch_only_one_runner(repo: OneUnitPerCall) -> None:
    mine, theirs = await new_athlete(repo, 1), await new_athlete(repo, 2)
    for athlete in (mine, theirs):
        plan = await repo.save_plan(athlete.id, a_plan(), NOW)
        run, _ = await repo.import_activity(athlete.id, a_run(1, 6))
        day = plan.days()[1]
        await repo.link_activity(athlete.id, run.id, day.id, analyse(day.planned, run))
        await repo.claim_push(athlete.id, "daily", "x")
        eased = easy_block(plan, 2, plan.weeks[2].start_date + timedelta(days=3))
        await repo.revise_plan(athlete.id, eased.plan, eased.revision, previous=plan)
    export = await repo.export_athlete(mine.id)
    json.dumps(export)  # JSON-ready
    assert export["athlete"]["telegramUserId"] == 1 and len(export["activities"]) == 1
    assert [r["kind"] for r in export["plans"][0]["revisions"]] == ["easy-block"]
    before = await repo.export_athlete(theirs.id)
    await repo.delete_athlete(mine.id)
    with pytest.raises(NotFound):
        await repo.export_athlete(mine.id)
    after = await repo.export_athlete(theirs.id)
    # The shared race stays public; only its "created by" (the deleted runner) is forgotten.
    assert after["plans"][0]["plan"]["race"].pop("createdByAthleteId") is None
    assert before["plans"][0]["plan"]["race"].pop("createdByAthleteId") == mine.id
    assert after == before
    tables = (
        "training_plans",
        "athlete_activities",
        "push_log",
        "training_days_executed",
        "plan_revisions",
    )
    counts, creators = await repo.units.db.read(
        lambda conn: (
            [conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables],
            [r[0] for r in conn.execute("SELECT created_by_athlete_id FROM races")],
        )
    )
    assert counts == [1] * len(tables)
    assert creators == [None]


async def test_bad_input_changes_nothing(repo: OneUnitPerCall) -> None:
    athlete = await new_athlete(repo)
    with pytest.raises(NotFound):
        await repo.save_plan(999, a_plan(), NOW)
    with pytest.raises(NotFound):
        await repo.import_activity(999, a_run(1, 5))
    with pytest.raises(Exception):  # noqa: B017 - any error, as long as nothing is written
        await repo.update_athlete(athlete.id, colour="blue")
    assert await repo.active_plan(athlete.id) is None
    export = await repo.export_athlete(athlete.id)
    assert export["plans"] == [] and export["activities"] == []


async def test_day_view_reads_one_day_and_its_run(repo: OneUnitPerCall) -> None:
    athlete = await new_athlete(repo)
    assert await repo.day_view(athlete.id, START) is None  # no plan yet
    plan = await repo.save_plan(athlete.id, a_plan(), NOW)
    day = next(d for d in plan.days() if d.planned.type.is_run)
    view = await repo.day_view(athlete.id, day.date)
    assert view.day == day and view.analysis is None and view.plan_id == plan.id
    run, _ = await repo.import_activity(athlete.id, a_run((day.date - START).days, 5))
    analysis = analyse(day.planned, run)
    await repo.link_activity(athlete.id, run.id, day.id, analysis)
    assert (await repo.day_view(athlete.id, day.date)).analysis == analysis
    after_race = await repo.day_view(athlete.id, plan.race.race_date + timedelta(days=1))
    assert after_race.day is None and after_race.race_name == plan.race.race_name
