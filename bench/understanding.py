"""The sentence reader (issue 28): accuracy per intent on a phrasing corpus, and the time it
takes per message.

Targets: ≥ 95 % right intents, ≥ 95 % exact slots where the intent is right, ≥ 98 % ``unknown``
on off-topic messages, every plan change confirmed; ``understand`` ≤ 1 ms median per message.
Baseline in the same run: ``str.lower`` + one regex search per message (the floor any reader
pays), so the ratio says how much the reading costs above touching the text at all.

    python bench/understanding.py [--examples] [--misses]
"""

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.understanding import understand
from tests.talk_corpus import EXAMPLES, HELD_BACK, TODAY, load, score


def per_message_s(texts: list[str], read: object, rounds: int = 5) -> float:
    """Median seconds per message over every message, ``rounds`` times."""
    timings = []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            read(text)  # type: ignore[operator]
            timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", action="store_true", help="the examples, not held back")
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args()
    corpora = (EXAMPLES,) if args.examples else HELD_BACK
    for corpus in corpora:
        alone = score(load(corpus))
        print(
            f"{corpus.name}: {sum(alone.cases.values())} phrasings, {alone.intent_share():.1%}"
            f" intents, {alone.slot_share():.1%} slots"
        )
    cases = [case for corpus in corpora for case in load(corpus)]
    report = score(cases)
    print(f"\nall: {len(cases)} phrasings, today {TODAY}\n")
    print(report.table())
    print(f"\nunknown kept unknown: {report.intent_share('unknown'):.1%}")
    print(f"plan changes without confirm: {len(report.unconfirmed_changes)}")
    if args.misses:
        for case, found in report.misses:
            print(f"  {case.intent:<16} {case.text!r} → {found.intent} {found.slots}")
    texts = [c.text for c in cases]
    for text in texts[:20]:  # warm: phrases file read, regexes compiled
        understand(text, TODAY, cases[0].units)
    reader = per_message_s(texts, lambda t: understand(t, TODAY, cases[0].units))
    pattern = re.compile(r"\d+")
    floor = per_message_s(texts, lambda t: pattern.search(t.lower()))
    print(f"\nunderstand: median {reader * 1000:.3f} ms per message (target ≤ 1 ms)")
    print(f"baseline (lower + one regex): {floor * 1000:.4f} ms · ratio {reader / floor:.0f}×")


if __name__ == "__main__":
    main()
