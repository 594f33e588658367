"""Activity files are parsed in a worker process, never on the event loop.

A hostile or merely huge file (a 78 MB GPX took 20 s and 1.3 GB in-process) would otherwise
stall every runner's replies. The worker runs with a memory ceiling (``RLIMIT_AS``) and each
file with a time limit; a worker that runs over either is killed and replaced, and the runner
gets one clear sentence.
"""

import asyncio
import ctypes
import ctypes.util
import multiprocessing
import os
import resource
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from zoneinfo import ZoneInfo

from core.errors import InvalidInput
from core.models import AthleteActivity
from sources.files import MAX_FILE_BYTES, ParsedActivity, check_file, parse_activity_files

PARSE_TIMEOUT_S = 30.0
MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024
PR_SET_PDEATHSIG = 1  # linux/prctl.h
PARENT_CHECK_S = 0.5


def _start_worker(limit: int, parent: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _die_with_parent(parent)


def _die_with_parent(parent: int) -> None:
    """A kill -9 of the bot takes its worker along, whatever kills it: Linux's parent-death
    signal (tied to the thread that started the worker, so not enough alone), and a watchdog
    that ends the worker once its parent is gone (it is then another process's child)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # gone already, between the spawn and here
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(1)  # no clean-up to do: the worker holds nothing but the file it parses


class FileParser:
    """One warm worker process (spawned: no fork of the bot's threads), started on first use;
    the :class:`core.ports.ActivityFiles` the bot reads runs with."""

    max_bytes = MAX_FILE_BYTES

    def __init__(
        self, timeout_s: float = PARSE_TIMEOUT_S, memory_bytes: int = MEMORY_LIMIT_BYTES
    ) -> None:
        self.timeout_s, self.memory_bytes = timeout_s, memory_bytes
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self.memory_bytes, os.getpid()),
            )
        return self._pool

    def check(self, name: str, size: int) -> None:
        check_file(name, size)

    async def read(self, name: str, data: bytes, time_zone: str) -> list[AthleteActivity]:
        zone = ZoneInfo(time_zone)
        return [
            parsed.activity(parsed.start_utc.astimezone(zone).date(), file_name=name[:100])
            for parsed in await self.parse_all(name, data)
        ]

    async def parse(self, name: str, data: bytes) -> ParsedActivity:
        return (await self.parse_all(name, data))[0]

    async def parse_all(self, name: str, data: bytes) -> list[ParsedActivity]:
        loop = asyncio.get_running_loop()
        job = loop.run_in_executor(self._executor(), parse_activity_files, name, data)
        try:
            return await asyncio.wait_for(job, self.timeout_s)
        except TimeoutError:
            self.close(kill=True)
            raise InvalidInput("file_too_slow") from None
        except (MemoryError, BrokenProcessPool):
            self.close(kill=True)
            raise InvalidInput("file_too_heavy") from None

    def close(self, *, kill: bool = False) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if kill:  # a worker stuck in a parser never returns on its own
            for process in list(pool._processes.values()):
                process.kill()
        pool.shutdown(wait=not kill, cancel_futures=True)
