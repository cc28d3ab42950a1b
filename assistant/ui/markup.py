"""Text shown in Markdown components (chat bubbles, status and message lines) is escaped, never trusted.

Knowledge-base passages, uploaded file names, figures typed into the grid and model output can all carry
HTML or Markdown (an image that calls out to another server, a form, a style that covers the page, a
link). The chat stores plain text; it becomes Markdown only here, with every character that HTML or
Markdown would act on escaped, so it renders as the characters it is. The only formatting is the app's own.
"""

from __future__ import annotations

import re
from typing import Any

_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_ASCII_PUNCTUATION = set("!#$%()*+,-./:;=?@[\\]^_`{|}~")
_LABEL = re.compile(r"^【[^】\n]{1,20}】")


def md_text(text: str) -> str:
    """``text`` as Markdown that renders exactly as these characters: no HTML, links, images, lists,
    headings, code blocks, tables or maths. Line breaks are kept (the chat renders them)."""
    lines = []
    for line in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = line.lstrip(" \t")
        indent = "&nbsp;" * (len(line) - len(stripped))  # four spaces would open a code block
        escaped = "".join(
            _HTML.get(ch) or (f"\\{ch}" if ch in _ASCII_PUNCTUATION else ch) for ch in stripped
        )
        lines.append(indent + escaped)
    return "\n".join(lines)


def md_message(text: str) -> str:
    """A chat message: escaped text, with the app's own leading label (【离线草稿】) in bold."""
    escaped = md_text(text)
    label = _LABEL.match(text)
    if not label:
        return escaped
    head = md_text(label.group(0))
    return f"**{head}**{escaped[len(head):]}" if escaped.startswith(head) else escaped


def chat_display(history: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The stored chat (plain text) as the Chatbot shows it."""
    shown = []
    for message in history:
        role = message.get("role")
        if role not in ("user", "assistant"):
            continue
        shown.append({"role": role, "content": md_message(str(message.get("content") or ""))})
    return shown


def md_lines(head: str, items: list[str]) -> str:
    """A message line and a bulleted list of escaped items (file names, row problems)."""
    parts = [md_text(head)] + [f"- {md_text(item)}" for item in items]
    return "\n".join(parts)
