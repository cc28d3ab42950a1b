"""Recall and precision of the checker over a labelled case file (tests/data/checker_cases.yaml)."""

from __future__ import annotations

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
