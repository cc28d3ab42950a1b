"""The figures table (DESIGN.md §4): CSV, XLSX, YAML or JSON; English or Chinese headers; validated whole."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from assistant.checks.names import vocabulary
from assistant.checks.units import unit_table
from assistant.document.numbers import FULL_WIDTH, MAX_DECIMAL_DIGITS, MAX_INTEGER_DIGITS
from assistant.errors import InputFileError

if TYPE_CHECKING:
    from assistant.document.limits import ReadLimits

COLUMNS = {
    "name": ("name", "名称", "指标", "项目", "指标名称"),
    "value": ("value", "数值", "实际值", "实际完成值", "决算数", "金额"),
    "unit": ("unit", "单位", "计量单位"),
    "target": ("target", "目标值", "目标", "年度指标值", "指标值"),
    "prior_year": ("prior_year", "上年数", "上年", "上年值", "上年决算数"),
}

# The numbers a table may hold, in base units (元, %, …): the bounds figures in text have, and at most
# 28 significant digits, so each is exact in Decimal's default context and nothing computed from a few of
# them leaves its exponent range (1E+999999999 did).
MAX_DIGITS = 28
MAX_TABLE_BYTES = 20 * 1024 * 1024  # a figures table is a few hundred rows; read whole, so bounded
_MAX_NUMBER_CHARS = 64
_FLOAT_DIGITS = 15  # what a spreadsheet keeps of a number; 409.40000000000003 is 409.4


@dataclass(frozen=True)
class Row:
    name: str  # as given
    key: str  # canonical
    value: Decimal  # in base units (元 for money)
    unit: str
    dimension: str
    target: Decimal | None
    prior_year: Decimal | None
    line: int  # row number in the file (header = 1)
    # half a unit of the last digit each column printed (409.40 万元 -> 50 元): the entry's own rounding
    value_tolerance: Decimal = Decimal(0)
    target_tolerance: Decimal = Decimal(0)
    prior_tolerance: Decimal = Decimal(0)

    def tolerance_of(self, reference: Decimal) -> Decimal:
        for amount, tolerance in (
            (self.value, self.value_tolerance),
            (self.target, self.target_tolerance),
            (self.prior_year, self.prior_tolerance),
        ):
            if amount is not None and amount == reference:
                return tolerance
        return Decimal(0)

    def in_unit(self, amount: Decimal) -> str:
        factor = unit_table().get(self.unit).factor  # type: ignore[union-attr]
        return f"{(amount / factor).normalize():f}{self.unit}"


@dataclass(frozen=True)
class FiguresTable:
    rows: dict[str, Row]  # canonical name -> row

    def names(self) -> list[str]:
        return list(self.rows)

    def get(self, name: str) -> Row | None:
        return self.rows.get(vocabulary().canonical(name))


def _half_step(value: Decimal | None, factor: Decimal) -> Decimal:
    """Half a unit of the last digit ``value`` was written with, in base units."""
    if value is None:
        return Decimal(0)
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):
        return Decimal(0)
    return Decimal(5).scaleb(exponent - 1) * factor


def _number_text(raw: Any) -> str:
    if isinstance(raw, float):  # from .xlsx, .json or .yaml
        text = repr(raw)
        digits = text.lstrip("-").split("e")[0].replace(".", "").lstrip("0")
        return format(raw, f".{_FLOAT_DIGITS}g") if len(digits) > _FLOAT_DIGITS else text
    return str(raw).strip().translate(FULL_WIDTH).replace(",", "")


def _in_range(value: Decimal, factor: Decimal) -> bool:
    """True when ``value`` times ``factor`` fits the table's digits (checked before any arithmetic on it)."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or not -2 * _MAX_NUMBER_CHARS <= exponent <= 2 * _MAX_NUMBER_CHARS:
        return False  # 1E+999999999 exists as a Decimal, but arithmetic on it overflows
    with localcontext() as ctx:
        ctx.prec = 4 * _MAX_NUMBER_CHARS  # exact for any value that got here
        scaled = value * factor.normalize()  # 万元's factor 10000 adds no digits of its own
    _, digits, exponent = scaled.as_tuple()
    if not isinstance(exponent, int):
        return False
    integer_digits = max(len(digits) + exponent, 0) if scaled else 0
    return integer_digits <= MAX_INTEGER_DIGITS and -exponent <= MAX_DECIMAL_DIGITS and len(digits) <= MAX_DIGITS


