"""Several webhook workers on one PostgreSQL: updates/s by worker count, and the proof.

    python bench/workers.py [--runners 200] [--workers 1,2,3] [--push-runners 100] [--lease 5]
    (--workers "" runs the proof only)

Everything is real but Telegram: an embedded PostgreSQL (the dev extra's wheel), and in this
process the fake Bot API and a round-robin load balancer; the workers are `gofast run`
processes in webhook mode. Each runner: onboarding, /race to a plan, a burst of three /log
POSTed at once (they land on different workers; the replies must come in order), then a GPX
upload, confirming "Is this activity for your plan?" when asked.

1. Scaling: the same load on 1, 2, 3 workers, no send-rate limit: updates/s for each. The
   machine has 2 cores, shared with PostgreSQL and this process: a report, not a promise.
2. Proof: 3 workers at Telegram's 30 msg/s (the fake answers 429 above it), runners whose
   morning push is due now, one worker kill -9'd mid-conversation and again mid-uploads, each
   time started again under its WORKER_NAME. Checked: every update handled and answered,
   updates handled twice only among those the killed worker held, every answer stored as
   typed (none applied to the next question), nothing the Bot API refuses, per-chat order,
   each push once, the most messages sent in any sliding second. Recovery: from the kill to
   the last answer to an update stored before it.
"""

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.load_server import _buttons
from core.models import Athlete, RaceType
from core.plan import generate_plan
from storage import migrate_database, open_database
from tests.activity_files import gpx_file
from tests.bot.conftest import RACE_ANSWERS
from tests.core.plans import request
from tests.fake_telegram import Call, FakeTelegram
from tests.units import storage_calls
from tests.webhooks import WEBHOOK_PATH, WEBHOOK_SECRET, LoadBalancer

ANSWERS = ("sendMessage", "editMessageText", "sendPhoto", "sendDocument")
LINK = "ac:l:"
STEP_TIMEOUT_S = 120
PUSH_RUNNERS_FROM = 900_000
BURST_KM = (5, 6, 7)
PLAN_SAVED = "Your plan is saved"
DISTANCE = re.compile(r"(?<![\d.])(\d+)(?:\.0)? km\b")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def worker_name(index: int) -> str:
    return f"worker-{index + 1}"


class Cluster:
    """``count`` `gofast run` processes in webhook mode on one database."""

    def __init__(
        self, telegram: FakeTelegram, url: str, count: int, rate: float, lease_s: float
    ) -> None:
        self.telegram = telegram
        self.url = url
        self.rate = rate
        self.lease_s = lease_s
        self.ports = [free_port() for _ in range(count)]
        self.processes: dict[int, asyncio.subprocess.Process] = {}

    async def start(self) -> None:
        await asyncio.gather(*(self.spawn(i) for i in range(len(self.ports))))

    async def spawn(self, index: int) -> None:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": self.telegram.token,
            "TELEGRAM_BASE_URL": self.telegram.base_url,
            "DATABASE_URL": self.url,
            "WEBHOOK_URL": f"https://coach.example.org{WEBHOOK_PATH}",
            "WEBHOOK_SECRET": WEBHOOK_SECRET,
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": str(self.ports[index]),
            "UPDATE_LEASE_SECONDS": str(self.lease_s),
            "WORKER_NAME": worker_name(index),  # stable: a restart takes its leases back
            "TELEGRAM_RATE_LIMIT": str(self.rate),
            "FLOOD_LIMIT": "1000",
            "DEFAULT_TIME_ZONE": "UTC",
            "LOG_LEVEL": "WARNING",
        }
        self.processes[index] = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "gofast", "run", env=env, stdout=asyncio.subprocess.DEVNULL
        )
        await self._healthy(self.ports[index])

    async def _healthy(self, port: int) -> None:
        deadline = time.monotonic() + 60
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                with contextlib.suppress(aiohttp.ClientError):
                    async with session.get(f"http://127.0.0.1:{port}/healthz") as answer:
                        if answer.status == 200:
                            return
                await asyncio.sleep(0.1)
        raise TimeoutError(f"worker on port {port} never came up")

    def kill(self, index: int) -> None:
        self.processes[index].send_signal(signal.SIGKILL)

    async def stop(self) -> None:
        for process in self.processes.values():
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                process.kill()


