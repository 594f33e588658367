"""Garmin Connect through the ``garminconnect`` package: login (with MFA), token vault, sync.

garminconnect is synchronous (requests): every call here runs in a worker thread. Only the
token string (``client.dumps()``) is ever stored, encrypted with Fernet; passwords are used for
one login and dropped. A 429 anywhere becomes :class:`GarminRateLimited` so callers back off
that account instead of retrying.
"""

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from cryptography.fernet import Fernet, InvalidToken
from garminconnect import (
    Garmin,
    GarminConnectAuthenticationError,
    GarminConnectConnectionError,
    GarminConnectTooManyRequestsError,
)

from core.errors import GoFastError, InvalidInput, NotFound, RateLimited
from core.models import RUNNING_SPORTS, ActivitySource, AthleteActivity
from core.ports import FeedPage

PENDING_LOGIN_S = 300  # an MFA code must arrive within five minutes
log = logging.getLogger("gofast.garmin")


class GarminRateLimited(RateLimited):
    """Garmin said 429: leave this account alone for a while."""


class GarminUnavailable(GoFastError):
    """Garmin could not be reached or answered nonsense."""


class TokenVault:
    """Fernet encryption for the token string: unreadable without GOFAST_SECRET_KEY."""

    def __init__(self, key: str) -> None:
        try:
            self._fernet = Fernet(key.encode())
        except (ValueError, TypeError) as error:
            raise GoFastError("secret_key_invalid") from error

    def seal(self, tokens: str) -> bytes:
        return self._fernet.encrypt(tokens.encode())

    def open(self, sealed: bytes) -> str:
        try:
            return self._fernet.decrypt(sealed).decode()
        except InvalidToken as error:
            raise GoFastError("garmin_tokens_unreadable") from error


@dataclass
class PendingLogin:
    client: Garmin
    started: float = field(default_factory=time.monotonic)

    @property
    def expired(self) -> bool:
        return time.monotonic() - self.started > PENDING_LOGIN_S


class PendingLogins:
    """Logins waiting for an MFA code, by runner. They live in memory only: the half-done login
    object cannot be serialised, and a restart simply means logging in again."""

    def __init__(self) -> None:
        self._pending: dict[int, PendingLogin] = {}

    def put(self, athlete_id: int, client: Garmin) -> None:
        self._pending = {k: v for k, v in self._pending.items() if not v.expired}
        self._pending[athlete_id] = PendingLogin(client)

    def take(self, athlete_id: int) -> Garmin | None:
        pending = self._pending.pop(athlete_id, None)
        return None if pending is None or pending.expired else pending.client

    def waiting(self, athlete_id: int) -> bool:
        pending = self._pending.get(athlete_id)
        return pending is not None and not pending.expired

    def any_waiting(self) -> bool:
        return any(not pending.expired for pending in self._pending.values())


def _translate(error: Exception) -> GoFastError:
    text = str(error)
    if isinstance(error, GarminConnectTooManyRequestsError) or "429" in text:
        return GarminRateLimited("garmin_rate_limited")
    if isinstance(error, GarminConnectAuthenticationError):
        if "MFA" in text:
            return InvalidInput("garmin_code_wrong")
        return InvalidInput("garmin_login_refused")
    return GarminUnavailable("garmin_unavailable")


async def _in_thread(fn: Any, *args: Any) -> Any:
    try:
        return await asyncio.to_thread(fn, *args)
    except (
        GarminConnectAuthenticationError,
        GarminConnectConnectionError,
        GarminConnectTooManyRequestsError,
    ) as error:
        raise _translate(error) from None


@dataclass(frozen=True)
class LoginResult:
    tokens: str | None  # None: a code is needed, the client waits in PendingLogins
    client: Garmin


async def login(email: str, password: str) -> LoginResult:
    client = Garmin(email, password, return_on_mfa=True)
    status, _ = await _in_thread(client.login)
    if status == "needs_mfa":
        return LoginResult(None, client)
    return LoginResult(client.client.dumps(), client)


async def finish_login(client: Garmin, code: str) -> str:
    await _in_thread(client.resume_login, None, code.strip())
    return client.client.dumps()


class Handoff(Protocol):
    """Where a code that reached another worker waits for the login's owner (storage.shared)."""

    async def begin(self, athlete_id: int, owner: str, expires_at: float) -> None: ...
    async def hand_over(self, athlete_id: int, sealed_code: bytes) -> bool: ...
    async def codes_for(self, owner: str) -> list[tuple[int, bytes]]: ...
    async def answer(self, athlete_id: int, sealed_outcome: bytes) -> None: ...
    async def outcome(self, athlete_id: int) -> bytes | None: ...
    async def end(self, athlete_id: int) -> None: ...


HANDOFF_POLL_S = 0.25
HANDOFF_WAIT_S = 60.0  # the owner's own call to Garmin takes seconds; a dead owner, forever
ERRORS = {kind.__name__: kind for kind in (NotFound, InvalidInput, GarminRateLimited)}


