"""Garmin sync: which accounts are due, the window to read, back-off, and the import.

The feed (HTTP) is awaited between two units of work, never inside one: the account is read,
the runs fetched, then every new run is imported and the sync recorded in one transaction.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.errors import InvalidInput, NotFound, RateLimited
from core.models import Athlete, GarminAccount
from core.ports import ActivityFeed, FeedPage, UnitOfWork, Units
from core.services import coaching

FIRST_SYNC_DAYS = 28
OVERLAP_DAYS = 1  # re-read yesterday: late uploads from the watch still arrive
BACKOFF_HOURS = (1, 4, 12, 24)
STAGGER_PRIME = 7919  # spreads accounts over the interval, so they don't all sync at once


@dataclass(frozen=True)
class SyncOutcome:
    fetched: int
    imported: tuple[coaching.ImportOutcome, ...]  # runs new to us, in the feed's order
    skipped: int = 0  # implausible activities (a glitch on the service's side)

    @property
    def linked(self) -> int:
        return sum(o.linked is not None for o in self.imported)


def window(account: GarminAccount, today: date) -> date:
    """The first day to read: four weeks at first, then from the day before the last sync."""
    first = today - timedelta(days=FIRST_SYNC_DAYS)
    if account.last_sync_at:
        first = max(first, account.last_sync_at.date() - timedelta(days=OVERLAP_DAYS))
    return first


def is_due(account: GarminAccount, now: datetime, interval: timedelta) -> bool:
    """Each account waits the interval plus its own offset; a backed-off one waits longer."""
    if account.backoff_until and account.backoff_until > now:
        return False
    offset = timedelta(seconds=(account.athlete_id * STAGGER_PRIME) % int(interval.total_seconds()))
    last = account.last_sync_at or account.connected_at
    return now - last >= interval + offset / 4


async def due_accounts(uow: UnitOfWork, now: datetime, interval: timedelta) -> list[int]:
    return [a.athlete_id for a in await uow.garmin.all() if is_due(a, now, interval)]


async def sync(
    units: Units, feed: ActivityFeed, athlete: Athlete, today: date, now: datetime
) -> SyncOutcome:
    """Read new runs from the feed and import them; a 429 backs the account off (1, 4, 12,
    then 24 h) and raises :class:`RateLimited` with the level reached."""
    athlete_id = athlete.id
    assert athlete_id is not None
    account = await units.read(lambda uow: uow.garmin.get(athlete_id))
    if account is None:
        raise NotFound("garmin_not_connected")
    if account.backoff_until and account.backoff_until > now:
        raise RateLimited("garmin_backed_off")
    try:
        page = await feed.runs(account.tokens, window(account, today), today, athlete.time_zone)
    except RateLimited as limited:
        level = min(account.backoff_level + 1, len(BACKOFF_HOURS))
        until = now + timedelta(hours=BACKOFF_HOURS[level - 1])
        await units.write(lambda uow: uow.garmin.back_off(athlete_id, until, level))
        raise RateLimited(limited.code, level=level) from limited
    return await units.write(lambda uow: _import(uow, athlete, page, today, now))


async def _import(
    uow: UnitOfWork, athlete: Athlete, page: FeedPage, today: date, now: datetime
) -> SyncOutcome:
    assert athlete.id is not None
    imported, skipped = [], 0
    for run in page.runs:
        try:
            outcome = await coaching.import_run(uow, athlete, run, today)
        except InvalidInput:
            skipped += 1
            continue
        if outcome.created:  # seen before, maybe as a file: nothing counted twice
            imported.append(outcome)
    await uow.garmin.synced(athlete.id, page.sealed_tokens, now, len(imported))
    return SyncOutcome(page.fetched, tuple(imported), skipped)
