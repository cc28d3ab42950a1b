"""`assistant check`: text and JSON output, exit codes, drafts in every format, figures tables validated."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.checks.table import load_table
from assistant.errors import InputFileError
from tests.conftest import SEED, run_cli
from tests.sample_files import write_docx, write_xlsx

FIGURES_CSV = "名称,数值,单位,目标值,上年数\n基本支出,5119613.47,元,,\n新增规上企业,9,家,12,\n“三公”经费,0.6,万元,,0.8\n"


def test_text_output_marks_the_span_and_ends_with_a_summary(subprocess_env) -> None:
    result = run_cli(["check", str(SEED)], subprocess_env)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].endswith(":36:33 错误［占比合计］")
    assert "占一般公共预算总支出的【79.3%】" in lines[1]
    assert "111.22%" in lines[2]
    assert re.match(r"共 \d+ 个数字：核对一致 \d+ 个，发现错误 1 处、警告 0 处，无法核对 \d+ 个", lines[-1])


def test_json_output_and_exit_code_zero_without_errors(tmp_path: Path, subprocess_env) -> None:
    draft = tmp_path / "draft.md"
    draft.write_text(
        "## 二、一般公共预算支出情况\n\n基本支出为511.96万元，其中：人员经费409.40万元，公用经费102.56万元。\n",
        encoding="utf-8",
    )
    data = tmp_path / "figures.csv"
    data.write_text(FIGURES_CSV, encoding="utf-8-sig")
    result = run_cli(["check", str(draft), "--data", str(data), "--format", "json"], subprocess_env)
    assert result.returncode == 0, result.stdout + result.stderr
    payload = json.loads(result.stdout)
    kinds = {f["kind"] for f in payload["findings"]}
    assert "data_mismatch" not in kinds and "part_sum" not in kinds
    unverified = [f for f in payload["findings"] if f["kind"] == "unverified"]
    assert {f["text"] for f in unverified} == {"409.40万元", "102.56万元"}
    for finding in payload["findings"]:
        assert {"kind", "severity", "start", "end", "text", "message"} <= set(finding)
        assert draft.read_text(encoding="utf-8")[finding["start"] : finding["end"]] == finding["text"]


def test_data_mismatch_and_target_against_the_table(tmp_path: Path, subprocess_env) -> None:
    draft = tmp_path / "draft.txt"
    text = "2023年基本支出为512.1万元。新增规模以上工业企业9家，全面完成年度目标。"
    draft.write_text(text, encoding="utf-8")
    data = tmp_path / "figures.csv"
    data.write_text(FIGURES_CSV, encoding="utf-8")
    result = run_cli(["check", str(draft), "--data", str(data), "--format", "json"], subprocess_env)
    assert result.returncode == 1
    findings = {f["kind"]: f for f in json.loads(result.stdout)["findings"]}
    assert (
        findings["data_mismatch"]["text"] == "512.1万元"
        and findings["data_mismatch"]["expected"] == "512.0万元"
    )
    assert findings["target"]["text"] == "全面完成年度目标" and "目标 12家" in findings["target"]["message"]


def test_docx_draft(tmp_path: Path, subprocess_env) -> None:
    draft = write_docx(
        tmp_path / "d.docx", "报告", ["一、基本情况", "收集问题407件，已解决404件，解决率达到98.3%。"]
    )
    result = run_cli(["check", str(draft), "--format", "json"], subprocess_env)
    assert result.returncode == 1
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["kind"] == "rate" and finding["expected"] == "99.3%"


def test_bad_input_exits_2_with_a_chinese_message(tmp_path: Path, subprocess_env) -> None:
    assert run_cli(["check", str(tmp_path / "missing.txt")], subprocess_env).returncode == 2
    bad = tmp_path / "draft.pdf"
    bad.write_bytes(b"%PDF")
    assert run_cli(["check", str(bad)], subprocess_env).returncode == 2
    draft = tmp_path / "ok.txt"
    draft.write_text("基本支出为100元。", encoding="utf-8")
    data = tmp_path / "bad.csv"
    data.write_text("名称,数值,单位\n基本支出,一百,元\n", encoding="utf-8")
    result = run_cli(["check", str(draft), "--data", str(data)], subprocess_env)
    assert result.returncode == 2 and "第 2 行" in result.stderr and "不是数字" in result.stderr


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("name,value\n基本支出,1\n", "缺少必需的列"),
        ("name,value,unit\n基本支出,1,美元\n", "单位“美元”无法识别"),
        ("name,value,unit\n基本支出,1,元\n基本支出,2,元\n", "第 3 行"),
        ("name,value,unit\n“三公”经费,1,元\n三公经费,2,元\n", "同一项"),
        ("name,value,unit\n,1,元\n", "缺少名称"),
        ("name,value,unit\n", "没有数据行"),
    ],
)
def test_bad_tables_name_the_row(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputFileError, match=problem):
        load_table(path)


def test_tables_in_every_format_read_the_same(tmp_path: Path) -> None:
    rows = [
        {"name": "基本支出", "value": 511.96, "unit": "万元", "prior_year": 480.5},
        {"name": "在职人员", "value": 22, "unit": "人", "target": 22},
    ]
    (tmp_path / "t.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "t.yaml").write_text(
        "figures:\n" + "".join(f"  - {json.dumps(r, ensure_ascii=False)}\n" for r in rows), encoding="utf-8"
    )
    (tmp_path / "t.csv").write_bytes(
        "名称,数值,单位,目标值,上年数\n基本支出,511.96,万元,,480.5\n在职人员,22,人,22,\n".encode("gb18030")
    )
    write_xlsx(
        tmp_path / "t.xlsx",
        {
            "数据": [
                ["名称", "数值", "单位", "目标值", "上年数"],
                ["基本支出", 511.96, "万元", None, 480.5],
                ["在职人员", 22, "人", 22, None],
            ]
        },
    )
    tables = [load_table(tmp_path / f"t.{ext}") for ext in ("json", "yaml", "csv", "xlsx")]
    for table in tables:
        row = table.get("基本支出")
        assert row is not None and row.value == 5119600 and row.prior_year == 4805000
        assert table.get("在职人数").target == 22  # an alias of 在职人员
