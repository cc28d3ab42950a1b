"""The offline drafter: sections written from the figures table by the template, every number computed.

Data-heavy sections (二 to 五) are written in full; 七 lists each indicator that missed its target with the
figures and a cause placeholder; 八 gives one measure slot per problem; narrative sections get an outline
of what they must contain. Whatever it writes passes the numeric checker against the same table.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from assistant.checks.names import vocabulary
from assistant.checks.table import FiguresTable, Row
from assistant.document.numbers import round_half_up
from assistant.drafting.budget import THREE_PUBLIC_ITEMS, Budget, budget_from, share
from assistant.drafting.templates import Section
from assistant.errors import AssistantError

CN_ORDINALS = "一二三四五六七八九十"
PLACEHOLDER = "【请填写{what}】"


@dataclass(frozen=True)
class Shortfall:
    row: Row
    lower_is_better: bool


def _year_prefix(year: int | None) -> str:
    return f"{year}年" if year else "本年"


def _value(row: Row, amount: Decimal) -> str:
    """An indicator value in the row's own unit, as precise as the table gave it."""
    from assistant.checks.units import unit_table

    factor = unit_table().get(row.unit).factor  # type: ignore[union-attr]
    return f"{(amount / factor).normalize():f}{row.unit}"


def write_general_budget(table: FiguresTable, year: int | None) -> str:
    b = budget_from(table)
    y = _year_prefix(year)
    lines = [
        f"{y}一般公共预算支出合计{b.money(b.general)}，年度整体支出合计{b.money(b.overall)}（基本支出与项目支出之和）。",
        "（一）基本支出情况",
        f"{y}基本支出为{b.money(b.basic)}，占一般公共预算支出的{share(b.basic, b.general)}，"
        f"占年度整体支出的{share(b.basic, b.overall)}，其中：人员经费{b.money(b.personnel)}，公用经费{b.money(b.public)}。",
        "（二）项目支出情况",
    ]
    project = f"{y}项目支出{b.money(b.project)}，占年度整体支出的{share(b.project, b.overall)}"
    if b.funds:
        parts = [f"一般公共预算安排{b.money(b.general_project)}"] + [
            f"{name.removesuffix('支出')}安排{b.money(v)}" for name, v in b.funds.items()
        ]
        project += "，其中：" + "，".join(parts)
    lines.append(project + "。")
    lines.append(
        f"一般公共预算安排的项目支出{b.money(b.general_project)}，占一般公共预算支出的{share(b.general_project, b.general)}。"
    )
    lines.extend(_three_public(table, b, y))
    return "\n".join(lines)


def _three_public(table: FiguresTable, b: Budget, y: str) -> list[str]:
    row = table.get("三公经费")
    if row is None:
        return [
            "（三）“三公”经费情况",
            "【数据表中没有“三公经费”，请补充预算数（target 列）、决算数和上年决算数（prior_year 列）】",
        ]
    first = f"{y}“三公”经费"
    if row.target is not None:
        first += f"预算数为{b.money(row.target)}，"
    first += f"决算数为{b.money(row.value)}"
    items = [(name, item) for name in THREE_PUBLIC_ITEMS if (item := table.get(name)) is not None]
    if items:
        first += "，其中：" + "，".join(f"{name}{b.money(item.value)}" for name, item in items)
    lines = ["（三）“三公”经费情况", first + "。"]
    if row.prior_year is not None and row.prior_year != 0:
        change = row.value - row.prior_year
        direction, amount_word = ("增长", "增加") if change > 0 else ("下降", "减少")
        if change == 0:
            lines.append(f"“三公”经费决算数{b.money(row.value)}，与上年决算数{b.money(row.prior_year)}持平。")
        else:
            rate = round_half_up(abs(change) / row.prior_year * 100)
            lines.append(
                f"“三公”经费决算数{b.money(row.value)}，较上年决算数{b.money(row.prior_year)}{amount_word}{b.money(abs(change))}，{direction}{rate:f}%。"
            )
    return lines


