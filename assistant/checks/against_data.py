"""Figures against the entered figures table: data_mismatch, unverified (info) and target claims."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from assistant.checks.arithmetic import Interval, in_unit_of
from assistant.checks.document import Draft
from assistant.checks.findings import Finding
from assistant.checks.names import canonical_text, find_name
from assistant.checks.table import FiguresTable, Row
from assistant.checks.targets import check_target_claims
from assistant.lexicon import pattern

_PRIOR_WORDS = pattern(r"{prior.value}")
_TARGET_WORDS = re.compile(r"目标|指标值|计划|任务数|预期")
_BUDGET_WORDS = re.compile(r"预算数|预算")
_CHANGE_WORDS = pattern(r"(?:{change.up|change.down})了?(?:为|达)?\s*$|增速|增幅|降幅|变动")


_PART_OF = re.compile(r"^\S*?中[^，,；;、]{2,}")


def _row_for(draft: Draft, i: int, table: FiguresTable) -> Row | None:
    """The table row the figure states; none when the text narrows the row's name to a part of it
    ("项目支出中第四季度支出1865.30万元" is not 项目支出)."""
    prefix = draft.prefix(i)
    found = find_name(prefix, table.names())
    if not found:
        return None
    rest = canonical_text(prefix)[found[1] :]
    if _PART_OF.match(rest):
        return None
    return table.rows[found[0]]


@dataclass(frozen=True)
class TableReference:
    """A figure of the draft and the table value it must equal (the row's actual, target or prior-year)."""

    figure: int  # index into the draft's figures
    row: Row
    reference: Decimal
    label: str  # 数值 | 目标值 | 上年数

    def agrees(self, draft: Draft) -> bool:
        """Equal within the rounding of both the draft's figure and the table's entry."""
        tolerance = self.row.tolerance_of(self.reference)
        entered = Interval(self.reference - tolerance, self.reference + tolerance)
        return Interval.of(draft.figures[self.figure]).overlaps(entered)


def table_references(draft: Draft, table: FiguresTable) -> list[TableReference]:
    """Every stand-alone figure of the draft that the table holds a value for."""
    references = []
    for i, figure in enumerate(draft.figures):
        if not figure.exact or draft.in_parentheses(i):
            continue
        prefix = draft.prefix(i)
        if figure.is_percent and ("占" in prefix or _CHANGE_WORDS.search(prefix)):
            continue  # shares and changes are checked as relations, not as stand-alone values
        if _CHANGE_WORDS.search(prefix) and not figure.is_percent:
            continue
        row = _row_for(draft, i, table)
        if row is None or row.dimension != figure.dimension:
            continue
        if _PRIOR_WORDS.search(prefix):
            reference, label = row.prior_year, "上年数"
        elif _TARGET_WORDS.search(prefix):
            reference, label = row.target, "目标值"
        elif _BUDGET_WORDS.search(prefix) and "预算" not in row.name:
            continue  # a budget figure is not the actual the table holds
        else:
            reference, label = row.value, "数值"
        if reference is not None:
            references.append(TableReference(i, row, reference, label))
    return references


def check_against_data(draft: Draft, table: FiguresTable) -> list[Finding]:
    findings: list[Finding] = []
    for i, figure in enumerate(draft.figures):
        if not figure.exact or draft.in_parentheses(i):
            continue
        prefix = draft.prefix(i)
        if figure.is_percent and ("占" in prefix or _CHANGE_WORDS.search(prefix)):
            continue
        if _CHANGE_WORDS.search(prefix) and not figure.is_percent:
            continue
        if _row_for(draft, i, table) is None and draft.subject(i):
            findings.append(
                Finding(
                    kind="unverified",
                    rule="data.missing",
                    severity="info",
                    start=figure.start,
                    end=figure.end,
                    text=figure.text,
                    message=f"“{draft.subject(i)}”{figure.text}在数据表中没有对应项，无法核对。",
                )
            )
    for ref in table_references(draft, table):
        if ref.agrees(draft):
            draft.verify("data.value", ref.figure)
            continue
        figure, row, reference = draft.figures[ref.figure], ref.row, ref.reference
        expected = in_unit_of(figure, reference)
        findings.append(
            Finding(
                kind="data_mismatch",
                rule="data.value",
                severity="error",
                start=figure.start,
                end=figure.end,
                text=figure.text,
                message=(
                    f"“{row.name}”在数据表中的{ref.label}为 {row.in_unit(reference)}，折合 {expected}；"
                    f"文中写作 {figure.text}，相差 {in_unit_of(figure, abs(figure.value - reference))}。"
                ),
                expected=expected,
                found=figure.text,
            )
        )
    findings.extend(check_target_claims(draft, table))
    return findings
