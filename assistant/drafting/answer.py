"""Questions answered from the knowledge base: by the LLM with citations, or offline with the passages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.drafting.citations import resolve_citations
from assistant.drafting.llm_draft import TokenSink, format_passages, stream_chain
from assistant.errors import AssistantError
from assistant.llm.client import LLMUnavailable
from assistant.llm.deadline import WaitCallback
from assistant.llm.prompts import load_prompt


@dataclass
class Answer:
    text: str
    mode: str  # "offline" | "llm"
    sources: list[dict[str, Any]] = field(default_factory=list)
    notice: str = ""
    prompt: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "mode": self.mode,
            "sources": self.sources,
            "notice": self.notice,
            "prompt": self.prompt,
        }


def answer(
    question: str,
    kb: Any,
    *,
    model: Any = None,
    k: int = 5,
    context_chars: int = 12000,
    on_token: TokenSink | None = None,
    on_wait: WaitCallback | None = None,
) -> Answer:
    if not question.strip():
        raise AssistantError("问题为空")
    response = kb.search(question, k)
    passages = [r.as_passage() for r in response.results]
    reason = ""
    if model is not None and passages:
        prompt = load_prompt("answer_question")
        passages_text, kept = format_passages(passages, max(1000, context_chars - len(question) - 500))
        chain = prompt.chat_prompt() | model
        try:
            text = stream_chain(chain, {"question": question, "passages": passages_text}, on_token, on_wait)
        except LLMUnavailable as exc:
            reason = f"{exc}，以下改为列出知识库中最相关的段落。"
        else:
            cited = resolve_citations(text, len(kept))
            notice = f"已删除不存在的引用：{'、'.join(cited.removed)}。" if cited.removed else ""
            sources = [dict(p, cited=p["n"] in cited.used) for p in kept]
            return Answer(cited.text, "llm", sources, notice + response.warning, prompt.ref)
    if not passages:
        return Answer("知识库中没有找到相关内容。", "offline", [], reason + response.warning)
    lines = [
        f"[{n}] {p['source']} · {p['section'] or '（无章节）'}\n{p['text']}"
        for n, p in enumerate(passages, start=1)
    ]
    notice = reason or "【离线回答】未配置大模型，以下是知识库中与问题最相关的段落。"
    return Answer(
        "\n\n".join(lines),
        "offline",
        [dict(p, n=n, cited=True) for n, p in enumerate(passages, start=1)],
        notice + response.warning,
    )