def _number(raw: Any, shown: str, line: int, column: str, factor: Decimal = Decimal(1)) -> Decimal | None:
    """The cell as a Decimal whose value in base units (``factor`` applied) is in range, or None if blank."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    quoted = str(raw) if len(str(raw)) <= 40 else f"{str(raw)[:40]}…"
    if isinstance(raw, bool):
        raise InputFileError(shown, f"第 {line} 行“{column}”列的“{quoted}”不是数字")
    text = _number_text(raw)
    out_of_range = InputFileError(
        shown,
        f"第 {line} 行“{column}”列的“{quoted}”超出可处理的范围（按元等基本单位计，整数部分最多 "
        f"{MAX_INTEGER_DIGITS} 位、小数最多 {MAX_DECIMAL_DIGITS} 位、有效数字最多 {MAX_DIGITS} 位）",
    )
    if len(text) > _MAX_NUMBER_CHARS:
        raise out_of_range
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InputFileError(shown, f"第 {line} 行“{column}”列的“{quoted}”不是数字") from None
    if not value.is_finite():
        raise InputFileError(shown, f"第 {line} 行“{column}”列的“{quoted}”不是有效数字")
    if not _in_range(value, factor):
        raise out_of_range
    return value


def records_from_csv_text(text: str, shown: str) -> list[dict[str, Any]]:
    """The records of CSV text (a file's or the web API's), rows holding nothing but blanks dropped."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        records = [r for r in reader if any(str(v or "").strip() for v in r.values())]
    except csv.Error as exc:
        raise InputFileError(shown, f"CSV 格式错误（第 {reader.line_num} 行）") from exc
    header = reader.fieldnames or []
    if len(header) == 1 and any(mark in header[0] for mark in (";", "；", "\t")):
        raise InputFileError(shown, "各列应以英文逗号分隔（发现分号或制表符），请另存为逗号分隔的 CSV")
    return records


def _read_text(path: Path, shown: str) -> str:
    from assistant.document.readers import decode_text

    return decode_text(path.read_bytes(), shown).text


def _xlsx_records(path: Path, shown: str, limits: ReadLimits | None) -> list[dict[str, Any]]:
    from openpyxl import load_workbook

    from assistant.document.limits import DEFAULT_LIMITS, check_archive
    from assistant.document.readers import sheet_rows

    limits = limits or DEFAULT_LIMITS
    check_archive(path, shown, limits)
    try:
        workbook = load_workbook(str(path), read_only=True, data_only=True)
    except Exception as exc:
        raise InputFileError(shown, "不是有效的 Excel（.xlsx）文件") from exc
    try:
        rows = list(sheet_rows(workbook.worksheets[0], shown, limits)) if workbook.worksheets else []
    except InputFileError:
        raise
    except Exception as exc:  # a damaged sheet part surfaces only while it is read
        raise InputFileError(shown, f"Excel 文件已损坏，无法解析（{type(exc).__name__}）") from exc
    finally:
        workbook.close()
    if not rows:
        return []
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:] if any(v is not None for v in row)]


def _xls_records(path: Path, shown: str, limits: ReadLimits | None) -> list[dict[str, Any]]:
    """The first sheet of an .xls, its first row the header (as for .xlsx); empty cells become None."""
    from assistant.document.limits import DEFAULT_LIMITS
    from assistant.document.spreadsheets import xls_sheets

    try:
        first = next(iter(xls_sheets(path, shown, limits or DEFAULT_LIMITS)), None)
    except InputFileError:
        raise
    except OSError:
        raise
    except Exception as exc:
        raise InputFileError(shown, f"Excel 文件已损坏，无法解析（{type(exc).__name__}）") from exc
    rows = [[None if v == "" else v for v in row] for row in (first[1] if first else [])]
    if not rows:
        return []
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:] if any(v is not None for v in row)]


