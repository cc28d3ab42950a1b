"""Shares of one base against each other: disjoint parts' shares above 100% and a complete decomposition's
shares not adding to 100% (share_sum), implied bases that cannot agree (ratio).

Each rule reports the first pair in text order; the pair is found with running maxima and minima over the
shares before it, so a base with many shares is not compared pair by pair.
"""

from __future__ import annotations

from bisect import bisect_right
from decimal import Decimal

from assistant.checks.arithmetic import HUNDRED, Interval, divide, in_unit_of, percent_text
from assistant.checks.document import Draft
from assistant.checks.findings import Finding, Span
from assistant.checks.names import vocabulary
from assistant.checks.stated_shares import Share
from assistant.document.numbers import format_decimal
from assistant.lexicon import words


def check_same_base(draft: Draft, shares: list[Share]) -> list[Finding]:
    vocab = vocabulary()
    findings: list[Finding] = []
    groups: dict[str, list[Share]] = {}
    for share in shares:
        if not relative_base(share.base):
            groups.setdefault(vocab.canonical(share.base), []).append(share)
    for members in groups.values():
        # shares of parts known not to overlap: their sum cannot pass 100%
        pair = _first_disjoint_pair_above_hundred(draft, members)
        if pair is not None:
            findings.append(_share_sum_finding(draft, *pair))
            continue
        complete = _complete_set(members)
        if complete:
            total = Interval.exact(Decimal(0))
            for share in complete:
                total = total + Interval.of(draft.figures[share.index])
            if not total.contains(HUNDRED):
                findings.append(_not_hundred_finding(draft, complete))
                continue
            draft.verify("share.sum", *(share.index for share in complete))
        findings.extend(_disagreeing_bases(draft, members))
    return findings


def relative_base(base: str) -> bool:
    """A base that is the subject's own budget or plan ("占调整预算的100%"): each share has its own; or one
    that names only a scope ("占全市的…"): what it measures is not said, two such shares may differ."""
    return any(base.endswith(word) for word in words("base.relative")) or base in words("base.scope")


