"""Findings as the terminal shows them: position, the sentence with the span marked, the message."""

from __future__ import annotations

from collections import Counter

from assistant.checks.coverage import Coverage
from assistant.checks.document import Draft
from assistant.checks.findings import Finding

SEVERITY_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}
KIND_LABEL = {
    "part_sum": "分项合计", "share_sum": "占比合计", "ratio": "占比", "rate": "比率", "growth": "增减",
    "subset": "包含关系", "count": "计数", "target": "目标完成", "data_mismatch": "与数据表不符", "unverified": "无法核对",
    "unsupported_claim": "无依据", "contradicted_claim": "与依据矛盾",
}  # fmt: skip


def sentence_with_mark(draft: Draft, finding: Finding) -> str:
    index = draft.sentence_at(finding.start)
    if index is None:
        return finding.text
    sentence = draft.sentences[index]
    end = max(sentence.end, finding.end)
    before = draft.text[sentence.start : finding.start]
    inside = draft.text[finding.start : finding.end]
    after = draft.text[finding.end : end]
    return f"{before}【{inside}】{after}".strip()


def render_text(
    text: str, findings: list[Finding], source: str = "", coverage: Coverage | None = None, unverified: bool = False
) -> str:
    """Findings at ``file:line:col``, then the coverage summary; with ``unverified`` every figure no rule
    could check is listed too."""
    draft = Draft.parse(text)
    lines = []
    for finding in findings:
        line, column = draft.line_col(finding.start)
        where = f"{source}:" if source else ""
        page = f"（第 {finding.page} 页）" if finding.page is not None else ""
        lines.append(
            f"{where}{line}:{column}{page} {SEVERITY_LABEL[finding.severity]}"
            f"［{KIND_LABEL.get(finding.kind, finding.kind)}］"
        )
        lines.append(f"    {sentence_with_mark(draft, finding)}")
        lines.append(f"    {finding.message}")
    if coverage is None:
        lines.append(summary(findings, len(draft.figures)))
        return "\n".join(lines)
    lines.append(coverage.summary())
    if unverified:
        listed = coverage.unverified()
        if listed:
            lines.append("无法核对的数字（文中没有可据以核对的关系，也没有数据表中的对应项）：")
        for status in listed:
            line, column = draft.line_col(status.start)
            where = f"{source}:" if source else ""
            subject = f"“{status.subject}”" if status.subject else ""
            lines.append(f"    {where}{line}:{column} {subject}{status.text}")
    return "\n".join(lines)


def summary(findings: list[Finding], figure_count: int) -> str:
    counts = Counter(f.severity for f in findings)
    return (
        f"共核对 {figure_count} 个数字：错误 {counts.get('error', 0)} 处，警告 {counts.get('warning', 0)} 处，"
        f"提示 {counts.get('info', 0)} 处。"
    )
