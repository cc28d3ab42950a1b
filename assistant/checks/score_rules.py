"""Self-evaluation score tables (自评表) read as grids: the scoring rules as data, checked row by row.

A score table has a weight column (分值 / 权重 / 满分) and a score column (得分). The rules, each with an id:

score.weight   an indicator's score is never above its weight;
score.total    a 小计 row adds the rows since the previous 小计, a 合计 / 总分 row adds the 小计 rows (or the
               item rows when there are none). Where the weights are printed, the weights must add up the
               same way first: that tells which rows the total covers, including a funds table's 预算执行
               score printed in an earlier table (总分 100 = 执行率 10 + 指标 90). Weights that do not add up
               give no verdict on the scores;
score.rate     预算执行率 score = weight × execution rate (capped at the weight), the common provincial rule
               (RATE_RULE); a province that scores it otherwise is a different entry there;
table.rate     an execution-rate column equals the execution column ÷ the budget column of its row (the columns
               the header names "(B/A)", else 执行数 ÷ 全年/调整后预算数).
"""

from __future__ import annotations

import re
from decimal import Decimal

from assistant.checks.arithmetic import HUNDRED, Interval, divide, percent_text
from assistant.checks.findings import Finding, Span
from assistant.checks.table_rules import TableOutcome
from assistant.checks.table_view import Cell, TableView
from assistant.document.model import LABEL_JOIN
from assistant.document.numbers import format_decimal

_WEIGHT = re.compile(r"分值|权重|满分|标准分")
_SCORE = re.compile(r"得分|评分")
_NOT_SCORE = re.compile(r"系数|率|比例|权重|分值")  # "得分系数" is a coefficient, not the score
_TOTAL = re.compile(r"^(?:合计|总分|总计|合计得分|总得分|综合得分|自评得分|得分合计)$")
_SUBTOTAL = re.compile(r"小计")
_RATE_COLUMN = re.compile(r"执行率|完成率")
_RATE_ROW = re.compile(r"预算执行|资金执行|执行率|资金总额|年度资金")
_NUMERATOR = re.compile(r"执行数|实际执行|决算数|实际支出|支出数|执行金额|实际完成")
_DENOMINATOR_PREFERRED = re.compile(r"全年预算|调整后预算|调整预算|预算调整后")
_DENOMINATOR = re.compile(r"预算数|预算金额|预算")
_LETTER = re.compile(r"[（(]\s*([A-Z])\s*[)）]")
_RATIO_LETTERS = re.compile(r"[（(]\s*([A-Z])\s*[/÷]\s*([A-Z])\s*[)）]")

RATE_RULE = "weight_times_rate"  # score = weight × min(rate, 100%)


def _column(view: TableView, pattern: re.Pattern[str], exclude: re.Pattern[str] | None = None) -> int | None:
    if exclude is None and pattern is _SCORE:
        exclude = _NOT_SCORE
    for c, label in enumerate(view.labels):
        last = label.rsplit(LABEL_JOIN, 1)[-1]
        if pattern.search(last) and not (exclude and exclude.search(last)):
            return c
    return None


def _number(row: list[Cell], c: int | None) -> Cell | None:
    if c is None or c >= len(row):
        return None
    cell = row[c]
    return cell if cell.is_number and cell.end > cell.start else None


def _label(view: TableView, row: list[Cell]) -> str:
    return re.sub(r"\s+", "", view.label_of(row))


def _interval(cell: Cell) -> Interval:
    """Weights and scores printed as whole numbers are exact (a 10-point indicator scores 10, not 9.5 to
    10.5); a score printed with decimals was rounded to them."""
    assert cell.value is not None
    tolerance = cell.tolerance if cell.decimals else Decimal(0)
    return Interval(cell.value - tolerance, cell.value + tolerance)


def _sum(cells: list[Cell]) -> Interval:
    total = Interval.exact(Decimal(0))
    for cell in cells:
        total = total + _interval(cell)
    return total


def _places(cells: list[Cell]) -> int:
    return max((c.decimals for c in cells), default=0)


