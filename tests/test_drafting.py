"""Templates as data and the offline drafter: every figure computed, every draft passes the checker."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.checks.checker import check_text
from assistant.checks.table import table_from_rows
from assistant.drafting.offline import draft_section
from assistant.drafting.service import draft
from assistant.drafting.templates import load_template
from assistant.errors import AssistantError
from tests.conftest import run_cli

SEED_ROWS = [
    {"name": "基本支出", "value": "5119613.47", "unit": "元"},
    {"name": "人员经费", "value": "4093973.19", "unit": "元"},
    {"name": "公用经费", "value": "1025640.28", "unit": "元"},
    {"name": "项目支出", "value": "12717584.6", "unit": "元"},
    {"name": "政府性基金预算支出", "value": "1800000", "unit": "元"},
    {"name": "“三公”经费", "value": "6000", "unit": "元", "target": "6000", "prior_year": "8000"},
    {"name": "公务接待费", "value": "6000", "unit": "元"},
    {"name": "公务用车购置及运行费", "value": "0", "unit": "元"},
    {"name": "新增规模以上工业企业", "value": "9", "unit": "家", "target": "12"},
    {"name": "企业问题解决率", "value": "99.3", "unit": "%", "target": "99"},
    {"name": "项目资金结余率", "value": "6.2", "unit": "%", "target": "5"},
]


def seed_table():
    return table_from_rows(SEED_ROWS)


def test_both_templates_load_and_sections_are_found_every_way() -> None:
    department = load_template("department_overall")
    assert [s.number for s in department.sections] == list("一二三四五六七八九")
    for key in ("general_budget", "二", "二、", "二、一般公共预算支出情况", "一般公共预算支出情况"):
        assert department.section(key).id == "general_budget"
    assert department.section("七、存在的问题及原因分析").id == "problems"
    project = load_template("project")
    assert project.section("五").title == "存在的问题及原因"
    assert all(s.rules and s.must_contain for s in department.sections)
    with pytest.raises(AssistantError, match="可选"):
        department.section("十二")
    with pytest.raises(AssistantError, match="department_overall"):
        load_template("no-such-template")


def test_offline_section_two_from_the_seed_figures() -> None:
    text = draft_section(load_template().section("二"), seed_table(), 2023)
    for amount in ("5119613.47元", "4093973.19元", "1025640.28元", "12717584.60元", "1800000.00元"):
        assert amount in text
    assert "占一般公共预算支出的31.92%" in text
    assert "占一般公共预算支出的68.08%" in text and "79.3%" not in text
    assert "占年度整体支出的28.70%" in text and "占年度整体支出的71.30%" in text
    assert "较上年决算数8000.00元减少2000.00元，下降25.00%" in text


@pytest.mark.parametrize("number", list("一二三四五六七八九"))
def test_every_offline_section_passes_the_checker(number: str) -> None:
    table = seed_table()
    section = load_template().section(number)
    text = f"{section.heading}\n{draft_section(section, table, 2023)}"
    assert [f.message for f in check_text(text, table) if f.severity == "error"] == []


def test_problems_quantify_each_shortfall_and_measures_answer_each() -> None:
    template = load_template()
    problems = draft_section(template.section("七"), seed_table())
    assert "新增规模以上工业企业年度指标值12家，实际完成9家，完成率75.00%，未达到年度指标值。" in problems
    assert "项目资金结余率年度指标值为不高于5%，实际完成6.2%，超出1.2个百分点" in problems  # lower is better
    assert "企业问题解决率" not in problems  # 99.3% ≥ 99%: met
    assert problems.count("主要原因：【请填写") == 2
    measures = draft_section(template.section("八"), seed_table())
    assert measures.count("完成时限：【请填写") == 2
    assert "针对新增规模以上工业企业未达到年度指标值的问题" in measures


def test_missing_or_inconsistent_data_is_a_clear_error() -> None:
    section = load_template().section("二")
    with pytest.raises(AssistantError, match="缺少“项目支出”"):
        draft_section(section, table_from_rows([r for r in SEED_ROWS if r["name"] != "项目支出"]))
    bad = [dict(r, value="4093793.19") if r["name"] == "人员经费" else r for r in SEED_ROWS]
    with pytest.raises(AssistantError, match="≠ 基本支出"):
        draft_section(section, table_from_rows(bad))
    with pytest.raises(AssistantError, match="--data"):
        draft_section(section, None)


money = st.decimals(min_value=Decimal("1000.00"), max_value=Decimal("900000000.00"), places=2)


@given(
    money,
    money,
    money,
    st.decimals(min_value=Decimal("0"), max_value=Decimal("0.9"), places=2),
    st.sampled_from(["元", "万元"]),
)
@settings(max_examples=60, deadline=None)
def test_offline_budget_section_is_always_consistent(personnel, public, project, fund_share, unit) -> None:
    factor = Decimal(10_000) if unit == "万元" else Decimal(1)
    fund = (project * fund_share).quantize(Decimal("0.01"))
    rows = [
        {"name": "基本支出", "value": f"{(personnel + public) / factor:f}", "unit": unit},
        {"name": "人员经费", "value": f"{personnel / factor:f}", "unit": unit},
        {"name": "公用经费", "value": f"{public / factor:f}", "unit": unit},
        {"name": "项目支出", "value": f"{project / factor:f}", "unit": unit},
        {"name": "政府性基金预算支出", "value": f"{fund / factor:f}", "unit": unit},
    ]
    table = table_from_rows(rows)
    section = load_template().section("二")
    text = f"{section.heading}\n{draft_section(section, table, 2024)}"
    assert [f.message for f in check_text(text, table) if f.severity == "error"] == []


def test_draft_result_follows_the_json_contract() -> None:
    result = draft("七", seed_table(), year=2023, instructions="写得简洁些").to_dict()
    assert set(result) >= {"text", "mode", "sources", "findings", "prompt"}
    assert result["mode"] == "offline" and result["prompt"] == {
        "id": "offline:department_overall:problems",
        "version": 1,
    }
    assert result["text"].startswith("七、存在的问题及原因分析\n")
    assert "离线草稿" in result["notice"] and "已忽略补充要求" in result["notice"]


@pytest.mark.slow
def test_cli_draft_cites_prior_reports(tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    data = tmp_path / "figures.json"
    data.write_text(json.dumps(SEED_ROWS, ensure_ascii=False), encoding="utf-8")
    assert run_cli(["ingest"], subprocess_env).returncode == 0
    result = run_cli(
        ["draft", "七", "--data", str(data), "--year", "2023", "--format", "json"], subprocess_env
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["sources"] and all(s["source"].startswith("reports/") for s in payload["sources"])
    assert all("存在的问题" in s["section"] for s in payload["sources"])
    assert [f for f in payload["findings"] if f["severity"] == "error"] == []
    text = run_cli(["draft", "二", "--data", str(data)], subprocess_env)
    assert text.stdout.startswith("【离线草稿】") and "——参考：知识库中往年报告的同一部分——" in text.stdout
    missing = run_cli(["draft", "二"], subprocess_env)
    assert missing.returncode == 2 and "--data" in missing.stderr
