"""Bot benchmark: updates/s and reply latency through the full stack, against a bare PTB echo bot.

    python bench/bot.py [--users 20] [--messages 25] [--rounds 3] [--command /status]

Both run in this process against the same fake Bot API server on 127.0.0.1, with the same
closed loop: each simulated runner sends a message, waits for the reply, sends the next. Ours
answers ``--command`` (/today: one day's row and a template; /status: the plan, its linked
runs, fitness and the verdict); the echo bot echoes. The ratio
ours/echo is the goal (≥ 0.7): what our stack costs over PTB's own overhead.
"""

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Update
from telegram.ext import ApplicationBuilder, MessageHandler, filters

from bot.app import build_application
from core.clock import FrozenClock
from core.models import Athlete
from core.plan import generate_plan
from gofast.config import load_settings
from storage import repository
from tests.core.plans import request
from tests.fake_telegram import FakeTelegram

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


async def echo(update: Update, context: object) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(update.effective_message.text or "")


def echo_app(telegram: FakeTelegram):  # type: ignore[no-untyped-def]
    app = (
        ApplicationBuilder()
        .token(telegram.token)
        .base_url(telegram.base_url)
        .concurrent_updates(64)
        .build()
    )
    app.add_handler(MessageHandler(filters.ALL, echo))
    return app


def coach_app(telegram: FakeTelegram, workdir: Path):  # type: ignore[no-untyped-def]
    settings = load_settings(
        telegram_bot_token=telegram.token,
        telegram_base_url=telegram.base_url,
        database_url=f"sqlite:///{workdir / 'bench.db'}",
        flood_limit=100000,
        telegram_rate_limit=0,  # the echo bot has no limiter either; ours caps at 30/s in use
    )
    return build_application(settings, clock=FrozenClock(NOW))


async def populate(telegram: FakeTelegram, users: int, workdir: Path) -> None:
    app = coach_app(telegram, workdir)
    await app.services.db.open()
    plan = generate_plan(request(weeks=18))
    for user_id in range(1, users + 1):
        athlete = await app.services.repo.upsert_athlete(
            Athlete(telegram_user_id=user_id, chat_id=user_id, onboarded=True)
        )
        await app.services.repo.save_plan(athlete.id, plan, NOW)
    await app.services.db.close()


async def drive(
    telegram: FakeTelegram, app, users: int, messages: int, command: str = "/today"
) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    await app.initialize()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    await app.start()
    latencies: list[float] = []

    async def runner(user_id: int) -> None:
        inbox = telegram.subscribe(user_id)
        for n in range(messages):
            sent = time.monotonic()
            await telegram.push_update(
                {
                    "message": {
                        "message_id": n + 1,
                        "date": int(time.time()),
                        "text": command,
                        "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
                        "chat": {"id": user_id, "type": "private"},
                        "from": {"id": user_id, "is_bot": False, "first_name": "R"},
                    }
                }
            )
            while (await inbox.get()).method != "sendMessage":
                pass
            latencies.append(time.monotonic() - sent)

    began = time.monotonic()
    await asyncio.gather(*(runner(u) for u in range(1, users + 1)))
    elapsed = time.monotonic() - began
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    return users * messages / elapsed, latencies


def describe(name: str, rate: float, latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)]
    return (
        f"{name:<12} {rate:8.1f} updates/s   p50 {statistics.median(ordered) * 1e3:6.1f} ms"
        f"   p99 {p99 * 1e3:6.1f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--messages", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=3, help="alternating echo / GoFast runs")
    parser.add_argument("--command", default="/today", help="what runners send: /today, /status")
    parser.add_argument(
        "--no-plan-cache", action="store_true", help="load every plan's days from the database"
    )
    args = parser.parse_args()
    if args.no_plan_cache:
        repository.DAYS_CACHE_PLANS = 0
    workdir = Path(tempfile.mkdtemp())
    telegram = await FakeTelegram().start()
    rates: dict[str, list[float]] = {"echo bot": [], "GoFast": []}
    latencies: dict[str, list[float]] = {"echo bot": [], "GoFast": []}
    try:
        await populate(telegram, args.users, workdir)
        # Alternate, so that machine noise and warm-up hit both bots alike; report medians.
        for _ in range(args.rounds):
            for name, make in (("echo bot", echo_app), ("GoFast", lambda t: coach_app(t, workdir))):
                app = make(telegram)
                rate, lat = await drive(telegram, app, args.users, args.messages, args.command)
                rates[name].append(rate)
                latencies[name].extend(lat)
    finally:
        await telegram.stop()
    for name in rates:
        rounds = ", ".join(f"{r:.0f}" for r in rates[name])
        print(f"{describe(name, statistics.median(rates[name]), latencies[name])}   ({rounds})")
    ours = latencies["GoFast"]
    ratio = statistics.median(rates["GoFast"]) / statistics.median(rates["echo bot"])
    print(
        f"{args.command}: ratio GoFast/echo (medians of {args.rounds} rounds): {ratio:.2f} "
        "(goal ≥ 0.7); "
        f"replies within 1 s: {sum(x <= 1 for x in ours) / len(ours):.1%}"
    )


if __name__ == "__main__":
    asyncio.run(main())
