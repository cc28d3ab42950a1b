"""The one Finding model shared by every check (DESIGN.md §4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
KINDS = (
    "part_sum", "share_sum", "ratio", "rate", "growth", "subset", "count", "target", "data_mismatch", "unverified",
    "unsupported_claim", "contradicted_claim",
)  # fmt: skip


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


@dataclass
class Finding:
    kind: str
    severity: str  # "error" | "warning" | "info"
    start: int
    end: int
    text: str
    message: str
    expected: str | None = None
    found: str | None = None
    related: list[Span] = field(default_factory=list)
    page: int | None = None  # 1-based page of a PDF or scan the span starts on
    rule: str = ""  # the id of the rule that made it (checks/rules.py)
    params: dict[str, str] = field(default_factory=dict)  # the numbers the rule computed, by name

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "message": self.message,
        }
        if self.expected is not None:
            data["expected"] = self.expected
        if self.found is not None:
            data["found"] = self.found
        if self.related:
            data["related"] = [{"start": s.start, "end": s.end, "text": s.text} for s in self.related]
        if self.page is not None:
            data["page"] = self.page
        if self.rule:
            data["rule"] = self.rule
        if self.params:
            data["params"] = dict(self.params)
        return data


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.start, f.kind))
