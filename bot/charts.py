"""The weekly progress chart: planned vs actual mileage per week, and the prediction trend."""

import io
from collections.abc import Sequence
from dataclasses import dataclass

from core.parsing import format_duration


@dataclass(frozen=True)
class WeekBar:
    label: str
    planned: float  # in the runner's units
    actual: float


def progress_chart(
    bars: Sequence[WeekBar],
    predictions: Sequence[tuple[str, float]],
    units: str,
    goal_s: float | None,
) -> bytes:
    """A PNG with two panels. matplotlib loads here, on first use, not at bot start; the
    Figure API (no pyplot state) lets this run in a worker thread."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 6), dpi=100)
    volume, trend = figure.subplots(2, 1, gridspec_kw={"height_ratios": [3, 2]})
    positions = range(len(bars))
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
    volume.legend(loc="upper left")
    if predictions:
        trend.plot(
            [p[0] for p in predictions],
            [p[1] / 60 for p in predictions],
            marker="o",
            color="#e1682a",
            label="predicted",
        )
        if goal_s:
            trend.axhline(goal_s / 60, color="#555", linestyle="--", label="goal")
        trend.set_ylabel("minutes")
        trend.set_title(f"Race prediction (now {format_duration(predictions[-1][1])})")
        trend.legend(loc="upper right")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
