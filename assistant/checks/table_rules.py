"""Arithmetic inside tables: 合计/小计 rows and columns, 其中 rows, printed shares.

Precision first: a table's layout is read from its labels (合计, 小计, 其中, 科目编码), and an identity is
only enforced where the table itself shows it is meant: a totals row is checked column by column only if
at least one of its columns adds up (when it has several), a totals column row by row only if at least as
many rows add up as do not. Otherwise nothing is said, and the cells count as not verified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from assistant.checks.arithmetic import HUNDRED, ROUNDING_NOTE, Interval, divide, percent_text
from assistant.checks.findings import Finding, Span
from assistant.checks.table_view import Cell, TableView
from assistant.document.model import LABEL_JOIN
from assistant.document.numbers import format_decimal

_TOTAL = re.compile(r"^(?:(?:本年|本期|全年)?(?:收入|支出)?(?:合计|小计|总计|共计)|.{0,12}(?:合计|小计))$")
_GRAND = re.compile(r"^(?:合计|总计|共计)$")
_SUB_ITEM = re.compile(r"^其中[：:]?")
_CODE = re.compile(r"^(\d{3}(?:\d{2}){0,2})(?!\d)")
_TOTAL_COLUMN = re.compile(r"(?:^|›)\s*(?:合计|小计|总计)$")
_SHARE_COLUMN = re.compile(r"占比|比重|比例|构成|%|％")
_ENUMERATED = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.．、](?!\d))")
_RATE_ROW = re.compile(r"%|％|率|增减|增长|下降|比重|占比|变动")
_PART_COLUMN_EXCLUDED = re.compile(r"其中|占比|比重|比例|%|％|增减|增长|变动|上年|预算数|年初|调整")


@dataclass
class TableOutcome:
    findings: list[Finding] = field(default_factory=list)
    numbers: int = 0  # number cells in the tables' bodies
    verified: dict[tuple[int, int], str] = field(default_factory=dict)  # cell span -> the rule it passed

    def verify(self, rule: str, *cells: Cell) -> None:
        for cell in cells:
            if cell.end > cell.start:
                self.verified.setdefault((cell.start, cell.end), rule)


def _label(view: TableView, row: list[Cell]) -> str:
    return re.sub(r"\s+", "", view.label_of(row))


def _plain_label(label: str) -> str:
    return _CODE.sub("", label).strip()


def _placed_number(cell: Cell | None) -> bool:
    return cell is not None and cell.is_number and cell.end > cell.start


def _interval(cell: Cell) -> Interval:
    assert cell.value is not None
    return Interval(cell.value - cell.tolerance, cell.value + cell.tolerance)


def _text(value: Decimal, places: int) -> str:
    return format_decimal(value, places)


_INDEX = re.compile(r"行次|栏次|序号|编号|编码|代码|排序|排名|名次")
_SCORE_COLUMN = re.compile(r"分值|权重|满分|得分|标准分")


def _skipped_column(view: TableView, c: int) -> bool:
    """Columns no sum or share rule reads: line numbers (行次), and a score table's weights and scores (the
    score rules read those, by their own rules)."""
    label = _column(view, c)
    return bool(_INDEX.search(label)) or bool(_SCORE_COLUMN.search(label) and any(
        _SCORE_COLUMN.search(other) and "得分" in other for other in view.labels))


def check_tables(views: list[TableView]) -> TableOutcome:
    outcome = TableOutcome()
    for view in views:
        body = view.body()
        outcome.numbers += sum(1 for row in body for cell in row if _placed_number(cell))
        _total_rows(view, outcome)
        _total_columns(view, outcome)
        _sub_items(view, outcome)
        _share_columns(view, outcome)
    check_growth_columns(views, outcome)
    return outcome


# ---------- totals rows: a 合计 row equals the sum of the rows it closes (or opens) ----------


def _parts_of(view: TableView, t: int, strict: bool = False) -> list[int]:
    """Body row indexes a totals row at body index ``t`` adds up: the rows after it up to the next total
    when it opens the table's body, else the rows since the previous total; 其中 rows never, and of coded
    rows (201 / 20101 / 2010101) only the top level."""
    body = view.body()
    labels = [_label(view, row) for row in body]
    is_total = [bool(_TOTAL.match(_plain_label(lab))) for lab in labels]
    if t == 0 or all(not is_total[j] for j in range(t)) and not any(
        any(_placed_number(c) for c in body[j]) for j in range(t)
    ):
        end = next((j for j in range(t + 1, len(body)) if is_total[j]), len(body))
        candidates = list(range(t + 1, end))
    else:
        start = max((j for j in range(t) if is_total[j]), default=-1) + 1
        candidates = list(range(start, t))
        # a 合计 after 小计 rows adds the 小计 rows
        subtotals = [j for j in range(t) if is_total[j] and "小计" in labels[j]]
        if _GRAND.match(_plain_label(labels[t])) and subtotals:
            candidates = subtotals
    parts = [j for j in candidates if not _SUB_ITEM.match(labels[j]) and not is_total[j] or "小计" in labels[j]]
    parts = [j for j in parts if j in candidates and _row_unit(labels[j]) == _row_unit(labels[t])]
    if strict:  # the rows after a 其中 row may continue its list ("其中：A …" then "B …") or not: leave them out
        after_sub = set()
        for j in candidates:
            if _SUB_ITEM.match(labels[j]) or (j - 1 in after_sub and j in candidates and j - 1 >= 0):
                after_sub.add(j)
            if j - 1 >= 0 and (j - 1 in after_sub) and not _SUB_ITEM.match(labels[j]):
                after_sub.add(j)
        parts = [j for j in parts if j not in after_sub]
    codes = {j: m.group(1) for j in parts if (m := _CODE.match(labels[j]))}
    if codes:
        top = min(len(code) for code in codes.values())
        parts = [j for j in parts if j not in codes or len(codes[j]) == top]
        if len(codes) != len(parts) and any(j not in codes for j in parts):
            return []  # coded and uncoded rows mixed: the levels are unclear
    return parts


_ROW_UNIT = re.compile(r"[（(]([^（）()]{1,4})[）)]\s*$|(批次|人次|辆|台|套|个|次|人|户|家|项)$")


def _row_unit(label: str) -> str:
    """The unit a row's label gives its own figures ("公务用车保有量（辆）", "接待批次"), "" when none."""
    match = _ROW_UNIT.search(label)
    if not match:
        return ""
    unit = match.group(1) or match.group(2) or ""
    return "" if unit.endswith("元") or unit in ("类", "款", "项", "境") else unit


