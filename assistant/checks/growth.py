"""Year-on-year changes: "X，比上年增长 g%" against the prior value stated in the sentence or in the data,
and "增加 D" against "增长 g%"."""

from __future__ import annotations

import re

from assistant.checks.arithmetic import HUNDRED, Interval, divide, in_unit_of, percent_text
from assistant.checks.document import Draft
from assistant.checks.figures import Figure
from assistant.checks.findings import Finding, Span
from assistant.checks.names import find_name
from assistant.checks.table import FiguresTable

_CHANGE = re.compile(
    r"(?:同比|较上年|比上年|较去年|比去年|较上一年|比上一年|与上年相比|较\d{4}年|比\d{4}年)?[^，,；;]{0,6}?"
    r"(?P<dir>增长|增加|上升|提高|提升|下降|减少|降低|下降了|减少了|回落)(?:了)?(?:幅度)?(?:为|达)?\s*$"
)
_PRIOR = re.compile(r"上年|去年|上一年|前一年|上年度")
_DOWN = ("下降", "减少", "降低", "回落")


def _current_and_prior(
    draft: Draft, i: int, table: FiguresTable | None
) -> tuple[int | None, Interval | None, str, Span | None]:
    """(current figure, prior amount, prior as printed, prior span) for the change figure ``i``."""
    sentence = draft.sentence_of[i]
    before = [
        j
        for j in draft.figures_in(sentence)
        if j < i and not draft.figures[j].is_percent and draft.figures[j].exact
    ]
    before = [j for j in before if not draft.in_parentheses(j)]
    if not before:
        return None, None, "", None
    changes = [j for j in before if _CHANGE.search(draft.prefix(j))]
    prior = [j for j in before if _PRIOR.search(draft.prefix(j)) and j not in changes]
    current = [j for j in before if j not in prior and j not in changes]
    if not current:
        return None, None, "", None
    current_index = current[-1]
    cur = draft.figures[current_index]
    if prior:
        p = draft.figures[prior[-1]]
        if p.dimension == cur.dimension:
            return current_index, Interval.of(p), p.text, Span(p.start, p.end, p.text)
    if table is not None:
        found = find_name(draft.prefix(current_index), table.names())
        row = table.rows[found[0]] if found else None
        if row is not None and row.prior_year is not None and row.dimension == cur.dimension:
            return (
                current_index,
                Interval.exact(row.prior_year),
                f"{row.in_unit(row.prior_year)}（数据表上年数）",
                None,
            )
    return current_index, None, "", None


def check_growth(draft: Draft, table: FiguresTable | None) -> list[Finding]:
    findings: list[Finding] = []
    for i, figure in enumerate(draft.figures):
        if not figure.exact:
            continue
        match = _CHANGE.search(draft.prefix(i))
        if not match:
            continue
        down = match.group("dir").startswith(_DOWN)
        if figure.is_percent:
            findings.extend(_check_rate_of_change(draft, i, figure, down, table))
        elif figure.is_money or figure.is_count:
            findings.extend(_check_amount_of_change(draft, i, figure, down, table))
    return findings


def _check_amount_of_change(
    draft: Draft, i: int, figure: Figure, down: bool, table: FiguresTable | None
) -> list[Finding]:
    current_index, prior, prior_text, prior_span = _current_and_prior(draft, i, table)
    if current_index is None or prior is None:
        return []
    cur = draft.figures[current_index]
    if cur.dimension != figure.dimension:
        return []
    change = Interval.of(cur) - prior
    printed = Interval.of(figure)
    signed = Interval(-printed.hi, -printed.lo) if down else printed
    if change.overlaps(signed):
        return []
    prior_mid = (prior.lo + prior.hi) / 2
    exact = cur.value - prior_mid
    expected = f"{'减少' if exact < 0 else '增加'}{in_unit_of(figure, abs(exact))}"
    message = (
        f"本年 {cur.text} − 上年 {prior_text} = {in_unit_of(figure, exact)}，"
        f"文中写作{'减少' if down else '增加'} {figure.text}；应为{expected}。"
    )
    return [_finding(figure, cur, prior_span, message, expected)]


def _finding(
    figure: Figure, current: Figure, prior_span: Span | None, message: str, expected: str
) -> Finding:
    return Finding(
        kind="growth",
        severity="error",
        start=figure.start,
        end=figure.end,
        text=figure.text,
        message=message,
        expected=expected,
        found=figure.text,
        related=[Span(current.start, current.end, current.text)] + ([prior_span] if prior_span else []),
    )


def _check_rate_of_change(
    draft: Draft, i: int, figure: Figure, down: bool, table: FiguresTable | None
) -> list[Finding]:
    current_index, prior, prior_text, prior_span = _current_and_prior(draft, i, table)
    if current_index is None:
        return []
    cur = draft.figures[current_index]
    sentence = draft.sentence_of[i]
    # an amount of change stated beside the rate: "增加 D，增长 g%"
    delta = [j for j in draft.figures_in(sentence) if current_index < j < i and draft.figures[j].dimension == cur.dimension
             and _CHANGE.search(draft.prefix(j))]  # fmt: skip
    printed = Interval.of(figure)
    signed = Interval(-printed.hi, -printed.lo) if down else printed
    if prior is None and delta:
        d = draft.figures[delta[-1]]
        d_down = _CHANGE.search(draft.prefix(delta[-1])).group("dir").startswith(_DOWN)  # type: ignore[union-attr]
        change = Interval(-Interval.of(d).hi, -Interval.of(d).lo) if d_down else Interval.of(d)
        prior = Interval.of(cur) - change
        prior_text = f"（{cur.text} {'+' if d_down else '−'} {d.text}）"
        prior_span = Span(d.start, d.end, d.text)
    if prior is None:
        return []
    computed = divide(Interval.of(cur) - prior, prior)
    if computed is None or computed.overlaps(signed):
        return []
    prior_mid = (prior.lo + prior.hi) / 2
    exact = (cur.value - prior_mid) / prior_mid * HUNDRED
    word = "下降" if exact < 0 else "增长"
    expected = f"{word}{in_unit_of(figure, abs(exact))}"
    message = (
        f"（本年 {cur.text} − 上年 {prior_text}）÷ 上年 = {percent_text(exact)}，"
        f"文中写作{'下降' if down else '增长'} {figure.text}；按文中的精度应为{expected}。"
    )
    return [_finding(figure, cur, prior_span, message, expected)]
