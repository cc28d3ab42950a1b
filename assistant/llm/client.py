"""The chat model: any OpenAI-compatible endpoint through langchain_openai.ChatOpenAI.

The model carries its call limits (deadline, request timeout, retries); the openai client itself does not
retry, assistant.llm.deadline does, in the time the deadline leaves.
"""

from __future__ import annotations

from typing import Any

from assistant.errors import AssistantError
from assistant.settings import Settings


class LLMUnavailable(AssistantError):
    """The endpoint cannot be used now; the caller falls back to the offline path."""


def build_chat_model(settings: Settings) -> Any:
    from assistant.llm.deadline import CallLimits
    from assistant.llm.openai_chat import LimitedChatOpenAI

    base_url, api_key, model = settings.openai_base_url, settings.openai_api_key, settings.llm_model
    if settings.local_gguf and not settings.llm_model:
        from assistant.llm.local import local_base_url

        base_url = local_base_url(settings.local_gguf, settings.threads, settings.local_ctx)
        api_key, model = None, settings.local_gguf.stem
    if not model:
        raise LLMUnavailable(
            "未配置大模型（设置 ASSISTANT_LLM_MODEL 和 OPENAI_BASE_URL，或 ASSISTANT_LOCAL_GGUF 后可用）"
        )
    return LimitedChatOpenAI(
        model=model,
        base_url=base_url,
        api_key=api_key or "not-needed",
        timeout=settings.request_timeout,
        max_retries=0,  # retried by assistant.llm.deadline within the deadline
        max_tokens=settings.llm_max_tokens,
        temperature=0.2,
        call_limits=CallLimits.from_settings(settings),
    )


def explain_failure(exc: Exception, retries: int = 0) -> LLMUnavailable:
    """A Chinese message for an endpoint failure (after ``retries`` retries), never including the key."""
    import openai

    if isinstance(exc, openai.AuthenticationError):
        message = "大模型接口拒绝了密钥（401），请检查 OPENAI_API_KEY"
    elif isinstance(exc, openai.RateLimitError):
        message = "大模型接口繁忙（429），请稍后再试"
    elif isinstance(exc, openai.APITimeoutError):
        message = "大模型接口响应超时"
    elif isinstance(exc, openai.APIConnectionError):
        message = "无法连接大模型接口，请检查 OPENAI_BASE_URL 和网络"
    elif isinstance(exc, openai.APIStatusError):
        message = f"大模型接口返回错误（{exc.status_code}）"
    else:
        message = f"大模型调用失败（{type(exc).__name__}）"
    if retries:
        message += f"（已重试 {retries} 次）"
    return LLMUnavailable(message)