def _total_rows(view: TableView, outcome: TableOutcome) -> None:
    body = view.body()
    for t, row in enumerate(body):
        label = _plain_label(_label(view, row))
        if not _TOTAL.match(label):
            continue
        parts = _parts_of(view, t)
        strict = _parts_of(view, t, strict=True)
        if len(parts) < 2:
            continue
        readings = [parts] if strict == parts or len(strict) < 2 else [strict, parts]
        enumerated = [j for j in parts if _ENUMERATED.match(_label(view, body[j]))]
        if len(enumerated) >= 2 and len(enumerated) < len(parts):  # "一、…" rows over unnumbered ones below them
            readings.append(enumerated)
        holds: list[tuple[int, list[Cell]]] = []
        fails: list[tuple[int, Interval, list[Cell]]] = []
        for c, total in enumerate(row):
            if not _placed_number(total) or total.unit in ("%", "％") or _SHARE_COLUMN.search(_column(view, c)):
                continue
            if _skipped_column(view, c):
                continue
            outcomes = []
            for reading in readings:  # either reading of the rows after a 其中 row may be meant
                cells = [body[j][c] for j in reading if c < len(body[j])]
                numbers = [cell for cell in cells if _placed_number(cell)]
                if len(numbers) < 2 or any(cell.unit != total.unit for cell in numbers):
                    continue
                interval = Interval.exact(Decimal(0))
                for cell in numbers:
                    interval = interval + _interval(cell)
                outcomes.append((interval.overlaps(_interval(total)), interval, numbers))
            if not outcomes:
                continue
            held = [o for o in outcomes if o[0]]
            if held:
                holds.append((c, held[0][2]))
            else:
                fails.append((c, outcomes[0][1], outcomes[0][2]))
        numeric_columns = len(holds) + len(fails)
        for c, numbers in holds:
            outcome.verify("table.total", row[c], *numbers)
        if not fails or (numeric_columns > 1 and not holds):
            continue
        for c, _, numbers in fails:
            total = row[c]
            places = max(cell.decimals for cell in numbers + [total])
            exact = sum((cell.value for cell in numbers), start=Decimal(0))  # type: ignore[misc]
            column = _column(view, c)
            where = f"“{label}”行" + (f"“{column}”列" if column else "")
            terms = " + ".join(cell.text for cell in numbers)
            outcome.findings.append(
                Finding(
                    kind="part_sum", rule="table.total", severity="error",
                    start=total.start, end=total.end, text=total.text,
                    message=(
                        f"表格{where}为 {total.text}，而其所合计的 {len(numbers)} 行之和 {terms} = "
                        f"{_text(exact, places)}，相差 {_text(abs(exact - total.value), places)}。"  # type: ignore[operator]
                    ),
                    expected=_text(exact, places), found=total.text,
                    related=[Span(cell.start, cell.end, cell.text) for cell in numbers],
                    params={"sum": _text(exact, places), "table": view.caption},
                )  # fmt: skip
            )


