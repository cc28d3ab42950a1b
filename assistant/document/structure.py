"""Headings of Chinese reports (一、 /（一）/ 1. /（1）) and the section path at each position.

Heading styles nest in the order a document uses them: the seed report puts （1） directly under 一、
and 1、 under （1）, others use 一、 > （一） > 1. > （1）. A heading of a style already open closes that
level and everything below it; a new style opens a deeper level.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from assistant.document.numbers import parse_chinese

CN_DIGITS = "零〇一二三四五六七八九十百两"

_TOP = re.compile(rf"^(?:第[{CN_DIGITS}]+[章部节篇]|[{CN_DIGITS}]+、)")
_PAREN_CN = re.compile(rf"^[（(][{CN_DIGITS}]+[）)]")
_ARABIC = re.compile(r"^(\d{1,2})(?:[、．]|\.(?!\d))")
_PAREN_ARABIC = re.compile(r"^[（(]\d{1,2}[）)]")
_MD = re.compile(r"^(#{1,6})\s+")
_MD_AT = re.compile(r"(#{1,6})\s+")  # the same, matched at a position (no ^) to peel nested marks
# Conversion debris seen before headings in real reports, e.g. "[bookmark: _GoBack]五、…"
_LEADING_DEBRIS = re.compile(r"^(?:\[bookmark:[^\]]*\]\s*)+")
_TITLE_END = re.compile(r"[，。；：！？,;:!?]")
MAX_TITLE_CHARS = 40


@dataclass(frozen=True)
class Heading:
    style: str  # "top" (一、), "paren_cn" (（一）), "arabic" (1.), "paren_arabic" (（1）), "md1".."md6"
    title: str
    start: int  # offset of the heading line in the text
    depth: int = 1  # 1 for the outermost level, computed from the nesting
    pure: bool = True  # the line holds only the heading, no body text after it


def heading_title(line: str) -> str:
    """The heading's own words: the line up to its first clause punctuation, at most 40 characters."""
    match = _TITLE_END.search(line)
    title = line[: match.start()] if match else line
    return title.strip()[:MAX_TITLE_CHARS].rstrip()


def classify_heading(line: str, last_top_number: int | None) -> tuple[str, int | None] | None:
    """(style, number) if ``line`` opens a section, else None.

    An Arabic ``8、`` alone on its line that continues the top-level sequence (after ``七、``) counts as
    top level, as some reports number their last sections that way.
    """
    md_style = None
    pos = 0
    while md := _MD_AT.match(line, pos):  # "# # 一、…": the innermost mark that is followed by text
        md_style, pos = f"md{len(md.group(1))}", md.end()
    found = _numbered(line[pos:] if pos else line, last_top_number)
    return found if found or md_style is None else (md_style, None)


def _numbered(line: str, last_top_number: int | None) -> tuple[str, int | None] | None:
    if _PAREN_CN.match(line):
        return "paren_cn", None
    if _PAREN_ARABIC.match(line):
        return "paren_arabic", None
    top = _TOP.match(line)
    if top:
        return "top", parse_chinese(top.group(0).rstrip("、"))
    arabic = _ARABIC.match(line)
    if arabic:
        number = int(arabic.group(1))
        continues_top = (
            last_top_number is not None
            and last_top_number >= 3
            and number == last_top_number + 1
            and "、" in arabic.group(0)
            and len(line) <= MAX_TITLE_CHARS
            and not _TITLE_END.search(line)
        )
        return ("top", number) if continues_top else ("arabic", number)
    return None


def find_headings(text: str) -> list[Heading]:
    """Every heading line with its depth in the document's own nesting."""
    headings: list[Heading] = []
    open_styles: list[str] = []
    last_top: int | None = None
    offset = 0
    for raw in text.splitlines(keepends=True):
        stripped = raw.strip()
        debris = _LEADING_DEBRIS.match(stripped)
        line = stripped[debris.end() :] if debris else stripped
        if line:
            found = classify_heading(line, last_top)
            if found:
                style, number = found
                if style == "top" and number is not None:
                    last_top = number
                if style in open_styles:
                    del open_styles[open_styles.index(style) :]
                open_styles.append(style)
                body = _MD.sub("", line)
                title = heading_title(body)
                pure = len(body.strip().rstrip("。；：:;")) <= len(title)
                start = offset + len(raw) - len(raw.lstrip())
                headings.append(Heading(style, title, start, len(open_styles), pure))
        offset += len(raw)
    return headings


class SectionIndex:
    """Section path (``一、… > （二）…``) for any offset of a text."""

    def __init__(self, text: str) -> None:
        self.headings = find_headings(text)
        self._paths: list[tuple[int, str]] = []
        stack: list[Heading] = []
        for heading in self.headings:
            while stack and stack[-1].depth >= heading.depth:
                stack.pop()
            stack.append(heading)
            self._paths.append((heading.start, " > ".join(h.title for h in stack)))
        self._starts = [h.start for h in self.headings]  # ascending: looked up by bisection
        self._pure_starts = {h.start for h in self.headings if h.pure}

    def path_at(self, offset: int) -> str:
        at = bisect_right(self._starts, offset)
        return self._paths[at - 1][1] if at else ""

    def headings_in(self, start: int, end: int) -> list[Heading]:
        """The headings whose line starts in ``[start, end)``."""
        return self.headings[bisect_left(self._starts, start) : bisect_left(self._starts, end)]

    def is_bare_heading(self, offset: int) -> bool:
        """True when a heading line with no body text starts at ``offset``."""
        return offset in self._pure_starts

    def content_start(self, text: str, start: int, end: int) -> int:
        """Offset of the first line in ``text[start:end]`` that is not a bare heading (``start`` if none)."""
        offset = start
        for raw in text[start:end].splitlines(keepends=True):
            at = offset + len(raw) - len(raw.lstrip())
            if raw.strip() and at not in self._pure_starts:
                return at
            offset += len(raw)
        return start
