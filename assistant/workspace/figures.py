"""The figures grid: rows as the user typed them, validated row by row into the table drafting and checks use."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from assistant.checks.table import FiguresTable, load_table, parse_records, records_from_csv_text
from assistant.document.limits import ReadLimits
from assistant.errors import InputFileError

COLUMNS = ("name", "value", "unit", "target", "prior_year")
HEADERS = ("名称", "数值", "单位", "目标值", "上年数")


@dataclass
class GridCheck:
    """The table built from the rows that are valid, and a Chinese message for each row that is not."""

    table: FiguresTable | None
    errors: list[str] = field(default_factory=list)
    valid_rows: int = 0


def _blank(row: dict[str, Any]) -> bool:
    return not any(str(row.get(c) or "").strip() for c in COLUMNS)


def clean_rows(rows: list[list[Any]] | list[dict[str, Any]]) -> list[dict[str, str]]:
    """Grid rows (lists in column order, or dicts) as dicts of stripped strings, blank rows dropped."""
    cleaned = []
    for row in rows:
        if isinstance(row, dict):
            values = {c: row.get(c, row.get(h)) for c, h in zip(COLUMNS, HEADERS, strict=True)}
        else:
            values = dict(zip(COLUMNS, list(row) + [None] * (len(COLUMNS) - len(row)), strict=False))
        item = {c: "" if values.get(c) is None else str(values.get(c)).strip() for c in COLUMNS}
        if not _blank(item):
            cleaned.append(item)
    return cleaned


def check_rows(rows: list[dict[str, str]]) -> GridCheck:
    """Validate every row on its own (so every bad row is named), then build the table from the good ones."""
    if not rows:
        return GridCheck(None, [], 0)
    errors, good = [], []
    for number, row in enumerate(rows, start=1):
        try:
            parse_records([row], "数据表")
        except InputFileError as exc:
            detail = str(exc).split("：", 1)[-1]
            detail = detail.replace("第 2 行", "").lstrip("（").strip()
            errors.append(f"第 {number} 行（{row.get('name') or '未命名'}）：{detail}")
        else:
            good.append(row)
    table = None
    if good:
        try:
            table = parse_records(good, "数据表")
        except InputFileError as exc:  # the same item twice with different values
            errors.append(str(exc).split("：", 1)[-1])
    return GridCheck(table, errors, len(good))


def rows_from_file(path: Path, limits: ReadLimits | None = None) -> list[dict[str, str]]:
    """Rows of an uploaded CSV/XLSX/YAML/JSON figures table; raises InputFileError naming the file."""
    table = load_table(path, path.name, limits)  # the name only: never the server's upload folder
    rows = []
    for row in table.rows.values():
        rows.append(
            {
                "name": row.name,
                "value": _plain(row.value, row),
                "unit": row.unit,
                "target": _plain(row.target, row) if row.target is not None else "",
                "prior_year": _plain(row.prior_year, row) if row.prior_year is not None else "",
            }
        )
    return rows


def _plain(amount: Any, row: Any) -> str:
    text = row.in_unit(amount)
    return text[: -len(row.unit)] if row.unit and text.endswith(row.unit) else text


def rows_from_csv_text(text: str) -> list[dict[str, str]]:
    """Rows from CSV text with English or Chinese headers (the API's figures argument)."""
    if not text.strip():
        return []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    return clean_rows([dict(r) for r in reader])


def table_from_csv_text(text: str) -> FiguresTable | None:
    """The table of CSV text (the web API's figures argument), or None when the text is empty.

    Validated exactly as ``assistant check --data file.csv`` validates the same text saved to a file.
    """
    if not text.strip():
        return None
    return parse_records(records_from_csv_text(text, "数据表"), "数据表")


def rows_to_xlsx(rows: list[dict[str, str]], target: Path) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "数据表"
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append([_cell(row.get(c, "")) for c in COLUMNS])
        for cell in sheet[sheet.max_row]:
            if _formula_like(cell.value):  # =HYPERLINK(…) must arrive as text, never as a live formula
                cell.data_type = "s"
                cell.quotePrefix = True
    for column, width in zip("ABCDE", (28, 16, 8, 12, 12), strict=True):
        sheet.column_dimensions[column].width = width
    workbook.save(target)
    return target


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _formula_like(value: Any) -> bool:
    """Text a spreadsheet would run as a formula (or that hides one): starts with = + - @ tab or CR."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_STARTS):
        return False
    try:
        return not Decimal(value.strip()).is_finite()  # -12.5 is a number, not a formula
    except InvalidOperation:
        return True


def _cell(value: str) -> Any:
    try:
        number = float(value)
    except ValueError:
        return value
    return (
        value if value.strip() == "" else (int(number) if number.is_integer() and "." not in value else value)
    )


def rows_to_grid(rows: list[dict[str, str]]) -> list[list[str]]:
    return [[row.get(c, "") for c in COLUMNS] for row in rows]
