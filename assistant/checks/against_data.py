"""Figures against the entered figures table: data_mismatch, unverified (info) and target claims."""

from __future__ import annotations

import re
from decimal import Decimal

from assistant.checks.arithmetic import Interval, in_unit_of
from assistant.checks.document import Draft
from assistant.checks.findings import Finding, Span
from assistant.checks.names import find_name, vocabulary
from assistant.checks.table import FiguresTable, Row

_PRIOR_WORDS = re.compile(r"上年|去年|上一年|前一年")
_TARGET_WORDS = re.compile(r"目标|指标值|计划|任务数|预期")
_BUDGET_WORDS = re.compile(r"预算数|预算")
_CHANGE_WORDS = re.compile(r"增长|增加|下降|减少|降低|提高|上升|增速|增幅|降幅|变动")
_MET = re.compile(r"(?<![未没尚])(?<!没有)(?<!未能)(?:超额完成|全面完成|圆满完成|完成|达到|实现|达成)了?(?:年度|全年|既定|预期)?(?:绩效)?(?:目标|指标值|指标|任务|计划)|(?<![未不])达标")
_MISSED = re.compile(r"(?:未|没有|没|尚未|未能)(?:能)?(?:全部|全面)?(?:完成|达到|实现|达成)|未达|差距|不达标|缺口")


def _row_for(draft: Draft, i: int, table: FiguresTable) -> Row | None:
    found = find_name(draft.prefix(i), table.names())
    return table.rows[found[0]] if found else None


def check_against_data(draft: Draft, table: FiguresTable) -> list[Finding]:
    findings: list[Finding] = []
    for i, figure in enumerate(draft.figures):
        if not figure.exact or draft.in_parentheses(i):
            continue
        prefix = draft.prefix(i)
        if figure.is_percent and ("占" in prefix or _CHANGE_WORDS.search(prefix)):
            continue  # shares and changes are checked as relations, not as stand-alone values
        if _CHANGE_WORDS.search(prefix) and not figure.is_percent:
            continue
        row = _row_for(draft, i, table)
        if row is None:
            if draft.subject(i):
                findings.append(
                    Finding(
                        kind="unverified",
                        severity="info",
                        start=figure.start,
                        end=figure.end,
                        text=figure.text,
                        message=f"“{draft.subject(i)}”{figure.text}在数据表中没有对应项，无法核对。",
                    )
                )
            continue
        if row.dimension != figure.dimension:
            continue
        if _PRIOR_WORDS.search(prefix):
            reference, label = row.prior_year, "上年数"
        elif _TARGET_WORDS.search(prefix):
            reference, label = row.target, "目标值"
        elif _BUDGET_WORDS.search(prefix) and "预算" not in row.name:
            continue  # a budget figure is not the actual the table holds
        else:
            reference, label = row.value, "数值"
        if reference is None:
            continue
        if Interval.of(figure).contains(reference):
            continue
        expected = in_unit_of(figure, reference)
        findings.append(
            Finding(
                kind="data_mismatch",
                severity="error",
                start=figure.start,
                end=figure.end,
                text=figure.text,
                message=(
                    f"“{row.name}”在数据表中的{label}为 {row.in_unit(reference)}，折合 {expected}；"
                    f"文中写作 {figure.text}，相差 {in_unit_of(figure, abs(figure.value - reference))}。"
                ),
                expected=expected,
                found=figure.text,
            )
        )
    findings.extend(_check_target_claims(draft, table))
    return findings


def _lower_is_better(name: str) -> bool:
    return any(word in name for word in vocabulary().lower_is_better)


def _met(row: Row) -> bool:
    assert row.target is not None
    return row.value <= row.target if _lower_is_better(row.name) else row.value >= row.target


def _check_target_claims(draft: Draft, table: FiguresTable) -> list[Finding]:
    findings = []
    rows = [r for r in table.rows.values() if r.target is not None]
    if not rows:
        return findings
    for sentence in draft.sentences:
        text = draft.text[sentence.start : sentence.end]
        found = find_name(text, [r.key for r in rows])
        if not found:
            continue
        row = table.rows[found[0]]
        missed = _MISSED.search(text)
        met = None if missed else _MET.search(text)
        claim = missed or met
        if claim is None:
            continue
        actually_met = _met(row)
        if bool(met) == actually_met:
            continue
        start, end = sentence.start + claim.start(), sentence.start + claim.end()
        relation = "≤" if _lower_is_better(row.name) else "≥"
        verdict = "已达到" if actually_met else "未达到"
        findings.append(
            Finding(
                kind="target",
                severity="error",
                start=start,
                end=end,
                text=draft.text[start:end],
                message=(
                    f"文中称“{row.name}”{'已完成目标' if met else '未完成目标'}，但数据表中实际 {row.in_unit(row.value)}，"
                    f"目标 {row.in_unit(row.target)}（要求实际 {relation} 目标），实际{verdict}目标。"  # type: ignore[arg-type]
                ),
                expected=verdict + "目标",
                found=draft.text[start:end],
                related=[],
            )
        )
    return findings


__all__ = ["check_against_data", "Decimal", "Span"]
