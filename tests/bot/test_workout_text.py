"""Every workout's text is rendered from its steps, in the runner's units, as HTML Telegram
accepts: properties over wide plan inputs."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.render import Renderer, plain
from core.models import RaceType, StepKind, WorkoutType
from core.plan import generate_plan
from core.units import Units
from tests.core.plans import request
from tests.fake_telegram import plain_text

RENDER = Renderer()


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([RaceType.FIVE_K, RaceType.TEN_K, RaceType.HALF, RaceType.MARATHON]),
    st.integers(8, 20),
    st.floats(0, 60),
    st.integers(3, 7),
    st.integers(15 * 60, 40 * 60),
)
def test_steps_render_in_km_and_miles(
    kind: RaceType, weeks: int, weekly: float, days: int, five_k: int
) -> None:
    plan = generate_plan(request(kind, weeks, weekly_miles=weekly, days=days, baseline_5k_s=five_k))
    for day in plan.days():
        for units in Units:
            html = RENDER.workout(day.planned, units, "A & B <race>")
            visible = plain_text(html, "HTML")  # raises where Telegram would refuse
            assert "None" not in visible and "—" not in visible.replace("Race day —", "")
            if day.planned.type is WorkoutType.REST:
                continue
            if day.planned.type is not WorkoutType.RACE:
                lines = [line for line in visible.splitlines() if line.startswith("• ")]
                assert len(lines) == len(day.planned.steps)
                other = "km" if units is Units.MI else "mi"
                assert re.search(rf"\d {units.value}\b", visible)
                assert not re.search(rf"\d {other}\b", visible)
            kinds = {s.kind for s in day.planned.steps}
            if StepKind.STRIDES in kinds:
                assert "strides" in visible
    assert plain(RENDER.workout(plan.days()[-1].planned, Units.KM, "A & B")).startswith(
        "Race day — A & B!"
    )
