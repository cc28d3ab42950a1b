"""Figures against the entered figures table: data_mismatch, unverified (info) and target claims."""

from __future__ import annotations

import re

from assistant.checks.arithmetic import Interval, in_unit_of
from assistant.checks.document import Draft
from assistant.checks.findings import Finding
from assistant.checks.names import find_name
from assistant.checks.table import FiguresTable, Row
from assistant.checks.targets import check_target_claims

_PRIOR_WORDS = re.compile(r"上年|去年|上一年|前一年")
_TARGET_WORDS = re.compile(r"目标|指标值|计划|任务数|预期")
_BUDGET_WORDS = re.compile(r"预算数|预算")
_CHANGE_WORDS = re.compile(r"增长|增加|下降|减少|降低|提高|上升|增速|增幅|降幅|变动")


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
    findings.extend(check_target_claims(draft, table))
    return findings
