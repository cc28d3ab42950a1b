"""Wholes and their parts: "A 为 x，其中：B y，C z" (part_sum) and "N 个，其中 M 个" (subset)."""

from __future__ import annotations

import re
from bisect import bisect_left

from assistant.checks.arithmetic import Interval, shared_unit_text
from assistant.checks.document import Draft
from assistant.checks.findings import Finding, Span
from assistant.checks.names import vocabulary
from assistant.lexicon import pattern

_AMONG = pattern(r"其中[：:]?|(?:构成|组成)[：:]|(?:{list.head})[：:]")
_CHANGE = pattern(r"(?:{change.up|change.down})了?$")
_LIST_END = pattern(r"^\s*(?:{list.end})|(?:{list.end})(?:数|额)?(?:为|是|达)?\s*$")
_PER_UNIT = pattern(r"(?:{per.unit})[^，,；;]{{0,4}}$")
_SCORE_TOTAL = re.compile(r"(?:总分|总得分|得分|合计|总计)")


def _whole_candidates(draft: Draft, sentence: int) -> tuple[list[int], list[int]]:
    """Figures of the sentence that can be a whole (exact, outside parentheses, not a percent, not a change),
    in order, with their starts."""
    candidates = [
        i for i in draft.figures_in(sentence)
        if draft.figures[i].exact and not draft.in_parentheses(i) and not draft.figures[i].is_percent
        and not draft.search(_CHANGE, i) and not draft.is_rate_base(i)
    ]  # fmt: skip
    return candidates, [draft.figures[i].start for i in candidates]


def _whole_before(draft: Draft, sentence: int, position: int) -> int | None:
    """The last exact figure before ``position`` in the sentence, outside parentheses."""
    candidates, starts = draft.memo(_whole_candidates, sentence)
    # a figure ending by ``position`` starts before it; of those only the last few can still run past it
    for k in range(bisect_left(starts, position) - 1, -1, -1):
        if draft.figures[candidates[k]].end <= position:
            return candidates[k]
    return None


def check_wholes_and_parts(draft: Draft) -> list[Finding]:
    findings: list[Finding] = []
    vocab = vocabulary()
    for sentence_index, sentence in enumerate(draft.sentences):
        text = draft.text
        marks = [m for m in _AMONG.finditer(text, sentence.start, sentence.end)]
        wholes = [_whole_before(draft, sentence_index, mark.start()) for mark in marks]
        for n, mark in enumerate(marks):
            whole_index = wholes[n]
            if whole_index is None and n == 0:
                carried = _carried_whole(draft, sentence_index)
                whole_index = carried[0] if carried else None
            if whole_index is None:
                continue
            limit = marks[n + 1].start() if n + 1 < len(marks) else sentence.end
            closing = _CLOSING_BRACKET.search(text, mark.end(), limit)
            if closing and not _OPENING_BRACKET.search(text, mark.end(), closing.start()):
                limit = closing.start()  # a 其中 inside brackets lists only what the brackets hold
            in_scope = range(
                draft.first_figure_from(mark.end(), sentence_index),
                draft.first_figure_from(limit, sentence_index),
            )
            # the next 其中's whole is not a part of this one
            next_whole = wholes[n + 1] if n + 1 < len(marks) else None
            if not in_scope and n + 1 == len(marks) and _ends_sentence(draft, mark.end(), sentence.end):
                # "…共a万元。其中：" with one item per line after it
                parts = _item_lines(draft, sentence_index, whole_index)
            else:
                parts = _parts_in(draft, whole_index, in_scope, next_whole)
            findings.extend(_judge_parts(draft, whole_index, parts, vocab))
        if not marks:
            carried = _carried_whole(draft, sentence_index)
            if carried is not None:
                whole_index, opening = carried
                in_scope = range(
                    draft.first_figure_from(opening, sentence_index),
                    draft.first_figure_from(sentence.end, sentence_index),
                )
                parts = _parts_in(draft, whole_index, in_scope, None)
                findings.extend(_judge_parts(draft, whole_index, parts, vocab))
    return findings


def _parts_in(draft: Draft, whole_index: int, in_scope: range, next_whole: int | None) -> list[int]:
    """The figures of ``in_scope`` that are parts of the whole: same dimension, named, not a change, not an
    average, not in brackets; the list ends before a figure its words take out of it ("加上转移性收入…",
    "收入合计…") or one of the opposite flow."""
    whole = draft.figures[whole_index]
    ends = [i for i in in_scope if draft.search(_LIST_END, i) or _other_flow(draft, whole_index, i)]
    if ends:
        in_scope = range(in_scope.start, ends[0])
    return [
        i for i in in_scope
        if i != next_whole and draft.figures[i].dimension == whole.dimension and not draft.in_parentheses(i)
        and draft.subject(i) and not draft.search(_CHANGE, i) and not draft.search(_PER_UNIT, i)
        and not draft.is_rate_base(i)
    ]  # fmt: skip


