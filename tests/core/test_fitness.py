import pytest

from core.fitness import equivalent_time, riegel, training_paces, vdot
from core.parsing import parse_duration
from core.prediction import predict, seed_prediction
from core.units import FIVE_K_M, HALF_MARATHON_M, MARATHON_M, METRES_PER_MILE, TEN_K_M

# Daniels' Running Formula (3rd ed.) rows, from shared/notes/running-science.md
DANIELS_RACES = {
    40: ("24:08", "50:03", "1:50:59", "3:49:45"),
    50: ("19:57", "41:21", "1:31:35", "3:10:49"),
    60: ("17:03", "35:22", "1:18:09", "2:43:25"),
}
DANIELS_PACES_PER_KM = {  # E fast, E slow, M, T, I
    40: ("5:56", "6:38", "5:29", "5:06", "4:42"),
    50: ("4:56", "5:34", "4:31", "4:15", "3:55"),
    60: ("4:15", "4:49", "3:52", "3:40", "3:23"),
}
DISTANCES = (FIVE_K_M, TEN_K_M, HALF_MARATHON_M, MARATHON_M)


def test_published_vdot_of_a_24_34_5k() -> None:
    assert vdot(FIVE_K_M, parse_duration("24:34")) == pytest.approx(39.11, abs=0.01)


@pytest.mark.parametrize("value", sorted(DANIELS_RACES))
def test_equivalent_times_agree_with_daniels_tables_within_one_percent(value: int) -> None:
    for distance, published in zip(DISTANCES, DANIELS_RACES[value], strict=True):
        assert equivalent_time(value, distance) == pytest.approx(
            parse_duration(published), rel=0.01
        )


@pytest.mark.parametrize("value", sorted(DANIELS_RACES))
def test_vdot_of_table_times_returns_the_row(value: int) -> None:
    for distance, published in zip(DISTANCES, DANIELS_RACES[value], strict=True):
        assert vdot(distance, parse_duration(published)) == pytest.approx(value, rel=0.01)


@pytest.mark.parametrize("value", sorted(DANIELS_PACES_PER_KM))
def test_training_paces_within_five_seconds_per_km(value: int) -> None:
    paces = training_paces(value)
    computed = (paces.easy_fast, paces.easy_slow, paces.marathon, paces.threshold, paces.interval)
    for mine, published in zip(computed, DANIELS_PACES_PER_KM[value], strict=True):
        assert mine == pytest.approx(parse_duration(published), abs=5)
    assert paces.repetition < paces.interval < paces.threshold < paces.marathon < paces.easy


@pytest.mark.parametrize(
    ("distance", "published"),
    [(TEN_K_M, "41:42"), (HALF_MARATHON_M, "1:32:00"), (MARATHON_M, "3:11:49")],
)
def test_riegel_from_a_20_minute_5k(distance: float, published: str) -> None:
    assert riegel(1200, FIVE_K_M, distance) == pytest.approx(parse_duration(published), abs=2)


def test_equivalent_time_inverts_vdot() -> None:
    for seconds in (900, 1500, 2700):
        value = vdot(FIVE_K_M, seconds)
        assert equivalent_time(value, FIVE_K_M) == pytest.approx(seconds, abs=0.5)


def test_seed_predictor_is_the_products_formula() -> None:
    baseline = parse_duration("24:00")
    race_miles = MARATHON_M / METRES_PER_MILE
    pace = baseline / (FIVE_K_M / METRES_PER_MILE)
    expected = (pace + ((race_miles - 3.1) / 6.2) * 10) * race_miles
    assert seed_prediction(baseline, MARATHON_M) == pytest.approx(expected)
    # At 3.1 miles the penalty vanishes: the 5k pace is kept.
    assert seed_prediction(baseline, 3.1 * METRES_PER_MILE) == pytest.approx(pace * 3.1)


def test_prediction_carries_the_comparisons_and_judges_the_goal_by_the_coachs() -> None:
    result = predict(parse_duration("20:00"), MARATHON_M, goal_time_s=parse_duration("3:00:00"))
    assert result.vdot_prediction_s == pytest.approx(parse_duration("3:11:17"), abs=30)
    assert result.riegel_prediction_s == pytest.approx(parse_duration("3:11:49"), abs=2)
    assert result.delta_s == pytest.approx(result.race.predicted_s - 3 * 3600)
    assert result.race.predicted_s > result.riegel_prediction_s  # less optimistic
    assert predict(1200, MARATHON_M).delta_s is None
