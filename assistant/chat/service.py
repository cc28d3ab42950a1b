"""One chat turn: the mode's service run on the workspace's figures and text, with sources and findings."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.chat.modes import (
    ASK,
    CHECK,
    CRITIQUE,
    DRAFT,
    MODE_LABELS,
    REVIEW,
    REVISE,
    find_section,
    resolve_mode,
    strip_command,
)
from assistant.checks.checker import check_text
from assistant.checks.findings import Finding
from assistant.drafting.templates import load_template
from assistant.errors import AssistantError
from assistant.workspace.figures import check_rows
from assistant.workspace.model import Workspace

log = logging.getLogger(__name__)
MIN_PASTED_CHARS = 40


@dataclass
class ChatResult:
    mode: str
    text: str  # what the chat shows
    checked_text: str = ""  # the text the findings' spans point into
    findings: list[Finding] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(
        default_factory=list
    )  # critique comments (span, problem, suggestion)
    sources: list[dict[str, Any]] = field(
        default_factory=list
    )  # passages used: source, section, start, end, text
    claims: list[dict[str, Any]] = field(default_factory=list)  # reviewer verdicts
    notice: str = ""
    section: str = ""  # the drafted or revised section's id, for 采纳
    error: str = ""
    coverage: dict[str, Any] = field(default_factory=dict)  # a check's coverage (checks.coverage.Coverage)

    @property
    def label(self) -> str:
        return MODE_LABELS.get(self.mode, self.mode)


def subject_text(message: str, workspace: Workspace) -> tuple[str, str]:
    """The text a check, review or critique applies to, and where it came from.

    Text pasted after the command ("核查数字：……") or a long message itself; otherwise the imported draft,
    then the report built in the workspace, then the last drafted section.
    """
    pasted = strip_command(message)
    if pasted is not message and len(pasted.strip()) >= MIN_PASTED_CHARS:
        return pasted.strip(), "粘贴的文字"
    if len(message.strip()) >= 200:
        return message.strip(), "粘贴的文字"
    if workspace.draft.strip():
        return workspace.draft, "导入的文稿"
    report = workspace.report_text()
    if report.strip() and workspace.sections:
        return report, "工作区中的报告"
    if workspace.candidate.get("text"):
        return workspace.candidate["text"], "刚起草的部分"
    return "", ""


def respond(
    message: str,
    mode_choice: str,
    workspace: Workspace,
    *,
    kb: Any = None,
    model: Any = None,
    evidence: list[Path] | None = None,
    on_token: Any = None,
    on_wait: Any = None,
) -> ChatResult:
    """Run one turn. Failures become a Chinese ``error`` in the result; nothing is raised for bad input.

    ``on_token`` receives streamed text; ``on_wait(elapsed_seconds, attempt)`` reports waits for the model."""
    mode = resolve_mode(mode_choice, message)
    if not message.strip():
        return ChatResult(mode, "", error="请输入内容。")
    grid = check_rows(workspace.figures)
    table = grid.table
    notes = (
        [f"数据表有 {len(grid.errors)} 行未通过校验，未使用：{'；'.join(grid.errors[:3])}"]
        if grid.errors
        else []
    )
    try:
        if mode == DRAFT:
            result = _draft(message, workspace, table, kb, model, on_token, on_wait)
        elif mode == REVISE:
            result = _revise(message, workspace, table, model, on_token, on_wait)
        elif mode == ASK:
            result = _ask(message, kb, model, on_token, on_wait)
        else:
            text, origin = subject_text(message, workspace)
            if not text:
                return ChatResult(
                    mode,
                    "",
                    error="没有可处理的文稿：请在消息中粘贴文字（如“核查数字：……”），或在“文稿”页导入文稿。",
                )
            if mode == CHECK:
                result = _check(text, table)
            elif mode == REVIEW:
                result = _review(text, table, kb, model, evidence, on_wait)
            else:
                result = _critique(text, workspace, model, on_wait=on_wait)
            result.notice = f"（对象：{origin}）" + result.notice
    except AssistantError as exc:
        return ChatResult(mode, "", error=str(exc))
    if notes:
        result.notice = "；".join(notes) + "。" + result.notice
    return result


def _draft(message: str, workspace: Workspace, table, kb, model, on_token, on_wait) -> ChatResult:
    from assistant.drafting.service import draft

    template = load_template(workspace.template)
    section = find_section(message, template)
    if section is None:
        choices = "、".join(s.heading for s in template.sections)
        raise AssistantError(f"请说明要起草哪一部分，例如“起草七、存在的问题及原因分析”（可选：{choices}）")
    result = draft(section.id, table, kb=kb, template=workspace.template, year=workspace.year,
                   instructions=message, model=model, on_token=on_token, on_wait=on_wait)  # fmt: skip
    workspace.candidate = {"section": section.id, "text": result.text}
    return ChatResult(DRAFT, result.text, result.text, result.findings, sources=result.sources,
                      notice=result.notice, section=section.id)  # fmt: skip


def _revise(message: str, workspace: Workspace, table, model, on_token, on_wait) -> ChatResult:
    template = load_template(workspace.template)
    section = find_section(message, template)
    if section is None and workspace.candidate.get("section"):
        section = template.section(workspace.candidate["section"])
    if section is None:
        raise AssistantError("请说明要修改哪一部分，例如“修改七、存在的问题：把原因写得更具体”。")
    if workspace.candidate.get("section") == section.id:
        current = workspace.candidate.get("text", "")
    else:
        current = workspace.sections.get(section.id, "")
    if not current.strip():
        raise AssistantError(f"“{section.heading}”还没有内容，请先起草。")
    findings = check_text(current, table)
    if model is None:
        comments = _critique(current, workspace, None, section.id).comments
        return ChatResult(REVISE, current, current, findings, comments=comments, section=section.id,
                          notice="【离线】未配置大模型，不能按文字要求改写；下面是当前文字的数字核对和按规则的点评，请据此手工修改。")  # fmt: skip
    from assistant.drafting.revise import llm_revise

    revised = llm_revise(section, current, table, message, findings, model, on_token, on_wait=on_wait)
    workspace.candidate = {"section": section.id, "text": revised.text}
    return ChatResult(
        REVISE, revised.text, revised.text, revised.findings, notice=revised.notice, section=section.id
    )


def _ask(message: str, kb, model, on_token, on_wait) -> ChatResult:
    from assistant.drafting.answer import answer

    if kb is None:
        raise AssistantError("知识库不可用。")
    result = answer(message, kb, model=model, on_token=on_token, on_wait=on_wait)
    return ChatResult(ASK, result.text, sources=result.sources, notice=result.notice)


def _check(text: str, table) -> ChatResult:
    from assistant.checks.checker import check_report

    report = check_report(text, table)
    return ChatResult(CHECK, report.coverage.summary(), text, report.findings, coverage=report.coverage.to_dict())


def _review(text: str, table, kb, model, evidence, on_wait) -> ChatResult:
    from assistant.review.report import summary_line
    from assistant.review.service import review

    # the page's evidence folder is a server path: its files are cited by their own names
    result = review(
        text, table=table, evidence=evidence or None, kb=kb, model=model, on_wait=on_wait, evidence_label="佐证材料"
    )
    sources = []
    for claim in result.claims:
        for citation in claim.citations:
            sources.append(citation.to_dict() | {"claim": claim.claim.text})
    return ChatResult(REVIEW, summary_line(result), text, result.findings, sources=sources,
                      claims=[c.to_dict() for c in result.claims], notice="".join(result.notices))  # fmt: skip


def _critique(
    text: str, workspace: Workspace, model, section: str | None = None, on_wait: Any = None
) -> ChatResult:
    from assistant.critique.service import critique

    try:
        result = critique(text, section=section, template=workspace.template, model=model, on_wait=on_wait)
    except AssistantError:
        result = critique(text, template=workspace.template, model=model, on_wait=on_wait)
    comments = [c.to_dict() for c in result.comments]
    return ChatResult(CRITIQUE, f"共 {len(comments)} 条意见。", text, comments=comments, notice=result.notice)