@dataclass
class Run:
    """What the runners saw."""

    steps: list[tuple[float, float]] = field(default_factory=list)  # (sent, answered)
    updates: int = 0
    out_of_order: list[int] = field(default_factory=list)  # runners whose burst came back mixed


class Runner:
    """One simulated runner: what the bot sent to their chat, read as it comes (a pump), so
    waiting for an answer or a button costs nothing while it waits."""

    def __init__(self, telegram: FakeTelegram, user_id: int) -> None:
        self.telegram = telegram
        self.user = telegram.user(user_id)
        self.answers: asyncio.Queue[Call] = asyncio.Queue()
        self.buttons: set[str] = set()
        self.shown = asyncio.Event()
        self._calls = telegram.subscribe(user_id)
        self._pump = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while True:
            call = await self._calls.get()
            if call.params.get("reply_markup"):
                self.buttons.update(_buttons(call))
                self.shown.set()
            if call.method in ANSWERS:
                self.answers.put_nowait(call)

    async def button(self, data: str) -> None:
        """Until the bot shows the button (its message may come after the answer awaited)."""
        while data not in self.buttons:
            self.shown.clear()
            await asyncio.wait_for(self.shown.wait(), STEP_TIMEOUT_S)

    async def post(self, payload: dict[str, Any]) -> None:
        await self.telegram.push_update(payload)

    async def text(self, text: str) -> None:
        message = self.user._message(text=text)
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        await self.post({"message": message})

    async def upload(self, name: str, content: bytes) -> None:
        file_id = f"f{self.user.id}-{name}"
        self.telegram.files[file_id] = content
        document = {"file_id": file_id, "file_unique_id": file_id, "file_name": name}
        await self.post(
            {"message": self.user._message(document={**document, "file_size": len(content)})}
        )

    async def next_answers(self, count: int, about: Callable[[str], object] = str) -> list[Call]:
        """The next ``count`` answers (those ``about`` finds something in)."""
        found: list[Call] = []
        while len(found) < count:
            call = await asyncio.wait_for(self.answers.get(), STEP_TIMEOUT_S)
            if about(call.text or "") is not None:
                found.append(call)
        return found

    async def settle(self) -> None:
        """Late messages of the last step out of the way (a plan comes in two messages)."""
        while True:
            try:
                await asyncio.wait_for(self.answers.get(), 0.3)
            except TimeoutError:
                return

    def close(self) -> None:
        self._pump.cancel()


class Runners:
    def __init__(self, telegram: FakeTelegram) -> None:
        self.telegram = telegram
        self.run = Run()
        self.runners: dict[int, Runner] = {}

    def __getitem__(self, user_id: int) -> Runner:
        if user_id not in self.runners:
            self.runners[user_id] = Runner(self.telegram, user_id)
        return self.runners[user_id]

    async def step(self, user_id: int, action: str, value: str) -> Call:
        """One update, timed from sending it to its first answer."""
        runner = self[user_id]
        began = time.monotonic()
        self.run.updates += 1
        if action == "press":
            await runner.button(value)
            await runner.post(runner.user.press_update(value))
        else:
            await runner.text(value)
        (answer,) = await runner.next_answers(1)
        self.run.steps.append((began, time.monotonic()))
        return answer

    async def confirm(self, user_id: int, answer: Call) -> None:
        link = next((d for d in _buttons(answer) if d.startswith(LINK)), None)
        if link is not None:
            await self.step(user_id, "press", link)

    async def onboard_and_plan(self, user_id: int) -> None:
        for action, value in [
            ("send", "/start"),
            ("press", "on:u:km"),
            ("send", "Berlin"),
            ("press", "on:t:0630"),
        ]:
            await self.step(user_id, action, value)
        for action, value in RACE_ANSWERS:
            value = f"Bench {user_id} Marathon" if value == "Test City Marathon" else value
            await self.step(user_id, action, value)
        answer = await self.step(user_id, "press", "rc:ok")
        if PLAN_SAVED not in (answer.text or ""):
            # the plan comes in more than one message, the saved one last: waited for, not
            # timed, since its "Today: Easy 5 km" would pass for the burst's first answer
            await self[user_id].next_answers(1, lambda text: PLAN_SAVED in text or None)
        await self[user_id].settle()

    async def log_and_upload(self, user_id: int) -> None:
        runner = self[user_id]
        answers = await self.burst(user_id, [f"/log {km}km {km * 6}:00" for km in BURST_KM])
        shown = [_distance(answer.text or "") for answer in answers]
        if shown != list(BURST_KM):
            self.run.out_of_order.append(user_id)
        for answer in answers:
            await self.confirm(user_id, answer)
        await runner.settle()
        began = time.monotonic()
        self.run.updates += 1
        now = datetime.now(UTC) - timedelta(hours=1)
        await runner.upload("morning.gpx", gpx_file(now, 8000, 2700))
        (answer,) = await runner.next_answers(1)
        self.run.steps.append((began, time.monotonic()))
        await self.confirm(user_id, answer)
        await runner.settle()

    async def burst(self, user_id: int, texts: list[str]) -> list[Call]:
        """``texts`` POSTed one after another without waiting for answers; the answers."""
        runner = self[user_id]
        began = time.monotonic()
        for text in texts:
            await runner.text(text)
        self.run.updates += len(texts)
        answers = await runner.next_answers(len(texts), _distance)
        self.run.steps += [(began, time.monotonic())] * len(texts)
        return answers

    def close(self) -> None:
        for runner in self.runners.values():
            runner.close()


