"""Garmin sync: the periodic job, /sync, and the quiet first import after connecting."""

import logging
from datetime import datetime, timedelta

from telegram import Bot

from bot.context import Leases, Services
from bot.messages import announce
from core.errors import AlreadyDone, RateLimited
from core.models import Athlete, GarminAccount
from core.ports import ActivityFeed, GarminLogin
from core.services import garmin_sync
from core.services.garmin_sync import SyncOutcome

log = logging.getLogger("gofast.garmin")
SYNC_LEASE_S = 300  # a sync that takes longer than this is presumed dead


class GarminAccountsView:
    """The runner's Garmin account row, each call its own unit of work (handlers, tests)."""

    def __init__(self, services: Services) -> None:
        self.units = services.units

    async def get(self, athlete_id: int) -> GarminAccount | None:
        return await self.units.read(lambda uow: uow.garmin.get(athlete_id))

    async def disconnect(self, athlete_id: int) -> bool:
        return await self.units.write(lambda uow: uow.garmin.disconnect(athlete_id))


class GarminSync:
    def __init__(
        self,
        services: Services,
        login: GarminLogin | None,
        feed: ActivityFeed | None,
        leases: Leases,
    ) -> None:
        self.services = services
        self.leases = leases
        self.login = login
        self.feed = feed
        self.accounts = GarminAccountsView(services)

    @property
    def enabled(self) -> bool:
        return self.login is not None and self.feed is not None

    async def connect(self, athlete: Athlete, sealed: bytes) -> None:
        now = self.services.clock.now()
        await self.services.units.write(
            lambda uow: uow.garmin.connect(athlete.stored_id, sealed, now)
        )

    async def sync(self, bot: Bot, athlete: Athlete, *, quiet: bool = False) -> SyncOutcome:
        """One sync of the runner's account at a time, whichever process asks (a lease)."""
        lease = f"garmin:{athlete.stored_id}"
        if not await self.leases.take(lease, SYNC_LEASE_S):
            raise AlreadyDone("garmin_sync_running")
        try:
            return await self._sync(bot, athlete, quiet)
        finally:
            await self.leases.release(lease)

    async def _sync(self, bot: Bot, athlete: Athlete, quiet: bool) -> SyncOutcome:
        assert self.feed is not None
        services = self.services
        try:
            outcome = await garmin_sync.sync(
                services.units, self.feed, athlete, services.today(athlete), services.clock.now()
            )
        except RateLimited as limited:
            if limited.level == 1:  # tell the runner once, not at every retry
                await bot.send_message(
                    athlete.chat_id, services.render("garmin/texts", step="rate_limited")
                )
            raise
        if outcome.skipped:
            log.info("skipped %s implausible Garmin activities", outcome.skipped)
        if not quiet:
            for imported in outcome.imported:
                await announce(bot, services, athlete, imported)
        return outcome

    async def tick(self, bot: Bot) -> None:
        if not self.enabled:
            return
        now = self.services.clock.now()
        interval = timedelta(minutes=self.services.settings.garmin_sync_minutes)
        for athlete_id in await self.due(now, interval):
            try:
                athlete = await self._athlete(athlete_id)
                if athlete.active:
                    await self.sync(bot, athlete)
            except RateLimited:
                log.info("garmin account of athlete %s backed off", athlete_id)
            except AlreadyDone:
                log.info("garmin account of athlete %s is being synced already", athlete_id)
            except Exception:  # one account's trouble must not stop the others
                log.warning("garmin sync of athlete %s failed", athlete_id, exc_info=True)

    async def _athlete(self, athlete_id: int) -> Athlete:
        return await self.services.units.read(lambda uow: uow.athletes.get_athlete(athlete_id))

    async def due(self, now: datetime, interval: timedelta) -> list[int]:
        return await self.services.units.read(
            lambda uow: garmin_sync.due_accounts(uow, now, interval)
        )
