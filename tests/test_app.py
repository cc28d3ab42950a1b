"""The app on 127.0.0.1 (temp data dir, a local fake LLM endpoint) scripted through gradio_client."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.knowledge import KnowledgeBase
from assistant.settings import load_settings
from tests.conftest import ROOT, SEED, free_port, run_cli
from tests.fake_llm import FakeOpenAIServer
from tests.test_drafting import SEED_ROWS

pytestmark = pytest.mark.slow
SEED_TEXT = SEED.read_text(encoding="utf-8")
GOOD = "七、存在的问题及原因分析\n新增规模以上工业企业年度指标值12家，实际完成9家，完成率75.00%，未达到年度指标值。"


def seed_csv() -> str:
    lines = ["name,value,unit,target,prior_year"]
    for row in SEED_ROWS:
        lines.append(",".join(row.get(k, "") for k in ("name", "value", "unit", "target", "prior_year")))
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, embed_cache: Path) -> Iterator[dict]:
    from gradio_client import Client

    from assistant.app import start

    data_dir = tmp_path_factory.mktemp("app-data")
    with FakeOpenAIServer(GOOD) as server:
        settings = load_settings(data_dir=data_dir, knowledge_dir=ROOT / "knowledge", cache_override=embed_cache,
                                 llm_model="fake-model", openai_base_url=server.url, openai_api_key="sk-test")  # fmt: skip
        kb = KnowledgeBase(settings)
        kb.ingest()
        port = free_port()
        demo = start(settings, kb=kb, host="127.0.0.1", port=port, block=False, quiet=True)
        try:
            yield {
                "client": Client(f"http://127.0.0.1:{port}/", verbose=False),
                "server": server,
                "demo": demo,
            }
        finally:
            demo.close()
            kb.close()


def test_named_endpoints_are_listed(app) -> None:
    endpoints = app["client"].view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/check", "/review", "/draft", "/search"} <= set(endpoints)
    assert len(endpoints) == 4  # the page's own events are not part of the API


def test_check_returns_the_same_json_as_the_cli(app, tmp_path: Path, subprocess_env: dict[str, str]) -> None:
    figures = tmp_path / "figures.csv"
    figures.write_text(seed_csv(), encoding="utf-8")
    over_http = app["client"].predict(SEED_TEXT, seed_csv(), api_name="/check")
    cli = run_cli(["check", str(SEED), "--data", str(figures), "--format", "json"], subprocess_env)
    assert over_http == json.loads(cli.stdout)
    assert [f["text"] for f in over_http["findings"] if f["kind"] == "share_sum"] == ["79.3%"]


def test_review_endpoint(app) -> None:
    result = app["client"].predict(SEED_TEXT, "", api_name="/review")
    assert {"findings", "claims", "summary", "judge", "notices", "excluded"} <= set(result)
    assert result["excluded"] == ["reports/2023-yanling-kegongxin-self-evaluation.txt"]
    flagged = [
        f for f in result["findings"] if f["kind"] == "unsupported_claim" and f["severity"] == "warning"
    ]
    assert any("全国最大规模" in f["text"] for f in flagged)
    # the fake endpoint's answers are not the judge's JSON: every claim fell back to the offline judge
    assert result["judge"] == "offline" and any("规定格式" in n for n in result["notices"])


def test_draft_endpoint_uses_the_configured_llm(app) -> None:
    before = len(app["server"].requests)
    result = app["client"].predict("七", seed_csv(), "写得具体一些", api_name="/draft")
    assert result["mode"] == "llm" and result["text"] == GOOD
    assert result["prompt"]["id"] == "draft_section" and isinstance(result["findings"], list)
    assert len(app["server"].requests) == before + 1
    assert "写得具体一些" in json.dumps(app["server"].requests[-1]["body"], ensure_ascii=False)


def test_search_endpoint(app) -> None:
    results = app["client"].predict("三公经费变动率怎么计算", 3, "政策", api_name="/search")
    assert 1 <= len(results) <= 3
    assert all(r["source"].startswith("policies/") and r["end"] > r["start"] for r in results)


def test_bad_input_gets_a_chinese_error(app) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="文稿为空"):
        app["client"].predict("", "", api_name="/check")
    with pytest.raises(AppError, match="第 2 行"):
        app["client"].predict(SEED_TEXT, "name,value,unit\n基本支出,不是数字,元\n", api_name="/check")
    with pytest.raises(AppError, match="没有“十二”"):
        app["client"].predict("十二", "", "", api_name="/draft")


def test_a_slow_llm_call_does_not_hold_up_a_check(tmp_path: Path, embed_cache: Path) -> None:
    from gradio_client import Client

    from assistant.app import start

    with FakeOpenAIServer(GOOD * 3, delay=0.4) as slow:  # about 10 s to stream the whole draft
        settings = load_settings(data_dir=tmp_path, knowledge_dir=ROOT / "knowledge", cache_override=embed_cache,
                                 llm_model="fake-model", openai_base_url=slow.url)  # fmt: skip
        port = free_port()
        demo = start(settings, host="127.0.0.1", port=port, block=False, quiet=True)
        try:
            client = Client(f"http://127.0.0.1:{port}/", verbose=False)
            drafting = client.submit("七", seed_csv(), "", api_name="/draft")
            while not slow.requests:  # the model call has started
                time.sleep(0.05)
            checked = client.predict(SEED_TEXT, "", api_name="/check")
            assert [f["text"] for f in checked["findings"] if f["severity"] == "error"] == ["79.3%"]
            assert not drafting.done()  # the check was answered while the draft was still streaming
            assert drafting.result(timeout=60)["mode"] == "llm"
        finally:
            demo.close()
