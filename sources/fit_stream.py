"""A streaming FIT reader for big files: only what the coach reads, unpacked with ``struct``.

fitdecode decodes every field of every message (a 2.3 MB file of 100,000 records: 5.6 s of CPU;
Garmin's SDK decoder 1.6 s). The coach needs the file's type, its sessions and laps, and each
record's timestamp and distance. Here a definition message compiles one ``struct`` format that
unpacks those fields and steps over the rest, so a record costs one ``unpack_from``. Field and
type numbers are the FIT profile's (Garmin's SDK ``Profile``). The file's CRC is not checked (a
CRC over megabytes in Python costs what this saves); every read is bounds-checked instead, and a
file that breaks its own structure is damaged (``ValueError``).
"""

import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from garmin_fit_sdk import Profile

FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
FILE_ID, SESSION, LAP, RECORD = 0, 18, 19, 20
TIMESTAMP = 253
# what is read of each message: field number → (name, how: "time", "enum:<type>", or a scale)
WANTED: dict[int, dict[int, tuple[str, str | float]]] = {
    FILE_ID: {0: ("type", "enum:file")},
    SESSION: {
        2: ("start_time", "time"),
        5: ("sport", "enum:sport"),
        6: ("sub_sport", "enum:sub_sport"),
        7: ("total_elapsed_time", 1000),
        8: ("total_timer_time", 1000),
        9: ("total_distance", 100),
        16: ("avg_heart_rate", 1),
        17: ("max_heart_rate", 1),
        22: ("total_ascent", 1),
    },
    LAP: {
        2: ("start_time", "time"),
        7: ("total_elapsed_time", 1000),
        8: ("total_timer_time", 1000),
        9: ("total_distance", 100),
    },
    RECORD: {TIMESTAMP: ("timestamp", "time"), 5: ("distance", 100)},
}
# base type number → (struct code, size, invalid value)
BASE = {
    0: ("B", 1, 0xFF),
    1: ("b", 1, 0x7F),
    2: ("B", 1, 0xFF),
    3: ("h", 2, 0x7FFF),
    4: ("H", 2, 0xFFFF),
    5: ("i", 4, 0x7FFFFFFF),
    6: ("I", 4, 0xFFFFFFFF),
    8: ("f", 4, None),
    9: ("d", 8, None),
    10: ("B", 1, 0),
    11: ("H", 2, 0),
    12: ("I", 4, 0),
    14: ("q", 8, 0x7FFFFFFFFFFFFFFF),
    15: ("Q", 8, 0xFFFFFFFFFFFFFFFF),
    16: ("Q", 8, 0),
}


@dataclass
class FitContent:
    file_type: str | None = None
    sessions: list[dict[str, Any]] = field(default_factory=list)
    laps: list[dict[str, Any]] = field(default_factory=list)
    track: list[tuple[float, datetime]] = field(default_factory=list)


@dataclass(frozen=True)
class _Definition:
    number: int
    layout: struct.Struct
    names: tuple[tuple[str, str | float, Any], ...]  # per unpacked value: name, how, invalid
    timestamp_at: int | None  # index of field 253 among the unpacked values


def read_fit(payload: bytes) -> FitContent:
    content, at = FitContent(), 0
    while at < len(payload):  # FIT files may be chained: one after the other
        at = _read_one(payload, at, content)
    return content


