"""The one document model: what any input file is read into, and what every consumer is handed.

text      the logical text shown to the user and the one every finding, chunk and citation indexes:
          paragraphs rejoined, number-unit gaps removed, running headers / footers / page numbers dropped,
          each table put back where it stood as caption, unit line, one " | " line per row and note.
source    the text as extracted from the file before any of that (a PDF's page text), or ``None`` when
          the logical text is the source itself (a .txt/.md file decoded as it is, a .docx's paragraphs).
offsets   ``offsets[i]`` is the index in ``source`` that ``text[i]`` came from (non-decreasing);
          ``None`` when ``source`` is ``None``.
tables    every table as a cell grid (merged cells resolved, header rows, caption, unit), with the span
          of its lines in ``text``.
pages     the offset in ``text`` where each page starts (PDFs and images; empty for other formats).

Nothing here reads files: :mod:`assistant.document.readers` builds documents, the consumers read them.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from assistant.document.structure import SectionIndex

if TYPE_CHECKING:
    from assistant.document.ocr import OcrLine

Span = tuple[int, int, int, int]  # (row, col, rowspan, colspan) of a merged cell
LABEL_JOIN = " › "  # joins a column's header rows into its label (a header may itself hold "/": "执行率(B/A)")


@dataclass(frozen=True)
class Table:
    """A table as a rectangular grid; the positions a merged cell covers (other than its first) are None."""

    rows: list[list[str | None]]
    spans: list[Span] = field(default_factory=list)
    header_rows: int = 0
    caption: str = ""
    unit: str = ""  # the unit line's unit ("万元" of "单位：万元"), empty when the table has none
    note: str = ""
    page: int | None = None  # 1-based page the table starts on (PDF)
    pages: tuple[int, ...] = ()
    sheet: str = ""  # the worksheet's name (spreadsheets)
    start: int = 0  # where the table's lines stand in the document's logical text
    end: int = 0

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def column_count(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    @cached_property
    def _owner(self) -> dict[tuple[int, int], tuple[int, int]]:
        owner: dict[tuple[int, int], tuple[int, int]] = {}
        for row, col, rowspan, colspan in self.spans:
            for r in range(row, row + rowspan):
                for c in range(col, col + colspan):
                    owner[(r, c)] = (row, col)
        return owner

    def cell(self, row: int, col: int) -> str:
        """The text at (row, col); a position inside a merged cell gives the merged cell's text."""
        r, c = self._owner.get((row, col), (row, col))
        if r >= len(self.rows) or c >= len(self.rows[r]):
            return ""
        return self.rows[r][c] or ""

    def filled(self) -> list[list[str]]:
        """The grid with every merged cell's text repeated over the positions it covers."""
        width = self.column_count
        return [[self.cell(r, c) for c in range(width)] for r in range(len(self.rows))]

    def column_labels(self) -> list[str]:
        """Each column's header text: its header rows' distinct texts joined with " › " (top first); a title
        row (one text across the whole width) labels no column."""
        grid = self.filled()
        labels = []
        heads = [r for r in range(min(self.header_rows, len(grid))) if len(set(grid[r])) > 1]
        for c in range(self.column_count):
            parts: list[str] = []
            for r in heads:
                text = grid[r][c]
                if text and text not in parts:
                    parts.append(text)
            labels.append(LABEL_JOIN.join(parts))
        return labels

    def body(self) -> list[list[str]]:
        """The rows below the header rows, merged cells filled."""
        return self.filled()[self.header_rows :]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows, "spans": [list(s) for s in self.spans], "header_rows": self.header_rows,
            "caption": self.caption, "unit": self.unit, "note": self.note, "page": self.page,
            "sheet": self.sheet, "start": self.start, "end": self.end,
        }  # fmt: skip


@dataclass(frozen=True)
class Document:
    name: str  # the file as the user knows it (never a server path)
    text: str
    encoding: str  # "utf-8", "utf-8-sig", "gb18030", "extracted" or "ocr" (some or all text read by OCR)
    source: str | None = None
    offsets: list[int] | None = None
    tables: tuple[Table, ...] = ()
    pages: tuple[int, ...] = ()
    ocr_pages: tuple[int, ...] = ()  # 1-based pages whose text OCR read (an image file is page 1)
    ocr_lines: tuple[OcrLine, ...] = ()  # the OCR boxes, with page and pixel box, the text came from

    @classmethod
    def plain(cls, text: str, name: str = "", encoding: str = "utf-8") -> Document:
        """A document whose logical text is the given text (a pasted draft, a decoded .txt)."""
        return cls(name=name, text=text, encoding=encoding)

    @cached_property
    def sections(self) -> SectionIndex:
        """The heading tree (一、 > （一） > 1. > （1）) and the section path at any offset."""
        return SectionIndex(self.text)

    def source_offset(self, offset: int) -> int:
        """The index in the source text that logical offset ``offset`` came from."""
        if self.offsets is None:
            return offset
        if not self.offsets:
            return 0
        if offset >= len(self.offsets):
            return self.offsets[-1] + 1
        return self.offsets[max(offset, 0)]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the source text that ``text[start:end]`` was read from."""
        if self.offsets is None or end <= start:
            return start, end
        return self.source_offset(start), self.source_offset(end - 1) + 1

    def source_text(self) -> str:
        return self.text if self.source is None else self.source

    def page_at(self, offset: int) -> int | None:
        """The 1-based page that logical offset ``offset`` is on; None for a document without pages."""
        if not self.pages:
            return None
        return max(bisect_right(self.pages, offset), 1)

    def where(self, start: int) -> str:
        """Where an offset is, in the user's words: "第 3 页" for a paged document, else ""."""
        page = self.page_at(start)
        return f"第 {page} 页" if page is not None else ""

    def table_at(self, offset: int) -> Table | None:
        for table in self.tables:
            if table.start <= offset < table.end:
                return table
        return None

    def read_by_ocr(self, start: int) -> bool:
        """True when the text at ``start`` was read by OCR (a citation there may hold misread characters)."""
        page = self.page_at(start)
        return bool(self.ocr_pages) and (page in self.ocr_pages or not self.pages)
