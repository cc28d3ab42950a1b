"""Failed logins are counted per client address and per user name; past the limit, /login answers 429.

The window slides: ``max_failures`` failed attempts within ``window`` seconds lock that address (and that
user name, from any address) until the oldest of them leaves the window. A successful login clears the
user name's count. The clock is injectable so tests need not wait.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

MAX_FORM_BYTES = 16 * 1024


class FailureLog:
    def __init__(self, max_failures: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def wait_seconds(self, keys: list[str]) -> float:
        """0 when every key may try again, else the seconds until the first of them may."""
        now = self.clock()
        waits = []
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                if len(times) >= self.max_failures:
                    waits.append(times[len(times) - self.max_failures] + self.window - now)
        return max(waits, default=0.0)

    def failed(self, keys: list[str]) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)
            if len(self._failures) > 10_000:  # forget idle keys so the log cannot grow without bound
                for key in [k for k, v in self._failures.items() if not v]:
                    del self._failures[key]

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


def _message(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return f"登录失败次数过多，请 {minutes} 分钟后再试。"


class LoginGuard:
    """ASGI middleware in front of the page's POST /login."""

    def __init__(self, app: Any, failures: FailureLog) -> None:
        self.app = app
        self.failures = failures

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST" or not scope["path"].rstrip("/").endswith("/login"):
            await self.app(scope, receive, send)
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_FORM_BYTES:
                await _reply(send, 413, "登录请求过大。")
                return
        form = parse_qs(body.decode("utf-8", "replace"))
        username = (form.get("username") or [""])[0].strip()
        client = scope.get("client") or ("", 0)
        keys = [f"addr:{client[0]}", f"user:{username}"]
        wait = self.failures.wait_seconds(keys)
        if wait > 0:
            await _reply(send, 429, _message(wait), {"retry-after": str(math.ceil(wait))})
            return
        status: dict[str, int] = {}
        sent = False

        async def replay() -> dict:
            nonlocal sent
            if sent:
                return await receive()  # after the body: wait for the client to go, as the server would
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def watch(message: dict) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, replay, watch)
        if status.get("code") == 200:
            self.failures.succeeded(f"user:{username}")
        elif status.get("code") in (400, 401, 403):
            self.failures.failed(keys)


async def _reply(send: Any, status: int, detail: str, extra: dict[str, str] | None = None) -> None:
    payload = json.dumps({"detail": detail}, ensure_ascii=False).encode("utf-8")
    headers = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(payload)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
