"""Revise a section with the LLM at the user's request; the result is checked like every draft."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.checks.checker import check_text
from assistant.checks.findings import Finding
from assistant.checks.table import FiguresTable
from assistant.drafting.llm_draft import TokenSink, format_figures, stream_chain
from assistant.drafting.templates import Section
from assistant.llm.client import LLMUnavailable
from assistant.llm.deadline import WaitCallback
from assistant.llm.prompts import load_prompt


@dataclass
class Revision:
    text: str
    findings: list[Finding] = field(default_factory=list)
    notice: str = ""
    changed: bool = True


def llm_revise(
    section: Section,
    current: str,
    table: FiguresTable | None,
    instructions: str,
    findings: list[Finding],
    model: Any,
    on_token: TokenSink | None = None,
    on_wait: WaitCallback | None = None,
) -> Revision:
    """The section rewritten by the model per ``instructions`` and the checker's errors.

    When the endpoint fails the current text comes back unchanged, with the reason.
    """
    prompt = load_prompt("revise_section")
    errors = [f for f in findings if f.severity == "error"]
    problems = (
        "\n".join(f"{n}. “{f.text}”：{f.message}" for n, f in enumerate(errors, start=1))
        or "（数字核对未发现错误）"
    )
    values = {
        "section_heading": section.heading,
        "draft": current,
        "problems": problems,
        "figures": format_figures(table),
        "instructions": instructions.strip() or "（无）",
    }
    try:
        text = stream_chain(prompt.chat_prompt() | model, values, on_token, on_wait).strip()
    except LLMUnavailable as exc:
        return Revision(current, check_text(current, table), f"{exc}；内容未改动。", changed=False)
    if not text:
        return Revision(
            current, check_text(current, table), "大模型没有返回内容；内容未改动。", changed=False
        )
    revised_findings = check_text(text, table)
    remaining = sum(1 for f in revised_findings if f.severity == "error")
    notice = f"由大模型按要求修改（{prompt.id} v{prompt.version}），已做数字核对"
    notice += f"，仍有 {remaining} 处错误需人工处理。" if remaining else "，未发现数字错误。"
    return Revision(text, revised_findings, notice)
