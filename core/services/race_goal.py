"""Setting a race goal: what the conversation looks up, what it shows, and saving the plan."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.goals import RaceDraft, estimated_5k
from core.models import Alternative, Athlete, Prediction, Race, TrainingPlan, TrainingWeek
from core.plan import generate_plan
from core.ports import UnitOfWork
from core.prediction import predict
from core.readiness import assess

RECENT_EFFORTS = timedelta(weeks=6)  # what a runner's recent runs say of their fitness
RECENT_DAYS = 30  # "the longest run of the last month" (Frandsen et al. 2025)


async def known_races(uow: UnitOfWork, name: str, today: date) -> list[Race]:
    """Races in the public catalogue that match the name, from today on."""
    return await uow.races.find_races(name, today)


async def unsure_5k(
    uow: UnitOfWork, athlete_id: int, draft: RaceDraft, today: date
) -> tuple[int | None, bool]:
    """A 5k for a runner who isn't sure: the one a finished race shows (better than any
    guess), else an estimate from their weekly volume and their runs of the last six weeks
    (None until the volume is known); and whether it is an estimate."""
    raced = await last_race_5k(uow, athlete_id)
    if raced is not None:
        return raced, False
    if draft.weekly_m is None:
        return None, True
    efforts = await uow.activities.run_efforts(athlete_id, today - RECENT_EFFORTS, today)
    return estimated_5k(draft.weekly_m, efforts), True


async def last_race_5k(uow: UnitOfWork, athlete_id: int) -> int | None:
    """The 5k the runner's last finished race shows: where the next plan starts from."""
    for plan in await uow.plans.plan_history(athlete_id):
        if plan.result is not None:
            return round(plan.result.shown_5k_s)
    return None


async def longest_on_record(uow: UnitOfWork, athlete_id: int, today: date) -> float | None:
    """The longest run of the last month on record (it answers the question without asking)."""
    first = today - timedelta(days=RECENT_DAYS)
    return await uow.activities.longest_run_m(athlete_id, first, today)


@dataclass(frozen=True)
class Preview:
    """The plan a complete draft makes, before it is saved: what the summary shows."""

    plan: TrainingPlan
    prediction: Prediction

    @property
    def peak(self) -> TrainingWeek:
        return max(self.plan.weeks, key=lambda w: w.target_m if w.phase.value != "taper" else 0)

    @property
    def alternatives(self) -> tuple[Alternative, ...]:
        return self.plan.readiness.alternatives if self.plan.readiness else ()


def preview(draft: RaceDraft, athlete: Athlete, today: date) -> Preview:
    request = draft.plan_request(athlete, today)
    prediction = predict(
        request.baseline_5k_s,
        request.race.distance_m,
        request.goal_time_s,
        weekly_m=request.baseline_weekly_m,
    )
    return Preview(assess(request), prediction)


async def save_goal(
    uow: UnitOfWork, athlete: Athlete, draft: RaceDraft, today: date, now: datetime, key: str | None
) -> TrainingPlan:
    """The plan, saved with its race; ``key`` makes a repeated Confirm return the same plan."""
    plan = generate_plan(draft.plan_request(athlete, today))
    return await uow.plans.save_plan(athlete.stored_id, plan, now, request_key=key)
