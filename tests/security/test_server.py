"""The security probe's reproductions, run against the real app on 127.0.0.1, with and without login.

Each test sends what the probe sent (the page's own events over HTTP, see page_client.py) and asserts the
safe behaviour: nothing written outside the data dir, no workspace without an identity, no one else's
workspace or documents, no markup from documents or files reaching the page, Chinese refusals of input
past the limits, and the server still answering afterwards.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assistant.knowledge import KnowledgeBase
from assistant.settings import load_settings
from tests.conftest import ROOT, SEED, free_port
from tests.security.page_client import PageClient

pytestmark = pytest.mark.slow
SECTIONS = 13  # the department template's section boxes


def grid(rows: list[list[str]]) -> dict:
    """The figures grid as the browser sends it."""
    return {"headers": ["名称", "数值", "单位", "目标值", "上年数"], "data": rows, "metadata": None}
HOSTILE_TITLES = [
    "/tmp/绝对路径报告",
    "../../../../tmp/上级目录报告",
    "..\\..\\..\\Windows\\报告",
    "C:\\Users\\Public\\报告",
    "报告\x00隐藏.docx",
    "CON",
    "aux.txt",
    "   ...   ",
    "<img src=x onerror=alert(1)>",
]


def plain(markdown: str) -> str:
    """What a Markdown message shows: escapes and entities undone."""
    return html.unescape(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown))


class RunningServer:
    def __init__(self, tmp: Path, **overrides) -> None:
        from assistant.app import start

        self.data_dir = tmp / "data"
        values = {"data_dir": self.data_dir, "knowledge_dir": ROOT / "knowledge", "embeddings": "none",
                  "llm_model": None, "local_gguf": None, "openai_base_url": None} | overrides  # fmt: skip
        self.settings = load_settings(**values)
        self.kb = KnowledgeBase(self.settings)
        assert self.kb.ingest().failed == []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.demo = start(self.settings, kb=self.kb, host="127.0.0.1", port=self.port, block=False, quiet=True)

    def client(self, **kwargs) -> PageClient:
        return PageClient(self.url, **kwargs)

    def close(self) -> None:
        self.demo.close()
        self.kb.close()


@pytest.fixture(scope="module")
def open_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    server = RunningServer(tmp_path_factory.mktemp("open"), max_chat_chars=2000, max_check_chars=5000)
    yield server
    server.close()


@pytest.fixture(scope="module")
def login_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    server = RunningServer(
        tmp_path_factory.mktemp("login"), auth="alice:pass-alice,bob:pass-bob,boss:pass-boss", admins="boss",
        openai_base_url="http://clerk:hunter2@127.0.0.1:9/v1?key=abc", llm_model="some-model",
    )  # fmt: skip
    yield server
    server.close()


def _logged_in(server: RunningServer, user: str) -> PageClient:
    client = server.client()
    assert client.login(user, f"pass-{user}").status_code == 200
    return client


# --- 1. writes stay under the data dir -------------------------------------------------------------------
def test_export_paths_come_from_generated_ids_whatever_the_title(open_server: RunningServer) -> None:
    client = open_server.client()
    exports = open_server.data_dir / "exports"
    tmp_before = set(Path("/tmp").glob("*"))
    for title in HOSTILE_TITLES:
        saved = client.call("save_report", title, 2024, "", "一、基本情况\n某局负责全县科技工作。", *[""] * (SECTIONS - 1))
        assert saved.ok, saved.error
        exported = client.call("export_docx", title, 2024, "", "一、基本情况\n某局负责全县科技工作。", *[""] * (SECTIONS - 1))
        assert exported.ok, exported.error
        name = exported.data[0]["orig_name"]
        assert "/" not in name and "\\" not in name and "\x00" not in name and ":" not in name
        assert name.endswith(".docx") and not name.upper().startswith(("CON.", "AUX."))
    written = [p for p in exports.rglob("*") if p.is_file()]
    assert len(written) == len(HOSTILE_TITLES)
    for path in written:  # exports/<generated id>/<display name>.docx, nothing deeper, nothing elsewhere
        assert path.parent.parent == exports and len(path.parent.name) == 24
    assert not any("报告" in p.name for p in set(Path("/tmp").glob("*")) - tmp_before)
    assert not list(open_server.settings.knowledge_dir.rglob("*上级目录*"))


def test_uploaded_file_names_cannot_leave_the_uploads_folder(open_server: RunningServer, tmp_path: Path) -> None:
    client = open_server.client()
    document = tmp_path / "note.md"
    document.write_text("# 测试县关于档案管理的通知\n\n一、要求\n各单位按季度整理归档财务凭证，年底前完成移交。\n", encoding="utf-8")
    for hostile in ("../../../../tmp/逃逸通知.md", "..\\..\\逃逸通知2.md", "/etc/逃逸通知3.md"):
        uploaded = client.call("upload", [client.upload(document, hostile)], "报告")
        assert uploaded.ok, uploaded.error
    stored = [p for p in (open_server.data_dir / "uploads").rglob("*.md")]
    assert stored and all(p.resolve().is_relative_to((open_server.data_dir / "uploads").resolve()) for p in stored)
    assert not Path("/tmp/逃逸通知.md").exists() and not Path("/etc/逃逸通知3.md").exists()
    evidence = client.call("add_evidence", [client.upload(document, "../../../逃逸佐证.md")])
    assert evidence.ok, evidence.error
    assert not list(open_server.data_dir.glob("*逃逸佐证*")) and not list((open_server.data_dir / "workspaces").glob("*逃逸佐证*"))


# --- 2. no workspace without an identity the server issued -----------------------------------------------
WORKSPACE_EVENTS = [
    ("on_load", ()),
    ("send", ("核查数字：基本支出100元，其中人员经费60元，公用经费50元。", "自动")),
    ("accept", ()),
    ("save_grid", (grid([["基本支出", "100", "元", "", ""]]),)),
    ("save_report", ("标题", 2024, "", *[""] * SECTIONS)),
    ("export_docx", ("标题", 2024, "", "一、基本情况\n内容", *[""] * (SECTIONS - 1))),
    ("search_panel", ("三公经费", "全部")),
    ("remove", ("x.md",)),
]


@pytest.mark.parametrize(("event", "data"), WORKSPACE_EVENTS, ids=[e for e, _ in WORKSPACE_EVENTS])
def test_an_event_without_a_session_is_refused_not_shared(open_server: RunningServer, event: str, data: tuple) -> None:
    anonymous = open_server.client(keep_cookies=False)
    answer = anonymous.call(event, *data)
    assert not answer.ok and "无法识别当前会话" in answer.error


def test_a_forged_or_foreign_cookie_is_refused(open_server: RunningServer) -> None:
    client = open_server.client()
    name = open_server.demo.services.cookies.name
    for forged in ("", "0" * 32 + "." + "0" * 32, "x", client.http.cookies[name][:-1] + "0"):
        client.http.cookies.set(name, forged)
        answer = client.call("save_report", "别人的标题", 2024, "", *[""] * SECTIONS)
        assert not answer.ok and "无法识别当前会话" in answer.error


def test_browsers_keep_apart_and_nothing_secret_is_in_config(open_server: RunningServer) -> None:
    alice, bob = open_server.client(), open_server.client()
    assert alice.call("save_report", "甲浏览器的报告", 2024, "", *[""] * SECTIONS).ok
    loaded = bob.call("on_load")
    assert loaded.ok and "甲浏览器的报告" not in json.dumps(loaded.data, ensure_ascii=False)
    assert "甲浏览器的报告" in json.dumps(alice.call("on_load").data, ensure_ascii=False)
    secret = (open_server.data_dir / "session.key").read_text(encoding="utf-8").strip()
    config = alice.http.get("/config").text
    assert secret not in config and "secret" not in config.lower()
    cookie = next(c for c in alice.http.cookies.jar if c.name.startswith("assistant-session-"))
    assert cookie.has_nonstandard_attr("HttpOnly")


def test_login_users_never_see_each_others_workspace(login_server: RunningServer) -> None:
    alice, bob = _logged_in(login_server, "alice"), _logged_in(login_server, "bob")
    assert alice.call("save_report", "alice 的报告", 2024, "", *[""] * SECTIONS).ok
    assert "alice 的报告" not in json.dumps(bob.call("on_load").data, ensure_ascii=False)
    stranger = login_server.client()  # not logged in: the page and its events are refused
    assert "dependencies" not in stranger.config
    stranger.config = alice.config  # even with the events' ids learnt elsewhere
    refused = stranger.call("on_load")
    assert not refused.ok and ("401" in refused.error or "403" in refused.error)


# --- 3. markup from documents, files and models never reaches the page as markup --------------------------
PAYLOAD = (
    '测试县档案局 <img src="http://127.0.0.1:9/pixel.png"> <form action="http://127.0.0.1:9/"><input name=a></form> '
    '<a href="http://127.0.0.1:9/">链接</a> <style>body{display:none}</style> ![图](http://127.0.0.1:9/md.png) '
    "[点我](javascript:alert(1)) $$\\frac{1}{2}$$ 三公经费变动率的计算方法为本年减上年再除以上年。"
)


def test_document_markup_is_escaped_in_the_chat_and_stored_as_text(open_server: RunningServer, tmp_path: Path) -> None:
    client = open_server.client()
    document = tmp_path / "payload.md"
    document.write_text(f"# 测试县档案局三公经费说明\n\n一、计算方法\n{PAYLOAD}\n", encoding="utf-8")
    assert client.call("upload", [client.upload(document)], "政策").ok
    answer = client.call("send", "三公经费变动率怎么算", "问答")
    assert answer.ok, answer.error
    shown = " ".join(part["text"] for m in answer.data[0] for part in m["content"] if part.get("type") == "text")
    assert "测试县档案局" in shown  # the passage is there ...
    for raw in ("<img", "<form", "<a ", "<style", "![", "](", "$$"):  # ... and none of it as markup
        assert raw not in shown, raw
    assert "&lt;img" in shown
    saved = [json.loads(p.read_text(encoding="utf-8")) for p in (open_server.data_dir / "workspaces").glob("*.json")]
    stored = next(w for w in saved if any("三公经费变动率怎么算" in m["content"] for m in w["chat"]))
    texts = [m["content"] for m in stored["chat"]]
    assert any("<img" in t for t in texts) and not any("&lt;" in t for t in texts)  # text, not rendered HTML
    listing = client.call("on_load").data[-2]
    assert any("payload.md" in row[0] for row in listing["data"])


def test_file_names_and_grid_rows_are_escaped_in_messages(open_server: RunningServer) -> None:
    client = open_server.client()
    saved = client.call("save_grid", grid([["![x](http://127.0.0.1:9/a.png)<b>基本支出</b>", "不是数字", "元", "", ""]]))
    assert saved.ok
    message = saved.data[0]
    assert "<b>" not in message and "![" not in message and "](" not in message


# --- 4. limits ---------------------------------------------------------------------------------------------
def test_messages_and_checks_past_the_limits_are_refused_in_chinese(open_server: RunningServer) -> None:
    client = open_server.client()
    answer = client.call("send", "核查数字：" + "基本支出100元。" * 400, "核查数字")
    assert not answer.ok and "消息过长" in answer.error and "2000" in answer.error
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    api = Client(open_server.url + "/", verbose=False)
    with pytest.raises(AppError, match="文稿过长"):
        api.predict("基本支出100元。" * 1000, "", api_name="/check")
    for number in ("12345678901234567890123456789", "1E+999999999", "9" * 60):
        result = api.predict(f"基本支出为{number}元，其中人员经费为5元。", "", api_name="/check")
        assert isinstance(result["findings"], list)
    assert client.call("on_load").ok  # the server still answers


def test_a_grid_value_out_of_range_never_breaks_the_page(open_server: RunningServer) -> None:
    client = open_server.client()
    saved = client.call("save_grid", grid([["基本支出", "1E+999999999", "元", "", ""], ["公用经费", "9" * 40, "元", "", ""],
                                           ["人员经费", "100", "元", "", ""]]))  # fmt: skip
    assert saved.ok and "有效 1 行" in plain(saved.data[0])
    assert client.call("on_load").ok and client.call("on_load").ok  # every later page load works too
    checked = client.call("send", "核查数字：基本支出为100元，其中人员经费为100元。", "核查数字")
    assert checked.ok


def test_the_web_check_validates_a_figures_table_as_the_cli_does(open_server: RunningServer, tmp_path: Path) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    from assistant.checks.table import load_table
    from assistant.errors import InputFileError

    api = Client(open_server.url + "/", verbose=False)
    for table in ("名字;数;单位\n基本支出;100;元\n", "foo,bar,baz\n基本支出,100,元\n"):
        path = tmp_path / "table.csv"
        path.write_text(table, encoding="utf-8")
        with pytest.raises(InputFileError) as cli_error:
            load_table(path)
        with pytest.raises(AppError) as web_error:
            api.predict("基本支出为100元。", table, api_name="/check")
        assert cli_error.value.problem in str(web_error.value)


def test_a_docx_zip_bomb_is_refused_on_import(open_server: RunningServer, tmp_path: Path) -> None:
    import tracemalloc

    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            block = b"<w:p/>" * 100_000
            for _ in range(500):  # 300 MB of XML in about 300 KB
                part.write(block)
    assert bomb.stat().st_size < 5 * 1024 * 1024
    client = open_server.client()
    tracemalloc.start()
    try:
        answer = client.call("import_draft", client.upload(bomb, "炸弹.docx"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert answer.ok and "炸弹.docx" in plain(answer.data[1]) and "上限" in plain(answer.data[1])
    assert "/tmp" not in plain(answer.data[1]) and str(open_server.data_dir) not in plain(answer.data[1])
    assert peak < 100 * 1024 * 1024  # refused from the zip directory, never inflated


def test_deeply_nested_headings_do_not_stop_the_ingest(open_server: RunningServer, tmp_path: Path) -> None:
    client = open_server.client()
    deep = tmp_path / "deep.md"
    deep.write_text("# " * 3000 + "标题\n\n正文内容一段。\n", encoding="utf-8")
    good = tmp_path / "good.md"
    good.write_text("# 测试县培训通知\n\n一、安排\n每季度组织一次财务人员培训。\n", encoding="utf-8")
    answer = client.call("upload", [client.upload(deep), client.upload(good)], "报告")
    assert answer.ok, answer.error
    names = [row[0] for row in answer.data[0]["data"]]
    assert any("good.md" in n for n in names)
    assert client.call("reindex").ok  # the web re-index for everyone still works


# --- 5. documents have owners --------------------------------------------------------------------------------
def _note(tmp_path: Path, name: str, topic: str) -> Path:
    path = tmp_path / name
    path.write_text(f"# 测试县{topic}的通知\n\n一、要求\n{topic}工作每月报送一次，由办公室汇总。\n", encoding="utf-8")
    return path


def test_login_users_see_and_change_only_their_own_uploads(login_server: RunningServer, tmp_path: Path) -> None:
    alice, bob, boss = (_logged_in(login_server, u) for u in ("alice", "bob", "boss"))
    uploaded = alice.call("upload", [alice.upload(_note(tmp_path, "alice-note.md", "车辆维修登记"))], "报告")
    assert uploaded.ok and any("alice-note.md" in r[0] for r in uploaded.data[0]["data"])
    assert "alice" in json.dumps(uploaded.data[0]["data"], ensure_ascii=False)
    bob_docs = bob.call("on_load").data[-2]["data"]
    assert not any("alice-note.md" in r[0] for r in bob_docs)  # hidden from bob's list ...
    found = bob.call("search_panel", "车辆维修登记", "全部").data[0]
    assert "alice-note.md" not in found  # ... and from his searches
    assert "alice-note.md" in alice.call("search_panel", "车辆维修登记", "全部").data[0]
    refused = bob.call("remove", "alice-note.md")
    assert "alice-note.md" in json.dumps(alice.call("on_load").data[-2], ensure_ascii=False)
    assert "没有" in plain(refused.data[1])
    bob.call("upload", [bob.upload(_note(tmp_path, "bob-note.md", "印章使用登记"))], "报告")
    removed = boss.call("remove", "bob-note.md")  # an admin may remove anyone's upload
    assert "已移除 1 个文件" in plain(removed.data[1])
    builtin = boss.call("remove", "2023-yanling-kegongxin-self-evaluation.txt")
    assert "内置文档" in plain(builtin.data[1])  # built-in documents are read-only from the page, admins included
    assert plain(alice.call("remove", "alice-note.md").data[1]).startswith("已移除")


def test_without_login_uploads_are_shared_but_only_the_uploader_removes_them(open_server: RunningServer, tmp_path: Path) -> None:
    first, second = open_server.client(), open_server.client()
    assert first.call("upload", [first.upload(_note(tmp_path, "shared-note.md", "会议室预约"))], "报告").ok
    listing = second.call("on_load").data[-2]["data"]
    row = next(r for r in listing if "shared-note.md" in r[0])
    assert row[-1] == "其他浏览器"
    assert "只有上传者或管理员" in plain(second.call("remove", "shared-note.md").data[1])
    replaced = second.call("upload", [second.upload(_note(tmp_path, "shared-note.md", "别的内容"))], "报告")
    assert replaced.ok  # the second browser's copy is its own document, the first one's is untouched
    assert "已移除" in plain(first.call("remove", "shared-note.md").data[1])
    assert "内置文档" in plain(first.call("remove", "2023-yanling-kegongxin-self-evaluation.txt").data[1])


def test_a_refused_upload_is_deleted_and_an_earlier_version_kept(open_server: RunningServer, tmp_path: Path) -> None:
    client = open_server.client()
    good = _note(tmp_path, "版本.md", "公车使用")
    assert client.call("upload", [client.upload(good)], "报告").ok
    broken = tmp_path / "坏文件.docx"
    broken.write_bytes(b"PK\x03\x04 this is not a real docx")
    answer = client.call("upload", [client.upload(broken)], "报告")
    assert answer.ok and "坏文件.docx" in plain(answer.data[1]) and "/tmp" not in plain(answer.data[1])
    assert not list((open_server.data_dir / "uploads").rglob("坏文件.docx"))
    empty = tmp_path / "版本.md"
    empty.write_bytes(b"")
    again = client.call("upload", [client.upload(empty)], "报告")  # a bad replacement of a good file
    assert again.ok and "为空" in plain(again.data[1])
    kept = next((open_server.data_dir / "uploads").rglob("版本.md"))
    assert "公车使用" in kept.read_text(encoding="utf-8")


# --- 6. exports, status line, login attempts -----------------------------------------------------------------
def test_the_xlsx_export_writes_formulas_as_text(open_server: RunningServer) -> None:
    client = open_server.client()
    rows = [["=HYPERLINK(\"http://127.0.0.1:9/\",\"点击\")", "100", "元", "", ""], ["@SUM(A1)", "-5", "元", "", ""],
            ["+1+1", "3", "个", "", ""]]  # fmt: skip
    exported = client.call("export_grid", grid(rows))
    assert exported.ok, exported.error
    sheet = load_workbook(exported.data[0]["path"]).active
    cells = [sheet.cell(row=r, column=1) for r in (2, 3, 4)]
    assert [c.value for c in cells] == [r[0] for r in rows] and all(c.data_type == "s" for c in cells)
    assert sheet.cell(row=3, column=2).value == -5  # numbers stay numbers
    with zipfile.ZipFile(exported.data[0]["path"]) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_the_status_line_shows_no_credentials_or_server_paths(login_server: RunningServer) -> None:
    status = plain(_logged_in(login_server, "alice").call("on_load").data[-1])
    assert "127.0.0.1" in status and "hunter2" not in status and "clerk" not in status and "key=abc" not in status
    assert str(login_server.data_dir) not in status and "/tmp" not in status


def test_failed_logins_are_limited(login_server: RunningServer) -> None:
    attacker = login_server.client()
    codes = [attacker.login("bob", f"guess-{n}").status_code for n in range(login_server.settings.login_max_failures)]
    assert codes == [400] * login_server.settings.login_max_failures
    locked = attacker.login("bob", "pass-bob")  # even the right password, while the lock lasts
    assert locked.status_code == 429 and "登录失败次数过多" in locked.json()["detail"]
    other_address_same_user = login_server.client()
    assert other_address_same_user.login("bob", "pass-bob").status_code == 429
    assert login_server.client().login("alice", "pass-alice").status_code == 429  # the same address is locked too
    login_server.demo.login_failures._failures.clear()  # the window passing
    assert _logged_in(login_server, "bob").call("on_load").ok


def test_seed_check_still_works_through_the_page(open_server: RunningServer) -> None:
    client = open_server.client()
    answer = client.call("send", "核查数字：" + SEED.read_text(encoding="utf-8")[:1500], "核查数字")
    assert answer.ok


def test_only_admins_reindex_when_login_is_on(login_server: RunningServer) -> None:
    refused = _logged_in(login_server, "alice").call("reindex")
    assert refused.ok and "只有管理员" in plain(refused.data[1])
    done = _logged_in(login_server, "boss").call("reindex")
    assert done.ok and "新增" in plain(done.data[1])
