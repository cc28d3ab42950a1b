"""The one lexicon (assistant/data/lexicon.yaml): the words each rule reads, by id, and patterns built from them."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml


@lru_cache(maxsize=1)
def _entries() -> dict[str, tuple[str, ...]]:
    raw = yaml.safe_load(resources.files("assistant.data").joinpath("lexicon.yaml").read_text(encoding="utf-8"))
    return {str(key): tuple(sorted({str(w) for w in words}, key=lambda w: (-len(w), w))) for key, words in raw.items()}


def words(entry: str) -> tuple[str, ...]:
    """The words of one entry, longest first. An unknown id is a programming error (KeyError)."""
    return _entries()[entry]


def alternation(*entries: str) -> str:
    """A regular-expression alternation (no group) of the words of the entries, longest first."""
    merged = sorted({w for e in entries for w in words(e)}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) for w in merged)


@lru_cache(maxsize=64)
def pattern(template: str) -> re.Pattern[str]:
    """``template`` with each ``{entry}`` replaced by the alternation of that entry's words, compiled.

    ``{change.up|change.down}`` merges entries. Braces of regex quantifiers are written doubled ({{0,6}}).
    """

    def replace(match: re.Match[str]) -> str:
        return f"(?:{alternation(*match.group(1).split('|'))})"

    expanded = re.sub(r"(?<!\{)\{([a-z.|]+)\}(?!\})", replace, template)
    return re.compile(expanded.replace("{{", "{").replace("}}", "}"))