def score_tables(views: list[TableView]) -> list[tuple[TableView, int, int]]:
    """The views that are score tables, with their weight and score columns."""
    found = []
    for view in views:
        score = _column(view, _SCORE)
        weights = [c for c, label in enumerate(view.labels) if _WEIGHT.search(label.rsplit(LABEL_JOIN, 1)[-1])]
        # of several weight columns (a group's 30 分, an item's 4 分) the one nearest before the score
        before = [c for c in weights if score is not None and c < score]
        weight = before[-1] if before else (weights[0] if weights else None)
        if score is not None and weight != score:
            found.append((view, weight if weight is not None else -1, score))
    return found


def check_score_tables(views: list[TableView], outcome: TableOutcome) -> None:
    tables = score_tables(views)
    earlier: list[tuple[Cell | None, Cell]] = []  # (weight, score) of rows scored in earlier tables
    for view, weight_col, score_col in tables:
        wc = weight_col if weight_col >= 0 else None
        _rates(view, outcome)
        items: list[tuple[Cell | None, Cell]] = []
        group: list[tuple[Cell | None, Cell]] = []
        subtotals: list[tuple[Cell | None, Cell]] = []
        for row in view.body():
            label = _label(view, row)
            score = _number(row, score_col)
            weight = _number(row, wc)
            if score is None:
                continue
            if _SUBTOTAL.search(label):
                _total(view, label, weight, score, group, [], outcome, "小计")
                subtotals.append((weight, score))
                group = []
                continue
            if _TOTAL.match(label) or (label.endswith(("合计", "总分")) and len(label) <= 6):
                members = subtotals + group if subtotals else items
                _total(view, label, weight, score, members, earlier, outcome, "合计")
                items, group, subtotals = [], [], []
                continue
            _within_weight(view, label, weight, score, outcome)
            _rate_score(view, row, label, weight, score, outcome)
            _met_scores_full(view, row, label, weight, score, outcome)
            items.append((weight, score))
            group.append((weight, score))
        earlier = items or earlier


def _within_weight(view: TableView, label: str, weight: Cell | None, score: Cell, outcome: TableOutcome) -> None:
    if weight is None or weight.value is None or score.value is None or score.unit != weight.unit:
        return  # a score printed as a percent is not in points
    if score.value - score.tolerance > weight.value + weight.tolerance:
        outcome.findings.append(
            Finding(
                kind="subset", rule="score.weight", severity="error",
                start=score.start, end=score.end, text=score.text,
                message=f"“{label}”得分 {score.text} 超过其分值（权重）{weight.text}：得分不能大于分值。",
                expected=f"≤ {weight.text}", found=score.text,
                related=[Span(weight.start, weight.end, weight.text)],
            )  # fmt: skip
        )


def _total(
    view: TableView,
    label: str,
    weight: Cell | None,
    score: Cell,
    members: list[tuple[Cell | None, Cell]],
    earlier: list[tuple[Cell | None, Cell]],
    outcome: TableOutcome,
    kind: str,
) -> None:
    if len(members) < 1:
        return
    chosen = members
    if weight is not None:
        weights = [w for w, _ in members if w is not None]
        if len(weights) != len(members):
            return
        if not _sum(weights).overlaps(_interval(weight)):
            with_earlier = members + earlier
            earlier_weights = [w for w, _ in with_earlier if w is not None]
            if not earlier or len(earlier_weights) != len(with_earlier):
                return
            if not _sum(earlier_weights).overlaps(_interval(weight)):
                return  # the weights do not say which rows the total adds: no verdict
            chosen = with_earlier
        outcome.verify("score.total", weight, *(w for w, _ in chosen if w is not None))
    scores = [s for _, s in chosen]
    if len(scores) < 2 and weight is None:
        return
    interval = _sum(scores)
    if interval.overlaps(_interval(score)):
        outcome.verify("score.total", score, *scores)
        return
    places = _places(scores + [score])
    exact = sum((s.value for s in scores), start=Decimal(0))  # type: ignore[misc]
    terms = " + ".join(s.text for s in scores)
    outcome.findings.append(
        Finding(
            kind="part_sum", rule="score.total", severity="error",
            start=score.start, end=score.end, text=score.text,
            message=(
                f"{kind}行“{label}”得分 {score.text}，而所列各项得分 {terms} = {format_decimal(exact, places)}，"
                f"相差 {format_decimal(abs(exact - score.value), places)} 分。"  # type: ignore[operator]
            ),
            expected=format_decimal(exact, places), found=score.text,
            related=[Span(s.start, s.end, s.text) for s in scores],
        )  # fmt: skip
    )


