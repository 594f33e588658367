"""One send rate for the bot token, whichever process sends (webhook workers on PostgreSQL).

Telegram counts messages per token, so N processes each allowed 30 msg/s would earn 429s
and a pause for everyone. Each request here first reserves the next free slot in the database
(storage.shared.SendRate), one every ``1 / rate`` seconds across all processes, then waits for
it; a 429 that still comes is waited out and retried, as PTB's AIORateLimiter does.
"""

import asyncio
import time
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any, Protocol

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

UNCOUNTED = frozenset({"getUpdates", "setWebhook", "deleteWebhook", "getMe", "setMyCommands"})
Answer = bool | dict[str, Any] | list[dict[str, Any]]


class SendSlots(Protocol):
    async def reserve(self, interval_s: float) -> float:
        """The moment (epoch seconds) the message may go."""
        ...


LATE_RESERVES = 3  # a sender that wakes a slot late takes a new one, at most this often


class SharedRateLimiter(BaseRateLimiter[int]):
    """At most ``rate`` messages in any sliding second, all processes together: slots are
    spaced ``1 / (rate - 1)`` apart, so a sender that wakes up to a slot late (event loop busy,
    database slow) still never makes ``rate + 1`` in one second; one later than that takes a
    new slot instead of crowding the next ones."""

    def __init__(self, slots: SendSlots, rate: float, max_retries: int = 3) -> None:
        self.slots = slots
        self.interval_s = 1 / max(rate - 1, rate / 2)
        self.max_retries = max_retries

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Answer]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Answer:
        for attempt in range(self.max_retries + 1):
            if endpoint not in UNCOUNTED:
                await self._wait_for_slot()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as limited:
                if attempt == self.max_retries:
                    raise
                await asyncio.sleep(_seconds(limited.retry_after))
        raise AssertionError("unreachable")

    async def _wait_for_slot(self) -> None:
        for _ in range(LATE_RESERVES):
            slot = await self.slots.reserve(self.interval_s)
            await asyncio.sleep(max(0.0, slot - time.time()))  # the clock read after the trip
            if time.time() - slot < self.interval_s:
                return
        # late every time: the machine is overloaded; sending beats starving


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
