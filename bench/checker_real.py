"""The numeric checker on passages restated from real published documents (tests/data/checker_real/).

Each case is written out as a .docx (paragraphs and Word tables) and read back through the document model,
then checked. Prints recall (labelled wrong figures flagged by an error) per relation, error precision per
rule and overall, clean cases with a false error, and how many figures were verified.

Usage: python bench/checker_real.py [--set dev|heldout|heldout2|PATH] [--show]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def main() -> int:
    import yaml

    from assistant.checks.evaluation import evaluate_real

    parser = argparse.ArgumentParser()
    parser.add_argument("--set", default="dev", help="dev, heldout, heldout2 or a path to a case file")
    parser.add_argument("--show", action="store_true", help="list misses and false alarms")
    args = parser.parse_args()
    path = Path(args.set)
    if not path.exists():
        path = ROOT / "tests/data/checker_real" / f"{args.set}.yaml"
    cases = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    with tempfile.TemporaryDirectory() as tmp:
        result = evaluate_real(cases, Path(tmp))
    print(f"{path.name}: {result.cases} cases ({result.clean_cases} clean), "
          f"{result.figures} figures in the text, {result.verified} verified, {result.warnings} warnings")  # fmt: skip
    print(f"{'relation':<14}{'labelled':>9}{'found':>7}{'recall':>9}")
    for relation in sorted(result.by_relation):
        s = result.by_relation[relation]
        print(f"{relation:<14}{s.labelled:>9}{s.found:>7}{_fmt(s.recall):>9}")
    print(f"{'rule':<18}{'errors':>7}{'correct':>9}{'precision':>11}")
    for rule in sorted(result.by_rule):
        s = result.by_rule[rule]
        print(f"{rule:<18}{s.reported:>7}{s.correct:>9}{_fmt(s.precision):>11}")
    total = result.overall
    print(
        f"overall: recall {_fmt(total.recall)} ({total.found}/{total.labelled}), "
        f"error precision {_fmt(total.precision)} ({total.correct}/{total.reported}), "
        f"clean cases with a false error {result.clean_with_false_error}/{result.clean_cases}"
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
