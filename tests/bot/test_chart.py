"""The weekly chart reads at phone size: h:mm on the prediction axis, legends off the data."""

from matplotlib.backends.backend_agg import FigureCanvasAgg

from bot.charts import WeekBar, clock, progress_figure, tick_step

HOUR = 3600


def test_prediction_ticks_read_as_hours_and_minutes() -> None:
    assert clock(3 * HOUR + 12 * 60) == "3:12"
    assert clock(24 * 60 + 30) == "24:30"
    assert tick_step(10 * 60) == 120 and tick_step(40 * 60) == 600


def test_the_axis_shows_times_and_the_legends_cover_no_data() -> None:
    bars = [WeekBar(f"W{i}", 30 + i, 29 + i) for i in range(1, 9)]
    predictions = [(f"W{i}", 3 * HOUR + (20 - i) * 60) for i in range(1, 9)]
    figure = progress_figure(bars, predictions, "km", 3 * HOUR + 10 * 60)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    volume, trend = figure.axes
    labels = [t.get_text() for t in trend.get_yticklabels() if t.get_text()]
    assert labels and all(label.startswith("3:") and len(label) == 4 for label in labels)
    renderer = canvas.get_renderer()
    for axes in (volume, trend):
        legend = axes.get_legend().get_window_extent(renderer)
        assert not legend.overlaps(axes.get_window_extent(renderer))