def write_fund(table: FiguresTable, row_name: str, year: int | None) -> str:
    row = table.get(row_name)
    y = _year_prefix(year)
    if row is None or row.value == 0:
        return f"{y}无{row_name}。"
    b = budget_from(table)
    return f"{y}{row_name}{b.money(row.value)}，占年度整体支出的{share(row.value, b.overall)}。"


def shortfalls(table: FiguresTable) -> list[Shortfall]:
    """Indicators (not money rows, whose target is the budget) whose actual missed the target."""
    lower_words = vocabulary().lower_is_better
    found = []
    for row in table.rows.values():
        if row.target is None or row.dimension == "money":
            continue
        lower = any(word in row.name for word in lower_words)
        missed = row.value > row.target if lower else row.value < row.target
        if missed:
            found.append(Shortfall(row, lower))
    return found


def _shortfall_sentence(item: Shortfall) -> str:
    row = item.row
    assert row.target is not None
    target, actual = _value(row, row.target), _value(row, row.value)
    if item.lower_is_better:
        difference = row.value - row.target
        gap = f"{difference.normalize():f}个百分点" if row.dimension == "percent" else _value(row, difference)
        return f"{row.name}年度指标值为不高于{target}，实际完成{actual}，超出{gap}，未达到年度指标值。"
    if row.dimension == "percent":
        gap = f"{(row.target - row.value).normalize():f}个百分点"
        return f"{row.name}年度指标值{target}，实际完成{actual}，低于指标值{gap}，未达到年度指标值。"
    rate = round_half_up(row.value / row.target * 100)
    return f"{row.name}年度指标值{target}，实际完成{actual}，完成率{rate:f}%，未达到年度指标值。"


def write_problems(table: FiguresTable) -> str:
    items = shortfalls(table)
    with_targets = sum(1 for r in table.rows.values() if r.target is not None and r.dimension != "money")
    if not items:
        return (
            f"经逐项核对，数据表中有目标值的{with_targets}项指标均已达到年度指标值。"
            if with_targets
            else "【数据表中没有带目标值的指标，请补充 target 列后再生成】"
        )
    lines = []
    for n, item in enumerate(items):
        lines.append(f"（{CN_ORDINALS[n] if n < 10 else n + 1}）{item.row.name}未达到年度指标值")
        lines.append(_shortfall_sentence(item))
        lines.append("主要原因：" + PLACEHOLDER.format(what="具体原因，如客观条件、资金到位、工作安排等"))
    return "\n".join(lines)


def write_measures(table: FiguresTable) -> str:
    items = shortfalls(table)
    if not items:
        return "针对本年度工作中的薄弱环节：" + PLACEHOLDER.format(
            what="改进措施，写明责任单位、具体做法和完成时限"
        )
    lines = []
    for n, item in enumerate(items):
        lines.append(f"（{CN_ORDINALS[n] if n < 10 else n + 1}）针对{item.row.name}未达到年度指标值的问题")
        lines.append(
            "责任单位：" + PLACEHOLDER.format(what="责任股室或单位")
            + "；具体措施：" + PLACEHOLDER.format(what="做什么、怎么做")
            + "；完成时限：" + PLACEHOLDER.format(what="如某年某月底前") + "。"
        )  # fmt: skip
    return "\n".join(lines)


def write_outline(section: Section) -> str:
    lines = ["本部分应包括：" + "；".join(section.must_contain) + "。"]
    if section.rules:
        lines.append("审核要点：" + "；".join(section.rules) + "。")
    lines.append(PLACEHOLDER.format(what="正文"))
    return "\n".join(lines)


def draft_section(section: Section, table: FiguresTable | None, year: int | None = None) -> str:
    """The section body (without its heading line) written offline."""
    kind = section.offline
    if kind == "outline":
        return write_outline(section)
    if table is None:
        raise AssistantError(
            f"“{section.heading}”需要数据表才能生成：网页中在“数据”页填写或导入，命令行用 --data 指定（.csv、.xlsx、.xls、.yaml 或 .json）"
        )
    if kind == "general_budget":
        return write_general_budget(table, year)
    if kind.startswith("fund:"):
        return write_fund(table, kind.removeprefix("fund:"), year)
    if kind == "problems":
        return write_problems(table)
    if kind == "measures":
        return write_measures(table)
    return write_outline(section)
