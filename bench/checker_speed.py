"""Checker speed: reports of 10,000 and 100,000 characters, single sentences of 10,000, 20,000 and 40,000
characters (time should double with length), and a 5 MB line with no sentence end.

Usage: python bench/checker_speed.py [--repeat 5] [--large-repeat 1]
The reports are built from the Markdown/text reports in knowledge/reports, repeated to length. The sentences
and the line repeat one clause of report figures (an amount, its parts, a share, a change, a bracketed note)
with no 。 and no line break, so the whole text is one sentence.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLAUSE = "项目支出12717584.6元，其中：人员经费4093973.19元，占31.92%，较上年增长5.2%（含结转3万元）、"
LINE_BYTES = 5_000_000


def corpus(length: int) -> str:
    texts = [
        p.read_text(encoding="utf-8")
        for p in sorted((ROOT / "knowledge" / "reports").glob("*"))
        if p.suffix in (".md", ".txt")
    ]
    joined = "\n".join(texts)
    return (joined * (length // len(joined) + 1))[:length]


def sentence(length: int) -> str:
    """``CLAUSE`` repeated to ``length`` characters: one sentence."""
    return (CLAUSE * (length // len(CLAUSE) + 1))[:length]


def line_of_bytes(size: int) -> str:
    """``CLAUSE`` repeated to at most ``size`` bytes of UTF-8: one line, one sentence."""
    per_clause = len(CLAUSE.encode("utf-8"))
    text = CLAUSE * (size // per_clause + 1)
    while len(text.encode("utf-8")) > size:
        text = text[: -max(1, (len(text.encode("utf-8")) - size) // 3)]
    return text


def measure(label: str, text: str, check: Callable[[str], list], repeat: int) -> None:
    timings = []
    findings: list = []
    for _ in range(repeat):
        started = time.perf_counter()
        findings = check(text)
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    print(
        f"{label:<34} {len(text):>9} chars: median {median * 1000:9.1f} ms over {repeat} runs, "
        f"{len(text) / median:10.0f} chars/s, {len(findings)} findings",
        flush=True,
    )


def main() -> int:
    from assistant.checks.checker import check_text
    from assistant.checks.table import table_from_rows

    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--large-repeat", type=int, default=1, help="runs of the 5 MB line")
    args = parser.parse_args()
    table = table_from_rows([
        {"name": "基本支出", "value": 5119613.47, "unit": "元"},
        {"name": "新增规模以上工业企业", "value": 9, "unit": "家", "target": 12},
        {"name": "三公经费", "value": 6000, "unit": "元", "prior_year": 8000},
    ])  # fmt: skip
    check_text("预热：基本支出为100元。", table)
    for length in (10_000, 100_000):
        measure("report", corpus(length), lambda text: check_text(text, table), args.repeat)
    for length in (10_000, 20_000, 40_000):
        measure("single sentence", sentence(length), lambda text: check_text(text, table), args.repeat)
    line = line_of_bytes(LINE_BYTES)
    label = f"one line, {len(line.encode('utf-8')):,} bytes"
    measure(label, line, lambda text: check_text(text, table), args.large_repeat)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
