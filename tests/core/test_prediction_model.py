"""The coach's race prediction, cross-validated on real recreational runners it never saw
(Vickers & Vertosick 2016 open data) against the issue's targets and the published models."""

import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import prediction
from core.prediction import predict, predict_race
from core.units import FIVE_K_M, HALF_MARATHON_M, MARATHON_M, METRES_PER_MILE, TEN_K_M
from tests.core import prediction_fit as data

# Vickers & Vertosick 2016, model 1 (published coefficients, fitted on all 2,303 runners,
# these included): marathon speed from one race and typical weekly miles.
VV_A, VV_B, VV_C, VV_EXPONENT = 0.16018617, 0.83076202, 0.0064238, 1.07


def vickers_vertosick_mae_s(source_m: float) -> float:
    errors = []
    for runner in data.runners():
        if source_m in runner.races and MARATHON_M in runner.races:
            t = runner.races[source_m]
            race_speed = MARATHON_M / (t * (MARATHON_M / source_m) ** VV_EXPONENT)
            speed = VV_A + VV_B * race_speed + VV_C * runner.weekly_m / METRES_PER_MILE
            errors.append(abs(runner.races[MARATHON_M] - MARATHON_M / speed))
    return statistics.mean(errors)


@pytest.mark.parametrize(("source_m", "most_mae_min"), [(FIVE_K_M, 13.0), (HALF_MARATHON_M, 11.0)])
def test_cross_validated_marathon_predictions_meet_the_targets(
    source_m: float, most_mae_min: float
) -> None:
    score = data.cross_validate(source_m)
    assert score.examples > 150
    assert abs(score.median_bias) <= 0.02
    assert 0.75 <= score.coverage <= 0.85
    # no worse than Vickers–Vertosick model 1 on the same runners (the 13 / 11 min are
    # that model's figures on all 2,303 runners; on this half it scores 13.4 / 10.2)
    assert score.mae_s <= vickers_vertosick_mae_s(source_m) + 1e-9
    assert score.mae_s <= (most_mae_min + 0.5) * 60


def test_ten_k_to_marathon_bias_is_within_two_percent() -> None:
    """Issue 25's target for the 128 runners with a 10k and a marathon (its error, 15.8 min,
    is within a minute of Vickers–Vertosick model 1's on them; its range holds 74 %)."""
    score = data.cross_validate(TEN_K_M)
    assert score.examples > 100
    assert abs(score.median_bias) <= 0.02
    assert score.mae_s <= vickers_vertosick_mae_s(TEN_K_M) + 60
    assert score.coverage >= 0.7


def test_it_is_less_optimistic_than_vdot_and_riegel() -> None:
    ours = data.cross_validate(FIVE_K_M)
    theirs = data.published(FIVE_K_M)
    for name, score in theirs.items():
        assert score.median_bias > 0.05, name  # VDOT and Riegel: runners are slower than told
        assert ours.mae_s < score.mae_s * 0.75, name


def test_the_shipped_coefficients_are_the_fit_on_all_runners() -> None:
    fit = data.fit(data.runners())
    model = prediction.MODEL
    assert model.coefficients == pytest.approx(fit.coefficients, abs=1e-5)
    assert (model.spread_low, model.spread_high) == pytest.approx(
        (fit.spread_low, fit.spread_high), abs=1e-5
    )


def test_shorter_targets_invert_the_model_and_ranges_narrow_with_closer_races() -> None:
    weekly = 30 * METRES_PER_MILE
    marathon = prediction.predict_race([(FIVE_K_M, 22 * 60)], MARATHON_M, weekly)
    back = prediction.predict_race([(MARATHON_M, marathon.predicted_s)], FIVE_K_M, weekly)
    assert back.predicted_s == pytest.approx(22 * 60, rel=0.01)
    from_half = prediction.predict_race([(HALF_MARATHON_M, 100 * 60)], MARATHON_M, weekly)
    from_5k = prediction.predict_race([(FIVE_K_M, 22 * 60)], MARATHON_M, weekly)
    assert from_half.high_s - from_half.low_s < from_5k.high_s - from_5k.low_s
    same = prediction.predict_race([(MARATHON_M, 4 * 3600)], MARATHON_M, weekly)
    assert same.predicted_s == pytest.approx(4 * 3600) and same.low_s < 4 * 3600 < same.high_s


@settings(max_examples=100, deadline=None)
@given(st.integers(15 * 60, 40 * 60), st.integers(70 * 60, 180 * 60), st.floats(5, 80))
def test_races_that_disagree_widen_the_range(five_k_s: int, half_s: int, miles: float) -> None:
    """The range holds what each race alone predicts (issue 25: 5k 20:00 + half 2:00:00 gave a
    range without the 5k's own prediction)."""
    weekly_m = miles * METRES_PER_MILE
    races = [(FIVE_K_M, five_k_s), (HALF_MARATHON_M, half_s)]
    both = predict_race(races, MARATHON_M, weekly_m)
    for race in races:
        alone = predict_race([race], MARATHON_M, weekly_m).predicted_s
        assert both.low_s <= alone * (1 + 1e-9) and alone <= both.high_s * (1 + 1e-9)


@settings(max_examples=100, deadline=None)
@given(st.integers(15 * 60, 40 * 60), st.floats(0.8, 1.25))
def test_a_recent_race_outweighs_an_older_baseline(baseline_s: int, change: float) -> None:
    """`gofast predict --baseline-5k 20:00 --recent 5k=25:00`: the recent 5k counts more."""
    recent_s = baseline_s * change
    both = predict(
        baseline_s, MARATHON_M, recent=[(FIVE_K_M, baseline_s), (FIVE_K_M, recent_s)], older=1
    ).race.predicted_s
    weekly_m = prediction.DEFAULT_WEEKLY_MILES * METRES_PER_MILE
    from_baseline = predict_race([(FIVE_K_M, baseline_s)], MARATHON_M, weekly_m).predicted_s
    from_recent = predict_race([(FIVE_K_M, recent_s)], MARATHON_M, weekly_m).predicted_s
    assert abs(both - from_recent) <= abs(both - from_baseline) + 1e-6
