"""The one wiring place: settings, database, clock and handlers → a running Application."""

import asyncio
import gc
import logging
import signal
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, MenuButtonWebApp, Update, WebAppInfo
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    ContextTypes,
    Defaults,
    TypeHandler,
)
from telegram.request import HTTPXRequest
from telegram.warnings import PTBUserWarning

from bot.coach_bot import CoachBot, DeliveryRequest
from bot.context import CoachApplication, CoachContext, OneProcessLeases, Services
from bot.handlers import (
    account,
    activities,
    coaching,
    errors,
    garmin,
    start,
    talk,
    views,
    watch,
)
from bot.handlers import settings as settings_menu
from bot.handlers.race_conversation import build_race_conversation
from bot.jobs.garmin import GarminSync
from bot.jobs.pushes import Pushes
from bot.keyboards import DASHBOARD_LABEL
from bot.persistence import DatabasePersistence
from bot.rate import SharedRateLimiter
from bot.render import Renderer
from bot.updates import (
    FLOOD_WINDOW_S,
    FloodCounter,
    FloodGuard,
    LocalFloodCounts,
    PerChatUpdateProcessor,
    private_only,
)
from bot.webapp import Dashboard, DashboardServer
from bot.webhook import UpdateWorker, WebhookServer
from core.clock import SystemClock
from core.ports import Clock
from gofast.config import Settings
from sources.file_worker import FileParser
from sources.garmin import GarminFeed, GarminLogins, TokenVault
from sources.workout_file import FitWorkouts
from storage import open_database
from storage.bot_state import BotStateStore
from storage.effects import UpdateEffects
from storage.inbox import Inbox
from storage.shared import FloodCounts, GarminHandoff, Leases, SendRate
from storage.unit_of_work import SqlUnits
from storage.update_queue import QueuedInbox, UpdateQueue

MAX_CONCURRENT_UPDATES = 64
PRIVATE_GROUP, FLOOD_GROUP = -3, -2  # then garmin.SECRETS_GROUP (-1), then everything else (0)
TICK_S = 60
GARMIN_TICK_S = 300
INBOX_PRUNE_S = 3600
INBOX_KEEP = timedelta(days=1)  # Telegram stops redelivering an update after 24 hours
COMMANDS = [
    ("today", "Today's workout"),
    ("week", "This week"),
    ("plan", "The whole plan"),
    ("status", "Are you on track?"),
    ("race", "Set a race goal, or change your plan"),
    ("log", "Log a run by hand"),
    ("predict", "Race predictions"),
    ("progress", "This week's progress, with a chart"),
    ("garmin", "Connect Garmin Connect"),
    ("sync", "Sync Garmin now"),
    ("pause", "Pause: injured, ill, travelling (e.g. /pause 10 injured)"),
    ("resume", "Back to running: rebuild the plan from today"),
    ("result", "Your race result, e.g. /result 3:58:12"),
    ("history", "Past races, plans and changes"),
    ("settings", "Units, time zone, push time"),
    ("calendar", "Your plan as a calendar file"),
    ("export", "Download your data"),
    ("delete", "Erase your data"),
    ("help", "What I can do"),
    ("cancel", "Stop what we're doing"),
]

# Our conversations mix buttons and text on purpose; per-message tracking is not wanted.
warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)


