"""Export a report as a Word (.docx) file laid out like a Chinese official document (GB/T 9704 style).

The page is A4 with the usual margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm). The title is
二号 方正小标宋简体, centered; the body is 三号 仿宋_GB2312 with a two-character first-line indent and an exact
28 pt line spacing; headings use real Word heading styles so the navigation pane shows the outline:

- Heading 1: top-level sections (一、…), 黑体, no indent;
- Heading 2: （一）…, 楷体_GB2312;
- Heading 3: 1.… / 1、… / （1）…, 仿宋_GB2312 bold.

The footer carries the page number as "— PAGE —" in 4号 宋体. A .docx run names one font per script, so
the fallbacks for fonts many computers lack (方正小标宋简体, the *_GB2312 fonts) are written into the font
table (``word/fontTable.xml``) as ``w:altName``, which Word uses when the named font is missing.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.oxml.text.parfmt import CT_PPr
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Length, Mm, Pt
from docx.text.paragraph import Paragraph
from docx.text.parfmt import ParagraphFormat
from docx.text.run import Run
from lxml import etree

from assistant.document.structure import classify_heading, find_headings
from assistant.errors import AssistantError

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
HEADING3_FONT = BODY_FONT
FOOTER_FONT = "宋体"
LATIN_FONT = "Times New Roman"

# Font-table fallbacks: Word substitutes w:altName when the named font is not installed.
FONT_FALLBACKS: dict[str, str] = {
    TITLE_FONT: "黑体",
    BODY_FONT: "仿宋",
    HEADING2_FONT: "楷体",
    HEADING1_FONT: "SimHei",
    FOOTER_FONT: "SimSun",
}

TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
FOOTER_SIZE = Pt(14)  # 四号
LINE_PITCH = Pt(28)  # exact line spacing of the body
TITLE_LINE_PITCH = Pt(36)
INDENT_CHARS = 2

PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGIN_TOP = Mm(37)
MARGIN_BOTTOM = Mm(35)
MARGIN_LEFT = Mm(28)
MARGIN_RIGHT = Mm(26)

HEADING_STYLES = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}
# Sub-heading styles of assistant.document.structure and the outline level each gets in the body.
_SUBHEADING_LEVELS = {"paren_cn": 2, "arabic": 3, "paren_arabic": 3}
MAX_HEADING_CHARS = 60  # a longer "heading" is a numbered sentence and stays body text

_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_MD_PREFIX = re.compile(r"^#{1,6}\s+")
# Conversion debris seen before headings in real reports, e.g. "[bookmark: _GoBack]五、…"
_DEBRIS = re.compile(r"^(?:\[bookmark:[^\]]*\]\s*)+")
_TITLE_PUNCT = re.compile(r"[。；：！？;:!?]")
_COVER_MARK = re.compile(r"^[（(]?\s*此页为封面\s*[）)]?$")
_UNIT_FIELD = re.compile(
    r"^(?:单位名称|填报单位|报送单位|编制单位)\s*(?:[（(]\s*盖章\s*[）)])?\s*[:：]\s*(.*)$"
)
_DATE_FIELD = re.compile(r"^(?:填报日期|报送日期|编制日期|日期)\s*[:：]\s*(.*)$")
MAX_TITLE_LINES = 3
MAX_TITLE_CHARS = 80


class ExportError(AssistantError):
    """The report cannot be exported; the message says why, in Chinese."""


@dataclass
class ReportSection:
    heading: str  # the section's own top-level heading, numbered as given, e.g. "一、基本情况"
    body: str  # plain text; lines may start with sub-headings "（一）…", "（1）…", "1.…"/"1、…"


@dataclass
class ReportDocument:
    title: str  # e.g. "炎陵县科技和工业信息化局2023年度部门整体支出绩效自评报告"
    sections: list[ReportSection]
    unit: str = ""  # printed under the title (and above the date at the end) when given
    date: str = ""  # e.g. "2024年3月", printed right-aligned at the end, below the unit
    preamble: str = ""  # text before the first section (e.g. "根据……现将自评情况报告如下："), body style


# ---------------------------------------------------------------------------------------------------------
# Text helpers


def _clean(text: str) -> str:
    """Text with the characters XML cannot hold removed (python-docx refuses them)."""
    return _XML_INVALID.sub("", text)


def _clean_line(line: str) -> str:
    return _DEBRIS.sub("", _clean(line).strip()).strip()


def split_heading_line(line: str) -> tuple[str, str]:
    """(heading, run-in body) of a heading line: body text after the first 。 is split off.

    "（一）筑牢根基，干部政治三力不断坚实。全年开展…" -> ("（一）筑牢根基，干部政治三力不断坚实", "全年开展…").
    A line without body text after its 。 keeps its whole text (without the closing 。) as the heading.
    """
    head, _, rest = line.partition("。")
    return head.strip(), rest.strip()


def _subheading_level(line: str) -> tuple[int, str, str] | None:
    """(level, heading, run-in body) when ``line`` is a sub-heading of a section body, else None.

    A numbered line that is one finished sentence ("1、工业经济保持平稳运行。") or ends with ；is a list
    item, not a heading; so is a "heading" longer than 60 characters.
    """
    found = classify_heading(line, None)
    if found is None or found[0] not in _SUBHEADING_LEVELS:
        return None
    level = _SUBHEADING_LEVELS[found[0]]
    text = _MD_PREFIX.sub("", line).strip()
    head, stop, rest = text.partition("。")
    if stop and not rest.strip():
        return None  # a finished sentence: a numbered list item
    if not stop and text.endswith(("；", ";", "，", ",")):
        return None
    if len(head) > MAX_HEADING_CHARS:
        return None
    return level, head.strip(), rest.strip()


# ---------------------------------------------------------------------------------------------------------
# Low-level formatting


def _set_rfonts(rpr: CT_RPr, east_asia: str, latin: str) -> None:
    """Name the fonts of a w:rPr explicitly for every script, dropping theme fonts that would win."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in _THEME_FONT_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:hint"), "eastAsia")  # quotes and dashes shared by both scripts take the Chinese font


