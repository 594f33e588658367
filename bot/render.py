"""One Jinja environment for every message a runner reads (HTML parse mode, autoescaped)."""

from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from core.parsing import format_distance, format_duration, format_pace, format_signed_duration
from core.units import Units

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def _pace(seconds_per_km: float | None, units: Units) -> str:
    return format_pace(seconds_per_km, units) if seconds_per_km else "—"


def _day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b}"


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


class Renderer:
    def __init__(self, root: Path = TEMPLATES) -> None:
        # autoescape on explicitly: select_autoescape would not match *.html.j2
        self.env = Environment(
            loader=FileSystemLoader(root),
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
            day=_day,
            percent=_percent,
        )

    def __call__(self, template: str, /, **context: Any) -> str:
        return self.env.get_template(f"{template}.html.j2").render(**context).strip()
