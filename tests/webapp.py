"""The dashboard as Telegram opens it: launch data signed with the test bot's token (the
algorithm Telegram's clients use), the page's address with it in the fragment."""

import json
from datetime import datetime
from typing import Any
from urllib.parse import quote

from init_data_py import sign

LIGHT = {"bg_color": "#ffffff", "text_color": "#000000", "hint_color": "#707579",
         "button_color": "#3390ec", "button_text_color": "#ffffff",
         "secondary_bg_color": "#f4f4f5"}  # fmt: skip
DARK = {"bg_color": "#212121", "text_color": "#ffffff", "hint_color": "#aaaaaa",
        "button_color": "#8774e1", "button_text_color": "#ffffff",
        "secondary_bg_color": "#181818"}  # fmt: skip


def launch_data(token: str, user_id: int, when: datetime, **user: Any) -> str:
    """``initData`` for ``user_id``, signed at ``when``."""
    fields = {"id": user_id, "first_name": "Runner", "language_code": "en", **user}
    return sign({"user": json.dumps(fields, separators=(",", ":"))}, token, auth_date=when)


def page_url(port: int, init_data: str, theme: dict[str, str] | None = None) -> str:
    """The page as Telegram opens it: launch parameters in the fragment."""
    fragment = f"tgWebAppData={quote(init_data)}&tgWebAppVersion=8.0&tgWebAppPlatform=tdesktop"
    fragment += f"&tgWebAppThemeParams={quote(json.dumps(theme or LIGHT))}"
    return f"http://127.0.0.1:{port}/app/#{fragment}"


def headers(init_data: str) -> dict[str, str]:
    return {"Authorization": f"tma {init_data}"}
