"""The Bot the coach talks through: it keeps Telegram's rule of one answer per callback query."""

from typing import Any

from telegram.ext import ExtBot


class CoachBot(ExtBot[None]):
    """Answers each callback query at most once (Telegram refuses a second answer with 400
    and the handler would stop there); :meth:`finish_query` answers the ones nobody did, so
    no button keeps spinning."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with self._unfrozen():
            self._answered: set[str] = set()

    def answered(self, query_id: str) -> bool:
        return query_id in self._answered

    async def answer_callback_query(  # type: ignore[override]
        self, callback_query_id: str, *args: Any, **kwargs: Any
    ) -> bool:
        if callback_query_id in self._answered:
            return False  # the first answer stands
        self._answered.add(callback_query_id)
        return await super().answer_callback_query(callback_query_id, *args, **kwargs)

    async def finish_query(self, query_id: str) -> None:
        """After the update is handled: answer if nobody did, then forget the query."""
        try:
            if query_id not in self._answered:
                await self.answer_callback_query(query_id)
        finally:
            self._answered.discard(query_id)
