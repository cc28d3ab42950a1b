"""Word export of a report: layout, outline, fonts and fallbacks, page numbers, and plain text -> document.

Every test reads the saved file back (python-docx, and the raw XML where python-docx has no reader).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import etree

from assistant.document.readers import read_document
from assistant.document.structure import find_headings
from assistant.export.docx_report import (
    ExportError,
    ReportDocument,
    ReportSection,
    report_docx_bytes,
    split_report,
    write_report_docx,
)

SEED = (
    Path(__file__).resolve().parent.parent
    / "knowledge"
    / "reports"
    / "2023-yanling-kegongxin-self-evaluation.txt"
)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TITLE = "炎陵县科技和工业信息化局2023年度部门整体支出绩效自评报告"

SEED_HEADINGS = [
    "一、基本情况",
    "二、一般公共预算支出情况",
    "三、政府性基金预算支出情况",
    "四、国有资本经营预算支出情况",
    "五、社会保险基金预算支出情况",
    "六、部门整体支出绩效情况",
    "七、存在的问题及原因分析",
    "8、 下一步改进措施",
    "九、绩效自评结果及其他需要说明的情况",
]


def sample_report() -> ReportDocument:
    return ReportDocument(
        title=TITLE,
        unit="炎陵县科技和工业信息化局",
        date="2024年3月",
        sections=[
            ReportSection(
                "一、基本情况",
                "（一）单位概况\n"
                "本局内设股室7个，年末实有在职人员22人。\n"
                "（二）绩效目标\n"
                "2023年绩效目标为：\n"
                "1、工业经济保持平稳运行。\n"
                "2、主特产业实力不断壮大。",
            ),
            ReportSection(
                "二、部门整体支出绩效情况",
                "（一）筑牢根基，干部政治三力不断坚实。全年开展意识形态专题风险研判4次。\n"
                "1.统筹兼顾抓重点。重点落实依法治统、应统尽统要求。\n"
                "（1）具体措施\n"
                "　　研究出台支持工业企业高质量发展的政策措施。",
            ),
            ReportSection("三、其他需要说明的情况", ""),
        ],
    )


def save(report: ReportDocument, tmp_path: Path, name: str = "report.docx") -> Path:
    return write_report_docx(report, tmp_path / name)


def heading_level(paragraph) -> int | None:  # noqa: ANN001
    name = paragraph.style.name
    return int(name.rsplit(" ", 1)[1]) if name.startswith("Heading ") else None


def part_xml(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name))


def style_rfonts(document: DocxDocument, name: str) -> dict[str, str]:
    rfonts = document.styles[name].element.find(f"{W}rPr/{W}rFonts")
    assert rfonts is not None, f"style {name} names no fonts"
    return {key.replace(W, ""): value for key, value in rfonts.attrib.items()}


def first_line_chars(element) -> str | None:  # noqa: ANN001
    ind = element.find(f"{W}pPr/{W}ind")
    return None if ind is None else ind.get(qn("w:firstLineChars"))


def normalized(text: str) -> str:
    """Text for comparing content: no whitespace, no conversion debris, no full stops."""
    return re.sub(r"\s|。|\[bookmark:[^\]]*\]", "", text)


# ---------------------------------------------------------------------------------------------------------
# Outline and headings


def test_headings_come_out_in_order_with_their_levels(tmp_path: Path) -> None:
    document = docx.Document(str(save(sample_report(), tmp_path)))
    headings = [(heading_level(p), p.text) for p in document.paragraphs if heading_level(p)]
    assert headings == [
        (1, "一、基本情况"),
        (2, "（一）单位概况"),
        (2, "（二）绩效目标"),
        (1, "二、部门整体支出绩效情况"),
        (2, "（一）筑牢根基，干部政治三力不断坚实"),
        (3, "1.统筹兼顾抓重点"),
        (3, "（1）具体措施"),
        (1, "三、其他需要说明的情况"),
    ]


def test_heading_styles_carry_outline_levels_and_official_fonts(tmp_path: Path) -> None:
    document = docx.Document(str(save(sample_report(), tmp_path)))
    expected = {
        "Heading 1": ("黑体", False),
        "Heading 2": ("楷体_GB2312", False),
        "Heading 3": ("仿宋_GB2312", True),
    }
    for level, (name, (east_asia, bold)) in enumerate(expected.items()):
        style = document.styles[name]
        fonts = style_rfonts(document, name)
        assert fonts["eastAsia"] == east_asia
        assert fonts["ascii"] == fonts["hAnsi"] == "Times New Roman"
        assert not any(key.endswith("Theme") or key == "cstheme" for key in fonts), "theme fonts would win"
        assert style.font.size == Pt(16)
        assert bool(style.font.bold) is bold
        assert style.element.find(f"{W}rPr/{W}color") is None, "headings print black, not theme blue"
        outline = style.element.find(f"{W}pPr/{W}outlineLvl")
        assert outline is not None and outline.get(qn("w:val")) == str(level)  # the navigation pane
    assert document.styles["Heading 1"].paragraph_format.first_line_indent == 0
    assert first_line_chars(document.styles["Heading 1"].element) == "0"
    assert first_line_chars(document.styles["Heading 2"].element) == "200"


def test_run_in_heading_keeps_its_body_as_a_paragraph_and_list_items_stay_body(tmp_path: Path) -> None:
    document = docx.Document(str(save(sample_report(), tmp_path)))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    at = paragraphs.index(("Heading 2", "（一）筑牢根基，干部政治三力不断坚实"))
    assert paragraphs[at + 1] == ("Normal", "全年开展意识形态专题风险研判4次。")
    at = paragraphs.index(("Heading 3", "1.统筹兼顾抓重点"))
    assert paragraphs[at + 1] == ("Normal", "重点落实依法治统、应统尽统要求。")
    # Numbered goals that are whole sentences are a list, not headings.
    assert ("Normal", "1、工业经济保持平稳运行。") in paragraphs
    assert ("Normal", "2、主特产业实力不断壮大。") in paragraphs
    # The full-width spaces of plain-text indentation are replaced by the paragraph indent.
    assert ("Normal", "研究出台支持工业企业高质量发展的政策措施。") in paragraphs


# ---------------------------------------------------------------------------------------------------------
# Title, body, page


def test_title_is_centered_in_xiaobiaosong_with_a_heiti_fallback_in_the_font_table(tmp_path: Path) -> None:
    path = save(sample_report(), tmp_path)
    document = docx.Document(str(path))
    title = document.paragraphs[0]
    assert title.text == TITLE
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    run = title.runs[0]
    assert run.font.size == Pt(22)
    assert run._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"

    fonts = part_xml(path, "word/fontTable.xml")
    entries = {font.get(qn("w:name")): font for font in fonts.findall(f"{W}font")}
    assert entries["方正小标宋简体"].find(f"{W}altName").get(qn("w:val")) == "黑体"
    assert entries["仿宋_GB2312"].find(f"{W}altName").get(qn("w:val")) == "仿宋"
    assert entries["楷体_GB2312"].find(f"{W}altName").get(qn("w:val")) == "楷体"
    assert "Times New Roman" in entries, "the template's own entries are kept"
    assert document.core_properties.title == TITLE
    assert document.core_properties.author != "python-docx"


def test_body_is_fangsong_16pt_with_two_character_indent_and_exact_28pt_lines(tmp_path: Path) -> None:
    document = docx.Document(str(save(sample_report(), tmp_path)))
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)
    fonts = style_rfonts(document, "Normal")
    assert fonts["eastAsia"] == "仿宋_GB2312"
    assert fonts["ascii"] == fonts["hAnsi"] == "Times New Roman"
    assert first_line_chars(normal.element) == "200"
    assert normal.paragraph_format.first_line_indent == Pt(32)
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.paragraph_format.line_spacing == Pt(28)

    body = [p for p in document.paragraphs if p.text == "本局内设股室7个，年末实有在职人员22人。"]
    assert len(body) == 1
    paragraph = body[0]
    assert paragraph.style.name == "Normal"
    # Nothing on the paragraph or its runs overrides the style.
    assert paragraph.paragraph_format.first_line_indent is None
    assert all(run.font.size is None and run.font.name is None for run in paragraph.runs)


def test_page_is_a4_with_official_margins(tmp_path: Path) -> None:
    document = docx.Document(str(save(sample_report(), tmp_path)))
    section = document.sections[0]
    size = (section.page_width, section.page_height)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    # Lengths are stored in twips: compare to a tenth of a millimetre.
    assert [round(length.mm, 1) for length in size] == [210, 297]
    assert [round(length.mm, 1) for length in margins] == [37, 35, 28, 26]


def test_footer_holds_a_centered_page_field_between_em_dashes(tmp_path: Path) -> None:
    document = docx.Document(str(save(sample_report(), tmp_path)))
    footer = document.sections[0].footer
    assert not footer.is_linked_to_previous
    paragraph = footer.paragraphs[0]
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert paragraph.text == "— 1 —"
    p = paragraph._p
    kinds = [fld.get(qn("w:fldCharType")) for fld in p.iter(f"{W}fldChar")]
    assert kinds == ["begin", "separate", "end"]
    instructions = [instr.text.strip() for instr in p.iter(f"{W}instrText")]
    assert instructions == ["PAGE"]
    for run in paragraph.runs:
        assert run.font.size == Pt(14)
        assert run._r.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
        assert run._r.rPr.rFonts.get(qn("w:ascii")) == "宋体"


def test_unit_under_the_title_and_unit_with_date_right_aligned_at_the_end(tmp_path: Path) -> None:
    document = docx.Document(str(save(sample_report(), tmp_path)))
    paragraphs = [p for p in document.paragraphs if p.text]
    assert paragraphs[1].text == "炎陵县科技和工业信息化局"
    assert paragraphs[1].alignment == WD_ALIGN_PARAGRAPH.CENTER
    unit, date = paragraphs[-2:]
    assert (unit.text, date.text) == ("炎陵县科技和工业信息化局", "2024年3月")
    assert unit.alignment == date.alignment == WD_ALIGN_PARAGRAPH.RIGHT

    bare = ReportDocument(title=TITLE, sections=[ReportSection("一、基本情况", "正文。")])
    texts = [p.text for p in docx.Document(str(save(bare, tmp_path, "bare.docx"))).paragraphs]
    assert texts == [TITLE, "一、基本情况", "正文。"]


# ---------------------------------------------------------------------------------------------------------
# The seed report end to end


def test_split_report_gives_the_seed_its_nine_top_level_sections() -> None:
    report = split_report(SEED.read_text(encoding="utf-8"))
    assert [s.heading for s in report.sections] == SEED_HEADINGS
    assert report.title == "2023年度炎陵县科技和工业信息化局整体支出绩效自评报告"
    # The cover page's empty form field and its "this page is the cover" mark are not content.
    assert report.unit == "" and report.preamble == ""
    assert report.sections[0].body.startswith(
        "（1） 部门（单位）基本情况\n炎陵县科技和工业信息化局为行政单位"
    )
    assert report.sections[6].body.startswith("新增规模以上工业企业实际完成值未达到年度指标值")
    assert report.sections[7].body.startswith("1.统筹兼顾抓重点。")
    assert report.sections[8].body == "无其他需要说明的情况。"
    assert split_report(SEED.read_text(encoding="utf-8"), title=TITLE).title == TITLE


def test_exported_seed_keeps_all_of_its_text(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    path = save(split_report(text), tmp_path)
    document = docx.Document(str(path))
    exported = "".join(p.text for p in document.paragraphs[1:])
    original = text[text.index("一、基本情况") :]
    assert normalized(exported) == normalized(original)
    assert "[bookmark" not in exported
    headings = [p.text for p in document.paragraphs if heading_level(p) == 1]
    assert headings == SEED_HEADINGS


def test_exported_seed_reads_back_with_the_same_outline(tmp_path: Path) -> None:
    """The exported file goes back through the project's own reader (e.g. for `assistant check`)."""
    text = SEED.read_text(encoding="utf-8")
    path = save(split_report(text), tmp_path)
    read_back = read_document(path).text
    top = [h.title for h in find_headings(read_back) if h.style == "top"]
    assert top == [h.title for h in find_headings(text) if h.style == "top"]
    assert len(top) == 9