def _read_one(data: bytes, at: int, content: FitContent) -> int:
    header = data[at]
    if header not in (12, 14) or data[at + 8 : at + 12] != b".FIT":
        raise ValueError("not a FIT header")
    (size,) = struct.unpack_from("<I", data, at + 4)
    position, end = at + header, at + header + size
    if end + 2 > len(data):
        raise ValueError("truncated")
    definitions: dict[int, _Definition] = {}
    last_time = 0
    while position < end:
        record_header = data[position]
        position += 1
        if record_header & 0x80:  # compressed timestamp: a data message with a time offset
            local, offset = (record_header >> 5) & 0x3, record_header & 0x1F
            last_time = (last_time & ~0x1F) + offset + (0x20 if offset < (last_time & 0x1F) else 0)
            position, _ = _data(data, position, definitions[local], content, last_time)
        elif record_header & 0x40:
            local = record_header & 0x0F
            definitions[local], position = _definition(data, position, record_header & 0x20)
        else:
            definition = definitions[record_header & 0x0F]
            position, stamp = _data(data, position, definition, content, None)
            if stamp is not None:  # what a compressed timestamp counts from
                last_time = stamp
        if position > end:
            raise ValueError("a message runs past the end")
    return end + 2  # the file's CRC


def _definition(data: bytes, at: int, developer: int) -> tuple[_Definition, int]:
    endian = "<" if data[at + 1] == 0 else ">"
    (number,) = struct.unpack_from(endian + "H", data, at + 2)
    count = data[at + 4]
    at += 5
    wanted = WANTED.get(number, {})
    codes: list[str] = []
    names: list[tuple[str, str | float, Any]] = []
    timestamp_at: int | None = None
    for i in range(count):
        field_number, size, base = data[at + 3 * i], data[at + 3 * i + 1], data[at + 3 * i + 2]
        code, base_size, invalid = BASE.get(base & 0x1F, ("", 0, None))
        read = field_number in wanted or field_number == TIMESTAMP
        if read and code and size == base_size:
            if field_number == TIMESTAMP:
                timestamp_at = len(names)
            name, how = wanted.get(field_number, ("timestamp", "time"))
            codes.append(code)
            names.append((name, how, invalid))
        else:
            codes.append(f"{size}x")
    at += 3 * count
    if developer:
        dev_count = data[at]
        codes += [f"{data[at + 1 + 3 * i + 1]}x" for i in range(dev_count)]
        at += 1 + 3 * dev_count
    layout = struct.Struct(endian + "".join(codes))
    return _Definition(number, layout, tuple(names), timestamp_at), at


def _data(
    data: bytes, at: int, definition: _Definition, content: FitContent, compressed: int | None
) -> tuple[int, int | None]:
    """Read one data message; where the next one starts, and its full timestamp if it has one."""
    number, layout = definition.number, definition.layout
    if number not in WANTED and definition.timestamp_at is None:
        return at + layout.size, None
    values = layout.unpack_from(data, at)
    if number == RECORD:
        _record(definition, values, content, compressed)
    elif number in WANTED:
        message = _message(definition, values, compressed)
        if number == SESSION:
            content.sessions.append(message)
        elif number == LAP:
            content.laps.append(message)
        else:
            content.file_type = message.get("type")
    stamp = None if definition.timestamp_at is None else values[definition.timestamp_at]
    return at + layout.size, None if stamp in (None, 0xFFFFFFFF) else int(stamp)


def _record(
    definition: _Definition, values: tuple[Any, ...], content: FitContent, compressed: int | None
) -> None:
    distance, moment = None, compressed
    for (name, _, invalid), value in zip(definition.names, values, strict=True):
        if value == invalid:
            continue
        if name == "distance":
            distance = value / 100
        elif name == "timestamp":
            moment = value
    if distance is not None and moment is not None:
        content.track.append((float(distance), FIT_EPOCH + timedelta(seconds=moment)))


def _message(
    definition: _Definition, values: tuple[Any, ...], compressed: int | None
) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if compressed is not None:
        found["timestamp"] = FIT_EPOCH + timedelta(seconds=compressed)
    for (name, how, invalid), value in zip(definition.names, values, strict=True):
        if value == invalid:
            continue
        if how == "time":
            found[name] = FIT_EPOCH + timedelta(seconds=value)
        elif isinstance(how, str) and how.startswith("enum:"):
            found[name] = Profile["types"][how[5:]].get(value, str(value))
        else:
            found[name] = value / float(how)
    return found
