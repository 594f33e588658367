"""What a runner reads for an error: its code worded by the bot's templates."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bot.render import Renderer, plain
from core.errors import GoFastError

_RENDER = Renderer()


def words(error: GoFastError) -> str:
    return plain(_RENDER.error(error))


@contextmanager
def refused(kind: type[GoFastError], says: str) -> Iterator[None]:
    """Like ``pytest.raises(kind)``, and the runner reads ``says`` in its words."""
    with pytest.raises(kind) as caught:
        yield
    assert says in words(caught.value), words(caught.value)
