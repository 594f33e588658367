"""Issue 27: every real watch file read right — all running legs, the distance watches
measure, rides kept out, honest refusals — through the same gate for the bot and the CLI."""

from datetime import date, timedelta

import pytest

from core.errors import InvalidInput
from core.models import RUNNING_SPORTS
from core.plausibility import admit
from core.sports import TOO_FAST, beyond_running, record_s, sport_of
from sources.files import parse_activity_file, parse_activity_files
from sources.fit_stream import read_fit
from tests.activity_files import (
    MORNING,
    fit_multisport,
    fit_of_type,
    fit_without_session_distance,
    gpx_named,
    tcx_activities,
    tcx_file,
    tcx_laps,
)

LATER = date(2027, 1, 1)


def test_the_reply_says_what_the_file_held() -> None:
    from bot.render import Renderer
    from core.models import Units

    render = Renderer()
    legs = [("cycling", 20000, 2400), ("running", 5000, 1500), ("running", 3000, 900)]
    brick = parse_activity_file("brick.fit", fit_multisport(MORNING, legs))
    days = [("Running", MORNING + timedelta(days=i), 8000, 2700, True) for i in range(3)]
    week = parse_activity_file("week.tcx", tcx_activities(days, multisport=False))
    for parsed, says in ((brick, "its 2 running legs make this run"), (week, "Activity 1 of 3")):
        activity = parsed.activity(MORNING.date()).model_copy(update={"id": 1})
        text = render(
            "activity/received", kind="extra", activity=activity, units=Units.KM, today=LATER
        )
        assert says in text, text


def test_a_multisport_file_keeps_every_running_leg() -> None:
    """Before: only the longest running leg (12.7 km of 15.0)."""
    legs = [
        ("swimming", 1500, 1800),
        ("cycling", 40000, 4800),
        ("running", 10000, 3000),
        ("cycling", 20000, 2400),
        ("running", 5000, 1500),
    ]
    parsed = parse_activity_file("brick.fit", fit_multisport(MORNING, legs))
    assert parsed.sport in RUNNING_SPORTS
    assert parsed.distance_m == pytest.approx(15000)
    assert parsed.duration_s == pytest.approx(4500)
    assert parsed.start_utc == MORNING + timedelta(seconds=1800 + 4800)  # the first run leg
    assert parsed.summary["running_legs"] == 2


def test_a_session_without_distance_takes_the_records() -> None:
    """Before: "That run has no distance in it" for a Suunto FIT whose records hold 15.2 km."""
    parsed = parse_activity_file("ambit.fit", fit_without_session_distance(MORNING, 15200, 5400))
    assert parsed.distance_m == pytest.approx(15200, rel=0.01)


