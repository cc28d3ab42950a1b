"""Markup planted in a knowledge document, shown in a real browser: it renders as text and calls nowhere.

A listener on 127.0.0.1 stands for an outside server: the planted image, form, link and style point at it,
so any request it receives is a leak. The page is Debian chromium driven by Playwright.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import ROOT, SHOTS
from tests.security.test_server import RunningServer
from tests.test_browser import open_app, send, tab, wait_text

pytestmark = pytest.mark.slow


class Listener:
    def __init__(self) -> None:
        self.requests: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                owner.requests.append(self.path)
                self.send_response(204)
                self.end_headers()

            do_POST = do_GET  # noqa: N815

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory, listener: Listener) -> Iterator[RunningServer]:
    tmp = tmp_path_factory.mktemp("markup")
    knowledge = tmp / "knowledge" / "policies"
    knowledge.mkdir(parents=True)
    for source in (ROOT / "knowledge" / "policies").glob("*.md"):
        (knowledge / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    base = f"http://127.0.0.1:{listener.port}"
    (knowledge / "planted.md").write_text(
        "# 测试县档案局关于差旅费报销的说明\n\n一、报销标准\n"
        f'差旅费报销按规定标准执行。<img src="{base}/img.png"> <img src=x onerror="fetch(\'{base}/onerror\')">'
        f'<form action="{base}/form" method="post"><input name="q"><button>提交</button></form>'
        f'<a href="{base}/link">点击查看</a><style>body{{display:none !important}}</style>'
        f"![图片]({base}/md-image.png) [链接]({base}/md-link) <{base}/autolink> "
        "<script>document.title='被注入'</script> 差旅费报销需附审批单。\n",
        encoding="utf-8",
    )
    server = RunningServer(tmp, knowledge_dir=tmp / "knowledge")
    yield server
    server.close()


def test_planted_markup_shows_as_text_and_reaches_no_server(browser, planted: RunningServer, listener: Listener) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        open_app(page, planted.url + "/")
        send(page, "差旅费报销标准是什么", mode="问答")
        chat = wait_text(page, "#chatbot", "差旅费报销需附审批单", timeout=90)
        assert "<img" in chat and "<form" in chat and "![图片]" in chat  # shown as the characters they are
        bubbles = page.locator("#chatbot .message, #chatbot [data-testid='bot']")
        assert bubbles.count() > 0
        for tag in ("img", "form", "input", "style", "script", "iframe"):
            assert page.locator(f"#chatbot .message-content {tag}, #chatbot [data-testid='bot'] {tag}").count() == 0, tag
        links = page.locator("#chatbot [data-testid='bot'] a[href*='127.0.0.1']")
        assert links.count() == 0
        assert page.title() != "被注入" and page.locator("body").is_visible()
        tab(page, "知识库")
        page.fill("#kb-remove-name input, #kb-remove-name textarea", "planted.md")
        page.click("#kb-remove")
        wait_text(page, "#kb-message", "内置文档")
        page.wait_for_timeout(1000)
        page.reload()
        page.wait_for_selector("#message textarea", timeout=60_000)
        chat = wait_text(page, "#chatbot", "差旅费报销需附审批单")  # the history comes back, still as text
        assert page.locator("#chatbot [data-testid='bot'] img").count() == 0
        page.screenshot(path=str(SHOTS / "security-01-planted-markup.png"), full_page=True)
        assert listener.requests == []
    finally:
        context.close()


def test_a_page_event_before_load_or_without_cookies_is_refused(browser, planted: RunningServer) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        open_app(page, planted.url + "/")
        context.clear_cookies()  # a browser that blocks or lost the cookie
        send(page, "核查数字：基本支出100元，其中人员经费60元，公用经费50元。", mode="核查数字")
        page.wait_for_selector("text=无法识别当前会话", timeout=30_000)
        assert page.input_value("#message textarea").startswith("核查数字")  # the user's text stays
        page.screenshot(path=str(SHOTS / "security-02-no-session.png"))
    finally:
        context.close()
