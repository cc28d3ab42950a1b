"""The numeric checker on the seed, on the labelled case sets, and on the knowledge reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.checks.checker import check_text
from assistant.checks.evaluation import evaluate, load_cases
from assistant.checks.figures import extract_figures
from tests.conftest import ROOT, SEED

CASES = ROOT / "tests" / "data" / "checker_cases.yaml"
HELD_OUT = ROOT / "tests" / "data" / "checker_cases_heldout.yaml"


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def test_seed_as_given_has_exactly_the_mixed_base_error() -> None:
    text = seed_text()
    errors = [f for f in check_text(text) if f.severity == "error"]
    assert len(errors) == 1
    finding = errors[0]
    assert finding.kind == "share_sum" and finding.text == "79.3%"
    assert text[finding.start : finding.end] == "79.3%"
    assert "111.22%" in finding.message and "16038889" in finding.message and "17837198.07" in finding.message
    assert {r.text for r in finding.related} >= {"31.92%"}


def test_seed_with_a_wrong_part_shows_the_computation() -> None:
    text = seed_text().replace("人员经费4093973.19元", "人员经费4093793.19元")
    errors = [f for f in check_text(text) if f.kind == "part_sum"]
    assert len(errors) == 1
    assert errors[0].message.startswith("人员经费 4093793.19元 + 公用经费 1025640.28元 = 5119433.47元")
    assert "相差 180.00元" in errors[0].message


@pytest.mark.parametrize("path", [CASES, HELD_OUT], ids=["tuned-set", "held-out-set"])
def test_labelled_cases_recall_and_precision(path: Path, capsys) -> None:
    if not path.exists():
        pytest.fail(f"{path.name} is missing")
    cases = load_cases(path)
    assert len(cases) >= 45
    result = evaluate(cases)
    total = result.overall()
    with capsys.disabled():
        print(
            f"\n{path.name}: {result.cases} cases, recall {total.recall:.3f}, precision {total.precision:.3f}"
        )
        for line in result.misses + result.false_alarms:
            print("   ", line)
    assert total.recall >= 0.9
    assert total.precision >= 0.95
    kinds = {kind for kind, score in result.kinds.items() if score.expected}
    assert kinds >= {
        "part_sum",
        "share_sum",
        "ratio",
        "rate",
        "growth",
        "subset",
        "count",
        "target",
        "data_mismatch",
    }
    assert result.info.expected and result.info.recall == 1.0


def test_labelled_case_set_covers_silent_traps() -> None:
    cases = load_cases(CASES)
    assert len(cases) >= 60
    assert sum(1 for c in cases if not c.get("expect")) >= 20


@pytest.mark.parametrize("path", sorted((ROOT / "knowledge" / "reports").glob("*.md")), ids=lambda p: p.name)
def test_our_own_sample_reports_are_consistent(path: Path) -> None:
    assert [f.message for f in check_text(path.read_text(encoding="utf-8")) if f.severity == "error"] == []


def test_years_dates_document_numbers_and_ordinals_are_not_quantities() -> None:
    text = "根据财预〔2020〕10号文件，2023年3月15日召开第3次会议。\n1.统筹兼顾抓重点\n（2）部门情况"
    assert extract_figures(text) == []


def test_numbers_in_every_written_form() -> None:
    figures = {
        f.text: f
        for f in extract_figures(
            "服务1.26万人，培训两千人次，三十六个村，资金1,234.56万元，覆盖率百分之九十，完成１２３件，约2.7亿元。"
        )
    }
    assert figures["1.26万人"].value == 12600 and figures["1.26万人"].tolerance == 50
    assert figures["两千人次"].value == 2000
    assert figures["三十六个"].value == 36
    assert figures["1,234.56万元"].value == 12345600
    assert figures["百分之九十"].value == 90 and figures["百分之九十"].is_percent
    assert figures["１２３件"].value == 123
    assert figures["2.7亿元"].approx == "约" and not figures["2.7亿元"].exact


def test_score_table_rows_within_weights_and_subtotals_add_up() -> None:
    table = (
        "| 一级指标 | 三级指标 | 权重 | 得分 |\n|---|---|---|---|\n"
        "| 产出指标 | 受益人数 | 20 | 20.00 |\n| 产出指标 | 覆盖率 | 30 | 31.50 |\n| 产出指标 | 小计 | 50 | 50.00 |\n"
        "| 效益指标 | 知晓率 | 50 | 45.00 |\n| 效益指标 | 小计 | 50 | 45.00 |\n| 合计 | | 100 | 95.00 |\n"
    )
    findings = [f for f in check_text(table) if f.severity == "error"]
    assert [(f.kind, f.text) for f in findings] == [("subset", "31.50"), ("part_sum", "50.00")]
    assert "20.00 + 31.50 = 51.50" in findings[1].message
    consistent = table.replace("| 31.50 |", "| 30.00 |")
    assert [f for f in check_text(consistent) if f.severity == "error"] == []
