"""The file worker: parsing happens in another process, with a time and a memory limit."""

import asyncio
import time
from datetime import timedelta

import pytest

from core.errors import InvalidInput
from sources.file_worker import FileParser
from sources.files import MAX_POINTS
from tests.activity_files import MORNING, gpx_file
from tests.words import refused


def long_track(points: int) -> bytes:
    """A GPX recorded every second (9 km/h north), ``points`` long."""
    track = b"".join(
        b'<trkpt lat="%.7f" lon="13.4"><time>%s</time></trkpt>'
        % (
            52 + i * 2.5 / 111_320,
            (MORNING + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ").encode(),
        )
        for i in range(points)
    )
    return (
        b'<?xml version="1.0"?><gpx version="1.1"><trk><trkseg>'
        + track
        + (b"</trkseg></trk></gpx>")
    )


async def test_parses_in_a_worker_and_keeps_the_loop_free() -> None:
    parser = FileParser()
    stalls: list[float] = []

    async def ticker() -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(0.005)
            stalls.append(time.perf_counter() - started - 0.005)

    ticking = asyncio.create_task(ticker())
    try:
        parsed = await parser.parse("long.gpx", long_track(MAX_POINTS // 4))
    finally:
        ticking.cancel()
        parser.close()
    assert parsed.duration_s == pytest.approx(MAX_POINTS // 4, rel=0.01)
    # the parse itself takes seconds of CPU; the loop never waited for it
    assert max(stalls) < 0.5 * parsed.duration_s / MAX_POINTS * 100


async def test_a_slow_file_is_stopped_and_the_worker_replaced() -> None:
    parser = FileParser(timeout_s=0.2)
    try:
        with refused(InvalidInput, "too long"):
            await parser.parse("long.gpx", long_track(MAX_POINTS // 2))
        parser.timeout_s = 30
        assert (await parser.parse("run.gpx", gpx_file(MORNING, 5000, 1500))).distance_m > 0
    finally:
        parser.close()


async def test_a_file_needing_more_memory_than_allowed_is_refused() -> None:
    parser = FileParser(memory_bytes=160 * 1024 * 1024)
    try:
        small = await parser.parse("run.gpx", gpx_file(MORNING, 5000, 1500))
        assert small.distance_m > 0  # the limit leaves room for ordinary files
        with refused(InvalidInput, "too big"):
            await parser.parse("long.gpx", long_track(MAX_POINTS))
        assert (await parser.parse("run.gpx", gpx_file(MORNING, 5000, 1500))) == small
    finally:
        parser.close()
