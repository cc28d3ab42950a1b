"""One LLM call under a deadline: attempts, retries in the time left, and progress reports while waiting.

What the limits mean (``ASSISTANT_LLM_DEADLINE``, ``ASSISTANT_REQUEST_TIMEOUT``, ``ASSISTANT_LLM_MAX_RETRIES``):

- The deadline bounds the *wait*, every attempt and back-off included: for a call that is not streamed
  (the review judge, critique) the whole call; for a stream (drafting, answers, revisions) the time until its
  first token. When it runs out the call ends with LLMUnavailable and the caller falls back as for any other
  endpoint failure.
- Each attempt waits at most min(request_timeout, time left); that is also the HTTP timeout it is sent with.
  No attempt starts with less than MIN_ATTEMPT_SECONDS left (or request_timeout, if that is shorter).
- A stream producing tokens is not cut for taking long: from its first token, request_timeout bounds each
  silence between chunks (an idle timeout) and ``llm_max_tokens`` its length. A failure after the first token
  is not retried (those tokens were shown); it raises LLMUnavailable like a stream cut off.
- While waiting, ``on_wait(elapsed_seconds, attempt)`` is called in the caller's thread when an attempt
  starts and about once a second, with increasing elapsed times; ``attempt`` counts from 1.

Each attempt runs in a daemon thread (with the caller's context variables), so the caller's wait is bounded
whatever the HTTP layer does; an abandoned attempt ends by its own HTTP timeout.
"""

from __future__ import annotations

import contextvars
import email.utils
import queue
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.errors import AssistantError
from assistant.llm.client import LLMUnavailable, explain_failure

if TYPE_CHECKING:
    from assistant.settings import Settings

WaitCallback = Callable[[float, int], None]
MIN_ATTEMPT_SECONDS = 5.0
WAIT_TICK_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 8.0

_ATTEMPT_TIMEOUT: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "llm_attempt_timeout", default=None
)
_CHUNK, _DONE, _FAILED = "chunk", "done", "failed"


@dataclass(frozen=True)
class CallLimits:
    deadline: float = 180.0
    request_timeout: float = 60.0
    max_retries: int = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> CallLimits:
        return cls(settings.llm_deadline, settings.request_timeout, max(0, settings.llm_max_retries))

    @property
    def min_attempt(self) -> float:
        return min(MIN_ATTEMPT_SECONDS, self.request_timeout)


def limits_of(runnable: Any) -> CallLimits:
    """The limits build_chat_model gave the chat model in ``runnable`` (a chain or a model), else defaults."""
    for step in getattr(runnable, "steps", None) or [runnable]:
        model = getattr(step, "bound", step)  # model.bind(...) wraps the model
        limits = getattr(model, "call_limits", None)
        if isinstance(limits, CallLimits):
            return limits
    return CallLimits()


def attempt_timeout() -> float | None:
    """The HTTP timeout of the attempt running in this thread; None outside an attempt."""
    return _ATTEMPT_TIMEOUT.get()


def chunk_text(chunk: Any) -> str:
    return chunk if isinstance(chunk, str) else str(getattr(chunk, "content", "") or "")


def stream_within(
    chain: Any,
    values: dict[str, Any],
    *,
    on_wait: WaitCallback | None = None,
    limits: CallLimits | None = None,
) -> Iterator[Any]:
    """``chain.stream(values)`` under the limits (by default its model's); failures raise LLMUnavailable."""
    with closing(_call(lambda: chain.stream(values), True, limits or limits_of(chain), on_wait)) as events:
        for kind, value in events:
            if kind == _CHUNK:
                yield value


def invoke_within(
    chain: Any,
    values: dict[str, Any],
    *,
    on_wait: WaitCallback | None = None,
    limits: CallLimits | None = None,
) -> Any:
    """``chain.invoke(values)`` under the limits (by default its model's); failures raise LLMUnavailable."""
    result = None
    for _, value in _call(lambda: chain.invoke(values), False, limits or limits_of(chain), on_wait):
        result = value
    return result


class _TimedOut(Exception):
    """An attempt that did not answer within its time."""


class _Attempt:
    """One try in a daemon thread, reporting to its own queue; an abandoned one stops at its next chunk."""

    def __init__(self, work: Callable[[], Any], streaming: bool, timeout: float) -> None:
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.abandoned = threading.Event()
        context = contextvars.copy_context()
        thread = threading.Thread(
            target=context.run, args=(self._run, work, streaming, timeout), name="llm-attempt", daemon=True
        )
        thread.start()

    def _run(self, work: Callable[[], Any], streaming: bool, timeout: float) -> None:
        _ATTEMPT_TIMEOUT.set(timeout)
        try:
            if not streaming:
                self.events.put((_DONE, work()))
                return
            chunks = work()
            try:
                for chunk in chunks:
                    if self.abandoned.is_set():
                        return
                    self.events.put((_CHUNK, chunk))
            finally:
                close = getattr(chunks, "close", None)
                if close is not None:
                    close()  # ends the HTTP response of an abandoned stream
            self.events.put((_DONE, None))
        except Exception as exc:  # noqa: BLE001 - handed over to the caller's thread
            self.events.put((_FAILED, exc))

    def next_event(self, timeout: float) -> tuple[str, Any] | None:
        try:
            return self.events.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return None


