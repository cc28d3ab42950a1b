"""Tables as the checker reads them: a grid of cells, each with its text, its number and its span in the text.

Two sources give the same view. A document read by the document model hands over its tables as grids
(merged cells resolved); each cell is found again in the table's lines of the logical text, so a finding
points at the characters the user sees. A text without a document (a pasted draft, the page's draft box)
has its tables found from their lines: consecutive lines of cells joined by " | " (Word and PDF rows as
the readers write them) or Markdown rows "| a | b |". A line with fewer cells than the widest row is
aligned to the right (its label first): totals rows often leave label cells empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from assistant.document.model import LABEL_JOIN
from assistant.document.numbers import FULL_WIDTH, parse_arabic

if TYPE_CHECKING:
    from assistant.document.model import Document, Table

SEPARATOR = " | "
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{2,}")
_CELL_NUMBER = re.compile(
    r"^(?P<sign>[-－−+]?)\s*(?P<num>[0-9０-９]+(?:[,，][0-9０-９]{3})*(?:[.．][0-9０-９]+)?)\s*(?P<unit>%|％|[\u4e00-\u9fff]{0,3})$"
)
_DASHES = {"-", "—", "－", "--", "——", "/", "—— ——", "……"}
MAX_ROWS = 2000


@dataclass(frozen=True)
class Cell:
    text: str
    start: int  # span of the cell's text in the checked text (start == end when not found)
    end: int
    value: Decimal | None = None  # the cell's number, when it holds one (a dash reads as 0)
    decimals: int = 0
    unit: str = ""  # what follows the number ("%", "人次", "分" …)

    @property
    def is_number(self) -> bool:
        return self.value is not None

    @property
    def tolerance(self) -> Decimal:
        """Half a unit of the last printed digit (a whole number of a count is exact only for counts, but a
        table's whole numbers are amounts rounded to units as often as counts: half a unit either way)."""
        return Decimal(5) * Decimal(10) ** (-(self.decimals + 1))


def read_number(text: str) -> tuple[Decimal, int, str] | None:
    """(value, printed decimals, unit) of a cell that holds one number; a dash or an empty cell is None."""
    cleaned = text.strip().replace(" ", "")
    if not cleaned:
        return None
    match = _CELL_NUMBER.match(cleaned)
    if not match:
        return None
    parsed = parse_arabic(match.group("num"))
    if parsed is None:
        return None
    value, decimals = parsed
    if match.group("sign") in ("-", "－", "−"):
        value = -value
    return value, decimals, match.group("unit").translate(FULL_WIDTH)


def make_cell(text: str, start: int, end: int) -> Cell:
    number = read_number(text)
    if number is None:
        return Cell(text, start, end)
    value, decimals, unit = number
    return Cell(text, start, end, value, decimals, unit)


@dataclass
class TableView:
    rows: list[list[Cell]]
    header_rows: int
    caption: str = ""
    unit: str = ""
    merged_from: str = "text"  # "document" (a grid from the document model) or "text" (found from lines)
    labels: list[str] = field(default_factory=list)  # each column's header text

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def body(self) -> list[list[Cell]]:
        return self.rows[self.header_rows :]

    def label_of(self, row: list[Cell]) -> str:
        """A row's label: its first cells that hold text that is not a number, joined."""
        parts = []
        for cell in row:
            if cell.is_number:
                break
            if cell.text and cell.text not in parts:
                parts.append(cell.text)
        return " ".join(parts)


def _split_line(line: str, offset: int) -> list[Cell]:
    """A " | " or Markdown row as cells with their spans."""
    body, base = line, offset
    stripped = line.strip()
    if stripped.startswith("|"):
        lead = line.index("|") + 1
        body, base = line[lead:], offset + lead
        if body.rstrip().endswith("|"):
            body = body.rstrip()[:-1]
    parts = body.split("|")  # cells never hold "|": " | " rows and hand-written "a | | b" alike
    join = 1
    cells = []
    position = base
    for part in parts:
        text = part.strip()
        lead_blank = len(part) - len(part.lstrip())
        cells.append(make_cell(text, position + lead_blank, position + lead_blank + len(text)))
        position += len(part) + join
    return cells


def _is_row(line: str) -> bool:
    stripped = line.strip()
    return (stripped.startswith("|") and stripped.count("|") >= 2) or SEPARATOR in stripped


def _header_rows(rows: list[list[Cell]]) -> int:
    count = 0
    for row in rows[:4]:
        if any(c.is_number for c in row):
            break
        count += 1
    return min(count, max(len(rows) - 1, 0))


def _align(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Pad short rows on the left after their label (right-aligned numbers), to the widest row's width."""
    width = max((len(r) for r in rows), default=0)
    aligned = []
    for row in rows:
        if len(row) < width:
            label_end = 1 if row and not row[0].is_number else 0
            filler = [Cell("", row[label_end - 1].end if label_end else 0, row[label_end - 1].end if label_end else 0)]
            row = row[:label_end] + filler * (width - len(row)) + row[label_end:]
        aligned.append(row)
    return aligned


def tables_in_text(text: str, skip: list[tuple[int, int]] | None = None) -> list[TableView]:
    """Tables written as lines of cells in ``text`` (outside the ``skip`` spans)."""
    views: list[TableView] = []
    current: list[list[Cell]] = []
    caption_line = ""
    previous = ""
    offset = 0

    def close() -> None:
        if len(current) >= 2:
            rows = _align(current[:MAX_ROWS])
            views.append(TableView(rows, _header_rows(rows), caption=caption_line))

    for line in text.splitlines(keepends=True):
        content = line.rstrip("\r\n")
        inside = any(a <= offset < b for a, b in skip or [])
        if not inside and _is_row(content):
            if not current:
                caption_line = previous.strip() if _CAPTION.search(previous.strip()) and len(previous.strip()) <= 60 else ""
            if not _MD_RULE.match(content):
                current.append(_split_line(content, offset))
        else:
            close()
            current = []
            if content.strip():
                previous = content
        offset += len(line)
    close()
    for view in views:
        view.labels = _labels(view)
        view.unit = _unit(view.caption)
    return views


_UNIT = re.compile(r"单位\s*[:：]\s*([^\s|，,；;）)]+)")
_CAPTION = re.compile(r"^(?:附)?表\s*[0-9０-９一二三四五六七八九十]+|表$|单位\s*[:：]")


def _unit(text: str) -> str:
    match = _UNIT.search(text)
    return match.group(1) if match else ""


def _labels(view: TableView) -> list[str]:
    labels = []
    for c in range(view.width):
        parts: list[str] = []
        for r in range(view.header_rows):
            row = view.rows[r]
            if c < len(row) and row[c].text and row[c].text not in parts:
                parts.append(row[c].text)
        labels.append(LABEL_JOIN.join(parts))
    return labels


def tables_of_document(document: Document) -> list[TableView]:
    """The document's tables as views, each cell found in the table's lines of the logical text."""
    views = [_from_grid(document.text, table) for table in document.tables]
    return [v for v in views if v is not None]


def _from_grid(text: str, table: Table) -> TableView | None:
    """Cells of a document table with their spans: the table's lines are its caption and unit lines (when
    it has them), then one line per row that has any text, then its note; in a row's line each merged
    cell's text appears once (a cell merged down from the row above may or may not be repeated)."""
    grid = table.filled()
    if not grid or table.end <= table.start:
        return None
    lines: list[tuple[int, str]] = []
    offset = table.start
    for line in text[table.start : table.end].split("\n"):
        lines.append((offset, line))
        offset += len(line) + 1
    k = 0
    if table.caption and k < len(lines) and lines[k][1].strip() == table.caption.strip():
        k += 1
    if table.unit and k < len(lines) and "单位" in lines[k][1] and SEPARATOR not in lines[k][1]:
        k += 1
    rows: list[list[Cell]] = []
    for r, values in enumerate(grid[:MAX_ROWS]):
        if not any(values) or k >= len(lines):
            rows.append([make_cell(v, table.start, table.start) for v in values])
            continue
        start, line = lines[k]
        k += 1
        positions, cursor = [], start
        for piece in line.split(SEPARATOR):
            positions.append((piece.strip(), cursor + len(piece) - len(piece.lstrip())))
            cursor += len(piece) + len(SEPARATOR)
        cells: list[Cell] = []
        consumed: set[tuple[int, int]] = set()
        p = 0
        for c, value in enumerate(values):
            owner = _owner(table, r, c)
            if value and owner not in consumed and p < len(positions) and positions[p][0] == value:
                at = positions[p][1]
                cells.append(make_cell(value, at, at + len(value)))
                p += 1
                consumed.add(owner)
            else:  # a merged cell's text already placed, or not written on this line
                cells.append(make_cell(value, start, start))
        rows.append(cells)
    view = TableView(rows, table.header_rows, caption=table.caption, unit=table.unit, merged_from="document")
    view.labels = _labels(view)
    return view


def _owner(table: Table, r: int, c: int) -> tuple[int, int]:
    for row, col, rowspan, colspan in table.spans:
        if row <= r < row + rowspan and col <= c < col + colspan:
            return (row, col)
    return (r, c)
