"""Shares "X y元，占 B 的 p%": each against its computed value (ratio), shares of one base against each
other (ratio: implied bases) and their sum (share_sum)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from assistant.checks.arithmetic import HUNDRED, Interval, divide, in_unit_of, percent_text
from assistant.checks.document import Draft
from assistant.checks.findings import Finding, Span
from assistant.checks.names import normalize, vocabulary
from assistant.checks.table import FiguresTable

_AFTER_BASE_AMOUNT = re.compile(r"^\s*[）)]?\s*(?:的)?(?:比重|比例|份额)?(?:为|达到|达|约|是)?\s*$")
_BARE_SHARE = re.compile(r"占(?:比|比重|比例)?(?:为|达到|达|约|是)?\s*$")
_BASE_BEFORE = re.compile(r"(?P<base>[^，,；;：:。中]{2,30})中[，,]?")
_OWNER_SUFFIX = re.compile(
    r"(?:局|院|委|办|中心|站|所|校|县|市|区|镇|乡|部门|单位|公司|(?:19|20)\d{2}年度?|本年|全年)$"
)
_BASE_WITH_AMOUNT = re.compile(r"占(?P<base>[^，,；;：:。占]{1,30}?)(?:总额|总数)?(?:为|是)?\s*$")
_SHARE = re.compile(
    r"占(?P<base>[^，,；;：:。占]{1,30}?)(?:的)?(?:比重|比例|份额|总额)?(?:为|达到|达|约|是)?\s*$"
)


@dataclass(frozen=True)
class Share:
    index: int  # figure index of the percent
    base: str  # normalized base name
    base_text: str  # the base as the text writes it
    part_index: int | None  # figure index of the part's amount in the same sentence
    part_name: str  # canonical name of the part
    base_index: int | None = None  # figure index of the base's amount when the text states it: 占B X元的p%


def find_shares(draft: Draft) -> list[Share]:
    vocab = vocabulary()
    shares = []
    for i, figure in enumerate(draft.figures):
        if not figure.is_percent or not figure.exact:
            continue
        base_index = None
        match = _SHARE.search(draft.prefix(i))
        share_prefix = draft.prefix(i)
        if (
            not match
            and i > 0
            and _AFTER_BASE_AMOUNT.match(draft.prefix(i))
            and draft.sentence_of[i - 1] == draft.sentence_of[i]
        ):
            base_figure = draft.figures[i - 1]
            lead = _lead_text(draft, i - 1)
            base_match = _BASE_WITH_AMOUNT.search(lead)
            if base_match and base_figure.exact and (base_figure.is_money or base_figure.is_count):
                match, base_index, share_prefix = base_match, i - 1, lead
        if not match and _BARE_SHARE.search(draft.prefix(i)):
            # "一般公共预算支出中，基本支出占62.4%"
            sentence = draft.sentences[draft.sentence_of[i]]
            before = draft.text[sentence.start : figure.start]
            holders = list(_BASE_BEFORE.finditer(before))
            if holders:
                match = holders[-1]
                share_prefix = draft.prefix(i)[: _BARE_SHARE.search(draft.prefix(i)).start()]  # type: ignore[union-attr]
                own = share_prefix.strip()
                base_text = re.sub(r"^.*?(?:(?:19|20)\d{2}年度?)", "", match.group("base")).strip()
                shares.append(
                    Share(
                        i,
                        normalize(vocab.canonical(base_text)),
                        normalize(base_text),
                        None,
                        vocab.canonical(own),
                        None,
                    )
                )
                continue
        if not match:
            continue
        anchor = base_index if base_index is not None else i
        base_text = match.group("base").strip()
        base = vocab.canonical(base_text)
        prefix_before_share = share_prefix[: match.start()]
        own_subject = re.sub(r"^(?:其中|并|且|而|均)?[，,；;：:\s]*", "", prefix_before_share).strip()
        part_index = None
        for j in [] if own_subject else reversed(draft.figures_in(draft.sentence_of[i])):
            candidate = draft.figures[j]
            if _BASE_WITH_AMOUNT.search(draft.prefix(j)):
                continue  # the stated amount of another share's base, not a part
            if (
                candidate.end <= draft.figures[anchor].start
                and (candidate.is_money or candidate.is_count)
                and not draft.in_parentheses(j)
            ):
                part_index = j if candidate.exact else None
                break
        part_name = vocab.canonical(draft.subject(part_index) if part_index is not None else own_subject)
        shares.append(Share(i, normalize(base), normalize(base_text), part_index, part_name, base_index))
    return shares


def _lead_text(draft: Draft, i: int) -> str:
    """The clause text before figure ``i``, reaching back over an opening bracket that encloses it."""
    prefix = draft.prefix(i)
    if prefix.strip() or not draft.in_parentheses(i):
        return prefix
    sentence = draft.sentences[draft.sentence_of[i]]
    before = draft.text[sentence.start : draft.figures[i].start].rstrip()
    if before.endswith(("（", "(")):
        before = before[:-1]
    return re.split(r"[，,；;：:]", before)[-1]


def _amounts_by_name(draft: Draft) -> dict[str, int]:
    """First exact money or count figure for each (canonical) subject name in the text."""
    vocab = vocabulary()
    found: dict[str, int] = {}
    for j, figure in enumerate(draft.figures):
        if figure.exact and (figure.is_money or figure.is_count):
            stated_base = _BASE_WITH_AMOUNT.search(draft.prefix(j))
            name = stated_base.group("base").strip() if stated_base else draft.subject(j)
            found.setdefault(vocab.canonical(name), j)
    return found


def _base_amount(
    draft: Draft, base: str, table: FiguresTable | None, amounts: dict[str, int]
) -> tuple[Interval, str, Span | None] | None:
    """The amount of the base: a figure in the text whose subject names it, else the data table."""
    vocab = vocabulary()
    key = vocab.canonical(base)
    j = amounts.get(key)
    if j is None:  # "县交通运输局部门总支出为8126.45万元" states the base "部门总支出" of its owner
        owned = [
            index
            for name, index in amounts.items()
            if name.endswith(key) and _OWNER_SUFFIX.search(name[: -len(key)])
        ]
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
    findings = _check_each_share(draft, shares, table)
    findings += _check_same_base(draft, shares)
    return findings


def _check_each_share(draft: Draft, shares: list[Share], table: FiguresTable | None) -> list[Finding]:
    findings = []
    amounts = _amounts_by_name(draft)
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
        if computed is None or computed.overlaps(Interval.of(percent)):
            continue
        exact = part.value / ((base_range.lo + base_range.hi) / 2) * HUNDRED
        expected = in_unit_of(percent, exact)
        related = [Span(part.start, part.end, part.text)] + ([base_span] if base_span else [])
        findings.append(
            Finding(
                kind="ratio",
                severity="error",
                start=percent.start,
                end=percent.end,
                text=percent.text,
                message=(
                    f"{draft.subject(share.part_index)} {part.text} ÷ {share.base_text} {base_text} = {percent_text(exact)}，"
                    f"文中写作 {percent.text}；按文中的精度应为 {expected}。"
                ),
                expected=expected,
                found=percent.text,
                related=related,
            )
        )
    return findings


def _implied_base(draft: Draft, share: Share) -> Interval | None:
    if share.part_index is None:
        return None
    part = Interval.of(draft.figures[share.part_index])
    percent = Interval.of(draft.figures[share.index])
    return divide(part, percent, HUNDRED)


def _check_same_base(draft: Draft, shares: list[Share]) -> list[Finding]:
    vocab = vocabulary()
    findings: list[Finding] = []
    groups: dict[str, list[Share]] = {}
    for share in shares:
        groups.setdefault(vocab.canonical(share.base), []).append(share)
    for base, members in groups.items():
        reported = False
        # shares of parts known not to overlap: their sum cannot pass 100%
        for a_pos, a in enumerate(members):
            for b in members[a_pos + 1 :]:
                if reported or not vocab.disjoint(_component(a.part_name), _component(b.part_name)):
                    continue
                pa, pb = draft.figures[a.index], draft.figures[b.index]
                total = Interval.of(pa) + Interval.of(pb)
                if total.lo > HUNDRED:
                    findings.append(_share_sum_finding(draft, base, a, b))
                    reported = True
        if reported:
            continue
        complete = _complete_set(members)
        if complete:
            total = Interval.exact(Decimal(0))
            for share in complete:
                total = total + Interval.of(draft.figures[share.index])
            if not total.contains(HUNDRED):
                findings.append(_not_hundred_finding(draft, base, complete))
                continue
        # shares of one base must imply the same base
        for a_pos, a in enumerate(members):
            for b in members[a_pos + 1 :]:
                ia, ib = _implied_base(draft, a), _implied_base(draft, b)
                if ia is None or ib is None or ia.overlaps(ib):
                    continue
                pa, pb = draft.figures[a.index], draft.figures[b.index]
                parts_a, parts_b = draft.figures[a.part_index], draft.figures[b.part_index]  # type: ignore[index]
                findings.append(
                    Finding(
                        kind="ratio",
                        severity="error",
                        start=pb.start,
                        end=pb.end,
                        text=pb.text,
                        message=(
                            f"同为占{b.base_text}的比重，{parts_a.text} ÷ {pa.text} 推算的基数约为 {_mid(ia):.0f} 元，"
                            f"{parts_b.text} ÷ {pb.text} 推算的基数约为 {_mid(ib):.0f} 元，两者不一致，至少一个占比的基数有误。"
                        ),
                        related=[
                            Span(pa.start, pa.end, pa.text),
                            Span(parts_a.start, parts_a.end, parts_a.text),
                            Span(parts_b.start, parts_b.end, parts_b.text),
                        ],  # fmt: skip
                    )
                )
    return findings


def _mid(interval: Interval) -> Decimal:
    return (interval.lo + interval.hi) / 2


def _component(name: str) -> str:
    """The decomposition member a part's name refers to (基本支出决算数 refers to 基本支出)."""
    vocab = vocabulary()
    for members in vocab.decompositions.values():
        for member in members:
            if any(variant in name for variant in vocab.variants(member)):
                return member
    return name


