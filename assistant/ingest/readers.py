"""Turn a file of any supported format into plain text whose offsets citations refer to.

For .txt/.md the text is the file decoded exactly (offsets are into the file's own text);
for .docx/.pdf/.xlsx it is the text extracted from the file, one paragraph or table row per line.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import InputFileError

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".xlsx")


@dataclass(frozen=True)
class SourceText:
    text: str
    encoding: str  # "utf-8", "utf-8-sig", "gb18030" or "extracted"


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


def _read_plain(path: Path, shown: str) -> SourceText:
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


def _read_docx(path: Path, shown: str) -> SourceText:
    import docx  # python-docx
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputFileError(shown, "不是有效的 Word（.docx）文件，可能已损坏") from exc
    except Exception as exc:  # lxml and python-docx raise many kinds on damaged parts
        raise InputFileError(shown, f"Word 文件已损坏，无法解析（{type(exc).__name__}）") from exc
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
    return SourceText("\n".join(lines), "extracted")


def _read_pdf(path: Path, shown: str) -> SourceText:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise InputFileError(shown, "PDF 已加密，请先解除密码保护")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputFileError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise InputFileError(shown, "不是有效的 PDF 文件，可能已损坏") from exc
    except Exception as exc:
        raise InputFileError(shown, f"PDF 文件无法解析（{type(exc).__name__}）") from exc
    lines = [line.rstrip() for page in pages for line in page.splitlines()]
    text = "\n".join(line for line in lines if line.strip())
    if not text.strip():
        raise InputFileError(shown, "PDF 中没有可提取的文字（可能是扫描件，需要先做文字识别）")
    return SourceText(text, "extracted")


def _read_xlsx(path: Path, shown: str) -> SourceText:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(str(path), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputFileError(shown, "不是有效的 Excel（.xlsx）文件，可能已损坏") from exc
    except Exception as exc:
        raise InputFileError(shown, f"Excel 文件无法解析（{type(exc).__name__}）") from exc
    lines: list[str] = []
    try:
        for sheet in workbook.worksheets:
            rows = [_row_line([_cell_text(v) for v in row]) for row in sheet.iter_rows(values_only=True)]
            rows = [r for r in rows if r]
            if rows:
                lines.append(f"【工作表：{sheet.title}】")
                lines.extend(rows)
    finally:
        workbook.close()
    return SourceText("\n".join(lines), "extracted")


_READERS: dict[str, Callable[[Path, str], SourceText]] = {
    ".txt": _read_plain,
    ".md": _read_plain,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
    ".xlsx": _read_xlsx,
}


def read_source(path: Path, shown: str | None = None, max_bytes: int | None = None) -> SourceText:
    """Read ``path`` into text. Raises :class:`InputFileError` with a Chinese message on any problem."""
    shown = shown or str(path)
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        raise InputFileError(
            shown, f"不支持的文件类型“{suffix or '无扩展名'}”（支持 {'、'.join(SUPPORTED_SUFFIXES)}）"
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputFileError(shown, f"无法访问（{exc.strerror or exc}）") from exc
    if size == 0:
        raise InputFileError(shown, "文件为空")
    if max_bytes is not None and size > max_bytes:
        raise InputFileError(shown, f"文件过大（{size / 1048576:.1f} MB，上限 {max_bytes / 1048576:.0f} MB）")
    try:
        source = reader(path, shown)
    except PermissionError as exc:
        raise InputFileError(shown, "没有读取权限") from exc
    if not source.text.strip():
        raise InputFileError(shown, "文件中没有文字内容")
    return source
