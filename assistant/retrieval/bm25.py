"""BM25 over the stored chunks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from rank_bm25 import BM25Okapi

from assistant.retrieval.token_cache import TokenCache
from assistant.retrieval.tokenize import tokenize
from assistant.store.chroma_store import StoredChunk

MIN_IDF = 0.05  # the least weight a query term has, however many passages hold it


class FlooredBM25(BM25Okapi):
    """Okapi BM25 whose term weights never fall to zero or below.

    Okapi's IDF, log((N - n + 0.5) / (n + 0.5)), is negative for a term in more than half the passages;
    rank_bm25 then gives such terms a quarter of the average IDF. In a folder of one or two files every
    term is in half the passages or more, the average is itself negative, and a passage that states the
    query word for word would score below zero and be dropped. The floor keeps every term that occurs
    worth at least ``MIN_IDF``, so a matching passage always scores above a passage with no query term.
    """

    def _calc_idf(self, nd: dict[str, int]) -> None:
        super()._calc_idf(nd)
        floor = max(self.epsilon * self.average_idf, MIN_IDF)
        for word, idf in self.idf.items():
            if idf < floor:
                self.idf[word] = floor


def index_text(chunk: StoredChunk) -> str:
    """What BM25 sees of a chunk: its document title and section path, then its text."""
    return f"{chunk.title} {chunk.section} {chunk.text}"


class BM25Index:
    def __init__(
        self, chunks: Sequence[StoredChunk], cache_dir: Path | None = None, tokens: TokenCache | None = None
    ) -> None:
        self.chunks = list(chunks)
        self._cache_dir = cache_dir
        texts = [index_text(c) for c in self.chunks]
        corpus = tokens.tokens_for(texts) if tokens else [tokenize(t, cache_dir) for t in texts]
        self._bm25 = FlooredBM25(corpus) if corpus and any(corpus) else None

    def rank(self, query: str, keep: Callable[[StoredChunk], bool], n: int) -> list[tuple[str, float]]:
        """(chunk id, score) of the best ``n`` chunks that ``keep`` admits and share a term with the query."""
        if self._bm25 is None:
            return []
        terms = tokenize(query, self._cache_dir)
        if not terms:
            return []
        scores = self._bm25.get_scores(terms)
        order = sorted(range(len(self.chunks)), key=lambda i: scores[i], reverse=True)
        ranked = []
        for i in order:
            if scores[i] <= 0:
                break
            if keep(self.chunks[i]):
                ranked.append((self.chunks[i].id, float(scores[i])))
                if len(ranked) >= n:
                    break
        return ranked
