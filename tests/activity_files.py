"""Build real FIT, GPX and TCX files with known values for the tests."""

from datetime import UTC, datetime, timedelta

from garmin_fit_sdk import Encoder, Profile

MESG = Profile["mesg_num"]


def _activity_encoder(start: datetime) -> Encoder:
    return _file_encoder("activity", start)


def _file_encoder(kind: str, start: datetime) -> Encoder:
    """A FIT encoder with its file id written: an activity, settings, a workout…"""
    encoder = Encoder()
    encoder.write_mesg(
        {
            "mesg_num": MESG["FILE_ID"],
            "type": kind,
            "manufacturer": "garmin",
            "product": 1,
            "time_created": start,
            "serial_number": 1234,
        }
    )
    return encoder


def fit_file(
    start: datetime,
    distance_m: float,
    moving_s: float,
    *,
    sport: str = "running",
    sub_sport: str = "generic",
    elapsed_s: float | None = None,
    avg_hr: int = 150,
) -> bytes:
    encoder = _activity_encoder(start)
    end = start + timedelta(seconds=elapsed_s or moving_s)
    for second in range(0, int(moving_s), 60):
        encoder.write_mesg(
            {
                "mesg_num": MESG["RECORD"],
                "timestamp": start + timedelta(seconds=second),
                "distance": distance_m * second / moving_s,
                "heart_rate": avg_hr,
            }
        )
    encoder.write_mesg(
        {
            "mesg_num": MESG["LAP"],
            "timestamp": end,
            "start_time": start,
            "total_elapsed_time": elapsed_s or moving_s,
            "total_timer_time": moving_s,
            "total_distance": distance_m,
        }
    )
    encoder.write_mesg(
        {
            "mesg_num": MESG["SESSION"],
            "timestamp": end,
            "start_time": start,
            "total_elapsed_time": elapsed_s or moving_s,
            "total_timer_time": moving_s,
            "total_distance": distance_m,
            "sport": sport,
            "sub_sport": sub_sport,
            "avg_heart_rate": avg_hr,
            "max_heart_rate": avg_hr + 20,
            "total_ascent": 42,
            "first_lap_index": 0,
            "num_laps": 1,
        }
    )
    encoder.write_mesg(
        {
            "mesg_num": MESG["ACTIVITY"],
            "timestamp": end,
            "num_sessions": 1,
            "total_timer_time": moving_s,
            "type": "manual",
        }
    )
    return encoder.close()


def _track(start: datetime, distance_m: float, seconds: float, points: int = 60):
    """Points due north from (52.5, 13.4): metres per degree of latitude ≈ 111 195."""
    for i in range(points + 1):
        yield (
            52.5 + distance_m * i / points / 111_195,
            13.4,
            start + timedelta(seconds=seconds * i / points),
        )


def gpx_file(start: datetime, distance_m: float, seconds: float, kind: str = "running") -> bytes:
    points = "".join(
        f'<trkpt lat="{lat:.7f}" lon="{lon}"><ele>35</ele><time>{t:%Y-%m-%dT%H:%M:%SZ}</time>'
        "<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>148</gpxtpx:hr>"
        "</gpxtpx:TrackPointExtension></extensions></trkpt>"
        for lat, lon, t in _track(start, distance_m, seconds)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<gpx version="1.1" creator="tests" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk><name>Morning Run</name><type>{kind}</type><trkseg>{points}</trkseg></trk></gpx>"
    ).encode()


def tcx_file(
    start: datetime, distance_m: float, moving_s: float, pause_s: float = 0, sport: str = "Running"
) -> bytes:
    points = "".join(
        f"<Trackpoint><Time>{t:%Y-%m-%dT%H:%M:%SZ}</Time>"
        f"<Position><LatitudeDegrees>{lat:.7f}</LatitudeDegrees>"
        f"<LongitudeDegrees>{lon}</LongitudeDegrees></Position>"
        f"<DistanceMeters>{distance_m * i / 60:.1f}</DistanceMeters>"
        "<HeartRateBpm><Value>152</Value></HeartRateBpm></Trackpoint>"
        for i, (lat, lon, t) in enumerate(_track(start, distance_m, moving_s + pause_s))
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f'<Activities><Activity Sport="{sport}"><Id>{start:%Y-%m-%dT%H:%M:%SZ}</Id>'
        f'<Lap StartTime="{start:%Y-%m-%dT%H:%M:%SZ}">'
        f"<TotalTimeSeconds>{moving_s}</TotalTimeSeconds>"
        f"<DistanceMeters>{distance_m}</DistanceMeters><Calories>500</Calories>"
        "<Intensity>Active</Intensity><TriggerMethod>Manual</TriggerMethod>"
        f"<Track>{points}</Track></Lap></Activity></Activities></TrainingCenterDatabase>"
    ).encode()


