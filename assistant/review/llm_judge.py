"""The LLM judge: entailment between a claim and its top passages, as JSON validated against a schema."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from assistant.errors import AssistantError
from assistant.llm.deadline import WaitCallback, invoke_within
from assistant.llm.prompts import load_prompt
from assistant.review.claims import Claim
from assistant.review.evidence import ORIGIN_LABELS, Citation, Passage
from assistant.review.facts import Fact
from assistant.review.offline_judge import CONTRADICTED, SUPPORTED, UNSUPPORTED, FactVerdict

log = logging.getLogger(__name__)

VERDICT_SCHEMA = {
    "type": "object",
    "required": ["verdict", "passage", "quote", "reason"],
    "properties": {
        "verdict": {"enum": [SUPPORTED, CONTRADICTED, UNSUPPORTED]},
        "passage": {"type": ["integer", "null"], "minimum": 1},
        "quote": {"type": "string"},
        "reason": {"type": "string", "minLength": 1},
    },
}
MAX_BAD_ANSWERS = 3
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.MULTILINE)
_SPACE = re.compile(r"\s+")


def render_passages(passages: list[Passage]) -> str:
    blocks = []
    for n, passage in enumerate(passages, start=1):
        body = passage.text.replace("<<<", "«").replace(">>>", "»")
        year = f"{passage.year}年" if passage.year else "年度不详"
        blocks.append(
            f"[{n}] {ORIGIN_LABELS[passage.origin]}：{passage.source} · {passage.section or '（无章节）'} · {year}\n"
            f"<<<\n{body}\n>>>"
        )
    return "\n".join(blocks) if blocks else "（无）"


def parse_verdict(raw: str, passages: list[Passage]) -> FactVerdict:
    """The model's answer as a verdict; raises AssistantError when it is not valid JSON of the schema."""
    import jsonschema

    try:
        data = json.loads(_FENCE.sub("", raw.strip()))
        jsonschema.validate(data, VERDICT_SCHEMA)
    except (json.JSONDecodeError, jsonschema.ValidationError) as exc:
        raise AssistantError(f"大模型的判定不是规定格式的 JSON（{str(exc).splitlines()[0][:80]}）") from exc
    verdict, reason = data["verdict"], data["reason"].strip()
    if verdict == UNSUPPORTED:
        return FactVerdict(UNSUPPORTED, f"【大模型判定】{reason}")
    number = data["passage"]
    if number is None or number > len(passages):
        return FactVerdict(UNSUPPORTED, f"【大模型判定】{reason}（所引资料编号无效，按无依据处理）")
    passage = passages[number - 1]
    quote = data["quote"].strip()
    at = _locate(passage.text, quote)
    if at is None:
        return FactVerdict(
            UNSUPPORTED, f"【大模型判定】{reason}（所引原文在第 {number} 段资料中找不到，按无依据处理）"
        )
    return FactVerdict(verdict, f"【大模型判定】{reason}", Citation.in_passage(passage, *at))


def _locate(text: str, quote: str) -> tuple[int, int] | None:
    if not quote:
        return None
    at = text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    pattern = r"\s*".join(re.escape(ch) for ch in _SPACE.sub("", quote))
    match = re.search(pattern, text) if pattern else None
    return (match.start(), match.end()) if match else None


class LLMJudge:
    """Asks the chat model once per claim; a failed call leaves the claim to the offline judge."""

    name = "llm"
    notice = (
        "由大模型判断每条表述与检索到的资料是否一致（每条判定都附所引原文）；数字与数据表的核对仍按规则进行。"
    )

    def __init__(
        self, model: Any, draft_year: int | None = None, on_wait: WaitCallback | None = None
    ) -> None:
        """``on_wait(elapsed_seconds, attempt)`` reports each call's wait for the model (assistant.llm.deadline)."""
        from langchain_core.output_parsers import StrOutputParser

        self.prompt = load_prompt("judge_claim")
        self.chain = self.prompt.chat_prompt() | model | StrOutputParser()
        self.draft_year = draft_year
        self.on_wait = on_wait
        self.notices: list[str] = []
        self.unavailable: str = ""
        self.bad_answers = 0  # consecutive answers that were not the schema's JSON

    def judge(
        self, claim: Claim, facts: list[Fact], passages: list[Passage], context: str = ""
    ) -> FactVerdict | None:
        if self.unavailable:
            return None
        if not passages:
            return FactVerdict(UNSUPPORTED, "检索不到任何相关资料。")
        values = {
            "claim": claim.text,
            "context": context or claim.section or "（无）",
            "draft_year": f"{self.draft_year}年" if self.draft_year else "不详",
            "passages": render_passages(passages),
        }
        try:
            raw = invoke_within(self.chain, values, on_wait=self.on_wait)
        except AssistantError as failure:  # explained in Chinese; the offline judge takes over
            self.unavailable = str(failure)
            self.notices.append(f"{failure}；其余表述改由离线规则判定。")
            return None
        try:
            verdict = parse_verdict(raw, passages)
        except AssistantError as exc:
            self.bad_answers += 1
            self.notices.append(f"“{claim.text[:20]}…”：{exc}，该条改由离线规则判定。")
            if self.bad_answers >= MAX_BAD_ANSWERS:
                self.unavailable = "format"
                self.notices.append(
                    f"大模型连续 {MAX_BAD_ANSWERS} 次未按规定格式回答，其余表述改由离线规则判定。"
                )
            return None
        self.bad_answers = 0
        return verdict