_TARGET_COLUMN = re.compile(r"指标值|目标值")
_ACTUAL_COLUMN = re.compile(r"实际完成值|全年实际值|实际值|完成值|实际完成")
_DIRECTION_COLUMN = re.compile(r"指标性质|指标方向")
_TARGET = re.compile(r"^\s*(?P<op>≥|>=|＞|>|≤|<=|＜|<|=|＝)?\s*(?P<num>[-+]?[0-9０-９][0-9０-９,，.．]*)\s*(?P<unit>%|％|[\u4e00-\u9fff]{0,4})\s*$")


def _reading(text: str) -> tuple[str, Decimal, str] | None:
    """(comparator, value, unit) of a target or actual value cell ("≥95%", "100", "2370人")."""
    from assistant.document.numbers import parse_arabic

    match = _TARGET.match(text or "")
    if not match:
        return None
    parsed = parse_arabic(match.group("num"))
    if parsed is None:
        return None
    return (match.group("op") or "").replace(">=", "≥").replace("<=", "≤").replace("＝", "="), parsed[0], match.group("unit")


def _met_scores_full(
    view: TableView, row: list[Cell], label: str, weight: Cell | None, score: Cell, outcome: TableOutcome
) -> None:
    """score.met: an indicator whose actual value reaches its target scores its whole weight (完成指标值的，记该
    指标所赋全部分值). Met is read from the cells: the same text, or numbers compared by the target's ≥ / ≤
    (or the 指标性质 column's 正向 / 反向). Published tables deduct from met indicators for reasons they give
    elsewhere, so this is a warning, not an error; a target not met gets no verdict (deductions differ)."""
    target_col, actual_col = _column(view, _TARGET_COLUMN), _column(view, _ACTUAL_COLUMN)
    if weight is None or target_col is None or actual_col is None or target_col == actual_col:
        return
    if target_col >= len(row) or actual_col >= len(row):
        return
    target_text, actual_text = row[target_col].text.strip(), row[actual_col].text.strip()
    if not target_text or not actual_text:
        return
    met = None
    if target_text == actual_text:
        met = True
    else:
        target, actual = _reading(target_text), _reading(actual_text)
        if target is None or actual is None or (actual[2] and target[2] and actual[2] != target[2]):
            return
        op = target[0] or actual[0]
        direction_col = _column(view, _DIRECTION_COLUMN)
        direction = row[direction_col].text if direction_col is not None and direction_col < len(row) else ""
        if op in ("≤", "<", "＜") or "反向" in direction or op == "" and "≤" in direction:
            met = actual[1] <= target[1]
        elif op in ("≥", ">", "＞", "=", "") and "反向" not in direction:
            met = actual[1] >= target[1] if op != "=" else actual[1] == target[1]
    if met is not True or score.value is None or weight.value is None or score.unit != weight.unit:
        return
    if score.value >= weight.value:
        outcome.verify("score.met", score, weight)
        return
    outcome.findings.append(
        Finding(
            kind="target", rule="score.met", severity="warning",
            start=score.start, end=score.end, text=score.text,
            message=(
                f"“{label}”实际 {actual_text} 已达到指标值 {target_text}，按“完成指标值的记该指标全部分值”应得 "
                f"{weight.text} 分，表中为 {score.text}；如有扣分理由请在表中写明。"
            ),
            expected=weight.text, found=score.text,
            related=[Span(weight.start, weight.end, weight.text)],
        )  # fmt: skip
    )


