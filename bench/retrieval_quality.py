"""Retrieval quality over knowledge/: recall@1, recall@5 and MRR for BM25 alone, dense alone and fused.

Usage: python bench/retrieval_quality.py [--queries tests/data/retrieval_queries.yaml]
Ingests knowledge/ into a temporary data dir (embeddings cached under ASSISTANT_DATA_DIR/cache if set).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    from assistant.knowledge import KnowledgeBase
    from assistant.retrieval.evaluation import first_hit_rank, load_queries, score
    from assistant.settings import load_settings

    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=Path, default=ROOT / "tests/data/retrieval_queries.yaml")
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--no-glossary", action="store_true", help="measure without query expansion")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="assistant-rq-"))
    try:
        kb = KnowledgeBase(load_settings(data_dir=data_dir, knowledge_dir=args.knowledge))
        report = kb.ingest()
        print(f"ingested {len(report.added)} files, {report.chunks_written} chunks in {report.seconds:.1f}s")
        queries = load_queries(args.queries)
        print(f"{len(queries)} queries ({sum(q.paraphrase for q in queries)} paraphrases)")
        for subset_name, subset in (
            ("all", queries),
            ("paraphrase", [q for q in queries if q.paraphrase]),
            ("keyword", [q for q in queries if not q.paraphrase]),
        ):
            print(f"-- {subset_name}")
            for mode in ("bm25", "dense", "hybrid"):
                ranks = [
                    first_hit_rank(kb.search(q.query, 5, mode=mode, expand=not args.no_glossary).results, q)
                    for q in subset
                ]
                scores = score(mode, ranks, subset)
                print("  " + scores.line())
                if args.show_misses and subset_name == "all":
                    for miss in scores.misses:
                        print(f"      miss: {miss}")
        kb.close()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
