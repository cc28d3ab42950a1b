"""table.text: a figure of the text that repeats a table cell must equal it ("reported X, the table says Y").

The row is the table row whose label the figure's subject names, or the subject of the figure's semicolon
group names ("市本级收入累计54065万元，下降22.8%，税收比重64.1%" is the 市本级 row); the longest label wins,
two rows with labels of that length make it ambiguous. A figure equal to any cell of its row (after unit
conversion) is verified. Otherwise the column must be clear: the one column whose label the subject names,
or the row's only numeric column of the figure's kind (amount or percent). Then a difference is an error.
The table's unit comes from its unit line, its caption or the column's label ("（万元）"); with none, a
figure is only compared when its printed number and the cell have the same number of integer digits.
"""

from __future__ import annotations

import re
from decimal import Decimal

from assistant.checks.arithmetic import Interval
from assistant.checks.document import Draft
from assistant.checks.findings import Finding, Span
from assistant.checks.table_rules import TableOutcome
from assistant.checks.table_view import Cell, TableView
from assistant.checks.units import unit_table
from assistant.document.model import LABEL_JOIN
from assistant.document.numbers import format_decimal
from assistant.lexicon import pattern

_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}\s*")
_SUB = re.compile(r"^其中[：:]?")
_NOT_VALUE_COLUMN = re.compile(r"序号|排序|排名|名次|编码|代码|编号")
_PERCENT_COLUMN = re.compile(r"%|％|比重|占比|增幅|降幅|增长|增减率|率")
_CHANGE_COLUMN = re.compile(r"增减|增长|增幅|降幅|变动|比上年|较上年")
_UNIT_IN_LABEL = re.compile(r"[（(]([^（）()]{1,4}元)[）)]|单位\s*[:：]\s*([^\s）)]{1,4})|([万亿]?元)$")
_GAP = pattern(r"(?:{compare.gap})[^，,；;]{{0,8}}$")


def _core(label: str) -> str:
    return re.sub(r"[（(][^（）()]*[）)]|%|％|\s", "", label.rsplit(LABEL_JOIN, 1)[-1])


def _row_labels(view: TableView, row: list[Cell]) -> list[str]:
    labels = []
    for cell in row:
        if cell.is_number or not cell.text:
            continue
        text = _SUB.sub("", _CODE.sub("", cell.text.strip()))
        if len(text) >= 2:
            labels.append(text)
    return labels


def _unit_factor(view: TableView, column: str) -> Decimal | None:
    """Base units per printed unit of a column's numbers (10000 for 万元), None when nothing says."""
    units = unit_table()
    for text in (column, view.unit, view.caption):
        if not text:
            continue
        match = _UNIT_IN_LABEL.search(text)
        name = next((g for g in match.groups() if g), None) if match else (text if text.endswith("元") else None)
        if name:
            unit = units.match(name, 0)
            if unit is not None and unit.dimension == "money":
                return unit.factor
    return None


def check_table_text(draft: Draft, views: list[TableView], outcome: TableOutcome, skip: list[tuple[int, int]]) -> None:
    if not views:
        return
    for i, figure in enumerate(draft.figures):
        if not figure.exact or any(a <= figure.start < b for a, b in skip):
            continue
        if not (figure.is_money or figure.is_percent) or _GAP.search(draft.prefix(i)):
            continue
        subject = draft.subject(i)
        if _COMPARATIVE.search(draft.prefix(i)):
            continue  # "高于…3.0%" compares, it does not restate a cell
        group_start = draft.group_start(figure.start)
        # a rate or a change belongs to the amount before it; an amount with its own name is its own
        own = figure.is_money and not re.search(r"增|减|降|变动", draft.prefix(i))
        anchor = None if own else _anchor(draft, i, group_start)
        found = _row_for(views, subject, draft.subject(anchor) if anchor is not None else "")
        if found is None:
            continue
        view, row = found
        _compare(draft, i, view, row, subject, outcome)


ANCHOR_REACH = 8  # figures back a rate or change may follow its amount (bounded: a long group stays linear)
_MEASURE = re.compile(r"预算|上年|去年|年初|调整|计划|目标|上期|同期")
_COMPARATIVE = re.compile(r"高于|低于|快于|慢于|超过|超出|好于|差于|多于|少于")


def _names(label: str, text: str) -> bool:
    """``text`` names the row ``label``: holds it, and not as the first half of a longer joint name
    ("公务用车购置及运行维护费" does not name the row 公务用车购置)."""
    at = text.rfind(label)
    return at >= 0 and text[at + len(label) : at + len(label) + 1] not in ("及", "和", "与", "、", "或")


