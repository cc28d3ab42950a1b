"""What a browser (or someone imitating one) sends to the page's own events, over plain HTTP.

The page's handlers are not named API endpoints, but any client can call them the way the browser does:
POST /gradio_api/queue/join with the event's id, then read the answer from the event stream. Tests use
this to send events with and without a session cookie, as another user, or with hostile input.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx


@dataclass
class EventResult:
    ok: bool
    data: list[Any]
    error: str = ""
    progress: list[str] = field(default_factory=list)  # the progress descriptions the event showed


class PageClient:
    def __init__(self, url: str, *, keep_cookies: bool = True, timeout: float = 120) -> None:
        self.url = url.rstrip("/")
        self.keep_cookies = keep_cookies
        self.http = httpx.Client(base_url=self.url, timeout=timeout, follow_redirects=True)
        self.session_hash = uuid.uuid4().hex[:11]
        self.open_page()

    def open_page(self) -> None:
        """GET / as a browser does first (it sets the session cookie), then the page's config."""
        self.http.get("/")
        if not self.keep_cookies:
            self.http.cookies.clear()
        response = self.http.get("/config")
        self.config = response.json() if response.status_code == 200 else {}

    def login(self, username: str, password: str) -> httpx.Response:
        response = self.http.post("/login", data={"username": username, "password": password})
        if response.status_code == 200:
            self.open_page()
        return response

    def fn_index(self, name: str) -> int:
        for dependency in self.config["dependencies"]:
            if dependency.get("api_name") == name:
                return dependency["id"]
        raise KeyError(name)

    def upload(self, path: Path, name: str | None = None) -> dict[str, Any]:
        """A file as the browser uploads it: the stored path and the name the user's file had."""
        with path.open("rb") as handle:
            response = self.http.post("/gradio_api/upload", files={"files": (name or path.name, handle)})
        response.raise_for_status()
        stored = response.json()[0]
        return {"path": stored, "orig_name": name or path.name, "meta": {"_type": "gradio.FileData"}}

    def call(self, name: str, *data: Any) -> EventResult:
        """Run the event named ``name`` with ``data`` as its inputs; the last message it sends back."""
        if not self.keep_cookies:
            self.http.cookies.clear()
        joined = self.http.post(
            "/gradio_api/queue/join",
            json={"data": list(data), "fn_index": self.fn_index(name), "session_hash": self.session_hash,
                  "event_data": None, "trigger_id": None},  # fmt: skip
        )
        if joined.status_code != 200:
            return EventResult(False, [], f"HTTP {joined.status_code}: {joined.text[:300]}")
        event_id = joined.json().get("event_id")
        last: EventResult | None = None
        shown: list[str] = []
        with self.http.stream("GET", "/gradio_api/queue/data", params={"session_hash": self.session_hash}) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("event_id") not in (None, event_id):
                    continue
                kind = message.get("msg")
                if kind == "progress":
                    shown += [str(p.get("desc") or "") for p in message.get("progress_data") or []]
                if kind == "process_generating":
                    last = EventResult(True, message.get("output", {}).get("data", []), progress=shown)
                if kind == "process_completed":
                    output = message.get("output") or {}
                    if message.get("success"):
                        return EventResult(True, output.get("data", []), progress=shown)
                    return EventResult(False, [], str(output.get("error") or output), progress=shown)
                if kind == "close_stream":
                    break
        return last or EventResult(False, [], "no answer")

    def close(self) -> None:
        self.http.close()
