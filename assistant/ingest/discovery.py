"""Which files an ingest reads: folders scanned without following links out of them, names made showable.

A file name that is not valid UTF-8 (GBK bytes from a zip made on Windows) reaches Python with the
undecodable bytes as surrogates. Such a name is shown, stored and cited decoded (as GB18030, else with
replacement characters), while the file itself is still opened through its real path.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from assistant.document.readers import REFUSED_SUFFIXES, SUPPORTED_SUFFIXES
from assistant.errors import InputFileError
from assistant.store.chroma_store import doc_id_for


@dataclass
class SourceFile:
    path: Path  # the real path the file is read through
    root: str  # showable
    source: str  # path relative to root, with forward slashes, showable

    @property
    def doc_id(self) -> str:
        return doc_id_for(self.root, self.source)


@dataclass
class Discovery:
    files: list[SourceFile] = field(default_factory=list)
    roots: list[str] = field(default_factory=list)  # folders scanned whole (showable)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (name, Chinese message)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # links out of a folder


def _readable_part(part: str) -> str:
    try:
        part.encode("utf-8")
        return part
    except UnicodeEncodeError:
        raw = os.fsencode(part)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace")


def readable(name: str) -> str:
    """``name`` with every path component that holds undecodable bytes decoded, so it is valid UTF-8."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return "/".join(_readable_part(part) for part in name.split("/"))


def _is_candidate(path: Path) -> bool:
    """A file an ingest reads, or reports with its format's message (an .ofd): not skipped silently."""
    known = path.suffix.lower() in SUPPORTED_SUFFIXES or path.suffix.lower() in REFUSED_SUFFIXES
    return known and not path.name.startswith((".", "~$"))


def _os_problem(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "没有读取权限"
    return exc.strerror or type(exc).__name__


def _unsupported(given: str) -> str:
    return InputFileError(given, f"不支持的文件类型（支持 {'、'.join(SUPPORTED_SUFFIXES)}）").args[0]


def _scan(root: Path, shown_root: str, shown_given: str, found: Discovery) -> None:
    """Every candidate file under ``root`` (hidden names skipped), without recursion on folder depth.

    A link (to a file or a folder) whose target lies outside ``root`` is skipped with a notice. A link to
    a folder inside ``root`` is not followed: that folder's files are found under their real path.
    """
    files: list[Path] = []
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            shown = readable(folder.relative_to(root).as_posix()) if folder != root else shown_given
            found.problems.append((shown, f"文件夹“{shown}”无法读取：{_os_problem(exc)}"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    is_dir = entry.is_dir()
                    if not (is_dir or _is_candidate(path)):
                        continue
                    try:
                        inside = path.resolve().is_relative_to(root)
                    except (OSError, RuntimeError):  # a loop of links
                        inside = False
                    if not inside:
                        shown = readable(path.relative_to(root).as_posix())
                        found.skipped.append(
                            (shown, f"“{shown}”是指向所导入文件夹之外的链接，为安全起见已跳过")
                        )
                        continue
                    if is_dir:
                        continue
                if entry.is_dir(follow_symlinks=False):
                    pending.append(path)
                elif _is_candidate(path) and entry.is_file():
                    files.append(path)
            except OSError as exc:
                shown = readable(path.relative_to(root).as_posix())
                found.problems.append((shown, f"文件“{shown}”无法读取：{_os_problem(exc)}"))
    for path in sorted(files):
        found.files.append(SourceFile(path, shown_root, readable(path.relative_to(root).as_posix())))


def discover(paths: Iterable[Path], known_roots: Iterable[str]) -> Discovery:
    """Files to ingest, the folders scanned whole, problems with the paths given and links skipped."""
    found = Discovery()
    roots = sorted({str(Path(r)) for r in known_roots}, key=len, reverse=True)
    for given in paths:
        path = Path(given)
        shown_given = readable(str(given))
        if not path.exists():
            found.problems.append((shown_given, f"路径“{shown_given}”不存在"))
            continue
        resolved = path.resolve()
        shown = readable(str(resolved))
        if resolved.is_dir():
            found.roots.append(shown)
            _scan(resolved, shown, shown_given, found)
            continue
        if not _is_candidate(resolved):
            found.problems.append((shown_given, _unsupported(shown_given)))
            continue
        if not resolved.is_file():
            found.problems.append((shown_given, f"“{shown_given}”不是普通文件"))
            continue
        owner = next((r for r in roots if PurePath(shown).is_relative_to(r)), readable(str(resolved.parent)))
        found.files.append(SourceFile(resolved, owner, PurePath(shown).relative_to(owner).as_posix()))
    unique: dict[str, SourceFile] = {}
    for item in found.files:
        same = unique.get(item.doc_id)
        if same is not None and same.path != item.path:  # two byte names decoded to the same text
            found.problems.append(
                (item.source, f"文件“{item.source}”与另一个文件的名称相同（文件名编码不同），已跳过")
            )
            continue
        unique[item.doc_id] = item
    found.files = list(unique.values())
    return found
