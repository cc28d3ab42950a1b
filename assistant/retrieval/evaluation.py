"""Recall@k and MRR of the retriever over a labelled query set (query → source and section)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.retrieval.retriever import SearchResult


@dataclass(frozen=True)
class LabelledQuery:
    query: str
    source: str
    section: str
    paraphrase: bool


@dataclass
class ModeScores:
    mode: str
    queries: int
    recall_at_1: float
    recall_at_5: float
    mrr: float
    misses: list[str]

    def line(self) -> str:
        return f"{self.mode:<7} n={self.queries:<3} R@1={self.recall_at_1:.3f}  R@5={self.recall_at_5:.3f}  MRR={self.mrr:.3f}"


def load_queries(path: Path) -> list[LabelledQuery]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        LabelledQuery(r["query"], r["source"], r["section"], bool(r.get("paraphrase", False))) for r in rows
    ]


def is_hit(result: SearchResult, expected: LabelledQuery) -> bool:
    """Same source file, and the chunk lies in (or covers) the expected section."""
    if result.source != expected.source:
        return False
    paths = result.sections or [result.section]
    return any(expected.section in path for path in paths)


def first_hit_rank(results: Sequence[SearchResult], expected: LabelledQuery) -> int | None:
    for rank, result in enumerate(results, start=1):
        if is_hit(result, expected):
            return rank
    return None


def score(mode: str, ranks: Sequence[int | None], queries: Sequence[LabelledQuery]) -> ModeScores:
    n = len(ranks)
    r1 = sum(1 for r in ranks if r == 1) / n
    r5 = sum(1 for r in ranks if r is not None and r <= 5) / n
    mrr = sum(1.0 / r for r in ranks if r is not None) / n
    misses = [q.query for q, r in zip(queries, ranks, strict=True) if r is None or r > 5]
    return ModeScores(mode, n, r1, r5, mrr, misses)
