"""The weekly progress chart: planned vs actual mileage per week, and the prediction trend."""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.parsing import format_duration

if TYPE_CHECKING:
    from matplotlib.axes import Axes
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


@dataclass(frozen=True)
class PredictionPoint:
    week: int  # 0-based week of the plan
    predicted_s: float
    low_s: float  # the 80 % range
    high_s: float


@dataclass(frozen=True)
class Trend:
    """The prediction panel: each week's prediction with its range, the plan's road (one value
    per week of the plan, to race day) and the goal."""

    points: Sequence[PredictionPoint]
    road: Sequence[tuple[int, float]] = ()
    goal_s: float | None = None


def progress_chart(bars: Sequence[WeekBar], trend: Trend, units: str) -> bytes:
    """A PNG with two panels: volume per week, and the race prediction against the road."""
    figure = progress_figure(bars, trend, units)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def progress_figure(bars: Sequence[WeekBar], trend: Trend, units: str) -> "Figure":
    """matplotlib loads here, on first use, not at bot start; the Figure API (no pyplot
    state) lets this run in a worker thread."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 6), dpi=100)
    volume, axes = figure.subplots(2, 1, gridspec_kw={"height_ratios": [3, 2]})
    _volume_panel(volume, bars, units)
    if trend.points:
        _trend_panel(axes, trend)
    figure.tight_layout()
    return figure


def _volume_panel(volume: "Axes", bars: Sequence[WeekBar], units: str) -> None:
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


def _trend_panel(axes: "Axes", trend: Trend) -> None:
    """Weeks on x (W1 …): the road to race day dashed, the predictions with their 80 % band."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator

    points = trend.points
    weeks = [p.week for p in points]
    axes.fill_between(
        weeks,
        [p.low_s for p in points],
        [p.high_s for p in points],
        color="#f4c7ad",
        alpha=0.5,
        label="80 % range",
    )
    axes.plot(
        weeks, [p.predicted_s for p in points], marker="o", color="#e1682a", label="predicted"
    )
    if trend.road:
        axes.plot(
            [w for w, _ in trend.road],
            [s for _, s in trend.road],
            color="#2f9e44",
            linestyle="--",
            label="plan's road",
        )
    values = [p.predicted_s for p in points] + [s for _, s in trend.road]
    if trend.goal_s:
        axes.axhline(trend.goal_s, color="#555", linestyle=":", label="goal")
        values.append(trend.goal_s)
    axes.xaxis.set_major_locator(MaxNLocator(nbins=10, integer=True))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda w, _: f"W{int(w) + 1}"))
    axes.yaxis.set_major_locator(MultipleLocator(tick_step(max(values) - min(values))))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda s, _: clock(s)))
    axes.set_title(f"Race prediction (now {format_duration(points[-1].predicted_s)})")
    axes.legend(**{**BELOW, "ncol": 4})