def _distance(text: str) -> int | None:
    """Which of the burst's runs a /log answer speaks of: the first distance it names (a run
    linked names its own before the day's, "6 km of 5 km"), and only one of the burst's."""
    first = DISTANCE.search(text)
    km = int(first.group(1)) if first else None
    return km if km in BURST_KM else None


async def seed_push_runners(url: str, count: int) -> None:
    """Runners with a plan whose morning push is due this minute (UTC)."""
    now = datetime.now(UTC)
    plan = generate_plan(request(RaceType.HALF, 12, start=now.date()))
    async with open_database(url) as db:
        repo = storage_calls(db)
        for user_id in range(PUSH_RUNNERS_FROM, PUSH_RUNNERS_FROM + count):
            athlete = await repo.upsert_athlete(Athlete(telegram_user_id=user_id, chat_id=user_id))
            await repo.update_athlete(athlete.stored_id, push_time=f"{now:%H:%M}", onboarded=True)
            await repo.save_plan(athlete.stored_id, plan, now)


async def held_by(url: str, owner: str) -> int:
    """Updates ``owner`` had leased and not finished."""
    async with open_database(url) as db:
        return await db.read(  # type: ignore[no-any-return]
            lambda conn: conn.execute(
                "SELECT COUNT(*) FROM inbox WHERE handled_at IS NULL AND lease_owner = ?", (owner,)
            ).fetchone()[0]
        )


async def inbox_rows(url: str) -> list[tuple[Any, ...]]:
    async with open_database(url) as db:
        return await db.read(  # type: ignore[no-any-return]
            lambda conn: [
                tuple(r)
                for r in conn.execute(
                    "SELECT update_id, chat_key, attempts, handled_at FROM inbox"
                ).fetchall()
            ]
        )


@dataclass
class Report:
    workers: int
    updates: int
    seconds: float
    answered: int
    unhandled: int = 0
    rehandled: int = 0  # updates handled twice (leased by the killed worker)
    unexpected_repeats: list[int] = field(default_factory=list)  # chats, beyond the window
    out_of_order: list[int] = field(default_factory=list)
    pushes: Counter[int] = field(default_factory=Counter)
    push_runners: int = 0
    max_sends_in_1s: int = 0
    refused_429: int = 0
    recovery_s: float | None = None
    held_at_kill: int = 0  # updates the killed worker had leased, unfinished
    step_p50_s: float = 0.0  # median time from an update's POST to its first answer
    refused: list[str] = field(default_factory=list)  # what the Bot API refused, and why
    answers_not_as_typed: list[int] = field(default_factory=list)  # runners, e.g. 5k as goal

    @property
    def updates_per_s(self) -> float:
        return self.updates / self.seconds