def test_split_report_keeps_an_introduction_and_reads_cover_fields() -> None:
    text = (
        "某某局2023年度部门整体支出绩效自评报告\n"
        "\n"
        "单位名称（盖章）：某某局\n"
        "填报日期：2024年3月\n"
        "根据县财政局要求，现将2023年度部门整体支出绩效自评情况报告如下：\n"
        "一、基本情况。本局为行政单位。\n"
        "二、存在的问题\n"
    )
    report = split_report(text)
    assert report.title == "某某局2023年度部门整体支出绩效自评报告"
    assert (report.unit, report.date) == ("某某局", "2024年3月")
    assert report.preamble == "根据县财政局要求，现将2023年度部门整体支出绩效自评情况报告如下："
    assert [(s.heading, s.body) for s in report.sections] == [
        ("一、基本情况", "本局为行政单位。"),
        ("二、存在的问题", ""),
    ]

    untitled = split_report("根据要求，现报告如下：\n一、基本情况\n正文。")
    assert untitled.title == ""
    assert untitled.preamble == "根据要求，现报告如下："
    assert split_report("").sections == []


# ---------------------------------------------------------------------------------------------------------
# Edge cases and errors


def test_empty_section_body_and_very_long_paragraphs(tmp_path: Path) -> None:
    long_text = "全年开展意识形态专题风险研判4次，" * 2000 + "完毕。"
    report = ReportDocument(
        title=TITLE,
        sections=[
            ReportSection("一、基本情况", ""),
            ReportSection("二、绩效情况", long_text + "\n" + long_text),
            ReportSection("三、其他情况", "   \n\n"),
        ],
    )
    document = docx.Document(str(save(report, tmp_path)))
    texts = [(p.style.name, p.text) for p in document.paragraphs]
    assert texts == [
        ("Normal", TITLE),
        ("Heading 1", "一、基本情况"),
        ("Heading 1", "二、绩效情况"),
        ("Normal", long_text),
        ("Normal", long_text),
        ("Heading 1", "三、其他情况"),
    ]
    empty = ReportDocument(title="", sections=[])
    assert [p.text for p in docx.Document(str(save(empty, tmp_path, "empty.docx"))).paragraphs] == []


