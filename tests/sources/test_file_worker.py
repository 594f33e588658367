"""The file worker: parsing happens in another process, with a time and a memory limit."""

import asyncio
import os
import signal
import sys
import time
from datetime import timedelta
from pathlib import Path

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


PARENT = """
import asyncio, os, sys
from sources.file_worker import FileParser
from tests.activity_files import gpx_file, MORNING

async def main():
    parser = FileParser()
    await parser.parse("run.gpx", gpx_file(MORNING, 5000, 1500))
    (worker,) = parser._executor()._processes
    print(worker, flush=True)
    await asyncio.sleep(60)

if __name__ == "__main__":
    asyncio.run(main())
"""


async def test_the_worker_dies_with_the_bot_whatever_kills_it(tmp_path) -> None:
    """Issue 30: a worker kill -9'd left its parser process running, orphaned."""
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    root = str(Path(__file__).resolve().parents[2])
    parent = await asyncio.create_subprocess_exec(
        sys.executable,
        str(script),
        cwd=root,
        env={**os.environ, "PYTHONPATH": root},
        stdout=asyncio.subprocess.PIPE,
    )
    assert parent.stdout is not None
    worker = int((await asyncio.wait_for(parent.stdout.readline(), 60)).decode())
    assert _alive(worker)
    parent.send_signal(signal.SIGKILL)
    await parent.wait()
    deadline = time.monotonic() + 5
    while _alive(worker) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert not _alive(worker), "the parser outlived the bot"


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its new parent to reap it counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"
