"""Drafting a section: the text, where it came from, and the checker's findings on it (DESIGN.md §4 JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.checks.checker import check_text
from assistant.checks.findings import Finding
from assistant.checks.table import FiguresTable
from assistant.drafting.offline import draft_section
from assistant.drafting.templates import Section, load_template
from assistant.errors import AssistantError

OFFLINE_NOTICE = (
    "【离线草稿】未配置大模型，本部分由数据表按模板生成，所有数字均由数据计算并经数字核对；【】处请人工填写。"
)


@dataclass
class DraftResult:
    text: str
    mode: str  # "offline" | "llm"
    sources: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    prompt: dict[str, Any] = field(default_factory=dict)
    notice: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "mode": self.mode,
            "sources": self.sources,
            "findings": [f.to_dict() for f in self.findings],
            "prompt": self.prompt,
            "notice": self.notice,
        }


def reference_passages(
    kb: Any, section: Section, k: int = 3, any_type: bool = False
) -> tuple[list[dict[str, Any]], str]:
    """How prior reports (and, for the LLM, policies) in the knowledge base treat the same section."""
    from assistant.retrieval.retriever import SearchFilters

    if kb is None:
        return [], ""
    try:
        if any_type:
            response = kb.search(f"{section.title} {' '.join(section.must_contain)}", k)
        else:
            response = kb.search(section.title, k, SearchFilters(doc_type="report", section=section.title))
        if not response.results and not any_type:
            response = kb.search(section.title, k, SearchFilters(doc_type="report"))
    except AssistantError as exc:
        return [], f"知识库检索不可用：{exc}"
    sources = [dict(r.as_passage(), n=n) for n, r in enumerate(response.results, start=1)]
    return sources, response.warning


def draft(
    section_name: str,
    table: FiguresTable | None,
    *,
    kb: Any = None,
    template: str = "department_overall",
    year: int | None = None,
    instructions: str = "",
    model: Any = None,
    context_chars: int = 12000,
    on_token: Any = None,
    on_wait: Any = None,
) -> DraftResult:
    """With ``model`` (a LangChain chat model) the LLM drafts; without it, or when it fails, the offline drafter.

    ``on_token(text)`` receives the streamed draft; ``on_wait(elapsed_seconds, attempt)`` reports the wait for
    the model's first token (assistant.llm.deadline).
    """
    chosen = load_template(template)
    section = chosen.section(section_name)
    fallback_reason = ""
    if model is not None:
        from assistant.drafting.llm_draft import llm_draft
        from assistant.llm.client import LLMUnavailable

        passages, warning = reference_passages(kb, section, k=6, any_type=True)
        try:
            result = llm_draft(chosen, section, table, passages, model, year=year, instructions=instructions,
                               context_chars=context_chars, on_token=on_token, on_wait=on_wait)  # fmt: skip
        except LLMUnavailable as exc:
            fallback_reason = f"{exc}，已改用离线草稿。"
        else:
            notice = "由大模型起草，已按数据表做数字核对。" + "".join(result.notes) + warning
            return DraftResult(result.text, "llm", result.sources, result.findings, result.prompt, notice)
    body = draft_section(section, table, year)
    text = f"{section.heading}\n{body}"
    sources, warning = reference_passages(kb, section)
    notice = fallback_reason + OFFLINE_NOTICE
    if instructions.strip():
        notice += "离线模式不能按文字要求改写，已忽略补充要求。"
    if warning:
        notice += warning
    return DraftResult(
        text=text,
        mode="offline",
        sources=sources,
        findings=check_text(text, table),
        prompt={"id": f"offline:{chosen.id}:{section.id}", "version": chosen.version},
        notice=notice,
    )
