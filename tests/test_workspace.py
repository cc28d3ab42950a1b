"""Workspaces on disk, the figures grid, findings rendered in place, the report exported to Word."""

from __future__ import annotations

import json
from pathlib import Path

from docx import Document

from assistant.checks.checker import check_text
from assistant.ui.render import render_checked, render_claims, render_sources
from assistant.workspace.export import export_workspace_docx
from assistant.workspace.figures import (
    check_rows,
    clean_rows,
    rows_from_csv_text,
    rows_from_file,
    rows_to_xlsx,
    table_from_csv_text,
)
from assistant.workspace.model import Workspace
from assistant.workspace.store import WorkspaceStore
from tests.conftest import SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")


def test_workspaces_survive_a_restart_and_stay_apart(tmp_path: Path) -> None:
    store = WorkspaceStore(tmp_path / "workspaces")
    alice = store.load("a" * 32)
    alice.title = "某局2024年度部门整体支出绩效自评报告"
    alice.sections["problems"] = "七、存在的问题及原因分析\n问题一。"
    alice.chat = [{"role": "user", "content": "起草七"}]
    store.save(alice)
    bob = store.load("b" * 32)
    assert bob.title == "" and bob.sections == {}  # nothing shared between browsers
    again = WorkspaceStore(tmp_path / "workspaces").load("a" * 32)  # a new process
    assert again.title == alice.title and again.sections == alice.sections and again.chat == alice.chat
    # a login name is hashed into a file name; a damaged file is kept aside and a fresh workspace given
    path = store.path_for("user:张三")
    assert path.parent == tmp_path / "workspaces" and "张" not in path.name
    path.write_text("{not json", encoding="utf-8")
    assert store.load("user:张三").title == ""
    assert path.with_suffix(".damaged.json").exists()


def test_grid_rows_are_validated_one_by_one(tmp_path: Path) -> None:
    rows = clean_rows(
        [
            ["基本支出", "5119613.47", "元", "", ""],
            ["人员经费", "abc", "元", "", ""],
            ["", "", "", "", ""],
            ["公用经费", "1025640.28", "吨位", "", ""],
            ["项目支出", "12717584.6", "元", "", ""],
        ]
    )
    assert len(rows) == 4  # the blank row is dropped
    check = check_rows(rows)
    assert check.valid_rows == 2 and check.table is not None and len(check.table.rows) == 2
    assert check.errors[0].startswith("第 2 行（人员经费）") and "不是数字" in check.errors[0]
    assert check.errors[1].startswith("第 3 行（公用经费）") and "单位" in check.errors[1]

    target = rows_to_xlsx(rows[:1] + rows[3:], tmp_path / "figures.xlsx")
    assert [r["name"] for r in rows_from_file(target)] == ["基本支出", "项目支出"]
    assert rows_from_file(target)[0]["value"] == "5119613.47"

    csv_text = "名称,数值,单位,目标值\n新增规模以上工业企业,9,家,12\n"
    assert rows_from_csv_text(csv_text)[0]["target"] == "12"
    assert table_from_csv_text(csv_text).get("新增规模以上工业企业").target == 12
    assert table_from_csv_text("  ") is None


def test_findings_are_marked_in_place_with_their_computation() -> None:
    findings = check_text(SEED_TEXT)
    html = render_checked(SEED_TEXT, findings)
    assert '<mark class="sev-error"' in html
    marked = html.split('<mark class="sev-error"', 1)[1].split("</mark>", 1)[0]
    assert "79.3%" in marked
    assert (
        "<details><summary>错误［占比合计］" in html and "111.22%" in html
    )  # the computation, one click away
    comments = [{"start": 0, "end": 4, "quote": SEED_TEXT[:4], "rule": "规则", "problem": "问题",
                 "suggestion": "改为…", "severity": "warning", "source": "rule"}]  # fmt: skip
    assert '<mark class="sev-warning"' in render_checked(SEED_TEXT, [], comments)
    assert "&lt;script&gt;" in render_checked("<script>alert(1)</script>", [])


def test_sources_and_claims_render_with_their_citations() -> None:
    sources = [
        {
            "source": "reports/a.md",
            "section": "二、支出",
            "start": 10,
            "end": 40,
            "text": "甲乙丙丁戊",
            "quote": "乙丙",
        }
    ]
    html = render_sources(sources)
    assert "reports/a.md · 二、支出 · 第 10–40 字" in html and '<span class="cite">乙丙</span>' in html
    claims = [
        {"verdict": "supported", "text": "获评省级文明单位", "reason": "证书写明",
         "citations": [{"source": "ev/证书.txt", "section": "", "start": 0, "end": 9, "quote": "获评省级文明单位"}]},
        {"verdict": "not_checkable", "text": "下一步将加强管理", "reason": "", "citations": []},
    ]  # fmt: skip
    html = render_claims(claims)
    assert "有依据" in html and "ev/证书.txt" in html and "另有 1 条" in html


def test_the_report_exports_to_word_with_its_headings(tmp_path: Path) -> None:
    ws = Workspace("c" * 32, title="炎陵县科技和工业信息化局2023年度部门整体支出绩效自评报告")
    ws.sections = {
        "problems": "七、存在的问题及原因分析\n（一）新增规上企业未达目标\n目标12家，实际9家。",
        "basic": "一、基本情况\n本局内设股室7个。",
    }
    path = export_workspace_docx(ws, tmp_path / "report.docx")
    document = Document(str(path))
    texts = [p.text for p in document.paragraphs if p.text.strip()]
    assert texts[0] == ws.title
    assert texts.index("一、基本情况") < texts.index("七、存在的问题及原因分析")  # the template's order
    assert "（一）新增规上企业未达目标" in texts and "目标12家，实际9家。" in texts
    styles = {p.text: p.style.name for p in document.paragraphs}
    assert styles["一、基本情况"].startswith("Heading 1") and styles["（一）新增规上企业未达目标"].startswith(
        "Heading 2"
    )
    assert json.loads(json.dumps(ws.to_dict()))["title"] == ws.title