def build_application(settings: Settings, *, clock: Clock | None = None) -> CoachApplication:
    """The bot on ``settings``' database. On PostgreSQL several processes may share it, so what
    one process kept in memory (conversation state, the flood counts, the send rate) is kept
    in the database instead."""
    db = open_database(settings.database_url)
    shared = settings.on_postgres
    builder = (
        ApplicationBuilder()
        .application_class(CoachApplication)
        .bot(_bot(settings, SendRate(db) if shared else None))
        .context_types(ContextTypes(context=CoachContext))
        .persistence(DatabasePersistence(BotStateStore(db), shared=shared))
        .concurrent_updates(PerChatUpdateProcessor(MAX_CONCURRENT_UPDATES))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    application = builder.build()
    assert isinstance(application, CoachApplication)
    application.services = Services(
        settings=settings,
        units=SqlUnits(db, clock),
        clock=clock or SystemClock(),
        render=Renderer(),
        files=FileParser(),
        workouts=FitWorkouts(),
    )
    application.storage = db
    application.leases = Leases(db, settings.worker_name) if shared else OneProcessLeases()
    application.queue = UpdateQueue(db, settings.worker_name, settings.update_lease_seconds)
    inbox = QueuedInbox(db) if settings.webhook_url else Inbox(db)
    application.inbox = inbox
    application.effects = UpdateEffects(db)
    clock = application.services.clock
    bot = application.bot
    assert isinstance(bot, CoachBot)
    bot.keep_updates(lambda updates: inbox.receive(updates, clock.now()))
    bot.keep_calls(application.effects)
    application.pushes = Pushes(application.services)
    key = settings.gofast_secret_key
    vault = TokenVault(key.get_secret_value()) if key and key.get_secret_value() else None
    if vault is None:
        logging.getLogger("gofast").warning("GOFAST_SECRET_KEY is not set: Garmin sync is off")
    feed = GarminFeed(vault) if vault else None
    handoff = GarminHandoff(db) if shared else None
    login = GarminLogins(vault, handoff, settings.worker_name) if vault else None
    application.garmin = GarminSync(application.services, login, feed, application.leases)
    flood = FloodCounts(db, FLOOD_WINDOW_S) if shared else LocalFloodCounts()
    _add_handlers(application, settings, flood)
    application.dashboard = (
        Dashboard(application, settings.require_token(), settings.webapp_auth_max_age_s)
        if settings.webapp_url
        else None
    )
    application.dashboard_server = None
    return application


def _bot(settings: Settings, shared_rate: SendRate | None) -> CoachBot:
    limiter: BaseRateLimiter[Any] | None = None
    if settings.telegram_rate_limit and shared_rate is not None:
        limiter = SharedRateLimiter(shared_rate, settings.telegram_rate_limit)
    elif settings.telegram_rate_limit:
        # One message every 1/rate s, no bursts: a full bucket released at once is what
        # earns 429s (and a pause for everyone) from a server that counts per second.
        limiter = AIORateLimiter(
            overall_max_rate=1,
            overall_time_period=1 / settings.telegram_rate_limit,
            max_retries=3,
        )
    delivery = DeliveryRequest(connection_pool_size=1)
    bot = CoachBot(
        token=settings.require_token(),
        base_url=settings.telegram_base_url,
        base_file_url=settings.file_url,
        defaults=Defaults(parse_mode=ParseMode.HTML),
        rate_limiter=limiter,
        # PTB's own defaults when it builds the bot: a wide pool for sends, one for polling
        request=HTTPXRequest(connection_pool_size=256),
        get_updates_request=delivery,
    )
    delivery.on_delivery = bot.delivered
    return bot


def _add_handlers(
    application: Application,
    settings: Settings,
    flood: FloodCounter,
) -> None:
    application.add_handler(TypeHandler(Update, private_only), group=PRIVATE_GROUP)
    application.add_handler(
        TypeHandler(Update, FloodGuard(settings.flood_limit, flood)), group=FLOOD_GROUP
    )
    for handler in garmin.secret_handlers():
        application.add_handler(handler, group=garmin.SECRETS_GROUP)
    for handler in (
        *start.handlers(),
        build_race_conversation(),
        settings_menu.build_settings_conversation(),
        *views.handlers(),
        *watch.handlers(),
        *activities.handlers(),
        *account.handlers(),
        *coaching.handlers(),
        *garmin.handlers(),
        *talk.handlers(),  # a sentence no conversation wanted, before the last resort
        *start.last_resort(),
    ):
        application.add_handler(handler)
    application.add_error_handler(errors.on_error)


async def _post_init(application: Application) -> None:
    await application.bot.set_my_commands([BotCommand(name, text) for name, text in COMMANDS])
    assert isinstance(application, CoachApplication) and application.job_queue is not None
    application.pushes.start_workers(application.bot)
    application.job_queue.run_repeating(_push_tick, interval=TICK_S, first=1, name="pushes")
    application.job_queue.run_repeating(
        _garmin_tick, interval=GARMIN_TICK_S, first=GARMIN_TICK_S, name="garmin"
    )
    application.job_queue.run_repeating(_forget_handled, interval=INBOX_PRUNE_S, first=10)
    await _open_dashboard(application)
    # what start-up built (handlers, templates, modules) lives as long as the process: out of
    # the garbage collector's way, so each collection walks only what updates create
    gc.collect()
    gc.freeze()


async def _open_dashboard(application: CoachApplication) -> None:
    """The Mini App in the chat's menu; in polling mode, its server (webhook mode serves it
    from the webhook's)."""
    settings = application.services.settings
    if application.dashboard is None or not settings.webapp_url:
        return
    button = MenuButtonWebApp(DASHBOARD_LABEL, WebAppInfo(settings.webapp_url))
    await application.bot.set_chat_menu_button(menu_button=button)
    if not settings.webhook_url:
        server = DashboardServer(application.dashboard)
        application.dashboard_port = await server.start(
            settings.webapp_listen, settings.webapp_port
        )
        application.dashboard_server = server
        logging.getLogger("gofast").info(
            "dashboard listening on port %s", application.dashboard_port
        )


async def _post_shutdown(application: Application) -> None:
    assert isinstance(application, CoachApplication)
    if application.dashboard_server is not None:
        await application.dashboard_server.stop()


async def _forget_handled(context: CoachContext) -> None:
    application = context.application
    assert isinstance(application, CoachApplication)
    moment = context.services.clock.now() - INBOX_KEEP
    await application.inbox.forget_before(moment)
    await application.effects.forget_before(moment.timestamp())


async def _garmin_tick(context: CoachContext) -> None:
    application = context.application
    assert isinstance(application, CoachApplication)
    if await application.leases.take("garmin-tick", GARMIN_TICK_S * 1.5):
        await application.garmin.tick(context.bot)


async def _push_tick(context: CoachContext) -> None:
    """One process decides the pushes (the lease's holder renews it every tick; when it
    stops, another takes over within two ticks and catches up the grace window); each push
    is claimed once anyway (storage.pushes)."""
    application = context.application
    assert isinstance(application, CoachApplication)
    if await application.leases.take("push-tick", TICK_S * 1.5):
        await application.pushes.tick(context.bot)


class RedactSecrets(logging.Filter):
    """Belt and braces: no log line ever carries the bot token (httpx logs request URLs)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "<redacted>")
            record.msg, record.args = message, None
        return True


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # PTB logs whole updates at DEBUG, and an update may carry a Garmin password: never below
    # INFO (our storage logs no SQL at all)
    quietest = max(logging.INFO, logging.getLevelName(settings.log_level))
    logging.getLogger("telegram").setLevel(quietest)
    redact = RedactSecrets([settings.require_token(), *settings.secrets()])
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)


def run_bot(settings: Settings) -> None:
    configure_logging(settings)
    application = build_application(settings)
    logging.getLogger("gofast").info("GoFast Coach starting (database %s)", settings.database_shown)
    if settings.webhook_url:
        asyncio.run(serve_webhook(application, settings))
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)


async def serve_webhook(application: CoachApplication, settings: Settings) -> None:
    """Webhook mode until SIGTERM or SIGINT: updates stored on arrival, handled by leases."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with webhook_running(application, settings) as port:
        logging.getLogger("gofast").info("webhook listening on port %s", port)
        await stop.wait()


@asynccontextmanager
async def webhook_running(application: CoachApplication, settings: Settings) -> AsyncIterator[int]:
    """The application started in webhook mode; yields the port it listens on."""
    assert settings.webhook_url and settings.webhook_secret
    secret = settings.webhook_secret.get_secret_value()
    worker = UpdateWorker(application, application.queue)
    path = urlsplit(settings.webhook_url).path or "/"
    server = WebhookServer(
        application, application.queue, worker, secret, path, application.dashboard
    )
    await application.initialize()
    assert application.post_init is not None
    await application.post_init(application)
    await application.start()
    port = await server.start(settings.webhook_listen, settings.webhook_port)
    worker.start()
    try:
        await application.bot.set_webhook(
            settings.webhook_url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
            max_connections=settings.webhook_max_connections,
        )
        yield port
    finally:
        await server.stop()  # nothing new comes in; what is stored waits for any worker
        await worker.stop()
        await application.stop()
        await application.shutdown()
