"""BM25 over the stored chunks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from rank_bm25 import BM25Okapi

from assistant.retrieval.token_cache import TokenCache
from assistant.retrieval.tokenize import tokenize
from assistant.store.chroma_store import StoredChunk


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
        self._bm25 = BM25Okapi(corpus) if corpus and any(corpus) else None

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
