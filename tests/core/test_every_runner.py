"""Coaching rules over the whole input space `gofast plan` accepts, not only the textbook
runner: 5k to marathon, a 5k of 14:00–45:00, 0–100 mi a week, 3–7 run days, 4–30 weeks, with
and without the longest recent run. Each test is one rule; its source is in the code it checks
(core.workouts, core.plan, core.profiles, core.fitness)."""

from datetime import timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core import profiles as norms
from core import workouts
from core.fitness import equivalent_time
from core.models import Phase, RaceType, StepKind, TrainingPlan, WarningKind, WorkoutType
from core.plan import generate_plan, long_run_needed_m, long_run_pace
from core.profiles import profile_for
from core.units import METRES_PER_KM, METRES_PER_MILE, TEN_K_M
from tests.core.plans import STANDARD_TYPES, assert_no_spike, request, training_m

EPS = 1e-6
SEARCH = settings(max_examples=200, deadline=None)
EASY_KINDS = (WorkoutType.EASY, WorkoutType.RECOVERY, WorkoutType.MEDIUM_LONG)


@st.composite
def every_runner(draw: st.DrawFn) -> TrainingPlan:
    race_type = draw(st.sampled_from(STANDARD_TYPES))
    weeks = draw(st.integers(4, 30))
    assume(weeks >= profile_for(race_type, 0).hard_min_weeks)  # shorter ones are refused
    req = request(
        race_type,
        weeks,
        baseline_5k_s=draw(st.integers(14 * 60, 45 * 60)),
        weekly_miles=draw(st.floats(0, 100)),
        days=draw(st.integers(3, 7)),
        long_day=draw(st.integers(0, 6)),
        goal_time_s=draw(st.none() | st.integers(15 * 60, 7 * 3600)),
    )
    longest = draw(st.none() | st.floats(0, 22))
    if longest is not None:
        req = req.model_copy(update={"longest_recent_m": longest * METRES_PER_MILE})
    return generate_plan(req)


def _seconds(metres: float, pace_s_per_km: float) -> float:
    return metres / METRES_PER_KM * pace_s_per_km


def _threshold_work(plan: TrainingPlan) -> list[tuple[float, int, float]]:
    """(rep metres, reps, week metres) of every T session."""
    found = []
    for week in plan.weeks:
        week_m = sum(d.planned.distance_m for d in week.days if d.planned.type.is_run)
        for day in week.days:
            if day.planned.type is WorkoutType.TEMPO:
                for step in day.planned.steps:
                    if step.kind is StepKind.WORK:
                        found.append((step.distance_m or 0.0, step.repeat, week_m))
    return found


@SEARCH
@given(every_runner())
def test_threshold_is_sized_by_time(plan: TrainingPlan) -> None:
    """Daniels: a steady T run of about 20 min, more as cruise intervals of ≤ 8 min; all T in
    a session ≤ 45 min (Pfitzinger's longest LT run) and ≤ 10 % of the week (half a unit of
    rounding aside)."""
    t_pace = plan.paces.threshold
    half = plan.units.metres / 2
    for rep_m, reps, week_m in _threshold_work(plan):
        if reps == 1:
            assert _seconds(rep_m, t_pace) <= max(workouts.STEADY_T_MAX_S, _seconds(half, t_pace))
        else:
            assert _seconds(rep_m, t_pace) <= workouts.CRUISE_REP_MAX_S + EPS
        assert _seconds(rep_m * reps, t_pace) <= workouts.T_SESSION_MAX_S + EPS
        assert rep_m * reps <= workouts.THRESHOLD_WORK_SHARE * week_m + half + EPS


@SEARCH
@given(st.integers(14 * 60, 45 * 60))
def test_threshold_pace_is_never_faster_than_the_runners_10k(five_k_s: int) -> None:
    """T pace sits between 10k and half-marathon race pace (Daniels: about one-hour race pace)."""
    plan = generate_plan(request(baseline_5k_s=five_k_s))
    ten_k_pace = equivalent_time(plan.vdot, TEN_K_M) / (TEN_K_M / METRES_PER_KM)
    assert plan.paces.threshold >= ten_k_pace - EPS
    assert plan.paces.threshold < plan.paces.easy_fast


