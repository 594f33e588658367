"""What sits in front of webhook workers in the tests: a load balancer."""

import itertools
from typing import Any

import aiohttp

from bot.webhook import SECRET_HEADER

WEBHOOK_PATH = "/telegram"
WEBHOOK_SECRET = "test-webhook-secret-0123456789"  # tests only


class LoadBalancer:
    """Each update POSTed to the next worker in turn, with Telegram's secret header. A worker
    that is down is skipped, as a balancer's health check would; Telegram itself retries an
    update that got no 200."""

    def __init__(self, ports: list[int], secret: str = WEBHOOK_SECRET) -> None:
        self.ports = ports
        self.secret = secret
        self.posted: list[tuple[int, int]] = []  # (update id, the port that took it)
        self._turn = itertools.count()
        self._session: aiohttp.ClientSession | None = None

    async def __call__(self, update: dict[str, Any]) -> None:
        for _ in range(len(self.ports) * 20):
            port = self.ports[next(self._turn) % len(self.ports)]
            if await self.post(port, update) == 200:
                self.posted.append((update["update_id"], port))
                return
        raise AssertionError(f"no worker took update {update['update_id']}")

    async def post(self, port: int, update: Any, secret: str | None = None) -> int:
        """The HTTP status one worker answers (0: it is not listening)."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        headers = {SECRET_HEADER: self.secret if secret is None else secret}
        url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
        try:
            async with self._session.post(url, json=update, headers=headers) as response:
                return response.status
        except aiohttp.ClientError:
            return 0

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