async def scenario(
    url: str,
    runners: int,
    workers: int,
    *,
    rate: float = 0,
    push_runners: int = 0,
    kill: bool = False,
    lease_s: float = 5,
) -> Report:
    """One run of the load on ``workers`` workers; see the module's note."""
    await migrate_database(url)
    await seed_push_runners(url, push_runners)
    telegram = await FakeTelegram().start()
    telegram.rate_limit_per_s = rate or None
    cluster = Cluster(telegram, url, workers, rate, lease_s)
    await cluster.start()
    balancer = LoadBalancer(cluster.ports)
    telegram.deliver = balancer
    load = Runners(telegram)
    ids = range(1, runners + 1)
    killed_at: float | None = None  # wall clock: handled_at in the inbox is, too
    held_at_kill = 0
    try:
        began = time.monotonic()
        for half in (load.onboard_and_plan, load.log_and_upload):
            running = asyncio.gather(*(half(u) for u in ids))
            if kill:  # mid-conversation, then mid-uploads and links
                # not mid push fan-out: a push claimed by a killed worker is not sent again
                # (at most once per slot), and this proof counts each push once
                await pushes_out(telegram, push_runners)
                await asyncio.sleep(1.0)
                cluster.kill(workers - 1)
                killed_at = time.time()
                held_at_kill += await held_by(url, worker_name(workers - 1))
                await asyncio.sleep(1.0)  # the balancer finds it gone; then it comes back
                await cluster.spawn(workers - 1)
            await running
        seconds = time.monotonic() - began
        if push_runners:
            await wait_for_pushes(telegram, push_runners)
    finally:
        load.close()
        await cluster.stop()
        await balancer.close()
        await telegram.stop()
    report = await _report(url, telegram, load.run, workers, seconds, push_runners, killed_at)
    report.held_at_kill = held_at_kill
    report.refused = [reason for _, reason in telegram.refused]
    report.answers_not_as_typed = await answers_not_as_typed(url, ids)
    return report


TYPED = {  # RACE_ANSWERS, in km: goal 3:45:00, 5k 24:00, 20 km a week, longest run 10 km
    "goal_time_s": 3 * 3600 + 45 * 60,
    "baseline_5k_s": 24 * 60,
    "baseline_weekly_m": 20_000,
    "longest_recent_m": 10_000,
}


async def answers_not_as_typed(url: str, ids: range) -> list[int]:
    """Runners whose plan doesn't hold the answers they typed (an answer applied to the
    question after it, after a kill)."""
    async with open_database(url) as db:
        found = await db.read(
            lambda conn: [
                tuple(r)
                for r in conn.execute(
                    "SELECT a.telegram_user_id, p.goal_time_s, p.baseline_5k_s, "
                    "p.baseline_weekly_m, p.settings FROM athletes a "
                    "JOIN training_plans p ON p.athlete_id = a.id"
                ).fetchall()
            ]
        )
    stored = {
        user: {
            "goal_time_s": goal,
            "baseline_5k_s": five_k,
            "baseline_weekly_m": round(weekly),
            "longest_recent_m": round(json.loads(settings)["longest_recent_m"] or 0),
        }
        for user, goal, five_k, weekly, settings in found
    }
    return [user for user in ids if stored.get(user) != TYPED]


def daily_pushes(telegram: FakeTelegram) -> Counter[int]:
    return Counter(
        c.chat_id
        for c in telegram.calls
        if c.method == "sendMessage"
        and c.chat_id
        and c.chat_id >= PUSH_RUNNERS_FROM
        and ("☀️" in c.text or "😴" in c.text)
    )


async def pushes_out(telegram: FakeTelegram, count: int) -> None:
    deadline = time.monotonic() + 60
    while len(daily_pushes(telegram)) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.1)


async def wait_for_pushes(telegram: FakeTelegram, count: int) -> None:
    deadline = time.monotonic() + 150  # the push tick runs every minute
    while len(daily_pushes(telegram)) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    await asyncio.sleep(3)  # a second copy, were there one, would come now


