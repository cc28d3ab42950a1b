"""Retrieval quality over knowledge/ with the labelled query sets (printed per mode; fused R@5 asserted)."""

from __future__ import annotations

import pytest

from assistant.knowledge import KnowledgeBase
from assistant.retrieval.evaluation import first_hit_rank, load_queries, score
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

QUERIES = ROOT / "tests" / "data" / "retrieval_queries.yaml"
HELD_OUT = ROOT / "tests" / "data" / "retrieval_queries_heldout.yaml"


@pytest.fixture(scope="module")
def knowledge_kb(tmp_path_factory, embed_cache):
    from assistant.settings import load_settings

    settings = load_settings(
        data_dir=tmp_path_factory.mktemp("rq"), knowledge_dir=ROOT / "knowledge", cache_override=embed_cache
    )
    kb = KnowledgeBase(settings)
    report = kb.ingest()
    assert not report.failed, report.failed
    yield kb
    kb.close()


def test_query_sets_are_large_enough() -> None:
    queries = load_queries(QUERIES)
    assert len(queries) >= 40
    assert sum(q.paraphrase for q in queries) * 2 >= len(queries)
    sources = {p.relative_to(ROOT / "knowledge").as_posix() for p in (ROOT / "knowledge").rglob("*.*")}
    assert {q.source for q in queries} <= sources


@pytest.mark.parametrize(
    ("path", "floor"), [(QUERIES, 0.95), (HELD_OUT, 0.9)], ids=["tuned-set", "held-out-set"]
)
def test_fused_recall_at_5(knowledge_kb: KnowledgeBase, path, floor: float, capsys) -> None:
    queries = load_queries(path)
    results = {}
    for mode in ("bm25", "dense", "hybrid"):
        ranks = [first_hit_rank(knowledge_kb.search(q.query, 5, mode=mode).results, q) for q in queries]
        results[mode] = score(mode, ranks, queries)
    with capsys.disabled():
        print(f"\n{path.name}:")
        for mode_scores in results.values():
            print("  " + mode_scores.line())
    assert results["hybrid"].recall_at_5 >= floor, results["hybrid"].misses
    assert results["hybrid"].mrr >= max(results["bm25"].mrr, results["dense"].mrr) - 0.05


def test_results_carry_citations(knowledge_kb: KnowledgeBase) -> None:
    hit = knowledge_kb.search("炎陵收集企业困难与问题多少件，已解决多少件", 1).results[0]
    source_text = (ROOT / "knowledge" / hit.source).read_text(encoding="utf-8")
    assert hit.source == "reports/2023-yanling-kegongxin-self-evaluation.txt"
    assert source_text[hit.start : hit.end] == hit.text
    assert "解决率达到99.3%" in hit.text
    assert hit.section.startswith("六、部门整体支出绩效情况")
    assert hit.unit == "炎陵县科技和工业信息化局" and hit.year == 2023 and hit.doc_type == "report"
