"""Prompt templates kept as files in prompts/: an id, a version and declared variables, checked on load."""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.errors import AssistantError

PROMPTS_DIR = Path(__file__).resolve().parent.parent.parent / "prompts"


class PromptError(AssistantError):
    """A prompt file is malformed or used without one of its variables."""


@dataclass(frozen=True)
class PromptTemplate:
    id: str
    version: int
    variables: tuple[str, ...]
    system: str
    user: str

    @property
    def ref(self) -> dict[str, object]:
        return {"id": self.id, "version": self.version}

    def messages(self, **values: str) -> list[tuple[str, str]]:
        """(role, text) pairs with every variable filled; a missing or unknown variable is an error."""
        missing = [v for v in self.variables if v not in values]
        extra = [k for k in values if k not in self.variables]
        if missing or extra:
            raise PromptError(f"提示词“{self.id}”缺少变量 {missing} 或多出变量 {extra}")
        return [("system", self.system.format(**values)), ("human", self.user.format(**values))]

    def chat_prompt(self):
        """The same template as a LangChain ChatPromptTemplate (for LCEL chains)."""
        from langchain_core.prompts import ChatPromptTemplate

        return ChatPromptTemplate.from_messages([("system", self.system), ("human", self.user)])


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def parse_prompt(data: dict, shown: str) -> PromptTemplate:
    for key in ("id", "version", "variables", "system", "user"):
        if key not in data:
            raise PromptError(f"提示词文件“{shown}”缺少“{key}”")
    declared = set(data["variables"])
    try:
        used = placeholders(data["system"]) | placeholders(data["user"])
    except ValueError as exc:
        raise PromptError(f"提示词文件“{shown}”的花括号不成对：{exc}") from exc
    if used != declared:
        raise PromptError(
            f"提示词文件“{shown}”声明的变量 {sorted(declared)} 与模板中使用的 {sorted(used)} 不一致"
        )
    return PromptTemplate(
        str(data["id"]), int(data["version"]), tuple(data["variables"]), data["system"], data["user"]
    )


@lru_cache(maxsize=16)
def load_prompt(prompt_id: str, directory: Path = PROMPTS_DIR) -> PromptTemplate:
    path = directory / f"{prompt_id}.yaml"
    if not path.exists():
        raise PromptError(f"找不到提示词文件“{path}”")
    prompt = parse_prompt(yaml.safe_load(path.read_text(encoding="utf-8")), str(path))
    if prompt.id != prompt_id:
        raise PromptError(f"提示词文件“{path}”的 id 是“{prompt.id}”，应为“{prompt_id}”")
    return prompt