def _drop_child(parent: BaseOxmlElement, tag: str) -> None:
    for child in parent.findall(qn(tag)):
        parent.remove(child)


def _set_indent_chars(ppr: CT_PPr, first_line_chars: int, right_chars: int | None = None) -> None:
    """Indents in character units (hundredths), which Word prefers over the twips values beside them."""
    ind = ppr.get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(first_line_chars * 100))
    if right_chars is not None:
        ind.set(qn("w:rightChars"), str(right_chars * 100))


def _format_paragraph(
    paragraph_format: ParagraphFormat, *, first_line_chars: int, size: Length, line: Length
) -> None:
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)
    paragraph_format.line_spacing = line  # a length: exact spacing
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.first_line_indent = Pt(size.pt * first_line_chars)


def _setup_page(document: DocxDocument) -> None:
    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = PAGE_WIDTH
        section.page_height = PAGE_HEIGHT
        section.top_margin = MARGIN_TOP
        section.bottom_margin = MARGIN_BOTTOM
        section.left_margin = MARGIN_LEFT
        section.right_margin = MARGIN_RIGHT
        section.gutter = Mm(0)


def _setup_styles(document: DocxDocument) -> None:
    styles = document.styles
    root = styles.element

    # Document defaults: explicit fonts instead of theme fonts, Chinese as the East Asian language.
    defaults = root.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            _set_rfonts(rpr, BODY_FONT, LATIN_FONT)
            lang = rpr.find(qn("w:lang"))
            if lang is not None:
                lang.set(qn("w:eastAsia"), "zh-CN")

    normal = styles["Normal"]
    _set_rfonts(normal.element.get_or_add_rPr(), BODY_FONT, LATIN_FONT)
    normal.font.size = BODY_SIZE
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _format_paragraph(normal.paragraph_format, first_line_chars=INDENT_CHARS, size=BODY_SIZE, line=LINE_PITCH)
    _set_indent_chars(normal.element.get_or_add_pPr(), INDENT_CHARS)

    heading_fonts = {1: (HEADING1_FONT, False), 2: (HEADING2_FONT, False), 3: (HEADING3_FONT, True)}
    for level, (font_name, bold) in heading_fonts.items():
        style = styles[HEADING_STYLES[level]]
        rpr = style.element.get_or_add_rPr()
        _set_rfonts(rpr, font_name, LATIN_FONT)
        _drop_child(rpr, "w:color")
        _drop_child(rpr, "w:szCs")
        _drop_child(rpr, "w:bCs")
        style.font.size = BODY_SIZE
        style.font.bold = bold
        style.font.italic = False
        style.paragraph_format.keep_with_next = True
        indent = 0 if level == 1 else INDENT_CHARS
        _format_paragraph(style.paragraph_format, first_line_chars=indent, size=BODY_SIZE, line=LINE_PITCH)
        _set_indent_chars(style.element.get_or_add_pPr(), indent)


