"""Webhook mode: Telegram POSTs each update; any number of `gofast run` processes share them.

The POST is answered 200 only once the update is stored, so an update Telegram has handed over
is never lost; a repeat of one already stored is answered 200 and dropped. Each process's
:class:`UpdateWorker` then leases stored updates from the database: one chat's updates one at
a time and in order across processes, and a killed process's updates go to another when its
lease runs out (storage.update_queue). What the dead worker had done for that update is not
done again (storage.effects): a runner may see its reply twice, never an answer applied to
the next question.
"""

import asyncio
import contextlib
import hmac
import json
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from aiohttp import web
from telegram import Update

from bot.context import CoachApplication

if TYPE_CHECKING:
    from bot.webapp import Dashboard

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_IN_FLIGHT = 32  # updates a process handles at once (different chats)
IDLE_POLL_S = 0.05  # how soon an update POSTed to another process is noticed here
log = logging.getLogger("gofast.webhook")


class Queue(Protocol):
    """Stored updates, leased to one worker at a time (storage.update_queue implements it)."""

    lease_s: float

    async def put(self, update: dict[str, Any], chat_key: int | None, now: datetime) -> bool: ...
    async def claim(self, limit: int) -> list[tuple[dict[str, Any], int]]: ...
    async def renew(self, update_ids: list[int]) -> None: ...
    async def release_own(self) -> int: ...
    async def done(self, update_id: int) -> None: ...


class UpdateWorker:
    """Leases stored updates and handles them, at most ``MAX_IN_FLIGHT`` at once."""

    def __init__(self, application: CoachApplication, queue: Queue) -> None:
        self.application = application
        self.queue = queue
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._loop = asyncio.create_task(self._run(), name="update-worker")

    def wake(self) -> None:
        self._wake.set()

    async def stop(self) -> None:
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
        if self._in_flight:
            await asyncio.gather(*self._in_flight.values(), return_exceptions=True)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            if released := await self.queue.release_own():
                log.warning(
                    "%s updates held by this worker before a restart: taken again", released
                )
        except Exception:  # the database away: those leases run out on their own
            log.warning("could not take back this worker's updates", exc_info=True)
        renewed = loop.time()
        while True:
            try:
                claimed = await self._claim()
                if loop.time() - renewed > self.queue.lease_s / 3:
                    await self.queue.renew(list(self._in_flight))
                    renewed = loop.time()
            except Exception:  # the database away for a moment: try again shortly
                log.warning("could not lease updates", exc_info=True)
                claimed = 0
            if not claimed:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), IDLE_POLL_S)

    async def _claim(self) -> int:
        free = MAX_IN_FLIGHT - len(self._in_flight)
        if free <= 0:
            return 0
        claimed = await self.queue.claim(free)
        for payload, attempt in claimed:
            update_id = payload["update_id"]
            handle = self._handle(update_id, payload, again=attempt > 1)
            self._in_flight[update_id] = asyncio.create_task(handle)
        return len(claimed)

    async def _handle(self, update_id: int, payload: dict[str, Any], *, again: bool) -> None:
        """``again``: a worker that held it died; what it did is not done twice (see
        storage.effects)."""
        application = self.application
        try:
            update = Update.de_json(payload, application.bot)
            await application.reload_state(update, again=again)
            await application.process_update(update)  # reports its handlers' errors itself
            await self.queue.done(update_id)
        except Exception:  # ours (the database away?): left leased, tried again after the lease
            log.exception("update %s could not be handled", update_id)
        finally:
            del self._in_flight[update_id]
            self.wake()  # the chat's next update may be waiting


def raw_chat_key(payload: dict[str, Any]) -> int | None:
    """The chat of an update as Telegram sent it (what ``bot.updates._chat_key`` finds once
    parsed), read without parsing: whatever arrives is stored first."""
    for value in payload.values():
        if not isinstance(value, dict):
            continue
        chat = value.get("chat") or (value.get("message") or {}).get("chat") or {}
        sender = value.get("from") or value.get("user") or {}
        for found in (chat.get("id"), sender.get("id")):
            if isinstance(found, int):
                return found
    return None


class WebhookServer:
    """The HTTP endpoint Telegram (or the load balancer) POSTs updates to."""

    def __init__(
        self,
        application: CoachApplication,
        queue: Queue,
        worker: UpdateWorker,
        secret: str,
        path: str,
        dashboard: "Dashboard | None" = None,
    ) -> None:
        self.application = application
        self.dashboard = dashboard
        self.queue = queue
        self.worker = worker
        self.secret = secret
        self.path = path
        self._runner: web.AppRunner | None = None

    async def start(self, host: str, port: int) -> int:
        """Listening; the port (a free one when ``port`` is 0)."""
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_post(self.path, self._receive)
        app.router.add_get("/healthz", self._health)
        if self.dashboard is not None:  # the Mini App, behind the same proxy
            self.dashboard.add_routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        return int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _health(self, request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            return web.Response(status=403)
        try:
            payload = json.loads(await request.read())
        except ValueError:
            return web.Response(status=400)
        if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
            return web.Response(status=400)
        now = self.application.services.clock.now()
        await self.queue.put(payload, raw_chat_key(payload), now)  # durable before the 200
        self.worker.wake()
        return web.Response(text="ok")
