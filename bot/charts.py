"""The weekly progress chart: planned vs actual mileage per week, and the prediction trend."""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.parsing import format_duration

if TYPE_CHECKING:
    from matplotlib.figure import Figure

BELOW = {"loc": "upper center", "bbox_to_anchor": (0.5, -0.12), "ncol": 3, "frameon": False}


@dataclass(frozen=True)
class WeekBar:
    label: str
    planned: float  # in the runner's units
    actual: float
    paused: bool = False  # shaded: the runner was injured, ill or away, not slacking


def clock(seconds: float) -> str:
    """An axis tick a runner reads at phone size: ``3:12`` (h:mm) from an hour, else ``24:30``."""
    total = round(seconds)
    if total >= 3600:
        return f"{total // 3600}:{total % 3600 // 60:02d}"
    return format_duration(total)


TICK_STEPS_S = (30, 60, 120, 300, 600, 900, 1800, 3600)


def tick_step(span_s: float) -> int:
    """Whole minutes (or half) between ticks, at most about five ticks over the span."""
    return next((step for step in TICK_STEPS_S if span_s / step <= 5), TICK_STEPS_S[-1])


def progress_chart(
    bars: Sequence[WeekBar],
    predictions: Sequence[tuple[str, float]],
    units: str,
    goal_s: float | None,
) -> bytes:
    """A PNG with two panels: volume per week, and the race prediction."""
    figure = progress_figure(bars, predictions, units, goal_s)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def progress_figure(
    bars: Sequence[WeekBar],
    predictions: Sequence[tuple[str, float]],
    units: str,
    goal_s: float | None,
) -> "Figure":
    """matplotlib loads here, on first use, not at bot start; the Figure API (no pyplot
    state) lets this run in a worker thread."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 6), dpi=100)
    volume, trend = figure.subplots(2, 1, gridspec_kw={"height_ratios": [3, 2]})
    positions = range(len(bars))
    paused = [p for p, bar in enumerate(bars) if bar.paused]
    for position in paused:
        label = "paused" if position == paused[0] else None
        volume.axvspan(position - 0.5, position + 0.5, color="#f1e4c3", zorder=0, label=label)
    volume.bar(
        [p - 0.2 for p in positions],
        [b.planned for b in bars],
        0.4,
        label="planned",
        color="#c9d6e8",
    )
    volume.bar(
        [p + 0.2 for p in positions],
        [b.actual for b in bars],
        0.4,
        label="done",
        color="#2a7de1",
    )
    volume.set_xticks(list(positions), [b.label for b in bars])
    volume.set_ylabel(units)
    volume.set_title("Weekly volume")
    volume.legend(**BELOW)  # under the axis: never over the newest bars
    if predictions:
        from matplotlib.ticker import FuncFormatter, MultipleLocator

        trend.plot(
            [p[0] for p in predictions],
            [p[1] for p in predictions],
            marker="o",
            color="#e1682a",
            label="predicted",
        )
        if goal_s:
            trend.axhline(goal_s, color="#555", linestyle="--", label="goal")
        values = [p[1] for p in predictions] + ([goal_s] if goal_s else [])
        trend.yaxis.set_major_locator(MultipleLocator(tick_step(max(values) - min(values))))
        trend.yaxis.set_major_formatter(FuncFormatter(lambda s, _: clock(s)))
        trend.set_title(f"Race prediction (now {format_duration(predictions[-1][1])})")
        trend.legend(**BELOW)
    figure.tight_layout()
    return figure