def _complete_set(members: list[Share]) -> list[Share] | None:
    """Shares covering every part of one known decomposition of their base, once each."""
    vocab = vocabulary()
    base = vocab.canonical(members[0].base)
    for whole, parts in vocab.decompositions.items():
        if not any(variant in base for variant in vocab.variants(whole)):
            continue
        chosen = {}
        for share in members:
            component = _component(share.part_name)
            if component in parts and component not in chosen:
                chosen[component] = share
        if set(chosen) == set(parts):
            return list(chosen.values())
    return None


def _share_sum_finding(draft: Draft, base: str, a: Share, b: Share) -> Finding:
    base = b.base_text
    pa, pb = draft.figures[a.index], draft.figures[b.index]
    total = pa.value + pb.value
    message = f"{_component(a.part_name)}与{_component(b.part_name)}互不重叠，二者占{base}的比重 {pa.text} + {pb.text} 合计 {percent_text(total)}，超过 100%"
    ia, ib = _implied_base(draft, a), _implied_base(draft, b)
    related = [Span(pa.start, pa.end, pa.text)]
    if ia is not None and ib is not None and a.part_index is not None and b.part_index is not None:
        part_a, part_b = draft.figures[a.part_index], draft.figures[b.part_index]
        implied = part_a.value / pa.value * HUNDRED if ia.overlaps(ib) else None
        parts_total = part_a.value + part_b.value
        if implied is not None:
            message += f"；两项占比推算的基数约为 {implied:.0f} 元，而{_component(a.part_name)}与{_component(b.part_name)}之和为 {parts_total:f} 元"
        else:
            message += f"；两项占比推算的基数分别约为 {_mid(ia):.0f} 元和 {_mid(ib):.0f} 元，而二者之和为 {parts_total:f} 元"
        message += "，至少一项占比用错了基数（例如把不属于该口径的支出计入了分子）"
        related += [Span(part_a.start, part_a.end, part_a.text), Span(part_b.start, part_b.end, part_b.text)]
    message += "。"
    return Finding(
        kind="share_sum",
        severity="error",
        start=pb.start,
        end=pb.end,
        text=pb.text,
        message=message,
        expected="≤ 100%",
        found=percent_text(total),
        related=related,
    )


def _not_hundred_finding(draft: Draft, base: str, shares: list[Share]) -> Finding:
    base = shares[-1].base_text
    figures = [draft.figures[s.index] for s in shares]
    total = sum((f.value for f in figures), start=Decimal(0))
    names = "、".join(_component(s.part_name) for s in shares)
    last = figures[-1]
    return Finding(
        kind="share_sum",
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