def _anchor(draft: Draft, i: int, group_start: int) -> int | None:
    """The amount a rate or change of the same semicolon group follows ("市本级收入54065万元，下降22.8%，税收
    比重64.1%": both belong to the amount's subject)."""
    for j in range(i - 1, max(i - 1 - ANCHOR_REACH, -1), -1):
        figure = draft.figures[j]
        if figure.start < group_start:
            return None
        if (figure.is_money or figure.is_count) and draft.subject(j):
            return j
    return None


def _row_for(views: list[TableView], subject: str, lead: str) -> tuple[TableView, list[Cell]] | None:
    """The row the figure's own subject names, else the row the subject of the amount it follows names
    (the label ending latest, the longest of those); two rows named alike make it ambiguous."""
    best: list[tuple[int, int, TableView, list[Cell]]] = []
    for view in views:
        for row in view.body():
            for label in _row_labels(view, row):
                if _names(label, subject):
                    best.append((len(lead) + 1, len(label), view, row))
                elif _names(label, lead):
                    best.append((lead.rfind(label) + len(label), len(label), view, row))
    if not best:
        return None
    top = max((end, length) for end, length, _, _ in best)
    chosen = [(v, r) for end, length, v, r in best if (end, length) == top]
    rows = {id(r) for _, r in chosen}
    return chosen[0] if len(rows) == 1 else None


def _compare(draft: Draft, i: int, view: TableView, row: list[Cell], subject: str, outcome: TableOutcome) -> None:
    figure = draft.figures[i]
    prefix = draft.prefix(i)
    down = bool(re.search(r"下降|减少|降低|减收|减支|负增长", prefix))
    candidates: list[tuple[int, Cell, Decimal | None]] = []
    for c, cell in enumerate(row):
        label = view.labels[c] if c < len(view.labels) else ""
        if not cell.is_number or cell.end <= cell.start or _NOT_VALUE_COLUMN.search(label):
            continue
        percent = cell.unit in ("%", "％") or bool(_PERCENT_COLUMN.search(label))
        if percent != figure.is_percent:
            continue
        factor = Decimal(1) if percent else _unit_factor(view, label)
        candidates.append((c, cell, factor))
    if not candidates:
        return
    for _, cell, factor in candidates:
        if _equal(figure, cell, factor, down):
            outcome.verify("table.text", cell)
            draft.verify("table.text", i)
            return
    named = [item for item in candidates if (core := _core(view.labels[item[0]])) and len(core) >= 2 and core in subject]
    change = bool(re.search(r"增|减|降|变动", prefix))
    if not named:
        kind = [item for item in candidates if bool(_CHANGE_COLUMN.search(view.labels[item[0]])) == change]
        named = kind if len(kind) == 1 else []
    if len(named) != 1:
        return
    c, cell, factor = named[0]
    measures = set(_MEASURE.findall(subject + prefix))
    if measures and not measures <= set(_MEASURE.findall(view.labels[c])):
        return  # the text names a budget, a prior year or a plan the column does not hold
    if factor is None and not _same_magnitude(figure, cell):
        return
    assert cell.value is not None
    shown = f"{cell.text}{'' if factor is None or figure.is_percent else ''}"
    column = view.labels[c].rsplit(LABEL_JOIN, 1)[-1]
    where = f"表格{('“' + view.caption + '”') if view.caption else ''}“{' '.join(_row_labels(view, row)[:1])}”行“{column}”列"
    expected = _expected_text(figure, cell, factor, down)
    outcome.findings.append(
        Finding(
            kind="data_mismatch", rule="table.text", severity="error",
            start=figure.start, end=figure.end, text=figure.text,
            message=f"文中“{subject or column}”为 {figure.text}，而{where}为 {shown}；两处应一致，按表格应为 {expected}。",
            expected=expected, found=figure.text,
            related=[Span(cell.start, cell.end, cell.text)],
        )  # fmt: skip
    )


def _cell_value(cell: Cell, factor: Decimal | None, figure) -> tuple[Decimal, Decimal]:
    """The cell's value and half its last digit, in the figure's base units."""
    assert cell.value is not None
    scale = factor if factor is not None else figure.scale
    return cell.value * scale, cell.tolerance * scale


def _equal(figure, cell: Cell, factor: Decimal | None, down: bool) -> bool:
    value, tolerance = _cell_value(cell, factor, figure)
    cell_range = Interval(value - tolerance, value + tolerance)
    own = Interval.of(figure)
    signed = Interval(-own.hi, -own.lo) if down and value < 0 else own
    return signed.overlaps(cell_range)


def _same_magnitude(figure, cell: Cell) -> bool:
    assert cell.value is not None
    printed = abs(figure.value / figure.scale)
    return len(str(int(printed))) == len(str(int(abs(cell.value))))


def _expected_text(figure, cell: Cell, factor: Decimal | None, down: bool) -> str:
    value, _ = _cell_value(cell, factor, figure)
    shown = abs(value) if down else value
    return f"{format_decimal(shown / figure.scale, max(figure.decimals, cell.decimals))}{figure.unit}"
