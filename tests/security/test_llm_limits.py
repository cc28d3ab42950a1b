"""Limits on LLM calls: a deadline over attempts and retries, progress while waiting, cut streams shown as cut.

Every endpoint is the local fake OpenAI-compatible server; no remote calls. The timing is asserted through
what the server received (how many attempts were started), never through wall-clock durations.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from assistant.critique.service import critique
from assistant.drafting.answer import answer
from assistant.drafting.service import draft
from assistant.llm.client import build_chat_model
from assistant.review.service import review
from assistant.settings import Settings, load_settings
from tests.conftest import ROOT
from tests.fake_llm import FakeOpenAIServer
from tests.test_critique import DRAFT as CRITIQUE_DRAFT
from tests.test_drafting import seed_table
from tests.test_llm_drafting import GOOD, FixedPassages

# one attempt may wait 1 s; the whole call 2.5 s: the second attempt ends with 0.5 s left, too little for a
# third (no attempt starts with less than min(5 s, request_timeout) left), so 2 of the 3 allowed are made
LIMITS = {"request_timeout": 1.0, "llm_max_retries": 2, "llm_deadline": 2.5}
DEADLINE_NOTICE = re.compile(r"大模型接口在 [\d.]+ 秒内没有(开始|完成)回答（已重试 1 次）")


def fake_settings(tmp_path: Path, server: FakeOpenAIServer, **overrides: object) -> Settings:
    values: dict[str, object] = {"data_dir": tmp_path / "data", "llm_model": "fake-model",
                                 "openai_base_url": server.url, "openai_api_key": "sk-test", **LIMITS}  # fmt: skip
    values.update(overrides)
    return load_settings(**values)


class Waits:
    """An on_wait callback that keeps what it was told."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, int]] = []

    def __call__(self, seconds: float, attempt: int) -> None:
        self.calls.append((seconds, attempt))

    def assert_progress(self, attempts: list[int]) -> None:
        elapsed = [seconds for seconds, _ in self.calls]
        assert elapsed == sorted(elapsed) and len(set(elapsed)) == len(elapsed)  # strictly increasing
        assert sorted(dict.fromkeys(a for _, a in self.calls)) == attempts
        assert [a for _, a in self.calls] == sorted(a for _, a in self.calls)


