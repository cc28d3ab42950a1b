"""Chat turns without a server: modes, the text each mode works on, drafts, revisions, checks, reviews, answers."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from assistant.chat.modes import ASK, CHECK, CRITIQUE, DRAFT, REVIEW, REVISE, infer_mode, resolve_mode
from assistant.chat.service import respond, subject_text
from assistant.knowledge import KnowledgeBase
from assistant.workspace.model import Workspace
from tests.conftest import SEED
from tests.fake_llm import FailingChatModel, RecordingChatModel
from tests.test_drafting import SEED_ROWS

SEED_TEXT = SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def kb(knowledge_kb: KnowledgeBase) -> KnowledgeBase:
    return knowledge_kb


def seed_workspace() -> Workspace:
    rows = [{k: str(v) for k, v in row.items()} for row in SEED_ROWS]
    return Workspace("test-workspace-0001", year=2023, figures=rows)


@pytest.mark.parametrize(
    ("message", "mode"),
    [
        ("起草七、存在的问题及原因分析", DRAFT),
        ("帮我写一段基本支出情况", DRAFT),
        ("把第七部分改写得更具体一些", REVISE),
        ("点评一下这份报告", CRITIQUE),
        ("核查数字：2023年基本支出为100元。", CHECK),
        ("审核依据，看看哪些表述没有依据", REVIEW),
        ("三公经费变动率怎么算", ASK),
    ],
)
def test_the_mode_is_inferred_from_the_message(message: str, mode: str) -> None:
    assert infer_mode(message) == mode
    assert resolve_mode("自动", message) == mode
    assert resolve_mode("问答", message) == ASK  # a mode picked by the user wins


def test_the_text_a_check_works_on() -> None:
    ws = Workspace("test-workspace-0002")
    pasted = "核查数字：" + "基本支出100元，项目支出200元，合计400元。" * 3
    assert subject_text(pasted, ws) == (pasted.split("：", 1)[1], "粘贴的文字")
    assert subject_text("核查数字", ws) == ("", "")
    ws.draft = "导入的文稿内容"
    assert subject_text("核查数字", ws) == ("导入的文稿内容", "导入的文稿")


def test_offline_draft_then_check_and_accept(kb: KnowledgeBase) -> None:
    ws = seed_workspace()
    result = respond("起草二、一般公共预算支出情况", "自动", ws, kb=kb)
    assert result.mode == DRAFT and not result.error
    assert result.section == "general_budget" and "31.92%" in result.text
    assert "离线" in result.notice and result.sources  # prior reports cited
    assert not [f for f in result.findings if f.severity == "error"]
    assert ws.candidate == {"section": "general_budget", "text": result.text}
    # the drafted text goes into the check when nothing else is given
    check = respond("核查数字", "自动", ws, kb=kb)
    assert check.mode == CHECK and check.checked_text == result.text and "刚起草的部分" in check.notice


def test_check_finds_the_seed_share_error_in_pasted_text(kb: KnowledgeBase) -> None:
    result = respond("核查数字：" + SEED_TEXT, "自动", seed_workspace(), kb=kb)
    errors = [f for f in result.findings if f.severity == "error"]
    assert [f.text for f in errors if f.kind == "share_sum"] == ["79.3%"]
    assert result.checked_text[errors[0].start : errors[0].end] == "79.3%"


def test_llm_draft_streams_and_revise_uses_the_model(kb: KnowledgeBase) -> None:
    ws = seed_workspace()
    drafted = (
        "七、存在的问题及原因分析\n新增规模以上工业企业目标12家，实际9家，完成率75.00%。原因是项目体量小。"
    )
    revised = "七、存在的问题及原因分析\n新增规模以上工业企业目标12家，实际完成9家，完成率为75.00%。主要原因是落地项目体量偏小。"
    model = RecordingChatModel.answering(drafted, revised)
    tokens: list[str] = []
    result = respond("起草七、存在的问题及原因分析", DRAFT, ws, kb=kb, model=model, on_token=tokens.append)
    assert result.text.startswith("七、") and "".join(tokens).strip() == drafted
    again = respond("修改：原因写得再具体一点", REVISE, ws, kb=kb, model=model)
    assert again.mode == REVISE and again.text == revised and again.section == "problems"
    prompt = model.recorded[-1][-1][1]
    assert "原因写得再具体一点" in prompt and "目标12家" in prompt  # the instruction and the current text
    assert ws.candidate["text"] == revised


def test_revise_offline_keeps_the_text_and_explains(kb: KnowledgeBase) -> None:
    ws = seed_workspace()
    respond("起草七、存在的问题及原因分析", DRAFT, ws, kb=kb)
    before = ws.candidate["text"]
    result = respond("修改七、存在的问题：写得更具体", REVISE, ws, kb=kb)
    assert result.text == before and "不能按文字要求改写" in result.notice


def test_endpoint_failure_falls_back_and_says_so(kb: KnowledgeBase) -> None:
    import httpx
    import openai

    error = openai.APIConnectionError(request=httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions"))
    failing = FailingChatModel(messages=iter([]), error=error)
    result = respond("起草二、一般公共预算支出情况", DRAFT, seed_workspace(), kb=kb, model=failing)
    assert not result.error and "离线" in result.notice and "连接" in result.notice
    assert "31.92%" in result.text


def test_review_critique_and_ask(kb: KnowledgeBase) -> None:
    ws = seed_workspace()
    ws.draft = SEED_TEXT
    review = respond("审核依据", "自动", ws, kb=kb)
    assert review.mode == REVIEW and review.claims
    assert any(f.kind == "unsupported_claim" and "全国最大规模" in f.text for f in review.findings)
    critique = respond("点评一下", "自动", ws, kb=kb)
    assert critique.mode == CRITIQUE and critique.comments
    assert all(SEED_TEXT[c["start"] : c["end"]] == c["quote"] for c in critique.comments)
    answer = respond("三公经费变动率怎么计算", "自动", ws, kb=kb)
    assert answer.mode == ASK and answer.sources and "离线" in answer.notice


def test_clear_errors_for_what_cannot_be_done(kb: KnowledgeBase) -> None:
    ws = Workspace("test-workspace-0003")
    assert "哪一部分" in respond("起草一段", DRAFT, ws, kb=kb).error
    assert "没有可处理的文稿" in respond("核查数字", CHECK, ws, kb=kb).error
    assert "还没有内容" in respond("修改七、存在的问题", REVISE, ws, kb=kb).error
    bad = Workspace("test-workspace-0004", figures=[{"name": "基本支出", "value": "abc", "unit": "元"}])
    result = respond("核查数字：" + "基本支出100元，项目支出200元，合计300元。" * 3, CHECK, bad, kb=kb)
    assert "第 1 行（基本支出）" in result.notice and "不是数字" in result.notice


def test_seed_rows_file_is_a_valid_grid(tmp_path: Path) -> None:
    from assistant.workspace.figures import check_rows, rows_from_file

    path = tmp_path / "figures.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=["name", "value", "unit", "target", "prior_year"])
        writer.writeheader()
        writer.writerows(SEED_ROWS)
    rows = rows_from_file(path)
    check = check_rows(rows)
    assert check.errors == [] and check.valid_rows == len(SEED_ROWS)