async def _report(
    url: str,
    telegram: FakeTelegram,
    run: Run,
    workers: int,
    seconds: float,
    push_runners: int,
    killed_at: float | None,
) -> Report:
    rows = await inbox_rows(url)
    twice = {chat for _, chat, attempts, _ in rows if attempts > 1}
    again = [handled for _, _, attempts, handled in rows if attempts > 1 and handled]
    report = Report(
        workers=workers,
        updates=run.updates,
        seconds=seconds,
        answered=len(run.steps),
        unhandled=sum(1 for *_, handled in rows if handled is None),
        rehandled=sum(1 for _, _, attempts, _ in rows if attempts > 1),
        out_of_order=run.out_of_order,
        pushes=daily_pushes(telegram),
        push_runners=push_runners,
        refused_429=telegram.rate_limited,
    )
    answers = Counter(c.chat_id for c in telegram.calls if c.method in ANSWERS and c.chat_id)
    runner_counts = {chat: n for chat, n in answers.items() if chat < PUSH_RUNNERS_FROM}
    # every runner plays the same script: one untouched by the kill says how many answers it
    # brings; a runner with more, whose updates were all handled once, got a repeat
    untouched = [n for chat, n in runner_counts.items() if chat not in twice]
    usual = Counter(untouched).most_common(1)[0][0] if untouched else 0
    report.unexpected_repeats = [
        chat for chat, n in runner_counts.items() if n > usual and chat not in twice
    ]
    sends = sorted(c.at for c in telegram.calls if c.method.startswith("send"))
    report.max_sends_in_1s = max_in_window(sends, 1.0)
    if killed_at is not None:  # until the last update the killed worker held is handled
        last = max((datetime.fromisoformat(h).timestamp() for h in again), default=killed_at)
        report.recovery_s = last - killed_at
    report.step_p50_s = statistics.median(answered - sent for sent, answered in run.steps)
    return report


def max_in_window(moments: list[float], window: float) -> int:
    most, start = 0, 0
    for end, moment in enumerate(moments):
        while moment - moments[start] >= window:
            start += 1
        most = max(most, end - start + 1)
    return most


def show(report: Report) -> None:
    print(
        f"  {report.workers} worker(s): {report.updates} updates in {report.seconds:.1f} s = "
        f"{report.updates_per_s:.1f} updates/s; answered {report.answered}, "
        f"unhandled {report.unhandled}, handled twice {report.rehandled}; "
        f"answer p50 {report.step_p50_s * 1000:.0f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runners", type=int, default=200)
    parser.add_argument("--workers", default="1,2,3")
    parser.add_argument("--push-runners", type=int, default=100)
    parser.add_argument("--lease", type=float, default=5.0)
    args = parser.parse_args()
    from tests.backends import new_database

    print(f"{args.runners} runners; the fake Bot API and the load in this process")
    counts = [int(n) for n in args.workers.split(",") if n]  # --workers "": the proof only
    if counts:
        print("1. scaling, no send-rate limit:")
    for count in counts:
        show(await scenario(new_database(f"bench_{count}"), args.runners, count))
    print("2. proof: 3 workers, 30 msg/s, pushes due, one worker kill -9'd and restarted:")
    report = await scenario(
        new_database("bench_proof"),
        args.runners,
        3,
        rate=30,
        push_runners=args.push_runners,
        kill=True,
        lease_s=args.lease,
    )
    show(report)
    twice = sum(1 for n in report.pushes.values() if n > 1)
    print(f"  pushes: {len(report.pushes)} of {report.push_runners} runners, {twice} twice")
    print(f"  per-chat order broken for {len(report.out_of_order)} runners")
    print(f"  repeats beyond the killed worker's updates: {len(report.unexpected_repeats)}")
    print(f"  refused by the Bot API: {len(report.refused)}")
    print(f"  runners whose answers aren't stored as typed: {len(report.answers_not_as_typed)}")
    print(
        f"  most messages sent in any sliding second: {report.max_sends_in_1s} "
        f"(429s: {report.refused_429})"
    )
    print(
        f"  the killed worker held {report.held_at_kill} updates; all handled again "
        f"{report.recovery_s:.1f} s after the kill (lease {args.lease} s)"
    )


if __name__ == "__main__":
    asyncio.run(main())
