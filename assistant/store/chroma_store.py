"""Chunks and file records in Chroma (embedded on disk, or a `chroma run` server).

Consistency: a file's chunks are written first, under ids that contain the file's content hash; the file
record (the commit point) is written after them; older versions are deleted last. Readers only see chunks
whose (document, hash) matches a file record, so a process killed at any moment leaves a store that reads
as either the old or the new version of each file, and the next ingest removes the leftovers.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from assistant.errors import StoreError
from assistant.settings import Settings

_PAGE = 2000
SECTION_SEPARATOR = " | "


@dataclass(frozen=True)
class StoredChunk:
    id: str
    text: str
    doc_id: str
    source: str
    section: str
    start: int
    end: int
    doc_type: str
    title: str
    year: int | None
    unit: str
    file_hash: str
    sections: tuple[str, ...] = ()  # every section path the chunk covers
    page: int | None = None  # 1-based page the chunk starts on (PDFs and scans)
    page_breaks: tuple[int, ...] = ()  # document offsets inside the chunk where a new page starts

    def page_at(self, offset: int) -> int | None:
        """The page of document offset ``offset`` (inside this chunk)."""
        if self.page is None:
            return None
        return self.page + sum(1 for b in self.page_breaks if b <= offset)

    def metadata(self) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "doc_id": self.doc_id,
            "source": self.source,
            "section": self.section,
            "sections": SECTION_SEPARATOR.join(self.sections or (self.section,)),
            "start": self.start,
            "end": self.end,
            "doc_type": self.doc_type,
            "title": self.title,
            "unit": self.unit,
            "file_hash": self.file_hash,
        }
        if self.year is not None:
            meta["year"] = self.year
        if self.page is not None:
            meta["page"] = self.page
            if self.page_breaks:
                meta["page_breaks"] = ",".join(str(b) for b in self.page_breaks)
        return meta

    @classmethod
    def from_record(cls, chunk_id: str, text: str, meta: dict[str, Any]) -> StoredChunk:
        return cls(
            id=chunk_id,
            text=text,
            doc_id=str(meta["doc_id"]),
            source=str(meta["source"]),
            section=str(meta.get("section", "")),
            start=int(meta["start"]),
            end=int(meta["end"]),
            doc_type=str(meta.get("doc_type", "other")),
            title=str(meta.get("title", "")),
            year=int(meta["year"]) if meta.get("year") is not None else None,
            unit=str(meta.get("unit", "")),
            file_hash=str(meta["file_hash"]),
            sections=tuple(str(meta.get("sections") or meta.get("section", "")).split(SECTION_SEPARATOR)),
            page=int(meta["page"]) if meta.get("page") is not None else None,
            page_breaks=tuple(int(b) for b in str(meta.get("page_breaks") or "").split(",") if b),
        )


@dataclass(frozen=True)
class FileRecord:
    doc_id: str
    root: str
    source: str
    file_hash: str
    chunk_count: int
    doc_type: str
    title: str
    year: int | None
    unit: str
    chars: int
    ingested_at: str

    def metadata(self) -> dict[str, Any]:
        meta = {k: v for k, v in self.__dict__.items() if v is not None}
        return meta

    @classmethod
    def from_metadata(cls, meta: dict[str, Any]) -> FileRecord:
        return cls(
            doc_id=str(meta["doc_id"]),
            root=str(meta.get("root", "")),
            source=str(meta["source"]),
            file_hash=str(meta["file_hash"]),
            chunk_count=int(meta["chunk_count"]),
            doc_type=str(meta.get("doc_type", "other")),
            title=str(meta.get("title", "")),
            year=int(meta["year"]) if meta.get("year") is not None else None,
            unit=str(meta.get("unit", "")),
            chars=int(meta.get("chars", 0)),
            ingested_at=str(meta.get("ingested_at", "")),
        )


def doc_id_for(root: str, source: str) -> str:
    return hashlib.sha1(f"{root}\0{source}".encode()).hexdigest()[:20]


def chunk_id(doc_id: str, file_hash: str, index: int) -> str:
    return f"{doc_id}-{file_hash[:16]}-{index:05d}"


def make_client(settings: Settings) -> Any:
    """PersistentClient under the data dir, or HttpClient when ASSISTANT_CHROMA_URL is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(
            settings.chroma_url if "://" in settings.chroma_url else f"http://{settings.chroma_url}"
        )
        try:
            client = chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
            client.heartbeat()
        except Exception as exc:
            raise StoreError(f"无法连接 Chroma 服务器 {settings.chroma_url}：{exc}") from exc
        return client
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    except Exception as exc:
        raise StoreError(f"无法打开向量库目录 {settings.chroma_dir}：{exc}") from exc


