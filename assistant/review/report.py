"""A review as the terminal shows it: every finding at its place, the supported claims with their sources."""

from __future__ import annotations

from collections import Counter

from assistant.checks.document import Draft
from assistant.checks.report import KIND_LABEL, SEVERITY_LABEL, sentence_with_mark
from assistant.review.offline_judge import SUPPORTED
from assistant.review.service import VERDICT_LABELS, VERDICTS, ReviewResult


def summary_line(result: ReviewResult) -> str:
    counts = result.counts()
    total = sum(counts.values())
    verdicts = "，".join(f"{VERDICT_LABELS[v]} {counts[v]} 条" for v in VERDICTS)
    severities = Counter(f.severity for f in result.findings)
    return (
        f"共 {total} 条表述：{verdicts}。"
        f"问题：错误 {severities.get('error', 0)} 处，警告 {severities.get('warning', 0)} 处，"
        f"提示 {severities.get('info', 0)} 处。"
    )


def render_review(result: ReviewResult, source: str = "") -> str:
    draft = Draft.parse(result.text)
    where = f"{source}:" if source else ""
    lines = [notice for notice in result.notices]
    if lines:
        lines.append("")
    for finding in result.findings:
        line, column = draft.line_col(finding.start)
        label = KIND_LABEL.get(finding.kind, finding.kind)
        lines.append(f"{where}{line}:{column} {SEVERITY_LABEL[finding.severity]}［{label}］")
        lines.append(f"    {sentence_with_mark(draft, finding)}")
        lines.append(f"    {finding.message}")
    supported = [c for c in result.claims if c.verdict == SUPPORTED]
    if supported:
        lines.append("")
        lines.append("有依据的表述：")
        for claim in supported:
            line, column = draft.line_col(claim.claim.start)
            lines.append(f"{where}{line}:{column} {claim.claim.text}")
            for citation in claim.citations:
                lines.append(f"    依据：{citation.label()}：“{citation.quote}”")
    lines.append("")
    lines.append(summary_line(result))
    return "\n".join(lines)
