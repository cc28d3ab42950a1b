"""HTML for the chat's results: the checked text with each finding marked in place, sources, claim verdicts."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from assistant.checks.findings import SEVERITY_ORDER, Finding
from assistant.checks.report import KIND_LABEL, SEVERITY_LABEL

VERDICT_LABELS = {
    "supported": "有依据",
    "contradicted": "相矛盾",
    "unsupported": "无依据",
    "not_checkable": "无需核实",
}

CSS = """
.checked-text { white-space: pre-wrap; line-height: 1.9; font-size: 15px; padding: 8px 12px;
  border: 1px solid #e5e7eb; border-radius: 6px; background: #fff; color: #111827; }
.checked-text mark { padding: 1px 2px; border-radius: 3px; }
.checked-text mark a { color: inherit; text-decoration: none; }
mark.sev-error, li.sev-error > details > summary { background: #fee2e2; border-bottom: 2px solid #dc2626; }
mark.sev-warning, li.sev-warning > details > summary { background: #fef3c7; border-bottom: 2px solid #d97706; }
mark.sev-info, li.sev-info > details > summary { background: #dbeafe; border-bottom: 2px solid #2563eb; }
ol.findings { padding-left: 1.6em; color: #111827; }
ol.findings li { margin: 4px 0; }
ol.findings summary { cursor: pointer; padding: 2px 4px; border-radius: 3px; }
ol.findings .computation { margin: 4px 0 8px 8px; padding: 6px 8px; background: #f9fafb;
  border-left: 3px solid #9ca3af; white-space: pre-wrap; }
.sources .source { border-left: 3px solid #6b7280; margin: 6px 0; padding: 4px 8px; background: #f9fafb; color: #111827; }
.sources .cite { background: #fde68a; }
.verdict { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 12px; margin-right: 4px; }
.verdict-supported { background: #dcfce7; } .verdict-contradicted { background: #fee2e2; }
.verdict-unsupported { background: #fef3c7; } .verdict-not_checkable { background: #e5e7eb; }
.status-line { font-size: 13px; color: #374151; }
.checked-text .fig-verified { border-bottom: 2px solid #16a34a; }
.checked-text .fig-unverified { border-bottom: 2px dotted #6b7280; }
.coverage { font-size: 14px; color: #111827; }
"""


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    severity: str
    title: str  # 错误［占比合计］
    message: str  # the computation or the comment
    extra: str = ""  # expected / found / suggestion


def marks_of(findings: list[Finding], comments: list[dict[str, Any]] | None = None) -> list[Mark]:
    marks = [
        Mark(
            f.start,
            f.end,
            f.severity,
            f"{SEVERITY_LABEL[f.severity]}［{KIND_LABEL.get(f.kind, f.kind)}］",
            f.message,
            _expected(f),
        )  # fmt: skip
        for f in findings
    ]
    for comment in comments or []:
        source = "大模型" if comment.get("source") == "llm" else "规则"
        marks.append(
            Mark(
                int(comment["start"]),
                int(comment["end"]),
                comment.get("severity", "warning"),
                f"点评［{source}］",
                f"{comment.get('problem', '')}（依据：{comment.get('rule', '')}）",
                f"建议：{comment.get('suggestion', '')}",
            )  # fmt: skip
        )
    return sorted(marks, key=lambda m: (m.start, SEVERITY_ORDER.get(m.severity, 3), -m.end))


def _expected(finding: Finding) -> str:
    parts = []
    if finding.expected:
        parts.append(f"应为：{finding.expected}")
    if finding.found:
        parts.append(f"文中：{finding.found}")
    return "；".join(parts)


def _plain(text: str, start: int, end: int, figures: list[dict[str, Any]]) -> str:
    """``text[start:end]`` escaped, each figure a check verified (solid green underline) or could not check
    (dotted grey underline) wrapped with what the coverage says of it."""
    out: list[str] = []
    cursor = start
    for figure in figures:
        a, b = int(figure["start"]), int(figure["end"])
        if a < cursor or b > end or figure["status"] == "contradicted":
            continue
        title = "核对一致" if figure["status"] == "verified" else "无法核对：没有可据以核对的关系或数据"
        out.append(escape(text[cursor:a]))
        out.append(f'<span class="fig-{escape(figure["status"])}" title="{title}">{escape(text[a:b])}</span>')
        cursor = b
    out.append(escape(text[cursor:end]))
    return "".join(out)


def _coverage_block(text: str, coverage: dict[str, Any]) -> str:
    """The coverage summary and the figures no rule could check, each with its line."""
    unverified = [f for f in coverage.get("figures", []) if f["status"] == "unverified"]
    block = f'<p class="coverage">{escape(coverage.get("summary", ""))}</p>'
    if unverified:
        items = "".join(
            f"<li>第 {text.count(chr(10), 0, int(f['start'])) + 1} 行 "
            f"{escape('“' + f['subject'] + '”' if f.get('subject') else '')}{escape(f['text'])}</li>"
            for f in unverified
        )
        block += f"<details><summary>无法核对的数字（{len(unverified)} 个）</summary><ol>{items}</ol></details>"
    return block


def render_checked(
    text: str,
    findings: list[Finding],
    comments: list[dict[str, Any]] | None = None,
    coverage: dict[str, Any] | None = None,
) -> str:
    """The text with every finding marked at its span (colour by severity) and, below, the findings list,
    each opening to its computation. Overlapping spans: the earlier mark is drawn, all are listed. With a
    check's ``coverage`` the verified and the unchecked figures are underlined too and the unchecked listed."""
    if not text:
        return ""
    marks = marks_of(findings, comments)
    figures = sorted((coverage or {}).get("figures", []), key=lambda f: int(f["start"]))
    pieces: list[str] = []
    cursor = 0
    for number, mark in enumerate(marks, start=1):
        if mark.start < cursor or mark.end > len(text) or mark.start >= mark.end:
            continue
        pieces.append(_plain(text, cursor, mark.start, figures))
        pieces.append(
            f'<mark class="sev-{mark.severity}" id="m{number}" title="{escape(mark.title + " " + mark.message)}">'
            f'<a href="#f{number}">{escape(text[mark.start : mark.end])}</a><sup>{number}</sup></mark>'
        )
        cursor = mark.end
    pieces.append(_plain(text, cursor, len(text), figures))
    items = []
    for number, mark in enumerate(marks, start=1):
        line = text.count("\n", 0, mark.start) + 1
        extra = f"<div>{escape(mark.extra)}</div>" if mark.extra else ""
        items.append(
            f'<li id="f{number}" class="sev-{mark.severity}"><details><summary>{escape(mark.title)} '
            f"第 {line} 行 “{escape(text[mark.start : mark.end][:40])}”</summary>"
            f'<div class="computation">{escape(mark.message)}{extra}</div></details></li>'
        )
    counts = {s: sum(1 for m in marks if m.severity == s) for s in ("error", "warning", "info")}
    header = (
        f"<p>错误 {counts['error']} 处，警告 {counts['warning']} 处，提示 {counts['info']} 处"
        f"{'（点击条目查看计算过程）' if marks else ''}</p>"
    )
    if coverage:
        none_found = "<p>没有发现错误或警告（未核对的数字不等于没有问题，见下）。</p>"
        listing = f'<ol class="findings">{"".join(items)}</ol>' if items else none_found
        return f'<div class="checked-text">{"".join(pieces)}</div>{header}{listing}{_coverage_block(text, coverage)}'
    listing = f'<ol class="findings">{"".join(items)}</ol>' if items else "<p>没有发现问题。</p>"
    return f'<div class="checked-text">{"".join(pieces)}</div>{header}{listing}'


def render_sources(sources: list[dict[str, Any]]) -> str:
    """Each source with file, section and span; the cited part of the passage highlighted."""
    if not sources:
        return ""
    blocks = []
    for n, source in enumerate(sources, start=1):
        number = source.get("n", n)
        where = (
            f"{escape(str(source.get('source', '')))} · {escape(str(source.get('section') or '（无章节）'))}"
        )
        span = f" · 第 {source.get('start')}–{source.get('end')} 字" if source.get("end") else ""
        body = str(source.get("text") or "")
        quote = str(source.get("quote") or "")
        if quote and quote in body:
            at = body.index(quote)
            shown = (
                escape(body[:at])
                + f'<span class="cite">{escape(quote)}</span>'
                + escape(body[at + len(quote) :])
            )
        elif quote:
            shown = f'<span class="cite">{escape(quote)}</span>'
        else:
            shown = f'<span class="cite">{escape(body[:600])}</span>'
        claim = f"<div>支持：{escape(str(source['claim'])[:80])}</div>" if source.get("claim") else ""
        blocks.append(f'<div class="source"><b>[{number}] {where}{span}</b>{claim}<div>{shown}</div></div>')
    return f'<div class="sources"><p>来源（{len(sources)}）</p>{"".join(blocks)}</div>'


def render_claims(claims: list[dict[str, Any]]) -> str:
    """The reviewer's verdict on every checkable claim, with its citations."""
    rows = []
    for claim in claims:
        if claim["verdict"] == "not_checkable":
            continue
        verdict = claim["verdict"]
        cites = "".join(
            f"<div>依据：{escape(c['source'])}（{escape(c.get('section') or '')} 第 {c['start']}–{c['end']} 字）"
            f"“{escape(c['quote'][:80])}”</div>"
            for c in claim.get("citations", [])
        )
        rows.append(
            f'<li><span class="verdict verdict-{verdict}">{VERDICT_LABELS[verdict]}</span>{escape(claim["text"][:120])}'
            f"<div class='computation'>{escape(claim.get('reason', ''))}{cites}</div></li>"
        )
    skipped = sum(1 for c in claims if c["verdict"] == "not_checkable")
    return (
        f"<ol class='findings'>{''.join(rows)}</ol><p>另有 {skipped} 条计划、套话或一般性表述无需核实。</p>"
    )
