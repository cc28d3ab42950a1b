"""Stand-ins for a remote LLM: a chat model that records its prompts, and an OpenAI-compatible HTTP server."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field


class RecordingChatModel(GenericFakeChatModel):
    """Answers from a list and keeps every prompt it was given (as lists of (role, text))."""

    recorded: list[list[tuple[str, str]]] = Field(default_factory=list)

    @classmethod
    def answering(cls, *answers: str) -> RecordingChatModel:
        return cls(messages=iter(answers))

    def _generate(
        self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs: Any
    ) -> ChatResult:
        self.recorded.append([(m.type, str(m.content)) for m in messages])
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)


class FailingChatModel(GenericFakeChatModel):
    """Raises the given exception on every call."""

    error: Any = None

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        raise self.error


class FakeOpenAIServer:
    """/v1/chat/completions on 127.0.0.1: streaming and not, with scripted 429/500/401 answers first; it can also
    hang (never answer) or stall (go silent mid-stream) until it is stopped."""

    def __init__(
        self,
        answer: str,
        failures: list[int] | None = None,
        delay: float = 0.0,
        break_after: int | None = None,
        hang: bool = False,
        stall_after: int | None = None,
        retry_after_ms: int = 20,
    ) -> None:
        self.answer = answer
        self.hang = hang  # accept the request and never answer it (until the server stops)
        self.stall_after = stall_after  # go silent after this many streamed pieces, the connection kept
        self.released = threading.Event()
        self.retry_after_ms = retry_after_ms  # sent with the scripted failures
        self.break_after = (
            break_after  # drop the connection after this many streamed pieces (a mid-answer failure)
        )
        self.failures = list(failures or [])
        self.delay = delay  # seconds between streamed pieces, so a browser can watch the draft arrive
        self.requests: list[dict[str, Any]] = []
        self.arrivals: list[float] = []  # time.perf_counter() when each request arrived
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                outer.arrivals.append(time.perf_counter())
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append(
                    {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
                )
                if outer.hang:
                    outer.released.wait(60)
                    return
                if outer.failures:
                    status = outer.failures.pop(0)
                    payload = json.dumps(
                        {"error": {"message": f"scripted {status}", "type": "test"}}
                    ).encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("retry-after-ms", str(outer.retry_after_ms))
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                if body.get("stream"):
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.end_headers()
                    for sent, piece in enumerate(_pieces(outer.answer)):
                        if outer.stall_after is not None and sent >= outer.stall_after:
                            self.wfile.flush()
                            outer.released.wait(60)
                            return
                        if outer.break_after is not None and sent >= outer.break_after:
                            self.wfile.flush()
                            self.connection.shutdown(socket.SHUT_RDWR)
                            return
                        chunk = {"id": "c1", "object": "chat.completion.chunk", "created": int(time.time()), "model": body["model"],
                                 "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}  # fmt: skip
                        self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                        self.wfile.flush()
                        if outer.delay:
                            time.sleep(outer.delay)
                    end = {"id": "c1", "object": "chat.completion.chunk", "created": int(time.time()), "model": body["model"],
                           "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}  # fmt: skip
                    self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
                    return
                payload = json.dumps({
                    "id": "c1", "object": "chat.completion", "created": int(time.time()), "model": body["model"],
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": outer.answer}, "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }, ensure_ascii=False).encode()  # fmt: skip
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeOpenAIServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


def _pieces(text: str, size: int = 8) -> Iterator[str]:
    for i in range(0, len(text), size):
        yield text[i : i + size]


class ScriptedChatModel(BaseChatModel):
    """Answers each prompt with ``respond(messages)`` and records the prompts: a stand-in judge."""

    respond: Callable[[list[tuple[str, str]]], str]
    recorded: list[list[tuple[str, str]]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs: Any) -> ChatResult:
        pairs = [(m.type, str(m.content)) for m in messages]
        self.recorded.append(pairs)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.respond(pairs)))])


_PASSAGE = re.compile(r"^\[(\d+)\][^\n]*\n<<<\n(.*?)\n>>>", re.MULTILINE | re.DOTALL)


def overlap_judge(messages: list[tuple[str, str]]) -> str:
    """A crude judge: 'supported' when a passage shares a run of 10+ characters with the claim."""
    user = messages[-1][1]
    claim = re.search(r"【被审核的表述】(.*)", user).group(1).strip()
    best: tuple[int, int, str] = (0, 0, "")
    for match in _PASSAGE.finditer(user):
        number, body = int(match.group(1)), match.group(2)
        for size in range(min(len(claim), 40), 9, -1):
            hit = next(
                (claim[i : i + size] for i in range(len(claim) - size + 1) if claim[i : i + size] in body), ""
            )
            if hit:
                if size > best[0]:
                    best = (size, number, hit)
                break
    if best[0]:
        return json.dumps({"verdict": "supported", "passage": best[1], "quote": best[2], "reason": "资料写明了同样的内容"},
                          ensure_ascii=False)  # fmt: skip
    return json.dumps({"verdict": "unsupported", "passage": None, "quote": "", "reason": "资料中没有写明"},
                      ensure_ascii=False)  # fmt: skip
