"""Citations [n] in model output mapped to the passages given; any other number is removed and reported."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CITATION = re.compile(r"\[(\d{1,3})\]")


@dataclass(frozen=True)
class CitationReport:
    text: str
    used: list[int]  # passage numbers cited, in order of first use
    removed: list[str]  # citations that named no given passage


def resolve_citations(text: str, given: int) -> CitationReport:
    used: list[int] = []
    removed: list[str] = []

    def keep_or_drop(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if 1 <= number <= given:
            if number not in used:
                used.append(number)
            return match.group(0)
        removed.append(match.group(0))
        return ""

    return CitationReport(_CITATION.sub(keep_or_drop, text), used, removed)
