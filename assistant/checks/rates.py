"""Rates stated with their numerator and denominator in the same sentence (解决率, 执行率, 完成率 …)."""

from __future__ import annotations

import re
from bisect import bisect_left

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
from assistant.checks.findings import Finding, Span
from assistant.lexicon import pattern

_RATE = re.compile(r"(?P<name>[\u4e00-\u9fff]{0,10}(?:率|满意度))(?:为|达到|达|是|约|了|仅|只有|已达)*\s*$")
_NOT_A_RATE = re.compile(r"(?:增长率|增速|变动率|下降率|增幅|降幅|占比|比重|利率|税率|费率|汇率)$")
_OTHER_YEAR_OR_CHANGE = pattern(r"{prior.value}|(?:{change.up|change.down})了?(?:为|达)?\s*$")
_NUMERATOR = re.compile(
    r"已|实际|完成|执行|在职|实有|解决|办结|决算|满意|合格|达标|到位|支付|拨付|结余|有效|回收|收回|使用|验收|覆盖|参保|成活"
)
_DENOMINATOR = re.compile(
    r"总|共|收集|受理|预算|编制|目标|计划|指标值|应|核定|调查|发放|全部|全年|任务|申报|抽检|抽查"
)


def _roles(draft: Draft, a: int, b: int) -> tuple[int, int]:
    """(numerator, denominator) of two figures by what their subjects say, else in order of mention."""
    sa, sb = draft.subject(a), draft.subject(b)
    a_num, b_num = bool(_NUMERATOR.search(sa)), bool(_NUMERATOR.search(sb))
    a_den, b_den = bool(_DENOMINATOR.search(sa)), bool(_DENOMINATOR.search(sb))
    a_is_num, a_is_den = a_num and not a_den, a_den and not a_num
    b_is_num, b_is_den = b_num and not b_den, b_den and not b_num
    if a_is_num or b_is_den:
        return a, b
    if b_is_num or a_is_den:
        return b, a
    return b, a  # "共收集 407 件，已解决 404 件" : the later figure is the part


def _operands(draft: Draft, sentence: int) -> list[int]:
    """Figures of the sentence a rate can be computed from, in order: not percents, outside parentheses,
    not of another year and not a change."""
    return [
        j for j in draft.figures_in(sentence)
        if not draft.figures[j].is_percent and not draft.in_parentheses(j)
        and not draft.search(_OTHER_YEAR_OR_CHANGE, j)
    ]  # fmt: skip


def check_rates(draft: Draft) -> list[Finding]:
    findings = []
    for i, figure in enumerate(draft.figures):
        if not figure.is_percent or not figure.exact:
            continue
        match = draft.search(_RATE, i)
        if not match or _NOT_A_RATE.search(match.group("name")):
            continue
        sentence = draft.sentence_of[i]
        operands = draft.memo(_operands, sentence)
        k = bisect_left(operands, i)
        if k < 2:
            continue
        a, b = operands[k - 2], operands[k - 1]
        fa, fb = draft.figures[a], draft.figures[b]
        if fa.dimension != fb.dimension or not (fa.exact and fb.exact):
            continue
        numerator, denominator = draft.memo(_roles, a, b)  # many rates can follow one pair
        fn, fd = draft.figures[numerator], draft.figures[denominator]
        computed = divide(Interval.of(fn), Interval.of(fd))
        if computed is None:
            continue
        if computed.overlaps(Interval.of(figure)):
            draft.verify("rate.ratio", i, numerator, denominator)
            continue
        exact = fn.value / fd.value * HUNDRED
        expected = in_unit_of(figure, exact)
        near = truncated(computed, figure)
        verdict = f"{ROUNDING_NOTE}，按四舍五入应为 {expected}" if near else f"按文中的精度应为 {expected}"
        findings.append(
            Finding(
                kind="rate",
                rule="rate.ratio",
                severity="warning" if near else "error",
                start=figure.start,
                end=figure.end,
                text=figure.text,
                message=(
                    f"{match.group('name')} = {draft.subject(numerator)} {fn.text} ÷ {draft.subject(denominator)} {fd.text}"
                    f" = {percent_text(exact)}，文中写作 {figure.text}；{verdict}。"
                ),
                expected=expected,
                found=figure.text,
                related=[Span(fn.start, fn.end, fn.text), Span(fd.start, fd.end, fd.text)],
            )
        )
    return findings


_NAMED_RATE = pattern(
    r"(?:完成|为|达到|达|相当于)(?:了)?(?P<base>{base.named}|年度预算|全年预算)(?:数)?的(?:比例|比重)?(?:为|达)?\s*$"
)
_BUDGET_NAMED = re.compile(r"预算|调整|计划|目标|任务")  # a budget figure, never the amount spent
_BUDGET_KIND = pattern(r"{budget.kind}")
_LIST_HEAD = pattern(r"其中|(?:{list.head})[：:]")


def _clause(draft: Draft, j: int) -> str:
    """The figure's clause with the names of budget kinds taken out (一般公共预算收入 names no budget)."""
    return _BUDGET_KIND.sub("", draft.prefix(j))


