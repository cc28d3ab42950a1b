"""The hybrid retriever: what `assistant search`, the UI and drafting all call."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.embeddings.backends import CachedEmbeddings
from assistant.errors import EmbeddingError
from assistant.retrieval.bm25 import BM25Index
from assistant.retrieval.fusion import reciprocal_rank_fusion
from assistant.retrieval.glossary import expand_query
from assistant.retrieval.token_cache import TokenCache
from assistant.store.chroma_store import ChunkStore, StoredChunk

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SearchFilters:
    doc_type: str | None = None  # "report" | "policy"
    year: int | None = None
    section: str | None = None  # substring of the section path
    exclude_docs: frozenset[str] = frozenset()  # doc ids never to return (a draft under review)

    def admits(self, chunk: StoredChunk) -> bool:
        if chunk.doc_id in self.exclude_docs:
            return False
        if self.doc_type and chunk.doc_type != self.doc_type:
            return False
        if self.year is not None and chunk.year != self.year:
            return False
        return not self.section or any(self.section in path for path in chunk.sections or (chunk.section,))

    def chroma_where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.doc_type:
            clauses.append({"doc_type": self.doc_type})
        if self.year is not None:
            clauses.append({"year": self.year})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass
class SearchResult:
    text: str
    source: str
    section: str
    start: int
    end: int
    score: float
    doc_type: str
    title: str
    year: int | None
    unit: str
    retrieval: str  # "hybrid", "bm25" or "dense"
    sections: list[str] = field(default_factory=list)
    bm25_rank: int | None = None
    dense_rank: int | None = None
    warning: str = ""
    page: int | None = None  # 1-based page of a PDF or scan the passage starts on
    page_breaks: list[int] = field(default_factory=list)  # document offsets in the passage where a page starts

    def page_at(self, offset: int) -> int | None:
        """The page of document offset ``offset`` inside this passage (None when the file has no pages)."""
        if self.page is None:
            return None
        return self.page + sum(1 for b in self.page_breaks if b <= offset)

    def as_passage(self) -> dict[str, Any]:
        """The fields a citation needs: where the passage is and what it says."""
        return {"source": self.source, "section": self.section, "start": self.start, "end": self.end,
                "text": self.text, "title": self.title, "year": self.year, "page": self.page}  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if not data["warning"]:
            data.pop("warning")
        if data["page"] is None:
            data.pop("page")
        if not data["page_breaks"]:
            data.pop("page_breaks")
        return data


@dataclass
class SearchResponse:
    results: list[SearchResult] = field(default_factory=list)
    mode: str = "hybrid"
    warning: str = ""


class HybridRetriever:
    """BM25 and dense rankings over the committed chunks of one store, fused by reciprocal rank."""

    def __init__(
        self,
        store: ChunkStore,
        embedder: CachedEmbeddings | None,
        *,
        warning: str = "",
        rrf_k: int = 60,
        cache_dir: Path | None = None,
        tokens: TokenCache | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.warning = warning
        self.rrf_k = rrf_k
        self._cache_dir = cache_dir
        self._tokens = tokens
        self._chunks: dict[str, StoredChunk] = {}
        self._bm25: BM25Index | None = None
        self._snapshot: tuple[tuple[str, str], ...] | None = None

    def refresh(self) -> None:
        """Re-read the committed chunks when the store's file records changed since the last build."""
        records = self.store.file_records()
        snapshot = tuple(sorted((r.doc_id, r.file_hash) for r in records.values()))
        if snapshot == self._snapshot and self._bm25 is not None:
            return
        chunks = self.store.committed_chunks()
        self._chunks = {c.id: c for c in chunks}
        self._bm25 = BM25Index(chunks, self._cache_dir, self._tokens)
        self._snapshot = snapshot

    @property
    def chunk_count(self) -> int:
        return len(self._chunks)

    def chunks(self) -> list[StoredChunk]:
        """Every committed chunk, current as of this call."""
        self.refresh()
        return list(self._chunks.values())

    def search(
        self,
        query: str,
        k: int = 5,
        filters: SearchFilters | None = None,
        mode: str = "hybrid",
        expand: bool = True,
    ) -> SearchResponse:
        """Top ``k`` chunks for ``query``. ``mode`` is "hybrid", "bm25" or "dense"; ``expand`` adds glossary terms."""
        filters = filters or SearchFilters()
        self.refresh()
        query = query.strip()
        if not query or not self._chunks:
            return SearchResponse([], mode, self.warning)
        depth = max(k * 4, 20)
        expanded = expand_query(query) if expand else query
        warning = self.warning
        dense_ids: list[str] = []
        dense_ok = self.embedder is not None and mode in ("hybrid", "dense")
        if dense_ok:
            try:
                dense_ids = self._dense(expanded, depth, filters)
            except EmbeddingError as exc:
                dense_ok = False
                warning = f"{exc}；本次检索已退回为仅关键词（BM25）检索。"
                log.warning(warning)
        bm25_ids: list[str] = []
        if mode in ("hybrid", "bm25") or not dense_ok:
            assert self._bm25 is not None
            bm25_ids = [cid for cid, _ in self._bm25.rank(expanded, filters.admits, depth)]
        used = mode if dense_ok or mode == "bm25" else "bm25"
        rankings = [r for r in (bm25_ids, dense_ids) if r]
        fused = reciprocal_rank_fusion(rankings, self.rrf_k)[:k]
        bm25_pos = {cid: i + 1 for i, cid in enumerate(bm25_ids)}
        dense_pos = {cid: i + 1 for i, cid in enumerate(dense_ids)}
        results = []
        for cid, score in fused:
            chunk = self._chunks[cid]
            results.append(
                SearchResult(
                    text=chunk.text,
                    source=chunk.source,
                    section=chunk.section,
                    start=chunk.start,
                    end=chunk.end,
                    score=round(score, 6),
                    doc_type=chunk.doc_type,
                    title=chunk.title,
                    year=chunk.year,
                    unit=chunk.unit,
                    retrieval=used,
                    sections=list(chunk.sections),
                    bm25_rank=bm25_pos.get(cid),
                    dense_rank=dense_pos.get(cid),
                    warning=warning,
                    page=chunk.page,
                    page_breaks=list(chunk.page_breaks),
                )
            )
        return SearchResponse(results, used, warning)

    def _dense(self, query: str, depth: int, filters: SearchFilters) -> list[str]:
        assert self.embedder is not None
        vector = self.embedder.embed_query(query)
        hits = self.store.query(vector, depth * 2, filters.chroma_where())
        ranked = []
        for cid, _ in hits:
            chunk = self._chunks.get(cid)  # only committed chunks
            if chunk is not None and filters.admits(chunk):
                ranked.append(cid)
                if len(ranked) >= depth:
                    break
        return ranked
