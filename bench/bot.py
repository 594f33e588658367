"""Bot benchmark: updates/s and reply latency through the full stack, against a bare PTB echo bot.

    python bench/bot.py [--users 200] [--messages 10] [--rounds 3] [--scripts /today,/status,log]
                        [--offered 50]

The fake Bot API server and the simulated runners run in their own process
(bench/load_server.py); this process runs only the bot being measured. Closed loop: each
runner sends, waits for the answer, sends again, after one untimed warm-up turn each (plans
in the process's cache, connections open: the steady state of 200 active runners). Scripts:
``/today`` (one day's row and a template), ``/status`` (the plan, its runs, fitness and the
verdict), ``log`` (``/log`` a run, then press the plan button when the coach asks). The echo
bot answers the same number of updates (``log`` → two texts). Rounds alternate echo / GoFast
so machine noise hits both alike; the ratio of medians is the figure (goals: ≥ 0.7 for /today
and /status, ≥ 0.5 for log).

``--offered N``: then the same scripts open-loop at N updates/s, GoFast only, for p99 latency
(goal ≤ 50 ms at 50/s). For GoFast it also prints, per update: SQL statements, thread hops to
the database and CPU ms of this process (PTB, HTTP client, our code).
"""

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Update
from telegram.ext import ApplicationBuilder, MessageHandler, filters

from bot.app import build_application
from core.clock import FrozenClock
from core.models import Athlete
from core.plan import generate_plan
from gofast.config import load_settings
from tests.core.plans import request
from tests.units import stored

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
ECHO_SCRIPT = {"log": "echo2"}


async def echo(update: Update, context: object) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "…")


def echo_app(server: dict[str, str]):  # type: ignore[no-untyped-def]
    app = (
        ApplicationBuilder()
        .token(server["token"])
        .base_url(server["base_url"])
        .concurrent_updates(64)
        .build()
    )
    app.add_handler(MessageHandler(filters.ALL, echo))
    return app


def coach_app(server: dict[str, str], workdir: Path):  # type: ignore[no-untyped-def]
    settings = load_settings(
        telegram_bot_token=server["token"],
        telegram_base_url=server["base_url"],
        database_url=f"sqlite:///{workdir / 'bench.db'}",
        flood_limit=100000,
        telegram_rate_limit=0,  # the echo bot has no limiter either; ours caps at 30/s in use
    )
    return build_application(settings, clock=FrozenClock(NOW))


async def populate(server: dict[str, str], users: int, workdir: Path) -> None:
    """Runners with full plans (18 weeks, every day's workout)."""
    app = coach_app(server, workdir)
    await app.storage.open()
    plan = generate_plan(request(weeks=18, start=NOW.date()))
    for user_id in range(1, users + 1):
        athlete = await stored(app).upsert_athlete(
            Athlete(telegram_user_id=user_id, chat_id=user_id, onboarded=True)
        )
        await stored(app).save_plan(athlete.id, plan, NOW)
    await app.storage.close()


class LoadServer:
    """bench/load_server.py in its own process."""

    async def start(self) -> dict[str, str]:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(Path(__file__).with_name("load_server.py")),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        return await self._read()

    async def run(self, **ask: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(ask).encode() + b"\n")
        await self.process.stdin.drain()
        return await self._read()

    async def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = await self.process.stdout.readline()
        if not line:
            raise RuntimeError("the load server stopped")
        answer: dict[str, Any] = json.loads(line)
        return answer

    async def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        await self.process.wait()


@dataclass
class Costs:
    updates: int = 0
    statements: int = 0
    hops: int = 0
    cpu_s: float = 0.0

    def per_update(self) -> str:
        n = max(self.updates, 1)
        return (
            f"{self.statements / n:.1f} SQL statements, {self.hops / n:.1f} thread hops, "
            f"{self.cpu_s / n * 1e3:.2f} CPU ms per update"
        )


@dataclass
class Tally:
    rates: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    costs: Costs = field(default_factory=Costs)


async def round_with(app, load: LoadServer, costs: Costs | None, **ask: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    await app.initialize()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    await app.start()
    await load.run(**{**ask, "messages": 1, "offered": 0})  # warm-up: steady state is measured
    if costs is not None:
        statements = await app.storage.count_statements()
        hops, cpu = app.storage.trips, time.process_time()
    result = await load.run(**ask)
    if costs is not None:
        costs.updates += result["updates"]
        costs.statements += statements()
        costs.hops += app.storage.trips - hops
        costs.cpu_s += time.process_time() - cpu
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    return result


def describe(name: str, tally: Tally) -> str:
    ordered = sorted(tally.latencies)
    p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)]
    rounds = ", ".join(f"{r:.0f}" for r in tally.rates)
    return (
        f"  {name:<9} {statistics.median(tally.rates):7.1f} updates/s   "
        f"p50 {statistics.median(ordered) * 1e3:6.1f} ms   p99 {p99 * 1e3:6.1f} ms   ({rounds})"
    )


async def compare(load: LoadServer, server: dict[str, str], workdir: Path, args: Any) -> None:
    for script in args.scripts.split(","):
        tallies = {"echo bot": Tally(), "GoFast": Tally()}
        for _ in range(args.rounds):
            for name in tallies:
                tally = tallies[name]
                if name == "GoFast":
                    app, costs, run = coach_app(server, workdir), tally.costs, script
                else:
                    app, costs, run = echo_app(server), None, ECHO_SCRIPT.get(script, script)
                result = await round_with(
                    app, load, costs, script=run, users=args.users, messages=args.messages
                )
                tally.rates.append(result["updates"] / result["seconds"])
                tally.latencies.extend(result["latencies"])
        ratio = statistics.median(tallies["GoFast"].rates) / statistics.median(
            tallies["echo bot"].rates
        )
        print(f"{script}: GoFast / echo = {ratio:.2f} (medians of {args.rounds} rounds)")
        for name, tally in tallies.items():
            print(describe(name, tally))
        print(f"  GoFast: {tallies['GoFast'].costs.per_update()}")


async def offered(load: LoadServer, server: dict[str, str], workdir: Path, args: Any) -> None:
    for script in args.scripts.split(","):
        tally = Tally()
        result = await round_with(
            coach_app(server, workdir),
            load,
            tally.costs,
            script=script,
            users=args.users,
            messages=args.messages,
            offered=args.offered,
        )
        tally.rates.append(result["updates"] / result["seconds"])
        tally.latencies.extend(result["latencies"])
        print(f"{script} at {args.offered:.0f} turns/s offered:")
        print(describe("GoFast", tally))
        print(f"  GoFast: {tally.costs.per_update()}")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="alternating echo / GoFast runs")
    parser.add_argument("--scripts", default="/today,/status,log")
    parser.add_argument("--offered", type=float, default=0, help="open loop at this rate")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp())
    load = LoadServer()
    server = await load.start()
    try:
        await populate(server, args.users, workdir)
        if args.offered:
            await offered(load, server, workdir, args)
        else:
            await compare(load, server, workdir, args)
    finally:
        await load.stop()


if __name__ == "__main__":
    asyncio.run(main())
