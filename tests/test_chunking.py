"""Chunks follow headings and sentences, keep exact spans, and never cut a number."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.document.structure import SectionIndex, find_headings
from assistant.ingest.chunking import chunk_text
from assistant.ingest.metadata import describe
from tests.conftest import SEED

SENTENCE_END = "。！？；!?;”’）)】》"


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def test_seed_section_paths_follow_its_headings() -> None:
    text = seed_text()
    index = SectionIndex(text)
    at = text.index("全县实现规模工业总产值94.3亿元")
    assert index.path_at(at) == "六、部门整体支出绩效情况 > （二）坚守“稳增长”主线"
    assert (
        index.path_at(text.index("人员经费4093973.19元")) == "二、一般公共预算支出情况 > （一）基本支出情况"
    )
    assert index.path_at(text.index("统筹兼顾抓重点。重点")).startswith("8、 下一步改进措施")
    # "[bookmark: _GoBack]五、…" is still section 五
    assert index.path_at(text.index("2023年无社会保险基金")) == "五、社会保险基金预算支出情况"
    # the goal list "1、…6、" under （2） is not mistaken for top-level sections
    assert index.path_at(text.index("主特产业实力不断壮大")).startswith("一、基本情况 > （2）")


def test_heading_styles_nest_in_document_order() -> None:
    text = "一、总则\n（一）范围\n1.项目\n（1）细项\n2.其他\n二、附则\n"
    depths = [(h.title, h.depth) for h in find_headings(text)]
    assert depths == [
        ("一、总则", 1),
        ("（一）范围", 2),
        ("1.项目", 3),
        ("（1）细项", 4),
        ("2.其他", 3),
        ("二、附则", 1),
    ]


def test_markdown_heading_marks_are_understood() -> None:
    text = "# 报告\n\n## 一、基本情况\n\n正文。\n\n### （一）机构\n\n内设股室3个。\n"
    index = SectionIndex(text)
    assert index.path_at(text.index("内设股室")) == "报告 > 一、基本情况 > （一）机构"


def test_seed_chunks_are_exact_spans_of_whole_sentences() -> None:
    text = seed_text()
    pieces = chunk_text(text)
    assert pieces
    for piece in pieces:
        chunk = text[piece.start : piece.end]
        assert chunk == chunk.strip()
        assert len(chunk) <= 600
        assert chunk[-1] in SENTENCE_END or text[piece.end : piece.end + 1] in ("\n", ""), chunk[-20:]
    sizes = [p.end - p.start for p in pieces]
    assert sum(sizes) / len(sizes) >= 250  # small sections are packed, not left as fragments


def test_chunks_cover_every_sentence_once() -> None:
    text = seed_text()
    pieces = chunk_text(text)
    for a, b in zip(pieces, pieces[1:], strict=False):
        assert a.end <= b.start
        assert text[a.end : b.start].strip() == ""


def test_long_sentence_is_cut_at_a_clause_mark_not_inside_a_number() -> None:
    clause = "完成投资12717584.6元，"
    text = "一、情况\n" + clause * 80 + "全部完工。\n"
    pieces = chunk_text(text, 300, 600)
    assert len(pieces) > 1
    for piece in pieces:
        chunk = text[piece.start : piece.end]
        assert len(chunk) <= 600
        assert not re.match(r"^[0-9.]", chunk) or chunk.startswith("一")
        assert not re.search(r"[0-9.]$", chunk)


def test_sections_covered_by_a_packed_chunk_are_listed() -> None:
    text = seed_text()
    covering = [p for p in chunk_text(text) if "四、国有资本经营预算支出情况" in p.sections]
    assert covering and "三、政府性基金预算支出情况" in covering[0].sections


def test_seed_metadata() -> None:
    info = describe(seed_text(), "reports/2023-yanling-kegongxin-self-evaluation.txt")
    assert info.title == "2023年度炎陵县科技和工业信息化局整体支出绩效自评报告"
    assert info.year == 2023
    assert info.unit == "炎陵县科技和工业信息化局"
    assert info.doc_type == "report"


def test_policy_folder_gives_policy_type() -> None:
    info = describe("项目支出绩效评价管理办法要点\n一、总则\n正文。", "policies/x.md")
    assert info.doc_type == "policy"


sentences = st.lists(
    st.tuples(
        st.sampled_from(["", "一、情况\n", "（二）项目\n", "1.细项\n"]),
        st.text(alphabet="经费执行率完成项目资金元万亿", min_size=1, max_size=120),
        st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
        st.sampled_from(["。", "；", "！", "\n"]),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(sentences)
def test_chunks_never_split_a_number_and_respect_max(parts) -> None:
    text = "".join(f"{head}{words}{number}元{end}" for head, words, number, end in parts)
    pieces = chunk_text(text, 300, 600)
    numbers = [(m.start(), m.end()) for m in re.finditer(r"\d+(?:\.\d+)?", text)]
    for piece in pieces:
        assert piece.end - piece.start <= 600
        for start, end in numbers:
            assert not (start < piece.start < end) and not (start < piece.end < end)