def _collection_name(base: str, family: str) -> str:
    name = re.sub(r"[^a-zA-Z0-9._-]+", "-", f"{base}--{family}").strip("-._")
    return name[:500]


class ChunkStore:
    """Chunk and file-record collections of one embedding family (dimension)."""

    def __init__(self, client: Any, base_name: str, family: str) -> None:
        self.client = client
        self.family = family
        self.chunks = client.get_or_create_collection(
            _collection_name(base_name, family), embedding_function=None, metadata={"hnsw:space": "cosine"}
        )
        self.files = client.get_or_create_collection(
            _collection_name(base_name, family + "--files"), embedding_function=None
        )

    # file records -------------------------------------------------------------------------------
    def file_records(self) -> dict[str, FileRecord]:
        records: dict[str, FileRecord] = {}
        for _, _, meta in self._get_all(self.files, include=["metadatas"]):
            record = FileRecord.from_metadata(meta)
            records[record.doc_id] = record
        return records

    def commit_file(self, record: FileRecord) -> None:
        self.files.upsert(
            ids=[record.doc_id], embeddings=[[1.0]], metadatas=[record.metadata()], documents=[record.source]
        )

    def drop_file_record(self, doc_id: str) -> None:
        self.files.delete(ids=[doc_id])

    # chunks ---------------------------------------------------------------------------------------
    def add_chunks(self, chunks: Sequence[StoredChunk], embeddings: Sequence[Sequence[float]]) -> None:
        self.chunks.upsert(
            ids=[c.id for c in chunks],
            documents=[c.text for c in chunks],
            metadatas=[c.metadata() for c in chunks],
            embeddings=[list(e) for e in embeddings],
        )

    def chunk_ids(self, doc_id: str, file_hash: str | None = None) -> list[str]:
        where: dict[str, Any] = {"doc_id": doc_id}
        if file_hash is not None:
            where = {"$and": [{"doc_id": doc_id}, {"file_hash": file_hash}]}
        return [cid for cid, _, _ in self._get_all(self.chunks, where=where, include=[])]

    def delete_chunks(self, ids: Sequence[str]) -> None:
        for i in range(0, len(ids), _PAGE):
            self.chunks.delete(ids=list(ids[i : i + _PAGE]))

    def delete_other_versions(self, doc_id: str, keep_hash: str) -> int:
        stale = [
            cid
            for cid, _, meta in self._get_all(self.chunks, where={"doc_id": doc_id}, include=["metadatas"])
            if meta.get("file_hash") != keep_hash
        ]
        self.delete_chunks(stale)
        return len(stale)

    def committed_chunks(self) -> list[StoredChunk]:
        """Every chunk of a committed file version (what readers may see)."""
        valid = {(r.doc_id, r.file_hash) for r in self.file_records().values()}
        result = []
        for cid, text, meta in self._get_all(self.chunks, include=["documents", "metadatas"]):
            if (meta.get("doc_id"), meta.get("file_hash")) in valid:
                result.append(StoredChunk.from_record(cid, text or "", meta))
        result.sort(key=lambda c: (c.source, c.start))
        return result

    def orphan_chunk_ids(self) -> list[str]:
        """Chunks no file record vouches for: leftovers of an interrupted ingest or removal."""
        valid = {(r.doc_id, r.file_hash) for r in self.file_records().values()}
        return [
            cid
            for cid, _, meta in self._get_all(self.chunks, include=["metadatas"])
            if (meta.get("doc_id"), meta.get("file_hash")) not in valid
        ]

    def query(self, vector: Sequence[float], n: int, where: dict[str, Any] | None) -> list[tuple[str, float]]:
        total = self.chunks.count()
        if total == 0:
            return []
        result = self.chunks.query(
            query_embeddings=[list(vector)],
            n_results=min(n, total),
            where=where or None,
            include=["distances"],
        )
        ids = result["ids"][0]
        distances = result["distances"][0] if result.get("distances") else [0.0] * len(ids)
        return list(zip(ids, (1.0 - float(d) for d in distances), strict=True))

    # helpers --------------------------------------------------------------------------------------
    @staticmethod
    def _get_all(
        collection: Any, where: dict[str, Any] | None = None, include: Iterable[str] = ()
    ) -> list[tuple[str, str | None, dict[str, Any]]]:
        rows: list[tuple[str, str | None, dict[str, Any]]] = []
        offset = 0
        include = list(include)
        while True:
            page = collection.get(where=where, include=include, limit=_PAGE, offset=offset)
            ids = page["ids"]
            if not ids:
                break
            documents = page.get("documents") or [None] * len(ids)
            metadatas = page.get("metadatas") or [{}] * len(ids)
            rows.extend(zip(ids, documents, [m or {} for m in metadatas], strict=True))
            if len(ids) < _PAGE:
                break
            offset += len(ids)
        return rows
