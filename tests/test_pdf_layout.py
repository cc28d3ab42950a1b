"""pdf_layout: logical text, offset map and tables of PDFs with a text layer."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from assistant.checks.checker import check_text
from assistant.document.pdf_layout import PdfLayout, read_layout
from assistant.document.readers import read_document
from assistant.errors import InputFileError
from tests.conftest import run_cli

# A real published 部门决算 disclosure template, kept outside the project: set ASSISTANT_REAL_DOCS to the
# folder that holds it to run the test on it too (bench/pdf_template.py finds it by itself when present).
TEMPLATE = Path(os.environ.get("ASSISTANT_REAL_DOCS", "/nonexistent")) / "final-accounts-disclosure-template-2024.pdf"

HEADER_TEXT = "某区某局2024年度部门决算公开"
GAP = "\x01"  # a token starting with GAP is drawn after a 3.5pt gap (the way WPS spaces number and unit)


class _SynthPdf:
    """A CJK PDF with a running header, "- N -" page numbers, wrapped paragraphs and ruled tables."""

    font, size, line_height, left, right = "STSong-Light", 12, 22, 90, 505

    def __init__(self, path: Path) -> None:
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen import canvas

        pdfmetrics.registerFont(UnicodeCIDFont(self.font))
        self.metrics = pdfmetrics
        self.width, self.height = A4
        self.c = canvas.Canvas(str(path), pagesize=A4)
        self.page = 1
        self.y = self.height - 100
        self._furniture()

    def _furniture(self) -> None:
        self.c.setFont(self.font, 9)
        self.c.drawCentredString(self.width / 2, self.height - 50, HEADER_TEXT)
        self.c.drawCentredString(self.width / 2, 40, f"- {self.page} -")
        self.c.setFont(self.font, self.size)

    def _new_page(self) -> None:
        self.c.showPage()
        self.page += 1
        self.y = self.height - 100
        self._furniture()

    def para(self, tokens: list[str]) -> None:
        x = self.left + 2 * self.size
        self.c.setFont(self.font, self.size)
        chars = []
        for token in tokens:
            gap = token.startswith(GAP)
            text = token.lstrip(GAP)
            chars += [(ch, 3.5 if gap and i == 0 else 0.0) for i, ch in enumerate(text)]
        for ch, gap in chars:
            w = self.metrics.stringWidth(ch, self.font, self.size)
            if x + gap + w > self.right + 0.5:
                self.y -= self.line_height
                x, gap = self.left, 0
                if self.y < 80:
                    self._new_page()
                    self.c.setFont(self.font, self.size)
            x += gap
            self.c.drawString(x, self.y, ch)
            x += w
        self.y -= self.line_height
        if self.y < 80:
            self._new_page()

    def heading(self, text: str) -> None:
        self.c.setFont(self.font, 14)
        self.c.drawString(self.left, self.y, text)
        self.y -= self.line_height + 4
        self.c.setFont(self.font, self.size)

    def _table_header(self, header: list[str], colw: list[int], rowh: int) -> list[float]:
        """Two header rows: the first cells span both rows, the last two columns share a cell in row 0."""
        c, top = self.c, self.y
        xs = [float(self.left)]
        for w in colw:
            xs.append(xs[-1] + w)
        y1, y2 = top - rowh, top - 2 * rowh
        c.setLineWidth(0.6)
        c.line(xs[0], top, xs[-1], top)
        c.line(xs[-3], y1, xs[-1], y1)
        c.line(xs[0], y2, xs[-1], y2)
        for i, x in enumerate(xs):
            c.line(x, y1 if i == len(xs) - 2 else top, x, y2)
        c.setFont(self.font, 10)
        for j in range(len(colw) - 2):
            c.drawString(xs[j] + 4, top - rowh - 5, header[j])
        c.drawCentredString((xs[-3] + xs[-1]) / 2, top - 14, header[-3])
        c.drawString(xs[-3] + 4, y1 - 14, header[-2])
        c.drawString(xs[-2] + 4, y1 - 14, header[-1])
        self.y = y2
        return xs

    def table(
        self, caption: str, unit: str, header: list[str], rows: list[list[str]], colw: list[int]
    ) -> None:
        c, rowh = self.c, 20
        c.setFont(self.font, self.size)
        c.drawCentredString(self.width / 2, self.y, caption)
        self.y -= 18
        c.setFont(self.font, 10)
        c.drawRightString(self.left + sum(colw), self.y, unit)
        self.y -= 8
        xs = self._table_header(header, colw, rowh)
        for row in rows:
            if self.y - rowh < 70:
                self._new_page()
                self.y = self.height - 90
                xs = self._table_header(header, colw, rowh)  # repeated on the next page
            top, bottom = self.y, self.y - rowh
            c.line(xs[0], bottom, xs[-1], bottom)
            for x in xs:
                c.line(x, top, x, bottom)
            c.setFont(self.font, 10)
            for j, value in enumerate(row):
                if j == 0:
                    c.drawString(xs[j] + 4, bottom + 6, value)
                else:
                    c.drawRightString(xs[j + 1] - 4, bottom + 6, value)
            self.y = bottom
        self.y -= 16
        c.setFont(self.font, 9)
        c.drawString(self.left, self.y, "注：本表为合成测试数据。")
        self.y -= self.line_height

    def save(self) -> None:
        self.c.save()


TABLE_ROWS = [[f"科目{i:02d}", f"{i}.00", f"{i * 2}.00", f"{i * 3}.00", f"{i * 4}.00"] for i in range(1, 30)]
TABLE_ROWS.append(["合计", "435.00", "870.00", "1305.00", "1740.00"])


def write_synthetic_pdf(path: Path) -> Path:
    """Three pages; invented text.  The 基本支出 sentence has parts that do not add up (planted error)."""
    doc = _SynthPdf(path)
    doc.heading("一、收入支出决算总体情况说明")
    doc.para(
        [
            "某区某局2024年度收入、支出总计",
            f"{GAP}9859.38",
            f"{GAP}万元",
            "。与2023年度相比，收入、支出总计各增加",
            f"{GAP}312.5",
            f"{GAP}万元，增长3.3%。主要原因是本年度新增了若干测试项目，相关经费相应增加，"
            "其余各项支出与上年基本持平，没有发生显著变化。",
        ]
    )
    doc.para(
        [
            "2024年基本支出为",
            f"{GAP}9859.38",
            f"{GAP}万元，其中：人员经费",
            f"{GAP}7 654.32",
            f"{GAP}万元，公用经费",
            f"{GAP}1111.11",
            f"{GAP}万元。基本支出主要用于保障机构正常运转和完成日常工作任务，与上年基本持平。",
        ]
    )
    doc.heading("二、收入决算情况说明")
    for k in range(9):
        doc.para(
            [
                f"第{k + 1}段测试文字用于填满页面并检验跨页的段落续接，金额为",
                f"{GAP}{100 + k}.5",
                f"{GAP}万元，说明文字继续延伸到下一行以形成换行，再写一些内容以便它足够长而能跨越两行甚至三行。",
            ]
        )
    doc.table(
        "表1 合成收入支出决算表",
        "单位：万元",
        ["项目", "a", "b", "决算数", "上年", "本年"],
        TABLE_ROWS,
        [150, 65, 65, 70, 70],
    )
    doc.heading("三、支出决算情况说明")
    doc.para(["本年支出合计", f"{GAP}9859.38", f"{GAP}万元。"])
    doc.save()
    return path


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PdfLayout]:
    path = write_synthetic_pdf(tmp_path_factory.mktemp("pdf") / "synth.pdf")
    return path, read_layout(path, "synth.pdf", 500)


def assert_offsets_are_exact(layout: PdfLayout) -> None:
    """Non-decreasing; a character whose offset moves on came from there (a paragraph break or the space
    joining two wrapped Latin words came from the raw line break); the others are inserted separators."""
    text, raw, offsets = layout.text, layout.raw, layout.offsets
    assert len(offsets) == len(text)
    assert all(a <= b for a, b in zip(offsets, offsets[1:], strict=False))
    for i, ch in enumerate(text):
        if i and offsets[i] == offsets[i - 1]:
            continue
        assert raw[offsets[i]] == ch or (ch in "\n " and raw[offsets[i]] == "\n"), (i, ch, raw[offsets[i]])


def test_wraps_are_rejoined_and_units_close_up(synthetic: tuple[Path, PdfLayout]) -> None:
    _, layout = synthetic
    lines = layout.text.split("\n")
    sentence = next(ln for ln in lines if ln.startswith("某区某局2024年度收入"))
    assert sentence.endswith("没有发生显著变化。")
    assert "9859.38万元" in layout.text and "312.5万元" in layout.text and "7654.32万元" in layout.text
    assert not re.search(r"\d\s+万元", layout.text)
    for k in range(9):  # every paragraph is one line, including the one across the page break
        (para,) = [ln for ln in lines if ln.startswith(f"第{k + 1}段")]
        assert para.endswith("跨越两行甚至三行。")


def test_running_header_and_page_numbers_are_dropped(synthetic: tuple[Path, PdfLayout]) -> None:
    _, layout = synthetic
    assert HEADER_TEXT in layout.raw and "- 2 -" in layout.raw
    assert HEADER_TEXT not in layout.text
    assert not re.search(r"-\s*\d\s*-", layout.text)
    assert len(layout.page_starts) == 3 and layout.page_starts[0] == 0
    assert layout.page_starts == sorted(layout.page_starts)


def test_table_is_a_grid_merged_across_pages(synthetic: tuple[Path, PdfLayout]) -> None:
    _, layout = synthetic
    (table,) = layout.tables
    assert table.caption == "表1合成收入支出决算表"  # a digit-CJK space is dropped like any other
    assert table.unit == "万元" and table.note.startswith("注")
    assert len(table.pages) == 2 and table.page == table.pages[0]
    assert table.header_rows == 2
    assert len(table.rows) == 2 + len(TABLE_ROWS) and {len(r) for r in table.rows} == {5}
    assert table.rows[0][0] == "项目" and table.rows[1][0] is None  # spans two rows
    assert table.rows[0][3] == "决算数" and table.rows[0][4] is None  # spans two columns
    assert (0, 0, 2, 1) in table.spans and (0, 3, 1, 2) in table.spans
    assert table.rows[-1] == TABLE_ROWS[-1]
    # the table sits in the text where it stood: caption, unit, one line per row
    lines = layout.text.split("\n")
    at = lines.index("单位：万元")
    assert lines[at - 1] == table.caption
    assert lines[at + 3] == " | ".join(TABLE_ROWS[0])
    assert "合计 | 435.00 | 870.00 | 1305.00 | 1740.00" in lines


def test_every_character_maps_back_to_the_raw_text(synthetic: tuple[Path, PdfLayout]) -> None:
    _, layout = synthetic
    assert_offsets_are_exact(layout)
    start = layout.text.index("1305.00")
    assert layout.raw[layout.offsets[start] : layout.offsets[start + 6] + 1] == "1305.00"


def test_checker_finds_the_planted_error_in_the_logical_text(synthetic: tuple[Path, PdfLayout]) -> None:
    path, layout = synthetic
    source = read_document(path)
    assert source.text == layout.text and len(source.tables) == 1
    errors = [f for f in check_text(source.text) if f.kind == "part_sum"]
    assert errors and errors[0].text == "9859.38万元"
    assert source.text[errors[0].start : errors[0].end] == "9859.38万元"


def test_cli_checks_a_pdf_draft(synthetic: tuple[Path, PdfLayout], subprocess_env) -> None:
    path, _ = synthetic
    result = run_cli(["check", str(path), "--format", "json"], subprocess_env)
    assert result.returncode == 1, result.stdout + result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert any(f["kind"] == "part_sum" and f["text"] == "9859.38万元" for f in findings)


def test_pdf_without_text_and_damaged_pdf_are_refused(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    blank = tmp_path / "blank.pdf"
    pdf = canvas.Canvas(str(blank))
    pdf.line(40, 40, 200, 200)
    pdf.showPage()
    pdf.save()
    with pytest.raises(InputFileError, match="没有可提取的文字"):
        read_layout(blank, "blank.pdf", 10)
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage garbage")
    with pytest.raises(InputFileError, match="PDF 文件无法解析") as caught:
        read_layout(bad, "bad.pdf", 10)
    assert str(tmp_path) not in str(caught.value)


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    path = tmp_path / "locked.pdf"
    pdf = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    pdf.drawString(40, 800, "locked")
    pdf.save()
    with pytest.raises(InputFileError, match="PDF 已加密"):
        read_layout(path, "locked.pdf", 10)


@pytest.mark.skipif(not TEMPLATE.exists(), reason="ASSISTANT_REAL_DOCS does not hold the template PDF")
def test_real_template_tables_and_text() -> None:
    layout = read_layout(TEMPLATE, TEMPLATE.name, 500)
    captioned = [t for t in layout.tables if t.caption]
    assert [(len(t.rows), len(t.rows[0])) for t in captioned] == [
        (30, 4),
        (10, 9),
        (10, 8),
        (32, 7),
        (10, 5),
        (40, 6),
        (5, 12),
        (6, 8),
        (6, 8),
    ]
    assert all(t.unit == "万元" for t in captioned)
    assert len(captioned[3].pages) == 2
    assert not re.search(r"\d\s+万元", layout.text) and not re.search(r"X\s+万元", layout.text)
    assert_offsets_are_exact(layout)
    # no sentence broken by a line wrap: a long line ending in a CJK character is not followed by one
    # starting with a CJK character (outside tables, whose row lines contain " | ")
    lines = layout.text.split("\n")
    cjk = re.compile(r"[\u4e00-\u9fff]")
    broken = [
        (a, b)
        for a, b in zip(lines, lines[1:], strict=False)
        if len(a) > 30 and " | " not in a and " | " not in b and cjk.fullmatch(a[-1:]) and cjk.match(b[:1])
    ]
    assert not broken, broken[:3]
