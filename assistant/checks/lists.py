"""Counts followed by the list they count: "N 个，即 / 分别为 / 包括 a、b、c"."""

from __future__ import annotations

import re

from assistant.checks.document import Draft
from assistant.checks.findings import Finding, Span

_TRIGGER = re.compile(r"(?:分别为|分别是|即|包括|包含|依次为)[：:]?")
_ITEM_SPLIT = re.compile(r"[、；;]")
_CLAUSE_SPLIT = "，,；;。"


def check_lists(draft: Draft) -> list[Finding]:
    findings: list[Finding] = []
    text = draft.text
    for sentence_index, sentence in enumerate(draft.sentences):
        for trigger in _TRIGGER.finditer(text, sentence.start, sentence.end):
            counts = _counts_before(draft, sentence_index, trigger.start())
            if not counts:
                continue
            items_text = text[trigger.end() : sentence.end].rstrip("。！？!?\n ").strip()
            if not items_text or "等" in items_text[-4:] or re.search(r"[，,]", items_text):
                continue
            items = [item.strip() for item in _ITEM_SPLIT.split(items_text) if item.strip()]
            if len(items) < 2 or _has_figure(draft, trigger.end(), sentence.end):
                continue
            expected = sum(int(draft.figures[i].value) for i in counts)
            if len(items) == expected:
                continue
            first, last = draft.figures[counts[0]], draft.figures[counts[-1]]
            stated = " + ".join(draft.figures[i].text for i in counts)
            findings.append(
                Finding(
                    kind="count",
                    severity="error",
                    start=first.start,
                    end=last.end,
                    text=text[first.start : last.end],
                    message=f"文中称{stated}{'（共 ' + str(expected) + ' 个）' if len(counts) > 1 else ''}，但随后列出了 {len(items)} 项：{'、'.join(items)}。",
                    expected=f"{len(items)}",
                    found=f"{expected}",
                    related=[Span(trigger.end(), trigger.end() + len(items_text), items_text)],
                )
            )
    return findings


def _has_figure(draft: Draft, start: int, end: int) -> bool:
    """A list holding figures ("分别为：A 12 家、B 9 家") is a breakdown, not a list of names."""
    return any(start <= f.start < end for f in draft.figures)


def _counts_before(draft: Draft, sentence: int, position: int) -> list[int]:
    """Exact counts in the clause right before ``position`` (joined by 、), outside parentheses."""
    text = draft.text
    clause_end = position
    while clause_end > 0 and text[clause_end - 1] in "，,：: ":
        clause_end -= 1
    clause_start = clause_end
    while clause_start > draft.sentences[sentence].start and text[clause_start - 1] not in _CLAUSE_SPLIT:
        clause_start -= 1
    chosen = [
        i for i in draft.figures_in(sentence)
        if clause_start <= draft.figures[i].start < clause_end and draft.figures[i].is_count and not draft.in_parentheses(i)
    ]  # fmt: skip
    if not chosen or any(not draft.figures[i].exact for i in chosen):
        return []
    if len({draft.figures[i].unit for i in chosen}) != 1:
        return []
    return chosen
