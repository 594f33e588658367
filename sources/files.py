"""FIT, GPX and TCX files (optionally gzip-compressed) → one normalised activity summary.

A thin normaliser over fitdecode and gpxpy (TCX is plain XML: read with ElementTree, every
``<Activity>`` wherever a multisport session puts it): every failure becomes a
:class:`core.errors.InvalidInput` with a code the bot's templates word for the runner. The
sport comes from every signal a file has (:mod:`core.sports`).
"""

import gzip
import hashlib
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import fitdecode
import gpxpy
import gpxpy.gpx

from core.errors import InvalidInput
from core.models import RUNNING_SPORTS, ActivitySource, AthleteActivity
from core.sports import sport_of
from sources.fit_stream import FitContent, read_fit

MAX_FILE_BYTES = 20 * 1024 * 1024  # what a Telegram bot may download
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a gzip bomb stops here
# 48 hours recorded every second, more than any run; a longer track is not one activity
MAX_POINTS = 48 * 3600
MAX_FIT_FRAMES = 4 * MAX_POINTS  # records plus laps, events, device info…
SUPPORTED = (".fit", ".gpx", ".tcx")
POINT_TAGS = {".gpx": b"<trkpt", ".tcx": b"<Trackpoint"}


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

    def activity(self, local_date: date, **summary: Any) -> AthleteActivity:
        """The run as the engine stores it, on the runner's ``local_date``."""
        return AthleteActivity(
            source=ActivitySource.FILE,
            external_id=self.fingerprint,
            start_utc=self.start_utc,
            local_date=local_date,
            distance_m=self.distance_m,
            duration_s=self.duration_s,
            moving_s=self.moving_s,
            avg_hr=self.avg_hr,
            max_hr=self.max_hr,
            elevation_gain_m=self.elevation_gain_m,
            sport=self.sport,
            summary=self.summary | summary,
        )


def file_kind(name: str) -> str | None:
    """``.fit``/``.gpx``/``.tcx`` of a file name (``.gz`` stripped), or None."""
    lowered = name.lower().removesuffix(".gz")
    return next((ext for ext in SUPPORTED if lowered.endswith(ext)), None)


def check_file(name: str, size: int) -> str:
    """The file's kind, or a clear refusal before anything is downloaded or parsed."""
    kind = file_kind(name)
    if kind is None:
        raise InvalidInput("file_kind_unknown")
    if size > MAX_FILE_BYTES:
        raise InvalidInput("file_too_big", limit=MAX_FILE_BYTES)
    return kind


def parse_activity_file(name: str, data: bytes) -> ParsedActivity:
    """The file's activity (of a file of several, the first)."""
    return parse_activity_files(name, data)[0]


def parse_activity_files(name: str, data: bytes) -> list[ParsedActivity]:
    """The file's activities: one, or each of a TCX export of several days, in order."""
    kind = check_file(name, len(data))
    payload = _gunzip(data) if name.lower().endswith(".gz") or data[:2] == b"\x1f\x8b" else data
    if not payload.strip():
        raise InvalidInput("file_empty")
    _check_points(kind, payload)
    if kind != ".fit":  # some apps write blank lines before the XML declaration
        payload = payload.lstrip(b" \t\r\n")
    try:
        found = _tcx(payload) if kind == ".tcx" else [{".fit": _fit, ".gpx": _gpx}[kind](payload)]
    except (InvalidInput, MemoryError):
        raise
    except Exception as error:  # parsers raise anything on corrupt input; one sentence will do
        if _out_of_memory(error):  # gpxpy wraps the MemoryError of a huge file
            raise MemoryError from None
        raise InvalidInput("file_damaged", kind=kind) from None
    for parsed in found:
        if not MIN_START <= parsed.start_utc <= MAX_START:
            raise InvalidInput("file_clock_off", year=parsed.start_utc.year)
    return found


MIN_START = datetime(1970, 1, 1, tzinfo=UTC)
MAX_START = datetime(2100, 1, 1, tzinfo=UTC)  # later dates overflow once moved to a time zone


def _too_long() -> InvalidInput:
    return InvalidInput("file_too_long")


def _check_points(kind: str, payload: bytes) -> None:
    """Count track points before building them: a 1-million-point GPX takes a parser 20 s
    and over a gigabyte."""
    tag = POINT_TAGS.get(kind)
    if tag is not None and payload.count(tag) > MAX_POINTS:
        raise _too_long()


