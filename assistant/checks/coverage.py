"""What a check covered: for every figure of the text, whether a rule verified it, a finding contradicts it,
or nothing could check it, and the summary line saying so (silence must never look like a pass)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.checks.document import Draft
from assistant.checks.findings import Finding
from assistant.checks.rules import rule_label

VERIFIED, CONTRADICTED, UNVERIFIED = "verified", "contradicted", "unverified"
STATUS_LABELS = {VERIFIED: "核对一致", CONTRADICTED: "有误或存疑", UNVERIFIED: "无法核对"}


@dataclass(frozen=True)
class FigureStatus:
    index: int
    start: int
    end: int
    text: str
    status: str
    rules: tuple[str, ...] = ()  # the rules that verified it, or the rules of the findings on it
    subject: str = ""  # what the figure measures, as the text names it

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "status": self.status,
                "rules": list(self.rules), "subject": self.subject}  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FigureStatus:
        return cls(int(data.get("index", -1)), int(data["start"]), int(data["end"]), str(data["text"]),
                   str(data["status"]), tuple(data.get("rules") or ()), str(data.get("subject", "")))  # fmt: skip


@dataclass
class Coverage:
    figures: list[FigureStatus] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    table_numbers: int = 0  # number cells in tables (not figures of the text: they carry no unit)
    table_verified: int = 0  # of those, the ones a table rule found consistent

    @classmethod
    def of(cls, draft: Draft, findings: list[Finding]) -> Coverage:
        flagged: dict[int, list[str]] = {}
        starts = {figure.start: i for i, figure in enumerate(draft.figures)}
        for finding in findings:
            if finding.severity == "info":
                continue
            i = starts.get(finding.start)
            if i is not None:
                flagged.setdefault(i, []).append(finding.rule or finding.kind)
        statuses = []
        for i, figure in enumerate(draft.figures):
            if i in flagged:
                status, rules = CONTRADICTED, tuple(flagged[i])
            elif i in draft.verified:
                status, rules = VERIFIED, tuple(draft.verified[i])
            else:
                status, rules = UNVERIFIED, ()
            statuses.append(FigureStatus(i, figure.start, figure.end, figure.text, status, rules, draft.subject(i)))
        errors = sum(1 for f in findings if f.severity == "error")
        warnings = sum(1 for f in findings if f.severity == "warning")
        return cls(statuses, errors, warnings)

    def count(self, status: str) -> int:
        return sum(1 for f in self.figures if f.status == status)

    def unverified(self) -> list[FigureStatus]:
        return [f for f in self.figures if f.status == UNVERIFIED]

    def summary(self) -> str:
        """"共 92 个数字：核对一致 51 个，发现错误 1 处、警告 0 处，无法核对 40 个。"""
        total = len(self.figures)
        if not total and not self.table_numbers:
            return "文中没有可核对的数字。"
        tables = (
            f"表格中另有 {self.table_numbers} 个数字，核对一致 {self.table_verified} 个。" if self.table_numbers else ""
        )
        return (
            f"共 {total} 个数字：核对一致 {self.count(VERIFIED)} 个，发现错误 {self.errors} 处、警告 {self.warnings} 处，"
            f"无法核对 {self.count(UNVERIFIED)} 个（没有可据以核对的关系或数据）。{tables}"
        )

    def verified_by(self) -> dict[str, int]:
        """How many figures each rule verified."""
        counts: dict[str, int] = {}
        for status in self.figures:
            if status.status == VERIFIED:
                for rule in status.rules:
                    counts[rule] = counts.get(rule, 0) + 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": len(self.figures), "verified": self.count(VERIFIED), "contradicted": self.count(CONTRADICTED),
            "unverified": self.count(UNVERIFIED), "errors": self.errors, "warnings": self.warnings,
            "verified_by": {rule: n for rule, n in sorted(self.verified_by().items())},
            "table_numbers": self.table_numbers, "table_verified": self.table_verified,
            "figures": [f.to_dict() for f in self.figures], "summary": self.summary(),
        }  # fmt: skip


    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Coverage:
        return cls([FigureStatus.from_dict(f) for f in data.get("figures") or []], int(data.get("errors", 0)),
                   int(data.get("warnings", 0)), int(data.get("table_numbers", 0)),
                   int(data.get("table_verified", 0)))  # fmt: skip


def describe_rules(rules: tuple[str, ...]) -> str:
    return "、".join(rule_label(r) for r in rules)
