"""Numbers as Chinese reports print them: Arabic (full-width, thousands separators) and Chinese numerals."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

FULL_WIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
CN_DIGIT = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_SMALL_UNIT = {"十": 10, "百": 100, "千": 1000}
CN_BIG_UNIT = {"万": 10_000, "亿": 100_000_000}
SCALE_WORDS = {"万": Decimal(10_000), "亿": Decimal(100_000_000), "千": Decimal(1000), "百": Decimal(100)}

# The longest numbers read as figures. No amount in a report has more than 18 digits before the decimal point
# (10^18 元 is far beyond any budget) or more than 12 after it; a longer run of digits is an identifier, a
# garbled cell or an attack, not a quantity, and is not read at all. Within these bounds a figure times the
# largest scale (亿 × 亿元) stays far inside the decimal context's exponent range, so nothing computed from
# figures overflows.
MAX_INTEGER_DIGITS = 18
MAX_DECIMAL_DIGITS = 12
# Chinese numerals in reports run to a dozen characters (一千二百三十四万五千六百七十八 has 15); a longer run of
# numeral characters is not one number.
MAX_CHINESE_NUMERAL_LENGTH = 32


def parse_arabic(text: str) -> tuple[Decimal, int] | None:
    """Value and number of printed decimals of ``1,234.56`` / ``１２３４．５６`` / ``12717584.6``; None when it
    has more digits than ``MAX_INTEGER_DIGITS`` / ``MAX_DECIMAL_DIGITS`` allow."""
    cleaned = text.translate(FULL_WIDTH).replace(",", "")  # FULL_WIDTH maps ， to , first
    whole, _, fraction = cleaned.partition(".")
    if len(whole) > MAX_INTEGER_DIGITS or len(fraction) > MAX_DECIMAL_DIGITS:
        return None
    return Decimal(cleaned), len(fraction)


def parse_chinese(text: str) -> int | None:
    """Value of a Chinese numeral such as 三十六, 两千, 一百零五, 一万二千; None if it is not one."""
    if (
        not text
        or len(text) > MAX_CHINESE_NUMERAL_LENGTH
        or any(ch not in CN_DIGIT and ch not in CN_SMALL_UNIT and ch not in CN_BIG_UNIT for ch in text)
    ):
        return None
    total = 0
    section = 0
    digit: int | None = None
    for ch in text:
        if ch in CN_DIGIT:
            if digit is not None and CN_DIGIT[ch] != 0 and digit != 0:
                return None  # "三五" is not a numeral
            digit = CN_DIGIT[ch]
        elif ch in CN_SMALL_UNIT:
            section += (digit if digit is not None else 1) * CN_SMALL_UNIT[ch]
            digit = None
        else:
            section += digit or 0
            total += (section or 1) * CN_BIG_UNIT[ch]
            section = 0
            digit = None
    return total + section + (digit or 0)


def half_unit(decimals: int, scale: Decimal = Decimal(1)) -> Decimal:
    """Half a unit of the last printed digit, in base units: the rounding a printed figure allows."""
    return Decimal(5) * Decimal(10) ** (-(decimals + 1)) * scale


def round_half_up(number: Decimal, places: int = 2) -> Decimal:
    """``number`` rounded half up to ``places`` decimals, with the precision it needs (never InvalidOperation)."""
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, number.adjusted() + places + 2)
        return number.quantize(Decimal(10) ** -places, rounding=ROUND_HALF_UP)


def format_decimal(value: Decimal | float, places: int | None = None) -> str:
    """A number for a Chinese message: no exponent, no trailing zeros unless ``places`` asks for them."""
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if not number.is_finite():
        return str(number)
    if places is not None:
        with localcontext() as ctx:
            # quantize refuses a result longer than the precision; give it room (the digits are the same)
            ctx.prec = max(ctx.prec, number.adjusted() + places + 2)
            return f"{number.quantize(Decimal(10) ** -places):f}"
    text = f"{number.normalize():f}"
    return text