class GarminLogins:
    """The :class:`core.ports.GarminLogin`: tokens sealed with the vault, a login waiting for
    its code held in :class:`PendingLogins`.

    With several workers (``handoff`` given), the runner's code may reach a worker other
    than the one holding the login: that worker hands the code over through the database,
    sealed, and waits for the owner's sealed outcome. A login whose owner died is lost, as
    after a restart: the runner starts /garmin again."""

    def __init__(self, vault: TokenVault, handoff: Handoff | None = None, owner: str = "") -> None:
        self.vault = vault
        self.pending = PendingLogins()
        self.handoff = handoff
        self.owner = owner
        self._serving: asyncio.Task[None] | None = None

    async def start(self, athlete_id: int, email: str, password: str) -> bytes | None:
        result = await login(email, password)
        if result.tokens is not None:
            return self.vault.seal(result.tokens)
        self.pending.put(athlete_id, result.client)
        if self.handoff is not None:
            await self.handoff.begin(athlete_id, self.owner, time.time() + PENDING_LOGIN_S)
            if self._serving is None or self._serving.done():
                self._serving = asyncio.create_task(self._serve_codes(self.handoff))
        return None

    async def finish(self, athlete_id: int, code: str) -> bytes:
        if self.handoff is not None and not self.pending.waiting(athlete_id):
            return await self._finish_elsewhere(self.handoff, athlete_id, code)
        tokens = await self._finish_here(athlete_id, code)
        if self.handoff is not None:
            await self.handoff.end(athlete_id)
        return self.vault.seal(tokens)

    async def _finish_here(self, athlete_id: int, code: str) -> str:
        client = self.pending.take(athlete_id)
        if client is None:
            raise NotFound("garmin_login_expired")
        try:
            return await finish_login(client, code)
        except GoFastError:
            self.pending.put(athlete_id, client)  # a typo, a glitch: the login takes the next code
            raise

    async def _finish_elsewhere(self, handoff: Handoff, athlete_id: int, code: str) -> bytes:
        if not await handoff.hand_over(athlete_id, self.vault.seal(code)):
            raise NotFound("garmin_login_expired")
        deadline = time.monotonic() + HANDOFF_WAIT_S
        while time.monotonic() < deadline:
            sealed = await handoff.outcome(athlete_id)
            if sealed is not None:
                tokens = self._outcome(sealed)  # a refusal raises: the login waits on
                await handoff.end(athlete_id)  # the row held the tokens: gone now
                return tokens
            await asyncio.sleep(HANDOFF_POLL_S)
        raise NotFound("garmin_login_expired")  # its owner is gone

    def _outcome(self, sealed: bytes) -> bytes:
        outcome = json.loads(self.vault.open(sealed))
        if "tokens" in outcome:
            return self.vault.seal(outcome["tokens"])
        kind = ERRORS.get(outcome["kind"], GoFastError)
        raise kind(outcome["code"], **outcome["params"])

    async def _serve_codes(self, handoff: Handoff) -> None:
        """While this worker holds logins: finish those whose code reached another worker."""
        while self.pending.any_waiting():
            try:
                for athlete_id, sealed_code in await handoff.codes_for(self.owner):
                    outcome = await self._try_code(athlete_id, self.vault.open(sealed_code))
                    sealed = self.vault.seal(json.dumps(outcome, default=str))
                    await handoff.answer(athlete_id, sealed)
            except Exception:  # the database away for a moment: the runner may resend
                log.warning("could not serve Garmin codes", exc_info=True)
            await asyncio.sleep(HANDOFF_POLL_S)

    async def _try_code(self, athlete_id: int, code: str) -> dict[str, Any]:
        """The tokens, or the refusal by its class, code and values (see :meth:`_outcome`)."""
        try:
            return {"tokens": await self._finish_here(athlete_id, code)}
        except GoFastError as error:
            return {"kind": type(error).__name__, "code": error.code, "params": error.params}


@dataclass(frozen=True)
class Fetched:
    summaries: list[dict[str, Any]]
    tokens: str  # possibly refreshed during the calls: store these


async def fetch(tokens: str, first: date, last: date) -> Fetched:
    """Activity summaries between two dates, oldest first (pages of 20)."""
    client = Garmin()
    client.client.loads(tokens)
    summaries = await _in_thread(
        client.get_activities_by_date, first.isoformat(), last.isoformat(), None, "asc"
    )
    return Fetched(list(summaries or []), client.client.dumps())


def is_run(summary: dict[str, Any]) -> bool:
    return (summary.get("activityType") or {}).get("typeKey") in RUNNING_SPORTS


def to_activity(summary: dict[str, Any], zone: str) -> AthleteActivity:
    """A Garmin activity summary → our activity (SI units, UTC start, runner-local date)."""
    start = datetime.fromisoformat(summary["startTimeGMT"]).replace(tzinfo=ZoneInfo("UTC"))
    local = summary.get("startTimeLocal")
    local_date = (
        datetime.fromisoformat(local).date() if local else start.astimezone(ZoneInfo(zone)).date()
    )
    return AthleteActivity(
        source=ActivitySource.GARMIN,
        external_id=str(summary["activityId"]),
        start_utc=start,
        local_date=local_date,
        distance_m=float(summary.get("distance") or 0),
        duration_s=float(summary.get("duration") or summary.get("movingDuration") or 0),
        moving_s=float(summary["movingDuration"]) if summary.get("movingDuration") else None,
        avg_hr=summary.get("averageHR"),
        max_hr=summary.get("maxHR"),
        elevation_gain_m=summary.get("elevationGain"),
        sport=(summary.get("activityType") or {}).get("typeKey") or "unknown",
        summary={"name": summary.get("activityName"), "manual": summary.get("manualActivity")},
    )


class GarminFeed:
    """Garmin Connect as an activity feed: tokens are opened and sealed again with the vault."""

    def __init__(self, vault: TokenVault) -> None:
        self.vault = vault

    async def runs(self, sealed_tokens: bytes, first: date, last: date, zone: str) -> FeedPage:
        fetched = await fetch(self.vault.open(sealed_tokens), first, last)
        runs = [to_activity(s, zone) for s in fetched.summaries if is_run(s)]
        return FeedPage(runs, len(fetched.summaries), self.vault.seal(fetched.tokens))
