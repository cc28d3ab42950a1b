"""Stated sums: "A，加上B，C（，减去D），合计X" states X = A + B + C − D (parts.added), and "X减去Y后，Z z"
names a difference of two amounts stated before (parts.difference)."""

from __future__ import annotations

import re
from bisect import bisect_left

from assistant.checks.arithmetic import Interval, shared_unit_text
from assistant.checks.document import Draft
from assistant.checks.findings import Finding, Span
from assistant.checks.names import vocabulary
from assistant.lexicon import pattern

# a result word in the total's clause ("合计a亿元", "累计下达…资金")
_RESULT_WORD = pattern(r"{sum.total}")
_BALANCE_WORD = pattern(r"{sum.balance}")
_ADD = pattern(r"^\s*(?:{sum.add})")
_SUBTRACT = pattern(r"^\s*(?:{sum.subtract})")
_CHANGE = pattern(r"(?:{change.up|change.down})了?$")
_AMONG = pattern(r"(?:{list.head})")
_SENTENCE_OPEN = re.compile(r"[\s，,]*")


_CLAUSE_MARK = re.compile(r"[，,；;：:。\n]")


def _clause(draft: Draft, i: int) -> str:
    """The figure's clause before it, from the last clause mark (other figures in it, a quoted "两项", kept)."""
    sentence = draft.sentences[draft.sentence_of[i]]
    start = draft.figures[i].start
    marks = draft.positions(_CLAUSE_MARK)
    k = bisect_left(marks, start) - 1
    cut = marks[k] + 1 if k >= 0 and marks[k] >= sentence.start else sentence.start
    return draft.text[cut:start]


def _sign(draft: Draft, j: int) -> int:
    prefix = draft.prefix(j)
    return 1 if _ADD.search(prefix) else -1 if _SUBTRACT.search(prefix) else 0


# a stated sum has at most this many figures before its total (terms, and the figures between them)
MAX_REACH = 24


def _candidates(draft: Draft, sentence: int, dimension: str, before: int) -> list[int]:
    """Figures of the sentence of this dimension, before figure ``before`` and at most MAX_REACH back."""
    indexes = draft.figures_in(sentence)
    if not indexes:
        return []
    stop = min(before, indexes[-1] + 1)
    return [
        j for j in range(max(indexes[0], stop - MAX_REACH), stop)
        if draft.figures[j].dimension == dimension and not draft.in_parentheses(j) and not draft.figures[j].is_percent
    ]  # fmt: skip


_BRACKETED = re.compile(r"[（(][^（()）]*[）)]")


def _among_before(draft: Draft, j: int, previous: int) -> bool:
    """A list head (其中 …), outside brackets, stands between figure ``previous`` and figure ``j``: ``j`` is a
    part of an earlier amount, not a term of the sum."""
    between = _BRACKETED.sub("", draft.text[draft.figures[previous].end : draft.figures[j].start])
    return _AMONG.search(between) is not None


def _after_last_result(draft: Draft, window: list[int]) -> list[int]:
    """The figures after the last one that is itself a stated result: a sum starts after the one before."""
    last = max(
        (n for n, j in enumerate(window) if _RESULT_WORD.search(draft.prefix(j))),
        default=-1,
    )
    return window[last + 1 :]


def _opens_sentence(draft: Draft, j: int) -> bool:
    sentence = draft.sentences[draft.sentence_of[j]]
    operator = _ADD.search(draft.prefix(j)) or _SUBTRACT.search(draft.prefix(j))
    if operator is None:
        return False
    prefix_start = draft.figures[j].start - len(draft.prefix(j))
    return _SENTENCE_OPEN.fullmatch(draft.text, sentence.start, prefix_start + operator.start()) is not None


def _terms(draft: Draft, i: int) -> list[tuple[int, int]] | None:
    """The signed terms whose sum figure ``i`` states, first term first, or None."""
    total = draft.figures[i]
    sentence = draft.sentence_of[i]
    group = draft.group_start(total.start)
    everything = _candidates(draft, sentence, total.dimension, i)
    window = _after_last_result(draft, [j for j in everything if draft.figures[j].start >= group])
    signs = {j: _sign(draft, j) for j in window}
    operators = [j for j in window if signs[j]]
    if not operators:
        return None
    first_operator = operators[0]
    if first_operator == window[0] and _opens_group(draft, first_operator):
        # "…其中A a、B b；加上转移性收入c，收入总计d": the first term is in the group before
        window = _after_last_result(draft, everything)
    terms: list[tuple[int, int]] = []
    sign = 0
    for n, j in enumerate(window):
        if j < first_operator:
            continue
        if draft.search(_CHANGE, j) or not draft.figures[j].exact:
            return None  # a change or an estimate among the terms: not a plain sum
        if signs[j]:
            sign = signs[j]
        elif sign < 0 or (n and _among_before(draft, j, window[n - 1])):
            # a bare amount after 减 is ambiguous; one after 其中 is a part of the term before
            if _among_before(draft, j, window[n - 1]):
                continue
            return None
        terms.append((j, sign))
    # the first term: the amount before the first operator, skipping the parts of a 其中 list
    before = [j for j in window if j < first_operator]
    for n in range(len(before) - 1, 0, -1):
        if _among_before(draft, before[n], before[n - 1]):
            before = before[:n]
            break
    if before:
        first = before[-1]
        if draft.search(_CHANGE, first) or not draft.figures[first].exact:
            return None
    elif _opens_sentence(draft, first_operator) and sentence > 0:
        # "资金a万元。加上此前下达的b万元，累计…": the one amount of the sentence before
        previous = [
            j for j in _candidates(draft, sentence - 1, total.dimension, len(draft.figures))
            if not draft.search(_CHANGE, j) and draft.figures[j].exact
        ]  # fmt: skip
        if len(previous) != 1:
            return None
        first = previous[0]
    else:
        return None
    return [(first, 1), *terms]


