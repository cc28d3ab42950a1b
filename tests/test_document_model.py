"""The one document model: every format read into the same object, tables as grids, pages, offsets, layers."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from assistant.checks.checker import check_document, check_text
from assistant.document import readers
from assistant.document.model import Document, Table
from assistant.document.readers import read_document
from assistant.document.sentences import sentence_spans
from tests.conftest import run_cli
from tests.sample_files import write_xlsx
from tests.test_pdf_layout import write_synthetic_pdf

ROOT = Path(__file__).resolve().parents[1] / "assistant"


def write_score_docx(path: Path) -> Path:
    """A 项目支出绩效自评表 as Word tables hold it: a title row across the width, 一级/二级指标 merged down,
    a 合计 label merged across three columns, and two cells of one row with the same text."""
    import docx

    document = docx.Document()
    document.add_paragraph("附件：项目支出绩效自评表")
    rows = [
        ["2023年度项目支出绩效自评表", "", "", "", ""],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值"],
        ["产出指标", "数量指标", "培训人次", "≥500人次", "520人次"],
        ["", "", "覆盖乡镇", "12个", "12个"],
        ["", "质量指标", "培训合格率", "≥95%", "97%"],
        ["效益指标", "社会效益指标", "学员满意度", "≥90%", "93%"],
        ["合计", "", "", "100", "98"],
    ]
    table = document.add_table(rows=len(rows), cols=5)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value:
                table.cell(r, c).text = value
    table.cell(0, 0).merge(table.cell(0, 4))
    table.cell(2, 0).merge(table.cell(4, 0))
    table.cell(2, 1).merge(table.cell(3, 1))
    table.cell(6, 0).merge(table.cell(6, 2))
    document.add_paragraph("自评得分98分，等级为优。")
    document.save(str(path))
    return path


# ---------- Word tables as grids ----------


def test_docx_score_table_is_a_grid_with_merged_cells(tmp_path: Path) -> None:
    document = read_document(write_score_docx(tmp_path / "自评表.docx"))
    (table,) = document.tables
    assert (table.row_count, table.column_count) == (7, 5)
    assert sorted(table.spans) == [(0, 0, 1, 5), (2, 0, 3, 1), (2, 1, 2, 1), (6, 0, 1, 3)]
    assert table.rows[0] == ["2023年度项目支出绩效自评表", None, None, None, None]
    assert table.rows[3] == [None, None, "覆盖乡镇", "12个", "12个"]
    # merged cells resolved: every position inside one gives its text
    assert table.cell(4, 0) == "产出指标" and table.cell(3, 1) == "数量指标" and table.cell(6, 2) == "合计"
    assert table.header_rows == 2
    assert table.column_labels() == ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值"]
    assert table.body()[1] == ["产出指标", "数量指标", "覆盖乡镇", "12个", "12个"]


def test_docx_table_lines_keep_equal_cells_and_sit_at_the_table_span(tmp_path: Path) -> None:
    document = read_document(write_score_docx(tmp_path / "自评表.docx"))
    (table,) = document.tables
    lines = document.text[table.start : table.end].split("\n")
    assert lines[0] == "2023年度项目支出绩效自评表"
    # two different cells that print the same value are two cells, not one merged cell
    assert "产出指标 | 数量指标 | 覆盖乡镇 | 12个 | 12个" in lines
    assert lines[-1] == "合计 | 100 | 98"
    assert document.text.startswith("附件：项目支出绩效自评表\n") and document.text.endswith("等级为优。")
    assert document.table_at(document.text.index("培训合格率")) is table
    assert document.table_at(document.text.index("自评得分")) is None
    assert document.pages == () and document.page_at(5) is None


def test_spreadsheet_sheets_are_tables(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "指标.xlsx",
        {"基础数据": [["指标", "本年决算", None], ["三公经费", 11.2, None], [None, None, None], ["会议费", 3, None]]},
    )
    document = read_document(path)
    (table,) = document.tables
    assert table.sheet == "基础数据" and table.header_rows == 1
    assert table.rows == [["指标", "本年决算"], ["三公经费", "11.2"], ["会议费", "3"]]
    assert document.text[table.start : table.end] == "指标 | 本年决算\n三公经费 | 11.2\n会议费 | 3"


# ---------- PDFs: pages, offsets, the same findings as the text ----------


@pytest.fixture(scope="module")
def synthetic_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_synthetic_pdf(tmp_path_factory.mktemp("doc") / "决算说明.pdf")


def test_pdf_document_has_pages_offsets_and_table_spans(synthetic_pdf: Path) -> None:
    document = read_document(synthetic_pdf)
    assert document.name == "决算说明.pdf" and document.source is not None
    assert len(document.pages) == 3 and document.pages[0] == 0
    first = document.text.index("收入、支出总计")
    assert document.page_at(first) == 1 and document.where(first) == "第 1 页"
    last = document.text.rindex("本年支出合计")
    assert document.page_at(last) == 3
    # a logical span maps back to the same characters of the page text it was read from
    at = document.text.index("1305.00")
    s, e = document.source_span(at, at + len("1305.00"))
    assert document.source[s:e] == "1305.00"
    (table,) = document.tables
    assert document.text[table.start :].startswith(table.caption) and table.unit == "万元"
    assert document.text[: table.end].endswith("1740.00\n" + table.note) and table.note.startswith("注")
    assert document.table_at(document.text.index("1305.00")) is table


def test_check_on_pdf_gives_the_findings_of_its_text(synthetic_pdf: Path, tmp_path: Path, subprocess_env) -> None:
    document = read_document(synthetic_pdf)
    as_text = tmp_path / "决算说明.txt"
    as_text.write_text(document.text, encoding="utf-8")
    from_pdf = run_cli(["check", str(synthetic_pdf), "--format", "json"], subprocess_env)
    from_txt = run_cli(["check", str(as_text), "--format", "json"], subprocess_env)
    assert from_pdf.returncode == from_txt.returncode == 1, from_pdf.stderr + from_txt.stderr
    pdf_findings = json.loads(from_pdf.stdout)["findings"]
    txt_findings = json.loads(from_txt.stdout)["findings"]
    assert pdf_findings and [{k: v for k, v in f.items() if k != "page"} for f in pdf_findings] == txt_findings
    for finding in pdf_findings:  # spans point into the logical text the user is shown
        assert document.text[finding["start"] : finding["end"]] == finding["text"]
        assert finding["page"] == document.page_at(finding["start"])
    assert any(f["kind"] == "part_sum" and f["text"] == "9859.38万元" and f["page"] == 1 for f in pdf_findings)
    assert all("page" not in f for f in txt_findings)
    shown = run_cli(["check", str(synthetic_pdf)], subprocess_env).stdout
    assert "（第 1 页） 错误［分项合计］" in shown


def test_check_document_on_plain_text_has_no_pages() -> None:
    text = "基本支出100万元，其中：人员经费60万元，公用经费30万元。"
    findings = check_document(Document.plain(text, "稿.txt"))
    assert findings and [f.to_dict() for f in findings] == [f.to_dict() for f in check_text(text)]
    assert all(f.page is None for f in findings)


def test_a_document_is_parsed_once_for_every_consumer(synthetic_pdf: Path, monkeypatch) -> None:
    readers._CACHE.clear()
    first = read_document(synthetic_pdf, "一.pdf")
    calls = []
    monkeypatch.setitem(readers._READERS, ".pdf", lambda *a: calls.append(a) or first)
    again = read_document(synthetic_pdf, "二.pdf")
    assert calls == [] and again.text == first.text and again.name == "二.pdf" and first.name == "一.pdf"


# ---------- the one sentence splitter ----------


def test_sentence_splitter_semicolons_closers_and_tiling() -> None:
    text = "一是完成培训。”二是建成；三是验收！\n\n四是（见附表）"
    assert [text[s:e] for s, e in sentence_spans(text)] == ["一是完成培训。”", "二是建成；三是验收！", "四是（见附表）"]
    assert [text[s:e] for s, e in sentence_spans(text, semicolons=True)][1:3] == ["二是建成；", "三是验收！"]
    tiles = sentence_spans(text, trim=False)
    assert tiles[0][0] == 0 and tiles[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(tiles, tiles[1:], strict=False))
    assert sentence_spans("甲。乙", min_chars=3) == []  # pieces shorter than asked are dropped


# ---------- layers ----------


def _imports(folder: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[path.name] = names
    return found


@pytest.mark.parametrize(
    ("layer", "allowed"),
    [("document", ("assistant.document", "assistant.errors", "assistant.settings")), ("ingest", None)],
)
def test_lower_layers_never_import_upper_ones(layer: str, allowed: tuple[str, ...] | None) -> None:
    upper = ("assistant.checks", "assistant.review", "assistant.drafting", "assistant.ui", "assistant.chat",
             "assistant.critique", "assistant.workspace", "assistant.cli", "assistant.app")  # fmt: skip
    for name, modules in _imports(ROOT / layer).items():
        ours = {m for m in modules if m.startswith("assistant")}
        if allowed is not None:
            assert all(m.startswith(allowed) for m in ours), (name, ours)
        assert not any(m.startswith(upper) for m in ours), (name, ours)


def test_table_model_fills_merged_cells() -> None:
    table = Table(rows=[["项目", None, "金额"], ["甲", "乙", "3"]], spans=[(0, 0, 1, 2)], header_rows=1)
    assert table.filled() == [["项目", "项目", "金额"], ["甲", "乙", "3"]]
    assert table.column_labels() == ["项目", "项目", "金额"] and table.cell(9, 9) == ""


def test_cli_read_shows_the_text_findings_index_and_the_tables(tmp_path: Path, subprocess_env) -> None:
    path = write_score_docx(tmp_path / "自评表.docx")
    shown = run_cli(["read", str(path)], subprocess_env)
    assert shown.returncode == 0 and shown.stdout.rstrip("\n") == read_document(path).text
    assert "表格 1“附件：项目支出绩效自评表”：7 行 × 5 列，表头 2 行，合并单元格 4 个" in shown.stderr
    data = json.loads(run_cli(["read", str(path), "--format", "json"], subprocess_env).stdout)
    assert data["tables"][0]["spans"] == [[0, 0, 1, 5], [2, 0, 3, 1], [2, 1, 2, 1], [6, 0, 1, 3]]
    missing = run_cli(["read", str(tmp_path / "无.pdf")], subprocess_env)
    assert missing.returncode == 2 and "不存在" in missing.stderr
