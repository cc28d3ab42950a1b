"""Year-on-year changes: "X，比上年增长 g%" against the prior value stated in the sentence or in the data,
and "增加 D" against "增长 g%"."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from assistant.checks.arithmetic import (
    HUNDRED,
    ROUNDING_NOTE,
    Interval,
    divide,
    in_unit_of,
    percent_text,
    truncated,
)
from assistant.checks.document import Draft
from assistant.checks.figures import Figure
from assistant.checks.findings import Finding, Span
from assistant.checks.names import find_name
from assistant.checks.table import FiguresTable, Row
from assistant.lexicon import pattern, words

_CHANGE = pattern(
    r"(?:{compare.prior}|较\d{{4}}年|比\d{{4}}年)?[^，,；;]{{0,6}}?"
    r"(?P<dir>{change.up|change.down})(?:了)?(?:幅度)?(?:为|达)?\s*$"
)
# a prior-year word qualifying the figure itself, not a comparison (比上年, 同比) nor a carry-over (上年结转)
_PRIOR = pattern(
    r"(?:{prior.value})(?:同期|度)?的?(?:决算|预算|执行|实际)?数?(?:为|是)?\s*$"  # "比上年3201件", "较上年决算数18.60万元"
    r"|(?<![比较与同])(?:{prior.value})(?!结转|结余|未完成|遗留|末结)"  # "上年支出为…", never "上年结转"
)
_DOWN = words("change.down")


@dataclass(frozen=True)
class _Before:
    """Figures of one sentence a change can be measured from, in order: exact amounts outside parentheses,
    split into changes themselves, prior-year values and current values; and every change by dimension."""

    current: list[int]
    prior: list[int]
    changes_by_dimension: dict[str, list[int]]

    @classmethod
    def of(cls, draft: Draft, sentence: int) -> _Before:
        current, prior = [], []
        changes_by_dimension: dict[str, list[int]] = {}
        for j in draft.figures_in(sentence):
            figure = draft.figures[j]
            is_change = bool(draft.search(_CHANGE, j))
            if is_change:
                changes_by_dimension.setdefault(figure.dimension, []).append(j)
            if figure.is_percent or not figure.exact or draft.in_parentheses(j) or is_change or draft.is_rate_base(j):
                continue
            (prior if draft.search(_PRIOR, j) else current).append(j)
        return cls(current, prior, changes_by_dimension)


def _semicolon_between(draft: Draft, a: int, b: int) -> bool:
    """A "；" between figures ``a`` and ``b``: they belong to different groups of the sentence."""
    text = draft.text
    return "；" in text[draft.figures[a].end : draft.figures[b].start] or ";" in text[
        draft.figures[a].end : draft.figures[b].start
    ]


_COMPARISON = pattern(r"(?:与|和)?(?:{compare.prior}|(?:19|20)\d{{2}}年度?相比|较(?:19|20)\d{{2}}年度?|比(?:19|20)\d{{2}}年度?)")
_COMPARED_WITH = re.compile(r"(?:比|较|与)(?P<base>[^，,；;比较与]{1,16})$")
_NAMED_BASE_WORD = pattern(r"(?P<word>{base.named})$")
_YEAR_IN = re.compile(r"(?:19|20)\d{2}年")


def _named_base(draft: Draft, i: int, before: _Before) -> int | None:
    """The figure a change is measured against when the text names a budget, a plan or a year's 决算
    instead of the prior year ("比预算下降37.9%", "比2010年决算数减少153.3万元"), if exactly one earlier
    figure of the sentence carries that name."""
    match = draft.search(_CHANGE, i)
    if match is None:
        return None
    head = draft.prefix(i)[: match.start("dir")]
    compared = _COMPARED_WITH.search(head)
    if compared is None:
        return None
    base = compared.group("base").strip().removesuffix("相比").strip()
    word = _NAMED_BASE_WORD.search(base)
    if word is None:
        return None
    year = _YEAR_IN.search(base)
    wanted = word.group("word").rstrip("数")
    found = [
        j for j in before.current + before.prior
        if j < i and wanted in draft.prefix(j) and (year is None or year.group(0) in draft.prefix(j))
    ]  # fmt: skip
    return found[0] if len(found) == 1 else None


def _restated_subject(draft: Draft, i: int) -> str:
    """The subject a change names before its direction word ("与上年相比，总计增加" names 总计)."""
    match = draft.search(_CHANGE, i)
    if match is None:
        return ""
    head = draft.prefix(i)[: match.start("dir")]
    head = _COMPARISON.sub("", head)
    return head.strip(" ，,：:")


def _restated_current(draft: Draft, i: int) -> int | None:
    """The amount, in the previous sentence of the paragraph, of the subject the change restates (the
    change itself or the amount of change before it in its sentence names it); exactly one such amount."""
    sentence = draft.sentence_of[i]
    name = _restated_subject(draft, i)
    if len(name) < 2:  # the amount of change before it in the sentence names it
        before = draft.memo(_Before.of, sentence)
        earlier = [last for js in before.changes_by_dimension.values() if (last := _last_before(js, i)) is not None]
        name = _restated_subject(draft, max(earlier)) if earlier else ""
    if len(name) < 2 or sentence == 0:
        return None
    previous = draft.sentences[sentence - 1]
    if "\n" in draft.text[previous.end - 1 : draft.sentences[sentence].start + 1].strip(" "):
        return None  # only within one paragraph
    figure = draft.figures[i]
    found = [
        j for j in draft.figures_in(sentence - 1)
        if draft.figures[j].exact and not draft.search(_CHANGE, j) and not draft.figures[j].is_percent
        and draft.subject(j).endswith(name) and (figure.is_percent or draft.figures[j].dimension == figure.dimension)
    ]  # fmt: skip
    return found[0] if len(found) == 1 else None


def _last_before(indexes: list[int], i: int) -> int | None:
    k = bisect_left(indexes, i)
    return indexes[k - 1] if k else None


def _current_and_prior(
    draft: Draft, i: int, table: FiguresTable | None, table_rows: dict[int, Row | None]
) -> tuple[int | None, Interval | None, str, Span | None]:
    """(current figure, prior amount, prior as printed, prior span) for the change figure ``i``."""
    sentence = draft.sentence_of[i]
    before = draft.memo(_Before.of, sentence)
    named = _named_base(draft, i, before)
    if named is not None:  # "比预算下降g%", "比2010年决算数减少D": the base the text names
        base_index = named
        current_index = _last_before([j for j in before.current if j != base_index], i)
        if current_index is None or _semicolon_between(draft, current_index, i) or current_index == base_index:
            return None, None, "", None
        b = draft.figures[base_index]
        if b.dimension != draft.figures[current_index].dimension:
            return None, None, "", None
        return current_index, Interval.of(b), b.text, Span(b.start, b.end, b.text)
    currents = before.current
    if draft.figures[i].is_percent:  # a rate follows the amount its amount of change is of
        deltas = [j for dim, js in before.changes_by_dimension.items() if dim != "percent" for j in js if j < i]
        if deltas:
            dimension = draft.figures[max(deltas)].dimension
            currents = [j for j in currents if draft.figures[j].dimension == dimension]
    current_index = _last_before(currents, i)
    if current_index is None:  # "总计X。与上年相比，总计增加D，增长g%": the subject restated, its amount before
        current_index = _restated_current(draft, i)
    elif _semicolon_between(draft, current_index, i):
        return None, None, "", None  # a change belongs to the subject of its own semicolon group
    if current_index is None:
        return None, None, "", None
    cur = draft.figures[current_index]
    prior_index = _last_before(before.prior, i)
    if prior_index is not None:
        p = draft.figures[prior_index]
        if p.dimension == cur.dimension:
            return current_index, Interval.of(p), p.text, Span(p.start, p.end, p.text)
    if table is not None:
        if current_index not in table_rows:  # many changes can follow one current value
            found = find_name(draft.prefix(current_index), table.names())
            table_rows[current_index] = table.rows[found[0]] if found else None
        row = table_rows[current_index]
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
    table_rows: dict[int, Row | None] = {}  # current figure -> its table row
    for i, figure in enumerate(draft.figures):
        if not figure.exact:
            continue
        match = draft.search(_CHANGE, i)
        if not match:
            continue
        down = match.group("dir").startswith(_DOWN)
        if figure.is_percent and down and figure.value > 100 and not figure.approx:
            findings.append(_over_hundred(draft, i, figure))
            continue
        if "分别" in draft.prefix(i):
            continue  # "A、B分别增长g1%和g2%": which rate is whose is not read here
        if figure.is_percent:
            findings.extend(_check_rate_of_change(draft, i, figure, down, table, table_rows))
        elif figure.is_money or figure.is_count:
            findings.extend(_check_amount_of_change(draft, i, figure, down, table, table_rows))
    return findings


def _check_amount_of_change(
    draft: Draft,
    i: int,
    figure: Figure,
    down: bool,
    table: FiguresTable | None,
    table_rows: dict[int, Row | None],
) -> list[Finding]:
    current_index, prior, prior_text, prior_span = _current_and_prior(draft, i, table, table_rows)
    if current_index is None or prior is None:
        return []
    cur = draft.figures[current_index]
    if cur.dimension != figure.dimension:
        return []
    change = Interval.of(cur) - prior
    printed = Interval.of(figure)
    signed = Interval(-printed.hi, -printed.lo) if down else printed
    if change.overlaps(signed):
        draft.verify("growth.amount", i, current_index, draft.index_at(prior_span.start) if prior_span else None)
        return []
    prior_mid = (prior.lo + prior.hi) / 2
    exact = cur.value - prior_mid
    expected = f"{'减少' if exact < 0 else '增加'}{in_unit_of(figure, abs(exact))}"
    message = (
        f"本年 {cur.text} − 上年 {prior_text} = {in_unit_of(figure, exact)}，"
        f"文中写作{'减少' if down else '增加'} {figure.text}；应为{expected}。"
    )
    return [_finding(figure, cur, prior_span, message, expected, "growth.amount")]


def _over_hundred(draft: Draft, i: int, figure: Figure) -> Finding:
    """growth.over_hundred: an amount that falls cannot fall by more than all of it."""
    return Finding(
        kind="growth", rule="growth.over_hundred", severity="error",
        start=figure.start, end=figure.end, text=figure.text,
        message=f"文中写作下降 {figure.text}：一个不为负的数额最多下降 100%，降幅超过 100% 说明基数或计算有误。",
        expected="≤ 100%", found=figure.text,
    )  # fmt: skip


def _finding(
    figure: Figure, current: Figure, prior_span: Span | None, message: str, expected: str, rule: str
) -> Finding:
    return Finding(
        kind="growth",
        rule=rule,
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
    draft: Draft,
    i: int,
    figure: Figure,
    down: bool,
    table: FiguresTable | None,
    table_rows: dict[int, Row | None],
) -> list[Finding]:
    current_index, prior, prior_text, prior_span = _current_and_prior(draft, i, table, table_rows)
    if current_index is None:
        return []
    cur = draft.figures[current_index]
    sentence = draft.sentence_of[i]
    # an amount of change stated beside the rate: "增加 D，增长 g%"
    changes = draft.memo(_Before.of, sentence).changes_by_dimension
    delta = _last_before(changes.get(cur.dimension, []), i)
    if delta is not None and delta <= current_index:
        delta = None
    printed = Interval.of(figure)
    signed = Interval(-printed.hi, -printed.lo) if down else printed
    if prior is None and delta is not None:
        d = draft.figures[delta]
        d_down = draft.search(_CHANGE, delta).group("dir").startswith(_DOWN)  # type: ignore[union-attr]
        change = Interval(-Interval.of(d).hi, -Interval.of(d).lo) if d_down else Interval.of(d)
        prior = Interval.of(cur) - change
        prior_text = f"（{cur.text} {'+' if d_down else '−'} {d.text}）"
        prior_span = Span(d.start, d.end, d.text)
    if prior is None:
        return []
    if prior.lo + prior.hi == 0 and prior.lo <= 0 and figure.value != 0:  # a prior year printed as 0
        message = (
            f"上年为 {prior_text}，没有可比基数：从零开始的变化无法用增长率表示，文中写作"
            f"{'下降' if down else '增长'} {figure.text}；应只写增减额（{cur.text}），不写增长率。"
        )
        return [_finding(figure, cur, prior_span, message, "不适用（上年为 0）", "growth.zero_base")]
    computed = divide(Interval.of(cur) - prior, prior)
    if computed is None or computed.overlaps(signed):
        if computed is not None:
            prior_at = draft.index_at(prior_span.start) if prior_span else None
            draft.verify("growth.rate", i, current_index, prior_at)
        return []
    prior_mid = (prior.lo + prior.hi) / 2
    exact = (cur.value - prior_mid) / prior_mid * HUNDRED
    word = "下降" if exact < 0 else "增长"
    expected = f"{word}{in_unit_of(figure, abs(exact))}"
    near = truncated(computed, figure, negative=down)
    verdict = f"{ROUNDING_NOTE}，按四舍五入应为{expected}" if near else f"按文中的精度应为{expected}"
    message = (
        f"（本年 {cur.text} − 上年 {prior_text}）÷ 上年 = {percent_text(exact)}，"
        f"文中写作{'下降' if down else '增长'} {figure.text}；{verdict}。"
    )
    found = _finding(figure, cur, prior_span, message, expected, "growth.rate")
    if near:
        found.severity = "warning"
    return [found]