@SEARCH
@given(every_runner())
def test_easy_runs_stay_shorter_than_the_long_run_and_inside_their_time_cap(
    plan: TrainingPlan,
) -> None:
    """No easy, recovery or medium-long run is longer than its week's long run; easy runs stay
    under 90 min and medium-long runs under 2 h at easy pace (half a unit of rounding)."""
    half = plan.units.metres / 2
    easy_pace = plan.paces.easy
    for week in plan.weeks:
        long_runs = [d.planned.distance_m for d in week.days if d.planned.type is WorkoutType.LONG]
        for day in week.days:
            kind, metres = day.planned.type, day.planned.distance_m
            if kind not in EASY_KINDS:
                continue
            if long_runs:
                assert metres <= max(long_runs) + EPS, f"{day.date}: {kind} over the long run"
            cap = (
                norms.MEDIUM_LONG_MAX_MINUTES
                if kind is WorkoutType.MEDIUM_LONG
                else norms.EASY_MAX_MINUTES
            )
            assert _seconds(metres, easy_pace) <= cap * 60 + _seconds(half, easy_pace)


@SEARCH
@given(every_runner())
def test_no_medium_long_run_on_the_eve_of_the_long_run(plan: TrainingPlan) -> None:
    """Pfitzinger puts the medium-long run midweek, never beside the long run."""
    by_date = {d.date: d.planned.type for d in plan.days()}
    for day, kind in by_date.items():
        if kind is WorkoutType.MEDIUM_LONG:
            assert by_date.get(day + timedelta(days=1)) is not WorkoutType.LONG
            assert by_date.get(day - timedelta(days=1)) is not WorkoutType.LONG


@SEARCH
@given(every_runner())
def test_race_and_marathon_pace_are_faster_than_easy(plan: TrainingPlan) -> None:
    """Marathon-pace work is always faster than easy running; race day too, unless the
    runner's own goal is slower still (then race day keeps the goal's pace)."""
    easy_fast = plan.paces.easy_fast
    for day in plan.days():
        pace = day.planned.pace_s_per_km
        if day.planned.type is WorkoutType.MARATHON_PACE:
            assert pace is not None and pace < easy_fast
        if day.planned.type is WorkoutType.RACE:
            goal_pace = (plan.goal_pace_s_per_km or 0) + 0.1
            assert pace is not None and (pace < easy_fast or pace <= goal_pace)


@SEARCH
@given(every_runner())
def test_week_one_is_what_the_runner_runs_now(plan: TrainingPlan) -> None:
    """Week 1 is the runner's own volume (a non-runner's: a few short run/walk outings), and
    no run of the first 30 days is over ~10 % longer than the longest they ran (Frandsen et al.
    2025), whatever the floor a distance's plans usually start from."""
    step = plan.units.metres / 2
    now = plan.baseline_weekly_m
    if now < step:
        now = norms.NEW_RUNNER_WEEK_MILES * METRES_PER_MILE
    assert training_m(plan.weeks[0]) <= 1.1 * now + step + EPS
    assert_no_spike(plan, plan.start_date)


@SEARCH
@given(every_runner())
def test_few_runs_of_twenty_miles_or_more(plan: TrainingPlan) -> None:
    """Published plans have 2–5 runs of 20 mi or more (Higdon, Pfitzinger 18/70)."""
    very_long = [
        d
        for d in plan.days()
        if d.planned.type.is_run
        and d.planned.type is not WorkoutType.RACE
        and d.planned.distance_m >= norms.VERY_LONG_MILES * METRES_PER_MILE - EPS
    ]
    assert len(very_long) <= norms.VERY_LONG_MAX_RUNS