def _column(view: TableView, c: int) -> str:
    return view.labels[c] if c < len(view.labels) else ""


# ---------- totals columns: a 合计 / 小计 column equals the columns it adds ----------


def _column_parts(view: TableView, h: int) -> list[int]:
    labels = [LABEL_JOIN.join(re.sub(r"\s+", "", part) for part in label.split(LABEL_JOIN)) for label in view.labels]
    label = labels[h]
    if LABEL_JOIN in label:  # "财政拨款 › 小计" adds the other "财政拨款 › …" columns
        group = label.rsplit(LABEL_JOIN, 1)[0] + LABEL_JOIN
        parts = [c for c, other in enumerate(labels) if c != h and other.startswith(group)]
    else:
        parts = []
        for c in range(h + 1, len(labels)):
            if _TOTAL_COLUMN.search(labels[c]):
                break
            parts.append(c)
        if not parts:  # the last column: it adds the columns before it, back to the label columns
            for c in range(h - 1, -1, -1):
                if _TOTAL_COLUMN.search(labels[c]) or not labels[c]:
                    break
                parts.insert(0, c)
    return [c for c in parts if not _PART_COLUMN_EXCLUDED.search(labels[c])]


def _total_columns(view: TableView, outcome: TableOutcome) -> None:
    if not view.header_rows:
        return
    for h, label in enumerate(view.labels):
        if not _TOTAL_COLUMN.search(re.sub(r"\s+", "", label)) or _skipped_column(view, h):
            continue
        parts = [c for c in _column_parts(view, h) if not _skipped_column(view, c)]
        if len(parts) < 2:
            continue
        holds, fails = [], []
        for row in view.body():
            total = row[h] if h < len(row) else None
            if not _placed_number(total) or _RATE_ROW.search(_label(view, row)) or _INDEX.search(_label(view, row)):
                continue  # a row of rates or changes, or of column numbers (行次), does not add up across
            assert total is not None
            numbers = [row[c] for c in parts if c < len(row) and _placed_number(row[c])]
            if len(numbers) < 2 or any(cell.unit != total.unit for cell in numbers):
                continue
            interval = Interval.exact(Decimal(0))
            for cell in numbers:
                interval = interval + _interval(cell)
            (holds if interval.overlaps(_interval(total)) else fails).append((row, total, numbers))
        for _, total, numbers in holds:
            outcome.verify("table.total", total, *numbers)
        if not fails or len(holds) < len(fails):
            continue
        for row, total, numbers in fails:
            places = max(cell.decimals for cell in numbers + [total])
            exact = sum((cell.value for cell in numbers), start=Decimal(0))  # type: ignore[misc]
            names = "、".join(_column(view, c).rsplit(LABEL_JOIN, 1)[-1] for c in parts)
            outcome.findings.append(
                Finding(
                    kind="part_sum", rule="table.total", severity="error",
                    start=total.start, end=total.end, text=total.text,
                    message=(
                        f"表格“{_label(view, row)}”行的“{label}”为 {total.text}，而{names}之和 "
                        f"{' + '.join(cell.text for cell in numbers)} = {_text(exact, places)}，"
                        f"相差 {_text(abs(exact - total.value), places)}。"  # type: ignore[operator]
                    ),
                    expected=_text(exact, places), found=total.text,
                    related=[Span(cell.start, cell.end, cell.text) for cell in numbers],
                )  # fmt: skip
            )


# ---------- 其中 rows: never above the row they are part of ----------