MORNING = datetime(2026, 12, 2, 6, 30, tzinfo=UTC)


def _lap_points(start: datetime, laps: list[tuple[float, float]], every_s: float = 5.0):
    """(cumulative metres, moment, lap index) every ``every_s`` seconds, constant speed per lap."""
    covered, clock = 0.0, 0.0
    for index, (metres, seconds) in enumerate(laps):
        ticks = max(1, int(seconds // every_s))
        for i in range(ticks):
            yield (
                covered + metres * i / ticks,
                start + timedelta(seconds=clock + seconds * i / ticks),
                index,
            )
        covered, clock = covered + metres, clock + seconds
    yield covered, start + timedelta(seconds=clock), len(laps) - 1


def fit_with_laps(
    start: datetime, laps: list[tuple[float, float]], sub_sport: str = "generic"
) -> bytes:
    """A FIT run whose watch recorded one lap per (metres, seconds), records every 5 s."""
    encoder = _activity_encoder(start)
    for metres, moment, _ in _lap_points(start, laps):
        encoder.write_mesg({"mesg_num": MESG["RECORD"], "timestamp": moment, "distance": metres})
    clock = start
    for metres, seconds in laps:
        end = clock + timedelta(seconds=seconds)
        encoder.write_mesg(
            {
                "mesg_num": MESG["LAP"],
                "timestamp": end,
                "start_time": clock,
                "total_elapsed_time": seconds,
                "total_timer_time": seconds,
                "total_distance": metres,
            }
        )
        clock = end
    total_m, total_s = sum(m for m, _ in laps), sum(s for _, s in laps)
    encoder.write_mesg(
        {
            "mesg_num": MESG["SESSION"],
            "timestamp": clock,
            "start_time": start,
            "total_elapsed_time": total_s,
            "total_timer_time": total_s,
            "total_distance": total_m,
            "sport": "running",
            "sub_sport": sub_sport,
            "first_lap_index": 0,
            "num_laps": len(laps),
        }
    )
    encoder.write_mesg(
        {
            "mesg_num": MESG["ACTIVITY"],
            "timestamp": clock,
            "num_sessions": 1,
            "total_timer_time": total_s,
            "type": "manual",
        }
    )
    return encoder.close()


def tcx_with_laps(start: datetime, laps: list[tuple[float, float]]) -> bytes:
    """A TCX run with one <Lap> per (metres, seconds), trackpoints every 5 s."""
    points: dict[int, list[str]] = {}
    for metres, moment, index in _lap_points(start, laps):
        lat = 52.5 + metres / 111_195
        points.setdefault(index, []).append(
            f"<Trackpoint><Time>{moment:%Y-%m-%dT%H:%M:%S.%f}Z</Time>"
            f"<Position><LatitudeDegrees>{lat:.7f}</LatitudeDegrees>"
            "<LongitudeDegrees>13.4</LongitudeDegrees></Position>"
            f"<DistanceMeters>{metres:.1f}</DistanceMeters></Trackpoint>"
        )
    clock, body = start, []
    for index, (metres, seconds) in enumerate(laps):
        body.append(
            f'<Lap StartTime="{clock:%Y-%m-%dT%H:%M:%SZ}">'
            f"<TotalTimeSeconds>{seconds}</TotalTimeSeconds><DistanceMeters>{metres}</DistanceMeters>"
            "<Calories>50</Calories><Intensity>Active</Intensity><TriggerMethod>Manual</TriggerMethod>"
            f"<Track>{''.join(points.get(index, []))}</Track></Lap>"
        )
        clock += timedelta(seconds=seconds)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f'<Activities><Activity Sport="Running"><Id>{start:%Y-%m-%dT%H:%M:%SZ}</Id>'
        f"{''.join(body)}</Activity></Activities></TrainingCenterDatabase>"
    ).encode()


def fit_multisport(start: datetime, legs: list[tuple[str, float, float]]) -> bytes:
    """A multisport FIT (a triathlon, a brick): one session per leg of (sport, metres,
    seconds), one after the other, records across all of them."""
    encoder = _activity_encoder(start)
    moment, covered = start, 0.0
    for sport, metres, seconds in legs:
        end = moment + timedelta(seconds=seconds)
        for second in range(0, int(seconds), 60):
            encoder.write_mesg(
                {
                    "mesg_num": MESG["RECORD"],
                    "timestamp": moment + timedelta(seconds=second),
                    "distance": covered + metres * second / seconds,
                }
            )
        encoder.write_mesg(
            {
                "mesg_num": MESG["SESSION"],
                "timestamp": end,
                "start_time": moment,
                "total_elapsed_time": seconds,
                "total_timer_time": seconds,
                "total_distance": metres,
                "sport": sport,
            }
        )
        moment, covered = end, covered + metres
    return encoder.close()


def fit_without_session_distance(start: datetime, distance_m: float, seconds: float) -> bytes:
    """A FIT whose session has a time but no distance; the records hold it (a Suunto Ambit)."""
    encoder = _activity_encoder(start)
    for second in range(0, int(seconds) + 1, 10):
        encoder.write_mesg(
            {
                "mesg_num": MESG["RECORD"],
                "timestamp": start + timedelta(seconds=second),
                "distance": distance_m * second / seconds,
            }
        )
    encoder.write_mesg(
        {
            "mesg_num": MESG["SESSION"],
            "timestamp": start + timedelta(seconds=seconds),
            "start_time": start,
            "total_elapsed_time": seconds,
            "total_timer_time": seconds,
            "sport": "running",
        }
    )
    return encoder.close()


def fit_of_type(kind: str, start: datetime) -> bytes:
    """A FIT file that is no activity: settings, a workout, monitoring…"""
    return _file_encoder(kind, start).close()


def gpx_named(
    start: datetime,
    distance_m: float,
    seconds: float,
    *,
    creator: str = "tests",
    name: str = "Morning Run",
    kind: str = "",
    climb_m: float = 0,
) -> bytes:
    """A GPX with the signals other apps write: its creator, the track's name and type; each
    point ``climb_m`` up or down from the one before (a hilly track)."""
    points = "".join(
        f'<trkpt lat="{lat:.7f}" lon="{lon}"><ele>{100 + climb_m * (i % 2)}</ele>'
        f"<time>{t:%Y-%m-%dT%H:%M:%SZ}</time></trkpt>"
        for i, (lat, lon, t) in enumerate(_track(start, distance_m, seconds))
    )
    kind_tag = f"<type>{kind}</type>" if kind else ""
    return (
        "\n  \n"  # blank lines before the declaration, as some apps write them
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<gpx version="1.1" creator="{creator}" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><name>{name}</name>{kind_tag}<trkseg>{points}</trkseg></trk></gpx>"
    ).encode()


def _tcx_lap(start: datetime, metres: float, seconds: float, points: bool, covered: float) -> str:
    track = ""
    if points:
        track = (
            "<Track>"
            + "".join(
                f"<Trackpoint><Time>{t:%Y-%m-%dT%H:%M:%SZ}</Time>"
                f"<DistanceMeters>{covered + metres * i / 60:.1f}</DistanceMeters></Trackpoint>"
                for i, (_, _, t) in enumerate(_track(start, metres, seconds))
            )
            + "</Track>"
        )
    return (
        f'<Lap StartTime="{start:%Y-%m-%dT%H:%M:%SZ}">'
        f"<TotalTimeSeconds>{seconds}</TotalTimeSeconds>"
        f"<DistanceMeters>{metres}</DistanceMeters>{track}</Lap>"
    )


def _tcx_activity(sport: str, start: datetime, metres: float, seconds: float, points: bool) -> str:
    lap = _tcx_lap(start, metres, seconds, points, 0.0)
    return f'<Activity Sport="{sport}"><Id>{start:%Y-%m-%dT%H:%M:%SZ}</Id>{lap}</Activity>'


def tcx_laps(start: datetime, laps: list[tuple[float, float, bool]]) -> bytes:
    """One run of laps (metres, seconds, with trackpoints?), one after the other."""
    body, moment, covered = "", start, 0.0
    for metres, seconds, points in laps:
        body += _tcx_lap(moment, metres, seconds, points, covered)
        moment, covered = moment + timedelta(seconds=seconds), covered + metres
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f'<Activities><Activity Sport="Running"><Id>{start:%Y-%m-%dT%H:%M:%SZ}</Id>{body}'
        "</Activity></Activities></TrainingCenterDatabase>"
    ).encode()


def tcx_activities(
    legs: list[tuple[str, datetime, float, float, bool]], *, multisport: bool
) -> bytes:
    """A TCX of several activities (sport, start, metres, seconds, with points?): the legs of
    a multisport session, or separate activities (an export of several days)."""
    body = "".join(_tcx_activity(*leg) for leg in legs)
    if multisport:
        first, *rest = [_tcx_activity(*leg) for leg in legs]
        body = (
            f"<MultiSportSession><Id>{legs[0][1]:%Y-%m-%dT%H:%M:%SZ}</Id>"
            f"<FirstSport>{first}</FirstSport>"
            + "".join(f"<NextSport>{leg}</NextSport>" for leg in rest)
            + "</MultiSportSession>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f"<Activities>{body}</Activities></TrainingCenterDatabase>"
    ).encode()
