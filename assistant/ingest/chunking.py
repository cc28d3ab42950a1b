"""Cut a text into chunks of about 300-600 characters that follow its headings and sentences.

Every chunk is ``text[start:end]`` exactly, so a citation can show the passage in its source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.document.sentences import sentence_spans
from assistant.document.structure import SectionIndex

_CLAUSE_END = re.compile(r"[，、,：:]")
_NUMBER_CHAR = re.compile(r"[0-9０-９.．,，%％]")


@dataclass(frozen=True)
class Piece:
    start: int
    end: int
    section: str  # path where the chunk's first body line stands
    sections: tuple[str, ...] = ()  # every section path the chunk covers, first included


def _safe_cut(text: str, start: int, limit: int) -> int:
    """A cut point at or before ``limit`` that does not fall inside a number."""
    cut = limit
    while cut > start + 1 and _NUMBER_CHAR.match(text[cut - 1]) and _NUMBER_CHAR.match(text[cut]):
        cut -= 1
    return cut if cut > start + 1 else limit


def split_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Split one over-long sentence at clause marks (，、：), never inside a number."""
    parts: list[tuple[int, int]] = []
    cursor = start
    while end - cursor > max_chars:
        window_end = cursor + max_chars
        cut = None
        for match in _CLAUSE_END.finditer(text, cursor + max_chars // 3, window_end):
            cut = match.end()
        if cut is None or (text[cut - 1] == "," and cut < end and text[cut].isdigit()):
            cut = _safe_cut(text, cursor, window_end)
        parts.append((cursor, cut))
        cursor = cut
    parts.append((cursor, end))
    return parts


def chunk_text(
    text: str, min_chars: int = 300, max_chars: int = 600, index: SectionIndex | None = None
) -> list[Piece]:
    """Chunks of whole sentences, at most ``max_chars`` long (a longer sentence is cut at a clause mark).

    A chunk ends before a heading once it holds ``min_chars`` (before a top-level heading, once it holds
    a quarter of that), so chunks follow the document's sections and small sections are packed together.
    """
    index = index or SectionIndex(text)  # a Document hands over the heading tree it already built
    depth_at = {h.start: h.depth for h in index.headings}
    units: list[tuple[int, int]] = []
    for s, e in sentence_spans(text, semicolons=True):
        units.extend(split_long(text, s, e, max_chars) if e - s > max_chars else [(s, e)])
    groups: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for s, e in units:
        if current:
            held = current[-1][1] - current[0][0]
            depth = depth_at.get(s)
            wanted = depth is not None and held >= (min_chars // 4 if depth == 1 else min_chars)
            if e - current[0][0] > max_chars or wanted:
                # bare heading lines at the end go with the body that follows them
                cut = len(current)
                while cut > 1 and index.is_bare_heading(current[cut - 1][0]):
                    cut -= 1
                carried = current[cut:]
                if carried and e - carried[0][0] > max_chars:
                    carried, cut = [], len(current)
                groups.append(current[:cut])
                current = carried
        current.append((s, e))
    if current:
        groups.append(current)
    return [_piece(text, index, group[0][0], group[-1][1]) for group in groups]


def _piece(text: str, index: SectionIndex, start: int, end: int) -> Piece:
    first = index.path_at(index.content_start(text, start, end))
    covered = [first]
    for heading in index.headings_in(start, end):
        path = index.path_at(heading.start)
        if path not in covered:
            covered.append(path)
    return Piece(start, end, first, tuple(covered))
