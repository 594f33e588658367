"""Exactly once across a crash: what an update has done is recorded with it.

A worker killed while it handles an update leaves the update unhandled, and another worker (or
the restarted one) handles it again. Its effects may already be committed: the conversation
moved on, a run stored, a setting toggled. Handling it again must neither apply them twice nor
apply the answer to the *next* question. So, while an update is handled
(:func:`core.effects.handling`):

- every unit-of-work write records its result in ``update_effects`` in its own transaction
  (step ``w1``, ``w2``, … in the order the handler writes); handled again, the same step hands
  back the recorded result instead of writing again (:func:`journaled`);
- every conversation, user- and chat-data row it writes keeps the update's id and the data it
  had before (``bot_state.update_id`` / ``data_before``); handled again, those rows are first
  put back as they were (:meth:`UpdateEffects.rewind`), so the handler reads the question the
  runner answered, not the one after it;
- every Telegram call that shows the runner something (a message, an edit, a callback answer)
  is recorded before it is made and its answer after (:meth:`call_begun`, :meth:`call_done`);
  handled again, a call answered before is not made again (its recorded answer stands in), so
  every question is asked once and Telegram is never asked to answer a query twice or to make
  an edit it already made. Of a call cut off in flight by the kill nobody knows whether it
  went out: a message is sent again (an edit as a new message: the same edit again would be
  refused as "not modified"); a button's answer is not (a second one would be refused).

Results are pickled: the rows are ours, written by this code.
"""

import logging
import pickle
import time
from collections.abc import Callable
from typing import Any, TypeVar

from core.effects import Handling

T = TypeVar("T")
log = logging.getLogger("gofast.effects")


def journaled(conn: Any, handling: Handling, step: str, run: Callable[[], T]) -> T:
    """``run()``'s result, run once per (update, step): in the caller's transaction, so the
    record commits with the write or not at all."""
    found = conn.execute(
        "SELECT result FROM update_effects WHERE update_id = ? AND step = ?",
        (handling.update_id, step),
    ).fetchone()
    if found is not None and found[0] is not None:
        return pickle.loads(bytes(found[0]))
    result = run()
    try:
        recorded = pickle.dumps(result)
    except (pickle.PicklingError, TypeError, AttributeError):
        log.warning("update %s %s: result not recordable", handling.update_id, step)
        return result
    conn.execute(
        "INSERT INTO update_effects (update_id, step, result, created_at) VALUES (?, ?, ?, ?)",
        (handling.update_id, step, recorded, time.time()),
    )
    return result


class UpdateEffects:
    """The journal's operations outside the unit of work (bot.context and bot.coach_bot)."""

    def __init__(self, db: Any) -> None:
        self.db = db

    async def rewind(self, update_id: int) -> int:
        """The bot-state rows ``update_id`` wrote, as they were before it: a re-handled update
        reads the conversation where the runner answered it. The rows put back."""

        def rewind(conn: Any) -> int:
            gone = conn.execute(
                "DELETE FROM bot_state WHERE update_id = ? AND data_before IS NULL", (update_id,)
            ).rowcount
            back = conn.execute(
                "UPDATE bot_state SET data = data_before, data_before = NULL, update_id = NULL "
                "WHERE update_id = ?",
                (update_id,),
            ).rowcount
            return int(gone) + int(back)

        return int(await self.db.write(rewind))

    async def call_begun(self, update_id: int, step: str) -> tuple[bool, str | None]:
        """Record that ``step`` of ``update_id`` is being asked of Telegram: (asked before,
        Telegram's answer then if it came back)."""

        def begin(conn: Any) -> tuple[bool, str | None]:
            cursor = conn.execute(
                "INSERT INTO update_effects (update_id, step, result, created_at) "
                "VALUES (?, ?, NULL, ?) ON CONFLICT (update_id, step) DO NOTHING",
                (update_id, step, time.time()),
            )
            if cursor.rowcount == 1:
                return False, None
            row = conn.execute(
                "SELECT result FROM update_effects WHERE update_id = ? AND step = ?",
                (update_id, step),
            ).fetchone()
            return True, None if row is None or row[0] is None else bytes(row[0]).decode()

        found: tuple[bool, str | None] = await self.db.write(begin)
        return found

    async def call_done(self, update_id: int, step: str, answer: str) -> None:
        """Telegram's answer to ``step``: handled again, the call is not made again."""
        await self.db.write(
            lambda conn: conn.execute(
                "UPDATE update_effects SET result = ? WHERE update_id = ? AND step = ?",
                (answer.encode(), update_id, step),
            )
        )

    async def forget_before(self, moment: float) -> None:
        """Telegram redelivers an update for 24 hours at most: older records serve nothing.
        Rows deleted by a handled update ('null') go too."""

        def forget(conn: Any) -> None:
            conn.execute("DELETE FROM update_effects WHERE created_at < ?", (moment,))
            conn.execute(
                "DELETE FROM bot_state WHERE data = 'null' AND update_id IN "
                "(SELECT update_id FROM inbox WHERE handled_at IS NOT NULL)"
            )

        await self.db.write(forget)
