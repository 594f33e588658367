"""The engine's error types. Each carries a message fit to show a runner as is."""


class GoFastError(Exception):
    """Base of every domain error; ``message`` is friendly, never a traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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


class RateLimited(GoFastError):
    """A service (Garmin) asked us to slow down; ``level`` counts back-offs in a row."""

    def __init__(self, message: str, level: int = 0) -> None:
        super().__init__(message)
        self.level = level
