"""What the app's named API endpoints return: the same JSON as the command line, from text and CSV text."""

from __future__ import annotations

from typing import Any

from assistant.checks.checker import check_report
from assistant.errors import AssistantError
from assistant.retrieval.retriever import SearchFilters
from assistant.workspace.figures import table_from_csv_text

MAX_TEXT_CHARS = 200_000


def _text(text: str, max_chars: int) -> str:
    if not text or not text.strip():
        raise AssistantError("文稿为空")
    if len(text) > max_chars:
        raise AssistantError(f"文稿过长（{len(text)} 字，上限 {max_chars} 字），请分部分提交")
    return text


def api_check(text: str, figures_csv: str = "", *, max_chars: int = MAX_TEXT_CHARS) -> dict[str, Any]:
    """`assistant check --format json`: {"findings": [...], "coverage": {...}}."""
    text = _text(text, max_chars)
    table = table_from_csv_text(figures_csv or "")
    return check_report(text, table).to_dict()


def api_review(
    text: str, figures_csv: str = "", *, kb: Any = None, model: Any = None, max_chars: int = MAX_TEXT_CHARS
) -> dict[str, Any]:
    """`assistant review --format json`: findings, claims with verdicts and citations, summary."""
    from assistant.review.service import review

    text = _text(text, max_chars)
    table = table_from_csv_text(figures_csv or "")
    return review(text, table=table, kb=kb, model=model).to_dict()


def api_draft(
    section: str,
    figures_csv: str = "",
    instructions: str = "",
    *,
    kb: Any = None,
    model: Any = None,
    template: str = "department_overall",
    year: int | None = None,
) -> dict[str, Any]:
    """`assistant draft --format json`: text, mode, sources, findings, prompt, notice."""
    from assistant.drafting.service import draft

    if not section or not section.strip():
        raise AssistantError("请指定要起草的部分，例如“二”或“七、存在的问题及原因分析”")
    table = table_from_csv_text(figures_csv or "")
    return draft(
        section, table, kb=kb, template=template, year=year, instructions=instructions, model=model
    ).to_dict()


def api_search(query: str, k: int = 5, doc_type: str = "", *, kb: Any) -> list[dict[str, Any]]:
    """`assistant search --format json`: a list of chunks with source, section, span and score."""
    if not query or not query.strip():
        raise AssistantError("检索内容为空")
    kind = {"报告": "report", "政策": "policy", "report": "report", "policy": "policy"}.get(doc_type or "")
    response = kb.search(query, max(1, min(int(k or 5), 50)), SearchFilters(doc_type=kind))
    return [r.to_dict() for r in response.results]
