"""Whole simulated plans: a runner lives through their plan day by day against the real
repository and use cases, with the clock moved by hand. Every stored revision is checked:
the days before it are unchanged, no executed day is lost, and the rebuilt weeks follow the
generator's rules.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from core.analysis import unrolled
from core.clock import FrozenClock
from core.models import (
    ActivitySource,
    Athlete,
    AthleteActivity,
    ExecutedDay,
    PlannedWorkout,
    PlanRevision,
    RevisionKind,
    TrainingPlan,
)
from core.progress import planned_training_m
from core.services import coaching, real_life
from core.units import METRES_PER_MILE
from tests.core.plans import assert_rebuilt_weeks_follow_the_rules
from tests.units import OneUnitPerCall

# (distance factor, pace factor) of the run a runner does on a planned day; None: no run
Habit = Callable[[date, int], tuple[float, float] | None]


def faithful(day: date, week_index: int) -> tuple[float, float] | None:
    return 1.0, 1.0


def _laps(workout: PlannedWorkout, distance_factor: float, pace_factor: float) -> list[list[float]]:
    """Every step of the day, each ``distance_factor`` as long at ``pace_factor`` × its pace."""
    laps = []
    for part in unrolled(workout.steps):
        pace = (part.pace.middle if part.pace else workout.pace_s_per_km or 360) * pace_factor
        metres = part.metres * distance_factor
        laps.append([metres, metres / 1000 * pace])
    return laps or [[workout.distance_m * distance_factor, 0.0]]


@dataclass
class Simulation:
    repo: OneUnitPerCall
    clock: FrozenClock
    athlete: Athlete
    plan: TrainingPlan
    original: TrainingPlan
    revisions: list[PlanRevision] = field(default_factory=list)
    runs: int = 0

    @property
    def athlete_id(self) -> int:
        assert self.athlete.id is not None
        return self.athlete.id

    async def live(self, first: date, last: date, habit: Habit = faithful) -> None:
        """Each day: the morning check for missed runs, the day's run, the week-end review."""
        day = first
        while day <= last and day <= self.plan.race.race_date:
            self.clock.set(datetime.combine(day, time(7), UTC))
            await self.refresh_athlete()
            await self.check(
                await self.repo.units.write(
                    lambda uow, day=day: real_life.after_missed_days(uow, self.athlete, day)
                )
            )
            await self.run(day, habit)
            if any(w.end_date == day for w in self.plan.weeks):
                await self.week_end(day)
            day += timedelta(days=1)

    async def refresh_athlete(self) -> None:
        self.athlete = await self.repo.get_athlete(self.athlete_id)

    async def run(self, day: date, habit: Habit) -> None:
        planned = self.plan.day_on(day)
        if planned is None or not planned.planned.type.is_run or self.paused:
            return
        week = self.plan.current_week(day).week_index
        how = habit(day, week)
        if how is None:
            return
        distance_factor, pace_factor = how
        laps = _laps(planned.planned, distance_factor, pace_factor)
        distance, seconds = sum(m for m, _ in laps), sum(t for _, t in laps)
        activity = AthleteActivity(
            source=ActivitySource.FILE,
            external_id=f"sim-{day}",
            start_utc=datetime.combine(day, time(7), UTC),
            local_date=day,
            distance_m=distance,
            duration_s=seconds,
            moving_s=seconds,
            summary={"laps": laps},  # a watch that laps each step, as a watch workout does
        )
        outcome = await self.repo.units.write(
            lambda uow: coaching.import_run(uow, self.athlete, activity, day)
        )
        if outcome.linked is None and outcome.activity.id is not None:
            await self.repo.units.write(
                lambda uow: coaching.link_run(
                    uow, self.athlete_id, outcome.activity.id, planned.id, day
                )
            )
        self.runs += 1

    @property
    def paused(self) -> bool:
        return bool(self.athlete.notifications.get("paused"))

    async def week_end(self, day: date) -> None:
        if self.paused:
            return
        fitness = await self.repo.units.write(
            lambda uow: coaching.fitness(uow, self.athlete_id, self.plan, day)
        )
        change = await self.repo.units.write(
            lambda uow: real_life.adjust_after_week(
                uow, self.athlete_id, self.plan, day, fitness.adaptive.seconds
            )
        )
        await self.check(change)

    async def check(self, change: real_life.Change | None) -> None:
        """The revision kept history and every executed day; rebuilt weeks follow the rules."""
        if change is None:
            return
        before, executed_before = self.plan, await self.executed()
        stored = await self.repo.active_plan(self.athlete_id)
        assert stored is not None
        start, rewritten = change.revision.effective_from, change.revision.rewrites_from
        kept = [(d.date, d.planned) for d in stored.days() if d.date < rewritten]
        assert kept == [(d.date, d.planned) for d in before.days() if d.date < rewritten]
        paused = [d for d in stored.days() if rewritten <= d.date < start]
        assert all(not d.planned.type.is_run for d in paused)  # a pause's days are rest now
        assert await self.executed() == executed_before
        if change.revision.kind is not RevisionKind.EASY_BLOCK:
            assert_rebuilt_weeks_follow_the_rules(stored, start)
        assert stored.days()[-1].date == stored.race.race_date
        self.plan = stored
        self.revisions.append(change.revision)

    async def executed(self) -> list[ExecutedDay]:
        assert self.plan.id is not None
        return await self.repo.executed_days(self.athlete_id, self.plan.id)

    def kinds(self) -> list[RevisionKind]:
        return [r.kind for r in self.revisions]


def weekly_miles(plan: TrainingPlan) -> list[float]:
    return [round(planned_training_m(w) / METRES_PER_MILE, 1) for w in plan.weeks]


async def start_simulation(
    repo: OneUnitPerCall, clock: FrozenClock, plan: TrainingPlan, user_id: int = 1
) -> Simulation:
    athlete = await repo.upsert_athlete(
        Athlete(telegram_user_id=user_id, chat_id=user_id, display_name="Sim")
    )
    assert athlete.id is not None
    saved = await repo.save_plan(athlete.id, plan, clock.now())
    return Simulation(repo, clock, athlete, saved, saved)
