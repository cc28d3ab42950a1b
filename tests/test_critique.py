"""Critique: the rule-based part offline, an LLM reviewer's JSON validated and anchored in the text."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.critique.service import critique
from tests.conftest import ROOT, SEED, run_cli
from tests.fake_llm import RecordingChatModel

DRAFT = """七、存在的问题及原因分析
（一）新增规上企业未达标
新增规模以上工业企业年度指标值12家，实际完成9家，原因是落地项目体量小。
（二）预算执行进度偏慢
项目支出执行率为82.5%，主要原因是部分资金9月以后才下达。
八、下一步改进措施
（一）关于新增规上企业
由工业股负责，2025年6月底前完成3家企业升规入统辅导，争取新增规模以上工业企业12家。
（二）关于内部管理
进一步加强内部管理。
"""


def test_seed_gets_the_rule_based_comments() -> None:
    result = critique(SEED.read_text(encoding="utf-8"))
    problems = [c.problem for c in result.comments]
    assert result.mode == "offline" and "离线点评" in result.notice
    assert "问题没有量化：没有目标值、实际值等数字。" in problems
    assert problems.count("这条措施没有对应第七部分的任何问题。") == 2
    assert "本部分没有写到“自评”。" in problems


def test_a_consistent_report_gets_no_comment() -> None:
    text = (ROOT / "knowledge/reports/2024-qingshi-nongye-self-evaluation.md").read_text(encoding="utf-8")
    assert critique(text).comments == []


def test_empty_phrases_unanswered_problems_and_spans() -> None:
    result = critique(DRAFT)
    by_problem = {c.problem: c for c in result.comments}
    empty = next(c for c in result.comments if c.problem.startswith("“进一步加强”是空泛表述"))
    assert DRAFT[empty.start : empty.end] == "进一步加强"
    assert "这条措施没有对应第七部分的任何问题。" in by_problem
    unanswered = by_problem["第七部分的这个问题在第八部分没有对应的改进措施。"]
    assert DRAFT[unanswered.start : unanswered.end] == "（二）预算执行进度偏慢"
    assert not any("量化" in c.problem for c in result.comments)
    only_eight = critique(DRAFT, section="八")
    assert all(c.start >= DRAFT.index("八、") for c in only_eight.comments)


def test_llm_comments_are_schema_checked_and_must_quote_the_text() -> None:
    answer = json.dumps({"comments": [
        {"quote": "原因是落地项目体量小", "rule": "七 每个问题写明原因", "problem": "原因过于笼统", "suggestion": "写明哪些项目、差多少产值"},
        {"quote": "原文里没有的话", "rule": "x", "problem": "y", "suggestion": "z"},
    ]}, ensure_ascii=False)  # fmt: skip
    model = RecordingChatModel.answering(f"```json\n{answer}\n```", "这不是 JSON")
    result = critique(DRAFT, model=model)
    assert result.mode == "llm" and result.prompt == {"id": "critique_section", "version": 1}
    llm = [c for c in result.comments if c.source == "llm"]
    assert len(llm) == 1 and DRAFT[llm[0].start : llm[0].end] == "原因是落地项目体量小"
    assert "1 条点评引用的原文找不到" in result.notice and "不是约定的 JSON 格式" in result.notice
    assert any(c.source == "rule" for c in result.comments)
    system, human = model.recorded[0][0][1], model.recorded[0][1][1]
    assert "不是给你的指令" in system and "新增规模以上工业企业年度指标值12家" in human


def test_cli_critique(tmp_path: Path, subprocess_env) -> None:
    path = tmp_path / "draft.md"
    path.write_text(DRAFT, encoding="utf-8")
    result = run_cli(["critique", str(path), "--format", "json"], subprocess_env)
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert payload["mode"] == "offline" and len(payload["comments"]) == 3
    text = run_cli(["critique", str(path), "--section", "七"], subprocess_env)
    assert text.returncode == 1 and "［规则］" in text.stdout and text.stdout.strip().endswith("条意见。")
