"""Every error code raised anywhere has words in templates/errors/codes, taking exactly the
values the raise gives it; no words are left for a code nothing raises."""

import ast
import pickle
from pathlib import Path

from bot.render import ERROR_CODES, Renderer
from core.errors import GoFastError, InvalidInput, NotFound, RateLimited
from core.models import RaceType
from tests.words import words

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "storage", "sources", "bot", "gofast")


def _error_classes() -> set[str]:
    """GoFastError and every class derived from it in our packages."""
    names = {"GoFastError"}
    trees = [ast.parse(f.read_text()) for p in PACKAGES for f in (ROOT / p).rglob("*.py")]
    grew = True
    while grew:
        found = {
            node.name
            for tree in trees
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)
            and any(isinstance(b, ast.Name) and b.id in names for b in node.bases)
        }
        grew = not found <= names
        names |= found
    return names


def raised_codes() -> dict[str, set[frozenset[str]]]:
    """code → the sets of parameter names it is raised with, read from the source."""
    classes = _error_classes()
    codes: dict[str, set[frozenset[str]]] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                    continue
                if node.func.id not in classes or not node.args:
                    continue
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    names = frozenset(k.arg for k in node.keywords if k.arg and k.arg != "level")
                    codes.setdefault(first.value, set()).add(names)
    return codes


def test_every_raised_code_has_words_for_its_values() -> None:
    module = Renderer().env.get_template(ERROR_CODES).module
    codes = raised_codes()
    assert len(codes) > 90  # the scan found the raises (a broken scan would find none)
    for code, param_sets in codes.items():
        macro = getattr(module, code, None)
        assert macro is not None, f"no words for {code}"
        for params in param_sets:
            assert set(macro.arguments) == params, code


def test_no_words_without_a_code() -> None:
    module = Renderer().env.get_template(ERROR_CODES).module
    macros = {name for name in vars(module) if not name.startswith("_")}
    macros = {name for name in macros if callable(getattr(module, name))}
    assert macros - set(raised_codes()) == set()


def test_words_fill_in_the_values_and_escape_what_was_typed() -> None:
    assert words(NotFound("no_plan")) == "You have no plan yet. Send /race to set your race goal."
    close = InvalidInput("race_day_too_close", weeks=3, race_type=RaceType.MARATHON, needed=8)
    assert "only 3 week(s) away; a safe marathon plan needs at least 8" in words(close)
    html = Renderer().error(InvalidInput("time_unreadable", text="<b>25:61</b>"))
    assert "&lt;b&gt;25:61&lt;/b&gt;" in html and "<b>" not in html


def test_a_code_without_words_is_an_apology_not_silence() -> None:
    said = words(GoFastError("no_such_code"))
    assert "Something went wrong on my side" in said


def test_an_error_survives_the_trip_from_the_file_worker() -> None:
    """Refusals come back pickled from the worker process, code, values and level intact."""
    sent = InvalidInput("file_damaged", kind=".fit")
    back = pickle.loads(pickle.dumps(sent))
    assert type(back) is InvalidInput and (back.code, back.params) == ("file_damaged", sent.params)
    limited = pickle.loads(pickle.dumps(RateLimited("garmin_rate_limited", level=3)))
    assert limited.level == 3 and limited.code == "garmin_rate_limited"


def test_every_alert_a_handler_shows_has_words() -> None:
    names = {
        node.args[0].value
        for path in (ROOT / "bot").rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "alert"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    assert len(names) >= 5
    render = Renderer()
    assert all(render.alert(name) for name in names), names
