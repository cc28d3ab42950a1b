"""An ingest killed mid-way leaves a store that reads consistently; the next run completes it."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant.knowledge import KnowledgeBase
from assistant.store.chroma_store import ChunkStore
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def assert_consistent_view(kb: KnowledgeBase) -> None:
    records = kb.store.file_records()
    for record in records.values():
        assert len(kb.store.chunk_ids(record.doc_id, record.file_hash)) == record.chunk_count, record.source
    visible = kb.store.committed_chunks()
    assert {(c.doc_id, c.file_hash) for c in visible} <= {(r.doc_id, r.file_hash) for r in records.values()}


def test_sigkill_during_ingest_then_rerun(
    tmp_path: Path, subprocess_env: dict[str, str], make_settings
) -> None:
    corpus = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", corpus)
    env = dict(
        subprocess_env, ASSISTANT_CACHE_DIR=str(tmp_path / "fresh-cache")
    )  # nothing cached: slow enough to kill
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "ingest", str(corpus)],
        env=env,
        cwd=str(ROOT),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    seen = bytearray()

    def pump() -> None:
        assert process.stderr is not None
        while chunk := process.stderr.read1(4096):
            seen.extend(chunk)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    deadline = time.time() + 300
    while "已入库".encode() not in seen:
        assert process.poll() is None, seen.decode(errors="replace")[-2000:]
        assert time.time() < deadline, "no file finished within 300 s"
        time.sleep(0.05)
    time.sleep(1.0)  # now inside the next file's embedding
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    reader.join(timeout=5)

    settings = make_settings(
        None,
        data_dir=tmp_path / "data",
        cache_override=tmp_path / "fresh-cache",
        knowledge_dir=corpus,
        collection="knowledge",
    )
    kb = KnowledgeBase(settings)
    done_before = len(kb.store.file_records())
    assert 1 <= done_before < 9
    assert_consistent_view(kb)
    kb.close()

    rerun = subprocess.run(
        [sys.executable, "-m", "assistant", "ingest", str(corpus)],
        env=env,
        cwd=str(ROOT),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    kb = KnowledgeBase(settings)
    records = kb.store.file_records()
    assert len(records) == 9
    assert kb.store.orphan_chunk_ids() == []
    assert_consistent_view(kb)
    assert f"未变化跳过 {done_before} 个" in rerun.stdout
    kb.close()


class CrashingStore(ChunkStore):
    """Dies after the first batch of a given document, as a killed process would."""

    crash_on: str = ""

    def add_chunks(self, chunks, embeddings) -> None:
        super().add_chunks(chunks, embeddings)
        if chunks and chunks[0].source == self.crash_on:
            raise SystemExit("simulated crash")


def test_crash_while_replacing_a_file_keeps_serving_the_old_version(
    tmp_path: Path, make_settings, backend
) -> None:
    corpus = tmp_path / "kb"
    (corpus / "reports").mkdir(parents=True)
    path = corpus / "reports" / "2023-x.txt"
    old = (
        "2023年度乙局部门整体支出绩效自评报告\n一、基本情况\n"
        + "乙局承担河道保洁任务，全年保洁河道120公里。" * 40
    )
    path.write_text(old, encoding="utf-8")
    settings = make_settings(backend, knowledge_dir=corpus)
    kb = KnowledgeBase(settings)
    kb.ingest()
    old_record = kb.store.file_records()

    path.write_text(old.replace("河道保洁", "垃圾分类"), encoding="utf-8")
    crashing = KnowledgeBase(settings)
    crashing._store = CrashingStore(kb.store.client, settings.collection, kb.store.family)
    crashing._store.crash_on = "reports/2023-x.txt"
    with pytest.raises(SystemExit):
        crashing.ingest()

    fresh = KnowledgeBase(settings)
    assert fresh.store.file_records() == old_record
    assert fresh.store.orphan_chunk_ids()  # the half-written new version is there ...
    assert all("河道保洁" in c.text for c in fresh.store.committed_chunks())  # ... but nobody sees it
    assert (
        "垃圾分类" not in fresh.search("垃圾分类", 3).results[0].text
        if fresh.search("垃圾分类", 3).results
        else True
    )

    report = fresh.ingest()
    assert report.updated == ["reports/2023-x.txt"] and report.orphans_cleaned > 0
    assert all("垃圾分类" in c.text for c in fresh.store.committed_chunks())
    assert fresh.store.orphan_chunk_ids() == []
    kb.close()
    fresh.close()
