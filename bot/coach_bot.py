"""The Bot the coach talks through: one answer per callback query, and no update lost."""

import html
import json
import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from core import effects

log = logging.getLogger(__name__)
MAX_TEXT = 4096  # characters Telegram shows in one message, once HTML tags are parsed
MAX_CAPTION = 1024
_TAG = re.compile(r"<[^>]+>")
SHOWN_KEPT = 2000  # messages whose last edit we remember
Keeper = Callable[[Sequence[dict[str, Any]]], Awaitable[set[int]]]


class DeliveryRequest(HTTPXRequest):
    """The getUpdates connection: hands each batch of updates, as Telegram sent them, to
    ``on_delivery`` before PTB parses them (no second serialisation to store them)."""

    on_delivery: Callable[[list[dict[str, Any]]], Awaitable[None]] | None = None

    # PTB marks post() final; hooking it is the one place that sees each raw batch of updates
    async def post(self, url: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[misc]
        result = await super().post(url, *args, **kwargs)
        if self.on_delivery is not None and isinstance(result, list) and result:
            await self.on_delivery(result)
        return result


class CoachBot(ExtBot[None]):
    """Answers each callback query at most once (Telegram refuses a second answer with 400
    and the handler would stop there); :meth:`finish_query` answers the ones nobody did, so no
    button keeps spinning. With a keeper (:meth:`keep_updates`), every update is stored before
    Telegram hears it was received."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with self._unfrozen():
            self._answered: set[str] = set()
            self._keeper: Keeper | None = None
            self._calls: CallJournal | None = None
            self._repeats: set[int] = set()
            # what our last edits left on screen: a double tap's second edit would change nothing
            self._shown: OrderedDict[tuple[object, object], tuple[str | None, object]] = (
                OrderedDict()
            )

    def keep_calls(self, journal: "CallJournal") -> None:
        """``journal`` records what each update asks of Telegram (storage.effects): handled
        again after a crash, an update does not ask again what its first attempt got."""
        with self._unfrozen():
            self._calls = journal

    async def _do_post(self, endpoint: str, data: dict[str, Any], **kwargs: Any) -> Any:
        handling = effects.current()
        if handling is None or self._calls is None or endpoint not in JOURNALED:
            return await super()._do_post(endpoint, data, **kwargs)
        step = handling.call_step(endpoint, _asked(data))
        asked_before, answer = await self._calls.call_begun(handling.update_id, step)
        if answer is not None:  # made before the crash: that answer stands, no second call
            return json.loads(answer)
        if asked_before:  # cut off in flight: maybe made, maybe not
            if endpoint not in AGAIN:
                return True  # a second answer or the same markup would be refused
            if endpoint == "editMessageText":  # the same edit again: "not modified"
                endpoint, data = "sendMessage", _as_message(data)
        result = await super()._do_post(endpoint, data, **kwargs)
        await self._calls.call_done(handling.update_id, step, json.dumps(result))
        return result

    def keep_updates(self, keeper: Keeper) -> None:
        """``keeper`` stores updates durably and names the ones it has seen before."""
        with self._unfrozen():
            self._keeper = keeper

    async def delivered(self, raw: list[dict[str, Any]]) -> None:
        """A getUpdates answer as Telegram sent it (see DeliveryRequest): stored before PTB
        reads it, since the next getUpdates confirms these updates to Telegram."""
        if self._keeper is not None:
            self._repeats |= await self._keeper(raw)

    def is_repeat(self, update: Update) -> bool:
        """Delivered before (and handled, or being replayed from the inbox): skip it."""
        if update.update_id in self._repeats:
            self._repeats.discard(update.update_id)
            return True
        return False

    def answered(self, query_id: str) -> bool:
        return query_id in self._answered

    async def answer_callback_query(
        self, callback_query_id: str, *args: Any, **kwargs: Any
    ) -> bool:
        if callback_query_id in self._answered:
            return False  # the first answer stands
        self._answered.add(callback_query_id)
        try:
            return await super().answer_callback_query(callback_query_id, *args, **kwargs)
        except BadRequest as error:
            # a press replayed after a restart is too old to answer; its handling still counts
            if "query is too old" not in str(error).lower():
                raise
            log.info("callback query %s expired before its answer", callback_query_id)
            return False

    # The overrides below take PTB's many keyword parameters as **kwargs and pass them on
    # untouched; mypy counts that as a narrower signature (hence the override ignores).
    async def edit_message_text(  # type: ignore[override]
        self, text: str, chat_id: Any = None, message_id: Any = None, **kwargs: Any
    ) -> Any:
        key, markup = (chat_id, message_id), kwargs.get("reply_markup")
        if self._shown.get(key) == (text, markup):
            return True
        result = await super().edit_message_text(text, chat_id, message_id, **kwargs)
        self._remember(key, text, markup)
        return result

    async def edit_message_reply_markup(  # type: ignore[override]
        self, chat_id: Any = None, message_id: Any = None, **kwargs: Any
    ) -> Any:
        key, markup = (chat_id, message_id), kwargs.get("reply_markup")
        before = self._shown.get(key)
        if before is not None and before[1] == markup:
            return True
        result = await super().edit_message_reply_markup(chat_id, message_id, **kwargs)
        self._remember(key, before[0] if before else None, markup)
        return result

    def _remember(self, key: tuple[object, object], text: str | None, markup: object) -> None:
        """What our last edit of a message left on screen (the newest ``SHOWN_KEPT``)."""
        self._shown[key] = (text, markup)
        self._shown.move_to_end(key)
        while len(self._shown) > SHOWN_KEPT:
            self._shown.popitem(last=False)

    async def send_message(  # type: ignore[override]
        self, chat_id: Any, text: str, **kwargs: Any
    ) -> Any:
        """A text over Telegram's limit (a long history, a long plan) goes as several
        messages, cut between lines; the buttons go with the last."""
        parts = split_text(text)
        markup = kwargs.pop("reply_markup", None)
        for part in parts[:-1]:
            await super().send_message(chat_id, part, **kwargs)
        return await super().send_message(chat_id, parts[-1], reply_markup=markup, **kwargs)

    async def send_photo(  # type: ignore[override]
        self, chat_id: Any, photo: Any, caption: str | None = None, **kwargs: Any
    ) -> Any:
        """A caption over Telegram's limit follows the photo as a message of its own."""
        if caption is None or len(visible(caption)) <= MAX_CAPTION:
            return await super().send_photo(chat_id, photo, caption=caption, **kwargs)
        sent = await super().send_photo(chat_id, photo, **kwargs)
        await self.send_message(chat_id, caption)
        return sent

    async def finish_query(self, query_id: str) -> None:
        """After the update is handled: answer if nobody did, then forget the query."""
        try:
            if query_id not in self._answered:
                await self.answer_callback_query(query_id)
        finally:
            self._answered.discard(query_id)


class CallJournal(Protocol):
    """What each update asked of Telegram and got (storage.effects implements it)."""

    async def call_begun(self, update_id: int, step: str) -> tuple[bool, str | None]: ...
    async def call_done(self, update_id: int, step: str, answer: str) -> None: ...


# what a runner sees: recorded per update, so an update handled again doesn't ask twice
JOURNALED = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
        "deleteMessage",
        "answerCallbackQuery",
    }
)
AGAIN = frozenset({"sendMessage", "sendPhoto", "sendDocument", "editMessageText"})


def _asked(data: dict[str, Any]) -> str:
    """What a call asks, the same in every process (keyboards as their JSON, files by name)."""
    return json.dumps(data, sort_keys=True, default=_plain)


def _plain(value: object) -> object:
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    return getattr(value, "filename", None) or type(value).__name__


def _as_message(data: dict[str, Any]) -> dict[str, Any]:
    """An edit as a new message of the same text and buttons."""
    kept = ("chat_id", "text", "parse_mode", "reply_markup", "link_preview_options")
    return {name: data[name] for name in kept if name in data}


def visible(text: str) -> str:
    """What Telegram shows of our HTML: tags gone, entities read."""
    return html.unescape(_TAG.sub("", text))


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Whole lines per part, each within ``limit`` visible characters. Our templates close
    every tag on the line that opens it, so each part is valid HTML on its own; a single line
    longer than the limit loses its formatting and is cut."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in _short_lines(text, limit):
        length = len(visible(line)) + 1
        if current and size + length > limit:
            parts.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += length
    parts.append("\n".join(current))
    return [part for part in parts if part.strip()] or [text]


def _short_lines(text: str, limit: int) -> list[str]:
    lines = []
    for line in text.split("\n"):
        shown = visible(line)
        if len(shown) <= limit:
            lines.append(line)
        else:
            lines += [html.escape(shown[i : i + limit]) for i in range(0, len(shown), limit)]
    return lines
