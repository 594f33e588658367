"""FIT, GPX and TCX files (optionally gzip-compressed) → one normalised activity summary.

A thin normaliser over fitdecode, gpxpy and tcxreader: every failure becomes a
:class:`core.errors.InvalidInput` whose message can be shown to the runner as is.
"""

import gzip
import hashlib
import io
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import fitdecode
import gpxpy
import gpxpy.gpx
from tcxreader.tcxreader import TCXReader

from core.errors import InvalidInput

MAX_FILE_BYTES = 20 * 1024 * 1024  # what a Telegram bot may download
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a gzip bomb stops here
SUPPORTED = (".fit", ".gpx", ".tcx")


@dataclass(frozen=True)
class ParsedActivity:
    """What a file says about one activity, in SI units and UTC."""

    fingerprint: str  # sha256 of the file's bytes: the same file twice is the same activity
    start_utc: datetime
    distance_m: float
    duration_s: float
    moving_s: float | None
    sport: str
    avg_hr: float | None = None
    max_hr: float | None = None
    elevation_gain_m: float | None = None
    summary: dict[str, Any] = field(default_factory=dict)


def file_kind(name: str) -> str | None:
    """``.fit``/``.gpx``/``.tcx`` of a file name (``.gz`` stripped), or None."""
    lowered = name.lower().removesuffix(".gz")
    return next((ext for ext in SUPPORTED if lowered.endswith(ext)), None)


def check_file(name: str, size: int) -> str:
    """The file's kind, or a clear refusal before anything is downloaded or parsed."""
    kind = file_kind(name)
    if kind is None:
        raise InvalidInput(
            "I can read .fit, .gpx and .tcx files (also .gz). Export one and send it?"
        )
    if size > MAX_FILE_BYTES:
        raise InvalidInput("That file is over 20 MB, more than Telegram lets me download.")
    return kind


def parse_activity_file(name: str, data: bytes) -> ParsedActivity:
    kind = check_file(name, len(data))
    payload = _gunzip(data) if name.lower().endswith(".gz") or data[:2] == b"\x1f\x8b" else data
    if not payload.strip():
        raise InvalidInput("That file is empty.")
    try:
        parsed = {".fit": _fit, ".gpx": _gpx, ".tcx": _tcx}[kind](payload)
    except InvalidInput:
        raise
    except Exception:  # parsers raise anything on corrupt input; the runner needs one sentence
        raise InvalidInput(
            f"I couldn't read that {kind} file: it looks damaged. Try exporting it again?"
        ) from None
    return parsed


def _gunzip(data: bytes) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as archive:
            unpacked = archive.read(MAX_UNPACKED_BYTES + 1)
    except (OSError, EOFError):
        raise InvalidInput("That .gz file is damaged. Try compressing it again?") from None
    if len(unpacked) > MAX_UNPACKED_BYTES:
        raise InvalidInput("That file unpacks to more than 100 MB; send a single activity.")
    return unpacked


