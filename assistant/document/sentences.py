"""The one sentence splitter: the checker, the claim finder, the chunker and the judge all cut here.

A sentence ends at 。！？!? (and at ；; when ``semicolons`` is set: a claim or a chunk unit is a clause
that a semicolon closes) or at a line break. A run of end marks ends one sentence, and the closing
quotes or brackets that follow an end mark ("……完成。”") belong to the sentence they close.
"""

from __future__ import annotations

import re
from functools import lru_cache

_CLOSERS = "”’」』）)】》"


@lru_cache(maxsize=4)
def _pattern(semicolons: bool) -> re.Pattern[str]:
    marks = "。！？!?；;" if semicolons else "。！？!?"
    return re.compile(f"[{marks}]+[{_CLOSERS}]*|\n+")


def sentence_spans(
    text: str,
    start: int = 0,
    end: int | None = None,
    *,
    semicolons: bool = False,
    trim: bool = True,
    min_chars: int = 1,
) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]`` as (start, end) offsets into ``text``.

    With ``trim`` (the default) leading and trailing whitespace is left out and spans shorter than
    ``min_chars`` are dropped. Without it the spans tile the range exactly (every character, line
    breaks included, is in one span), which is what an index over a whole draft needs.
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _pattern(semicolons).finditer(text, start, end):
        if match.end() > cursor:
            spans.append((cursor, match.end()))
        cursor = match.end()
    if cursor < end:
        spans.append((cursor, end))
    if not trim:
        return spans or [(start, end)]
    trimmed = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e - s >= min_chars:
            trimmed.append((s, e))
    return trimmed
