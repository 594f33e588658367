import gzip

import pytest

from core.errors import InvalidInput
from sources.files import MAX_FILE_BYTES, file_kind, parse_activity_file
from tests.activity_files import MORNING, fit_file, gpx_file, tcx_file
from tests.words import refused


def test_fit_file() -> None:
    parsed = parse_activity_file("run.fit", fit_file(MORNING, 8046.7, 2400, elapsed_s=2460))
    assert parsed.start_utc == MORNING
    assert parsed.distance_m == pytest.approx(8046.7, abs=0.5)
    assert parsed.moving_s == pytest.approx(2400) and parsed.duration_s == pytest.approx(2460)
    assert parsed.sport == "running" and parsed.avg_hr == 150 and parsed.max_hr == 170
    assert parsed.elevation_gain_m == 42


def test_fit_sub_sports_and_other_sports() -> None:
    trail = parse_activity_file("t.fit", fit_file(MORNING, 10000, 3600, sub_sport="trail"))
    assert trail.sport == "trail_running"
    ride = parse_activity_file("r.fit", fit_file(MORNING, 30000, 3600, sport="cycling"))
    assert ride.sport == "cycling"


def test_gpx_file() -> None:
    parsed = parse_activity_file("run.gpx", gpx_file(MORNING, 5000, 1500))
    assert parsed.start_utc == MORNING
    assert parsed.distance_m == pytest.approx(5000, rel=0.01)
    assert parsed.duration_s == pytest.approx(1500)
    assert parsed.avg_hr == 148 and parsed.sport == "running"


def test_tcx_moving_time_comes_from_laps() -> None:
    parsed = parse_activity_file("run.tcx", tcx_file(MORNING, 10000, 3000, pause_s=300))
    assert parsed.start_utc == MORNING
    assert parsed.distance_m == pytest.approx(10000, rel=0.01)
    assert parsed.moving_s == pytest.approx(3000) and parsed.duration_s == pytest.approx(3300)
    assert parsed.avg_hr == 152


def test_gzip_and_fingerprints() -> None:
    raw = gpx_file(MORNING, 5000, 1500)
    packed = parse_activity_file("run.gpx.gz", gzip.compress(raw))
    assert packed.fingerprint == parse_activity_file("run.gpx", raw).fingerprint
    assert (
        packed.fingerprint
        != parse_activity_file("x.gpx", gpx_file(MORNING, 5001, 1500)).fingerprint
    )


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("notes.txt", b"hello", "I can read .fit, .gpx and .tcx"),
        ("run.fit", b"", "empty"),
        ("run.fit", b"\x0e\x10garbage-garbage-garbage", "damaged"),
        ("run.gpx", b"<gpx><trk>", "damaged"),
        ("run.tcx", b"<not-xml", "damaged"),
        ("run.gpx.gz", b"\x1f\x8bnot really gzip", "damaged"),
        (
            "run.gpx",
            b'<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"></gpx>',
            "no activity",
        ),
        ("run.fit", b"x" * (MAX_FILE_BYTES + 1), "20 MB"),
    ],
)
def test_bad_files_get_a_clear_message(name: str, data: bytes, says: str) -> None:
    with refused(InvalidInput, says):
        parse_activity_file(name, data)


def test_truncated_fit_is_damaged() -> None:
    data = fit_file(MORNING, 8000, 2400)
    with refused(InvalidInput, "damaged"):
        parse_activity_file("run.fit", data[: len(data) // 2])


def test_gzip_bomb_is_refused() -> None:
    bomb = gzip.compress(b"\0" * (101 * 1024 * 1024))
    with refused(InvalidInput, "100 MB"):
        parse_activity_file("run.fit.gz", bomb)


def test_file_kind() -> None:
    assert file_kind("A.FIT") == ".fit" and file_kind("x.tcx.gz") == ".tcx"
    assert file_kind("x.zip") is None


def test_gpx_points_out_of_order_make_no_negative_duration() -> None:
    content = gpx_file(MORNING, 5000, 1500).decode()
    points = content.split("<trkpt")
    shuffled = "<trkpt".join([points[0], *reversed(points[1:-1]), points[-1]])
    parsed = parse_activity_file("run.gpx", shuffled.encode())
    assert parsed.duration_s > 0 and parsed.start_utc == MORNING


def test_a_file_from_year_9999_is_refused() -> None:
    from datetime import UTC, datetime

    with refused(InvalidInput, "clock"):
        parse_activity_file(
            "run.tcx", tcx_file(datetime(9999, 12, 31, 23, 0, tzinfo=UTC), 5000, 1500)
        )


def million_points() -> bytes:
    point = b'<trkpt lat="52.5" lon="13.4"><time>2026-11-20T08:00:00Z</time></trkpt>'
    return (
        b'<?xml version="1.0"?><gpx version="1.1"><trk><trkseg>'
        + point * 1_000_000
        + (b"</trkseg></trk></gpx>")
    )


def test_too_many_track_points_are_refused_before_parsing() -> None:
    with refused(InvalidInput, "48 hours"):
        parse_activity_file("big.gpx.gz", gzip.compress(million_points()))
