"""Cut a text into chunks of about 300-600 characters that follow its headings and sentences.

Every chunk is ``text[start:end]`` exactly, so a citation can show the passage in its source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.ingest.structure import SectionIndex

_SENTENCE_END = re.compile(r"[。！？；!?;]+[”’」』）)】》]*|\n+")
_CLAUSE_END = re.compile(r"[，、,：:]")
_NUMBER_CHAR = re.compile(r"[0-9０-９.．,，%％]")


@dataclass(frozen=True)
class Piece:
    start: int
    end: int
    section: str


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` (ends at 。！？； or line breaks), whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _SENTENCE_END.finditer(text, start, end):
        spans.append((cursor, match.end()))
        cursor = match.end()
    if cursor < end:
        spans.append((cursor, end))
    trimmed = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


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


def chunk_text(text: str, min_chars: int = 300, max_chars: int = 600) -> list[Piece]:
    """Chunks that never cross a level-1/2 heading, start a new chunk at a lower heading once the current
    one holds ``min_chars``, and end on a sentence end unless a sentence alone is longer than ``max_chars``."""
    index = SectionIndex(text)
    hard = sorted({0, *index.starts(max_depth=2), len(text)})
    # A block holding only heading lines ("二、…" right before "（一）…") joins the block after it.
    hard = [b for i, b in enumerate(hard) if i in (0, len(hard) - 1) or not index.is_heading_only(text, hard[i - 1], b)]
    soft = set(index.starts(min_depth=3))
    pieces: list[Piece] = []
    for block_start, block_end in zip(hard, hard[1:], strict=False):
        units: list[tuple[int, int]] = []
        for s, e in sentence_spans(text, block_start, block_end):
            units.extend(split_long(text, s, e, max_chars) if e - s > max_chars else [(s, e)])
        current: list[tuple[int, int]] = []
        for s, e in units:
            if current:
                size_with = e - current[0][0]
                at_soft_heading = any(current[-1][1] <= h <= s for h in soft)
                if size_with > max_chars or (at_soft_heading and current[-1][1] - current[0][0] >= min_chars):
                    pieces.append(_piece(text, index, current[0][0], current[-1][1]))
                    current = []
            current.append((s, e))
        if current:
            pieces.append(_piece(text, index, current[0][0], current[-1][1]))
    return _merge_tiny(pieces, text, index, min_chars // 4, max_chars)


def _piece(text: str, index: SectionIndex, start: int, end: int) -> Piece:
    """A chunk's section is the path where its first non-heading line stands."""
    return Piece(start, end, index.path_at(index.content_start(text, start, end)))


def _merge_tiny(pieces: list[Piece], text: str, index: SectionIndex, tiny: int, max_chars: int) -> list[Piece]:
    """Fold a fragment shorter than ``tiny`` into the previous chunk of the same section when it fits."""
    merged: list[Piece] = []
    for piece in pieces:
        if (
            merged
            and piece.end - piece.start < tiny
            and merged[-1].section.split(" > ")[:2] == piece.section.split(" > ")[:2]
            and piece.end - merged[-1].start <= max_chars
        ):
            merged[-1] = Piece(merged[-1].start, piece.end, merged[-1].section)
        else:
            merged.append(piece)
    return merged
