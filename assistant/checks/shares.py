"""Shares "X y元，占 B 的 p%" against their computed value (ratio), then shares of one base against each other
(``same_base``)."""

from __future__ import annotations

import re

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
from assistant.checks.names import vocabulary
from assistant.checks.same_base import check_same_base, relative_base
from assistant.checks.stated_shares import A_CHANGE, Share, find_shares, stated_base
from assistant.checks.table import FiguresTable

_OWNER_SUFFIX = re.compile(
    r"(?:局|院|委|办|中心|站|所|校|县|市|区|镇|乡|部门|单位|公司|(?:19|20)\d{2}年度?|本年|全年)$"
)
_OWNER_SUFFIX_LONGEST = 6  # "2023年度"


AMBIGUOUS = -1  # a name that several different amounts of the text carry


def _amounts_by_name(draft: Draft) -> dict[str, int]:
    """The exact money or count figure of each (canonical) subject name in the text; ``AMBIGUOUS`` for a
    name that figures of different values carry ("收入" of 收入 137.78 and of 收入总计 673.56)."""
    vocab = vocabulary()
    found: dict[str, int] = {}
    for j, figure in enumerate(draft.figures):
        if figure.exact and (figure.is_money or figure.is_count) and not draft.search(A_CHANGE, j):
            stated = stated_base(draft, j)
            name = vocab.canonical(stated.group("base").strip() if stated else draft.subject(j))
            first = found.get(name)
            if first is None:
                found[name] = j
            elif first != AMBIGUOUS and draft.figures[first].value != figure.value:
                found[name] = AMBIGUOUS
    return found


class _Amounts:
    """The amounts stated in the text by name, and by the name of their owner ("县交通运输局部门总支出")."""

    def __init__(self, draft: Draft) -> None:
        self.by_name = _amounts_by_name(draft)
        self._owned: dict[int, dict[str, list[int]]] = {}  # name length -> owned name -> figure indexes

    def owned(self, key: str) -> list[int]:
        """Figures of names that are ``key`` after an owner (a bureau, a county, a year …), in text order."""
        if not key:
            return []
        if len(key) not in self._owned:
            by_key: dict[str, list[int]] = {}
            length = len(key)
            for name, index in self.by_name.items():
                if index == AMBIGUOUS:
                    continue
                rest = len(name) - length
                # the owner's word is short: only the end of what comes before ``key`` can match it
                if rest > 0 and _OWNER_SUFFIX.search(name, max(0, rest - _OWNER_SUFFIX_LONGEST), rest):
                    by_key.setdefault(name[rest:], []).append(index)
            self._owned[length] = by_key
        return self._owned[len(key)].get(key, [])


def _base_amount(
    draft: Draft, base: str, table: FiguresTable | None, amounts: _Amounts
) -> tuple[Interval, str, Span | None] | None:
    """The amount of the base: a figure in the text whose subject names it, else the data table."""
    vocab = vocabulary()
    key = vocab.canonical(base)
    if relative_base(key):
        return None  # a budget of the subject's own, or a bare scope: no amount of that name is the base
    j = amounts.by_name.get(key)
    owned = amounts.owned(key)  # "县交通运输局部门总支出为8126.45万元" states the base "部门总支出" of its owner
    if j == AMBIGUOUS:
        return None  # which of the amounts of that name is the base is not said: no verdict
    if j is not None and any(draft.figures[o].value != draft.figures[j].value for o in owned):
        return None  # the bare name and an owner's name carry different amounts: no verdict either
    if j is None:
        j = owned[0] if len(owned) == 1 else None
    if j is not None:
        figure = draft.figures[j]
        return Interval.of(figure), figure.text, Span(figure.start, figure.end, figure.text)
    if table is not None:
        row = table.get(base)
        if (
            row is not None
            and row.dimension in ("money",)
            or (row is not None and row.dimension.startswith("count:"))
        ):
            return Interval.exact(row.value), row.in_unit(row.value), None
    return None


def check_shares(draft: Draft, table: FiguresTable | None) -> list[Finding]:
    shares = find_shares(draft)
    findings = _adjusted_to_hundred(draft, shares, _check_each_share(draft, shares, table))
    findings += check_same_base(draft, shares)
    return findings


def _adjusted_to_hundred(draft: Draft, shares: list[Share], findings: list[Finding]) -> list[Finding]:
    """A share one unit of its last digit off its computed value, in a set of shares of one base that the
    text makes total exactly 100%, was adjusted to make them total: a warning, not an error."""
    vocab = vocabulary()
    groups: dict[str, list[Share]] = {}
    for share in shares:
        if not relative_base(share.base):
            groups.setdefault(vocab.canonical(share.base), []).append(share)
    hundred = set()
    for members in groups.values():
        if len(members) < 2:
            continue
        total = Interval.exact(HUNDRED * 0)
        for share in members:
            figure = draft.figures[share.index]
            total = total + Interval.exact(figure.value)
        if total.lo == HUNDRED:
            hundred.update(draft.figures[s.index].start for s in members)
    for finding in findings:
        if finding.severity == "error" and finding.start in hundred and finding.params.get("one_unit") == "yes":
            finding.severity = "warning"
            finding.message = finding.message.rstrip("。") + "（各项占比合计恰为 100%，此项可能是为凑足 100% 所作的调整）。"
    return findings


def _check_each_share(draft: Draft, shares: list[Share], table: FiguresTable | None) -> list[Finding]:
    findings = []
    amounts = _Amounts(draft)
    for share in shares:
        if share.part_index is None:
            continue
        if share.base_index is not None:
            stated = draft.figures[share.base_index]
            base = (Interval.of(stated), stated.text, Span(stated.start, stated.end, stated.text))
        else:
            base = _base_amount(draft, share.base, table, amounts)
        if base is None:
            continue
        base_range, base_text, base_span = base
        part = draft.figures[share.part_index]
        percent = draft.figures[share.index]
        computed = divide(Interval.of(part), base_range)
        if computed is None:
            continue
        if computed.overlaps(Interval.of(percent)):
            draft.verify("share.ratio", share.index, share.part_index, share.base_index)
            continue
        exact = part.value / ((base_range.lo + base_range.hi) / 2) * HUNDRED
        expected = in_unit_of(percent, exact)
        related = [Span(part.start, part.end, part.text)] + ([base_span] if base_span else [])
        near = truncated(computed, percent)
        unit = 2 * percent.tolerance
        one_unit = computed.overlaps(Interval(percent.value - unit, percent.value + unit))
        verdict = f"{ROUNDING_NOTE}，按四舍五入应为 {expected}" if near else f"按文中的精度应为 {expected}"
        findings.append(
            Finding(
                kind="ratio",
                rule="share.ratio",
                severity="warning" if near else "error",
                start=percent.start,
                end=percent.end,
                text=percent.text,
                message=(
                    f"{draft.subject(share.part_index)} {part.text} ÷ {share.base_text} {base_text} = {percent_text(exact)}，"
                    f"文中写作 {percent.text}；{verdict}。"
                ),
                params={"computed": percent_text(exact), "one_unit": "yes" if one_unit else "no"},
                expected=expected,
                found=percent.text,
                related=related,
            )
        )
    return findings
