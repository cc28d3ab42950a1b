"""Drafting with an LLM (LCEL: prompt file | chat model | text), checked before anyone sees it.

The model gets the template entry, the figures table, the offline computation of the section's numbers and
the retrieved passages, numbered and quoted as material. Its draft is streamed, citations are mapped to the
passages given (others removed and reported), and the numeric checker runs on it; errors go back to the model
once, with the checker's messages, for a corrected version.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from typing import Any

from assistant.checks.checker import check_text
from assistant.checks.findings import Finding
from assistant.checks.table import FiguresTable
from assistant.drafting.citations import CitationReport, resolve_citations
from assistant.drafting.offline import draft_section
from assistant.drafting.templates import Section, Template
from assistant.llm.client import LLMUnavailable
from assistant.llm.deadline import WaitCallback, chunk_text, stream_within
from assistant.llm.prompts import load_prompt

TokenSink = Callable[[str], None]


@dataclass
class LLMDraft:
    text: str
    findings: list[Finding]
    sources: list[dict[str, Any]]
    prompt: dict[str, Any]
    notes: list[str]


def format_figures(table: FiguresTable | None) -> str:
    if table is None:
        return "（未提供数据表）"
    lines = []
    for row in table.rows.values():
        line = f"- {row.name}：{row.in_unit(row.value)}"
        extras = []
        if row.target is not None:
            extras.append(f"目标值/预算数 {row.in_unit(row.target)}")
        if row.prior_year is not None:
            extras.append(f"上年数 {row.in_unit(row.prior_year)}")
        lines.append(line + (f"（{'；'.join(extras)}）" if extras else ""))
    return "\n".join(lines)


def format_passages(passages: list[dict[str, Any]], budget_chars: int) -> tuple[str, list[dict[str, Any]]]:
    """Passages numbered from 1 and fenced as quoted material; the lowest-ranked are dropped to fit."""
    kept = list(passages)

    def render(items: list[dict[str, Any]]) -> str:
        blocks = []
        for n, p in enumerate(items, start=1):
            body = p["text"].replace("<<<", "«").replace(">>>", "»")
            blocks.append(f"[{n}] 来源：{p['source']} · {p.get('section') or '（无章节）'}\n<<<\n{body}\n>>>")
        return "\n".join(blocks) if blocks else "（无）"

    while kept and len(render(kept)) > budget_chars:
        kept.pop()
    return render(kept), [dict(p, n=n) for n, p in enumerate(kept, start=1)]


def stream_chain(
    chain: Any, values: dict[str, str], on_token: TokenSink | None, on_wait: WaitCallback | None = None
) -> str:
    """Stream ``chain`` (a prompt piped into a chat model) and return the text.

    The call runs under the model's limits (assistant.llm.deadline): the deadline bounds the wait for the
    first token, retries included, and ``on_wait(elapsed_seconds, attempt)`` reports that wait. An
    OpenAI-compatible stream that stops without a finish reason was cut off (the connection dropped
    mid-answer): that raises LLMUnavailable, so the caller falls back instead of using half a draft.
    """
    parts = []
    provider = ""
    finished = False
    with closing(stream_within(chain, values, on_wait=on_wait)) as chunks:
        for chunk in chunks:
            text = chunk_text(chunk)
            metadata = getattr(chunk, "response_metadata", None) or {}
            provider = provider or str(metadata.get("model_provider", ""))
            finished = finished or bool(metadata.get("finish_reason"))
            if text:
                parts.append(text)
                if on_token:
                    on_token(text)
    if provider == "openai" and not finished:
        raise LLMUnavailable("大模型的回答在中途中断（连接被关闭），不完整的内容已舍弃")
    return "".join(parts).strip()


def llm_draft(
    template: Template,
    section: Section,
    table: FiguresTable | None,
    passages: list[dict[str, Any]],
    model: Any,
    *,
    year: int | None = None,
    instructions: str = "",
    context_chars: int = 12000,
    on_token: TokenSink | None = None,
    on_wait: WaitCallback | None = None,
) -> LLMDraft:
    prompt = load_prompt("draft_section")
    computed = "（本部分没有需要计算的数字）"
    if section.offline != "outline" and table is not None:
        computed = draft_section(section, table, year)
    fixed = {
        "report_title": template.title,
        "section_heading": section.heading,
        "must_contain": "；".join(section.must_contain),
        "rules": "；".join(section.rules),
        "figures": format_figures(table),
        "computed": computed,
        "instructions": instructions.strip() or "（无）",
    }
    budget = max(
        1000, context_chars - sum(len(v) for v in fixed.values()) - len(prompt.system) - len(prompt.user)
    )
    passages_text, kept = format_passages(passages, budget)
    values = dict(fixed, passages=passages_text)
    chain = prompt.chat_prompt() | model
    notes: list[str] = []
    if len(kept) < len(passages):
        notes.append(f"为适应模型上下文长度，舍弃了排序靠后的 {len(passages) - len(kept)} 段资料。")
    removed: list[str] = []

    def checked(raw: str) -> tuple[CitationReport, list[Finding], list[Finding]]:
        """Citations mapped (unknown ones removed and remembered) and the numeric check run."""
        report = resolve_citations(raw, len(kept))
        removed.extend(report.removed)
        found = check_text(report.text, table)
        return report, found, [f for f in found if f.severity == "error"]

    cited, findings, errors = checked(stream_chain(chain, values, on_token, on_wait))
    if errors:
        notes.append(f"首稿有 {len(errors)} 处数字错误，已请模型按核对结果改正一次。")
        revise = load_prompt("revise_section")
        problems = "\n".join(f"{n}. “{f.text}”：{f.message}" for n, f in enumerate(errors, start=1))
        revise_values = {
            "section_heading": section.heading,
            "draft": cited.text,
            "problems": problems,
            "figures": format_figures(table),
            "instructions": instructions.strip() or "（无）",
        }
        cited, findings, remaining = checked(
            stream_chain(revise.chat_prompt() | model, revise_values, on_token, on_wait)
        )
        if remaining:
            notes.append(f"改正后仍有 {len(remaining)} 处数字错误，请人工核对。")
    text = cited.text
    if removed:
        notes.append(f"已删除不存在的引用：{'、'.join(dict.fromkeys(removed))}。")
    sources = [dict(p, cited=p["n"] in cited.used) for p in kept]
    return LLMDraft(text, findings, sources, prompt.ref, notes)
