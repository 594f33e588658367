"""Child process for the crash tests: writes plans, revises them and relinks a run in a loop
until killed."""

import asyncio
import sys
from datetime import UTC, datetime

from core.analysis import analyse
from core.models import Athlete
from core.revision import after_break
from storage import open_database
from tests.storage.conftest import a_plan, a_run
from tests.units import storage_calls

NOW = datetime(2026, 12, 1, tzinfo=UTC)


async def main(url: str) -> None:
    async with open_database(url) as db:
        repo = storage_calls(db)
        athlete = await repo.upsert_athlete(Athlete(telegram_user_id=7, chat_id=7))
        plan = await repo.active_plan(athlete.id) or await repo.save_plan(athlete.id, a_plan(), NOW)
        run, _ = await repo.import_activity(athlete.id, a_run(1, 6))
        days = [d for d in plan.days() if d.planned.type.is_run]
        if await repo.unlinked_activities(athlete.id):  # the first run only
            await repo.link_activity(athlete.id, run.id, days[0].id, analyse(days[0].planned, run))
        print("ready", flush=True)
        turn = 0
        while True:
            turn += 1
            plan = await repo.save_plan(athlete.id, a_plan(), NOW)
            back = plan.weeks[turn % 8 + 1].start_date
            rebuilt = after_break(plan, back, 10 + turn % 20, plan.baseline_5k_s)
            await repo.revise_plan(athlete.id, rebuilt.plan, rebuilt.revision, restart=True)
            plan = rebuilt.plan
            days = [d for d in plan.days() if d.planned.type.is_run and d.date < back]
            day = days[turn % len(days)]
            await repo.relink_activity(athlete.id, run.id, day.id, analyse(day.planned, run))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
