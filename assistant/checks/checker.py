"""check_text: every numeric check over a draft, optionally against a figures table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.checks.added import check_added, check_named_difference
from assistant.checks.against_data import check_against_data
from assistant.checks.coverage import Coverage
from assistant.checks.document import Draft
from assistant.checks.findings import Finding, sort_findings
from assistant.checks.growth import check_growth
from assistant.checks.lists import check_lists, check_numbered_lists
from assistant.checks.rates import check_named_base_rates, check_rates
from assistant.checks.score_rules import check_score_tables
from assistant.checks.shares import check_shares
from assistant.checks.sums import check_wholes_and_parts
from assistant.checks.table import FiguresTable
from assistant.checks.table_rules import check_tables
from assistant.checks.table_text import check_table_text
from assistant.checks.table_view import tables_in_text, tables_of_document
from assistant.checks.targets import check_target_claims
from assistant.document.model import Document


@dataclass
class CheckReport:
    """The findings of a check and what it covered (which figures were verified, by which rule)."""

    draft: Draft
    findings: list[Finding]
    coverage: Coverage

    def to_dict(self) -> dict[str, Any]:
        return {"findings": [f.to_dict() for f in self.findings], "coverage": self.coverage.to_dict()}


def check_text(text: str, table: FiguresTable | None = None) -> list[Finding]:
    """All findings for ``text``, errors first, each with the computation in its message."""
    return check_report(text, table).findings


def check_report(
    text: str, table: FiguresTable | None = None, document: Document | None = None
) -> CheckReport:
    """The findings for ``text`` with the coverage of its figures. The tables are the document's grids
    when ``document`` (whose logical text ``text`` is) is given, and those found in the text otherwise."""
    draft = Draft.parse(text)
    findings: list[Finding] = []
    views = tables_of_document(document) if document is not None else []
    views += tables_in_text(text, skip=[(t.start, t.end) for t in document.tables] if document else None)
    tables = check_tables(views)
    check_score_tables(views, tables)
    spans = [(t.start, t.end) for t in document.tables] if document else []
    check_table_text(draft, views, tables, spans + _text_table_spans(views))
    findings += tables.findings
    for i, figure in enumerate(draft.figures):  # a table cell with a unit ("93%") is also a figure
        rule = tables.verified.get((figure.start, figure.end))
        if rule:
            draft.verify(rule, i)
    findings += check_wholes_and_parts(draft)
    findings += check_added(draft)
    findings += check_named_difference(draft)
    findings += check_shares(draft, table)
    findings += check_rates(draft)
    findings += check_named_base_rates(draft)
    findings += check_growth(draft, table)
    findings += check_lists(draft)
    findings += check_numbered_lists(draft)
    if table is not None:
        findings += check_against_data(draft, table)
    else:
        findings += check_target_claims(draft, None)
    findings = sort_findings(_deduplicate(findings))
    coverage = Coverage.of(draft, findings)
    coverage.table_numbers, coverage.table_verified = tables.numbers, len(tables.verified)
    return CheckReport(draft, findings, coverage)


def _text_table_spans(views) -> list[tuple[int, int]]:
    """Where the tables found in the text stand (their cells are figures of the text too)."""
    spans = []
    for view in views:
        placed = [c for row in view.rows for c in row if c.end > c.start]
        if placed and view.merged_from == "text":
            spans.append((min(c.start for c in placed), max(c.end for c in placed)))
    return spans


def check_document(document: Document, table: FiguresTable | None = None) -> list[Finding]:
    """:func:`check_text` over a document's logical text; each finding also names its page (PDF, scan)."""
    return document_report(document, table).findings


def document_report(document: Document, table: FiguresTable | None = None) -> CheckReport:
    """:func:`check_report` over a document's logical text, findings placed on their pages."""
    report = check_report(document.text, table, document)
    on_pages(report.findings, document)
    return report


def on_pages(findings: list[Finding], document: Document) -> list[Finding]:
    """Set each finding's page from the document's page starts (spans index its logical text)."""
    if document.pages:
        for finding in findings:
            finding.page = document.page_at(finding.start)
    return findings


def _deduplicate(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, int, int]] = set()
    kept = []
    for finding in findings:
        key = (finding.kind, finding.start, finding.end)
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept
