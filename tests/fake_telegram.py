"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests and benchmarks.

It speaks the wire format python-telegram-bot uses (POST form or multipart, JSON answers),
holds a queue of updates for getUpdates, serves files for getFile, and records every call the
bot makes. Optional rate limits answer 429 with retry_after, like the real API.

It refuses what the real Bot API refuses, with the real error texts (a second answer to a
callback query, an edit that changes nothing or targets no message, text over 4,096 or a caption
over 1,024 characters after entity parsing, HTML Telegram cannot parse, ``getFile`` over 20 MB):
a kinder double would hide flows that break for real runners. Every refusal is kept in
``refused`` so a test can tell a broken flow from a green one.
"""

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "GoFast", "username": "gofast_test_bot"}
RAW_TEXT_FIELDS = {
    "text",
    "caption",
    "callback_query_id",
    "file_id",
    "data",
    "parse_mode",
    "url",
    "filename",
    "description",
    "name",
}


MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_DOWNLOAD = 20 * 1024 * 1024
HTML_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "span",
    "tg-spoiler", "blockquote", "tg-emoji",
}  # fmt: skip
_BARE_AMP = re.compile(r"&(?!(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")
_BARE_LT = re.compile(r"<(?![/a-zA-Z])")
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
FILE_TOO_BIG = "Bad Request: file is too big"
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"


class Refused(Exception):
    def __init__(self, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.description, self.status = description, status


class _TelegramHtml(HTMLParser):
    """Telegram's HTML subset: the plain text it leaves, or the refusal it answers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in HTML_TAGS:
            raise Refused(f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"')
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            expected = f"</{self.open[-1]}>" if self.open else "nothing"
            raise Refused(
                "Bad Request: can't parse entities: Unmatched end tag, "
                f'expected "{expected}", found "</{tag}>"'
            )
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        self.text.append(unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.text.append(unescape(f"&#{name};"))


def plain_text(text: str, parse_mode: str | None) -> str:
    """What Telegram shows of ``text`` (entities parsed), or :class:`Refused`."""
    if (parse_mode or "").upper() != "HTML":
        return text
    if _BARE_AMP.search(text) or _BARE_LT.search(text):
        raise Refused("Bad Request: can't parse entities: unexpected character or entity")
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.open:
        raise Refused(
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag "
            f'"{parser.open[-1]}"'
        )
    return "".join(parser.text)


@dataclass
class Call:
    seq: int
    method: str
    params: dict[str, Any]
    chat_id: int | None = None  # for answerCallbackQuery: the chat of the pressed button
    at: float = field(default_factory=time.monotonic)

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def buttons(self) -> list[tuple[str, str]]:
        markup = self.params.get("reply_markup") or {}
        return [
            (b["text"], b.get("callback_data", ""))
            for row in markup.get("inline_keyboard", [])
            for b in row
        ]


PRELUDES = frozenset({"answerCallbackQuery", "editMessageReplyMarkup"})
PRELUDE_GRACE_S = 0.5
HANDLED_POLL_S = 0.01  # how often a bot in another process is asked whether it is done


class FakeTelegram:
    def __init__(self, token: str = "123456:TEST-token") -> None:
        self.token = token
        self.calls: list[Call] = []
        self.refused: list[tuple[Call, str]] = []  # calls the real API would refuse, and why
        self.files: dict[str, bytes] = {}
        self.file_sizes: dict[str, int] = {}  # the true size, when a test fakes a large file
        self.forbidden_chats: set[int] = set()
        self.forbidden_hits = 0
        self.rate_limited = 0
        self.rate_limit_per_s: float | None = None  # global 429 above this rate
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}  # (chat, id) → text, markup
        self.queries: dict[str, int] = {}  # callback query id → answers given
        # presses a killed bot was handling: its answer may have been cut off in flight, and
        # the restarted bot can't know whether it went out (a second would be refused)
        self.cut_off_queries: set[str] = set()
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self._changed = asyncio.Condition()
        self._sent_times: list[float] = []
        self._query_chats: dict[str, int] = {}
        self._subscribers: dict[int, asyncio.Queue[Call]] = {}
        # updates an application in this process finished (see watch): an exchange ends then
        self._handled: set[int] = set()
        self._is_handled: Callable[[int], bool] | None = None
        self._closing = False
        self.runner: web.AppRunner | None = None
        self.port = 0
        self.webhook: dict[str, Any] | None = None  # what setWebhook set (url, secret_token)
        self.menu_button: dict[str, Any] | None = None  # what setChatMenuButton set
        # webhook mode: how an update reaches the bot (a test's load balancer), instead of
        # waiting for getUpdates
        self.deliver: Callable[[dict[str, Any]], Awaitable[None]] | None = None
        # a request this matches never reaches "Telegram": the connection hangs, as a network
        # cut would leave it, until the bot is killed (see cut_off)
        self.cut: Callable[[str, dict[str, Any]], bool] | None = None
        self.cut_seen = asyncio.Event()
        self._released = asyncio.Event()

    # ---- lifecycle ----------------------------------------------------------------------

    async def start(self) -> "FakeTelegram":
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.*}", self._file)
        # a test's last requests never keep the server (and the test) waiting for long
        self.runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        self._released.set()
        async with self._changed:  # a long poll still waiting ends now, not at its timeout
            self._closing = True
            self._changed.notify_all()
        if self.runner:
            await self.runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # ---- what tests do ------------------------------------------------------------------

    async def push_update(self, payload: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        if self.deliver is not None:
            await self.deliver({"update_id": update_id, **payload})
            return update_id
        async with self._changed:
            self._updates.append({"update_id": update_id, **payload})
            self._changed.notify_all()
        return update_id

    def user(
        self, user_id: int, first_name: str = "Runner", group: int | None = None
    ) -> "FakeUser":
        """A runner in their private chat, or in the group ``group`` (a negative chat id)."""
        return FakeUser(self, user_id, first_name, group)

    def next_message_id(self, chat_id: int) -> int:
        """One sequence per chat for the runner's and the bot's messages, as in Telegram."""
        return next(self._message_ids[chat_id])

    def expect_refusals(self, description: str) -> int:
        """A test that provokes a refusal on purpose takes it off ``refused``; how many."""
        kept = [(call, why) for call, why in self.refused if why != description]
        expected, self.refused[:] = len(self.refused) - len(kept), kept
        return expected

    def unanswered_queries(self) -> list[str]:
        return [
            query
            for query, answers in self.queries.items()
            if answers == 0 and query not in self.cut_off_queries
        ]

    def last_keyboard_message(self, chat_id: int, data: str) -> tuple[int, dict[str, Any]] | None:
        """The newest bot message in ``chat_id`` with a button carrying ``data``."""
        for (chat, message_id), message in reversed(self.messages.items()):
            if chat == chat_id and data in _callback_data(message.get("reply_markup")):
                return message_id, message
        return None

    def calls_to(self, chat_id: int, since: int = 0) -> list[Call]:
        return [c for c in self.calls if c.seq > since and c.chat_id == chat_id]

    async def wait_for(self, predicate, timeout: float = 5.0) -> Call:  # type: ignore[no-untyped-def]
        """The first recorded call (old or new) matching ``predicate``."""
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                found = next((c for c in self.calls if predicate(c)), None)
                if found:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("the bot never made the expected call")
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    continue

    def watch(self, application: Any) -> None:
        """Learn when ``application`` (in this process) has finished each update, so an
        exchange ends the moment its update is handled instead of after a silence."""
        process = application.process_update

        async def process_and_tell(update: object) -> None:
            try:
                await process(update)
            finally:
                update_id = getattr(update, "update_id", None)
                if update_id is not None:
                    async with self._changed:
                        self._handled.add(update_id)
                        self._changed.notify_all()

        application.process_update = process_and_tell
        self._is_handled = self._handled.__contains__

    def watch_process(self, is_handled: Callable[[int], bool]) -> None:
        """A bot in another process: an update is over once ``is_handled(update_id)`` (the
        bot's inbox says so)."""
        self._is_handled = is_handled

    async def handled(self, update_id: int, timeout: float = 60.0) -> None:
        """Wait until the watched bot has finished ``update_id``."""
        assert self._is_handled is not None
        deadline = time.monotonic() + timeout
        while not self._is_handled(update_id):
            if time.monotonic() > deadline:
                raise TimeoutError(f"update {update_id} was never handled")
            async with self._changed:  # woken by the bot's calls, else look again soon
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), HANDLED_POLL_S)

    async def exchange(self, chat_id: int, payload: dict[str, Any], quiet: float) -> list[Call]:
        """Deliver ``payload`` and return the bot's calls to ``chat_id`` it caused: all of
        them once a watched application has handled it, else after ``quiet`` s of silence."""
        since = self.last_seq
        update_id = await self.push_update(payload)
        if self._is_handled is None:
            return await self.settle(chat_id, since, quiet=quiet)
        await self.handled(update_id)
        return self.calls_to(chat_id, since)

    async def settle(
        self, chat_id: int, since: int, quiet: float = 0.15, timeout: float = 8.0
    ) -> list[Call]:
        """Calls to ``chat_id`` after ``since``, once at least one came and none for ``quiet`` s
        (longer after a bare answer or button change: the reply itself is usually on its way,
        and a busy test machine can take more than ``quiet`` to compute it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            calls = self.calls_to(chat_id, since)
            if calls:
                wait = quiet + (PRELUDE_GRACE_S if calls[-1].method in PRELUDES else 0)
                if time.monotonic() - calls[-1].at >= wait:
                    return calls
            await asyncio.sleep(0.02)
        raise TimeoutError(f"no answer in chat {chat_id}")

    def subscribe(self, chat_id: int) -> "asyncio.Queue[Call]":
        """Every later call to ``chat_id``, as it happens (for load tests)."""
        return self._subscribers.setdefault(chat_id, asyncio.Queue())

    @property
    def last_seq(self) -> int:
        return self.calls[-1].seq if self.calls else 0

    # ---- the API ------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, web.FileField):
                params[key] = {"filename": value.filename, "content": value.file.read()}
            elif key in RAW_TEXT_FIELDS:
                params[key] = value
            else:
                try:
                    params[key] = json.loads(value)
                except (TypeError, ValueError):
                    params[key] = value
        return params

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await self._params(request)
        if method == "getUpdates":
            if self.webhook:
                return _error(409, "Conflict: can't use getUpdates method while webhook is active")
            return _ok(await self._get_updates(params))
        chat_id = params.get("chat_id")
        if chat_id is not None and int(chat_id) in self.forbidden_chats:
            self.forbidden_hits += 1
            return _error(403, "Forbidden: bot was blocked by the user")
        if self.cut is not None and self.cut(method, params):
            self.cut = None
            self.cut_seen.set()
            await self._released.wait()  # never answered: the bot is killed meanwhile
            return _error(502, "Bad Gateway")
        if method.startswith("send") and self.rate_limit_per_s and self._over_limit():
            self.rate_limited += 1
            return _error(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        call = await self._record(method, params)
        try:
            self._check(method, params)
        except Refused as refusal:
            self.refused.append((call, refusal.description))
            return _error(refusal.status, refusal.description)
        return _ok(self._answer(method, params))

    # ---- what the real API refuses ------------------------------------------------------

    def _check(self, method: str, params: dict[str, Any]) -> None:
        self._check_web_apps(method, params)
        if method == "answerCallbackQuery":
            self._check_answer(params)
        elif method in ("sendMessage", "editMessageText"):
            self._check_text(params.get("text") or "", params.get("parse_mode"), MAX_TEXT)
        elif "caption" in params:
            self._check_text(params["caption"], params.get("parse_mode"), MAX_CAPTION, True)
        if method.startswith("edit"):
            self._check_edit(method, params)
        elif method == "deleteMessage" and self._key(params) not in self.messages:
            raise Refused("Bad Request: message to delete not found")
        elif method == "getFile":
            size = self.file_sizes.get(
                params["file_id"], len(self.files.get(params["file_id"], b""))
            )
            if size > MAX_DOWNLOAD:
                raise Refused(FILE_TOO_BIG)

    def _check_web_apps(self, method: str, params: dict[str, Any]) -> None:
        """Mini Apps open only over https, and inline web_app buttons only in private chats."""
        markup = params.get("reply_markup") or {}
        urls = [
            (b.get("web_app") or {}).get("url")
            for row in markup.get("inline_keyboard", [])
            for b in row
            if "web_app" in b
        ]
        if urls and int(params.get("chat_id") or 0) < 0:
            raise Refused("Bad Request: BUTTON_TYPE_INVALID")
        menu = params.get("menu_button") or {}
        if method == "setChatMenuButton":
            self.menu_button = menu
            if menu.get("type") == "web_app":
                urls.append((menu.get("web_app") or {}).get("url"))
        for url in urls:
            if not str(url or "").startswith("https://"):
                raise Refused(f"Bad Request: Web App URL '{url}' is invalid: only HTTPS links")

    def _check_answer(self, params: dict[str, Any]) -> None:
        query = params["callback_query_id"]
        if self.queries.get(query) != 0:  # unknown, or answered already
            raise Refused(QUERY_INVALID)
        self.queries[query] = 1
        if len(params.get("text") or "") > 200:
            raise Refused("Bad Request: MESSAGE_TOO_LONG")

    @staticmethod
    def _check_text(text: str, parse_mode: str | None, limit: int, caption: bool = False) -> None:
        shown = plain_text(text, parse_mode)
        if not shown.strip() and not caption:
            raise Refused("Bad Request: message text is empty")
        if len(shown) > limit:
            kind = "caption" if caption else "message"
            raise Refused(f"Bad Request: {kind} is too long")

    @staticmethod
    def _key(params: dict[str, Any]) -> tuple[int, int]:
        return int(params.get("chat_id") or 0), int(params.get("message_id") or 0)

    def _check_edit(self, method: str, params: dict[str, Any]) -> None:
        message = self.messages.get(self._key(params))
        if message is None:
            raise Refused("Bad Request: message to edit not found")
        changed = dict(message, reply_markup=params.get("reply_markup") or None)
        if method == "editMessageText":
            changed["text"] = plain_text(params["text"], params.get("parse_mode"))
        if changed == message:
            raise Refused(NOT_MODIFIED)
        message.update(changed)

    def _over_limit(self) -> bool:
        now = time.monotonic()
        self._sent_times = [t for t in self._sent_times if now - t < 1.0]
        if len(self._sent_times) >= (self.rate_limit_per_s or 0):
            return True
        self._sent_times.append(now)
        return False

    async def _record(self, method: str, params: dict[str, Any]) -> Call:
        chat = params.get("chat_id")
        if chat is None and "callback_query_id" in params:
            chat = self._query_chats.get(params["callback_query_id"])
        call = Call(len(self.calls) + 1, method, params, int(chat) if chat is not None else None)
        if call.chat_id in self._subscribers:
            self._subscribers[call.chat_id].put_nowait(call)
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()
        return call

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        async with self._changed:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and time.monotonic() < deadline and not self._closing:
                try:
                    await asyncio.wait_for(self._changed.wait(), deadline - time.monotonic())
                except TimeoutError:
                    break
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            return self._updates[:limit]

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "setWebhook":
            self.webhook = params
        if method == "getFile":
            file_id = params["file_id"]
            content = self.files.get(file_id, b"")
            return {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_size": len(content),
                "file_path": f"fake-files-xyz/{file_id}",
            }
        if method in ("sendMessage", "sendDocument", "sendPhoto", "editMessageText"):
            return self._message(params)
        return True

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"]) if "chat_id" in params else 0
        message_id = int(params.get("message_id") or self.next_message_id(chat_id))
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": BOT_USER,
        }
        if "text" in params:
            message["text"] = plain_text(params["text"], params.get("parse_mode"))
        if "message_id" not in params:  # a new message: remember what it shows
            self.messages[(chat_id, message_id)] = {
                "text": message.get("text"),
                "reply_markup": params.get("reply_markup") or None,
            }
        if "document" in params:
            message["document"] = {
                "file_id": f"sent-{message_id}",
                "file_unique_id": f"u{message_id}",
            }
        if "photo" in params:
            message["photo"] = [
                {
                    "file_id": f"p-{message_id}",
                    "file_unique_id": f"p{message_id}",
                    "width": 800,
                    "height": 600,
                }
            ]
        return message

    async def _file(self, request: web.Request) -> web.Response:
        file_id = request.match_info["path"].rsplit("/", 1)[-1]
        if file_id not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[file_id])


def _callback_data(markup: dict[str, Any] | None) -> list[str]:
    rows = (markup or {}).get("inline_keyboard", [])
    return [button.get("callback_data", "") for row in rows for button in row]


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(status: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


class FakeUser:
    """A runner in a private chat with the bot (chat id = user id), or in a group."""

    def __init__(
        self, server: FakeTelegram, user_id: int, first_name: str, group: int | None = None
    ) -> None:
        self.server, self.id, self.first_name = server, user_id, first_name
        self.chat_id = group if group is not None else user_id
        self.quiet = 0.15  # how long the bot must stay silent before an exchange is over
        self._ids = itertools.count(1)

    @property
    def _from(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": False, "first_name": self.first_name}

    @property
    def _chat(self) -> dict[str, Any]:
        if self.chat_id == self.id:
            return {"id": self.id, "type": "private", "first_name": self.first_name}
        return {"id": self.chat_id, "type": "supergroup", "title": "Running club"}

    def _message(self, **content: Any) -> dict[str, Any]:
        message_id = self.server.next_message_id(self.chat_id)
        self.server.messages[(self.chat_id, message_id)] = {"from_user": self.id}
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat,
            "from": self._from,
            **content,
        }

    async def send(self, text: str) -> list[Call]:
        """Send text (a command when it starts with /) and return the bot's answer calls."""
        return await self._exchange(self.text_update(text))

    def text_update(self, text: str) -> dict[str, Any]:
        """A message of ``text``, a command when it starts with /."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return {"message": self._message(**content)}

    def press_update(self, data: str, message_id: int | None = None) -> dict[str, Any]:
        """A callback query for the newest bot message showing a button with ``data``; a
        forged ``data`` (no such button) comes from the bot's newest message in the chat."""
        found = self.server.last_keyboard_message(self.chat_id, data)
        if message_id is None and found is not None:
            message_id, shown = found
        else:
            message_id = message_id or self._newest_bot_message()
            shown = self.server.messages.get((self.chat_id, message_id), {})
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat,
            "from": BOT_USER,
            "text": shown.get("text") or "…",
        }
        markup = shown.get("reply_markup") or {}
        if "inline_keyboard" in markup:  # only a message with buttons under it can be pressed
            message["reply_markup"] = markup
        query = {
            "id": f"cq{self.id}-{next(self._ids)}",
            "from": self._from,
            "chat_instance": "ci",
            "data": data,
            "message": message,
        }
        self.server._query_chats[query["id"]] = self.chat_id
        self.server.queries[query["id"]] = 0
        return {"callback_query": query}

    def _newest_bot_message(self) -> int:
        mine = [
            m for (c, m), v in self.server.messages.items() if c == self.chat_id and "text" in v
        ]
        if mine:
            return mine[-1]
        message_id = self.server.next_message_id(self.chat_id)  # a message from before our time
        self.server.messages[(self.chat_id, message_id)] = {"text": "…", "reply_markup": None}
        return message_id

    def newest_button(self, prefix: str) -> str:
        """The data of the newest bot message's button starting with ``prefix`` (buttons whose
        data carries a question's number)."""
        for (chat, _), shown in reversed(list(self.server.messages.items())):
            if chat == self.chat_id:
                for data in _callback_data(shown.get("reply_markup")):
                    if data.startswith(prefix):
                        return data
        raise AssertionError(f"no button {prefix}… in chat {self.chat_id}")

    async def press(self, data: str, message_id: int | None = None) -> list[Call]:
        return await self._exchange(self.press_update(data, message_id))

    async def send_file(
        self,
        name: str,
        content: bytes,
        size: int | None = None,
        true_size: int | None = None,
    ) -> list[Call]:
        """``size`` is what the document claims (``-1``: no size given); ``true_size`` is what
        the server knows (defaults to the content's length)."""
        file_id = f"f{self.id}-{next(self._ids)}"
        self.server.files[file_id] = content
        if true_size is not None:
            self.server.file_sizes[file_id] = true_size
        document: dict[str, Any] = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": name,
        }
        claimed = len(content) if size is None else size
        if claimed >= 0:
            document["file_size"] = claimed
        return await self._exchange({"message": self._message(document=document)})

    async def send_location(self, latitude: float, longitude: float) -> list[Call]:
        location = {"latitude": latitude, "longitude": longitude}
        return await self._exchange({"message": self._message(location=location)})

    async def send_sticker(self) -> list[Call]:
        sticker = {
            "file_id": "stk",
            "file_unique_id": "stk",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
        return await self._exchange({"message": self._message(sticker=sticker)})

    async def _exchange(self, payload: dict[str, Any]) -> list[Call]:
        return await self.server.exchange(self.chat_id, payload, self.quiet)
