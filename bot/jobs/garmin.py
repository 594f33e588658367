"""Garmin sync: the periodic job, /sync, and the quiet first import after connecting."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import Bot

from bot.context import Services
from bot.handlers.activities import announce
from core.errors import InvalidInput, NotFound
from core.models import Athlete
from core.services import coaching
from sources import garmin
from sources.garmin import GarminRateLimited, TokenVault
from storage.garmin import GarminAccounts

log = logging.getLogger("gofast.garmin")

FIRST_SYNC_DAYS = 28
OVERLAP_DAYS = 1  # re-read yesterday: late uploads from the watch still arrive
BACKOFF_HOURS = (1, 4, 12, 24)


@dataclass(frozen=True)
class SyncResult:
    fetched: int
    imported: int
    linked: int


class GarminSync:
    def __init__(self, services: Services, vault: TokenVault | None) -> None:
        self.services = services
        self.vault = vault
        self.accounts = GarminAccounts(services.db)
        self.logins = garmin.PendingLogins()
        self.emails: dict[int, str] = {}  # between the email and the password message only

    @property
    def enabled(self) -> bool:
        return self.vault is not None

    async def connect(self, athlete: Athlete, tokens: str) -> None:
        assert self.vault is not None and athlete.id is not None
        await self.accounts.connect(athlete.id, self.vault.seal(tokens), self.services.clock.now())

    async def sync(self, bot: Bot, athlete: Athlete, *, quiet: bool = False) -> SyncResult:
        assert self.vault is not None and athlete.id is not None
        account = await self.accounts.get(athlete.id)
        if account is None:
            raise NotFound("Garmin isn't connected. Send /garmin to connect it.")
        now = self.services.clock.now()
        if account.backoff_until and account.backoff_until > now:
            raise GarminRateLimited("Garmin asked me to slow down; I'll sync again later.")
        today = self.services.today(athlete)
        first = today - timedelta(days=FIRST_SYNC_DAYS)
        if account.last_sync_at:
            first = max(first, account.last_sync_at.date() - timedelta(days=OVERLAP_DAYS))
        try:
            fetched = await garmin.fetch(self.vault.open(account.tokens), first, today)
        except GarminRateLimited:
            level = min(account.backoff_level + 1, len(BACKOFF_HOURS))
            until = now + timedelta(hours=BACKOFF_HOURS[level - 1])
            await self.accounts.back_off(athlete.id, until, level)
            if level == 1:  # tell the runner once, not at every retry
                await bot.send_message(
                    athlete.chat_id, "⌚ Garmin is rate-limiting your account; I'll sync later."
                )
            raise
        result = await self._import(bot, athlete, fetched.summaries, quiet)
        await self.accounts.synced(
            athlete.id, self.vault.seal(fetched.tokens), now, result.imported
        )
        return result

    async def _import(
        self,
        bot: Bot,
        athlete: Athlete,
        summaries: list[dict],
        quiet: bool,  # type: ignore[type-arg]
    ) -> SyncResult:
        imported = linked = 0
        repo, today = self.services.repo, self.services.today(athlete)
        for summary in summaries:
            if not garmin.is_run(summary):
                continue
            activity = garmin.to_activity(summary, athlete.time_zone)
            try:
                outcome = await coaching.import_run(repo, athlete, activity, today)
            except InvalidInput as refusal:  # a glitch on Garmin's side: skip it, keep syncing
                log.info("skipped Garmin activity %s: %s", activity.external_id, refusal.message)
                continue
            if not outcome.created:
                continue  # seen before, maybe as a file: nothing counted twice
            imported += 1
            linked += outcome.linked is not None
            if not quiet:
                await announce(bot, self.services.render, athlete, outcome)
        return SyncResult(len(summaries), imported, linked)

    async def due(self, now: datetime) -> list[int]:
        """Accounts whose turn has come: each waits the interval plus its own offset."""
        interval = timedelta(minutes=self.services.settings.garmin_sync_minutes)
        due = []
        for account in await self.accounts.all():
            if account.backoff_until and account.backoff_until > now:
                continue
            offset = timedelta(seconds=(account.athlete_id * 7919) % int(interval.total_seconds()))
            last = account.last_sync_at or account.connected_at
            if now - last >= interval + offset / 4:
                due.append(account.athlete_id)
        return due

    async def tick(self, bot: Bot) -> None:
        if not self.enabled:
            return
        for athlete_id in await self.due(self.services.clock.now()):
            try:
                athlete = await self.services.repo.get_athlete(athlete_id)
                if athlete.active:
                    await self.sync(bot, athlete)
            except GarminRateLimited:
                log.info("garmin account of athlete %s backed off", athlete_id)
            except Exception:  # one account's trouble must not stop the others
                log.warning("garmin sync of athlete %s failed", athlete_id, exc_info=True)
