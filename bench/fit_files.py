"""A big FIT file read as the bot reads it: CPU seconds, and the ratio to fitdecode.

Goal (issue 27): a 3 MB FIT parses in ≤ 1.5 s of CPU on this machine. The file is built here:
a 36-hour activity recorded every second (timestamp, distance, position, altitude, heart rate,
cadence, speed), like an Ironman's or a 24-hour run's. Baseline, in the same run: fitdecode
reading every message of the same file (what the bot used for every FIT before).

    python bench/fit_files.py [--hours 36]
"""

import argparse
import io
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fitdecode
from garmin_fit_sdk import Profile

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sources.files import parse_activity_file
from tests.activity_files import _activity_encoder

MESG = Profile["mesg_num"]
START = datetime(2026, 7, 5, 6, 0, tzinfo=UTC)


def big_fit(seconds: int) -> bytes:
    encoder = _activity_encoder(START)
    for s in range(seconds):
        encoder.write_mesg(
            {
                "mesg_num": MESG["RECORD"],
                "timestamp": START + timedelta(seconds=s),
                "distance": s * 1.5,
                "position_lat": 600_000_000 + s,
                "position_long": 100_000_000 + s,
                "altitude": 100.0,
                "heart_rate": 140,
                "cadence": 80,
                "speed": 1.5,
            }
        )
    encoder.write_mesg(
        {
            "mesg_num": MESG["SESSION"],
            "timestamp": START + timedelta(seconds=seconds),
            "start_time": START,
            "total_elapsed_time": seconds,
            "total_timer_time": seconds,
            "total_distance": seconds * 1.5,
            "sport": "running",
        }
    )
    return encoder.close()


def cpu(action) -> float:  # type: ignore[no-untyped-def]
    began = time.process_time()
    action()
    return time.process_time() - began


def every_message(payload: bytes) -> None:
    with fitdecode.FitReader(io.BytesIO(payload)) as reader:
        for _ in reader:
            pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hours", type=float, default=36)
    args = parser.parse_args()
    payload = big_fit(int(args.hours * 3600))
    ours = cpu(lambda: parse_activity_file("big.fit", payload))
    baseline = cpu(lambda: every_message(payload))
    print(f"{len(payload) / 1e6:.1f} MB FIT, {int(args.hours * 3600)} records")
    print(f"  the bot's reading: {ours:.2f} s CPU (goal ≤ 1.5 s for 3 MB)")
    print(f"  fitdecode, every message: {baseline:.2f} s CPU; ratio {ours / baseline:.2f}")


if __name__ == "__main__":
    main()
