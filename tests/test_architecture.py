"""Dependencies point inward: the engine knows nothing of Telegram, SQL, templates or charts."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN_IN_CORE = {
    "telegram",
    "aiosqlite",
    "sqlite3",
    "jinja2",
    "matplotlib",
    "httpx",
    "numpy",
    "bot",
    "storage",
    "sources",
    "gofast",
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "core").rglob("*.py")), ids=lambda p: p.name)
def test_core_imports_no_outer_layer(path: Path) -> None:
    assert not _imports(path) & FORBIDDEN_IN_CORE


def test_the_bot_reaches_the_outside_only_through_core() -> None:
    """Handlers, jobs and presenters call core's use cases through its ports; only the wiring
    (bot/app.py) knows which storage, file reader or Garmin client implements them, and which
    settings object holds the operator's options."""
    for path in sorted((ROOT / "bot").rglob("*.py")):
        if path.name != "app.py":
            assert not _imports(path) & {"storage", "sources", "gofast"}, path


def test_sql_lives_only_in_storage() -> None:
    for room in ("core", "bot", "gofast"):
        for path in (ROOT / room).rglob("*.py"):
            text = path.read_text().upper()
            assert "SELECT " not in text or "FROM " not in text, f"SQL in {path}"
