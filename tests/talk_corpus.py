"""Phrasing corpora for the sentence reader (issue 28) and how they are scored: the intent, the
slots a line names (only those), the confirm rule, per intent. Used by the tests (thresholds)
and by ``bench/understanding.py`` (the per-intent report and the time per message)."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from core.understanding import CONFIRMED, Understood, understand
from core.units import Units

# phrasings the reader was never tuned on before it was measured on them (sets 6 to 10; each
# file's header says what it scored at first contact)
HELD_BACK = tuple(
    sorted(
        (Path(__file__).parent / "data" / "talk").glob("heldback*_en.tsv"),
        key=lambda path: int(path.stem.removeprefix("heldback").removesuffix("_en")),
    )
)
EXAMPLES = Path(__file__).parents[1] / "core" / "phrases" / "en_examples.tsv"
TODAY = date(2026, 12, 4)  # a Friday: the corpora's dates are relative to it


@dataclass(frozen=True)
class Case:
    intent: str
    text: str
    slots: dict[str, str]
    units: Units = Units.MI


def load(path: Path) -> list[Case]:
    """``intent <TAB> text <TAB> key=value;…`` per line; ``#`` lines are comments."""
    cases = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        intent, text, slots = [*line.split("\t"), ""][:3]
        pairs = dict(p.split("=", 1) for p in slots.split(";") if p)
        units = Units(pairs.pop("units", "mi"))
        cases.append(Case(intent, text, pairs, units))
    return cases


def slots_match(found: dict[str, Any], expected: dict[str, str]) -> bool:
    """The named slots, exactly: distances to the metre, a place in any case."""
    for key, want in expected.items():
        got = found.get(key)
        if key == "distanceM":
            if got is None or abs(float(got) - float(want)) > 1:
                return False
        elif key == "race":
            if bool(got) != (want == "true"):
                return False
        elif str(got).lower() != want.lower():
            return False
    return True


@dataclass
class Report:
    cases: Counter[str] = field(default_factory=Counter)
    intents_right: Counter[str] = field(default_factory=Counter)
    slots_right: Counter[str] = field(default_factory=Counter)
    unconfirmed_changes: list[str] = field(default_factory=list)
    misses: list[tuple[Case, Understood]] = field(default_factory=list)

    def intent_share(self, intent: str | None = None) -> float:
        return _share(self.intents_right, self.cases, intent)

    def slot_share(self, intent: str | None = None) -> float:
        return _share(self.slots_right, self.intents_right, intent)

    def table(self) -> str:
        lines = [f"{'intent':<18}{'n':>4}{'intent ok':>11}{'slots ok':>10}"]
        for intent in sorted(self.cases):
            lines.append(
                f"{intent:<18}{self.cases[intent]:>4}{self.intent_share(intent):>10.0%}"
                f"{self.slot_share(intent):>10.0%}"
            )
        total = sum(self.cases.values())
        lines.append(f"{'all':<18}{total:>4}{self.intent_share():>10.1%}{self.slot_share():>10.1%}")
        return "\n".join(lines)


def _share(right: Counter[str], of: Counter[str], intent: str | None) -> float:
    if intent is not None:
        return right[intent] / of[intent] if of[intent] else 1.0
    total = sum(of.values())
    return sum(right.values()) / total if total else 1.0


def score(cases: list[Case]) -> Report:
    report = Report()
    for case in cases:
        found = understand(case.text, TODAY, case.units)
        report.cases[case.intent] += 1
        if found.intent in CONFIRMED and not found.confirm:
            report.unconfirmed_changes.append(case.text)
        if found.intent != case.intent:
            report.misses.append((case, found))
            continue
        report.intents_right[case.intent] += 1
        if slots_match(found.slots, case.slots):
            report.slots_right[case.intent] += 1
        else:
            report.misses.append((case, found))
    return report
