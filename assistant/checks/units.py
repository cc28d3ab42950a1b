"""Units of figures: money (to 元), percent, points, scores, counts and measures, from a data file."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Unit:
    text: str  # as written: 万元, %, 家 …
    dimension: str  # "money", "percent", "points", "score", "count:家", "measure:公里", "time"
    factor: Decimal  # to the dimension's base unit (元 for money, % for percent, 1 otherwise)

    @property
    def is_quantity(self) -> bool:
        return self.dimension != "time"


@dataclass(frozen=True)
class UnitTable:
    units: dict[str, Unit]
    ordered: tuple[str, ...]  # longest first, for matching the text after a number
    _by_first: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_first: dict[str, tuple[str, ...]] = {}
        for word in self.ordered:
            by_first[word[:1]] = (*by_first.get(word[:1], ()), word)
        object.__setattr__(self, "_by_first", by_first)  # ``ordered`` grouped by first character, order kept

    def match(self, text: str, pos: int) -> Unit | None:
        for word in self._by_first.get(text[pos : pos + 1], ()):
            if text.startswith(word, pos):
                return self.units[word]
        return None

    def get(self, word: str) -> Unit | None:
        """The unit a table cell names, including a scaled one such as 万吨 or 万人."""
        word = word.strip()
        if word in self.units:
            return self.units[word]
        scales = {"万": Decimal(10_000), "亿": Decimal(100_000_000), "千": Decimal(1000)}
        if len(word) > 1 and word[0] in scales and word[1:] in self.units:
            base = self.units[word[1:]]
            if base.is_quantity and base.dimension != "percent":
                return Unit(word, base.dimension, base.factor * scales[word[0]])
        return None


@lru_cache(maxsize=1)
def unit_table() -> UnitTable:
    raw = yaml.safe_load(resources.files("assistant.data").joinpath("units.yaml").read_text(encoding="utf-8"))
    units: dict[str, Unit] = {}
    for word, factor in raw["money"].items():
        units[str(word)] = Unit(str(word), "money", Decimal(str(factor)))
    for word, factor in raw["percent"].items():
        units[str(word)] = Unit(str(word), "percent", Decimal(str(factor)))
    for word in raw["points"]:
        units[word] = Unit(word, "points", Decimal(1))
    for word in raw["score"]:
        units[word] = Unit(word, "score", Decimal(1))
    family = {alias: head for head, aliases in raw.get("same_count", {}).items() for alias in aliases}
    for word in raw["count"]:
        units.setdefault(word, Unit(word, f"count:{family.get(word, word)}", Decimal(1)))
    for word in raw["measure"]:
        units.setdefault(word, Unit(word, f"measure:{word}", Decimal(1)))
    for word in raw["time"]:
        units[word] = Unit(word, "time", Decimal(1))
    ordered = tuple(sorted(units, key=len, reverse=True))
    return UnitTable(units, ordered)
