"""Ingestion into a real Chroma (on disk and through `chroma run`): formats, bad files, increments, removal."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.knowledge import KnowledgeBase
from tests.sample_files import make_corpus, write_docx

pytestmark = pytest.mark.slow


def consistent(kb: KnowledgeBase) -> None:
    """Every file record has exactly its chunks, and nothing else is stored."""
    records = kb.store.file_records()
    for record in records.values():
        assert len(kb.store.chunk_ids(record.doc_id, record.file_hash)) == record.chunk_count, record.source
    assert kb.store.orphan_chunk_ids() == []


def test_every_format_is_ingested_and_a_corrupt_docx_does_not_stop_the_rest(
    tmp_path: Path, make_settings, backend
) -> None:
    corpus = tmp_path / "kb"
    files = make_corpus(corpus)
    (corpus / "reports" / "坏掉的报告.docx").write_bytes(b"PK\x03\x04 broken")
    kb = KnowledgeBase(make_settings(backend, knowledge_dir=corpus))

    report = kb.ingest()

    assert len(report.added) == len(files)
    assert [source for source, _ in report.failed] == ["reports/坏掉的报告.docx"]
    assert "坏掉的报告.docx" in report.failed[0][1] and "损坏" in report.failed[0][1]
    listed = {r.source: r for r in kb.documents()}
    assert set(listed) == {p.relative_to(corpus).as_posix() for p in files.values()}
    assert listed["reports/2020-gbk.txt"].doc_type == "report"
    assert listed["policies/jixiao-tongzhi.pdf"].doc_type == "policy"
    assert listed["reports/2022-shuili.txt"].year == 2022
    assert listed["reports/2022-shuili.txt"].unit == "示例县水利局"
    consistent(kb)

    hit = kb.search("经济普查入户登记覆盖多少住户", 3).results[0]
    assert hit.source == "reports/2020-gbk.txt"
    gbk_text = files["gbk"].read_bytes().decode("gb18030")
    assert gbk_text[hit.start : hit.end] == hit.text  # the span points into the decoded source
    table_hit = kb.search("公务接待费上年决算和本年决算", 3).results[0]
    assert table_hit.source == "reports/2023-jiaotong.docx" and "公务接待费 | 3.20 | 2.85" in table_hit.text
    kb.close()


def test_rerun_skips_unchanged_replaces_changed_and_removes_deleted(
    tmp_path: Path, make_settings, backend
) -> None:
    corpus = tmp_path / "kb"
    files = make_corpus(corpus)
    kb = KnowledgeBase(make_settings(backend, knowledge_dir=corpus))
    first = kb.ingest()
    chunk_total = sum(r.chunk_count for r in kb.documents())

    second = kb.ingest()
    assert second.added == [] and second.updated == [] and len(second.unchanged) == len(files)
    assert sum(r.chunk_count for r in kb.documents()) == chunk_total == first.chunks_written

    files["utf8"].write_text(
        files["utf8"].read_text(encoding="utf-8").replace("汛期施工窗口短", "征地协调进度慢"),
        encoding="utf-8",
    )
    files["pdf"].unlink()
    third = kb.ingest()
    assert third.updated == ["reports/2022-shuili.txt"]
    assert third.removed == ["policies/jixiao-tongzhi.pdf"]
    assert "policies/jixiao-tongzhi.pdf" not in {r.source for r in kb.documents()}
    texts = " ".join(c.text for c in kb.store.committed_chunks())
    assert "征地协调进度慢" in texts and "汛期施工窗口短" not in texts
    consistent(kb)
    kb.close()


def test_a_file_that_turns_corrupt_keeps_its_stored_version(tmp_path: Path, make_settings, backend) -> None:
    corpus = tmp_path / "kb"
    (corpus / "reports").mkdir(parents=True)
    path = write_docx(
        corpus / "reports" / "2023-a.docx",
        "2023年度甲局部门整体支出绩效自评报告",
        ["一、基本情况", "甲局负责城市绿化养护。"],
    )
    kb = KnowledgeBase(make_settings(backend, knowledge_dir=corpus))
    kb.ingest()
    path.write_bytes(b"not a docx any more")
    report = kb.ingest()
    assert report.failed and "2023-a.docx" in report.failed[0][1]
    assert [r.source for r in kb.documents()] == ["reports/2023-a.docx"]
    assert "城市绿化养护" in kb.search("城市绿化", 1).results[0].text
    kb.close()


def test_single_file_inside_an_ingested_folder_keeps_its_identity(tmp_path: Path, make_settings) -> None:
    corpus = tmp_path / "kb"
    files = make_corpus(corpus)
    kb = KnowledgeBase(make_settings(None, knowledge_dir=corpus))
    kb.ingest()
    count = len(kb.documents())
    report = kb.ingest([files["utf8"]])
    assert report.unchanged == ["reports/2022-shuili.txt"]
    assert len(kb.documents()) == count
    kb.close()


def test_kb_remove(tmp_path: Path, make_settings, backend) -> None:
    corpus = tmp_path / "kb"
    make_corpus(corpus)
    kb = KnowledgeBase(make_settings(backend, knowledge_dir=corpus))
    kb.ingest()
    removed = kb.remove("2022-shuili.txt")
    assert [r.source for r in removed] == ["reports/2022-shuili.txt"]
    assert all(c.source != "reports/2022-shuili.txt" for c in kb.store.committed_chunks())
    assert kb.remove("no-such-file.txt") == []
    consistent(kb)
    kb.close()