def _fingerprint(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _no_activity() -> InvalidInput:
    return InvalidInput("That file holds no activity I can use (no time or distance in it).")


def _fit(payload: bytes) -> ParsedActivity:
    sessions: list[dict[str, Any]] = []
    with fitdecode.FitReader(
        io.BytesIO(payload),
        check_crc=fitdecode.CrcCheck.RAISE,
        error_handling=fitdecode.ErrorHandling.RAISE,
    ) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "session":
                sessions.append({f.name: f.value for f in frame.fields})
    if not sessions or sessions[0].get("start_time") is None:
        raise _no_activity()
    first = sessions[0]
    # Multisport files hold several sessions: the run is the longest running one, else the first.
    runs = [s for s in sessions if str(s.get("sport", "")).startswith("running")]
    main = max(runs, key=lambda s: s.get("total_distance") or 0) if runs else first
    elapsed = float(main.get("total_elapsed_time") or 0)
    moving = main.get("total_timer_time")
    if elapsed <= 0 and not moving:
        raise _no_activity()
    return ParsedActivity(
        fingerprint=_fingerprint(payload),
        start_utc=_utc(main["start_time"]),
        distance_m=float(main.get("total_distance") or 0),
        duration_s=elapsed or float(moving),
        moving_s=float(moving) if moving else None,
        sport=_fit_sport(main),
        avg_hr=_number(main.get("avg_heart_rate")),
        max_hr=_number(main.get("max_heart_rate")),
        elevation_gain_m=_number(main.get("total_ascent")),
        summary={"format": "fit", "sessions": len(sessions)},
    )


def _fit_sport(session: dict[str, Any]) -> str:
    sport, sub = str(session.get("sport") or "generic"), str(session.get("sub_sport") or "")
    if sport == "running" and sub in ("trail", "treadmill", "track", "street", "indoor_running"):
        return "indoor_running" if sub == "indoor_running" else f"{sub}_running"
    return sport


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and value > 0 else None


_GPX_NS = "{http://www.garmin.com/xmlschemas/TrackPointExtension/v1}"
GPX_RUNNING = ("run", "running", "trail", "jog", "9")  # Strava writes type 9 for runs


def _gpx(payload: bytes) -> ParsedActivity:
    gpx = gpxpy.parse(payload.decode("utf-8-sig", errors="replace"))
    start, end = gpx.get_time_bounds()
    distance = gpx.length_3d() or gpx.length_2d()
    if start is None or end is None or not distance:
        raise _no_activity()
    moving = gpx.get_moving_data()
    rates = [hr for point in _points(gpx) if (hr := _gpx_hr(point)) is not None]
    uphill = gpx.get_uphill_downhill().uphill
    kind = " ".join(t.type or "" for t in gpx.tracks).lower()
    sport = "running" if not kind.strip() or any(w in kind for w in GPX_RUNNING) else kind.strip()
    return ParsedActivity(
        fingerprint=_fingerprint(payload),
        start_utc=_utc(start),
        distance_m=float(distance),
        duration_s=(end - start).total_seconds(),
        moving_s=float(moving.moving_time) if moving and moving.moving_time else None,
        sport=sport,
        avg_hr=sum(rates) / len(rates) if rates else None,
        max_hr=float(max(rates)) if rates else None,
        elevation_gain_m=float(uphill) if uphill else None,
        summary={"format": "gpx", "name": gpx.tracks[0].name if gpx.tracks else None},
    )


def _points(gpx: gpxpy.gpx.GPX) -> list[gpxpy.gpx.GPXTrackPoint]:
    return [p for t in gpx.tracks for s in t.segments for p in s.points]


def _gpx_hr(point: gpxpy.gpx.GPXTrackPoint) -> float | None:
    for extension in point.extensions:
        for element in extension.iter():
            if element.tag.endswith("hr") and element.text and element.text.strip().isdigit():
                return float(element.text)
    return None


_TCX = "{http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2}"


def _tcx(payload: bytes) -> ParsedActivity:
    root = ET.fromstring(payload)
    activity = root.find(f".//{_TCX}Activity")
    if activity is None:
        raise _no_activity()
    laps = activity.findall(f"{_TCX}Lap")
    moving = sum(float(lap.findtext(f"{_TCX}TotalTimeSeconds") or 0) for lap in laps)
    with tempfile.NamedTemporaryFile(suffix=".tcx") as handle:
        Path(handle.name).write_bytes(payload)
        exercise = TCXReader().read(handle.name, only_gps=False)
    lap_distance = sum(float(lap.findtext(f"{_TCX}DistanceMeters") or 0) for lap in laps)
    distance = float(exercise.distance or lap_distance or 0)
    if exercise.start_time is None or (not exercise.duration and not moving):
        raise _no_activity()
    sport = (activity.get("Sport") or "running").lower()
    return ParsedActivity(
        fingerprint=_fingerprint(payload),
        start_utc=_utc(exercise.start_time),
        distance_m=distance,
        duration_s=float(exercise.duration or moving),
        moving_s=moving or None,
        sport="running" if sport == "running" else sport,
        avg_hr=_number(exercise.hr_avg),
        max_hr=_number(exercise.hr_max),
        elevation_gain_m=_number(exercise.ascent),
        summary={"format": "tcx", "laps": len(laps)},
    )
