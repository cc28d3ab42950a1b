"""Where support for a claim can come from: a reviewer's evidence folder and the knowledge base.

Both are searched with the hybrid retriever. The evidence folder is ingested by the same pipeline as the
knowledge base into a throw-away in-memory Chroma collection, so a bad file gets the same Chinese message and
the rest are still used. Knowledge-base documents that are the draft itself (or an earlier version of it)
are excluded from every search.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.retrieval.retriever import HybridRetriever, SearchFilters, SearchResult

if TYPE_CHECKING:
    from assistant.document.limits import ReadLimits
    from assistant.embeddings.backends import CachedEmbeddings
    from assistant.knowledge import KnowledgeBase
    from assistant.store.chroma_store import ChunkStore, StoredChunk

log = logging.getLogger(__name__)

EVIDENCE, KNOWLEDGE, DATA = "evidence", "knowledge", "data"
ORIGIN_LABELS = {EVIDENCE: "佐证材料", KNOWLEDGE: "知识库", DATA: "数据表"}
SHINGLE = 10
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk of an evidence file or a knowledge-base document."""

    origin: str  # evidence | knowledge
    source: str  # the file as the reviewer knows it
    title: str
    section: str
    start: int  # offset of the chunk in its file's text
    text: str
    doc_type: str
    year: int | None
    unit: str = ""  # the reporting unit a report is about (empty when unknown)
    page: int | None = None  # 1-based page the passage starts on (PDFs and scans)
    page_breaks: tuple[int, ...] = ()  # file offsets inside the passage where a new page starts

    @classmethod
    def of(cls, result: SearchResult, origin: str, source: str | None = None) -> Passage:
        return cls(origin, source or result.source, result.title, result.section, result.start, result.text,
                   result.doc_type, result.year, result.unit, result.page,
                   tuple(result.page_breaks))  # fmt: skip

    def page_at(self, offset: int) -> int | None:
        """The page of file offset ``offset`` inside this passage (None for a file without pages)."""
        if self.page is None:
            return None
        return self.page + sum(1 for b in self.page_breaks if b <= offset)


@dataclass(frozen=True)
class Citation:
    """Where a supporting or conflicting statement is: file, section and the span in that file."""

    origin: str  # evidence | knowledge | data
    source: str
    section: str
    start: int
    end: int
    quote: str
    page: int | None = None  # 1-based page of a PDF or scan the quote starts on

    @classmethod
    def in_passage(cls, passage: Passage, start: int, end: int) -> Citation:
        return cls(passage.origin, passage.source, passage.section, passage.start + start, passage.start + end,
                   passage.text[start:end], passage.page_at(passage.start + start))  # fmt: skip

    def label(self) -> str:
        where = f"“{self.section}”，" if self.section else ""
        if self.origin == DATA:
            return f"数据表“{self.source}”"
        page = f"第 {self.page} 页，" if self.page is not None else ""
        return f"{ORIGIN_LABELS[self.origin]}“{self.source}”（{page}{where}第 {self.start}–{self.end} 字）"

    def to_dict(self) -> dict[str, Any]:
        data = {"origin": self.origin, "source": self.source, "section": self.section, "start": self.start,
                "end": self.end, "quote": self.quote}  # fmt: skip
        if self.page is not None:
            data["page"] = self.page
        return data


def _shingles(text: str) -> set[str]:
    flat = _SPACE.sub("", text)
    return {flat[i : i + SHINGLE] for i in range(max(1, len(flat) - SHINGLE + 1))}


def versions_of_draft(draft_text: str, chunks: list[StoredChunk], share: float = 0.3) -> dict[str, str]:
    """Documents (doc id -> source) that are the draft or an earlier version of it.

    A chunk counts as the draft's when most of its 10-character shingles occur in the draft; a document
    is a version of the draft when at least ``share`` of its chunks do.
    """
    draft_shingles = _shingles(draft_text)
    totals: dict[str, int] = {}
    copied: dict[str, int] = {}
    sources: dict[str, str] = {}
    for chunk in chunks:
        totals[chunk.doc_id] = totals.get(chunk.doc_id, 0) + 1
        sources[chunk.doc_id] = chunk.source
        own = _shingles(chunk.text)
        if own and len(own & draft_shingles) / len(own) >= 0.6:
            copied[chunk.doc_id] = copied.get(chunk.doc_id, 0) + 1
    return {doc: sources[doc] for doc, n in copied.items() if n / totals[doc] >= share}


