"""`critique`: rule-based comments always; with an LLM, its comments too, JSON validated and anchored in the text."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from assistant.critique.rules import Comment, critique_rules, locate_sections
from assistant.drafting.templates import load_template
from assistant.errors import AssistantError
from assistant.llm.client import LLMUnavailable
from assistant.llm.deadline import WaitCallback, invoke_within
from assistant.llm.prompts import load_prompt

COMMENTS_SCHEMA = {
    "type": "object",
    "required": ["comments"],
    "properties": {
        "comments": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["quote", "rule", "problem", "suggestion"],
                "properties": {
                    k: {"type": "string", "minLength": 1} for k in ("quote", "rule", "problem", "suggestion")
                },
            },
        }
    },
}


@dataclass
class CritiqueResult:
    comments: list[Comment]
    mode: str  # "offline" | "llm"
    notice: str = ""
    prompt: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "comments": [c.to_dict() for c in self.comments],
            "mode": self.mode,
            "notice": self.notice,
            "prompt": self.prompt,
        }


def parse_llm_comments(raw: str, section_text: str, offset: int) -> tuple[list[Comment], list[str]]:
    """Comments from the model's JSON; each quote must occur in the section, else it is dropped and reported."""
    import jsonschema

    cleaned = re.sub(r"^```(?:json)?\s*|\s*```$", "", raw.strip())
    try:
        data = json.loads(cleaned)
        jsonschema.validate(data, COMMENTS_SCHEMA)
    except (json.JSONDecodeError, jsonschema.ValidationError) as exc:
        raise AssistantError(f"大模型返回的点评不是约定的 JSON 格式（{type(exc).__name__}）") from exc
    comments, dropped = [], []
    for item in data["comments"]:
        at = section_text.find(item["quote"])
        if at < 0:
            dropped.append(item["quote"][:20])
            continue
        start = offset + at
        comments.append(
            Comment(
                start,
                start + len(item["quote"]),
                item["quote"],
                item["rule"],
                item["problem"],
                item["suggestion"],
                "warning",
                "llm",
            )
        )
    return comments, dropped


def critique(
    text: str,
    *,
    section: str | None = None,
    template: str = "department_overall",
    model: Any = None,
    on_wait: WaitCallback | None = None,
) -> CritiqueResult:
    """Rule-based comments, plus the model's per section; ``on_wait(elapsed_seconds, attempt)`` reports
    each wait for the model (assistant.llm.deadline)."""
    chosen = load_template(template)
    only = chosen.section(section) if section else None
    comments = critique_rules(text, chosen, only)
    blocks = [b for b in locate_sections(text, chosen) if only is None or b.section.id == only.id]
    if only is not None and not blocks:
        raise AssistantError(f"文稿中没有找到“{only.heading}”这一部分")
    if model is None:
        return CritiqueResult(
            comments,
            "offline",
            "【离线点评】未配置大模型，只做了按规则的检查（必备内容、问题是否量化、措施是否对应、空泛表述）。",
        )
    from langchain_core.output_parsers import StrOutputParser

    prompt = load_prompt("critique_section")
    chain = prompt.chat_prompt() | model | StrOutputParser()
    notes = []
    try:
        for block in blocks:
            body = text[block.start : block.end]
            values = {"section_heading": block.section.heading, "must_contain": "；".join(block.section.must_contain),
                      "rules": "；".join(block.section.rules), "text": body}  # fmt: skip
            raw = invoke_within(chain, values, on_wait=on_wait)
            try:
                found, dropped = parse_llm_comments(raw, body, block.start)
            except AssistantError as exc:
                notes.append(f"{block.section.heading}：{exc}")
                continue
            comments += found
            if dropped:
                notes.append(f"{block.section.heading}：{len(dropped)} 条点评引用的原文找不到，已舍弃。")
    except LLMUnavailable as exc:
        return CritiqueResult(comments, "offline", f"{exc}；只做了按规则的检查。")
    comments.sort(key=lambda c: c.start)
    return CritiqueResult(
        comments, "llm", "由大模型按模板规则点评，并附按规则的检查。" + "".join(notes), prompt.ref
    )