def _judge_parts(draft: Draft, whole_index: int, parts: list[int], vocab) -> list[Finding]:
    whole = draft.figures[whole_index]
    if not parts or any(not draft.figures[i].exact for i in parts):
        return []
    if whole.is_count:
        return _subset(draft, whole_index, parts)
    if whole.is_money or whole.dimension == "score" or whole.dimension.startswith("measure:"):
        return _part_sum(draft, whole_index, parts, vocab)
    return []


_SENTENCE_TAIL = re.compile(r"[\s：:]*$")
_ITEM_NUMBER = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]{1,3}[）)、.．]|[①-⑳])?\s*")
_CLAUSE_OPEN = pattern(r"\s*(?:{list.open})[，,：:]\s*")
_HOLDER_OPEN = re.compile(r"\s*(?P<name>[^，,；;：:。\d]{2,24}?)中[，,：:]\s*")


def _ends_sentence(draft: Draft, position: int, end: int) -> bool:
    return _SENTENCE_TAIL.fullmatch(draft.text, position, end) is not None


def _item_lines(draft: Draft, sentence_index: int, whole_index: int) -> list[int]:
    """The first figure of each line of a list that a head ending its sentence opens ("其中：" then
    "公务接待费a万元，…；" per line): the lines that start with a name and a figure, up to the one that
    ends with 。."""
    whole = draft.figures[whole_index]
    parts: list[int] = []
    for k in range(sentence_index + 1, len(draft.sentences)):
        indexes = draft.figures_in(k)
        sentence = draft.sentences[k]
        if not indexes:
            break
        first = indexes[0]
        head = _ITEM_NUMBER.sub("", draft.text[sentence.start : draft.figures[first].start])
        if not head or any(mark in head for mark in "，,；;。：:"):
            break
        candidates = _parts_in(draft, whole_index, range(first, first + 1), None)
        if not candidates or draft.figures[first].dimension != whole.dimension:
            break
        parts.append(first)
        if draft.text[sentence.start : sentence.end].rstrip().endswith("。"):
            break
    return parts if len(parts) >= 2 else []


def _carried_whole(draft: Draft, sentence_index: int) -> tuple[int, int] | None:
    """A list whose whole an earlier sentence states: "X a亿元。其中，B…，C…" (the whole is the one
    amount of the sentence before) or "X中，A…，B…" (the whole is the latest amount named X). Returns the
    whole and where the parts start."""
    if sentence_index == 0:
        return None
    sentence = draft.sentences[sentence_index]
    opening = _CLAUSE_OPEN.match(draft.text, sentence.start, sentence.end)
    if opening:
        previous = [
            i for i in draft.memo(_whole_candidates, sentence_index - 1)[0] if draft.figures[i].is_money
        ]
        return (previous[0], opening.end()) if len(previous) == 1 else None
    holder = _HOLDER_OPEN.match(draft.text, sentence.start, sentence.end)
    if not holder:
        return None
    vocab = vocabulary()
    name = vocab.canonical(holder.group("name"))
    for k in range(sentence_index - 1, max(-1, sentence_index - 4), -1):
        named = [
            i for i in draft.memo(_whole_candidates, k)[0]
            if draft.figures[i].is_money and vocab.canonical(draft.subject(i)) == name
        ]  # fmt: skip
        if named:
            return named[-1], holder.end()
    return None


def _subset(draft: Draft, whole_index: int, parts: list[int]) -> list[Finding]:
    whole = draft.figures[whole_index]
    findings = []
    for i in parts:
        part = draft.figures[i]
        if part.value > whole.value:
            findings.append(
                Finding(
                    kind="subset",
                    rule="parts.subset",
                    severity="error",
                    start=part.start,
                    end=part.end,
                    text=part.text,
                    message=(
                        f"“{draft.subject(i)}”{part.text}是“{draft.subject(whole_index)}”{whole.text}中的一部分，"
                        f"却比总数多 {part.value - whole.value:f}{part.unit}：部分不能大于整体。"
                    ),
                    expected=f"≤ {whole.text}",
                    found=part.text,
                    related=[Span(whole.start, whole.end, whole.text)],
                )
            )
    return findings


def _component(name: str, members: tuple[str, ...], vocab) -> str | None:
    """The member of a decomposition that ``name`` names (公务接待费预算数 names 公务接待费)."""
    for member in members:
        if any(variant in name for variant in vocab.variants(member)):
            return member
    return None


def _whole_reading(draft: Draft, whole_index: int) -> tuple[tuple[tuple[str, ...], ...], bool]:
    """The decompositions the whole's subject names and whether it names a score total (read once per whole:
    many 其中 can follow one whole)."""
    vocab = vocabulary()
    subject = draft.subject(whole_index)
    decompositions = vocab.decompositions.get(_match_decomposition(vocab.canonical(subject), vocab) or "", ())
    return decompositions, bool(_SCORE_TOTAL.search(subject))