class EvidenceFolder:
    """A reviewer's 佐证材料 folder (or files), ingested into an in-memory collection for this review."""

    def __init__(
        self,
        paths: list[Path],
        embedder: CachedEmbeddings | None,
        family: str,
        *,
        max_bytes: int | None = None,
        limits: ReadLimits | None = None,
        cache_dir: Path | None = None,
        label: str | None = None,
    ) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        from assistant.ingest.pipeline import ingest
        from assistant.store.chroma_store import ChunkStore

        self.paths = paths
        self.label = label  # how a folder the user did not name is shown (None: by its path)
        self._client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self.store: ChunkStore = ChunkStore(self._client, f"evidence-{uuid.uuid4().hex[:12]}", family)
        report = ingest(self.store, embedder, paths, max_bytes=max_bytes, limits=limits)
        self.problems: list[str] = [message for _, message in report.failed + report.skipped]
        self.retriever = HybridRetriever(self.store, embedder, cache_dir=cache_dir)

    def shown(self, result: SearchResult) -> str:
        """The file as the reviewer named it: the folder they gave joined with the file's path in it."""
        if self.label is not None:
            return f"{self.label}/{result.source}" if self.label else result.source
        if len(self.paths) == 1 and self.paths[0].is_dir():
            return (self.paths[0] / result.source).as_posix()
        return result.source

    @property
    def file_count(self) -> int:
        return len(self.store.file_records())

    def close(self) -> None:
        for collection in (self.store.chunks, self.store.files):
            try:
                self._client.delete_collection(collection.name)
            except Exception:  # noqa: BLE001 - clean-up of a throw-away collection must not fail a review
                log.debug("could not drop %s", collection.name)


@dataclass
class EvidenceSearch:
    """Searches evidence and knowledge base for a batch of claims; never returns the draft itself."""

    kb: KnowledgeBase | None
    folder: EvidenceFolder | None
    draft_text: str
    per_source_k: int = 5
    evidence_k: int = 12  # evidence folders are small: look deeper into them
    excluded: dict[str, str] = field(default_factory=dict)  # doc id -> source, the draft's own versions
    warning: str = ""

    def __post_init__(self) -> None:
        if self.kb is not None:
            retriever = self.kb.retriever
            hidden = getattr(self.kb, "hidden_docs", frozenset())  # another user's uploads are not named
            chunks = [c for c in retriever.chunks() if c.doc_id not in hidden]
            self.excluded = versions_of_draft(self.draft_text, chunks)
            self.warning = retriever.warning

    def prepare(self, queries: list[str]) -> None:
        """Embed every query in one batch so the searches that follow are cache lookups."""
        embedders = []
        if self.kb is not None and self.kb.retriever.embedder is not None:
            embedders.append(self.kb.retriever.embedder)
        if self.folder is not None and self.folder.retriever.embedder is not None:
            embedders.append(self.folder.retriever.embedder)
        for embedder in {id(e): e for e in embedders}.values():
            try:
                embedder.embed_queries(queries)
            except Exception:  # noqa: BLE001 - the per-query search reports and falls back to BM25
                log.debug("batch query embedding failed", exc_info=True)

    def passages(self, query: str, k: int | None = None) -> list[Passage]:
        """Evidence passages first, then knowledge-base passages, each in retrieval order."""
        found: list[Passage] = []
        if self.folder is not None:
            for result in self.folder.retriever.search(query, k or self.evidence_k).results:
                found.append(Passage.of(result, EVIDENCE, self.folder.shown(result)))
        if self.kb is not None:
            filters = SearchFilters(exclude_docs=frozenset(self.excluded))
            for result in self.kb.search(query, k or self.per_source_k, filters).results:
                found.append(Passage.of(result, KNOWLEDGE))
        return found

    def passages_for(self, query: str, facts: list[str]) -> list[Passage]:
        """Passages for a claim, plus those for each of its facts when it holds several."""
        found = self.passages(query)
        if len(facts) > 1:
            seen = {(p.source, p.start) for p in found}
            for fact in facts:
                for passage in self.passages(fact, 3):
                    if (passage.source, passage.start) not in seen:
                        seen.add((passage.source, passage.start))
                        found.append(passage)
        return found
