"""Checker rules with ids, coverage per figure, rounding as warnings, list-head shares, zero bases, tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.checks.checker import check_report, document_report
from assistant.checks.rules import RULES
from assistant.document.readers import read_document


def errors(report, rule: str | None = None):
    return [f for f in report.findings if f.severity == "error" and (rule is None or f.rule == rule)]


# ---------- rule ids and coverage ----------


def test_every_finding_names_a_known_rule_and_coverage_counts_each_figure() -> None:
    text = (
        "本年支出合计300.00万元，其中：基本支出180.00万元，占60.00%；项目支出120.00万元，占41.00%。"
        "培训覆盖12个乡镇，另有3个村。"
    )
    report = check_report(text)
    assert errors(report) and all(f.rule in RULES for f in report.findings)
    wrong = errors(report, "share.ratio")
    assert [text[f.start : f.end] for f in wrong] == ["41.00%"] and wrong[0].expected == "40.00%"
    statuses = {s.text: s.status for s in report.coverage.figures}
    assert statuses["60.00%"] == "verified" and statuses["41.00%"] == "contradicted"
    assert statuses["12个"] == "unverified" and statuses["3个"] == "unverified"
    assert "share.ratio" in next(s for s in report.coverage.figures if s.text == "60.00%").rules
    summary = report.coverage.summary()
    # 60.00% + 41.00% of a complete pair is also over 100% (share.sum, on the same figure)
    assert {f.rule for f in errors(report)} == {"share.ratio", "share.sum"}
    assert summary.startswith("共 7 个数字：核对一致 ") and "发现错误 2 处" in summary and "无法核对 3 个" in summary
    data = report.to_dict()
    assert data["coverage"]["unverified"] == 3 and {f["rule"] for f in data["findings"]} == {"share.ratio", "share.sum"}


def test_cli_lists_the_figures_it_could_not_check(tmp_path: Path, subprocess_env) -> None:
    from tests.conftest import run_cli

    draft = tmp_path / "稿.txt"
    draft.write_text("一、概况\n培训覆盖12个乡镇。\n会议费支出6.84万元，上年7.20万元，下降5.0%。\n", encoding="utf-8")
    result = run_cli(["check", str(draft), "--unverified"], subprocess_env)
    assert result.returncode == 0, result.stderr
    assert "核对一致 3 个" in result.stdout and "无法核对 1 个" in result.stdout
    assert "无法核对的数字" in result.stdout and ":2:5 “培训覆盖”12个" in result.stdout


# ---------- rounding: truncation and adjustment to 100% are warnings with the right value ----------


def test_a_truncated_share_is_a_warning_with_the_rounded_value() -> None:
    # 2996.04 ÷ 3000.00 = 99.868%: 99.87% rounded, 99.86% cut off after two decimals
    report = check_report("本年支出合计3000.00万元，其中：基本支出2996.04万元，占99.87%。")
    assert not report.findings
    report = check_report("本年支出合计3000.00万元，其中：基本支出2996.04万元，占99.86%。")
    (warning,) = [f for f in report.findings if f.severity == "warning"]
    assert warning.rule == "share.ratio" and "按四舍五入应为 99.87%" in warning.message and not errors(report)


def test_a_value_past_the_exact_one_is_still_an_error() -> None:
    report = check_report("本年支出合计3000.00万元，其中：基本支出2996.04万元，占99.88%。")
    (error,) = errors(report)
    assert "按文中的精度应为 99.87%" in error.message


def test_shares_adjusted_to_total_100_percent_are_a_warning() -> None:
    text = (
        "本年支出合计300.03万元，其中：人员经费100.01万元，占33.34%；公用经费100.01万元，占33.33%；"
        "项目支出100.01万元，占33.33%。"
    )
    report = check_report(text.replace("33.34%", "33.35%"))
    assert errors(report, "share.ratio")  # 33.35% + 33.33% + 33.33% is not 100%: an error
    report = check_report(text)
    assert not errors(report)


def test_a_wrong_sign_is_never_a_rounding_matter() -> None:
    report = check_report("2023年会议费支出6.84万元，上年7.20万元，增长5.0%。")
    (error,) = errors(report, "growth.rate")
    assert "下降5.0%" in error.message


# ---------- growth from zero, list-head shares ----------


@pytest.mark.parametrize(
    "text",
    [
        "2023年政府性基金预算财政拨款支出120.00万元，上年0万元，增长100.00%。",
        "2023年政府性基金预算财政拨款支出120.00万元，比上年增加120.00万元，增长100.00%。",
    ],
)
def test_growth_from_a_prior_year_of_zero_is_an_error(text: str) -> None:
    (error,) = errors(check_report(text), "growth.zero_base")
    assert error.expected == "不适用（上年为 0）"


def test_shares_whose_base_opens_the_list() -> None:
    text = (
        "2023年本年收入合计9746.50万元，其中：财政拨款收入8123.40万元，占83.35%；"
        "其他收入1623.10万元，占16.65%。"
    )
    report = check_report(text)
    assert not report.findings
    assert {s.text for s in report.coverage.figures if s.status == "verified"} >= {"83.35%", "16.65%"}
    text = (
        "2023年本年支出合计9746.50万元，主要用于以下方面：一般公共服务（类）支出8123.40万元，占83.35%；"
        "教育（类）支出1623.10万元，占16.75%。"
    )
    (error,) = errors(check_report(text))
    assert error.text == "16.75%" and error.expected == "16.65%"


# ---------- tables: in the text and in a Word document ----------

TABLE_TEXT = """表1 收入决算表
单位：万元
项目 | 本年决算数 | 上年决算数
合计 | 9746.50 | 9518.30
财政拨款收入 | 8123.40 | 7900.12
其他收入 | 1623.10 | 1618.18
其中：利息收入 | 2.00 | 2.00
"""


def test_table_totals_rows_columns_sub_items_and_shares() -> None:
    report = check_report(TABLE_TEXT)
    assert not report.findings and report.coverage.table_verified >= 6
    wrong = check_report(TABLE_TEXT.replace("1623.10 | 1618.18", "1623.20 | 1618.18"))
    (error,) = errors(wrong, "table.total")
    assert error.text == "9746.50" and error.expected == "9746.60"
    wrong = check_report(TABLE_TEXT.replace("利息收入 | 2.00", "利息收入 | 1700.00"))
    assert [f.text for f in errors(wrong, "table.within")] == ["1700.00"]
    columns = "项目 | 合计 | 基本支出 | 项目支出\n一般公共服务支出 | 100.00 | 60.00 | 40.00\n教育支出 | 50.00 | 30.00 | 21.00\n"
    (error,) = errors(check_report(columns), "table.total")
    assert error.text == "50.00" and error.expected == "51.00"
    shares = "| 项目 | 金额 | 占比 |\n|---|---|---|\n| 基本支出 | 60.00 | 60.00% |\n| 项目支出 | 40.00 | 41.00% |\n| 合计 | 100.00 | 100.00% |\n"
    (error,) = errors(check_report(shares), "table.share")
    assert error.text == "41.00%" and error.expected == "40.00%"


def test_a_table_whose_total_never_adds_up_gets_no_verdict() -> None:
    """Two numeric columns, neither adds up: the parts are not what the total closes (no verdict)."""
    text = "项目 | 本年 | 上年\n收入总计 | 500.00 | 400.00\n本年收入 | 100.00 | 100.00\n年初结转 | 50.00 | 50.00\n"
    assert not errors(check_report(text))


def test_tables_of_a_word_document_are_checked_with_spans_in_its_text(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("一、收入支出决算总体情况")
    rows = [["项目", "本年决算数"], ["合计", "9746.50"], ["财政拨款收入", "8123.40"], ["其他收入", "1623.20"]]
    table = document.add_table(rows=len(rows), cols=2)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    path = tmp_path / "决算.docx"
    document.save(str(path))
    read = read_document(path)
    report = document_report(read)
    (error,) = errors(report, "table.total")
    assert read.text[error.start : error.end] == "9746.50" and error.expected == "9746.60"


# ---------- relations as real reports state them ----------


def test_a_stated_sum_with_jia_shang() -> None:
    text = "一般公共预算支出完成132.9亿元，加上转移性支出63.4亿元，支出合计{}亿元。"
    assert not errors(check_report(text.format("196.3")))
    (error,) = errors(check_report(text.format("169.3")), "parts.added")
    assert error.expected == "196.3亿元"


def test_stated_sums_with_continued_terms_other_groups_and_balances() -> None:
    # terms joined by commas after one 加 ("加上级补助收入a，下级上解收入b，…，收入总计c")
    listed = "本级收入1000万元，加上级补助收入400万元，上年结转收入60万元，调入资金40万元，收入总计{}万元。"
    assert not errors(check_report(listed.format("1500")))
    (error,) = errors(check_report(listed.format("1460")), "parts.added")
    assert error.expected == "1500万元"
    # a 其中 list before "；加上" is skipped: the first term is its whole
    grouped = "基金收入130.2亿元，同比增长8.3%，其中土地出让收入125.6亿元；加上转移性收入33.8亿元，收入合计{}亿元。"
    assert not errors(check_report(grouped.format("164.0")))
    assert errors(check_report(grouped.format("146.0")), "parts.added")
    # a balance after a subtraction; a chain opening a sentence takes the one amount of the sentence before
    balance = "上年结余0.10亿元，加总收入13.83亿元，减总支出13.60亿元，年末结余{}亿元。"
    assert not errors(check_report(balance.format("0.33")))
    assert errors(check_report(balance.format("0.23")), "parts.added")
    carried = "本次下达资金7909万元。加上此前提前下达的78247万元，全省累计下达资金{}万元。"
    assert not errors(check_report(carried.format("86156")))
    assert errors(check_report(carried.format("86165")), "parts.added")
    # two sums in one sentence: the second starts after the first's total
    two = "基金收入0万元，加上年结余收入400万元、上级补助收入(其中国债70万元)1100万元和债务收入300万元，收入合计1800万元；基金支出800万元，调出资金180万元，支出合计980万元。"
    assert not errors(check_report(two))


def test_a_difference_named_by_the_amounts_it_takes() -> None:
    text = "全省收入总量4746.7亿元，支出总量4528.3亿元，收入总量减去支出总量后，结转资金{}亿元。"
    assert not errors(check_report(text.format("218.4")))
    (error,) = errors(check_report(text.format("281.4")), "parts.difference")
    assert error.expected == "218.4亿元"
    # a name stated nowhere before: no verdict
    assert not errors(check_report("支出总量4528.3亿元，收入总量减去支出总量后，结转资金281.4亿元。"))


def test_a_total_split_by_government_level_is_complete() -> None:
    text = "全市一般公共预算支出{}亿元，其中市本级支出417.7亿元，区级支出607.8亿元。"
    assert not errors(check_report(text.format("1025.5")))
    (error,) = errors(check_report(text.format("1052.5")), "parts.sum")
    assert "1025.5亿元" in error.message


def test_a_list_that_says_how_many_parts_it_has_is_complete() -> None:
    text = "“三公”经费决算{}万元，由三部分构成：因公出国（境）经费120万元，公务接待费1033万元，公务用车购置及运行费1618万元。"
    assert not errors(check_report(text.format("2771")))
    assert errors(check_report(text.format("2871")), "parts.sum")


def test_a_list_whose_whole_the_sentence_before_states() -> None:
    # "其中，" opening a sentence: the whole is the one amount of the sentence before
    text = "某市本年财政支出{}亿元，比上年增长6.2%。其中，市级支出512.0亿元，区县支出274.4亿元。"
    assert not errors(check_report(text.format("786.4")))
    (error,) = errors(check_report(text.format("768.4")), "parts.sum")
    assert error.expected == "786.4亿元"
    # "X中，": the whole is the latest amount named X; parts of X never exceed it
    held = "“三公”经费决算1800万元，其中公务用车购置及运行维护费900万元。公务用车购置及运行维护费中，购置费300万元；运行维护费{}万元。"
    assert not errors(check_report(held.format("600")))
    assert errors(check_report(held.format("660")), "parts.sum")
    # with the same name nowhere before, no verdict
    assert not errors(check_report("公务用车购置及运行维护费中，购置费300万元；运行维护费660万元。"))


def test_a_list_with_one_item_per_line_after_its_head() -> None:
    text = (
        "本级“三公”经费预算共{}万元，比上年减少20万元。其中：\n"
        "公务接待费120万元，比上年减少10万元；\n因公出国（境）经费30万元，与上年持平；\n"
        "公务用车购置费200万元；\n公务用车运行维护费450万元，比上年减少10万元。"
    )
    assert not errors(check_report(text.format("800")))
    (error,) = errors(check_report(text.format("880")), "parts.sum")
    assert error.expected == "800万元"


def test_a_list_ending_with_a_catch_all_item_is_complete() -> None:
    text = "调入资金{}亿元，其中从政府性基金调入1.60亿元，从国有资本经营预算调入0.25亿元，其他调入0.15亿元。"
    assert not errors(check_report(text.format("2.00")))
    assert errors(check_report(text.format("2.40")), "parts.sum")
    # without a catch-all item the list may be partial: no verdict on a shortfall
    assert not errors(check_report("调入资金2.40亿元，其中从政府性基金调入1.60亿元，从国有资本经营预算调入0.25亿元。"))


def test_a_list_of_income_parts_ends_at_a_spending() -> None:
    text = "全市一般公共预算收入137.78亿元，其中税收收入87.75亿元、非税收入50.03亿元，全市一般公共预算支出538.59亿元。"
    assert not errors(check_report(text))


def test_per_unit_and_change_figures_are_not_parts() -> None:
    text = (
        "公务用车购置及运行维护费5.28万元，其中公务用车购置费0万元，运行维护费5.28万元，平均每辆1.76万元，"
        "比上年增支0.50万元。"
    )
    assert not errors(check_report(text))


def test_a_count_whose_last_item_is_joined_by_he() -> None:
    assert not errors(check_report("全市有5个区获评，分别是黄岛区、崂山区、即墨区、市北区和市南区。"))
    assert not errors(check_report("全市有4个区获评，分别是黄岛区、崂山区、即墨区、市北区和市南区。"))  # 和 may join one name
    assert errors(check_report("全市有7个区获评，分别是黄岛区、崂山区、即墨区、市北区和市南区。"), "list.count")


def test_a_base_carried_by_two_amounts_gets_no_verdict() -> None:
    text = (
        "全市一般公共预算收入137.78亿元，其中税收收入87.75亿元，占一般公共预算收入的63.7%。"
        "加上上级补助收入366.92亿元，全市一般公共预算收入总计673.56亿元。"
    )
    assert not errors(check_report(text))


def test_growth_against_a_named_base_and_impossible_declines() -> None:
    text = "公务接待费决算2352万元，年初预算为6200万元，比预算下降{}%。"
    assert not errors(check_report(text.format("62.1")))
    (error,) = errors(check_report(text.format("37.9")), "growth.rate")
    assert "62.1%" in error.message
    (error,) = errors(check_report("公务用车购置费0.14亿元，比上年减少0.18亿元，下降133.1%。"), "growth.over_hundred")
    assert error.text == "133.1%"
    text = "“三公”经费支出2.29亿元，比上年减少0.88亿元，降幅达{}%。"
    assert not errors(check_report(text.format("27.8")))
    assert errors(check_report(text.format("38.7")), "growth.rate")


def test_table_growth_columns_and_text_figures_that_repeat_a_cell(tmp_path: Path) -> None:
    rows = (
        "项目 | 2022年决算数 | 比上年增减 | 增长%\n人大事务 | 1087 | 204 | 23.1\n政协事务 | 805 | 187 | 30.3\n"
        "统计信息事务 | 680 | -57 | {}\n"
    )
    assert not errors(check_report(rows.format("-7.7")))
    (error,) = errors(check_report(rows.format("7.7")), "table.growth")
    assert error.expected == "-7.7"
    table = "表1 分级次收入\n单位：万元\n单位名称 | 收入累计 | 税收比重%\n市本级 | 54065 | 61.4\n县级 | 109224 | 65.9\n"
    text = "市本级收入累计54065万元，税收比重{}%。\n" + table
    report = check_report(text.format("61.4"))
    assert not errors(report) and any("table.text" in s.rules for s in report.coverage.figures)
    (error,) = errors(check_report(text.format("64.1")), "table.text")
    assert error.expected == "61.4%"


def test_score_table_rules_on_a_grid() -> None:
    funds = "资金情况 | 全年预算数(A) | 全年执行数(B) | 分值 | 执行率(B/A) | 得分\n年度资金总额 | 20 | 20 | 10 | {rate} | {funds}\n"
    indicators = (
        "一级指标 | 三级指标 | 分值 | 得分\n产出指标 | 开工率 | 40 | {first}\n效益指标 | 满意度 | 50 | 50\n总分 | | 100 | {total}\n"
    )

    def table(rate="100.00%", funds_score="10", first="40", total="100") -> str:
        return funds.format(rate=rate, funds=funds_score) + "\n说明。\n" + indicators.format(first=first, total=total)

    assert not errors(check_report(table()))
    assert [f.rule for f in errors(check_report(table(total="98")))] == ["score.total"]
    assert [f.rule for f in errors(check_report(table(first="45", total="105")))] == ["score.weight"]
    assert [f.rule for f in errors(check_report(table(funds_score="9.5", total="99.5")))] == ["score.rate"]
    assert "table.rate" in {f.rule for f in errors(check_report(table(rate="90.00%")))}


def test_completion_of_the_budget_the_text_names() -> None:
    text = "一般公共预算收入年初预算为273.3亿元，年中调整为200.12亿元，全年实际完成202.96亿元，完成年初预算的{}%。"
    assert not errors(check_report(text.format("74.26")))
    (error,) = errors(check_report(text.format("101.42")), "rate.named_base")
    assert error.expected == "74.26%"
    # "一般公共预算收入" names a kind of budget, not a budget figure: no base, no verdict
    assert not errors(check_report("地方一般公共预算收入1795357万元，完成预算的99%。"))


# The disclosure template's own sentences (its 情况说明 phrasings), filled with consistent figures: the
# checker must say nothing wrong about them, and must still see an error put into them.
TEMPLATE_FILLED = (
    "某区某局2024年度收入支出总计9859.38万元。与2023年度相比，收入支出总计增加312.50万元，增长3.27%。主要原因：新增项目。\n"
    "本年收入合计9746.50万元，其中：财政拨款收入8123.40万元，占83.35%；事业收入1500.00万元，占15.39%；"
    "经营收入123.10万元，占1.26%。\n"
    "本年支出合计9600.00万元，其中：基本支出7000.00万元，占72.92%；项目支出2500.00万元，占26.04%；"
    "经营支出100.00万元，占1.04%。\n"
    "某区某局2024年度财政拨款收入支出总计8200.00万元。与2023年度相比，财政拨款收入支出总计增加200.00万元，增长2.56%。\n"
    "一般公共预算财政拨款支出7800.00万元，占本年支出合计的81.25%。与2023年度相比，一般公共预算财政拨款支出增加300.00万元，"
    "增长4.00%。\n"
    "一般公共预算财政拨款支出7800.00万元，主要用于以下方面：一般公共服务支出（类）5000.00万元，占64.10%；"
    "教育支出（类）2800.00万元，占35.90%。\n"
    "一般公共预算财政拨款支出年初预算为7600.00万元，支出决算为7800.00万元，完成年初预算的102.63%。\n"
    "一般公共预算财政拨款基本支出7000.00万元。其中：人员经费6000.00万元，主要包括：基本工资、津贴补贴；"
    "公用经费1000.00万元，主要包括：办公费、印刷费。\n"
    "“三公”经费财政拨款支出年初预算为50.00万元，支出决算为45.00万元，完成预算的90.00%，其中：因公出国（境）费决算为"
    "5.00万元，完成预算的100.00%；公务用车购置及运行维护费支出决算为25.00万元，完成预算的83.33%；公务接待费支出决算为"
    "15.00万元，完成预算的93.75%。\n"
    "2024年度“三公”经费财政拨款支出决算数比2023年度减少5.00万元，下降10.00%，其中：因公出国（境）费支出决算减少1.00万元，"
    "下降16.67%；公务用车购置及运行维护费支出决算减少3.00万元，下降10.71%；公务接待费支出决算减少1.00万元，下降6.25%。\n"
    "“三公”经费财政拨款支出决算中，因公出国（境）费支出决算5.00万元，占11.11%；公务用车购置及运行维护费支出决算25.00万元，"
    "占55.56%；公务接待费支出决算15.00万元，占33.33%。\n"
    "机关运行经费支出300.00万元，比2023年度增加20.00万元，增长7.14%。\n"
    "某区某局2024年度政府采购金额为500.00万元，其中：货物采购金额200.00万元、工程采购金额100.00万元、服务采购金额200.00万元。\n"
    "截至2024年12月31日，本部门共有车辆10辆，其中：主要领导干部用车1辆、机要通信用车2辆、应急保障用车3辆、执法执勤用车4辆。\n"
    "绩效自评的2024年度项目20个，涉及预算金额800.00万元，平均得分92分（其中，绩效评级为“优”的项目12个；绩效评级为“良”的"
    "项目6个；绩效评级为“合格”的项目2个；绩效评级为“不合格”的项目0个）。\n"
)


def test_the_templates_sentences_filled_consistently_raise_no_error() -> None:
    report = check_report(TEMPLATE_FILLED)
    assert not errors(report), [f.message for f in errors(report)]
    assert report.coverage.count("verified") >= 25
    for wrong, rule in (("占64.10%", "share.ratio"), ("完成年初预算的102.63%", "rate.named_base"), ("增长7.14%", "growth.rate"),
                        ("服务采购金额200.00万元", "parts.sum")):  # fmt: skip
        changed = wrong.replace("64.10", "64.20").replace("102.63", "103.63").replace("7.14", "7.41")
        changed = changed.replace("服务采购金额200.00", "服务采购金额300.00")
        assert rule in {f.rule for f in errors(check_report(TEMPLATE_FILLED.replace(wrong, changed)))}, wrong


def test_a_rate_of_the_base_stated_right_before_it() -> None:
    text = "政府性基金支出累计5308万元，为年初预算24710万元的{}%，比上年减支27580万元。"
    report = check_report(text.format("21.5"))
    assert not errors(report) and any("rate.named_base" in s.rules for s in report.coverage.figures)
    (error,) = errors(check_report(text.format("25.1")), "rate.named_base")
    assert error.expected == "21.5%"
    # the budget is the rate's base, not the amount a change is of
    assert not errors(check_report("收入累计24627万元，为年初预算60999万元的40.4%，比上年减收1070万元，下降4.2%。"))


def test_numbered_lines_after_a_count_are_counted() -> None:
    text = "重点工作包括以下{}个方面：\n1．强化经济管理；\n2．促进投资；\n3．建设产业体系。\n全年完成情况良好。"
    assert not errors(check_report(text.format("3")))
    (error,) = errors(check_report(text.format("4")), "list.count")
    assert error.expected == "3"


def test_a_met_indicator_scored_below_its_weight_is_a_warning() -> None:
    table = "三级指标 | 分值 | 年度指标值 | 全年实际值 | 得分\n验收合格率 | 20 | 100% | 100% | {}\n满意度 | 10 | ≥95% | 96% | 10\n"
    assert not check_report(table.format("20")).findings
    report = check_report(table.format("18"))
    (warning,) = [f for f in report.findings if f.rule == "score.met"]
    assert warning.severity == "warning" and warning.expected == "20" and not errors(report)