def _sub_items(view: TableView, outcome: TableOutcome) -> None:
    body = view.body()
    parent: list[Cell] | None = None
    for row in body:
        label = _label(view, row)
        if not _SUB_ITEM.match(label):
            parent = row
            continue
        if parent is None:
            continue
        pairs = [
            (cell, parent[c]) for c, cell in enumerate(row)
            if c < len(parent) and _placed_number(cell) and _placed_number(parent[c]) and cell.unit not in ("%", "％")
            and not (_PART_COLUMN_EXCLUDED.search(_column(view, c)) and "其中" not in _column(view, c))
        ]  # fmt: skip
        above = [(cell, whole) for cell, whole in pairs if cell.value - cell.tolerance > whole.value + whole.tolerance]  # type: ignore[operator]
        if len(pairs) > 1 and len(above) == len(pairs):
            continue  # above its row in every column: that row is not what it is part of
        for c, cell in enumerate(row):
            whole = parent[c] if c < len(parent) else None
            if not _placed_number(cell) or not _placed_number(whole) or cell.unit in ("%", "％"):
                continue
            if _PART_COLUMN_EXCLUDED.search(_column(view, c)) and "其中" not in _column(view, c):
                continue  # a change or a rate of a part can exceed its parent's
            assert whole is not None and whole.value is not None and cell.value is not None
            if whole.value >= 0 and cell.value - cell.tolerance > whole.value + whole.tolerance:
                outcome.findings.append(
                    Finding(
                        kind="subset", rule="table.within", severity="error",
                        start=cell.start, end=cell.end, text=cell.text,
                        message=(
                            f"表格中“{_SUB_ITEM.sub('', label)}”是上一行“{_label(view, parent)}”的其中项，"
                            f"却为 {cell.text}，大于上一行的 {whole.text}。"
                        ),
                        expected=f"≤ {whole.text}", found=cell.text,
                        related=[Span(whole.start, whole.end, whole.text)],
                    )  # fmt: skip
                )


# ---------- printed shares: 占比 = the row's amount ÷ the total row's amount ----------


def _share_columns(view: TableView, outcome: TableOutcome) -> None:
    body = view.body()
    totals = [i for i, row in enumerate(body) if _GRAND.match(_plain_label(_label(view, row)))]
    if len(totals) != 1:
        return
    total_row = body[totals[0]]
    for s, label in enumerate(view.labels):
        if not _SHARE_COLUMN.search(label):
            continue
        amount = next(
            (c for c in range(s - 1, -1, -1) if _placed_number(total_row[c] if c < len(total_row) else None)
             and not _SHARE_COLUMN.search(_column(view, c))),
            None,
        )  # fmt: skip
        if amount is None:
            continue
        base = total_row[amount]
        holds, fails = [], []
        for row in body:
            share = row[s] if s < len(row) else None
            part = row[amount] if amount < len(row) else None
            if row is total_row or not _placed_number(share) or not _placed_number(part):
                continue
            assert share is not None and part is not None
            computed = divide(_interval(part), _interval(base))
            if computed is None:
                continue
            (holds if computed.overlaps(_interval(share)) else fails).append((row, share, part, computed))
        for _, share, part, _ in holds:
            outcome.verify("table.share", share, part, base)
        if not fails or not holds:
            continue
        for row, share, part, computed in fails:
            exact = part.value / base.value * HUNDRED  # type: ignore[operator]
            expected = f"{format_decimal(exact, share.decimals)}{share.unit}"
            unit = 2 * share.tolerance
            truncated = computed.overlaps(Interval(share.value, share.value + unit))  # type: ignore[operator]
            verdict = f"{ROUNDING_NOTE}，按四舍五入应为 {expected}" if truncated else f"应为 {expected}"
            outcome.findings.append(
                Finding(
                    kind="ratio", rule="table.share", severity="warning" if truncated else "error",
                    start=share.start, end=share.end, text=share.text,
                    message=(
                        f"表格“{_label(view, row)}”的{label} = {part.text} ÷ 合计 {base.text} = "
                        f"{percent_text(exact)}，表中为 {share.text}；{verdict}。"
                    ),
                    expected=expected, found=share.text,
                    related=[Span(part.start, part.end, part.text), Span(base.start, base.end, base.text)],
                )  # fmt: skip
            )


# ---------- growth columns: 增减 = 本年 − 上年, 增长% = 增减 ÷ 上年 ----------

_GROWTH_RATE_COLUMN = re.compile(r"(?:增长|增减|增幅|变动|同比)\s*(?:%|％|率|幅度)|(?:%|％)$|增长率|增幅")
_CHANGE_AMOUNT_COLUMN = re.compile(r"增减|增加|减少|变动|比上年")
_PRIOR_COLUMN = re.compile(r"上年|去年|上期|(?:19|20)\d{2}")
_NOT_CURRENT = re.compile(r"预算|调整|计划|目标|占|%|％|率|增减|增长|增幅|变动|比上年|上年|序号|排序")
_YEAR = re.compile(r"((?:19|20)\d{2})")