def _add_font_fallbacks(document: DocxDocument) -> None:
    """Entries in word/fontTable.xml so Word falls back (w:altName) when a Chinese font is missing."""
    part = document.part.part_related_by(RT.FONT_TABLE)
    root = etree.fromstring(part.blob)
    for name, alt in FONT_FALLBACKS.items():
        for existing in root.findall(qn("w:font")):
            if existing.get(qn("w:name")) == name:
                root.remove(existing)
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, value in (
            ("w:altName", alt),
            ("w:charset", "86"),
            ("w:family", "auto"),
            ("w:pitch", "variable"),
        ):
            child = etree.SubElement(font, qn(tag))
            child.set(qn("w:val"), value)
    # The font table is a plain (blob) part in python-docx; there is no public setter for its bytes.
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_styles_with_effects(document: DocxDocument) -> None:
    """Remove the template's stylesWithEffects part, which still holds the untouched default styles."""
    reltype = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
    for rid, rel in list(document.part.rels.items()):
        if rel.reltype == reltype:
            document.part.drop_rel(rid)


def _footer_run(paragraph: Paragraph, text: str = "") -> Run:
    run = paragraph.add_run(text)
    _set_rfonts(run._r.get_or_add_rPr(), FOOTER_FONT, FOOTER_FONT)
    run.font.size = FOOTER_SIZE
    return run


def _field_char(run: Run, kind: str) -> None:
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), kind)
    run._r.append(fld)


def _add_page_number_footer(document: DocxDocument) -> None:
    for section in document.sections:
        footer = section.footer
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        for run in list(paragraph.runs):
            run._r.getparent().remove(run._r)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        _set_indent_chars(paragraph._p.get_or_add_pPr(), 0)

        _footer_run(paragraph, "— ")
        _field_char(_footer_run(paragraph), "begin")
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = " PAGE "
        _footer_run(paragraph)._r.append(instr)
        _field_char(_footer_run(paragraph), "separate")
        _footer_run(paragraph, "1")  # shown until the field is updated; Word and LibreOffice do so on open
        _field_char(_footer_run(paragraph), "end")
        _footer_run(paragraph, " —")


# ---------------------------------------------------------------------------------------------------------
# Content


