"""Read a file of any supported format into the one document model (:class:`Document`).

For .txt/.md the text is the file decoded exactly (offsets are into the file's own text);
for .docx/.xlsx/.xls it is the text extracted from the file, one paragraph or table row per line, with
each table (or worksheet) also kept as a cell grid; a .pdf is read by :mod:`pdf_layout` (logical text,
offset map to the page text, tables, pages; scanned pages through OCR) and an image by :mod:`ocr`.
A .doc/.wps is converted to .docx by LibreOffice first (when it is installed) and then read as one.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.document.limits import DEFAULT_LIMITS, ReadLimits, check_archive
from assistant.document.model import Document, Span, Table
from assistant.errors import InputFileError

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".xlsx", ".xls", ".doc", ".wps", ".png", ".jpg", ".jpeg")
# recognised formats no reader handles: a folder's files of these kinds are reported with this message
REFUSED_SUFFIXES = {".ofd": "OFD 版式文件暂不支持，请导出为 PDF 或 Word 后再导入"}


OnPage = Callable[[int, int], None]  # OCR progress: (pages done, pages to read)
_VALUE = re.compile(r"^[≥≤＞＜><=＝约]?\s*[-+－]?[0-9０-９][0-9０-９,，.．]*\s*(?:%|％|[\u4e00-\u9fff]{1,3})?$")
MAX_HEADER_ROWS = 4


def decode_text(data: bytes, path: str) -> Document:
    """Decode UTF-8 (with or without BOM) or GB18030; anything else is a clear error."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return Document.plain(data[3:].decode("utf-8"), path, "utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputFileError(
                path, f"文件带 UTF-8 标记但内容不是有效的 UTF-8（第 {exc.start} 字节）"
            ) from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFileError(path, "文件是 UTF-16 编码，请另存为 UTF-8 或 GB18030 后再导入")
    try:
        return Document.plain(data.decode("utf-8"), path, "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputFileError(path, "无法识别文件编码（支持 UTF-8、带 BOM 的 UTF-8 和 GB18030/GBK）") from exc
    if "\x00" in text:
        raise InputFileError(path, "文件似乎是二进制文件，不是文本")
    return Document.plain(text, path, "gb18030")


def unexpected_problem(exc: BaseException) -> str:
    """A Chinese reason for an error no reader anticipated (never a traceback or a server path)."""
    if isinstance(exc, RecursionError):
        return "文件结构嵌套过深，无法处理"
    if isinstance(exc, MemoryError):
        return "文件内容过多，处理时内存不足"
    return f"处理时出错（{type(exc).__name__}）"


def _read_plain(path: Path, shown: str, limits: ReadLimits, on_page: OnPage | None) -> Document:
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFileError(shown, "文件似乎是二进制文件，不是文本")
    return decode_text(data, shown)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _row_line(cells: list[str]) -> str:
    kept = [c for c in cells if c]
    return " | ".join(kept)


class _Lines:
    """Text built line by line, with the span each table's lines take in it."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.length = 0  # characters so far, the "\n" between lines included

    def add(self, line: str) -> None:
        self.length += len(line) + (1 if self.lines else 0)
        self.lines.append(line)

    def at(self) -> int:
        """Where the next line will start."""
        return self.length + (1 if self.lines else 0)

    def text(self) -> str:
        return "\n".join(self.lines)


def docx_grid(table: Any) -> tuple[list[list[str | None]], list[Span]]:
    """A python-docx table as a grid from its XML: horizontal (gridSpan) and vertical (vMerge) merges.

    Each merged cell keeps its text at its top-left position and None at the others; ``gridBefore``
    (a row starting late) leaves empty cells in front.
    """
    from docx.table import _Cell

    rows: list[list[str | None]] = []
    extent: dict[tuple[int, int], list[int]] = {}  # top-left -> [rowspan, colspan]
    open_above: dict[int, tuple[int, int]] = {}  # column -> the merged cell a vMerge "continue" extends
    for r, tr in enumerate(table._tbl.tr_lst):
        row: list[str | None] = [""] * tr.grid_before
        for tc in tr.tc_lst:
            c, width = len(row), max(tc.grid_span, 1)
            merge = tc.vMerge
            if merge == "continue" and c in open_above:
                owner = open_above[c]
                extent[owner][0] = r - owner[0] + 1
                row.extend([None] * width)
                continue
            row.append(_cell_text(_Cell(tc, table).text))
            row.extend([None] * (width - 1))
            extent[(r, c)] = [1, width]
            if merge == "restart":
                open_above[c] = (r, c)
            else:
                open_above.pop(c, None)
        rows.append(row)
    width = max((len(row) for row in rows), default=0)
    for row in rows:
        row.extend([""] * (width - len(row)))
    spans = [(r, c, rs, cs) for (r, c), (rs, cs) in sorted(extent.items()) if rs > 1 or cs > 1]
    return rows, spans


def _header_rows(rows: list[list[str | None]]) -> int:
    """The rows at the top that hold no value: no cell that is a number ("9185", "14.27%", "≥95%", "520人次";
    a label such as "2022年决算数" or a title with its year is not one); at most four, and at most all rows
    but one."""
    count = 0
    for row in rows[:MAX_HEADER_ROWS]:
        texts = [t for t in row if t]
        if not texts or any(_VALUE.match(t) for t in texts):
            break
        count += 1
    return min(count, max(len(rows) - 1, 0))


_UNIT_LINE = re.compile(r"(?:^|\s|（|\()单位\s*[:：]\s*([^\s）)，,；;]+)")
_CAPTION = re.compile(r"^(?:附)?表\s*[0-9０-９一二三四五六七八九十]+|表$")


def _caption_and_unit(before: list[str]) -> tuple[str, str]:
    """A table's caption ("表1 …") and unit ("单位：万元") from the (at most two) paragraphs before it."""
    caption = unit = ""
    for text in before:
        found = _UNIT_LINE.search(text)
        if found:
            unit = found.group(1)
        if _CAPTION.search(text) and len(text) <= 60:
            caption = text
    return caption, unit


def _docx_document(path: Path, shown: str) -> Document:
    import docx  # python-docx
    from docx.table import Table as DocxTable

    document = docx.Document(str(path))
    out = _Lines()
    tables: list[Table] = []
    before: list[str] = []  # the paragraphs just before the next table: its caption and unit line
    for block in document.iter_inner_content():
        if isinstance(block, DocxTable):
            start = out.at()
            for row in block.rows:
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:  # a merged cell comes once per grid column it covers: keep it once
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        cells.append(_cell_text(cell.text))
                line = _row_line(cells)
                if line:
                    out.add(line)
            if out.length > start:
                rows, spans = docx_grid(block)
                caption, unit = _caption_and_unit(before)
                tables.append(
                    Table(rows=rows, spans=spans, header_rows=_header_rows(rows), caption=caption, unit=unit,
                          start=start, end=out.length)  # fmt: skip
                )
            before = []
        else:
            text = block.text.strip()
            if text:
                out.add(text)
                before = [*before[-1:], text]
    return Document(shown, out.text(), "extracted", tables=tuple(tables))


def _read_docx(path: Path, shown: str, limits: ReadLimits, on_page: OnPage | None = None) -> Document:
    check_archive(path, shown, limits)
    try:
        return _docx_document(path, shown)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputFileError(shown, "不是有效的 Word（.docx）文件，可能已损坏") from exc
    except (RecursionError, MemoryError) as exc:
        raise InputFileError(shown, unexpected_problem(exc)) from exc
    except Exception as exc:  # lxml and python-docx raise many kinds on damaged parts
        raise InputFileError(shown, f"Word 文件已损坏，无法解析（{type(exc).__name__}）") from exc


def _read_pdf(path: Path, shown: str, limits: ReadLimits, on_page: OnPage | None) -> Document:
    from assistant.document.pdf_layout import read_layout

    layout = read_layout(path, shown, limits.max_pdf_pages, limits.max_ocr_pages, on_page)
    return Document(
        shown,
        layout.text,
        "ocr" if layout.ocr_pages else "extracted",
        source=layout.raw,
        offsets=layout.offsets,
        tables=tuple(layout.tables),
        pages=tuple(layout.page_starts),
        ocr_pages=layout.ocr_pages,
        ocr_lines=layout.ocr_lines,
    )


def _read_image(path: Path, shown: str, limits: ReadLimits, on_page: OnPage | None) -> Document:
    from assistant.document.ocr import ocr_image, reading_text

    lines = ocr_image(path, shown)
    if on_page is not None:
        on_page(1, 1)
    return Document(shown, reading_text(lines), "ocr", pages=(0,), ocr_pages=(1,), ocr_lines=tuple(lines))


def sheet_rows(sheet: Any, shown: str, limits: ReadLimits) -> Iterator[tuple[Any, ...]]:
    """The value rows of a read-only worksheet, refused once more than ``max_sheet_cells`` were read.

    The dimension a sheet declares is ignored: a tiny file can claim A1:XFD1048576 and have every row
    padded to 16,384 cells.
    """
    sheet.reset_dimensions()
    cells = 0
    for row in sheet.iter_rows(values_only=True):
        cells += max(len(row), 1)
        if cells > limits.max_sheet_cells:
            raise InputFileError(shown, f"工作表单元格过多（上限 {limits.max_sheet_cells} 个）")
        yield row


def _add_sheet(out: _Lines, tables: list[Table], name: str, values: Any) -> None:
    """A sheet as text: a 【工作表：name】 line, then one line per non-empty row (nothing for an empty sheet);
    its non-empty rows also become a table (trailing empty columns dropped)."""
    rows = [cells for cells in ([_cell_text(v) for v in row] for row in values) if any(cells)]
    if not rows:
        return
    out.add(f"【工作表：{name}】")
    start = out.at()
    for cells in rows:
        out.add(_row_line(cells))
    width = max(max((i + 1 for i, t in enumerate(cells) if t), default=0) for cells in rows)
    grid: list[list[str | None]] = [(cells + [""] * width)[:width] for cells in rows]
    tables.append(Table(rows=grid, header_rows=_header_rows(grid), sheet=name, start=start, end=out.length))


def _read_xlsx(path: Path, shown: str, limits: ReadLimits, on_page: OnPage | None = None) -> Document:
    from openpyxl import load_workbook

    check_archive(path, shown, limits)
    try:
        workbook = load_workbook(str(path), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputFileError(shown, "不是有效的 Excel（.xlsx）文件，可能已损坏") from exc
    except Exception as exc:
        raise InputFileError(shown, f"Excel 文件无法解析（{type(exc).__name__}）") from exc
    out, tables = _Lines(), []
    try:
        for sheet in workbook.worksheets:
            _add_sheet(out, tables, sheet.title, sheet_rows(sheet, shown, limits))
    except InputFileError:
        raise
    except (RecursionError, MemoryError) as exc:
        raise InputFileError(shown, unexpected_problem(exc)) from exc
    except Exception as exc:  # a damaged sheet part surfaces only while it is read
        raise InputFileError(shown, f"Excel 文件已损坏，无法解析（{type(exc).__name__}）") from exc
    finally:
        workbook.close()
    return Document(shown, out.text(), "extracted", tables=tuple(tables))


def _read_xls(path: Path, shown: str, limits: ReadLimits, on_page: OnPage | None = None) -> Document:
    from assistant.document.spreadsheets import xls_sheets

    out, tables = _Lines(), []
    try:
        for name, values in xls_sheets(path, shown, limits):
            _add_sheet(out, tables, name, values)
    except InputFileError:
        raise
    except (RecursionError, MemoryError) as exc:
        raise InputFileError(shown, unexpected_problem(exc)) from exc
    except OSError:
        raise
    except Exception as exc:
        raise InputFileError(shown, f"Excel 文件已损坏，无法解析（{type(exc).__name__}）") from exc
    return Document(shown, out.text(), "extracted", tables=tuple(tables))


def _read_legacy_word(path: Path, shown: str, limits: ReadLimits, on_page: OnPage | None = None) -> Document:
    """A .doc/.wps: converted to .docx by LibreOffice, then read (and limited) as a .docx."""
    from assistant.document.office_convert import convert_to_docx

    converted = convert_to_docx(path, shown)
    try:
        return _read_docx(converted, shown, limits)
    finally:
        shutil.rmtree(converted.parent, ignore_errors=True)


_READERS: dict[str, Callable[[Path, str, ReadLimits, OnPage | None], Document]] = {
    ".txt": _read_plain,
    ".md": _read_plain,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
    ".xlsx": _read_xlsx,
    ".png": _read_image,
    ".jpg": _read_image,
    ".jpeg": _read_image,
    ".xls": _read_xls,
    ".doc": _read_legacy_word,
    ".wps": _read_legacy_word,
}


def read_document(
    path: Path,
    shown: str | None = None,
    max_bytes: int | None = None,
    limits: ReadLimits | None = None,
    on_page: OnPage | None = None,
) -> Document:
    """Read ``path`` into a :class:`Document`. Raises :class:`InputFileError` with a Chinese message on any problem.

    ``shown`` is the name the user knows the file by (messages and ``Document.name`` use it, never the
    server path). ``limits`` bound what a .docx/.xlsx may inflate to and how many PDF pages are read; the
    defaults apply when none are given. ``on_page(done, total)`` reports the progress of OCR.
    """
    shown = shown or path.name
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if suffix in REFUSED_SUFFIXES:
        raise InputFileError(shown, REFUSED_SUFFIXES[suffix])
    if reader is None:
        raise InputFileError(
            shown, f"不支持的文件类型“{suffix or '无扩展名'}”（支持 {'、'.join(SUPPORTED_SUFFIXES)}）"
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputFileError(shown, f"无法访问（{exc.strerror or exc}）") from exc
    if path.is_dir():
        raise InputFileError(shown, "这是一个文件夹，不是文件")
    if not path.is_file():  # a pipe or device would block or never end
        raise InputFileError(shown, "不是普通文件")
    if size == 0:
        raise InputFileError(shown, "文件为空")
    if max_bytes is not None and size > max_bytes:
        raise InputFileError(shown, f"文件过大（{size / 1048576:.1f} MB，上限 {max_bytes / 1048576:.0f} MB）")
    limits = limits or DEFAULT_LIMITS
    try:
        key = (_content_hash(path), suffix, limits)
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return replace(cached, name=shown)
        document = reader(path, shown, limits, on_page)
    except PermissionError as exc:
        raise InputFileError(shown, "没有读取权限") from exc
    except OSError as exc:
        raise InputFileError(shown, f"无法读取（{exc.strerror or type(exc).__name__}）") from exc
    if not document.text.strip():
        raise InputFileError(shown, "文件中没有文字内容")
    _CACHE[key] = document
    while len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return document


def _content_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# The documents read last, by content: a file is parsed (and a scan OCRed) once even when several
# consumers are handed it in turn (an upload checked, then ingested; an evidence file, then the review).
CACHE_SIZE = 32
_CACHE: OrderedDict[tuple[str, str, ReadLimits], Document] = OrderedDict()
