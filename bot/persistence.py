"""python-telegram-bot persistence in our own database, written through on every change.

PTB batches persistence writes every ``update_interval``; here each ``update_*`` call writes
its row at once, and :class:`bot.app.CoachApplication` asks for an update after every handled
update, so a kill -9 loses at most the update being handled. Bot data holds the live services
and is never stored; callback data is plain text (see keyboards), so there is nothing to keep.
"""

import json
from collections.abc import Sequence
from copy import deepcopy
from typing import Any, Protocol

from telegram.ext import BasePersistence, ConversationHandler, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey


class StateStore(Protocol):
    """Rows of (kind, key) → JSON data, written at once (storage.bot_state implements it)."""

    async def load(self, kind: str) -> dict[str, Any]: ...
    async def load_key(self, key: str, kinds: Sequence[str]) -> dict[str, Any]: ...
    async def save(self, kind: str, key: str, data: Any) -> None: ...
    def conversation_key(self, key: Sequence[int | str]) -> str: ...


FLUSH_EVERY_S = 60.0  # a safety net; real writes happen per update


class DatabasePersistence(BasePersistence[dict[str, Any], dict[str, Any], dict[str, Any]]):
    def __init__(self, store: StateStore, *, shared: bool = False) -> None:
        """``shared``: other processes write these rows too (webhook workers), so user and
        chat data are read again for every update (see also :meth:`reload_conversations`)."""
        super().__init__(
            store_data=PersistenceInput(bot_data=False, callback_data=False),
            update_interval=FLUSH_EVERY_S,
        )
        self.store = store
        self.shared = shared
        self._written: dict[tuple[str, str], str] = {}  # what the database already holds

    async def _save(self, kind: str, key: str, data: Any) -> None:
        """Write only what changed: PTB asks after every update, most change nothing."""
        encoded = _encoded(data)
        if self._written.get((kind, key)) == encoded:
            return
        await self.store.save(kind, key, data)
        self._written[(kind, key)] = encoded

    async def _load_ids(self, kind: str) -> dict[int, dict[str, Any]]:
        stored = await self.store.load(kind)
        self._remember(kind, stored)
        return {int(key): value for key, value in stored.items()}

    async def get_user_data(self) -> dict[int, dict[str, Any]]:
        return await self._load_ids("user")

    async def get_chat_data(self) -> dict[int, dict[str, Any]]:
        return await self._load_ids("chat")

    async def get_bot_data(self) -> dict[str, Any]:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        stored = await self.store.load(f"conversation:{name}")
        self._remember(f"conversation:{name}", stored)
        return {tuple(json.loads(key)): state for key, state in stored.items()}

    def _remember(self, kind: str, stored: dict[str, Any]) -> None:
        for key, data in stored.items():
            self._written[(kind, key)] = _encoded(data)

    async def reload_conversations(
        self,
        handlers: Sequence[ConversationHandler],
        key: ConversationKey,
    ) -> None:
        """Where each conversation of ``key`` stands in the database now: another process may
        have moved it on. PTB keeps conversation states in memory only (``_conversations``,
        a private dict it fills from persistence at start), so they are set there."""
        stored_key = self.store.conversation_key(key)
        kinds = {f"conversation:{handler.name}": handler for handler in handlers}
        stored = await self.store.load_key(stored_key, list(kinds))
        for kind, handler in kinds.items():
            state = stored.get(kind)
            # PTB keeps this private and untyped; there is no public way to set a state
            states = handler._conversations.data  # type: ignore[attr-defined]
            if state is None:
                states.pop(key, None)
            else:
                states[key] = state
            self._written[(kind, stored_key)] = _encoded(state)

    async def _reload(self, kind: str, key: str, data: dict[str, Any]) -> None:
        if not self.shared:
            return
        stored = (await self.store.load_key(key, [kind])).get(kind)
        data.clear()
        data.update(stored or {})
        self._written[(kind, key)] = _encoded(stored)

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        await self._save(f"conversation:{name}", self.store.conversation_key(key), new_state)

    async def update_user_data(self, user_id: int, data: dict[str, Any]) -> None:
        await self._save("user", str(user_id), deepcopy(data) or None)

    async def update_chat_data(self, chat_id: int, data: dict[str, Any]) -> None:
        await self._save("chat", str(chat_id), deepcopy(data) or None)

    async def update_bot_data(self, data: dict[str, Any]) -> None:
        return None

    async def update_callback_data(self, data: Any) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        await self._save("chat", str(chat_id), None)

    async def drop_user_data(self, user_id: int) -> None:
        await self._save("user", str(user_id), None)

    async def refresh_user_data(self, user_id: int, user_data: dict[str, Any]) -> None:
        await self._reload("user", str(user_id), user_data)

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[str, Any]) -> None:
        await self._reload("chat", str(chat_id), chat_data)

    async def refresh_bot_data(self, bot_data: dict[str, Any]) -> None:
        return None

    async def flush(self) -> None:
        return None  # every write is already durable


def _encoded(data: Any) -> str:
    return json.dumps(data, sort_keys=True, default=str)
