"""Offline review time for a report of about 10,000 characters (and 30,000), with an evidence folder.

Usage: python bench/review_speed.py [--runs 5]
The report is the seed report followed by the labelled test drafts, cut to length at a line end.
Prints seconds per review (first run and the median of the rest), claims per second and peak memory.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_report(chars: int) -> str:
    parts = [
        (ROOT / "knowledge/reports/2023-yanling-kegongxin-self-evaluation.txt").read_text(encoding="utf-8")
    ]
    parts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests/data/review/drafts").glob("*.md"))]
    text = "\n".join(parts)
    while len(text) < chars:
        text += "\n" + text
    cut = text.rfind("\n", 0, chars)
    return text[: cut if cut > 0 else chars]


def main() -> int:
    from assistant.knowledge import KnowledgeBase
    from assistant.review.service import review
    from assistant.settings import load_settings

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="assistant-review-speed-"))
    evidence = ROOT / "tests/data/review/evidence/seed"
    try:
        kb = KnowledgeBase(load_settings(data_dir=data_dir, knowledge_dir=ROOT / "knowledge"))
        report = kb.ingest()
        print(f"knowledge base: {report.chunks_written} chunks ingested in {report.seconds:.1f}s")
        for chars in (10_000, 30_000):
            text = build_report(chars)
            for label, folder in (("no evidence", None), ("evidence folder", [evidence])):
                times = []
                result = None
                for _ in range(args.runs):
                    started = time.perf_counter()
                    result = review(text, kb=kb, evidence=folder, draft_name="bench.txt")
                    times.append(time.perf_counter() - started)
                assert result is not None
                checkable = sum(1 for c in result.claims if c.verdict != "not_checkable")
                rest = statistics.median(times[1:]) if len(times) > 1 else times[0]
                print(
                    f"{len(text):>6} chars, {label:<15}: first {times[0]:.2f}s, median of next {len(times) - 1} "
                    f"{rest:.2f}s, max {max(times):.2f}s; {len(result.claims)} claims ({checkable} checked), "
                    f"{checkable / rest:.0f} checked claims/s"
                )
        kb.close()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
