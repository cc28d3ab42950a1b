"""Reciprocal-rank fusion of several rankings."""

from __future__ import annotations

from collections.abc import Sequence


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int = 60) -> list[tuple[str, float]]:
    """Each id scores sum(1 / (k + rank)) over the rankings it appears in (rank from 1).

    Equal scores are ordered by the best rank the id reached anywhere, then by its place in the earliest
    ranking that holds it, so ties never depend on how ids happen to sort.
    """
    scores: dict[str, float] = {}
    best: dict[str, int] = {}
    first_seen: dict[str, tuple[int, int]] = {}
    for which, ranking in enumerate(rankings):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
            best[item] = min(best.get(item, rank), rank)
            first_seen.setdefault(item, (which, rank))
    return sorted(scores.items(), key=lambda pair: (-round(pair[1], 12), best[pair[0]], first_seen[pair[0]]))