def _opens_group(draft: Draft, j: int) -> bool:
    """Figure ``j``'s operator word opens its semicolon group ("；加上…")."""
    group = draft.group_start(draft.figures[j].start)
    prefix_start = draft.figures[j].start - len(draft.prefix(j))
    return not draft.text[group:prefix_start].strip(" ，,\n")


def _is_total(draft: Draft, i: int, terms: list[tuple[int, int]]) -> bool:
    """Figure ``i`` names the result of the terms: a total word right before it, or a result word in its
    clause (a balance word only after a subtraction), and no further term of the sum after it."""
    prefix = _clause(draft, i)
    named = bool(_RESULT_WORD.search(prefix))
    if not named and _BALANCE_WORD.search(prefix):
        named = any(sign < 0 for _, sign in terms)
    if not named:
        return False
    total = draft.figures[i]
    found = re.compile(r"[；;]").search(draft.text, total.end)
    group_end = found.start() if found else -1
    for j in range(i + 1, len(draft.figures)):
        if draft.sentence_of[j] != draft.sentence_of[i]:
            break
        if group_end >= 0 and draft.figures[j].start > group_end:
            break
        figure = draft.figures[j]
        if figure.dimension == total.dimension and not figure.is_percent and not draft.in_parentheses(j):
            # a later amount of the same kind continues the sum, unless a list of the total's parts opens
            return _among_before(draft, j, i)
    return True


def check_added(draft: Draft) -> list[Finding]:
    """parts.added: "A，加上B，C，合计X" states X = A + B + C (减去 / 扣除 take an amount away)."""
    findings: list[Finding] = []
    for i, total in enumerate(draft.figures):
        if not total.exact or total.is_percent or draft.in_parentheses(i):
            continue
        prefix = _clause(draft, i)
        if not (_RESULT_WORD.search(prefix) or _BALANCE_WORD.search(prefix)) or _sign(draft, i):
            continue
        terms = _terms(draft, i)
        if not terms or len(terms) < 2 or not _is_total(draft, i, terms):
            continue
        findings.extend(_judge(draft, i, terms, "parts.added"))
    return findings


def _judge(draft: Draft, i: int, terms: list[tuple[int, int]], rule: str) -> list[Finding]:
    total = draft.figures[i]
    interval = Interval.exact(total.value * 0)
    for k, sign in terms:
        part = Interval.of(draft.figures[k])
        interval = interval + part if sign > 0 else interval - part
    indexes = [k for k, _ in terms]
    if interval.overlaps(Interval.of(total)):
        draft.verify(rule, i, *indexes)
        return []
    involved = [total] + [draft.figures[k] for k in indexes]
    exact = sum((draft.figures[k].value * sign for k, sign in terms), start=total.value * 0)
    expression = "".join(
        f"{'' if n == 0 else (' + ' if sign > 0 else ' − ')}{draft.figures[k].text}" for n, (k, sign) in enumerate(terms)
    )
    return [
        Finding(
            kind="part_sum", rule=rule, severity="error",
            start=total.start, end=total.end, text=total.text,
            message=(
                f"文中写明{expression}，结果应为 {shared_unit_text(involved, exact)}，"
                f"文中写作 {total.text}，相差 {shared_unit_text(involved, abs(total.value - exact))}。"
            ),
            expected=shared_unit_text(involved, exact), found=total.text,
            related=[Span(draft.figures[k].start, draft.figures[k].end, draft.figures[k].text) for k in indexes],
        )  # fmt: skip
    ]


_NAMED_DIFFERENCE = pattern(
    r"(?P<a>[^，,；;。：:\d]{2,16}?)(?:{sum.subtract})(?P<b>[^，,；;。：:\d]{2,16}?)(?:后|的差额|之差)[，,]?"
)


def check_named_difference(draft: Draft) -> list[Finding]:
    """parts.difference: "X a，Y b，X减去Y后，Z c" states c = a − b, where a and
    b are the latest amounts, in this sentence or the one before, named as the text names them."""
    findings: list[Finding] = []
    vocab = vocabulary()
    for sentence_index, sentence in enumerate(draft.sentences):
        for match in _NAMED_DIFFERENCE.finditer(draft.text, sentence.start, sentence.end):
            after = [j for j in draft.figures_in(sentence_index) if draft.figures[j].start >= match.end()]
            if not after:
                continue
            result = after[0]
            # the result is the first figure after the phrase, in the same clause group
            if draft.group_start(draft.figures[result].start) != draft.group_start(match.start()):
                continue
            named: list[int] = []
            for name in (match.group("a"), match.group("b")):
                wanted = vocab.canonical(re.sub(r"^[\s，,]*(?:用|以|将|由)?", "", name))
                found = None
                for k in (sentence_index, sentence_index - 1):
                    if k < 0:
                        continue
                    for j in draft.figures_in(k):
                        if draft.figures[j].start >= match.start():
                            break
                        subject = vocab.canonical(draft.subject(j))
                        if subject == wanted or (len(wanted) >= 3 and subject.endswith(wanted)):
                            found = j
                    if found is not None:
                        break
                if found is None:
                    break
                named.append(found)
            if len(named) != 2:
                continue
            figures = [draft.figures[j] for j in (*named, result)]
            if len({f.dimension for f in figures}) != 1 or not all(f.exact and not f.is_percent for f in figures):
                continue
            findings.extend(_judge(draft, result, [(named[0], 1), (named[1], -1)], "parts.difference"))
    return findings