class _Clock:
    """Elapsed time since the call began, and the on_wait reports (strictly increasing elapsed times)."""

    def __init__(self, on_wait: WaitCallback | None) -> None:
        self.start = time.monotonic()
        self.on_wait = on_wait
        self.last_report = -1.0
        self.next_tick = 0.0

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def until_tick(self) -> float:
        return max(0.0, self.next_tick - self.elapsed())

    def report(self, attempt: int) -> None:
        elapsed = self.elapsed()
        self.next_tick = elapsed + WAIT_TICK_SECONDS
        if self.on_wait is not None and elapsed > self.last_report:
            self.last_report = elapsed
            self.on_wait(elapsed, attempt)

    def sleep(self, seconds: float, attempt: int) -> None:
        end = self.elapsed() + seconds
        while (left := end - self.elapsed()) > 0:
            if self.until_tick() <= 0:
                self.report(attempt)
            time.sleep(min(left, self.until_tick()))


def _call(
    work: Callable[[], Any], streaming: bool, limits: CallLimits, on_wait: WaitCallback | None
) -> Iterator[tuple[str, Any]]:
    """Attempts until one answers; yields its chunks (streaming) or its result as (kind, value)."""
    clock = _Clock(on_wait)
    retries = 0
    while True:
        number = retries + 1
        timeout = min(limits.request_timeout, limits.deadline - clock.elapsed())
        ends = clock.elapsed() + timeout
        attempt = _Attempt(work, streaming, timeout)
        clock.report(number)
        held: list[Any] = []  # chunks without text, passed on once the answer starts
        failure: Exception
        try:
            while True:
                if clock.elapsed() >= ends:
                    failure = _TimedOut()
                    break
                event = attempt.next_event(min(ends - clock.elapsed(), clock.until_tick()))
                if event is None:
                    if clock.until_tick() <= 0 and clock.elapsed() < ends:
                        clock.report(number)
                    continue
                kind, value = event
                if kind == _FAILED:
                    failure = value
                    break
                if kind == _DONE:
                    for chunk in held:
                        yield _CHUNK, chunk
                    yield _DONE, value
                    return
                held.append(value)
                if chunk_text(value):  # the answer has started: no retry from here on
                    for chunk in held:
                        yield _CHUNK, chunk
                    yield from _rest_of_stream(attempt, limits.request_timeout)
                    return
        finally:
            attempt.abandoned.set()
        delay = _retry_delay(failure, number)
        if (
            delay is not None
            and retries < limits.max_retries
            and limits.deadline - clock.elapsed() - delay >= limits.min_attempt
        ):
            clock.sleep(delay, number + 1)
            retries += 1
            continue
        if isinstance(failure, AssistantError):
            raise failure  # already in Chinese (LLMUnavailable from a local model, …)
        raise _explained(failure, retries, clock.elapsed(), streaming) from failure


def _rest_of_stream(attempt: _Attempt, idle: float) -> Iterator[tuple[str, Any]]:
    while True:
        event = attempt.next_event(idle)
        if event is None:
            raise LLMUnavailable(f"大模型的回答在中途停顿超过 {_seconds(idle)} 秒，不完整的内容已舍弃")
        kind, value = event
        if kind == _DONE:
            return
        if kind == _FAILED:
            if isinstance(value, AssistantError):
                raise value
            raise LLMUnavailable(
                f"大模型的回答在中途中断（{explain_failure(value)}），不完整的内容已舍弃"
            ) from value
        yield _CHUNK, value


def _explained(failure: Exception, retries: int, elapsed: float, streaming: bool) -> LLMUnavailable:
    import openai

    if isinstance(failure, _TimedOut | openai.APITimeoutError):
        retried = f"（已重试 {retries} 次）" if retries else ""
        return LLMUnavailable(
            f"大模型接口在 {_seconds(elapsed)} 秒内没有{'开始' if streaming else '完成'}回答{retried}"
        )
    return explain_failure(failure, retries)


def _retry_delay(failure: Exception, attempt: int) -> float | None:
    """Seconds to wait before trying again after ``failure`` of try number ``attempt``; None: do not retry.

    Like the openai client: timeouts, connection errors, 408, 409, 429 and 5xx are retried (or as the
    server's x-should-retry says), after its retry-after(-ms) when given, else an exponential back-off.
    """
    import openai

    if isinstance(failure, _TimedOut | openai.APITimeoutError):
        return 0.0  # the endpoint had its time; try again at once
    if isinstance(failure, openai.APIConnectionError):
        return _backoff(attempt)
    if not isinstance(failure, openai.APIStatusError):
        return None
    headers = failure.response.headers
    should = headers.get("x-should-retry")
    if should == "false" or (
        should != "true" and failure.status_code not in (408, 409, 429) and failure.status_code < 500
    ):
        return None
    return _retry_after(headers) or _backoff(attempt)


def _retry_after(headers: Any) -> float | None:
    seconds = None
    try:
        if "retry-after-ms" in headers:
            seconds = float(headers["retry-after-ms"]) / 1000
        elif "retry-after" in headers:
            value = headers["retry-after"]
            try:
                seconds = float(value)
            except ValueError:
                moment = email.utils.parsedate_to_datetime(value)
                seconds = moment.timestamp() - time.time()
    except (TypeError, ValueError):
        return None
    return seconds if seconds is not None and 0 < seconds <= 60 else None


def _backoff(attempt: int) -> float:
    return min(0.5 * 2 ** (attempt - 1), MAX_BACKOFF_SECONDS) * (1 - 0.25 * random.random())


def _seconds(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}".removesuffix(".0")
