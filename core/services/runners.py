"""Who is asking: the runner behind a Telegram user, and their day."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from core.errors import NotFound
from core.models import Athlete
from core.ports import UnitOfWork

T = TypeVar("T")


def local_today(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


async def known_runner(uow: UnitOfWork, telegram_user_id: int) -> Athlete:
    athlete = await uow.athletes.athlete_by_telegram(telegram_user_id)
    if athlete is None:
        raise NotFound("unknown_runner")
    return athlete


@dataclass(frozen=True)
class AsRunner(Generic[T]):
    athlete: Athlete
    today: date  # the runner's local date
    result: T


async def as_runner(
    uow: UnitOfWork,
    telegram_user_id: int,
    now: datetime,
    work: Callable[[UnitOfWork, Athlete, date], Awaitable[T]],
) -> AsRunner[T]:
    """``work`` for the runner behind ``telegram_user_id`` on their local today, in the same
    unit of work as finding them (one trip to storage for the whole answer)."""
    athlete = await known_runner(uow, telegram_user_id)
    today = local_today(now, athlete.time_zone)
    return AsRunner(athlete, today, await work(uow, athlete, today))