def test_characters_xml_cannot_hold_are_dropped(tmp_path: Path) -> None:
    report = ReportDocument(
        title="标题\x08", sections=[ReportSection("一、基本情况\x00", "正文\x01内容。\x1f")]
    )
    document = docx.Document(str(save(report, tmp_path)))
    assert [p.text for p in document.paragraphs] == ["标题", "一、基本情况", "正文内容。"]


def test_bytes_are_the_same_document_as_the_file(tmp_path: Path) -> None:
    data = report_docx_bytes(sample_report())
    assert data[:2] == b"PK"
    (tmp_path / "from-bytes.docx").write_bytes(data)
    from_bytes = docx.Document(str(tmp_path / "from-bytes.docx"))
    from_file = docx.Document(str(save(sample_report(), tmp_path)))
    assert [p.text for p in from_bytes.paragraphs] == [p.text for p in from_file.paragraphs]


def test_write_creates_missing_folders_and_reports_errors_in_chinese(tmp_path: Path) -> None:
    target = tmp_path / "导出" / "2023" / "自评报告.docx"
    assert write_report_docx(sample_report(), target) == target
    assert target.is_file()
    assert [p.name for p in target.parent.iterdir()] == ["自评报告.docx"], "no temporary file left behind"

    with pytest.raises(ExportError, match="扩展名必须是 .docx"):
        write_report_docx(sample_report(), tmp_path / "报告.pdf")
    folder = tmp_path / "folder.docx"
    folder.mkdir()
    with pytest.raises(ExportError, match="文件夹"):
        write_report_docx(sample_report(), folder)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(ExportError, match="无法写入文件"):
        write_report_docx(sample_report(), blocker / "报告.docx")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_renders_the_export_as_a4_pdf_with_page_numbers(tmp_path: Path) -> None:
    from pypdf import PdfReader

    path = save(split_report(SEED.read_text(encoding="utf-8")), tmp_path)
    outdir = tmp_path / "pdf"
    subprocess.run(
        [
            shutil.which("soffice") or "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    reader = PdfReader(str(outdir / "report.pdf"))
    assert len(reader.pages) >= 2
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    # The PAGE field is updated on every page: "— 1 —" on the first, "— N —" on the last.
    assert reader.pages[0].extract_text().rstrip().endswith("— 1 —")
    assert reader.pages[-1].extract_text().rstrip().endswith(f"— {len(reader.pages)} —")
    assert "九、绩效自评结果及其他需要说明的情况" in reader.pages[-1].extract_text()
