"""Reviewer mode against labelled claims: per-verdict precision and recall, offline judge and LLM judge.

Usage: python bench/review_accuracy.py [--cases tests/data/review/cases.yaml ...] [--show-mistakes]
Ingests knowledge/ into a temporary data dir (embeddings cached under ASSISTANT_CACHE_DIR if set).
The LLM judge runs only when an endpoint is configured (ASSISTANT_LLM_MODEL, OPENAI_BASE_URL);
the test suite runs it with a scripted fake model instead.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CASES = [ROOT / "tests/data/review/cases.yaml", ROOT / "tests/data/review_heldout/cases.yaml"]


def main() -> int:
    from assistant.knowledge import KnowledgeBase
    from assistant.review.evaluation import evaluate_cases
    from assistant.settings import load_settings

    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=Path, action="append")
    parser.add_argument("--show-mistakes", action="store_true")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="assistant-review-"))
    try:
        settings = load_settings(data_dir=data_dir, knowledge_dir=ROOT / "knowledge")
        kb = KnowledgeBase(settings)
        report = kb.ingest()
        print(f"ingested {len(report.added)} files, {report.chunks_written} chunks in {report.seconds:.1f}s")
        judges: list[tuple[str, object]] = [("offline judge", None)]
        if settings.llm_configured:
            from assistant.llm.client import build_chat_model

            judges.append((f"LLM judge ({settings.llm_model})", build_chat_model(settings)))
        else:
            print("LLM judge: skipped (no endpoint configured)")
        for cases in args.cases or DEFAULT_CASES:
            for title, model in judges:
                scores, _ = evaluate_cases(cases, ROOT, kb, model)
                print(scores.report(f"{cases.relative_to(ROOT)} · {title}"))
                if args.show_mistakes:
                    for miss in scores.mistakes():
                        print(
                            f"      [{miss.label.case}] {miss.label.verdict} -> {miss.predicted}: {miss.label.quote}"
                        )
        kb.close()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