@SEARCH
@given(st.floats(0, 24.9), st.integers(16 * 60, 40 * 60), st.integers(3, 7))
def test_a_novice_marathoner_peaks_near_higdon_novice(
    weekly: float, five_k_s: int, days: int
) -> None:
    """Below 25 mi a week a marathoner peaks near Higdon Novice 1's ~40 mi, not 18/55's 55."""
    plan = generate_plan(request(weekly_miles=weekly, baseline_5k_s=five_k_s, days=days, weeks=20))
    peak = max(training_m(w) for w in plan.weeks)
    assert peak <= 41 * METRES_PER_MILE


@SEARCH
@given(every_runner())
def test_a_ready_marathon_has_a_long_run_of_fourteen_miles(plan: TrainingPlan) -> None:
    """Published marathon plans reach 16–20 mi (Hansons' 16 = race ÷ 1.64): a plan whose long
    run stays under 14 mi is not called ready, however slow the runner."""
    readiness = plan.readiness
    assert readiness is not None
    if plan.race.race_type is RaceType.MARATHON and readiness.ready:
        assert readiness.longest_long_run_m >= 14 * METRES_PER_MILE - plan.units.metres / 2


@SEARCH
@given(st.sampled_from([RaceType.FIVE_K, RaceType.TEN_K]), st.integers(14 * 60, 45 * 60))
def test_a_5k_or_10k_asks_for_time_on_feet_not_miles(race_type: RaceType, five_k_s: int) -> None:
    """45 min (5k) / 60 min (10k) at long-run pace, or the old distance if that is shorter."""
    plan = generate_plan(request(race_type, 10, baseline_5k_s=five_k_s))
    profile = profile_for(race_type, 0)
    needed = long_run_needed_m(profile, plan.paces, plan.units)
    assert profile.ready_minutes is not None
    assert _seconds(needed, long_run_pace(plan.paces)) <= profile.ready_minutes * 60 + EPS
    assert needed <= profile.long_run_min_miles * METRES_PER_MILE + EPS


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(STANDARD_TYPES),
    st.integers(8, 30),
    st.integers(16 * 60, 40 * 60),
    st.floats(0, 60),
    st.integers(3, 6),
    st.floats(0, 20),
)
def test_more_run_days_never_make_a_plan_less_ready(
    race_type: RaceType, weeks: int, five_k_s: int, weekly: float, days: int, longest: float
) -> None:
    """Readiness is about the long run: a runner with more days can do at least as long a one
    (the low-volume cap in profiles.long_run_cap_of_week_m does not depend on days). The
    longest recent run is the runner's own (/race asks it); an estimated one is a share of the
    week that shrinks with more days, as real runners' do."""

    def ready(run_days: int) -> bool:
        req = request(race_type, weeks, baseline_5k_s=five_k_s, weekly_miles=weekly, days=run_days)
        req = req.model_copy(update={"longest_recent_m": longest * METRES_PER_MILE})
        readiness = generate_plan(req).readiness
        return readiness is not None and readiness.ready

    assume(weeks >= profile_for(race_type, 0).hard_min_weeks)
    if ready(days):
        assert ready(days + 1), f"ready on {days} days, not on {days + 1}"


@SEARCH
@given(every_runner())
def test_volume_the_days_cannot_hold_is_said_not_hidden_in_long_easy_runs(
    plan: TrainingPlan,
) -> None:
    """A volume the run days can't hold under the easy-run caps becomes "add a run day" (with
    what a day holds), not a 5-hour easy run."""
    step = plan.units.metres / 2
    first = next((w for w in plan.weeks if len(w.days) == 7 and w.phase is not Phase.TAPER), None)
    assume(first is not None)
    assert first is not None
    capped = [w for w in plan.warnings if w.kind is WarningKind.VOLUME_CAPPED]
    if training_m(first) < plan.baseline_weekly_m - 2 * step:
        assert capped and capped[0].run_days == len(plan.run_days)
        per_day = capped[0].per_day_m
        assert per_day is not None
        assert per_day * len(plan.run_days) == pytest.approx(training_m(first))
    else:
        assert not capped
