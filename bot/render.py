"""One Jinja environment for every message a runner reads (HTML parse mode, autoescaped)."""

import html
import logging
import re
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from core.errors import GoFastError
from core.models import PaceRange, PlannedWorkout
from core.parsing import format_distance, format_duration, format_pace, format_signed_duration
from core.units import Units

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
ERROR_CODES = "errors/codes.html.j2"
log = logging.getLogger(__name__)
ALERT_CHARS = 200  # Telegram's limit for a callback query's answer


def _pace(seconds_per_km: float | None, units: Units) -> str:
    return format_pace(seconds_per_km, units) if seconds_per_km else "—"


def _pace_range(pace: PaceRange | None, units: Units) -> str:
    """``7:05–7:15/mi``: fast end first."""
    if pace is None:
        return "—"
    fast, slow = format_pace(pace.low, units), format_pace(pace.high, units)
    return fast if fast == slow else f"{fast.split('/')[0]}–{slow}"


def _step_distance(metres: float | None, units: Units, rep: bool = False) -> str:
    """A rep or a jog on the track reads in metres (``800 m``), everything else in units."""
    if metres is None:
        return "—"
    if rep and metres < 1600:
        return f"{metres:.0f} m"
    return format_distance(metres, units)


def short_date(value: date) -> str:
    """'Mon 8 Feb': every date a runner reads, one way."""
    return f"{value:%a} {value.day} {value:%b}"


QUOTE_CHARS = 30  # an error quotes this much of what was typed, never all of it


def _quoted(text: str) -> str:
    """``“what was typed”``, cut short: a reply must not echo a 4,000-character paste."""
    cleaned = " ".join(str(text).split())
    return f"“{cleaned[:QUOTE_CHARS]}…”" if len(cleaned) > QUOTE_CHARS else f"“{cleaned}”"


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


class Renderer:
    def __init__(self, root: Path = TEMPLATES) -> None:
        # autoescape on explicitly: select_autoescape would not match *.html.j2. Templates ship
        # with the code: no file check per message (auto_reload), a restart picks up changes.
        self.env = Environment(
            loader=FileSystemLoader(root),
            auto_reload=False,
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(
            duration=format_duration,
            signed=format_signed_duration,
            pace=_pace,
            distance=format_distance,
            day=short_date,
            percent=_percent,
            pace_range=_pace_range,
            step_distance=_step_distance,
            quoted=_quoted,
        )

    def __call__(self, template: str, /, **context: Any) -> str:
        return self.env.get_template(f"{template}.html.j2").render(**context).strip()

    def error(self, error: GoFastError) -> Markup:
        """The error's words: the macro named by its code in ``errors/codes``, filled with its
        values (HTML, safe to place in another template)."""
        words = getattr(self.env.get_template(ERROR_CODES).module, error.code, None)
        if words is None:  # a code without words is our bug: say sorry rather than nothing
            log.error("no words for error code %s", error.code)
            return Markup(self("errors/generic"))
        return Markup(str(words(**error.params)).strip())

    def error_text(self, error: GoFastError) -> str:
        """The error as plain text, short enough for a button's alert (200 characters)."""
        return plain(self.error(error))[:ALERT_CHARS]

    def alert(self, name: str) -> str:
        """A button's alert text (``templates/alerts``), plain."""
        return plain(self("alerts", name=name))[:ALERT_CHARS]

    def workout(self, planned: PlannedWorkout, units: Units, race_name: str | None = None) -> str:
        """A workout's text (HTML-safe, no tags), rendered from its steps."""
        return self("workout/description", planned=planned, units=units, race_name=race_name)


def plain(text: str) -> str:
    """Rendered HTML as plain text (a calendar, the CLI)."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))