def _out_of_memory(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, MemoryError):
            return True
        error = error.__cause__ or error.__context__
    return False


def _gunzip(data: bytes) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as archive:
            unpacked = archive.read(MAX_UNPACKED_BYTES + 1)
    except (OSError, EOFError):
        raise InvalidInput("file_gzip_damaged") from None
    if len(unpacked) > MAX_UNPACKED_BYTES:
        raise InvalidInput("file_unpacks_too_big", limit=MAX_UNPACKED_BYTES)
    return unpacked


def _fingerprint(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _no_activity() -> InvalidInput:
    return InvalidInput("file_no_activity")


NOT_ACTIVITIES = {  # FIT file types that hold no activity, in words
    "settings": "watch settings",
    "sport": "sport settings",
    "workout": "a planned workout",
    "course": "a course",
    "schedules": "a training schedule",
    "weight": "weight data",
    "totals": "totals",
    "goals": "goals",
    "blood_pressure": "blood pressure data",
    "monitoring_a": "all-day monitoring",
    "monitoring_b": "all-day monitoring",
    "monitoring_daily": "all-day monitoring",
    "activity_summary": "an activity summary",
    "segment": "a segment",
    "device": "device data",
}


BIG_FIT_BYTES = 512 * 1024  # from here on the streaming reader (sources.fit_stream)


def fit_content(payload: bytes) -> FitContent:
    """A FIT file's type, sessions, laps and track: fitdecode (every field, the CRC checked)
    for the usual run; the streaming reader for a big file (a 3 MB Ironman: 5–6 s of CPU in
    fitdecode, a fraction of a second there)."""
    if len(payload) > BIG_FIT_BYTES:
        return read_fit(payload)
    content = FitContent()
    with fitdecode.FitReader(
        io.BytesIO(payload),
        check_crc=fitdecode.CrcCheck.RAISE,
        error_handling=fitdecode.ErrorHandling.RAISE,
    ) as reader:
        for count, frame in enumerate(reader):
            if count > MAX_FIT_FRAMES:
                raise _too_long()
            if not isinstance(frame, fitdecode.FitDataMessage):
                continue
            if frame.name == "record":
                _fit_point(frame, content.track)
            elif frame.name == "file_id" and frame.has_field("type"):
                content.file_type = str(frame.get_value("type"))
                if content.file_type in NOT_ACTIVITIES:  # nothing more to read
                    return content
            elif frame.name in ("session", "lap"):
                values = {f.name: f.value for f in frame.fields}
                (content.sessions if frame.name == "session" else content.laps).append(values)
    return content


def _fit(payload: bytes) -> ParsedActivity:
    content = fit_content(payload)
    if content.file_type in NOT_ACTIVITIES:  # say what it is
        raise InvalidInput("file_not_activity", holds=NOT_ACTIVITIES[content.file_type])
    if len(content.track) > MAX_POINTS:
        raise _too_long()
    sessions, laps, track = content.sessions, content.laps, content.track
    sessions = [s for s in sessions if s.get("start_time") is not None]
    if not sessions:
        raise _no_activity()
    # a multisport file (a triathlon, a brick): every running leg counts, as one run
    runs = [s for s in sessions if sport_of([_fit_sport(s)]) in RUNNING_SPORTS]
    legs = runs or sessions[:1]
    elapsed = sum(float(s.get("total_elapsed_time") or 0) for s in legs)
    moving = sum(float(s.get("total_timer_time") or 0) for s in legs)
    distance = sum(float(s.get("total_distance") or 0) for s in legs)
    if not distance and len(sessions) == 1 and track:  # some watches leave it to the records
        distance = max(metres for metres, _ in track)
    if elapsed <= 0 and not moving:
        raise _no_activity()
    main = legs[0]
    return ParsedActivity(
        fingerprint=_fingerprint(payload),
        start_utc=_utc(main["start_time"]),
        distance_m=distance,
        duration_s=elapsed or moving,
        moving_s=moving or None,
        sport=sport_of([_fit_sport(main)]),
        avg_hr=_number(main.get("avg_heart_rate")),
        max_hr=_number(main.get("max_heart_rate")),
        elevation_gain_m=_number(sum(float(s.get("total_ascent") or 0) for s in legs)),
        summary={
            "format": "fit",
            "sessions": len(sessions),
            "running_legs": len(runs),
            "laps": _laps((lap.get("total_distance"), lap.get("total_timer_time")) for lap in laps),
            "track": _sampled(track) if len(legs) == 1 else [],
        },
    )


def _fit_point(frame: fitdecode.FitDataMessage, track: list[tuple[float, datetime]]) -> None:
    if frame.has_field("distance") and frame.has_field("timestamp"):
        distance, moment = frame.get_value("distance"), frame.get_value("timestamp")
        if isinstance(distance, int | float) and isinstance(moment, datetime):
            track.append((float(distance), moment))


def _fit_sport(session: dict[str, Any]) -> str:
    sport, sub = str(session.get("sport") or "generic"), str(session.get("sub_sport") or "")
    if sport == "running" and sub in ("trail", "treadmill", "track", "street", "indoor_running"):
        return "indoor_running" if sub == "indoor_running" else f"{sub}_running"
    return sport


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and value > 0 else None


def _gpx(payload: bytes) -> ParsedActivity:
    gpx = gpxpy.parse(payload.decode("utf-8-sig", errors="replace"))
    times = [p.time for p in _points(gpx) if p.time is not None]
    # on the map, as watches, Strava and Garmin Connect measure it: the climb is kept apart
    distance = gpx.length_2d()
    if not times or not distance:
        raise _no_activity()
    # the first and last point, not the earliest and latest, are what get_time_bounds gives:
    # timestamps out of order would make a negative duration
    start, end = min(times), max(times)
    if end <= start:
        raise _no_activity()
    moving = gpx.get_moving_data()
    rates = [hr for point in _points(gpx) if (hr := _gpx_hr(point)) is not None]
    uphill = gpx.get_uphill_downhill().uphill
    names = [gpx.creator, gpx.name, *(t.name for t in gpx.tracks)]
    sport = sport_of([t.type for t in gpx.tracks], names)
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
        summary={
            "format": "gpx",
            "name": gpx.tracks[0].name if gpx.tracks else None,
            "track": _sampled(_gpx_track(gpx)),
        },
    )