def _growth_columns(view: TableView) -> tuple[int | None, int | None, int | None, int | None]:
    """(current, prior, change, rate) columns of a table that prints changes on the prior year."""
    labels = [re.sub(r"\s+", "", label.rsplit(LABEL_JOIN, 1)[-1]) for label in view.labels]
    rate = next((c for c, lab in enumerate(labels) if _GROWTH_RATE_COLUMN.search(lab) and not lab.startswith("占")), None)
    change = next(
        (c for c, lab in enumerate(labels) if c != rate and _CHANGE_AMOUNT_COLUMN.search(lab)
         and not re.search(r"%|％|率|幅", lab)),
        None,
    )  # fmt: skip
    full = [re.sub(r"\s+", "", label) for label in view.labels]  # every header row: "2020年执行数 › 金额"
    years = {c: int(m.group(1)) for c, lab in enumerate(full) if (m := _YEAR.search(lab)) and c not in (rate, change)}
    years = {c: y for c, y in years.items() if not re.search(r"%|％|率|占", labels[c])}
    current = prior = None
    if len(set(years.values())) >= 2:
        latest = max(years.values())
        current = next((c for c, y in years.items() if y == latest and not re.search(r"预算|调整|计划", full[c])), None)
        prior = next((c for c, y in years.items() if y == latest - 1), None)
    else:
        prior = next((c for c, lab in enumerate(labels) if re.search(r"上年|去年|上期", lab) and c not in (rate, change)), None)
        current = next(
            (c for c, lab in enumerate(labels) if lab and c not in (rate, change, prior) and not _NOT_CURRENT.search(lab)
             and c > 0),
            None,
        )  # fmt: skip
    return current, prior, change, rate


def check_growth_columns(views: list[TableView], outcome: TableOutcome) -> None:
    for view in views:
        if not view.header_rows:
            continue
        current, prior, change, rate = _growth_columns(view)
        if current is None or (rate is None and change is None) or (prior is None and change is None):
            continue
        checks: list[tuple[list[Cell], Cell, Interval, str, Decimal, int]] = []
        for row in view.body():
            cur = row[current] if current < len(row) else None
            if not _placed_number(cur):
                continue
            assert cur is not None
            old = row[prior] if prior is not None and prior < len(row) else None
            delta = row[change] if change is not None and change < len(row) else None
            pct = row[rate] if rate is not None and rate < len(row) else None
            base = None
            if _placed_number(old):
                base = _interval(old)  # type: ignore[arg-type]
                if _placed_number(delta):
                    computed = _interval(cur) - base
                    checks.append((row, delta, computed, "change", cur.value - old.value, delta.decimals))  # type: ignore[arg-type, operator, union-attr]
            elif _placed_number(delta):
                base = _interval(cur) - _interval(delta)  # type: ignore[arg-type]
            if base is not None and _placed_number(pct) and pct.unit in ("", "%", "％"):  # type: ignore[union-attr]
                ratio = divide(_interval(cur) - base, base)
                if ratio is not None:
                    middle = (base.lo + base.hi) / 2
                    exact = (cur.value - middle) / middle * HUNDRED if middle else Decimal(0)  # type: ignore[operator]
                    checks.append((row, pct, ratio, "rate", exact, pct.decimals))  # type: ignore[arg-type]
        holds = [c for c in checks if c[2].overlaps(_interval(c[1]))]
        fails = [c for c in checks if not c[2].overlaps(_interval(c[1]))]
        for row, cell, _, _, _, _ in holds:
            outcome.verify("table.growth", cell, row[current])
        if not fails or len(holds) < len(fails):
            continue
        for row, cell, _, what, exact, places in fails:
            shown = format_decimal(exact, places)
            name = "增减额 = 本年 − 上年" if what == "change" else "增长率 = （本年 − 上年）÷ 上年"
            outcome.findings.append(
                Finding(
                    kind="growth", rule="table.growth", severity="error",
                    start=cell.start, end=cell.end, text=cell.text,
                    message=f"表格“{_label(view, row)}”行按{name}应为 {shown}，表中为 {cell.text}。",
                    expected=shown, found=cell.text,
                    related=[Span(row[current].start, row[current].end, row[current].text)],
                )  # fmt: skip
            )
