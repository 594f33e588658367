"""The weekly chart reads at phone size: h:mm on the prediction axis, legends off the data."""

from matplotlib.backends.backend_agg import FigureCanvasAgg

from bot.charts import PredictionPoint, Trend, WeekBar, clock, progress_figure, tick_step

HOUR = 3600


def test_prediction_ticks_read_as_hours_and_minutes() -> None:
    assert clock(3 * HOUR + 12 * 60) == "3:12"
    assert clock(24 * 60 + 30) == "24:30"
    assert tick_step(10 * 60) == 120 and tick_step(40 * 60) == 600


def test_the_axis_shows_times_and_the_legends_cover_no_data() -> None:
    bars = [WeekBar(f"W{i}", 30 + i, 29 + i) for i in range(1, 9)]
    points = [
        PredictionPoint(
            i, 3 * HOUR + (20 - i) * 60, 3 * HOUR + (10 - i) * 60, 3 * HOUR + (30 - i) * 60
        )
        for i in range(8)
    ]
    road = [(i, 3 * HOUR + (20 - i) * 60) for i in range(16)]
    figure = progress_figure(bars, Trend(points, road, 3 * HOUR + 10 * 60), "km")
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    volume, trend = figure.axes
    labels = [t.get_text() for t in trend.get_yticklabels() if t.get_text()]
    assert labels and all(label.startswith("3:") and len(label) == 4 for label in labels)
    renderer = canvas.get_renderer()
    for axes in (volume, trend):
        legend = axes.get_legend().get_window_extent(renderer)
        assert not legend.overlaps(axes.get_window_extent(renderer))


def test_the_prediction_panel_draws_the_road_the_prediction_and_its_range() -> None:
    points = [PredictionPoint(i, 3 * HOUR, 2.8 * HOUR, 3.2 * HOUR) for i in range(3)]
    road = [(i, 3 * HOUR - i * 60) for i in range(12)]
    figure = progress_figure([WeekBar("W1", 30, 30)], Trend(points, road, None), "mi")
    _, trend = figure.axes
    labels = [t.get_text() for t in trend.get_legend().get_texts()]
    assert sorted(labels) == ["80 % range", "plan's road", "predicted"]
    road_line = next(line for line in trend.get_lines() if line.get_label() == "plan's road")
    assert list(road_line.get_xdata()) == list(range(12))  # to race day, not only weeks so far
