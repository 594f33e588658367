"""Every row of one database into another, empty one: how a SQLite install moves to
PostgreSQL (``gofast migrate --from sqlite:///…``). Both must be at the same schema version."""

from typing import Any

from core.errors import InvalidInput
from storage import open_database
from storage.postgres import is_postgres_url

# parents before children, so every foreign key finds its row
TABLES = (
    "athletes",
    "races",
    "training_plans",
    "training_days_planned",
    "training_plan_executions",
    "athlete_activities",
    "adaptive_5k_snapshots",
    "push_log",
    "bot_state",
    "garmin_accounts",
    "plan_revisions",
    "skipped_days",
    "training_days_executed",
    "inbox",
    "update_effects",
)
# tables whose ``id`` PostgreSQL numbers itself
GENERATED_IDS = tuple(
    t
    for t in TABLES
    if t not in {"bot_state", "garmin_accounts", "skipped_days", "inbox", "update_effects"}
)
Rows = dict[str, tuple[list[str], list[tuple[Any, ...]]]]


async def copy_database(source_url: str, target_url: str) -> dict[str, int]:
    """Rows copied per table, in one transaction on the target: all of them or none."""
    async with open_database(source_url) as source, open_database(target_url) as target:
        versions = (await source.schema_version(), await target.schema_version())
        if versions[0] != versions[1]:
            raise InvalidInput("copy_versions_differ", source=versions[0], target=versions[1])
        rows = await source.read_long(_read_all)
        postgres = is_postgres_url(target_url)
        await target.write(lambda conn: _write_all(conn, rows, postgres=postgres))
        copied = await target.read_long(_counts)
    expected = {table: len(found) for table, (_, found) in rows.items()}
    if copied != expected:  # a trigger or constraint ate a row: say so, loudly
        raise RuntimeError(f"copy incomplete: expected {expected}, found {copied}")
    return copied


def _read_all(conn: Any) -> Rows:
    found: Rows = {}
    for table in TABLES:
        cursor = conn.execute(f"SELECT * FROM {table}")
        columns = [column[0] for column in cursor.description]
        found[table] = (columns, [tuple(row) for row in cursor.fetchall()])
    return found


def _write_all(conn: Any, rows: Rows, *, postgres: bool) -> None:
    if conn.execute("SELECT 1 FROM athletes LIMIT 1").fetchone() is not None:
        raise InvalidInput("copy_target_not_empty")
    for table, (columns, values) in rows.items():
        if values:
            marks = ", ".join("?" for _ in columns)
            conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", values)
    # the planned days' triggers bumped the plans' cache versions: put the source's back
    plans_columns, plans = rows["training_plans"]
    at = plans_columns.index("days_version"), plans_columns.index("id")
    conn.executemany(
        "UPDATE training_plans SET days_version = ? WHERE id = ?",
        [(plan[at[0]], plan[at[1]]) for plan in plans],
    )
    if postgres:  # new rows' ids continue after the copied ones
        for table in GENERATED_IDS:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )


def _counts(conn: Any) -> dict[str, int]:
    return {t: int(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in TABLES}
