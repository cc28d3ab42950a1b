"""Who is asking: the login user, or the browser's signed session cookie. Never a key the page sends.

Without login, each browser gets a random session id in an HttpOnly cookie signed with a secret that stays
in the data dir (it is never sent to any client, so ids cannot be forged or read by page scripts). The
cookie is set on the first response to a browser without a valid one, so every later request, including
events fired before the page has finished loading, carries it. A request with neither a login user nor a
valid cookie is refused; there is no shared or default workspace.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError

COOKIE_PREFIX = "assistant-session-"
COOKIE_MAX_AGE = 400 * 24 * 3600  # browsers cap persistent cookies at about 400 days


class UnknownSession(AssistantError):
    """The request carries no identity the server issued."""


def load_secret(path: Path) -> bytes:
    """The signing key, created once (0600) and kept across restarts so sessions survive them."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(".tmp")
        temp.write_text(secrets.token_hex(32), encoding="utf-8")
        temp.chmod(0o600)
        temp.replace(path)
    return bytes.fromhex(path.read_text(encoding="utf-8").strip())


class SessionCookies:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret
        # one name per secret: two instances on one host (cookies ignore ports) keep their own sessions
        self.name = COOKIE_PREFIX + hashlib.sha256(b"name" + secret).hexdigest()[:8]

    def _sign(self, session_id: str) -> str:
        return hmac.new(self._secret, session_id.encode("ascii"), hashlib.sha256).hexdigest()[:32]

    def issue(self) -> str:
        session_id = secrets.token_hex(16)
        return f"{session_id}.{self._sign(session_id)}"

    def verify(self, value: str | None) -> str | None:
        """The session id of a cookie value this server signed, else None."""
        if not value or value.count(".") != 1:
            return None
        session_id, signature = value.split(".")
        if len(session_id) != 32 or not all(c in "0123456789abcdef" for c in session_id):
            return None
        return session_id if hmac.compare_digest(signature, self._sign(session_id)) else None


def _cookie_header(headers: list[tuple[bytes, bytes]]) -> str:
    return "; ".join(v.decode("latin-1") for k, v in headers if k == b"cookie")


def cookie_value(header: str, name: str) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # noqa: BLE001 - a malformed Cookie header is treated as no cookie
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


def _is_page_load(scope: dict) -> bool:
    return scope.get("method") == "GET" and "/gradio_api/" not in scope.get("path", "")


class SessionMiddleware:
    """ASGI middleware: a request without a valid session cookie gets one, for this request and later."""

    def __init__(self, app: Any, cookies: SessionCookies, secure: bool = False) -> None:
        self.app = app
        self.cookies = cookies
        self.secure = secure

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = list(scope.get("headers") or [])
        name = self.cookies.name
        if self.cookies.verify(cookie_value(_cookie_header(headers), name)):
            await self.app(scope, receive, send)
            return
        value = self.cookies.issue()
        if _is_page_load(scope):  # the page itself is served to this session; events must bring the cookie
            others = [(k, v) for k, v in headers if k != b"cookie"]
            existing = _cookie_header(headers)
            joined = f"{existing}; {name}={value}" if existing else f"{name}={value}"
            scope = dict(scope, headers=[*others, (b"cookie", joined.encode("latin-1"))])
        attributes = f"{name}={value}; Path=/; Max-Age={COOKIE_MAX_AGE}; HttpOnly; SameSite=Lax"
        if self.secure:
            attributes += "; Secure"

        async def send_with_cookie(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = [*message.get("headers", []), (b"set-cookie", attributes.encode())]
            await send(message)

        await self.app(scope, receive, send_with_cookie)


@dataclass(frozen=True)
class Identity:
    key: str  # the workspace key: "user:<name>" or "browser:<session id>"
    owner: str  # the folder name of this identity's uploads (never user text: hex of the name or the id)
    username: str | None = None
    admin: bool = False

    @property
    def label(self) -> str:
        return self.username or "本浏览器"


def owner_folder_of_user(username: str) -> str:
    encoded = username.encode("utf-8").hex()
    return "u-" + encoded if len(encoded) <= 120 else "h-" + hashlib.sha256(encoded.encode()).hexdigest()[:40]


def user_of_owner_folder(folder: str) -> str | None:
    """The login name an uploads folder belongs to (None for browser sessions and other folders)."""
    if not folder.startswith("u-"):
        return None
    try:
        return bytes.fromhex(folder[2:]).decode("utf-8")
    except ValueError:
        return None


def identify(request: Any, cookies: SessionCookies, admins: set[str] | frozenset[str] = frozenset()) -> Identity:
    """The identity of a Gradio request; :class:`UnknownSession` when it has none the server issued."""
    username = getattr(request, "username", None) if request is not None else None
    if username:
        return Identity(f"user:{username}", owner_folder_of_user(username), username, username in admins)
    jar = getattr(request, "cookies", None) if request is not None else None
    value = jar.get(cookies.name) if jar is not None else None
    session_id = cookies.verify(value)
    if session_id is None:
        raise UnknownSession("无法识别当前会话：请刷新页面后再试（浏览器需允许本站的 Cookie）。")
    return Identity(f"browser:{session_id}", f"b-{session_id}")
