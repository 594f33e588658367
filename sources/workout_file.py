"""A day's workout as a FIT workout file a runner copies to a Garmin watch (Garmin's FIT SDK
encoder), and the reader that checks one (fitdecode, as for activities).

Each step becomes a FIT ``workout_step`` with a distance and a speed range; a repeated step
(and its recovery) is followed by a ``repeat_until_steps_cmplt`` step pointing back at it.
"""

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import fitdecode
from garmin_fit_sdk import Encoder, Profile

from core.models import PlannedWorkout, StepKind, WorkoutStep

_MESG = Profile["mesg_num"]
_INTENSITY = {
    StepKind.WARMUP: "warmup",
    StepKind.COOLDOWN: "cooldown",
    StepKind.RECOVERY: "recovery",
    StepKind.WORK: "active",
    StepKind.STEADY: "active",
    StepKind.STRIDES: "active",
}
MAX_NAME = 15  # watches show about this much of a workout's name


class FitWorkouts:
    """Workouts as FIT files: the :class:`core.ports.WorkoutFiles` the bot sends."""

    def encode(self, planned: PlannedWorkout, name: str, created: datetime) -> bytes:
        return workout_fit(planned, name, created)


def workout_fit(planned: PlannedWorkout, name: str, created: datetime) -> bytes:
    """The workout as FIT bytes; raises ValueError for a day without steps (rest)."""
    if not planned.steps:
        raise ValueError("a rest day has no workout to send")
    rows = _rows(planned.steps)
    encoder = Encoder()
    encoder.write_mesg(
        {
            "mesg_num": _MESG["FILE_ID"],
            "type": "workout",
            "manufacturer": "development",
            "product": 0,
            "time_created": created,
            "serial_number": 1,
        }
    )
    encoder.write_mesg(
        {
            "mesg_num": _MESG["WORKOUT"],
            "sport": "running",
            "num_valid_steps": len(rows),
            "wkt_name": name[:MAX_NAME],
        }
    )
    for index, row in enumerate(rows):
        encoder.write_mesg({"mesg_num": _MESG["WORKOUT_STEP"], "message_index": index, **row})
    return bytes(encoder.close())


def _rows(steps: tuple[WorkoutStep, ...]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for step in steps:
        first = len(rows)
        rows.append(_distance_row(step))
        if step.recovery is not None:
            rows.append(_distance_row(step.recovery))
        if step.repeat > 1:
            rows.append(
                {
                    "duration_type": "repeat_until_steps_cmplt",
                    "duration_value": first,
                    "target_type": "open",
                    "target_value": step.repeat,
                    "intensity": "active",
                }
            )
    return rows


def _distance_row(step: WorkoutStep) -> dict[str, object]:
    row: dict[str, object] = {
        "duration_type": "distance",
        "duration_value": round((step.distance_m or 0) * 100),  # FIT: centimetres
        "intensity": _INTENSITY[step.kind],
    }
    if step.pace is None:
        return row | {"target_type": "open"}
    return row | {
        "target_type": "speed",
        "target_value": 0,  # 0: a custom range, not a zone
        "custom_target_value_low": round(1_000_000 / step.pace.high),  # slow end, mm/s
        "custom_target_value_high": round(1_000_000 / step.pace.low),
    }


@dataclass(frozen=True)
class ReadStep:
    """A step as a watch reads it back: metres, m/s, or a repeat of earlier steps."""

    intensity: str
    distance_m: float | None = None
    speed_low: float | None = None
    speed_high: float | None = None
    repeat_from: int | None = None
    repeat_times: int | None = None


def read_workout(data: bytes) -> tuple[str, list[ReadStep]]:
    """The workout's name and steps from FIT bytes (CRC checked)."""
    name, steps = "", []
    with fitdecode.FitReader(
        io.BytesIO(data),
        check_crc=fitdecode.CrcCheck.RAISE,
        error_handling=fitdecode.ErrorHandling.RAISE,
    ) as reader:
        for frame in reader:
            if not isinstance(frame, fitdecode.FitDataMessage):
                continue
            values = {field.name: field.value for field in frame.fields}
            if frame.name == "workout":
                name = str(values.get("wkt_name") or "")
            elif frame.name == "workout_step":
                steps.append(_read_step(values))
    return name, steps


def _read_step(values: dict[str, Any]) -> ReadStep:  # fitdecode's values are untyped
    intensity = str(values.get("intensity"))
    if values.get("duration_type") == "repeat_until_steps_cmplt":
        return ReadStep(
            intensity,
            repeat_from=int(values["duration_step"]),
            repeat_times=int(values["repeat_steps"]),
        )
    return ReadStep(
        intensity,
        distance_m=values.get("duration_distance"),
        speed_low=values.get("custom_target_speed_low"),
        speed_high=values.get("custom_target_speed_high"),
    )