def _records(path: Path, shown: str, limits: ReadLimits | None = None) -> list[dict[str, Any]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return records_from_csv_text(_read_text(path, shown), shown)
    if suffix == ".xlsx":
        return _xlsx_records(path, shown, limits)
    if suffix == ".xls":
        return _xls_records(path, shown, limits)
    if suffix in (".yaml", ".yml", ".json"):
        text = _read_text(path, shown)
        try:
            data = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
        except (json.JSONDecodeError, yaml.YAMLError) as exc:
            raise InputFileError(shown, f"格式错误：{exc}") from exc
        except RecursionError as exc:
            raise InputFileError(shown, "格式错误：嵌套过深") from exc
        if isinstance(data, dict):
            data = data.get("figures", data.get("rows", data))
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise InputFileError(shown, "应为一组记录（每条含 name/名称、value/数值、unit/单位）")
        return data
    raise InputFileError(shown, f"不支持的数据表格式“{suffix}”（支持 .csv、.xlsx、.xls、.yaml、.json）")


def _column_map(headers: list[str], shown: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, options in COLUMNS.items():
        for header in headers:
            if header and header.strip().lower() in options:
                found[key] = header
                break
    missing = [COLUMNS[k][1] + f"（{k}）" for k in ("name", "value", "unit") if k not in found]
    if missing:
        raise InputFileError(shown, f"缺少必需的列：{'、'.join(missing)}")
    return found


def parse_records(records: list[dict[str, Any]], shown: str) -> FiguresTable:
    """Validate every row; the first problem is raised with its row number, nothing is half-read."""
    if not records:
        raise InputFileError(shown, "数据表中没有数据行")
    headers = sorted({str(h) for r in records for h in r if h is not None})
    columns = _column_map(headers, shown)
    units = unit_table()
    vocab = vocabulary()
    rows: dict[str, Row] = {}
    for index, record in enumerate(records, start=2):
        name = str(record.get(columns["name"]) or "").strip()
        if not name:
            raise InputFileError(shown, f"第 {index} 行缺少名称")
        unit_text = str(record.get(columns["unit"]) or "").strip()
        unit = units.get(unit_text)
        if unit is None or not unit.is_quantity:
            raise InputFileError(
                shown,
                f"第 {index} 行（{name}）的单位“{unit_text}”无法识别（可用：元、万元、亿元、%、个、家、项、件、人、次、处、公里 等）",
            )
        value = _number(record.get(columns["value"]), shown, index, "数值", unit.factor)
        if value is None:
            raise InputFileError(shown, f"第 {index} 行（{name}）缺少数值")
        target = (
            _number(record.get(columns["target"]), shown, index, "目标值", unit.factor)
            if "target" in columns
            else None
        )
        prior = (
            _number(record.get(columns["prior_year"]), shown, index, "上年数", unit.factor)
            if "prior_year" in columns
            else None
        )
        key = vocab.canonical(name)
        row = Row(name, key, value * unit.factor, unit.text, unit.dimension,
                  target * unit.factor if target is not None else None,
                  prior * unit.factor if prior is not None else None, index,
                  _half_step(value, unit.factor), _half_step(target, unit.factor),
                  _half_step(prior, unit.factor))  # fmt: skip
        existing = rows.get(key)
        if existing and (existing.value, existing.target, existing.prior_year) != (
            row.value,
            row.target,
            row.prior_year,
        ):
            raise InputFileError(
                shown,
                f"第 {index} 行的“{name}”与第 {existing.line} 行的“{existing.name}”是同一项，但数值不同",
            )
        rows[key] = row
    return FiguresTable(rows)


def load_table(path: Path, shown: str | None = None, limits: ReadLimits | None = None) -> FiguresTable:
    """The table in ``path``; ``shown`` names it in messages (the path itself by default)."""
    shown = shown or str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputFileError(shown, "文件不存在") from None
    except OSError as exc:
        raise InputFileError(shown, f"无法访问（{exc.strerror or type(exc).__name__}）") from exc
    if path.is_dir():
        raise InputFileError(shown, "这是一个文件夹，不是数据表文件")
    if not path.is_file():
        raise InputFileError(shown, "不是普通文件")
    if size == 0:
        raise InputFileError(shown, "文件为空")
    if size > MAX_TABLE_BYTES:
        raise InputFileError(
            shown, f"数据表文件过大（{size / 1048576:.1f} MB，上限 {MAX_TABLE_BYTES // 1048576} MB），请只保留需要的行"
        )
    try:
        records = _records(path, shown, limits)
    except PermissionError as exc:
        raise InputFileError(shown, "没有读取权限") from exc
    except OSError as exc:
        raise InputFileError(shown, f"无法读取（{exc.strerror or type(exc).__name__}）") from exc
    return parse_records(records, shown)


def table_from_rows(rows: list[dict[str, Any]]) -> FiguresTable:
    return parse_records(rows, "数据表")