def _add_title(document: DocxDocument, title: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = paragraph.paragraph_format
    _format_paragraph(fmt, first_line_chars=0, size=TITLE_SIZE, line=TITLE_LINE_PITCH)
    fmt.space_after = LINE_PITCH  # one blank line under the title
    _set_indent_chars(paragraph._p.get_or_add_pPr(), 0)
    run = paragraph.add_run(title)
    _set_rfonts(run._r.get_or_add_rPr(), TITLE_FONT, TITLE_FONT)
    run.font.size = TITLE_SIZE
    run.font.bold = False


def _add_centered_line(document: DocxDocument, text: str, font_name: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.paragraph_format.space_after = LINE_PITCH
    _set_indent_chars(paragraph._p.get_or_add_pPr(), 0)
    run = paragraph.add_run(text)
    _set_rfonts(run._r.get_or_add_rPr(), font_name, LATIN_FONT)


def _add_closing(document: DocxDocument, unit: str, date: str) -> None:
    """Unit and date at the end, right-aligned, four characters from the right margin (右空四字)."""
    lines = [line for line in (unit, date) if line]
    for index, text in enumerate(lines):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.right_indent = Pt(BODY_SIZE.pt * 4)
        if index == 0:
            fmt.space_before = LINE_PITCH  # one blank line after the last section
        _set_indent_chars(paragraph._p.get_or_add_pPr(), 0, right_chars=4)
        paragraph.add_run(text)


def _add_heading(document: DocxDocument, text: str, level: int) -> None:
    document.add_paragraph(text, style=HEADING_STYLES[level])


def _add_body(document: DocxDocument, text: str) -> None:
    """Body paragraphs, one a line; sub-heading lines become Heading 2/3 paragraphs."""
    for raw in text.splitlines():
        line = _clean_line(raw)
        if not line:
            continue
        sub = _subheading_level(line)
        if sub is None:
            document.add_paragraph(line)
            continue
        level, heading, rest = sub
        _add_heading(document, heading, level)
        if rest:
            document.add_paragraph(rest)


def build_document(report: ReportDocument) -> DocxDocument:
    """The python-docx document of ``report`` (not saved)."""
    document = docx.Document()
    _setup_page(document)
    _setup_styles(document)
    _add_font_fallbacks(document)
    _drop_styles_with_effects(document)
    _add_page_number_footer(document)

    title = _clean(report.title).strip()
    unit = _clean_line(report.unit)
    date = _clean_line(report.date)
    properties = document.core_properties
    properties.title = title.replace("\n", "")
    properties.author = unit  # not the template's "python-docx"
    properties.comments = ""
    properties.last_modified_by = unit
    properties.created = properties.modified = datetime.now(UTC).replace(microsecond=0)
    if title:
        _add_title(document, title)
    if unit:
        _add_centered_line(document, unit, HEADING2_FONT)
    if report.preamble:
        _add_body(document, report.preamble)
    for section in report.sections:
        heading, rest = split_heading_line(_clean_line(section.heading))
        if heading:
            _add_heading(document, heading, 1)
        if rest:
            document.add_paragraph(rest)
        _add_body(document, section.body or "")
    if date:
        _add_closing(document, unit, date)
    return document


def report_docx_bytes(report: ReportDocument) -> bytes:
    """The report as the bytes of a .docx file."""
    buffer = io.BytesIO()
    build_document(report).save(buffer)
    return buffer.getvalue()


def write_report_docx(report: ReportDocument, target: Path) -> Path:
    """Write ``report`` to ``target`` (a .docx path; missing folders are created) and return the path.

    The file is written next to the target first and then moved into place, so a failed export never
    leaves a half-written report behind. Raises :class:`ExportError` with a Chinese message on failure.
    """
    target = Path(target)
    if target.suffix.lower() != ".docx":
        raise ExportError(f"导出文件“{target}”的扩展名必须是 .docx。")
    if target.is_dir():
        raise ExportError(f"“{target}”是一个文件夹，请给出要保存的 Word 文件名。")
    data = report_docx_bytes(report)
    temporary = target.with_name(f".{target.name}.part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        reason = exc.strerror or type(exc).__name__
        raise ExportError(
            f"无法写入文件“{target}”（{reason}）。如果该文件正在 Word 或 WPS 中打开，请关闭后重试。"
        ) from exc
    return target


# ---------------------------------------------------------------------------------------------------------
# Plain text -> document


def _title_lines(lines: list[str]) -> tuple[str, int]:
    """(title, number of lines it takes) from the first non-empty lines before any heading.

    A title broken over adjacent lines ("2023年度炎陵县科技和工业信息化局" / "整体支出绩效自评报告") is
    joined when the joined text ends in 报告; a line with sentence punctuation is not a title.
    """
    if not lines or _TITLE_PUNCT.search(lines[0]) or len(lines[0]) > MAX_TITLE_CHARS:
        return "", 0
    joined = lines[0]
    if not joined.endswith("报告"):
        for count in range(2, min(MAX_TITLE_LINES, len(lines)) + 1):
            candidate = "".join(lines[:count])
            if _TITLE_PUNCT.search(lines[count - 1]) or len(candidate) > MAX_TITLE_CHARS:
                break
            if candidate.endswith("报告"):
                return candidate, count
    return joined, 1


def split_report(text: str, title: str = "") -> ReportDocument:
    """Split plain report text into a :class:`ReportDocument`.

    Top-level headings (一、二、…, and an Arabic "8、" that continues them, see
    :func:`assistant.document.structure.find_headings`) start the sections. A first line before any heading
    is the title (``title``, when given, replaces it); form fields of a cover page (单位名称：…, 填报日期：…)
    fill ``unit`` and ``date``, a "（此页为封面）" mark is dropped, and any other text before the first
    heading is kept as the preamble.
    """
    raw_lines = text.splitlines(keepends=True)
    starts: list[int] = []
    offset = 0
    for raw in raw_lines:
        starts.append(offset)
        offset += len(raw)

    def line_of(position: int) -> int:
        low, high = 0, len(starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if starts[middle] <= position:
                low = middle
            else:
                high = middle - 1
        return low

    top_lines = [line_of(h.start) for h in find_headings(text) if h.style == "top"]
    first = top_lines[0] if top_lines else len(raw_lines)

    leading = [_clean_line(raw) for raw in raw_lines[:first]]
    while leading and not leading[0]:
        leading = leading[1:]
    # Title lines are adjacent, non-empty lines at the very start.
    block: list[str] = []
    for line in leading:
        if not line:
            break
        block.append(line)
    found_title, used = _title_lines(block)
    rest_before = leading[used:]

    unit = ""
    date = ""
    preamble: list[str] = []
    for line in rest_before:
        if not line or _COVER_MARK.match(line):
            continue
        unit_field = _UNIT_FIELD.match(line)
        if unit_field:
            unit = unit or unit_field.group(1).strip()
            continue
        date_field = _DATE_FIELD.match(line)
        if date_field:
            date = date or date_field.group(1).strip()
            continue
        preamble.append(line)

    sections: list[ReportSection] = []
    bounds = [*top_lines, len(raw_lines)]
    for index, line_number in enumerate(top_lines):
        heading, run_in = split_heading_line(_clean_line(raw_lines[line_number]))
        body_lines = [run_in] if run_in else []
        for raw in raw_lines[line_number + 1 : bounds[index + 1]]:
            line = _clean_line(raw)
            if line:
                body_lines.append(line)
        sections.append(ReportSection(heading=heading, body="\n".join(body_lines)))

    return ReportDocument(
        title=title.strip() or found_title,
        sections=sections,
        unit=unit,
        date=date,
        preamble="\n".join(preamble),
    )
