"""Where the program writes: every path is built from ids the program generates, under the data dir.

User text (a report title, an uploaded file's name) only ever becomes a *display name*: the last path
component, stripped of separators, control characters and names Windows reserves, and never the place a
file goes. :func:`inside` is the last check before anything is written.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from pathlib import Path

from assistant.errors import AssistantError

MAX_NAME_CHARS = 60
# characters no file name may hold on Linux or Windows, plus the path separators of both
_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00]')
_WINDOWS_RESERVED = re.compile(r"^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?:\..*)?$", re.IGNORECASE)


def new_id() -> str:
    """A random id for a folder or file the program creates (never guessable, never user text)."""
    return secrets.token_hex(12)


def display_name(text: str | None, default: str, max_chars: int = MAX_NAME_CHARS) -> str:
    """``text`` made safe as one file name: separators, NUL and control characters replaced, dots and
    spaces trimmed from the ends, Windows device names escaped, at most ``max_chars`` characters."""
    name = "".join(
        "_" if unicodedata.category(ch).startswith("C") else ch for ch in str(text or "")
    )  # control, format, surrogate and unassigned characters
    name = _FORBIDDEN.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" ._")
    name = name[:max_chars].rstrip(" .")
    if not name or set(name) <= {"_", "."}:
        return default
    if _WINDOWS_RESERVED.match(name):
        name = f"_{name}"
    return name


def file_name(original: str | None, default_stem: str, allowed_suffixes: tuple[str, ...]) -> str:
    """A display file name for an uploaded file: its own stem made safe, its suffix lower-cased and one of
    ``allowed_suffixes`` (the caller refuses other types before this)."""
    original = str(original or "")
    path = Path(original.replace("\\", "/")).name  # a Windows browser may send C:\\…\\name
    stem, dot, suffix = path.rpartition(".")
    suffix = f".{suffix.lower()}" if dot else ""
    if suffix not in allowed_suffixes:
        suffix = ""
    return display_name(stem if dot else path, default_stem) + suffix


def inside(root: Path, path: Path) -> Path:
    """``path`` resolved, after checking it lies inside ``root``; anything else is refused."""
    resolved_root = root.resolve()
    resolved = path.resolve()
    if resolved != resolved_root and not resolved.is_relative_to(resolved_root):
        raise AssistantError("拒绝写入：目标位置不在程序的数据目录内")
    return resolved