def _gpx_track(gpx: gpxpy.gpx.GPX) -> list[tuple[float, datetime]]:
    track, covered, previous = [], 0.0, None
    for point in _points(gpx):
        if previous is not None:
            covered += point.distance_2d(previous) or 0.0
        previous = point
        if point.time is not None:
            track.append((covered, point.time))
    return track


def _points(gpx: gpxpy.gpx.GPX) -> list[gpxpy.gpx.GPXTrackPoint]:
    return [p for t in gpx.tracks for s in t.segments for p in s.points]


def _gpx_hr(point: gpxpy.gpx.GPXTrackPoint) -> float | None:
    for extension in point.extensions:
        for element in extension.iter():
            if element.tag.endswith("hr") and element.text and element.text.strip().isdigit():
                return float(element.text)
    return None


_TCX = "{http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2}"


@dataclass(frozen=True)
class _TcxActivity:
    """One ``<Activity>`` of a TCX file, read straight from the XML."""

    sport: str
    laps: list[tuple[datetime | None, float, float]]  # (start, seconds, metres)
    points: list[tuple[datetime, float | None, float | None, float | None]]  # time, m, hr, ele

    @property
    def start(self) -> datetime | None:
        moments = [lap[0] for lap in self.laps if lap[0]] + [p[0] for p in self.points[:1]]
        return min(moments, default=None)

    @property
    def end(self) -> datetime | None:
        """The last moment it covers: its last point, or a lap's end when laps have none."""
        ends = [start + timedelta(seconds=s) for start, s, _ in self.laps if start]
        return max(ends + [p[0] for p in self.points[-1:]], default=None)

    @property
    def distance_m(self) -> float:
        laps = sum(metres for *_, metres in self.laps)
        covered = max((p[1] for p in self.points if p[1] is not None), default=0.0)
        return laps or covered


def _tcx(payload: bytes) -> list[ParsedActivity]:
    """Every ``<Activity>``, wherever it is. A multisport session is one run: its running legs,
    their total. Otherwise each activity is one (an export of a week's runs), in order."""
    root = ET.fromstring(payload)
    activities = [_tcx_activity(a) for a in root.iter(f"{_TCX}Activity")]
    activities = [a for a in activities if a.start is not None and a.end is not None]
    if not activities:
        raise _no_activity()
    fingerprint = _fingerprint(payload)
    if root.find(f".//{_TCX}MultiSportSession") is not None:
        runs = [a for a in activities if a.sport in RUNNING_SPORTS]
        return [_tcx_parsed(runs or activities[:1], fingerprint, len(runs), 1, 1)]
    activities.sort(key=lambda a: a.start or MIN_START)
    count = len(activities)
    return [  # the first keeps the file's own id: the same file sent again is a repeat
        _tcx_parsed([a], fingerprint if i == 0 else f"{fingerprint}:{i + 1}", 1, i + 1, count)
        for i, a in enumerate(activities)
    ]


