"""Plan warnings are structure in core and words in one template, for the bot and the CLI."""

import pytest

from bot.render import Renderer, plain
from core.models import PlanWarning, RaceType, Units, WarningKind

CASES = [
    (
        PlanWarning(kind=WarningKind.SHORTENED, weeks=9, needed_weeks=12, race_type=RaceType.HALF),
        ["9 weeks", "12+", "half"],
    ),
    (
        PlanWarning(
            kind=WarningKind.BASE_FIRST, weeks=4, needed_weeks=18, race_type=RaceType.MARATHON
        ),
        ["4 base week", "18-week marathon"],
    ),
    (
        PlanWarning(
            kind=WarningKind.LITTLE_TIME_LEFT, weeks=5, needed_weeks=8, race_type=RaceType.MARATHON
        ),
        ["Only 5 week", "the 8 a marathon"],
    ),
    (
        PlanWarning(
            kind=WarningKind.GOAL_AHEAD, faster_pct=7.6, predicted_s=14_400, suggested_s=14_100
        ),
        ["8 % faster", "4:00:00", "3:55:00"],
    ),
    (
        PlanWarning(kind=WarningKind.VOLUME_CAPPED, run_days=3, per_day_m=16_093.44),
        ["3 run days", "10 mi"],
    ),
]


@pytest.mark.parametrize(("warning", "says"), CASES, ids=[w.kind.value for w, _ in CASES])
def test_each_warning_reads_with_its_numbers(warning: PlanWarning, says: list[str]) -> None:
    text = plain(Renderer()("plan/warning_text", w=warning, units=Units.MI))
    assert all(part in text for part in says), text
    assert "\n" not in text and "None" not in text


def test_a_plan_stored_before_warnings_were_structured_keeps_its_words() -> None:
    old = PlanWarning.model_validate("3 base week(s) first, then an 18-week marathon build.")
    assert old.kind is WarningKind.NOTE
    assert plain(Renderer()("plan/warning_text", w=old, units=Units.KM)) == old.text


def test_the_time_trial_nag_shows_the_runners_own_5k() -> None:
    """Issue 26: "/log 5k 23:40" was the example shown to a 19-minute runner."""
    from core import adaptive, progress
    from core.models import RaceType as Race
    from core.plan import generate_plan
    from core.services.coaching import Fitness
    from tests.core.plans import request

    plan = generate_plan(request(Race.HALF, 12, baseline_5k_s=19 * 60))
    today = plan.weeks[5].end_date
    snap = adaptive.snapshot([], today, 5, plan.baseline_5k_s, plan.vdot)
    fitness = Fitness(snap, progress.on_track(plan, snap.seconds, 1.0, today), True)
    text = plain(
        Renderer()(
            "push/weekly",
            plan=plan,
            week=plan.weeks[5],
            progress=progress.week_progress(plan.weeks[5], []),
            fitness=fitness,
            next_week=plan.weeks[6],
            units=Units.MI,
        )
    )
    assert "/log 5k 19:00 time trial" in text and "23:40" not in text
