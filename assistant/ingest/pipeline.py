"""Incremental, interruption-safe ingestion of files into the chunk store."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.document.limits import ReadLimits
from assistant.document.model import Document
from assistant.document.readers import read_document, unexpected_problem
from assistant.embeddings.backends import CachedEmbeddings
from assistant.errors import AssistantError, InputFileError
from assistant.ingest.chunking import chunk_text
from assistant.ingest.discovery import SourceFile, discover
from assistant.ingest.metadata import describe, document_type
from assistant.store.chroma_store import ChunkStore, FileRecord, StoredChunk, chunk_id

WRITE_BATCH = 16  # chunks embedded and written to the store per call


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, Chinese message)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # links out of a folder: (source, notice)
    chunks_written: int = 0
    chars_read: int = 0
    orphans_cleaned: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        parts = [
            f"新增 {len(self.added)} 个文件",
            f"更新 {len(self.updated)} 个",
            f"未变化跳过 {len(self.unchanged)} 个",
            f"移除 {len(self.removed)} 个",
            f"失败 {len(self.failed)} 个",
            f"写入 {self.chunks_written} 个片段",
        ]
        if self.skipped:
            names = "、".join(source for source, _ in self.skipped[:3])
            more = " 等" if len(self.skipped) > 3 else ""
            parts.append(f"跳过 {len(self.skipped)} 个指向文件夹之外的链接（{names}{more}）")
        return "，".join(parts) + f"，用时 {self.seconds:.1f} 秒。"


class Progress:
    """Callbacks for progress display; the default does nothing."""

    def files_total(self, total: int) -> None: ...
    def file_started(self, source: str, chunks: int) -> None: ...
    def chunks_done(self, count: int) -> None: ...
    def file_done(self, source: str, status: str) -> None: ...
    def message(self, text: str) -> None: ...
    def close(self) -> None: ...


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _prepare_chunks(
    item: SourceFile, document: Document, content_hash: str, min_chars: int, max_chars: int
) -> tuple[list[StoredChunk], FileRecord]:
    text = document.text
    info = describe(text, item.source)
    doc_type = info.doc_type if info.doc_type != "other" else document_type(item.path.as_posix())
    pieces = chunk_text(text, min_chars, max_chars, document.sections)
    chunks = [
        StoredChunk(
            id=chunk_id(item.doc_id, content_hash, i),
            text=text[p.start : p.end],
            doc_id=item.doc_id,
            source=item.source,
            section=p.section,
            start=p.start,
            end=p.end,
            doc_type=doc_type,
            title=info.title,
            year=info.year,
            unit=info.unit,
            file_hash=content_hash,
            sections=p.sections,
            page=document.page_at(p.start),
            page_breaks=tuple(b for b in document.pages if p.start < b < p.end),
        )
        for i, p in enumerate(pieces)
    ]
    record = FileRecord(
        doc_id=item.doc_id,
        root=item.root,
        source=item.source,
        file_hash=content_hash,
        chunk_count=len(chunks),
        doc_type=doc_type,
        title=info.title,
        year=info.year,
        unit=info.unit,
        chars=len(text),
        ingested_at=time.strftime("%Y-%m-%d %H:%M:%S"),
    )
    return chunks, record


def _unexpected(source: str, exc: BaseException) -> str:
    return str(InputFileError(source, unexpected_problem(exc)))


def embedding_text(chunk: StoredChunk) -> str:
    """What gets embedded: the chunk with its document title and section path in front, so a passage
    that never names its unit or topic is still found by a question that does."""
    return f"{chunk.title}\n{chunk.section}\n{chunk.text}"


def _placeholder_vectors(count: int) -> list[list[float]]:
    """Store-only vectors for the BM25-only family (never queried densely)."""
    return [[1.0] for _ in range(count)]


def ingest(
    store: ChunkStore,
    embedder: CachedEmbeddings | None,
    paths: Iterable[Path],
    *,
    min_chars: int = 300,
    max_chars: int = 600,
    max_bytes: int | None = None,
    limits: ReadLimits | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Bring the store in line with ``paths``: add new and changed files, drop deleted ones.

    A file that cannot be read is reported and skipped; whatever the store held for it stays. No error
    in reading or chunking one file stops the others.
    """
    progress = progress or Progress()
    report = IngestReport()
    started = time.perf_counter()
    orphans = store.orphan_chunk_ids()
    store.delete_chunks(orphans)
    report.orphans_cleaned = len(orphans)

    records = store.file_records()
    found = discover(paths, {r.root for r in records.values()})
    files, scanned_roots = found.files, found.roots
    report.failed.extend(found.problems)
    report.skipped.extend(found.skipped)
    for _, notice in found.skipped:
        progress.message(notice)
    progress.files_total(len(files))

    for item in files:
        try:
            content_hash = file_hash(item.path)
        except OSError as exc:
            report.failed.append((item.source, f"文件“{item.source}”无法读取：{exc.strerror or exc}"))
            progress.file_done(item.source, "failed")
            continue
        existing = records.get(item.doc_id)
        if (
            existing
            and existing.file_hash == content_hash
            and len(store.chunk_ids(item.doc_id, content_hash)) == existing.chunk_count
        ):
            report.unchanged.append(item.source)
            progress.file_done(item.source, "unchanged")
            continue
        try:
            document = read_document(item.path, item.source, max_bytes, limits)
            chunks, record = _prepare_chunks(item, document, content_hash, min_chars, max_chars)
        except Exception as exc:  # a parser or the chunker failing on one file must not stop the rest
            message = str(exc) if isinstance(exc, InputFileError) else _unexpected(item.source, exc)
            report.failed.append((item.source, message))
            progress.message(message)
            progress.file_done(item.source, "failed")
            continue
        progress.file_started(item.source, len(chunks))
        try:
            store.delete_chunks(store.chunk_ids(item.doc_id, content_hash))  # a half-written earlier attempt
            for i in range(0, len(chunks), WRITE_BATCH):
                batch = chunks[i : i + WRITE_BATCH]
                texts = [embedding_text(c) for c in batch]
                vectors = embedder.embed_documents(texts) if embedder else _placeholder_vectors(len(batch))
                store.add_chunks(batch, vectors)
                progress.chunks_done(len(batch))
            store.commit_file(record)
            store.delete_other_versions(item.doc_id, content_hash)
        except AssistantError as exc:
            report.failed.append((item.source, f"文件“{item.source}”入库失败：{exc}"))
            progress.message(report.failed[-1][1])
            progress.file_done(item.source, "failed")
            continue
        (report.updated if existing else report.added).append(item.source)
        report.chunks_written += len(chunks)
        report.chars_read += len(document.text)
        progress.file_done(item.source, "updated" if existing else "added")

    seen = {f.doc_id for f in files}
    for record in records.values():
        if record.root in scanned_roots and record.doc_id not in seen:
            remove_document(store, record)
            report.removed.append(record.source)
            progress.file_done(record.source, "removed")
    report.seconds = time.perf_counter() - started
    progress.close()
    return report


def remove_document(store: ChunkStore, record: FileRecord) -> int:
    """Drop the file record first (readers stop seeing it at once), then its chunks."""
    store.drop_file_record(record.doc_id)
    ids = store.chunk_ids(record.doc_id)
    store.delete_chunks(ids)
    return len(ids)
