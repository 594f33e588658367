"""The engine's error types. Each carries a ``code`` and the values to word it; the words live
in ``templates/errors/codes.html.j2`` (one macro per code), so the engine holds no prose."""

from typing import Any


class GoFastError(Exception):
    """Base of every domain error: ``code`` names the macro that words it, ``params`` fill it."""

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled by code and values (a file's refusal comes back from the worker process);
        the default would call ``cls(code, params)`` and fail."""
        return (_rebuilt, (type(self), self.code, self.params), self.__dict__)

    def __str__(self) -> str:  # logs and tracebacks: the code and its values, never prose
        values = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.code}({values})"


class InvalidInput(GoFastError):
    """Something a runner typed (or a caller passed) makes no sense."""


class PlanError(GoFastError):
    """A plan cannot be built from these inputs (e.g. the race is too close)."""


class NotFound(GoFastError):
    """An id that does not exist, or does not belong to the caller."""


class AlreadyDone(GoFastError):
    """That change was already made (a week judged twice), or can no longer be made."""


class AlreadyLinked(GoFastError):
    """The activity or the planned day is already linked."""


class DayTaken(GoFastError):
    """The day has its run already: a second run joins it only when the runner says so."""


class RateLimited(GoFastError):
    """A service (Garmin) asked us to slow down; ``level`` counts back-offs in a row."""

    def __init__(self, code: str = "garmin_rate_limited", /, level: int = 0, **params: Any):
        super().__init__(code, **params)
        self.level = level


def _rebuilt(kind: type[GoFastError], code: str, params: dict[str, Any]) -> GoFastError:
    return kind(code, **params)