def _part_sum(draft: Draft, whole_index: int, parts: list[int], vocab) -> list[Finding]:
    whole = draft.figures[whole_index]
    whole_subject = draft.subject(whole_index)
    decompositions, score_total = draft.memo(_whole_reading, whole_index)
    complete = False
    for decomposition in decompositions:
        components = [_component(vocab.canonical(draft.subject(i)), decomposition, vocab) for i in parts]
        complete = complete or (
            None not in components and set(components) == set(decomposition) and len(components) == len(decomposition)
        )
    complete = complete or _levels(draft, parts) or _stated_complete(draft, whole_index, parts)
    complete = complete or (len(parts) >= 2 and bool(_REST.match(draft.subject(parts[-1]))))
    if whole.dimension == "score" and score_total:
        complete = True
    total = Interval.exact(whole.value * 0)
    for i in parts:
        total = total + Interval.of(draft.figures[i])
    whole_range = Interval.of(whole)
    involved = [whole] + [draft.figures[i] for i in parts]
    exact_sum = sum((draft.figures[i].value for i in parts), start=whole.value * 0)
    sum_text = shared_unit_text(involved, exact_sum)
    terms = " + ".join(f"{draft.subject(i)} {draft.figures[i].text}" for i in parts)
    related = [Span(draft.figures[i].start, draft.figures[i].end, draft.figures[i].text) for i in parts]
    if total.lo > whole_range.hi:
        message = f"{terms} = {sum_text}，超过{whole_subject} {whole.text}：各部分之和不能大于整体。"
    elif complete and not total.overlaps(whole_range):
        difference = shared_unit_text(involved, abs(whole.value - exact_sum))
        names = "、".join(draft.subject(i) for i in parts)
        message = f"{terms} = {sum_text}，与{whole_subject} {whole.text}相差 {difference}（{names}合计应等于{whole_subject}）。"
    else:
        if complete:
            draft.verify("parts.sum", whole_index, *parts)
        return []
    return [
        Finding(
            kind="part_sum",
            rule="parts.sum",
            severity="error",
            start=whole.start,
            end=whole.end,
            text=whole.text,
            message=message,
            expected=sum_text,
            found=whole.text,
            related=related,
        )
    ]


_SELF_LEVEL = pattern(r"^(?:{level.self})")
_LOWER_LEVEL = pattern(r"^(?:{level.lower})")
_COUNTED_COMPLETE = pattern(r"(?:由|分为|包括)?(?P<n>[一二两三四五六七八九十\d]+)(?:个|项|类)?(?:部分|方面|项|类)(?:构成|组成)?[：:]?")
_STATED_COMPLETE = pattern(r"由.{0,20}(?:构成|组成)|(?:{list.complete})[：:]")


_REST = pattern(r"^(?:{list.rest})")
_CLOSING_BRACKET = re.compile(r"[）)]")
_OPENING_BRACKET = re.compile(r"[（(]")
_FLOW_IN = pattern(r"{flow.in}")
_FLOW_OUT = pattern(r"{flow.out}")


def _other_flow(draft: Draft, whole_index: int, i: int) -> bool:
    """The figure names the opposite flow of the whole (a 支出 after the parts of a 收入): the list is over."""
    whole, part = draft.subject(whole_index), draft.subject(i)
    whole_in, whole_out = bool(_FLOW_IN.search(whole)), bool(_FLOW_OUT.search(whole))
    part_in, part_out = bool(_FLOW_IN.search(part)), bool(_FLOW_OUT.search(part))
    return (whole_in and not whole_out and part_out and not part_in) or (
        whole_out and not whole_in and part_in and not part_out
    )


def _levels(draft: Draft, parts: list[int]) -> bool:
    """Two parts, one of the government level itself (市本级) and one of the levels below it (区级): a
    complete split of a total of both."""
    if len(parts) != 2:
        return False
    subjects = [draft.subject(i) for i in parts]
    return bool(_SELF_LEVEL.search(subjects[0]) and _LOWER_LEVEL.search(subjects[1])) or bool(
        _SELF_LEVEL.search(subjects[1]) and _LOWER_LEVEL.search(subjects[0])
    )


def _stated_complete(draft: Draft, whole_index: int, parts: list[int]) -> bool:
    """The text between the whole and its first part says the parts are all of it: "由三部分构成：", "分为
    两类：" with as many parts as it says."""
    from assistant.document.numbers import parse_chinese

    between = draft.text[draft.figures[whole_index].end : draft.figures[parts[0]].start]
    counted = _COUNTED_COMPLETE.search(between)
    if counted:
        raw = counted.group("n")
        number = int(raw) if raw.isdigit() else parse_chinese(raw.replace("两", "二"))
        return number == len(parts)
    return False


def _match_decomposition(name: str, vocab) -> str | None:
    if name in vocab.decompositions:
        return name
    for whole in vocab.decompositions:
        if any(variant in name for variant in vocab.variants(whole)):
            return whole
    return None
