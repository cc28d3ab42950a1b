"""Query expansion from a glossary file: everyday words in a question gain the domain's terms."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml


@lru_cache(maxsize=1)
def _glossary() -> tuple[tuple[str, tuple[str, ...]], ...]:
    text = resources.files("assistant.data").joinpath("query_glossary.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    entries = [(str(k), tuple(str(t) for t in v)) for k, v in data.items()]
    return tuple(sorted(entries, key=lambda kv: -len(kv[0])))


def expansion_terms(query: str) -> list[str]:
    """Domain terms for the everyday words ``query`` contains, not already in it, in glossary order.

    An entry is skipped when the question already uses one of its terms (公务接待费 contains 接待, but a
    question that says 公务接待费 needs no help).
    """
    terms: list[str] = []
    for key, targets in _glossary():
        if key in query and not any(term in query for term in targets if term != key):
            for term in targets:
                if term not in query and term not in terms:
                    terms.append(term)
    return terms


def expand_query(query: str) -> str:
    extra = expansion_terms(query)
    return f"{query} {' '.join(extra)}" if extra else query
