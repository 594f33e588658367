"""Which update this task is handling: what storage records an update's effects under
(storage.effects), so one handled again after a crash is not applied twice. Pure: a context
variable, no I/O."""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class Handling:
    """The update being handled in this task, and how many writes it has made so far."""

    update_id: int
    writes: int = 0
    calls: dict[str, int] = field(default_factory=dict)

    def next_write(self) -> str:
        self.writes += 1
        return f"w{self.writes}"

    def call_step(self, method: str, asked: str) -> str:
        """A Telegram call's step: its method, a digest of what it asks, and which time this
        update asks it (the same text twice is two messages)."""
        digest = hashlib.sha256(asked.encode()).hexdigest()[:32]
        key = f"c:{method}:{digest}"
        self.calls[key] = self.calls.get(key, 0) + 1
        return f"{key}:{self.calls[key]}"


_handling: ContextVar[Handling | None] = ContextVar("gofast_handling", default=None)


@contextmanager
def handling(update_id: int) -> Iterator[Handling]:
    """Everything awaited inside is done for ``update_id`` (tasks started inside inherit it)."""
    state = Handling(update_id)
    token = _handling.set(state)
    try:
        yield state
    finally:
        _handling.reset(token)


def current() -> Handling | None:
    return _handling.get()
