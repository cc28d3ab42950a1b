"""Every quantity in a text: value in base units, unit, printed precision, approximation, exact span.

Years, dates, durations, document numbers (财预〔2020〕10号), ordinals (第3) and section numbers (1. /（一）)
are recognised and left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from assistant.checks.units import Unit, unit_table
from assistant.document.numbers import SCALE_WORDS, half_unit, parse_arabic, parse_chinese

_ARABIC = r"[0-9０-９]+(?:[,，][0-9０-９]{3}(?![0-9０-９]))*(?:[.．][0-9０-９]+)?"
_CHINESE = r"[零〇一二两三四五六七八九十百千万亿]+"
_NUMBER = re.compile(rf"(?P<pct>百分之)?(?:(?P<arabic>{_ARABIC})|(?P<chinese>{_CHINESE}))")
_APPROX_BEFORE = ("大约", "将近", "接近", "超过", "突破", "不足", "不到", "约", "近", "超", "逾")
_APPROX_BEFORE_LAST = {word[-1] for word in _APPROX_BEFORE}
_APPROX_INSIDE = ("余", "多")
_APPROX_AFTER = ("以上", "以下", "以内", "左右", "上下", "开外")
_SECTION_NUMBER_END = (".", "．", "、", "）", ")")
_NOT_A_UNIT = {"部": "分"}  # a unit followed by this is another word: 部分


@dataclass(frozen=True)
class Figure:
    start: int
    end: int
    text: str
    value: Decimal  # in the dimension's base unit: 元 for money, % for percent
    unit: str  # as printed: 万元, %, 家 …
    dimension: str  # money | percent | points | score | count:家 | measure:公里
    decimals: int  # printed decimals of the number (0 for Chinese numerals)
    scale: Decimal  # base units per printed unit of the number (10000 for 万元)
    approx: str = ""  # 约 / 余 / 以上 … when the text says the figure is not exact

    @property
    def tolerance(self) -> Decimal:
        """Half a unit of the last printed digit, in base units; none for a whole count (9家 is exactly 9)."""
        if (self.is_count and self.decimals == 0 and self.scale == 1) or (
            self.value == 0 and self.decimals == 0
        ):
            return Decimal(0)  # nobody writes 0.3万元 as 0万元
        return half_unit(self.decimals, self.scale)

    @property
    def is_money(self) -> bool:
        return self.dimension == "money"

    @property
    def is_percent(self) -> bool:
        return self.dimension == "percent"

    @property
    def is_count(self) -> bool:
        return self.dimension.startswith("count:")

    @property
    def exact(self) -> bool:
        return not self.approx


def _is_section_number(text: str, start: int, end: int) -> bool:
    """A number alone at the start of its line (blanks and one opening bracket before it), then 、 . or ）."""
    if text[end : end + 1] not in _SECTION_NUMBER_END:
        return False
    pos = _blanks_before(text, start)
    if pos > 0 and text[pos - 1] in "（(":
        pos = _blanks_before(text, pos - 1)
    return pos == 0 or text[pos - 1] == "\n"


def _blanks_before(text: str, pos: int) -> int:
    """Start of the run of blanks (not line breaks) that ends at ``pos``."""
    while pos > 0 and text[pos - 1] != "\n" and text[pos - 1].isspace():
        pos -= 1
    return pos


def _in_document_number(text: str, start: int, end: int) -> bool:
    window_before = text[max(0, start - 12) : start]
    if "〔" in window_before and "〕" not in window_before:
        return True
    if text[start - 1 : start] in ("〔", "[", "【"):
        return True
    return bool(re.match(r"〕\s*$", text[max(0, start - 1) : start])) or text[end : end + 1] == "号"


def _approx_before(text: str, start: int) -> str:
    if text[start - 1 : start] not in _APPROX_BEFORE_LAST:
        return ""
    for word in _APPROX_BEFORE:
        if text.endswith(word, max(0, start - len(word)), start):
            return word
    return ""


def extract_figures(text: str) -> list[Figure]:
    """Quantities of ``text`` in order of appearance."""
    units = unit_table()
    figures: list[Figure] = []
    for match in _NUMBER.finditer(text):
        start, pos = match.start(), match.end()
        if match.group("chinese"):
            raw = match.group("chinese")
            # a trailing 万/亿 is the scale of the unit after it, not part of the numeral ("两万元")
            parsed = parse_chinese(raw)
            if parsed is None:
                continue
            value, decimals = Decimal(parsed), 0
        else:
            arabic = parse_arabic(match.group("arabic"))
            if arabic is None:
                continue  # too many digits to be an amount
            value, decimals = arabic
        if text[start - 1 : start] == "第" or (start > 0 and text[start - 1].isdigit()):
            continue
        if match.group("pct"):
            figures.append(Figure(start, pos, text[start:pos], value, "%", "percent", decimals, Decimal(1)))
            continue
        approx = _approx_before(text, start)
        inside = ""
        if text[pos : pos + 1] in _APPROX_INSIDE:
            inside = text[pos]
            pos += 1
        unit: Unit | None = units.match(text, pos)
        scale = Decimal(1)
        if unit is None and text[pos : pos + 1] in SCALE_WORDS and match.group("arabic"):
            unit = units.match(text, pos + 1)
            if unit is not None:
                scale = SCALE_WORDS[text[pos]]
                pos += 1
        if unit is None and not inside and text[pos : pos + 1] in _APPROX_INSIDE:
            inside = text[pos]
            unit = units.match(text, pos + 1)
            pos += 1
        if unit is None or not unit.is_quantity:
            continue
        if text.startswith(_NOT_A_UNIT.get(unit.text, "\0"), pos + len(unit.text)):
            continue  # "三部分" is not three of something counted in 部
        if (
            match.group("chinese")
            and unit.dimension == "money"
            and len(match.group("chinese")) == 1
            and match.group("chinese") in "万亿千百十"
        ):
            continue  # "亿元以上" has no number
        end = pos + len(unit.text)
        if _is_section_number(text, start, match.end()) or _in_document_number(text, start, match.end()):
            continue
        after = ""
        for word in _APPROX_AFTER:
            if text.startswith(word, end):
                after = word
                break
        figures.append(
            Figure(
                start=start,
                end=end,
                text=text[start:end],
                value=value * scale * unit.factor,
                unit=text[match.end() : end] if scale != 1 else unit.text,
                dimension=unit.dimension,
                decimals=decimals,
                scale=scale * unit.factor,
                approx=approx or inside or after,
            )
        )
    return figures
