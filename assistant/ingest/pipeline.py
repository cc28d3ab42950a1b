"""Incremental, interruption-safe ingestion of files into the chunk store."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.embeddings.backends import CachedEmbeddings
from assistant.errors import AssistantError, InputFileError
from assistant.ingest.chunking import chunk_text
from assistant.ingest.metadata import describe, document_type
from assistant.ingest.readers import SUPPORTED_SUFFIXES, read_source
from assistant.store.chroma_store import ChunkStore, FileRecord, StoredChunk, chunk_id, doc_id_for

WRITE_BATCH = 16  # chunks embedded and written to the store per call


@dataclass
class SourceFile:
    path: Path
    root: str
    source: str  # path relative to root, with forward slashes

    @property
    def doc_id(self) -> str:
        return doc_id_for(self.root, self.source)


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, Chinese message)
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
        return "，".join(parts) + f"，用时 {self.seconds:.1f} 秒。"


class Progress:
    """Callbacks for progress display; the default does nothing."""

    def files_total(self, total: int) -> None: ...
    def file_started(self, source: str, chunks: int) -> None: ...
    def chunks_done(self, count: int) -> None: ...
    def file_done(self, source: str, status: str) -> None: ...
    def message(self, text: str) -> None: ...
    def close(self) -> None: ...


def _is_candidate(path: Path) -> bool:
    name = path.name
    return path.suffix.lower() in SUPPORTED_SUFFIXES and not name.startswith((".", "~$"))


def discover(
    paths: Iterable[Path], known_roots: Iterable[str]
) -> tuple[list[SourceFile], list[str], list[tuple[str, str]]]:
    """Files to ingest, the directory roots scanned whole, and problems with the paths given."""
    files: list[SourceFile] = []
    scanned_roots: list[str] = []
    problems: list[tuple[str, str]] = []
    roots = sorted({str(Path(r)) for r in known_roots}, key=len, reverse=True)
    for given in paths:
        path = Path(given)
        if not path.exists():
            problems.append((str(given), f"路径“{given}”不存在"))
            continue
        resolved = path.resolve()
        if resolved.is_dir():
            root = str(resolved)
            scanned_roots.append(root)
            for found in sorted(resolved.rglob("*")):
                relative = found.relative_to(resolved)
                if (
                    found.is_file()
                    and _is_candidate(found)
                    and not any(p.startswith(".") for p in relative.parts)
                ):
                    files.append(SourceFile(found, root, relative.as_posix()))
            continue
        if not _is_candidate(resolved):
            problems.append(
                (
                    str(given),
                    InputFileError(
                        str(given), f"不支持的文件类型（支持 {'、'.join(SUPPORTED_SUFFIXES)}）"
                    ).args[0],
                )
            )
            continue
        owner = next((r for r in roots if resolved.is_relative_to(r)), str(resolved.parent))
        files.append(SourceFile(resolved, owner, resolved.relative_to(owner).as_posix()))
    unique = {f.doc_id: f for f in files}
    return list(unique.values()), scanned_roots, problems


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _prepare_chunks(
    item: SourceFile, text: str, content_hash: str, min_chars: int, max_chars: int
) -> tuple[list[StoredChunk], FileRecord]:
    info = describe(text, item.source)
    doc_type = info.doc_type if info.doc_type != "other" else document_type(item.path.as_posix())
    pieces = chunk_text(text, min_chars, max_chars)
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
    progress: Progress | None = None,
) -> IngestReport:
    """Bring the store in line with ``paths``: add new and changed files, drop deleted ones.

    A file that cannot be read is reported and skipped; whatever the store held for it stays.
    """
    progress = progress or Progress()
    report = IngestReport()
    started = time.perf_counter()
    orphans = store.orphan_chunk_ids()
    store.delete_chunks(orphans)
    report.orphans_cleaned = len(orphans)

    records = store.file_records()
    files, scanned_roots, problems = discover(paths, {r.root for r in records.values()})
    report.failed.extend(problems)
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
            source_text = read_source(item.path, item.source, max_bytes)
            chunks, record = _prepare_chunks(item, source_text.text, content_hash, min_chars, max_chars)
        except InputFileError as exc:
            report.failed.append((item.source, str(exc)))
            progress.message(str(exc))
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
        report.chars_read += len(source_text.text)
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
