"""Claims that a target was met or missed, against the figures the sentence states or the data table holds."""

from __future__ import annotations

import re

from assistant.checks.document import Draft
from assistant.checks.figures import Figure
from assistant.checks.findings import Finding, Span
from assistant.checks.names import find_name, vocabulary
from assistant.checks.table import FiguresTable, Row

_MET = re.compile(
    r"(?<![未没尚])(?<!没有)(?<!未能)(?:超额完成|全面完成|圆满完成|完成|达到|实现|达成)了?(?:年度|全年|既定|预期)?(?:绩效)?"
    r"(?:目标值|目标|指标值|指标|任务|计划)|(?<![未不])达标"
)
_MISSED = re.compile(r"(?:未|没有|没|尚未|未能)(?:能)?(?:全部|全面)?(?:完成|达到|实现|达成)|未达|不达标")
_TARGET_SUBJECT = re.compile(r"目标|指标值|计划|任务数|预期")
_ACTUAL_SUBJECT = re.compile(r"实际|完成|实现|达到|新增|累计")


def lower_is_better(name: str) -> bool:
    return any(word in name for word in vocabulary().lower_is_better)


def _claim(text: str) -> tuple[re.Match[str], bool] | None:
    """The claim in a sentence and whether it says the target was met."""
    missed = _MISSED.search(text)
    if missed:
        return missed, False
    met = _MET.search(text)
    return (met, True) if met else None


def _finding(draft: Draft, start: int, end: int, claims_met: bool, name: str, actual: str, target: str,
             actually_met: bool, lower: bool, related: list[Span]) -> Finding:  # fmt: skip
    relation = "≤" if lower else "≥"
    return Finding(
        kind="target",
        rule="target.claim",
        severity="error",
        start=start,
        end=end,
        text=draft.text[start:end],
        message=(
            f"文中称{name}{'已完成目标' if claims_met else '未完成目标'}，但实际 {actual}，目标 {target}"
            f"（要求实际 {relation} 目标），实际{'已达到' if actually_met else '未达到'}目标。"
        ),
        expected="已达到目标" if actually_met else "未达到目标",
        found=draft.text[start:end],
        related=related,
    )


def _from_text(draft: Draft, sentence: int) -> tuple[Figure, Figure, str] | None:
    """(target, actual, subject) stated side by side in one sentence."""
    indexes = [
        i for i in draft.figures_in(sentence) if draft.figures[i].exact and not draft.in_parentheses(i)
    ]
    targets = [i for i in indexes if draft.search(_TARGET_SUBJECT, i)]
    first_actual: dict[str, int] = {}  # dimension -> first actual of that dimension
    for i in indexes:
        if not draft.search(_TARGET_SUBJECT, i) and draft.search(_ACTUAL_SUBJECT, i):
            first_actual.setdefault(draft.figures[i].dimension, i)
    for t in targets:
        a = first_actual.get(draft.figures[t].dimension)
        if a is not None:
            return draft.figures[t], draft.figures[a], draft.subject(t)
    return None


def check_target_claims(draft: Draft, table: FiguresTable | None) -> list[Finding]:
    findings = []
    rows = [r for r in table.rows.values() if r.target is not None] if table else []
    for index, sentence in enumerate(draft.sentences):
        text = draft.text[sentence.start : sentence.end]
        claim = _claim(text)
        if claim is None:
            continue
        match, claims_met = claim
        start, end = sentence.start + match.start(), sentence.start + match.end()
        stated = _from_text(draft, index)
        if stated is not None:
            target, actual, subject = stated
            lower = lower_is_better(subject)
            met = actual.value <= target.value if lower else actual.value >= target.value
            if met != claims_met:
                related = [
                    Span(target.start, target.end, target.text),
                    Span(actual.start, actual.end, actual.text),
                ]
                findings.append(
                    _finding(draft, start, end, claims_met, "", actual.text, target.text, met, lower, related)
                )
            continue
        found = find_name(text, [r.key for r in rows]) if rows else None
        if not found or table is None:
            continue
        row: Row = table.rows[found[0]]
        assert row.target is not None
        lower = lower_is_better(row.name)
        met = row.value <= row.target if lower else row.value >= row.target
        if met != claims_met:
            findings.append(
                _finding(
                    draft,
                    start,
                    end,
                    claims_met,
                    f"“{row.name}”",
                    f"{row.in_unit(row.value)}（数据表）",
                    row.in_unit(row.target),
                    met,
                    lower,
                    [],
                )  # fmt: skip
            )
    return findings