def _disjoint(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and vocabulary().disjoint(a, b)


def _first_disjoint_pair_above_hundred(draft: Draft, members: list[Share]) -> tuple[Share, Share] | None:
    """The first pair (a before b) of shares of disjoint parts whose lowest values add up to more than 100%."""
    low = [Interval.of(draft.figures[share.index]).lo for share in members]
    positions: dict[str, list[int]] = {}  # component -> positions in ``members``
    for position, share in enumerate(members):
        if share.component is not None:
            positions.setdefault(share.component, []).append(position)
    # component -> the highest low value from each of its positions on
    highest_after: dict[str, list[Decimal]] = {}
    for component, at in positions.items():
        running: list[Decimal] = []
        for position in reversed(at):
            running.append(low[position] if not running else max(running[-1], low[position]))
        highest_after[component] = running[::-1]
    for a_pos, a in enumerate(members):
        if a.component is None:
            continue
        for other, at in positions.items():
            if not _disjoint(a.component, other):
                continue
            k = bisect_right(at, a_pos)
            # a sum of decimals only grows with either term: the best partner decides whether there is one
            if k < len(at) and low[a_pos] + highest_after[other][k] > HUNDRED:
                for b_pos in range(a_pos + 1, len(members)):
                    b = members[b_pos]
                    if _disjoint(a.component, b.component) and low[a_pos] + low[b_pos] > HUNDRED:
                        return a, b
    return None


def _implied_base(draft: Draft, share: Share) -> Interval | None:
    if share.part_index is None:
        return None
    part = Interval.of(draft.figures[share.part_index])
    percent = Interval.of(draft.figures[share.index])
    return divide(part, percent, HUNDRED)


def _disagreeing_bases(draft: Draft, members: list[Share]) -> list[Finding]:
    """Shares of one base must imply the same base: for each share, the first earlier share whose implied
    base cannot be the same as its own."""
    findings: list[Finding] = []
    earlier: list[tuple[Share, Interval]] = []
    highest_low: list[Decimal] = []  # running maximum of the earlier implied bases' lower ends
    lowest_high: list[Decimal] = []  # running minimum of their upper ends, negated (so it rises too)
    for b in members:
        ib = _implied_base(draft, b)
        if ib is None:
            continue
        # the first earlier base lying wholly above ib, and the first lying wholly below it
        above = bisect_right(highest_low, ib.hi)
        below = bisect_right(lowest_high, -ib.lo)
        first = min(above, below)
        if first < len(earlier):
            a, ia = earlier[first]
            findings.append(_disagreeing_finding(draft, a, ia, b, ib))
        earlier.append((b, ib))
        highest_low.append(ib.lo if not highest_low else max(highest_low[-1], ib.lo))
        lowest_high.append(-ib.hi if not lowest_high else max(lowest_high[-1], -ib.hi))
    return findings


def _disagreeing_finding(draft: Draft, a: Share, ia: Interval, b: Share, ib: Interval) -> Finding:
    pa, pb = draft.figures[a.index], draft.figures[b.index]
    parts_a, parts_b = draft.figures[a.part_index], draft.figures[b.part_index]  # type: ignore[index]
    return Finding(
        kind="ratio",
        rule="share.same_base",
        severity="error",
        start=pb.start,
        end=pb.end,
        text=pb.text,
        message=(
            f"同为占{b.base_text}的比重，{parts_a.text} ÷ {pa.text} 推算的基数约为 {in_unit_of(parts_a, _mid(ia))}，"
            f"{parts_b.text} ÷ {pb.text} 推算的基数约为 {in_unit_of(parts_b, _mid(ib))}，两者不一致，至少一个占比的基数有误。"
        ),
        related=[
            Span(pa.start, pa.end, pa.text),
            Span(parts_a.start, parts_a.end, parts_a.text),
            Span(parts_b.start, parts_b.end, parts_b.text),
        ],  # fmt: skip
    )


def _mid(interval: Interval) -> Decimal:
    return (interval.lo + interval.hi) / 2


def _complete_set(members: list[Share]) -> list[Share] | None:
    """Shares covering every part of one known decomposition of their base, once each."""
    vocab = vocabulary()
    base = vocab.canonical(members[0].base)
    for whole, parts in ((w, m) for w, alternatives in vocab.decompositions.items() for m in alternatives):
        if not any(variant in base for variant in vocab.variants(whole)):
            continue
        chosen: dict[str, Share] = {}
        for share in members:
            component = share.component
            if component in parts and component not in chosen:
                chosen[component] = share  # type: ignore[index]
        if set(chosen) == set(parts):
            return list(chosen.values())
    return None


def _share_sum_finding(draft: Draft, a: Share, b: Share) -> Finding:
    base = b.base_text
    pa, pb = draft.figures[a.index], draft.figures[b.index]
    total = pa.value + pb.value
    message = f"{a.component}与{b.component}互不重叠，二者占{base}的比重 {pa.text} + {pb.text} 合计 {percent_text(total)}，超过 100%"
    ia, ib = _implied_base(draft, a), _implied_base(draft, b)
    related = [Span(pa.start, pa.end, pa.text)]
    if ia is not None and ib is not None and a.part_index is not None and b.part_index is not None:
        part_a, part_b = draft.figures[a.part_index], draft.figures[b.part_index]
        implied = part_a.value / pa.value * HUNDRED if ia.overlaps(ib) else None
        parts_total = part_a.value + part_b.value
        if implied is not None:
            message += (
                f"；两项占比推算的基数约为 {in_unit_of(part_a, implied)}，"
                f"而{a.component}与{b.component}之和为 {in_unit_of(part_a, parts_total)}"
            )
        else:
            message += (
                f"；两项占比推算的基数分别约为 {in_unit_of(part_a, _mid(ia))}和 {in_unit_of(part_b, _mid(ib))}，"
                f"而二者之和为 {in_unit_of(part_a, parts_total)}"
            )
        message += "，至少一项占比用错了基数（例如把不属于该口径的支出计入了分子）"
        related += [Span(part_a.start, part_a.end, part_a.text), Span(part_b.start, part_b.end, part_b.text)]
    expected = "≤ 100%"
    if _complete_set([a, b]) is not None:  # the two are all of the base: the second is what the first leaves
        rest = HUNDRED - pa.value
        expected = f"{format_decimal(rest, max(pa.decimals, pb.decimals))}%"
        message += f"；{a.component}与{b.component}构成{base}的全部，{a.component}占 {pa.text} 时{b.component}应占 {expected}"
    message += "。"
    return Finding(
        kind="share_sum",
        rule="share.sum",
        severity="error",
        start=pb.start,
        end=pb.end,
        text=pb.text,
        message=message,
        expected=expected,
        found=percent_text(total),
        related=related,
    )


def _not_hundred_finding(draft: Draft, shares: list[Share]) -> Finding:
    base = shares[-1].base_text
    figures = [draft.figures[s.index] for s in shares]
    total = sum((f.value for f in figures), start=Decimal(0))
    names = "、".join(str(s.component) for s in shares)
    last = figures[-1]
    return Finding(
        kind="share_sum",
        rule="share.sum",
        severity="error",
        start=last.start,
        end=last.end,
        text=last.text,
        message=(
            f"{names}构成{base}的全部，其占比 {' + '.join(f.text for f in figures)} 合计 {percent_text(total)}，"
            f"按文中精度应合计 100%。"
        ),
        expected="100%",
        found=percent_text(total),
        related=[Span(f.start, f.end, f.text) for f in figures[:-1]],
    )
