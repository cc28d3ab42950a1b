"""Turn a file of any supported format into plain text whose offsets citations refer to.

For .txt/.md the text is the file decoded exactly (offsets are into the file's own text);
for .docx/.pdf/.xlsx/.xls it is the text extracted from the file, one paragraph or table row per line.
A .doc/.wps is converted to .docx by LibreOffice first (when it is installed) and then read as one.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import InputFileError
from assistant.ingest.limits import DEFAULT_LIMITS, ReadLimits, check_archive

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".xlsx", ".xls", ".doc", ".wps", ".png", ".jpg", ".jpeg")
# recognised formats no reader handles: a folder's files of these kinds are reported with this message
REFUSED_SUFFIXES = {".ofd": "OFD 版式文件暂不支持，请导出为 PDF 或 Word 后再导入"}


@dataclass(frozen=True)
class SourceText:
    text: str
    encoding: str  # "utf-8", "utf-8-sig", "gb18030", "extracted" or "ocr" (some or all text read by OCR)
    tables: tuple[Any, ...] = ()  # a PDF's tables (pdf_layout.PdfTable), in reading order
    ocr_lines: tuple[Any, ...] = ()  # the OCR boxes (ocr.OcrLine, with page and pixel box) the text came from


def decode_text(data: bytes, path: str) -> SourceText:
    """Decode UTF-8 (with or without BOM) or GB18030; anything else is a clear error."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return SourceText(data[3:].decode("utf-8"), "utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputFileError(
                path, f"文件带 UTF-8 标记但内容不是有效的 UTF-8（第 {exc.start} 字节）"
            ) from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFileError(path, "文件是 UTF-16 编码，请另存为 UTF-8 或 GB18030 后再导入")
    try:
        return SourceText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputFileError(path, "无法识别文件编码（支持 UTF-8、带 BOM 的 UTF-8 和 GB18030/GBK）") from exc
    if "\x00" in text:
        raise InputFileError(path, "文件似乎是二进制文件，不是文本")
    return SourceText(text, "gb18030")


def unexpected_problem(exc: BaseException) -> str:
    """A Chinese reason for an error no reader anticipated (never a traceback or a server path)."""
    if isinstance(exc, RecursionError):
        return "文件结构嵌套过深，无法处理"
    if isinstance(exc, MemoryError):
        return "文件内容过多，处理时内存不足"
    return f"处理时出错（{type(exc).__name__}）"


def _read_plain(path: Path, shown: str, limits: ReadLimits) -> SourceText:
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


def _docx_lines(path: Path) -> list[str]:
    import docx  # python-docx
    from docx.table import Table

    document = docx.Document(str(path))
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = _cell_text(cell.text)
                    if not cells or cells[-1] != text:  # merged cells repeat their text
                        cells.append(text)
                line = _row_line(cells)
                if line:
                    lines.append(line)
        else:
            text = block.text.strip()
            if text:
                lines.append(text)
    return lines


def _read_docx(path: Path, shown: str, limits: ReadLimits) -> SourceText:
    check_archive(path, shown, limits)
    try:
        lines = _docx_lines(path)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputFileError(shown, "不是有效的 Word（.docx）文件，可能已损坏") from exc
    except (RecursionError, MemoryError) as exc:
        raise InputFileError(shown, unexpected_problem(exc)) from exc
    except Exception as exc:  # lxml and python-docx raise many kinds on damaged parts
        raise InputFileError(shown, f"Word 文件已损坏，无法解析（{type(exc).__name__}）") from exc
    return SourceText("\n".join(lines), "extracted")


def _read_pdf(path: Path, shown: str, limits: ReadLimits) -> SourceText:
    from assistant.ingest.pdf_layout import read_layout

    layout = read_layout(path, shown, limits.max_pdf_pages, limits.max_ocr_pages)
    encoding = "ocr" if layout.ocr_pages else "extracted"
    return SourceText(layout.text, encoding, tables=tuple(layout.tables), ocr_lines=layout.ocr_lines)


def _read_image(path: Path, shown: str, limits: ReadLimits) -> SourceText:
    from assistant.ingest.ocr import ocr_image, reading_text

    lines = ocr_image(path, shown)
    return SourceText(reading_text(lines), "ocr", ocr_lines=tuple(lines))


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


def _read_xlsx(path: Path, shown: str, limits: ReadLimits) -> SourceText:
    from openpyxl import load_workbook

    check_archive(path, shown, limits)
    try:
        workbook = load_workbook(str(path), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputFileError(shown, "不是有效的 Excel（.xlsx）文件，可能已损坏") from exc
    except Exception as exc:
        raise InputFileError(shown, f"Excel 文件无法解析（{type(exc).__name__}）") from exc
    lines: list[str] = []
    try:
        for sheet in workbook.worksheets:
            lines.extend(_sheet_lines(sheet.title, sheet_rows(sheet, shown, limits)))
    except InputFileError:
        raise
    except (RecursionError, MemoryError) as exc:
        raise InputFileError(shown, unexpected_problem(exc)) from exc
    except Exception as exc:  # a damaged sheet part surfaces only while it is read
        raise InputFileError(shown, f"Excel 文件已损坏，无法解析（{type(exc).__name__}）") from exc
    finally:
        workbook.close()
    return SourceText("\n".join(lines), "extracted")


def _sheet_lines(name: str, values: Any) -> list[str]:
    """A sheet as text: a 【工作表：name】 line, then one line per non-empty row (nothing for an empty sheet)."""
    rows = [line for line in (_row_line([_cell_text(v) for v in row]) for row in values) if line]
    return [f"【工作表：{name}】", *rows] if rows else []


def _read_xls(path: Path, shown: str, limits: ReadLimits) -> SourceText:
    from assistant.ingest.spreadsheets import xls_sheets

    lines: list[str] = []
    try:
        for name, values in xls_sheets(path, shown, limits):
            lines.extend(_sheet_lines(name, values))
    except InputFileError:
        raise
    except (RecursionError, MemoryError) as exc:
        raise InputFileError(shown, unexpected_problem(exc)) from exc
    except OSError:
        raise
    except Exception as exc:
        raise InputFileError(shown, f"Excel 文件已损坏，无法解析（{type(exc).__name__}）") from exc
    return SourceText("\n".join(lines), "extracted")


def _read_legacy_word(path: Path, shown: str, limits: ReadLimits) -> SourceText:
    """A .doc/.wps: converted to .docx by LibreOffice, then read (and limited) as a .docx."""
    from assistant.ingest.office_convert import convert_to_docx

    converted = convert_to_docx(path, shown)
    try:
        return _read_docx(converted, shown, limits)
    finally:
        shutil.rmtree(converted.parent, ignore_errors=True)


_READERS: dict[str, Callable[[Path, str, ReadLimits], SourceText]] = {
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


def read_source(
    path: Path, shown: str | None = None, max_bytes: int | None = None, limits: ReadLimits | None = None
) -> SourceText:
    """Read ``path`` into text. Raises :class:`InputFileError` with a Chinese message on any problem.

    ``limits`` bound what a .docx/.xlsx may inflate to and how many PDF pages are read; the defaults
    apply when none are given.
    """
    shown = shown or str(path)
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
    try:
        source = reader(path, shown, limits or DEFAULT_LIMITS)
    except PermissionError as exc:
        raise InputFileError(shown, "没有读取权限") from exc
    except OSError as exc:
        raise InputFileError(shown, f"无法读取（{exc.strerror or type(exc).__name__}）") from exc
    if not source.text.strip():
        raise InputFileError(shown, "文件中没有文字内容")
    return source
