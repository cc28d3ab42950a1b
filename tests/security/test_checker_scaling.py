"""Hostile drafts for the numeric checker: its work grows linearly with the length of one sentence, and
numbers of any length or form never make it raise.

The work is counted as Python line events while the checker runs (never wall-clock time, which depends on the
machine); the checker's indexes are built with C-level scans done once per draft, so no per-figure scan of the
sentence hides below the line count.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from decimal import Decimal
from types import FrameType

import pytest

from assistant.checks.checker import check_text
from assistant.checks.figures import extract_figures
from assistant.checks.report import render_text
from assistant.checks.table import table_from_rows
from assistant.document.numbers import MAX_DECIMAL_DIGITS, MAX_INTEGER_DIGITS, format_decimal

REPORT_CLAUSE = "项目支出12717584.6元，其中：人员经费4093973.19元，占31.92%，较上年增长5.2%（含结转3万元）、"
CLAUSES = {
    "report figures": REPORT_CLAUSE,
    "many 其中": "其中人员经费5元，其中公用经费3元、",
    "many brackets": "（含结转3万元（其中（",
    "many percents": "占比31.5%，增长4%，完成率98%、",
    "shares of one base": "基本支出5元占总支出的31.92%，项目支出6元占总支出（11元）的79.3%、",
    "lists and counts": "共3个即甲、乙即丙、",
    "rates and targets": "共收集407件，已解决404件，解决率99.26%，目标10个，实际完成12个，完成目标、",
}
TABLE = table_from_rows([
    {"name": "基本支出", "value": 5119613.47, "unit": "元", "prior_year": 5000000},
    {"name": "项目支出", "value": 100, "unit": "万元", "target": 120},
])  # fmt: skip


def one_sentence(clause: str, length: int) -> str:
    """``clause`` repeated to ``length`` characters, with no sentence end: one sentence."""
    return (clause * (length // len(clause) + 1))[:length]


def line_events(work: Callable[[], object]) -> int:
    """Python line events while ``work`` runs: a measure of the work that does not depend on the machine."""
    count = 0

    def tracer(frame: FrameType, event: str, arg: object) -> Callable[..., object]:
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        work()
    finally:
        sys.settrace(previous)
    return count


@pytest.mark.parametrize("clause", list(CLAUSES.values()), ids=list(CLAUSES))
def test_work_grows_linearly_with_the_length_of_one_sentence(clause: str) -> None:
    counts = {}
    for length in (2000, 4000, 8000):
        text = one_sentence(clause, length)
        counts[length] = line_events(lambda text=text: (check_text(text), check_text(text, TABLE)))
    # linear work gives 4 from 2,000 to 8,000 characters; quadratic gives 16
    assert counts[8000] / counts[2000] < 5.5, counts
    assert counts[4000] / counts[2000] < 2.75, counts


def test_rendering_many_findings_grows_linearly() -> None:
    counts = {}
    for sentences in (200, 800):
        text = "项目支出5元，其中人员经费6元。\n" * sentences
        counts[sentences] = line_events(lambda text=text: render_text(text, check_text(text), "报告.txt"))
    assert counts[800] / counts[200] < 5.5, counts


def test_a_long_line_without_sentence_end_is_checked() -> None:
    text = one_sentence(REPORT_CLAUSE, 300_000)
    assert "\n" not in text and "。" not in text
    assert isinstance(check_text(text, TABLE), list)


@pytest.mark.parametrize(
    "text",
    [
        "项目支出12345678901234567890123456789元，其中人员经费5元。",
        "项目支出1E+999999999元，增长1e-999999999%。",
        "项目支出１２３４５６７８９０１２３４５６７８９０１２３万元，占总支出的50%。",
        "基本支出0.12345678901234567890元，占比99.999999999999999999%。",
        "基本支出" + "9" * 100_000 + "元，其中人员经费" + "1" * 50_000 + "." + "1" * 50_000 + "元。",
        "共" + "零" * 10_000 + "五个，即甲、乙。",
    ],
    ids=["29 digits", "exponents", "full-width digits", "long decimals", "100,000 digits", "long numeral"],
)
def test_numbers_longer_than_any_amount_never_raise(text: str) -> None:
    findings = check_text(text) + check_text(text, TABLE)
    render_text(text, findings)
    for figure in extract_figures(text):
        digits = figure.text.split(".")[0]
        assert sum(ch.isdigit() for ch in digits) <= MAX_INTEGER_DIGITS


def test_the_longest_figures_are_read_and_one_digit_more_is_not() -> None:
    longest = "9" * MAX_INTEGER_DIGITS + "." + "9" * MAX_DECIMAL_DIGITS
    assert [f.text for f in extract_figures(f"基本支出{longest}元。")] == [f"{longest}元"]
    assert extract_figures(f"基本支出9{longest}元。") == []
    assert extract_figures(f"基本支出{longest}9元。") == []


@pytest.mark.parametrize(
    "text",
    [
        # a ratio of the largest part to the smallest base: far more digits than the default context holds
        "项目支出999999999999999999.999999999999亿元，占总额（0.000000000001元）的50%。",
        "上年支出0.000000000001元，本年支出999999999999999999亿元，比上年增长5%。",
        "共计划0.000000000001元，已执行999999999999999999亿元，执行率5%。",
        "基本支出0.000000000001元，其中人员经费999999999999999999亿元，公用经费999999999999999999亿元。",
    ],
    ids=["ratio", "growth", "rate", "part sum"],
)
def test_arithmetic_on_the_most_extreme_figures_is_reported(text: str) -> None:
    findings = [f for f in check_text(text) if f.severity == "error"]
    assert findings and all(f.message for f in findings)


def test_formatting_gives_every_digit_a_large_number_needs() -> None:
    huge = Decimal("9" * 60)
    assert format_decimal(huge, 2) == "9" * 60 + ".00"
    assert format_decimal(Decimal("Infinity"), 2) == "Infinity"
