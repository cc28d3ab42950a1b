"""Recall and precision of the checker over a labelled case file (tests/data/checker_cases.yaml)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.checks.checker import check_text
from assistant.checks.findings import Finding
from assistant.checks.table import table_from_rows


@dataclass
class KindScore:
    expected: int = 0
    found_expected: int = 0
    reported: int = 0
    reported_correct: int = 0

    @property
    def recall(self) -> float | None:
        return self.found_expected / self.expected if self.expected else None

    @property
    def precision(self) -> float | None:
        return self.reported_correct / self.reported if self.reported else None


@dataclass
class Evaluation:
    kinds: dict[str, KindScore] = field(default_factory=lambda: defaultdict(KindScore))
    info: KindScore = field(default_factory=KindScore)
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    cases: int = 0

    def overall(self) -> KindScore:
        total = KindScore()
        for score in self.kinds.values():
            total.expected += score.expected
            total.found_expected += score.found_expected
            total.reported += score.reported
            total.reported_correct += score.reported_correct
        return total


def load_cases(path: Path) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _span_of(text: str, item: dict[str, Any]) -> tuple[int, int]:
    needle = str(item["span"])
    position = -1
    for _ in range(int(item.get("occurrence", 1))):
        position = text.find(needle, position + 1)
        if position < 0:
            raise ValueError(f"span “{needle}” not found")
    return position, position + len(needle)


def _touches(finding: Finding, span: tuple[int, int]) -> bool:
    spans = [(finding.start, finding.end)] + [(r.start, r.end) for r in finding.related]
    return any(s < span[1] and span[0] < e for s, e in spans)


def evaluate(cases: list[dict[str, Any]]) -> Evaluation:
    result = Evaluation()
    for case in cases:
        result.cases += 1
        text = case["text"]
        table = table_from_rows(case["data"]) if case.get("data") else None
        findings = check_text(text, table)
        errors = [f for f in findings if f.severity == "error"]
        expected = [(item["kind"], _span_of(text, item)) for item in case.get("expect") or []]
        for kind, span in expected:
            score = result.kinds[kind]
            score.expected += 1
            if any(f.kind == kind and _touches(f, span) for f in errors):
                score.found_expected += 1
            else:
                result.misses.append(f"{case['id']}: {kind} @ {text[span[0] : span[1]]}")
        for finding in errors:
            score = result.kinds[finding.kind]
            score.reported += 1
            if any(finding.kind == kind and _touches(finding, span) for kind, span in expected):
                score.reported_correct += 1
            else:
                result.false_alarms.append(
                    f"{case['id']}: {finding.kind} @ {finding.text}: {finding.message}"
                )
        for item in case.get("info") or []:
            span = _span_of(text, item)
            result.info.expected += 1
            if any(f.kind == item["kind"] and f.severity == "info" and _touches(f, span) for f in findings):
                result.info.found_expected += 1
            else:
                result.misses.append(f"{case['id']}: info {item['kind']} @ {item['span']}")
    return result


# ---------- sets restated from real documents (tests/data/checker_real/*.yaml) ----------
#
# A case is paragraphs with [[表N]] lines where its tables stand, the tables as rows of cells, and at most one
# wrong figure (its printed text, which occurrence, the right value). The case is written out as a real
# .docx (paragraphs and Word tables, a caption and unit line before each table) and read back through the
# document model, so the checker is measured on what a user's file gives it.

PLACEHOLDER = re.compile(r"^\s*\[\[表(\d+)\]\]\s*$")


@dataclass
class RealScore:
    labelled: int = 0
    found: int = 0
    reported: int = 0
    correct: int = 0

    @property
    def recall(self) -> float | None:
        return self.found / self.labelled if self.labelled else None

    @property
    def precision(self) -> float | None:
        return self.correct / self.reported if self.reported else None


@dataclass
class RealEvaluation:
    cases: int = 0
    clean_cases: int = 0
    clean_with_false_error: int = 0
    by_relation: dict[str, RealScore] = field(default_factory=lambda: defaultdict(RealScore))
    by_rule: dict[str, RealScore] = field(default_factory=lambda: defaultdict(RealScore))
    overall: RealScore = field(default_factory=RealScore)
    figures: int = 0
    verified: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    warnings: int = 0


def write_case_docx(case: dict[str, Any], path: Path) -> Path:
    """The case as a Word file: its paragraphs, and each table (caption and unit lines first) where its
    [[表N]] line stands (tables never placed are appended at the end)."""
    import docx

    document = docx.Document()
    tables = case.get("tables") or []
    placed: set[int] = set()

    def add_table(k: int) -> None:
        spec = tables[k]
        if spec.get("caption"):
            document.add_paragraph(str(spec["caption"]))
        if spec.get("unit"):
            document.add_paragraph(f"单位：{spec['unit']}")
        rows = [[("" if cell is None else str(cell)) for cell in row] for row in spec.get("rows") or []]
        width = max((len(r) for r in rows), default=0)
        if not rows or not width:
            return
        table = document.add_table(rows=len(rows), cols=width)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value:
                    table.cell(r, c).text = value
        placed.add(k)

    for line in str(case.get("text") or "").splitlines():
        match = PLACEHOLDER.match(line)
        if match and 0 < int(match.group(1)) <= len(tables):
            add_table(int(match.group(1)) - 1)
        elif line.strip():
            document.add_paragraph(line.strip())
    for k in range(len(tables)):
        if k not in placed:
            add_table(k)
    document.save(str(path))
    return path


def normalize_case(case: dict[str, Any]) -> dict[str, Any]:
    """A case in either writer's schema as the one ``evaluate_real`` reads: tables with ``caption`` and
    ``rows`` (a separate ``header`` row first), errors with ``correct``; ``whole`` when occurrences count
    only matches that are not part of a longer number."""
    case = dict(case)
    tables = []
    for spec in case.get("tables") or []:
        spec = dict(spec)
        if "header" in spec:
            header = spec.pop("header") or []
            headers = header if header and isinstance(header[0], list) else [header]
            spec["rows"] = [*headers, *(spec.get("rows") or [])]
        if "title" in spec and "caption" not in spec:
            spec["caption"] = spec.pop("title")
        tables.append(spec)
    case["tables"] = tables
    errors = []
    for label in case.get("errors") or []:
        label = dict(label)
        label.setdefault("correct", label.get("expected"))
        label.setdefault("why", label.get("note", ""))
        errors.append(label)
    case["errors"] = errors
    if isinstance(case.get("source"), dict):
        case["province"] = case["source"].get("province", case.get("province", ""))
        case["whole"] = True
    return case


def _locate(document: Any, figure: str, occurrence: int, whole: bool = False) -> tuple[int, int] | None:
    """The span of the ``occurrence``-th printing of ``figure``, counting the text outside tables first,
    then the tables in order (how the cases count); with ``whole`` a match inside a longer number does not
    count."""
    text = document.text
    spans = sorted((t.start, t.end) for t in document.tables)

    def in_tables(at: int) -> bool:
        return any(a <= at < b for a, b in spans)

    def standalone(at: int) -> bool:
        before = text[at - 1 : at]
        after = text[at + len(figure) : at + len(figure) + 1]
        return not (before.isdigit() or before in ".．") and not (
            after.isdigit() or (after in ".．" and text[at + len(figure) + 1 : at + len(figure) + 2].isdigit())
        )

    hits = []
    start = text.find(figure)
    while start >= 0:
        if not whole or standalone(start):
            hits.append(start)
        start = text.find(figure, start + 1)
    outside = [h for h in hits if not in_tables(h)]
    inside = [h for h in hits if in_tables(h)]
    ordered = outside + inside
    if occurrence > len(ordered):
        return None
    at = ordered[occurrence - 1]
    return at, at + len(figure)


def evaluate_real(cases: list[dict[str, Any]], workdir: Path) -> RealEvaluation:
    from assistant.checks.checker import document_report
    from assistant.document.readers import read_document

    result = RealEvaluation()
    for n, case in enumerate(normalize_case(c) for c in cases):
        result.cases += 1
        path = write_case_docx(case, workdir / f"case-{n}.docx")
        document = read_document(path, f"{case.get('id', n)}.docx")
        report = document_report(document)
        result.figures += len(report.coverage.figures)
        result.verified += report.coverage.count("verified")
        result.warnings += sum(1 for f in report.findings if f.severity == "warning")
        errors = [f for f in report.findings if f.severity == "error"]
        labels = case.get("errors") or []
        relation = str(case.get("relation", "other"))
        if not labels:
            result.clean_cases += 1
            if errors:
                result.clean_with_false_error += 1
        expected = []
        for label in labels:
            span = _locate(document, str(label["figure"]), int(label.get("occurrence", 1)), bool(case.get("whole")))
            if span is None:
                result.misses.append(f"{case.get('id')}: figure “{label['figure']}” not found in the read text")
                continue
            expected.append((span, label))
        for span, label in expected:
            for score in (result.by_relation[relation], result.overall):
                score.labelled += 1
            hit = [f for f in errors if _touches(f, span)]
            if hit:
                result.by_relation[relation].found += 1
                result.overall.found += 1
            else:
                result.misses.append(
                    f"{case.get('id')} [{relation}]: {label['figure']} → {label.get('correct')} ({label.get('why', '')})"
                )
        for finding in errors:
            rule = finding.rule or finding.kind
            correct = any(_touches(finding, span) for span, _ in expected)
            for score in (result.by_rule[rule], result.overall):
                score.reported += 1
                score.correct += int(correct)
            if not correct:
                result.false_alarms.append(f"{case.get('id')} [{rule}]: {finding.text}: {finding.message}")
    return result
