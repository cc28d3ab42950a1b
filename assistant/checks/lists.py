"""Counts followed by the list they count: "N 个，即 / 分别为 / 包括 a、b、c".

A list runs from its trigger word to the end of the sentence. A sentence can hold many trigger words, so
what each one needs (the counts of its clause, whether a comma or a figure follows, how many items follow)
is looked up in indexes of the sentence instead of being read off the rest of the sentence each time.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from assistant.checks.document import Draft
from assistant.checks.findings import Finding, Span
from assistant.document.numbers import parse_chinese
from assistant.lexicon import pattern

_TRIGGER = pattern(r"(?:{list.trigger})[：:]?")
_JOINER = pattern(r"{list.joiner}")
_ITEM_SPLIT = re.compile(r"[、；;]")
_CLAUSE_SPLIT = re.compile(r"[，,；;。]")
_COMMA = re.compile(r"[，,]")
_LIST_END = "。！？!?\n "  # stripped from the end of a list before its blanks


def check_lists(draft: Draft) -> list[Finding]:
    findings: list[Finding] = []
    # counts already found wrong: a later trigger after them would only repeat the finding
    reported: set[tuple[int, int]] = set()
    counts_of: dict[tuple[int, int], _Counts | None] = {}  # figure index range of a clause -> its counts
    text = draft.text
    for sentence_index, sentence in enumerate(draft.sentences):
        tail: _Tail | None = None
        for trigger in _TRIGGER.finditer(text, sentence.start, sentence.end):
            after = (trigger.end(), sentence.end)
            if _has_figure(draft, *after) or _has(draft, _COMMA, *after):
                continue  # a list of names runs to the sentence's end with no figure and no comma in it
            counts = _counts_before(draft, sentence_index, trigger.start(), counts_of)
            if counts is None or counts.span in reported:
                continue
            tail = tail or _Tail.of(draft, sentence_index)
            start, end = tail.items_text(trigger.end())
            if start >= end or "等" in text[max(start, end - 4) : end]:
                continue
            item_count = tail.item_count(start, end)
            if item_count < 2:
                continue
            # "A、B和C": the last item may be two joined by 和/及/以及, or one name that holds the word
            joined = item_count + _joined_in_last(text[start:end])
            if counts.total in (item_count, joined):
                draft.verify("list.count", *counts.indexes)
                continue
            reported.add(counts.span)
            findings.append(_finding(draft, counts, text[start:end], trigger.end()))
    return findings


def _joined_in_last(items_text: str) -> int:
    """1 when the list's last item reads as two items joined by a list joiner ("B和C"), else 0."""
    last = _ITEM_SPLIT.split(items_text)[-1].strip()
    match = _JOINER.search(last, 1)
    return int(bool(match) and len(last[: match.start()].strip()) >= 2 and len(last[match.end() :].strip()) >= 2)


def _finding(draft: Draft, counts: _Counts, items_text: str, list_start: int) -> Finding:
    text = draft.text
    items = [item.strip() for item in _ITEM_SPLIT.split(items_text) if item.strip()]
    if items and _joined_in_last(items_text):
        match = _JOINER.search(items[-1], 1)
        assert match is not None
        items[-1:] = [items[-1][: match.start()].strip(), items[-1][match.end() :].strip()]
    first, last = draft.figures[counts.indexes[0]], draft.figures[counts.indexes[-1]]
    stated = " + ".join(draft.figures[i].text for i in counts.indexes)
    expected = counts.total
    return Finding(
        kind="count",
        rule="list.count",
        severity="error",
        start=first.start,
        end=last.end,
        text=text[first.start : last.end],
        message=f"文中称{stated}{'（共 ' + str(expected) + ' 个）' if len(counts.indexes) > 1 else ''}，但随后列出了 {len(items)} 项：{'、'.join(items)}。",
        expected=f"{len(items)}",
        found=f"{expected}",
        related=[Span(list_start, list_start + len(items_text), items_text)],
    )


def _has(draft: Draft, pattern: re.Pattern[str], start: int, end: int) -> bool:
    """Whether ``pattern`` matches (a single character) in ``text[start:end]``."""
    positions = draft.positions(pattern)
    k = bisect_left(positions, start)
    return k < len(positions) and positions[k] < end


def _has_figure(draft: Draft, start: int, end: int) -> bool:
    """A list holding figures ("分别为：A 12 家、B 9 家") is a breakdown, not a list of names."""
    k = bisect_left(draft.starts, start)
    return k < len(draft.starts) and draft.starts[k] < end


@dataclass(frozen=True)
class _Counts:
    indexes: list[int]  # the count figures, in order
    total: int

    @property
    def span(self) -> tuple[int, int]:
        return self.indexes[0], self.indexes[-1]


def _counts_before(
    draft: Draft, sentence: int, position: int, counts_of: dict[tuple[int, int], _Counts | None]
) -> _Counts | None:
    """Exact counts in the clause right before ``position`` (joined by 、), outside parentheses."""
    text = draft.text
    clause_end = position
    while clause_end > 0 and text[clause_end - 1] in "，,：: ":
        clause_end -= 1
    floor = draft.sentences[sentence].start
    splits = draft.positions(_CLAUSE_SPLIT)
    k = bisect_left(splits, clause_end) - 1
    clause_start = splits[k] + 1 if k >= 0 and splits[k] >= floor else floor
    figures = (draft.first_figure_from(clause_start, sentence), draft.first_figure_from(clause_end, sentence))
    if figures not in counts_of:
        counts_of[figures] = _counts_in(draft, range(*figures))
    return counts_of[figures]


def _counts_in(draft: Draft, indexes: range) -> _Counts | None:
    chosen = [i for i in indexes if draft.figures[i].is_count and not draft.in_parentheses(i)]
    if not chosen or any(not draft.figures[i].exact for i in chosen):
        return None
    if len({draft.figures[i].unit for i in chosen}) != 1:
        return None
    return _Counts(chosen, sum(int(draft.figures[i].value) for i in chosen))


@dataclass(frozen=True)
class _Tail:
    """The end of a sentence as lists read it: a list runs from its trigger to the sentence's end, stripped;
    its items are split at 、；; and blank items do not count."""

    text: str
    end: int  # the sentence's end, stripped: the same for every list in the sentence
    separators: list[int]  # positions of 、；; in the sentence before ``end``
    filled_before: list[int]  # [k]: how many gaps between separators 0 … k hold more than blanks

    @classmethod
    def of(cls, draft: Draft, sentence: int) -> _Tail:
        text = draft.text
        span = draft.sentences[sentence]
        end = span.end
        while end > span.start and text[end - 1] in _LIST_END:
            end -= 1
        while end > span.start and text[end - 1].isspace():
            end -= 1
        positions = draft.positions(_ITEM_SPLIT)
        separators = positions[bisect_left(positions, span.start) : bisect_left(positions, end)]
        filled_before = [0]
        for left, right in zip(separators, separators[1:], strict=False):
            filled_before.append(filled_before[-1] + bool(text[left + 1 : right].strip()))
        return cls(text, end, separators, filled_before)

    def items_text(self, list_start: int) -> tuple[int, int]:
        """Span of ``text[list_start:sentence end].rstrip(_LIST_END).strip()``."""
        end = max(list_start, self.end)
        start = list_start
        while start < end and self.text[start].isspace():
            start += 1
        return start, end

    def item_count(self, start: int, end: int) -> int:
        """How many items ``items_text`` at ``start:end`` splits into; both ends are not blank."""
        first = bisect_left(self.separators, start)
        after_last = bisect_left(self.separators, end)
        if first == after_last:
            return 1
        leading = start < self.separators[first]  # the text before the first separator
        between = self.filled_before[after_last - 1] - self.filled_before[first]
        trailing = self.separators[after_last - 1] + 1 < end  # and after the last
        return leading + between + trailing


_NUMBERED_HEAD = re.compile(r"(?:以下|如下|下列)?(?P<n>[0-9０-９]+|[一二两三四五六七八九十]+)(?:个|项|条|类|点)(?:方面|任务|工作|问题|措施|内容|部分)?[：:]\s*$")
_NUMBERED_ITEM = re.compile(r"^\s*(?:[（(])?(?P<k>\d{1,2})(?:[）)]|[.．、](?!\d))")


def check_numbered_lists(draft: Draft) -> list[Finding]:
    """list.count for a count that ends its line with "：" and the numbered lines that follow it ("包括以下8个方面：",
    then "1．…" … "9．…"): the lines numbered 1, 2, 3 … in a row are what it counts."""
    findings: list[Finding] = []
    text = draft.text
    lines = text.split("\n")
    offsets, at = [], 0
    for line in lines:
        offsets.append(at)
        at += len(line) + 1
    for n, line in enumerate(lines[:-1]):
        head = _NUMBERED_HEAD.search(line)
        if head is None:
            continue
        raw = head.group("n")
        stated = int(raw) if raw.isdigit() else parse_chinese(raw.replace("两", "二"))
        if not stated:
            continue
        items, expected_next = 0, 1
        for following in lines[n + 1 :]:
            match = _NUMBERED_ITEM.match(following)
            if match is None or int(match.group("k")) != expected_next:
                break
            items += 1
            expected_next += 1
        if items < 2:
            continue
        start = offsets[n] + head.start("n")
        end = offsets[n] + head.end("n") + 1
        if items == stated:
            k = draft.index_at(start)
            if k is not None:
                draft.verify("list.count", k)
            continue
        findings.append(
            Finding(
                kind="count", rule="list.count", severity="error",
                start=start, end=end, text=text[start:end],
                message=f"文中称{text[start:end]}，随后按序号列出了 {items} 项（1—{items}）。",
                expected=str(items), found=raw,
            )  # fmt: skip
        )
    return findings
