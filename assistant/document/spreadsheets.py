"""Read legacy Excel (.xls) workbooks through calamine, sheet by sheet, within the read limits.

An .xls is an OLE compound file, not a zip: the archive checks do not apply. Instead the file must start
with the OLE signature, may not be larger than the uncompressed bytes a .xlsx may inflate to, and each
sheet's used area is refused before its cells become Python objects when it exceeds ``max_sheet_cells``.
Only the top-left cell of a merged range holds its value (the others are ""), as openpyxl gives for .xlsx.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.document.limits import DEFAULT_LIMITS, ReadLimits, megabytes
from assistant.errors import InputFileError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def is_ole(path: Path) -> bool:
    """Whether ``path`` starts with the OLE compound-file signature (.xls, .doc, .wps)."""
    with path.open("rb") as handle:
        return handle.read(len(OLE_MAGIC)) == OLE_MAGIC


def xls_sheets(
    path: Path, shown: str, limits: ReadLimits = DEFAULT_LIMITS
) -> Iterator[tuple[str, list[list[Any]]]]:
    """(sheet name, rows of cell values) for every sheet of the .xls at ``path``, in workbook order."""
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    if not is_ole(path):
        raise InputFileError(shown, "不是有效的 Excel（.xls）文件，可能已损坏或只是改了扩展名")
    size = path.stat().st_size
    if size > limits.max_zip_uncompressed:
        raise InputFileError(
            shown, f"Excel 文件过大（{megabytes(size)} MB，上限 {megabytes(limits.max_zip_uncompressed)} MB）"
        )
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except PasswordError as exc:
        raise InputFileError(shown, "文件已加密，请先解除密码保护") from exc
    except (CalamineError, ValueError, OSError) as exc:
        raise InputFileError(shown, "不是有效的 Excel（.xls）文件，可能已损坏") from exc
    except Exception as exc:  # calamine surfaces damaged records under several exception types
        raise InputFileError(shown, f"Excel 文件无法解析（{type(exc).__name__}）") from exc
    cells = 0
    for name in workbook.sheet_names:
        try:
            sheet = workbook.get_sheet_by_name(name)
        except Exception as exc:
            raise InputFileError(shown, f"Excel 文件已损坏，无法解析（{type(exc).__name__}）") from exc
        cells += max(sheet.height * sheet.width, 1)
        if cells > limits.max_sheet_cells:
            raise InputFileError(shown, f"工作表单元格过多（上限 {limits.max_sheet_cells} 个）")
        yield name, sheet.to_python(skip_empty_area=False)
