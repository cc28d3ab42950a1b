"""Checker speed: characters checked per second on a 100,000-character report, and time per 10,000 characters.

Usage: python bench/checker_speed.py [--repeat 5]
The report is built from the Markdown/text reports in knowledge/reports, repeated to length.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def corpus(length: int) -> str:
    texts = [
        p.read_text(encoding="utf-8")
        for p in sorted((ROOT / "knowledge" / "reports").glob("*"))
        if p.suffix in (".md", ".txt")
    ]
    joined = "\n".join(texts)
    return (joined * (length // len(joined) + 1))[:length]


def main() -> int:
    from assistant.checks.checker import check_text
    from assistant.checks.table import table_from_rows

    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    table = table_from_rows([
        {"name": "基本支出", "value": 5119613.47, "unit": "元"},
        {"name": "新增规模以上工业企业", "value": 9, "unit": "家", "target": 12},
        {"name": "三公经费", "value": 6000, "unit": "元", "prior_year": 8000},
    ])  # fmt: skip
    check_text("预热：基本支出为100元。", table)
    for length in (10_000, 100_000):
        text = corpus(length)
        timings = []
        findings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            findings = check_text(text, table)
            timings.append(time.perf_counter() - started)
        median = statistics.median(timings)
        print(
            f"{length:>7} chars: median {median * 1000:8.1f} ms over {args.repeat} runs, "
            f"{length / median:10.0f} chars/s, {len(findings)} findings"
        )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
