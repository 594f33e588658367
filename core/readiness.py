"""Is the runner ready for this race on this date, and if not, what would work?

A plan is *ready* when its long run safely reaches the distance's minimum by race day
(marathon 16 mi, half 10, 10k 7, 5k 6, or the long-run time cap for slower runners) under the
spike rule of Frandsen et al. 2025. When it is not, the runner is offered, each one tap away:
the earliest later date that works (a base lead-in first when the build alone can't do it) and
the longest shorter race that works on the same day.
"""

from datetime import timedelta

from core.errors import GoFastError
from core.models import (
    STANDARD_DISTANCES,
    Alternative,
    AlternativeKind,
    TrainingPlan,
)
from core.plan import PlanRequest, generate_plan

MAX_WEEKS = 104  # the bot plans races up to two years ahead


def assess(request: PlanRequest) -> TrainingPlan:
    """The plan for ``request`` with its readiness verdict and, when not ready, alternatives."""
    plan = generate_plan(request)
    readiness = plan.readiness
    if readiness is None or readiness.ready:
        return plan
    found = (_later_date(request, plan.total_weeks), _shorter_race(request))
    alternatives = tuple(a for a in found if a is not None)
    return plan.model_copy(
        update={"readiness": readiness.model_copy(update={"alternatives": alternatives})}
    )


def _later(request: PlanRequest, extra_weeks: int) -> PlanRequest:
    race = request.race.model_copy(
        update={"race_date": request.race.race_date + timedelta(weeks=extra_weeks), "id": None}
    )
    return request.model_copy(update={"race": race})


def _ready(request: PlanRequest) -> TrainingPlan | None:
    try:
        plan = generate_plan(request)
    except GoFastError:
        return None
    return plan if plan.readiness is not None and plan.readiness.ready else None


def _later_date(request: PlanRequest, weeks: int) -> Alternative | None:
    """The earliest later race day whose plan is ready. More weeks never make a plan less
    ready: gallop (+1, +2, +4… weeks) to a ready date, then bisect back to the earliest."""
    most = MAX_WEEKS - weeks
    if most < 1:
        return None
    low, high = 0, 1  # not ready at +low weeks; ready (or the next probe) at +high
    plan = _ready(_later(request, high))
    while plan is None:
        if high == most:
            return None
        low, high = high, min(high * 2, most)
        plan = _ready(_later(request, high))
    while high - low > 1:  # the ready plan at +high is kept: no plan is built twice
        middle = (low + high) // 2
        probe = _ready(_later(request, middle))
        if probe is None:
            low = middle
        else:
            high, plan = middle, probe
    base_weeks = sum(1 for w in plan.weeks if w.lead_in)
    return Alternative(
        kind=AlternativeKind.BASE_BLOCK if base_weeks else AlternativeKind.LATER_DATE,
        race_type=request.race.race_type,
        distance_m=request.race.distance_m,
        race_date=plan.race.race_date,
        weeks=plan.total_weeks,
        base_weeks=base_weeks,
    )


def _shorter_race(request: PlanRequest) -> Alternative | None:
    """The longest standard race, shorter than this one, that is ready on the same day."""
    shorter = sorted(
        (t for t, m in STANDARD_DISTANCES.items() if m < request.race.distance_m * 0.99),
        key=STANDARD_DISTANCES.__getitem__,
        reverse=True,
    )
    for race_type in shorter:
        race = request.race.model_copy(
            update={"race_type": race_type, "distance_m": STANDARD_DISTANCES[race_type]}
        )
        plan = _ready(request.model_copy(update={"race": race, "goal_time_s": None}))
        if plan is not None:
            return Alternative(
                kind=AlternativeKind.SHORTER_RACE,
                race_type=race_type,
                distance_m=race.distance_m,
                race_date=race.race_date,
                weeks=plan.total_weeks,
            )
    return None
