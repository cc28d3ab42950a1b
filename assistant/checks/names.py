"""Names of things measured: normalisation, aliases and known decompositions, from a data file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

IGNORED_IN_NAMES = re.compile(r"[\s“”‘’\"'「」『』《》]")  # one character at a time
_BRACKETS = str.maketrans({"(": "（", ")": "）"})


def normalize(name: str) -> str:
    """Quotes and spaces removed, half-width brackets made full-width."""
    return IGNORED_IN_NAMES.sub("", name).translate(_BRACKETS)


@dataclass(frozen=True)
class Vocabulary:
    canonical_of: dict[str, str]  # normalized variant -> canonical
    variants_of: dict[
        str, tuple[str, ...]
    ]  # canonical -> normalized variants (canonical included), longest first
    # canonical whole -> its complete decompositions (each a tuple of canonical parts)
    decompositions: dict[str, tuple[tuple[str, ...], ...]]
    lower_is_better: tuple[str, ...]

    def canonical(self, name: str) -> str:
        key = normalize(name)
        return self.canonical_of.get(key, key)

    def variants(self, name: str) -> tuple[str, ...]:
        canonical = self.canonical(name)
        return self.variants_of.get(canonical, (canonical,))

    def disjoint(self, a: str, b: str) -> bool:
        return a != b and any(a in members and b in members for members in self.all_members())

    def all_members(self) -> list[tuple[str, ...]]:
        """Every decomposition's parts, of every whole."""
        return [members for alternatives in self.decompositions.values() for members in alternatives]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    raw = yaml.safe_load(
        resources.files("assistant.data").joinpath("aliases.yaml").read_text(encoding="utf-8")
    )
    canonical_of: dict[str, str] = {}
    variants_of: dict[str, tuple[str, ...]] = {}
    for canonical, variants in raw["aliases"].items():
        names = {normalize(canonical), *(normalize(v) for v in variants)}
        for name in names:
            canonical_of[name] = normalize(canonical)
        variants_of[normalize(canonical)] = tuple(sorted(names, key=len, reverse=True))
    def name(raw_name: str) -> str:
        return canonical_of.get(normalize(raw_name), normalize(raw_name))

    decompositions = {
        name(w): tuple(
            tuple(name(p) for p in alternative)
            # one decomposition ([A, B]) or several alternatives ([[A, B], [A, C, D]])
            for alternative in (parts if parts and isinstance(parts[0], list) else [parts])
        )
        for w, parts in raw["decompositions"].items()
    }
    return Vocabulary(canonical_of, variants_of, decompositions, tuple(raw.get("lower_is_better", [])))


@lru_cache(maxsize=1)
def _variant_pattern() -> re.Pattern[str]:
    vocab = vocabulary()
    variants = sorted((v for v in vocab.canonical_of if vocab.canonical_of[v] != v), key=len, reverse=True)
    return re.compile("|".join(re.escape(v) for v in variants))


def canonical_text(text: str) -> str:
    """``text`` normalized with every alias variant written as its canonical name (规上企业总数 → 规模以上工业企业总数)."""
    vocab = vocabulary()
    return _variant_pattern().sub(lambda m: vocab.canonical_of[m.group(0)], normalize(text))


def find_name(text: str, names: list[str]) -> tuple[str, int] | None:
    """The name (canonical) whose variant occurs in ``text`` nearest its end (longest on ties), with its end."""
    vocab = vocabulary()
    haystack = canonical_text(text)
    best: tuple[int, int, str] | None = None
    for name in names:
        for variant in (*vocab.variants(name), normalize(name), canonical_text(name)):
            at = haystack.rfind(variant)
            if at >= 0:
                key = (at + len(variant), len(variant), name)
                if best is None or key[:2] > best[:2]:
                    best = key
    return (best[2], best[0]) if best else None
