"""One send rate for the bot token, whichever process sends (webhook workers on PostgreSQL).

Telegram counts messages per token, so N processes each allowed 30 msg/s would earn 429s
and a pause for everyone. Each request here first reserves the next free slot in the database
(storage.shared.SendRate), one every ``1 / rate`` seconds across all processes, then waits for
it; a 429 that still comes is waited out and retried, as PTB's AIORateLimiter does.
"""

import asyncio
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any, Protocol

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

UNCOUNTED = frozenset({"getUpdates", "setWebhook", "deleteWebhook", "getMe", "setMyCommands"})
Answer = bool | dict[str, Any] | list[dict[str, Any]]


class SendSlots(Protocol):
    async def reserve(self, interval_s: float) -> float:
        """Seconds to wait before sending."""
        ...


class SharedRateLimiter(BaseRateLimiter[int]):
    def __init__(self, slots: SendSlots, rate: float, max_retries: int = 3) -> None:
        self.slots = slots
        self.interval_s = 1 / rate
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
                await asyncio.sleep(await self.slots.reserve(self.interval_s))
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as limited:
                if attempt == self.max_retries:
                    raise
                await asyncio.sleep(_seconds(limited.retry_after))
        raise AssertionError("unreachable")


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
