"""ChatOpenAI that carries its call limits and sends each attempt with that attempt's timeout."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_openai import ChatOpenAI
from pydantic import Field

from assistant.llm.deadline import CallLimits, attempt_timeout


class LimitedChatOpenAI(ChatOpenAI):
    """Built by build_chat_model; assistant.llm.deadline reads ``call_limits`` and runs the attempts."""

    call_limits: CallLimits = Field(default_factory=CallLimits, exclude=True)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        return super()._generate(messages, stop, run_manager, **_with_attempt_timeout(kwargs))

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        return super()._stream(messages, stop, run_manager, **_with_attempt_timeout(kwargs))


def _with_attempt_timeout(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The openai client takes a per-request ``timeout``: min(request_timeout, time left) of this attempt."""
    timeout = attempt_timeout()
    if timeout is None or "timeout" in kwargs:
        return kwargs
    return {**kwargs, "timeout": max(timeout, 0.001)}