def _rate_score(
    view: TableView, row: list[Cell], label: str, weight: Cell | None, score: Cell, outcome: TableOutcome
) -> None:
    """score.rate: the budget-execution row scores weight × rate, capped at the weight."""
    rate_col = _column(view, _RATE_COLUMN)
    rate = _number(row, rate_col)
    if rate is None or weight is None or rate.unit not in ("%", "％") or rate_col is None:
        return
    if not (_RATE_ROW.search(label) or "执行率" in view.labels[rate_col]):
        return
    assert rate.value is not None and weight.value is not None and score.value is not None
    capped = min(rate.value, HUNDRED)
    low = weight.value * max(capped - rate.tolerance, Decimal(0)) / HUNDRED
    high = weight.value * min(capped + rate.tolerance, HUNDRED) / HUNDRED
    expected_range = Interval(low - score.tolerance, high + score.tolerance)
    if expected_range.contains(score.value):
        outcome.verify("score.rate", score, rate, weight)
        return
    exact = weight.value * capped / HUNDRED
    expected = format_decimal(exact, max(score.decimals, 2 if exact != exact.to_integral_value() else 0))
    outcome.findings.append(
        Finding(
            kind="rate", rule="score.rate", severity="error",
            start=score.start, end=score.end, text=score.text,
            message=(
                f"“{label}”的得分按“分值 × 执行率”计：{weight.text} × {rate.text} = {expected}"
                f"{'（执行率超过 100% 按 100% 计）' if rate.value > HUNDRED else ''}，表中为 {score.text}。"
            ),
            expected=expected, found=score.text,
            related=[Span(rate.start, rate.end, rate.text), Span(weight.start, weight.end, weight.text)],
        )  # fmt: skip
    )


def _rates(view: TableView, outcome: TableOutcome) -> None:
    """table.rate: an execution-rate column against the execution and budget columns of each row."""
    rate_col = _column(view, _RATE_COLUMN)
    if rate_col is None:
        return
    label = view.labels[rate_col]
    numerator = denominator = None
    letters = _RATIO_LETTERS.search(label)
    if letters:
        by_letter = {m.group(1): c for c, lab in enumerate(view.labels) if (m := _LETTER.search(lab))}
        numerator, denominator = by_letter.get(letters.group(1)), by_letter.get(letters.group(2))
    if numerator is None or denominator is None:
        numerator = _column(view, _NUMERATOR, _RATE_COLUMN)
        denominator = _column(view, _DENOMINATOR_PREFERRED, _RATE_COLUMN)
        if denominator is None:
            denominator = _column(view, _DENOMINATOR, re.compile(r"年初|执行|率"))
    if numerator is None or denominator is None or numerator == denominator:
        return
    holds, fails = [], []
    for row in view.body():
        rate, a, b = _number(row, rate_col), _number(row, numerator), _number(row, denominator)
        if rate is None or a is None or b is None or rate.unit not in ("%", "％"):
            continue
        computed = divide(_interval(a), _interval(b))
        if computed is None:
            continue
        (holds if computed.overlaps(_interval(rate)) else fails).append((row, rate, a, b))
    for _, rate, a, b in holds:
        outcome.verify("table.rate", rate, a, b)
    if len(fails) > len(holds) and len(holds) + len(fails) > 1:
        return  # most rows disagree: these are not the columns the rate divides
    name = label.rsplit(LABEL_JOIN, 1)[-1]
    top, bottom = (view.labels[c].rsplit(LABEL_JOIN, 1)[-1] for c in (numerator, denominator))
    for row, rate, a, b in fails:
        exact = a.value / b.value * HUNDRED  # type: ignore[operator]
        expected = f"{format_decimal(exact, rate.decimals)}%"
        outcome.findings.append(
            Finding(
                kind="rate", rule="table.rate", severity="error",
                start=rate.start, end=rate.end, text=rate.text,
                message=(
                    f"“{_label(view, row)}”的{name} = {top} {a.text} ÷ {bottom} {b.text} = {percent_text(exact)}，"
                    f"表中为 {rate.text}；应为 {expected}。"
                ),
                expected=expected, found=rate.text,
                related=[Span(a.start, a.end, a.text), Span(b.start, b.end, b.text)],
            )  # fmt: skip
        )
