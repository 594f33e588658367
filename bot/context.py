"""The bot's typed context: services reachable from every handler, no module globals."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NoReturn, Protocol
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import Application, CallbackContext, ConversationHandler, ExtBot

from bot.coach_bot import CoachBot
from bot.persistence import DatabasePersistence
from bot.render import Renderer
from core import effects
from core.models import Athlete
from core.ports import ActivityFiles, Clock, Units, WorkoutFiles
from core.services.runners import local_today

if TYPE_CHECKING:
    from bot.jobs.garmin import GarminSync
    from bot.jobs.pushes import Pushes
    from bot.webapp import Dashboard, DashboardServer
    from bot.webhook import Queue


class EffectsLog(Protocol):
    """What updates did (storage.effects implements it)."""

    async def rewind(self, update_id: int) -> int: ...
    async def forget_before(self, moment: float) -> None: ...


class Options(Protocol):
    """The operator's settings the handlers and jobs read (gofast.config.Settings has them)."""

    default_time_zone: str
    default_push_time: str
    push_grace_minutes: int
    weekly_push_time: str
    weekly_push_day: int
    garmin_sync_minutes: int
    webapp_url: str | None  # the dashboard's address; None: no dashboard
    webapp_listen: str
    webapp_port: int
    webhook_url: str | None


@dataclass
class Services:
    settings: Options
    units: Units
    clock: Clock
    render: Renderer
    files: ActivityFiles
    workouts: WorkoutFiles

    def local_now(self, athlete: Athlete) -> datetime:
        return self.clock.now().astimezone(ZoneInfo(athlete.time_zone))

    def today(self, athlete: Athlete) -> date:
        return local_today(self.clock.now(), athlete.time_zone)


class Storage(Protocol):
    """What the application opens before the first update and closes after the last."""

    async def open(self) -> object: ...
    async def close(self) -> None: ...


class UpdateLog(Protocol):
    """Every update kept until handled (storage.inbox implements it)."""

    async def replay(self) -> list[dict[str, Any]]: ...
    def handled_soon(self, update_id: int, now: datetime) -> None: ...
    async def close(self) -> None: ...
    async def forget_before(self, moment: datetime) -> None: ...


class Leases(Protocol):
    """Named leases held by one process at a time (storage.shared implements it)."""

    async def take(self, name: str, seconds: float) -> bool: ...
    async def release(self, name: str) -> None: ...


class OneProcessLeases:
    """On SQLite one process serves the bot: every lease is its own."""

    async def take(self, name: str, seconds: float) -> bool:
        return True

    async def release(self, name: str) -> None:
        return None


class CoachApplication(Application):
    """Opens the database before PTB loads persistence, and makes every update durable."""

    services: Services
    storage: "Storage"
    inbox: "UpdateLog"
    effects: "EffectsLog"
    pushes: "Pushes"
    garmin: "GarminSync"
    leases: "Leases"
    queue: "Queue"
    dashboard: "Dashboard | None"
    dashboard_server: "DashboardServer | None"
    dashboard_port: int = 0

    async def initialize(self) -> None:
        await self.storage.open()
        pending = await self.inbox.replay()
        for payload in pending:  # before persistence loads: where each runner answered
            await self.effects.rewind(payload["update_id"])
        await super().initialize()
        await self._replay_inbox(pending)

    async def _replay_inbox(self, pending: list[dict[str, Any]]) -> None:
        """Updates a crash left unhandled go first, before anything new is fetched."""
        for payload in pending:
            update = Update.de_json(payload, self.bot)
            if update is not None:
                await self.update_queue.put(update)

    async def shutdown(self) -> None:
        await self.pushes.stop_workers()
        self.services.files.close()
        await super().shutdown()
        await self.inbox.close()
        await self.storage.close()

    async def reload_state(self, update: Update, *, again: bool = False) -> None:
        """Before a webhook worker handles ``update``: its chat's conversations as the database
        has them (user and chat data are reloaded by the persistence's refresh hooks); handled
        ``again`` (a dead worker held it), as they were before it."""
        if again:
            await self.effects.rewind(update.update_id)
        chat, user = update.effective_chat, update.effective_user
        persistence = self.persistence
        if chat is None or user is None or not isinstance(persistence, DatabasePersistence):
            return
        conversations = self._persistent_conversations()
        await persistence.reload_conversations(conversations, (chat.id, user.id))

    async def end_conversations(self, update: Update) -> None:
        """Every conversation of ``update``'s chat ends (e.g. /delete mid-/race): stored and
        in memory, so no later answer lands on a question from before."""
        chat, user = update.effective_chat, update.effective_user
        persistence = self.persistence
        if chat is None or user is None or not isinstance(persistence, DatabasePersistence):
            return
        key = (chat.id, user.id)
        conversations = self._persistent_conversations()
        for handler in conversations:
            assert handler.name is not None  # persistent conversations are named
            await persistence.update_conversation(handler.name, key, None)
        await persistence.reload_conversations(conversations, key)

    def _persistent_conversations(self) -> list[ConversationHandler]:
        return [
            handler
            for group in self.handlers.values()
            for handler in group
            if isinstance(handler, ConversationHandler) and handler.persistent
        ]

    async def process_update(self, update: object) -> None:
        if not isinstance(update, Update):
            await super().process_update(update)
            return
        bot = self.bot
        assert isinstance(bot, CoachBot)
        if bot.is_repeat(update):
            return
        try:
            with effects.handling(update.update_id):  # what it does is recorded with it
                await super().process_update(update)
                if self.persistence is not None:
                    await self.update_persistence()
            self.inbox.handled_soon(update.update_id, self.services.clock.now())
        finally:
            if update.callback_query is not None:
                await bot.finish_query(update.callback_query.id)


class CoachContext(CallbackContext[ExtBot[None], dict[str, Any], dict[str, Any], dict[str, Any]]):
    @property
    def coach_bot(self) -> CoachBot:
        assert isinstance(self.bot, CoachBot)
        return self.bot

    # Every update a handler sees has a user and a chat (private chats only, see
    # bot.updates.private_only), so PTB's ``None`` for these never reaches a handler.
    @property
    def user_data(self) -> dict[str, Any]:
        return _present(super().user_data)

    @user_data.setter
    def user_data(self, _: object) -> NoReturn:
        raise AttributeError("user_data is PTB's own: change its items")

    @property
    def chat_data(self) -> dict[str, Any]:
        return _present(super().chat_data)

    @chat_data.setter
    def chat_data(self, _: object) -> NoReturn:
        raise AttributeError("chat_data is PTB's own: change its items")

    @property
    def services(self) -> Services:
        application = self.application
        assert isinstance(application, CoachApplication)
        return application.services


def _present(data: dict[str, Any] | None) -> dict[str, Any]:
    assert data is not None, "a handler ran for an update without a user or chat"
    return data