@pytest.fixture
def fast_ticks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Progress every 0.2 s instead of every second, so a 2.5 s deadline gives several reports."""
    monkeypatch.setattr("assistant.llm.deadline.WAIT_TICK_SECONDS", 0.2)


def test_a_hung_stream_ends_at_the_deadline_with_progress_and_the_offline_draft(
    tmp_path: Path, fast_ticks: None
) -> None:
    waits = Waits()
    with FakeOpenAIServer(GOOD, hang=True) as server:
        model = build_chat_model(fake_settings(tmp_path, server))
        result = draft("七", seed_table(), model=model, on_wait=waits)
        assert len(server.requests) == 2 and all(r["body"]["stream"] for r in server.requests)
    assert result.mode == "offline" and result.text.startswith("七、存在的问题及原因分析")
    assert (
        DEADLINE_NOTICE.search(result.notice)
        and "没有开始回答（已重试 1 次），已改用离线草稿。" in result.notice
    )
    assert len(waits.calls) > 4  # reports while each attempt waits, not only when one starts
    waits.assert_progress([1, 2])


def test_a_hung_answer_lists_the_passages(tmp_path: Path) -> None:
    waits = Waits()
    kb = FixedPassages(["“三公”经费变动率＝（本年决算－上年决算）÷上年决算。"])
    with FakeOpenAIServer("变动率[1]。", hang=True) as server:
        result = answer("三公经费变动率怎么算", kb, model=build_chat_model(fake_settings(tmp_path, server)),
                        on_wait=waits)  # fmt: skip
        assert len(server.requests) == 2
    assert result.mode == "offline" and result.text.startswith("[1] reports/r1.md")
    assert DEADLINE_NOTICE.search(result.notice) and "以下改为列出知识库中最相关的段落" in result.notice
    waits.assert_progress([1, 2])


def test_a_hung_critique_call_ends_at_the_deadline_with_the_rule_based_comments(
    tmp_path: Path, fast_ticks: None
) -> None:
    waits = Waits()
    with FakeOpenAIServer('{"comments": []}', hang=True) as server:
        result = critique(
            CRITIQUE_DRAFT, model=build_chat_model(fake_settings(tmp_path, server)), on_wait=waits
        )
        # the first section's call used the deadline up; no other section was sent
        assert len(server.requests) == 2 and not any(r["body"].get("stream") for r in server.requests)
    assert result.mode == "offline" and result.comments and all(c.source == "rule" for c in result.comments)
    assert (
        DEADLINE_NOTICE.search(result.notice)
        and "没有完成回答（已重试 1 次）；只做了按规则的检查" in result.notice
    )
    waits.assert_progress([1, 2])


def test_a_hung_review_judge_leaves_the_claims_to_the_offline_judge(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    files = {
        "通报.txt": "经评审，桐木县农业技术推广站获评全国农技推广优秀服务站点，特此通报。",
        "道路.txt": "本年度完成道路维修12公里，投入资金300万元。",  # BM25 needs more than one document
        "培训.txt": "组织开展安全生产培训5次，参训人员200人次。",
    }
    for name, body in files.items():
        (evidence / name).write_text(body + "\n", encoding="utf-8")
    text = "桐木县农业农村局2024年度自评报告\n一、成效\n桐木县农业技术推广站获评全国农技推广优秀服务站点。\n"
    waits = Waits()
    with FakeOpenAIServer("{}", hang=True) as server:
        model = build_chat_model(fake_settings(tmp_path, server))
        result = review(text, evidence=[evidence], model=model, draft_name="d.txt", on_wait=waits)
        assert len(server.requests) == 2  # one claim's call, then the judge gives up for the rest
    assert result.judge == "offline"
    notice = next(n for n in result.notices if "大模型接口" in n)
    assert DEADLINE_NOTICE.search(notice) and notice.endswith("；其余表述改由离线规则判定。")
    waits.assert_progress([1, 2])


def test_a_stream_producing_tokens_is_not_cut_by_the_deadline(tmp_path: Path) -> None:
    tokens: list[str] = []
    with FakeOpenAIServer(GOOD, delay=0.3) as server:
        result = draft("七", seed_table(), model=build_chat_model(fake_settings(tmp_path, server)),
                       on_token=tokens.append)  # fmt: skip
        assert len(server.requests) == 1
    # the server spent longer streaming than the 2.5 s deadline, 0.3 s between pieces (< 1 s idle timeout)
    assert len(tokens) * 0.3 > LIMITS["llm_deadline"]
    assert result.mode == "llm" and "".join(tokens).strip() == GOOD


def test_a_stream_gone_silent_mid_answer_is_not_used_nor_retried(tmp_path: Path) -> None:
    tokens: list[str] = []
    with FakeOpenAIServer(GOOD, stall_after=2) as server:
        result = draft("七", seed_table(), model=build_chat_model(fake_settings(tmp_path, server)),
                       on_token=tokens.append)  # fmt: skip
        assert len(server.requests) == 1  # the tokens were shown: no second attempt
    assert tokens and result.mode == "offline"
    assert "大模型的回答在中途停顿超过 1 秒，不完整的内容已舍弃，已改用离线草稿。" in result.notice


def test_retries_after_server_errors_stop_when_the_deadline_leaves_too_little_time(tmp_path: Path) -> None:
    # each 500 asks for a 1.2 s pause: after two of them less than 1 s of the 2.5 s is left for a third try
    with FakeOpenAIServer(GOOD, failures=[500, 500, 500], retry_after_ms=1200) as server:
        result = draft("七", seed_table(), model=build_chat_model(fake_settings(tmp_path, server)))
        assert len(server.requests) == 2
    assert (
        result.mode == "offline"
        and "大模型接口返回错误（500）（已重试 1 次），已改用离线草稿。" in result.notice
    )


# --- assistant ask in text mode ---------------------------------------------------------------------
ANSWER = "变动率等于本年与上年决算之差除以上年决算[1]，再乘以百分之百。"
QUESTION = "三公经费变动率怎么计算"


def test_ask_in_text_mode_shows_a_cut_stream_as_cut_and_then_the_passages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.cli import main

    for name in list(os.environ):
        if name.startswith(("ASSISTANT_", "OPENAI_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no .env from the project
    with FakeOpenAIServer(ANSWER, break_after=2) as server:
        for name, value in {"ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_EMBEDDINGS": "none",
                            "ASSISTANT_KNOWLEDGE_DIR": str(ROOT / "knowledge"), "ASSISTANT_LLM_MODEL": "fake-model",
                            "OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": "sk-test",
                            "ASSISTANT_LLM_MAX_RETRIES": "0"}.items():  # fmt: skip
            monkeypatch.setenv(name, value)
        assert main(["ingest"]) == 0
        capsys.readouterr()
        code = main(["ask", QUESTION])
        out = capsys.readouterr().out
        assert main(["ask", QUESTION, "--format", "json"]) == 0
        as_json = json.loads(capsys.readouterr().out)
        assert len(server.requests) == 2  # one cut stream each
    assert code == 0 and as_json["mode"] == "offline"
    partial, rest = out.split("\n", 1)
    assert partial == ANSWER[:16]  # the two pieces that arrived, as they were streamed
    blank, after = rest.split("——以上回答不完整（回答中断），以下为知识库中的相关段落——\n", 1)
    assert blank == ""
    notice, passages = after.split("\n", 1)
    assert notice == as_json["notice"]
    assert notice.startswith(
        "大模型的回答在中途中断（连接被关闭），不完整的内容已舍弃，以下改为列出知识库中最相关的段落。"
    )
    assert passages.startswith("[1] ") and passages.strip() == as_json["text"].strip()
    assert ANSWER not in out
