"""Concurrency across chats, order within a chat; private chats only; a per-runner flood guard."""

import asyncio
import time
from collections import deque
from collections.abc import Awaitable
from typing import Protocol

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, BaseUpdateProcessor

from bot.context import CoachContext

FLOOD_WINDOW_S = 10.0


def _chat_key(update: object) -> int | None:
    """The chat whose updates must run one at a time and in order."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Different chats run concurrently; one chat's updates run one at a time, in order
    (ConversationHandler reads its state before and writes it after a callback)."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._holders: dict[int, int] = {}  # updates holding or awaiting each lock

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        key = _chat_key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._holders[key] = self._holders.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._holders[key] -= 1
            if not self._holders[key]:  # nobody waits: forget the chat
                del self._holders[key], self._locks[key]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


async def private_only(update: Update, context: CoachContext) -> None:
    """Outside a private chat the coach reads and changes nothing; commands get a pointer to
    the private chat, buttons an alert, everything else silence."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    message = update.effective_message
    if update.callback_query is not None:
        pointer = context.services.render("start/private_only")
        await update.callback_query.answer(pointer[:200], show_alert=True)
    elif chat.type != ChatType.CHANNEL and message and (message.text or "").startswith("/"):
        await context.bot.send_message(chat.id, context.services.render("start/private_only"))
    raise ApplicationHandlerStop


class FloodCounter(Protocol):
    """Updates per runner in the current window (storage.shared counts across processes)."""

    async def hit(self, user_id: int) -> tuple[int, bool]:
        """(updates in the window counting this one, warned in this window already)"""
        ...

    async def warned(self, user_id: int) -> None: ...


class LocalFloodCounts:
    """The counts in this process's memory: a sliding window (one process)."""

    def __init__(self) -> None:
        self._seen: dict[int, deque[float]] = {}
        self._warned: set[int] = set()

    async def hit(self, user_id: int) -> tuple[int, bool]:
        now = time.monotonic()
        seen = self._seen.setdefault(user_id, deque())
        while seen and now - seen[0] > FLOOD_WINDOW_S:
            seen.popleft()
        if not seen:  # a quiet window: the next flood earns a new warning
            self._warned.discard(user_id)
        seen.append(now)
        return len(seen), user_id in self._warned

    async def warned(self, user_id: int) -> None:
        self._warned.add(user_id)


class FloodGuard:
    """Drops a runner's updates beyond ``limit`` in 10 s (one polite warning), so one flood
    cannot slow down everyone else."""

    def __init__(self, limit: int, counts: FloodCounter | None = None) -> None:
        self.limit = limit
        self.counts = counts or LocalFloodCounts()

    async def __call__(self, update: Update, context: object) -> None:
        user = update.effective_user
        if user is None:
            return
        seen, warned = await self.counts.hit(user.id)
        if seen <= self.limit:
            return
        if not warned and update.effective_chat is not None:
            await self.counts.warned(user.id)
            await update.get_bot().send_message(
                update.effective_chat.id, "Easy there 🙂 I'll catch up in a few seconds."
            )
        raise ApplicationHandlerStop
