"""The spending figures a department report is built from, derived from the figures table."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from assistant.checks.table import FiguresTable, Row
from assistant.checks.units import unit_table
from assistant.document.numbers import round_half_up
from assistant.errors import AssistantError

FUND_ROWS = ("政府性基金预算支出", "国有资本经营预算支出", "社会保险基金预算支出")
THREE_PUBLIC_ITEMS = ("公务接待费", "公务用车购置及运行费", "因公出国（境）费")


@dataclass(frozen=True)
class Budget:
    unit: str  # the money unit the table used for 基本支出 (元 or 万元 …)
    factor: Decimal  # 元 per unit
    basic: Decimal  # all amounts in 元
    personnel: Decimal
    public: Decimal
    project: Decimal  # project spending of every fund
    funds: dict[str, Decimal]  # spending of other budgets counted inside project spending
    general: Decimal  # 一般公共预算支出

    @property
    def overall(self) -> Decimal:
        return self.basic + self.project

    @property
    def general_project(self) -> Decimal:
        return self.general - self.basic

    def money(self, amount: Decimal) -> str:
        """An amount in the table's unit with two decimals: 5119613.47元, 511.96万元."""
        return f"{round_half_up(amount / self.factor):f}{self.unit}"


def share(part: Decimal, whole: Decimal) -> str:
    return f"{round_half_up(part / whole * 100):f}%"


def _required(table: FiguresTable, name: str) -> Row:
    row = table.get(name)
    if row is None:
        raise AssistantError(f"数据表中缺少“{name}”，无法生成这一部分（请在数据表中添加该行）")
    if row.dimension != "money":
        raise AssistantError(f"数据表中“{name}”的单位应为元、万元或亿元，而不是“{row.unit}”")
    return row


def budget_from(table: FiguresTable) -> Budget:
    basic = _required(table, "基本支出")
    personnel = _required(table, "人员经费")
    public = _required(table, "公用经费")
    project = _required(table, "项目支出")
    funds = {name: row.value for name in FUND_ROWS if (row := table.get(name)) is not None and row.value}
    general_row = table.get("一般公共预算支出")
    general = (
        general_row.value
        if general_row is not None
        else basic.value + project.value - sum(funds.values(), Decimal(0))
    )
    if personnel.value + public.value != basic.value:
        raise AssistantError(
            f"数据表中人员经费 {personnel.value:f} 元 + 公用经费 {public.value:f} 元 ≠ 基本支出 {basic.value:f} 元，请先核对数据表"
        )
    factor = unit_table().get(basic.unit).factor  # type: ignore[union-attr]
    return Budget(
        basic.unit, factor, basic.value, personnel.value, public.value, project.value, funds, general
    )
