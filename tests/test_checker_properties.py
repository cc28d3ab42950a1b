"""Property tests: number parsing and unit conversion at the printed precision."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.checks.checker import check_text
from assistant.checks.figures import extract_figures
from assistant.checks.table import table_from_rows
from assistant.document.numbers import parse_chinese

amounts = st.decimals(min_value=Decimal("1.00"), max_value=Decimal("9999999999.99"), places=2)


def _chinese(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n == 0:
        return "零"
    out = ""
    units = [(10000, "万"), (1000, "千"), (100, "百"), (10, "十"), (1, "")]
    zero_pending = False
    for value, name in units:
        q, n = divmod(n, value)
        if q:
            if zero_pending and out:
                out += "零"
            out += (_chinese(q) if value == 10000 else digits[q]) + name
            zero_pending = False
        elif out:
            zero_pending = True
    return out


@given(st.integers(min_value=1, max_value=99_999_999))
def test_chinese_numerals_round_trip(n: int) -> None:
    assert parse_chinese(_chinese(n)) == n


@given(
    amounts, st.sampled_from([("万元", 10_000), ("亿元", 100_000_000)]), st.integers(min_value=0, max_value=6)
)
@settings(max_examples=200, deadline=None)
def test_rounded_rewrites_in_larger_units_are_judged_equal(
    amount: Decimal, unit: tuple[str, int], places: int
) -> None:
    name, factor = unit
    printed = (amount / factor).quantize(Decimal(10) ** -places, rounding=ROUND_HALF_UP)
    if printed == 0:
        return
    text = f"基本支出为{printed:f}{name}。"
    table = table_from_rows([{"name": "基本支出", "value": f"{amount:f}", "unit": "元"}])
    assert [f for f in check_text(text, table) if f.kind == "data_mismatch"] == []
    figure = extract_figures(text)[0]
    assert figure.value == printed * factor and figure.decimals == places


@given(amounts, st.integers(min_value=0, max_value=4))
@settings(max_examples=200, deadline=None)
def test_a_figure_off_by_one_printed_unit_is_a_mismatch(amount: Decimal, places: int) -> None:
    printed = (amount / 10_000).quantize(Decimal(10) ** -places, rounding=ROUND_HALF_UP) + Decimal(
        10
    ) ** -places
    text = f"基本支出为{printed:f}万元。"
    table = table_from_rows([{"name": "基本支出", "value": f"{amount:f}", "unit": "元"}])
    mismatches = [f for f in check_text(text, table) if f.kind == "data_mismatch"]
    assert len(mismatches) == 1 and mismatches[0].severity == "error"


@given(st.integers(min_value=1000, max_value=10**12), st.integers(min_value=0, max_value=2))
def test_thousands_separators_and_full_width_digits(n: int, places: int) -> None:
    value = Decimal(n) / (10**places)
    plain = f"{value:,.{places}f}" if places else f"{n:,}"
    full = f"{value:.{places}f}".translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    for written in (plain, full):
        figures = extract_figures(f"支出{written}元。")
        assert len(figures) == 1 and figures[0].value == value, written