def _tcx_parsed(
    legs: list[_TcxActivity], fingerprint: str, running_legs: int, index: int, count: int
) -> ParsedActivity:
    first = legs[0]
    assert first.start is not None
    elapsed = sum((a.end - a.start).total_seconds() for a in legs if a.end and a.start)
    moving = sum(seconds for a in legs for _, seconds, _ in a.laps)
    if elapsed <= 0:
        elapsed = moving
    if elapsed <= 0:
        raise _no_activity()
    points = [p for a in legs for p in a.points]
    rates = [p[2] for p in points if p[2]]
    return ParsedActivity(
        fingerprint=fingerprint,
        start_utc=_utc(first.start),
        distance_m=sum(a.distance_m for a in legs),
        duration_s=elapsed,
        moving_s=moving or None,
        sport=first.sport,
        avg_hr=sum(rates) / len(rates) if rates else None,
        max_hr=max(rates) if rates else None,
        elevation_gain_m=_number(_climb(p[3] for p in points)),
        summary={
            "format": "tcx",
            "activities": count,
            "activity_number": index,
            "running_legs": running_legs,
            "laps": _laps((metres, seconds) for a in legs for _, seconds, metres in a.laps),
            "track": _sampled((p[1], p[0]) for p in points if p[1] is not None)
            if len(legs) == 1
            else [],
        },
    )


def _tcx_activity(activity: ET.Element) -> _TcxActivity:
    laps, points = [], []
    for lap in activity.iter(f"{_TCX}Lap"):
        laps.append(
            (
                _tcx_time(lap.get("StartTime")),
                _float(lap.findtext(f"{_TCX}TotalTimeSeconds")) or 0.0,
                _float(lap.findtext(f"{_TCX}DistanceMeters")) or 0.0,
            )
        )
        for point in lap.iter(f"{_TCX}Trackpoint"):
            moment = _tcx_time(point.findtext(f"{_TCX}Time"))
            if moment is not None:
                points.append(
                    (
                        moment,
                        _float(point.findtext(f"{_TCX}DistanceMeters")),
                        _float(point.findtext(f"{_TCX}HeartRateBpm/{_TCX}Value")),
                        _float(point.findtext(f"{_TCX}AltitudeMeters")),
                    )
                )
    points.sort(key=lambda p: p[0])  # out of order in some exports: time decides
    return _TcxActivity(sport_of([activity.get("Sport")]), laps, points)


def _tcx_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return _utc(datetime.fromisoformat(text.strip().replace("Z", "+00:00")))
    except ValueError:
        return None


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


CLIMB_NOISE_M = 2.0  # altitude steps below this are the barometer's noise, not a climb


def _climb(altitudes: Iterable[float | None]) -> float:
    """Metres climbed, small wobbles ignored."""
    climbed, low = 0.0, None
    for altitude in altitudes:
        if altitude is None:
            continue
        if low is None or altitude < low:
            low = altitude
        elif altitude - low >= CLIMB_NOISE_M:
            climbed += altitude - low
            low = altitude
    return climbed


# ---- laps and a compact track: what the analysis splits a run by ---------------------------

TRACK_STEP_M = 50.0  # one point per 50 m keeps a marathon's track under 1,000 points


def _laps(pairs: Iterable[tuple[Any, Any]]) -> list[list[float]]:
    """[[metres, seconds], …] of the laps that have both."""
    laps = []
    for distance, seconds in pairs:
        try:
            metres, time = float(distance), float(seconds)
        except (TypeError, ValueError):
            continue
        if metres > 0 and time > 0:
            laps.append([round(metres, 1), round(time, 1)])
    return laps


def _sampled(points: Iterable[tuple[float, datetime]]) -> list[list[float]]:
    """[[metres, seconds since start], …], one point per TRACK_STEP_M, in order."""
    sampled: list[list[float]] = []
    start: datetime | None = None
    for metres, moment in points:
        start = start or moment
        seconds = (moment - start).total_seconds()
        if not sampled or (metres >= sampled[-1][0] + TRACK_STEP_M and seconds > sampled[-1][1]):
            sampled.append([round(metres, 1), round(seconds, 1)])
    return sampled
