"""The knowledge base service: ingestion, listing, removal and search over one store.

The CLI, the Gradio app and the tests all go through this class.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from assistant.document.limits import ReadLimits
from assistant.embeddings.cache import EmbeddingCache
from assistant.embeddings.factory import EmbedderChoice, build_embedder, store_key
from assistant.errors import AssistantError
from assistant.ingest.pipeline import IngestReport, Progress, ingest, remove_document
from assistant.retrieval.bm25 import index_text
from assistant.retrieval.retriever import HybridRetriever, SearchFilters, SearchResponse
from assistant.retrieval.token_cache import TokenCache
from assistant.settings import Settings, public_url
from assistant.store.chroma_store import ChunkStore, FileRecord, make_client


class KnowledgeBase:
    """Opened on demand: nothing connects or loads until a method needs it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._store: ChunkStore | None = None
        self._choice: EmbedderChoice | None = None
        self._cache: EmbeddingCache | None = None
        self._retriever: HybridRetriever | None = None
        self._tokens: TokenCache | None = None

    @property
    def tokens(self) -> TokenCache:
        if self._tokens is None:
            self._tokens = TokenCache(self.settings.cache_dir)
        return self._tokens

    @property
    def store(self) -> ChunkStore:
        if self._store is None:
            self._store = ChunkStore(
                make_client(self.settings), self.settings.collection, store_key(self.settings)
            )
        return self._store

    @property
    def embedder_choice(self) -> EmbedderChoice:
        if self._choice is None:
            self._cache = EmbeddingCache(self.settings.cache_dir / "embeddings.sqlite")
            self._choice = build_embedder(self.settings, self._cache)
        return self._choice

    def describe_backends(self) -> str:
        choice = self.embedder_choice
        store = (
            f"Chroma 服务器 {public_url(self.settings.chroma_url)}"
            if self.settings.chroma_url
            else "本地 Chroma（数据目录内）"
        )
        dense = "无（仅关键词检索）" if choice.embedder is None else choice.key
        return f"向量库：{store}；向量模型：{dense}"

    def ingest(self, paths: Iterable[Path] | None = None, progress: Progress | None = None) -> IngestReport:
        choice = self.embedder_choice
        if choice.embedder is None and self.settings.embeddings != "none":
            raise AssistantError(
                f"{choice.warning.split('；')[0]}。无法生成向量，入库已停止；"
                "如需仅建立关键词索引，请设置 ASSISTANT_EMBEDDINGS=none。"
            )
        targets = list(paths) if paths else [self.settings.knowledge_dir]
        report = ingest(
            self.store,
            choice.embedder,
            targets,
            min_chars=self.settings.chunk_min_chars,
            max_chars=self.settings.chunk_max_chars,
            max_bytes=int(self.settings.max_file_mb * 1024 * 1024),
            limits=ReadLimits.from_settings(self.settings),
            progress=progress,
        )
        if report.chunks_written:  # tokenize new chunks now, so the first search does not wait for jieba
            self.tokens.tokens_for([index_text(c) for c in self.store.committed_chunks()])
        return report

    def documents(self) -> list[FileRecord]:
        return sorted(self.store.file_records().values(), key=lambda r: (r.doc_type, r.source))

    def remove(self, name: str) -> list[FileRecord]:
        """Remove every document whose source path or id equals ``name`` (or ends with ``/name``)."""
        matches = [
            r
            for r in self.store.file_records().values()
            if name in (r.source, r.doc_id) or r.source.endswith("/" + name)
        ]
        for record in matches:
            remove_document(self.store, record)
        return matches

    @property
    def retriever(self) -> HybridRetriever:
        if self._retriever is None:
            choice = self.embedder_choice
            self._retriever = HybridRetriever(
                self.store,
                choice.embedder,
                warning=choice.warning if choice.embedder is None else "",
                rrf_k=self.settings.rrf_k,
                cache_dir=self.settings.cache_dir,
                tokens=self.tokens,
            )
        return self._retriever

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: SearchFilters | None = None,
        mode: str = "hybrid",
        expand: bool = True,
    ) -> SearchResponse:
        return self.retriever.search(query, k or self.settings.search_k, filters, mode, expand)

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
        if self._tokens is not None:
            self._tokens.close()
