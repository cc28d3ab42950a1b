"""Title, year, unit and document type of a source, from what its text and folder state."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from assistant.document.structure import find_headings

_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年度?")
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_UNIT_SUFFIX = r"(?:局|委员会|委|办公室|办|中心|院|校|学校|所|站|厅|部|政府|馆|队|协会|联合会|总工会|管委会|公司|集团|医院|街道|镇|乡)"
_UNIT_IN_TITLE = re.compile(
    rf"(?:(?:19|20)\d{{2}}\s*年度?)?\s*([\u4e00-\u9fff（）()]{{2,30}}?{_UNIT_SUFFIX})"
)
_UNIT_FIELD = re.compile(
    r"(?:单位名称|部门名称|填报单位|项目单位|实施单位|主管部门)[（(]?[^）)\n]{0,4}[）)]?[:：]\s*([^\s，。；|]{2,40})"
)
_TITLE_STOP = re.compile(r"[:：]|^\[bookmark")
_FOLDER_TYPES = {
    "reports": "report",
    "report": "report",
    "报告": "report",
    "policies": "policy",
    "policy": "policy",
    "政策": "policy",
    "制度": "policy",
}
_TYPE_WORDS = ("自评报告", "评价报告", "整体支出", "项目支出")


@dataclass(frozen=True)
class DocumentInfo:
    title: str
    year: int | None
    unit: str
    doc_type: str  # "report", "policy" or "other"


def document_title(text: str, max_lines: int = 3) -> str:
    """The leading lines before the first heading (a title split over two lines is joined)."""
    first_heading = min((h.start for h in find_headings(text)), default=len(text))
    parts: list[str] = []
    for raw in text[:first_heading].splitlines():
        line = re.sub(r"^#+\s*", "", raw.strip())
        if not line:
            if parts:
                break
            continue
        if _TITLE_STOP.search(line) or len(line) > 60:
            break
        parts.append(line)
        if len(parts) >= max_lines:
            break
    if not parts:
        headings = find_headings(text)
        return headings[0].title if headings else ""
    return "".join(parts)


def document_type(relative_path: str) -> str:
    for part in PurePosixPath(relative_path).parts[:-1]:
        found = _FOLDER_TYPES.get(part.lower())
        if found:
            return found
    return "other"


def document_year(title: str, text: str, file_name: str, doc_type: str = "report") -> int | None:
    """The year the title or file name states; for reports, else the first "20xx年度" of the text."""
    for source in (title, file_name):
        match = _YEAR_IN_TITLE.search(source) or _YEAR_IN_NAME.search(source)
        if match:
            return int(match.group(1))
    if doc_type == "policy":
        return None
    match = re.search(r"((?:19|20)\d{2})\s*年度", text[:2000])
    return int(match.group(1)) if match else None


def document_unit(title: str, text: str) -> str:
    field = _UNIT_FIELD.search(text[:3000])
    if field and not field.group(1).startswith(("（", "(")):
        return field.group(1)
    body = title
    for word in _TYPE_WORDS:
        body = body.split(word)[0]
    match = _UNIT_IN_TITLE.search(body)
    return match.group(1) if match else ""


def describe(text: str, relative_path: str) -> DocumentInfo:
    title = document_title(text) or PurePosixPath(relative_path).stem
    name = PurePosixPath(relative_path).name
    doc_type = document_type(relative_path)
    return DocumentInfo(
        title=title,
        year=document_year(title, text, name, doc_type),
        unit=document_unit(title, text),
        doc_type=doc_type,
    )
