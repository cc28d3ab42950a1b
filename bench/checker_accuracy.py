"""Recall (labelled errors flagged) and precision (error findings that are real) per kind and overall.

Usage: python bench/checker_accuracy.py [--cases tests/data/checker_cases.yaml] [--show]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def main() -> int:
    from assistant.checks.evaluation import evaluate, load_cases

    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=Path, default=ROOT / "tests/data/checker_cases.yaml")
    parser.add_argument("--show", action="store_true", help="list misses and false alarms")
    args = parser.parse_args()
    result = evaluate(load_cases(args.cases))
    print(f"{result.cases} cases")
    print(
        f"{'kind':<14}{'expected':>9}{'found':>7}{'reported':>10}{'correct':>9}{'recall':>9}{'precision':>11}"
    )
    for kind in sorted(result.kinds):
        s = result.kinds[kind]
        print(
            f"{kind:<14}{s.expected:>9}{s.found_expected:>7}{s.reported:>10}{s.reported_correct:>9}{_fmt(s.recall):>9}{_fmt(s.precision):>11}"
        )
    total = result.overall()
    print(
        f"{'overall':<14}{total.expected:>9}{total.found_expected:>7}{total.reported:>10}{total.reported_correct:>9}"
        f"{_fmt(total.recall):>9}{_fmt(total.precision):>11}"
    )
    print(
        f"{'unverified':<14}{result.info.expected:>9}{result.info.found_expected:>7}   (info findings, recall only: {_fmt(result.info.recall)})"
    )
    if args.show:
        for line in result.misses:
            print("MISS  " + line)
        for line in result.false_alarms:
            print("FALSE " + line)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