def check_named_base_rates(draft: Draft) -> list[Finding]:
    """rate.named_base: "年初预算为B，…实际完成A，完成年初预算的p%" is A ÷ B, the budget the text names
    (年初 and 调整后 budgets are different bases). The base is the one earlier figure of the sentence
    whose clause names that budget; the amount the latest earlier figure that names no budget."""
    findings: list[Finding] = []
    for i, figure in enumerate(draft.figures):
        if not figure.is_percent or not figure.exact:
            continue
        if i > 0 and draft.is_rate_base(i - 1):
            findings += _stated_base_rate(draft, i)
            continue
        match = draft.search(_NAMED_RATE, i)
        if match is None:
            continue
        wanted = match.group("base").removesuffix("数")
        sentence = draft.sentence_of[i]
        earlier = [j for j in draft.figures_in(sentence) if j < i and not draft.figures[j].is_percent]
        bases = [j for j in earlier if wanted in _clause(draft, j) and draft.figures[j].exact]
        if len(bases) != 1:
            continue
        base = draft.figures[bases[0]]
        amounts = [
            j for j in earlier
            if j != bases[0] and draft.figures[j].exact and draft.figures[j].dimension == base.dimension
            and not _BUDGET_NAMED.search(_clause(draft, j)) and not draft.search(_OTHER_YEAR_OR_CHANGE, j)
        ]  # fmt: skip
        if not amounts:
            continue
        amount = draft.figures[amounts[-1]]
        between = draft.text[base.end : figure.start]
        if "；" in between or ";" in between or _LIST_HEAD.search(between):
            continue  # a list item's own budget is meant ("其中：A决算为a，完成预算的p%"): not stated
        computed = divide(Interval.of(amount), Interval.of(base))
        if computed is None:
            continue
        if computed.overlaps(Interval.of(figure)):
            draft.verify("rate.named_base", i, amounts[-1], bases[0])
            continue
        exact = amount.value / base.value * HUNDRED
        expected = in_unit_of(figure, exact)
        near = truncated(computed, figure)
        verdict = f"{ROUNDING_NOTE}，按四舍五入应为 {expected}" if near else f"按文中的精度应为 {expected}"
        findings.append(
            Finding(
                kind="rate", rule="rate.named_base", severity="warning" if near else "error",
                start=figure.start, end=figure.end, text=figure.text,
                message=(
                    f"完成{match.group('base')}的比例 = {draft.subject(amounts[-1]) or '完成数'} {amount.text} ÷ "
                    f"{wanted} {base.text} = {percent_text(exact)}，文中写作 {figure.text}；{verdict}。"
                ),
                expected=expected, found=figure.text,
                related=[Span(amount.start, amount.end, amount.text), Span(base.start, base.end, base.text)],
            )  # fmt: skip
        )
    return findings


_BASE_LEAD = pattern(r"(?:为|占|完成|达到|相当于|是)(?:了)?(?:{base.named}|年度预算|全年预算|计划|目标|任务)?(?:数)?(?:为)?\s*$")


def _stated_base_rate(draft: Draft, i: int) -> list[Finding]:
    """"A a，为年初预算B b的p%": p = a ÷ b, the base stated right before the rate and the amount the latest
    earlier figure of its semicolon group that is no change and no base itself."""
    figure, base_index = draft.figures[i], i - 1
    base = draft.figures[base_index]
    if not base.exact or not draft.search(_BASE_LEAD, base_index):
        return []
    group_start = draft.group_start(base.start)
    amount_index = None
    for j in range(base_index - 1, -1, -1):
        candidate = draft.figures[j]
        if candidate.start < group_start:
            break
        if candidate.is_percent or draft.in_parentheses(j) or draft.search(_OTHER_YEAR_OR_CHANGE, j):
            continue
        if candidate.dimension == base.dimension and candidate.exact and not draft.is_rate_base(j):
            amount_index = j
        break
    if amount_index is None:
        return []
    amount = draft.figures[amount_index]
    computed = divide(Interval.of(amount), Interval.of(base))
    if computed is None:
        return []
    if computed.overlaps(Interval.of(figure)):
        draft.verify("rate.named_base", i, amount_index, base_index)
        return []
    exact = amount.value / base.value * HUNDRED
    expected = in_unit_of(figure, exact)
    near = truncated(computed, figure)
    verdict = f"{ROUNDING_NOTE}，按四舍五入应为 {expected}" if near else f"按文中的精度应为 {expected}"
    named = draft.subject(base_index) or "基数"
    return [
        Finding(
            kind="rate", rule="rate.named_base", severity="warning" if near else "error",
            start=figure.start, end=figure.end, text=figure.text,
            message=(
                f"{draft.subject(amount_index) or '完成数'} {amount.text} ÷ {named} {base.text} = {percent_text(exact)}，"
                f"文中写作 {figure.text}；{verdict}。"
            ),
            expected=expected, found=figure.text,
            related=[Span(amount.start, amount.end, amount.text), Span(base.start, base.end, base.text)],
        )  # fmt: skip
    ]
