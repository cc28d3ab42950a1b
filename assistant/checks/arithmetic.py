"""Interval arithmetic over printed figures: a printed value stands for every value that rounds to it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

from assistant.checks.figures import Figure
from assistant.document.numbers import format_decimal

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Interval:
    lo: Decimal
    hi: Decimal

    @classmethod
    def of(cls, figure: Figure) -> Interval:
        return cls(figure.value - figure.tolerance, figure.value + figure.tolerance)

    @classmethod
    def exact(cls, value: Decimal) -> Interval:
        return cls(value, value)

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.lo + other.lo, self.hi + other.hi)

    def __sub__(self, other: Interval) -> Interval:
        return Interval(self.lo - other.hi, self.hi - other.lo)

    def overlaps(self, other: Interval) -> bool:
        return self.lo <= other.hi and other.lo <= self.hi

    def contains(self, value: Decimal) -> bool:
        return self.lo <= value <= self.hi


def divide(numerator: Interval, denominator: Interval, scale: Decimal = HUNDRED) -> Interval | None:
    """numerator ÷ denominator × scale over the intervals; None when the denominator may be zero."""
    if denominator.lo <= 0 <= denominator.hi:
        return None
    with localcontext() as ctx:
        ctx.prec = 28
        candidates = [
            n / d * scale for n in (numerator.lo, numerator.hi) for d in (denominator.lo, denominator.hi)
        ]
    return Interval(min(candidates), max(candidates))


def truncated(computed: Interval, figure: Figure, negative: bool = False) -> bool:
    """True when the printed figure is the computed value cut off after its last printed digit rather than
    rounded (33.32% for 33.329%): the exact value lies beyond the printed one, away from zero, by less than
    one unit of the last digit. ``negative`` when the text states the figure as a decrease (下降 5.0% is
    −5.0%): a wrong sign is never a truncation. Such a difference is a warning that gives the correctly
    rounded value, never an error."""
    unit = 2 * figure.tolerance
    if unit <= 0:
        return False
    if negative:
        return computed.overlaps(Interval(-figure.value - unit, -figure.value))
    return computed.overlaps(Interval(figure.value, figure.value + unit))


ROUNDING_NOTE = "差异不足末位数字的一个单位，是截尾取数而非四舍五入"


def percent_text(value: Decimal, places: int = 2) -> str:
    return f"{format_decimal(value, places)}%"


def in_unit_of(figure: Figure, value: Decimal) -> str:
    """``value`` (base units) written in the figure's unit at its printed precision."""
    return f"{format_decimal(value / figure.scale, figure.decimals)}{figure.unit}"


def shared_unit_text(figures: list[Figure], value: Decimal) -> str:
    """``value`` in the unit all ``figures`` share (at their finest precision), else in base units."""
    units = {f.unit for f in figures}
    places = max(f.decimals for f in figures)
    if len(units) == 1:
        first = figures[0]
        return f"{format_decimal(value / first.scale, places)}{first.unit}"
    base = {"money": "元", "percent": "%"}.get(figures[0].dimension, figures[0].unit)
    return f"{format_decimal(value, 2)}{base}"
