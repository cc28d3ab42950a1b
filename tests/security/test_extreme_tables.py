"""A figures table at the edges of what is accepted (18 integer digits, 12 decimals) drafts and checks
without a decimal traceback: every share, rate and growth is rounded with the precision it needs."""

from __future__ import annotations

import pytest

from assistant.checks.checker import check_text
from assistant.checks.table import table_from_rows
from assistant.drafting.service import draft

BIG, TINY = "999999999999999999", "0.000000000001"


@pytest.mark.parametrize("section", ["二", "三", "七", "八"])
def test_extreme_but_accepted_tables_draft_and_check(section: str) -> None:
    table = table_from_rows([
        {"name": "基本支出", "value": BIG, "unit": "元", "prior_year": TINY},
        {"name": "人员经费", "value": "999999999999999998", "unit": "元"},
        {"name": "公用经费", "value": "1", "unit": "元"},
        {"name": "项目支出", "value": TINY, "unit": "元"},
        {"name": "新增规模以上工业企业", "value": "5", "unit": "家", "target": TINY},
        {"name": "三公经费", "value": BIG, "unit": "元", "prior_year": TINY},
    ])  # fmt: skip
    result = draft(section, table)
    assert result.mode == "offline" and result.text.strip()
    check_text(result.text, table)  # the checker reads the draft back without raising
