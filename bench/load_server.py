"""The fake Bot API in its own process, with the simulated runners that load it.

Started by bench/bot.py, so that the server and the load cost the bot's process nothing.
Talks JSON lines: prints ``{"base_url", "token"}`` once, then for each ``{"script", "users",
"messages", "offered"}`` read from stdin runs one round and prints ``{"updates", "seconds",
"latencies"}``. Scripts: ``/today``, ``/status`` (a command, wait for the reply), ``log`` (a
``/log`` run, then the plan button when the coach asks), ``echo2`` (two texts: the echo bot's
share of ``log``). ``offered`` > 0: open loop at that many updates/s instead of a closed loop.
"""

import asyncio
import itertools
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fake_telegram import Call, FakeTelegram, FakeUser

LINK = "ac:l:"  # "Is this activity for your plan?" → this day


class Load:
    def __init__(self, telegram: FakeTelegram) -> None:
        self.telegram = telegram
        self.users: dict[int, FakeUser] = {}
        self.inboxes: dict[int, asyncio.Queue[Call]] = {}
        self.numbers = itertools.count(1)

    def user(self, user_id: int) -> FakeUser:
        if user_id not in self.users:
            self.users[user_id] = self.telegram.user(user_id)
            self.inboxes[user_id] = self.telegram.subscribe(user_id)
        return self.users[user_id]

    async def text(self, user_id: int, text: str) -> Call:
        """Send ``text`` as the runner; the bot's answer (a message or an edit)."""
        user = self.user(user_id)
        inbox = self.inboxes[user_id]
        message = user._message(text=text)
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        await self.telegram.push_update({"message": message})
        return await self._answer(inbox)

    async def press(self, user_id: int, data: str) -> Call:
        await self.telegram.push_update(self.user(user_id).press_update(data))
        return await self._answer(self.inboxes[user_id])

    @staticmethod
    async def _answer(inbox: asyncio.Queue[Call]) -> Call:
        while True:
            call = await inbox.get()
            if call.method in ("sendMessage", "editMessageText", "sendPhoto"):
                return call

    async def once(self, script: str, user_id: int) -> int:
        """One turn of ``script`` for one runner; the updates it took."""
        if script in ("/today", "/status"):
            await self.text(user_id, script)
            return 1
        if script == "echo2":
            await self.text(user_id, "/log")
            await self.text(user_id, "yes")
            return 2
        n = next(self.numbers)
        reply = await self.text(user_id, f"/log {5 + n % 7}.{n % 10}km {30 + n % 20}:00")
        link = next((d for d in _buttons(reply) if d.startswith(LINK)), None)
        if link is None:
            return 1
        await self.press(user_id, link)
        return 2


def _buttons(call: Call) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]


async def closed_loop(load: Load, script: str, users: int, messages: int) -> dict[str, Any]:
    latencies: list[float] = []
    updates = 0

    async def runner(user_id: int) -> None:
        nonlocal updates
        for _ in range(messages):
            began = time.monotonic()
            taken = await load.once(script, user_id)  # not `updates += await …`: a stale read
            updates += taken
            latencies.append(time.monotonic() - began)

    began = time.monotonic()
    await asyncio.gather(*(runner(u) for u in range(1, users + 1)))
    return {"updates": updates, "seconds": time.monotonic() - began, "latencies": latencies}


async def open_loop(load: Load, script: str, users: int, total: int, rate: float) -> dict[str, Any]:
    """``total`` turns started at ``rate``/s whatever the answers, runners in turn."""
    latencies: list[float] = []
    updates = 0

    async def turn(user_id: int) -> None:
        nonlocal updates
        began = time.monotonic()
        taken = await load.once(script, user_id)
        updates += taken
        latencies.append(time.monotonic() - began)

    began = time.monotonic()
    tasks = []
    for n in range(total):
        await asyncio.sleep(max(0.0, began + n / rate - time.monotonic()))
        tasks.append(asyncio.create_task(turn(n % users + 1)))
    await asyncio.gather(*tasks)
    return {"updates": updates, "seconds": time.monotonic() - began, "latencies": latencies}


async def main() -> None:
    telegram = await FakeTelegram().start()
    load = Load(telegram)
    print(json.dumps({"base_url": telegram.base_url, "token": telegram.token}), flush=True)
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        ask = json.loads(line)
        if ask.get("offered"):
            total = ask["users"] * ask["messages"]
            result = await open_loop(load, ask["script"], ask["users"], total, ask["offered"])
        else:
            result = await closed_loop(load, ask["script"], ask["users"], ask["messages"])
        telegram.calls.clear()  # a long benchmark must not grow the record forever
        print(json.dumps(result), flush=True)
    await telegram.stop()


if __name__ == "__main__":
    asyncio.run(main())