@pytest.mark.parametrize(
    ("kind", "words"),
    [("settings", "watch settings"), ("workout", "a planned workout"), ("monitoring_b", "all-day")],
)
def test_a_file_that_holds_no_activity_says_what_it_holds(kind: str, words: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_activity_file("x.fit", fit_of_type(kind, MORNING))
    assert refused.value.code == "file_not_activity"
    assert words in refused.value.params["holds"]


def test_gpx_distance_is_measured_on_the_map_and_the_climb_kept() -> None:
    """Before: 3-D distance, 2–6.5 % long on hilly tracks (13.10 km for 12.30 km)."""
    hilly = gpx_named(MORNING, 12300, 4400, climb_m=40)
    parsed = parse_activity_file("hilly.gpx", hilly)
    assert parsed.distance_m == pytest.approx(12300, rel=0.002)
    assert parsed.elevation_gain_m is not None and parsed.elevation_gain_m > 100  # smoothed


def test_leading_blank_lines_before_the_xml_declaration_are_fine() -> None:
    parsed = parse_activity_file("run.gpx", gpx_named(MORNING, 8000, 2700))
    assert parsed.sport == "running" and parsed.distance_m == pytest.approx(8000, rel=0.002)
    tcx = b"\n   \n" + tcx_file(MORNING, 8000, 2700)
    assert parse_activity_file("run.tcx", tcx).distance_m == pytest.approx(8000)


@pytest.mark.parametrize(
    ("creator", "name", "kind", "sport"),
    [
        ("Urban Biker", "Track", "", "cycling"),
        ("tests", "Cycling 10/2/17", "", "cycling"),
        ("StravaGPX", "Afternoon", "1", "cycling"),
        ("StravaGPX", "Pool", "16", "swimming"),
        ("StravaGPX", "Afternoon Run", "9", "running"),
        ("Garmin Connect", "Easy", "", "running"),
    ],
)
def test_gpx_sport_comes_from_type_creator_and_name(
    creator: str, name: str, kind: str, sport: str
) -> None:
    parsed = parse_activity_file(
        "x.gpx", gpx_named(MORNING, 20000, 3600, creator=creator, name=name, kind=kind)
    )
    assert parsed.sport == sport


def test_a_tcx_says_its_sport() -> None:
    parsed = parse_activity_file("ride.tcx", tcx_file(MORNING, 30000, 3600, sport="Biking"))
    assert parsed.sport == "cycling"


def test_a_run_faster_than_the_world_record_is_not_a_run() -> None:
    """Before: "40.8 km in 1:38:36 at 2:25/km" was a run (24.8 km/h: under the old 25 km/h)."""
    assert beyond_running(40800, 98 * 60 + 36)
    assert not beyond_running(42195, 2 * 3600 + 1 * 60)  # a 2:01 marathon: a runner could
    parsed = parse_activity_file("fast.gpx", gpx_named(MORNING, 40800, 98 * 60 + 36))
    assert parsed.sport == "running"  # the file says nothing else…
    admitted = admit(parsed.activity(MORNING.date()), LATER)
    assert admitted.sport == TOO_FAST and not admitted.is_run  # … its speed does


def test_the_record_table_is_monotonic_and_matches_its_points() -> None:
    assert record_s(5000) == pytest.approx(755)
    assert record_s(42195) == pytest.approx(7235)
    speeds = [d / record_s(d) for d in (1500, 3000, 5000, 10000, 21097.5, 42195, 100000, 200000)]
    assert speeds == sorted(speeds, reverse=True)  # longer is never faster


@pytest.mark.parametrize(
    ("stated", "names", "sport"),
    [
        (["running", "trail"], [], "running"),
        (["trail_running"], [], "trail_running"),
        (["generic"], ["Lunch Run"], "running"),
        (["training"], [], "cross_training"),
        ([None], ["brunch with friends"], "running"),  # "run" only starts a word
        (["Other"], ["Garmin"], "running"),
    ],
)
def test_sport_words(stated: list[str | None], names: list[str], sport: str) -> None:
    assert sport_of(stated, names) == sport


def test_a_multisport_tcx_keeps_its_running_legs() -> None:
    """Before: "no time or distance in it" (the running sat inside the multisport session)."""
    legs = [
        ("Biking", MORNING, 20000, 2400, True),
        ("Running", MORNING + timedelta(seconds=2500), 5000, 1500, True),
        ("Biking", MORNING + timedelta(seconds=4100), 10000, 1200, True),
        ("Running", MORNING + timedelta(seconds=5400), 2900, 900, True),
    ]
    parsed = parse_activity_file("brick.tcx", tcx_activities(legs, multisport=True))
    assert parsed.sport == "running" and parsed.distance_m == pytest.approx(7900)
    assert parsed.duration_s == pytest.approx(2400)
    assert parsed.summary["running_legs"] == 2


def test_a_tcx_of_several_days_is_each_day_its_own_run() -> None:
    """Before: "duration doesn't look right (zero or over 48 hours)"."""
    days = [("Running", MORNING + timedelta(days=i), 8000 + 1000 * i, 2700, True) for i in range(3)]
    payload = tcx_activities(days, multisport=False)
    found = parse_activity_files("week.tcx", payload)
    assert [p.distance_m for p in found] == pytest.approx([8000, 9000, 10000])
    assert [p.start_utc.date() for p in found] == [
        MORNING.date() + timedelta(days=i) for i in range(3)
    ]
    assert len({p.fingerprint for p in found}) == 3  # three runs, none a repeat of another
    assert parse_activity_file("week.tcx", payload) == found[0]


def test_elapsed_time_counts_laps_without_points() -> None:
    """Before: a Suunto TCX whose first laps had no points read 28:50 instead of 31:57."""
    tcx = tcx_laps(MORNING, [(1000, 187, False), (5000, 1730, True)])
    parsed = parse_activity_file("suunto.tcx", tcx)
    assert parsed.duration_s == pytest.approx(187 + 1730)
    assert parsed.distance_m == pytest.approx(6000)


def _fitdecode_reading(payload: bytes):  # type: ignore[no-untyped-def]
    from sources import files

    small = files.BIG_FIT_BYTES
    files.BIG_FIT_BYTES = len(payload) + 1  # the usual path, whatever the size
    try:
        return files.fit_content(payload)
    finally:
        files.BIG_FIT_BYTES = small


KEPT = ("start_time", "total_elapsed_time", "total_timer_time", "total_distance", "sport")


@pytest.mark.parametrize(
    "payload",
    [
        fit_multisport(MORNING, [("cycling", 20000, 2400), ("running", 5000, 1500)]),
        fit_without_session_distance(MORNING, 15200, 5400),
        fit_of_type("settings", MORNING),
    ],
    ids=["multisport", "records-only", "settings"],
)
def test_the_streaming_fit_reader_reads_what_fitdecode_reads(payload: bytes) -> None:
    """Big files go through sources.fit_stream (issue 27: 5–6 s of CPU in fitdecode); on the
    same files it reads the same sessions, laps, track and file type."""
    slow, fast = _fitdecode_reading(payload), read_fit(payload)
    assert fast.file_type == slow.file_type
    assert fast.track == slow.track
    for mine, theirs in zip(fast.sessions, slow.sessions, strict=True):
        assert {k: mine.get(k) for k in KEPT} == {k: theirs.get(k) for k in KEPT}


def test_a_big_fit_takes_the_streaming_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    from sources import files

    monkeypatch.setattr(files, "BIG_FIT_BYTES", 0)  # every file is "big"
    legs = [("swimming", 1500, 1800), ("running", 10000, 3000), ("running", 5000, 1500)]
    parsed = parse_activity_file("tri.fit", fit_multisport(MORNING, legs))
    assert parsed.distance_m == pytest.approx(15000) and parsed.summary["running_legs"] == 2
    with pytest.raises(InvalidInput) as refused:
        parse_activity_file("x.fit", fit_of_type("workout", MORNING))
    assert refused.value.code == "file_not_activity"
    damaged = fit_multisport(MORNING, legs)[:-40]
    with pytest.raises(InvalidInput) as broken:
        parse_activity_file("cut.fit", damaged)
    assert broken.value.code == "file_damaged"
