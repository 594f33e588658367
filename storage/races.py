"""The public race catalogue: one row per race (name, date, distance), reused by every runner."""

import re
import sqlite3
import unicodedata
from datetime import date

from core.models import Race
from storage import rows
from storage.base import SqlRepository
from storage.sqlite import fetch_all, fetch_one


def race_key(name: str) -> str:
    """Names that differ only in case, spaces or punctuation are the same race, in any script
    (“Киевский марафон” keeps its letters)."""
    return re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", name).casefold()).strip()


class SqlRaces(SqlRepository):
    async def save_race(self, race: Race) -> Race:
        return store_race(self.conn, race)

    async def find_races(self, text: str, on_or_after: date, limit: int = 5) -> list[Race]:
        key = race_key(text)
        if not key:  # '%%' would match every race
            return []
        found = fetch_all(
            self.conn,
            """SELECT * FROM races WHERE race_key LIKE ? AND race_date >= ?
               ORDER BY race_date, race_name LIMIT ?""",
            (f"%{key}%", on_or_after.isoformat(), limit),
        )
        return [rows.race(row) for row in found]


def store_race(conn: sqlite3.Connection, race: Race) -> Race:
    """The catalogue's row for ``race``: added unless the same race is already there."""
    key, distance = race_key(race.race_name), round(race.distance_m, 1)
    conn.execute(
        """INSERT INTO races (race_name, race_key, race_type, race_date, location, distance_m,
                              registration_url, description, course_profile,
                              created_by_athlete_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (race_key, race_date, distance_m) DO NOTHING""",
        (
            race.race_name,
            key,
            race.race_type.value,
            race.race_date.isoformat(),
            race.location,
            distance,
            race.registration_url,
            race.description,
            race.course_profile,
            race.created_by_athlete_id,
        ),
    )
    row = fetch_one(
        conn,
        "SELECT * FROM races WHERE race_key = ? AND race_date = ? AND distance_m = ?",
        (key, race.race_date.isoformat(), distance),
    )
    assert row is not None
    return rows.race(row)
