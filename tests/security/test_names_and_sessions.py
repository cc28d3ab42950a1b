"""The pieces behind the server tests, on their own: display names, the containment check, session cookies,
the failed-login window, the owner of a stored document and escaped Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.access import Access, owner_of
from assistant.errors import AssistantError
from assistant.paths import display_name, file_name, inside, new_id
from assistant.store.chroma_store import FileRecord
from assistant.ui.identity import SessionCookies, identify, owner_folder_of_user, user_of_owner_folder
from assistant.ui.login_guard import FailureLog
from assistant.ui.markup import md_message, md_text

HOSTILE = ["/etc/passwd", "../../x", "..\\..\\x", "C:\\Windows\\x", "a\x00b", "CON", "con.docx", "LPT1",
           "\u202eexe.docx", "   ", "...", "a" * 300, "名称：一/二\\三*四?五\"六<七>八|九"]  # fmt: skip


@pytest.mark.parametrize("text", HOSTILE)
def test_a_display_name_is_one_safe_path_component(text: str, tmp_path: Path) -> None:
    name = display_name(text, "默认")
    assert name and len(name) <= 60
    assert not any(ch in name for ch in '/\\:*?"<>|\x00\u202e')
    assert name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "LPT1", "COM1"}
    assert not name.startswith(".") and name == name.strip()
    target = tmp_path / name
    assert inside(tmp_path, target).parent == tmp_path.resolve()


def test_file_names_keep_only_allowed_suffixes() -> None:
    assert file_name("C:\\Users\\张三\\报告.DOCX", "文档", (".docx",)) == "报告.docx"
    assert file_name("../../evil.sh", "文档", (".docx", ".md")) == "evil"  # the directories and the suffix go
    assert file_name("", "文档", (".md",)) == "文档"


def test_inside_refuses_anything_outside_its_root(tmp_path: Path) -> None:
    (tmp_path / "root").mkdir()
    with pytest.raises(AssistantError, match="不在程序的数据目录内"):
        inside(tmp_path / "root", tmp_path / "root" / ".." / "elsewhere")
    link = tmp_path / "root" / "link"
    link.symlink_to(tmp_path)
    with pytest.raises(AssistantError):
        inside(tmp_path / "root", link / "x")
    assert len(new_id()) == 24 and new_id() != new_id()


class FakeRequest:
    def __init__(self, username: str | None = None, cookies: dict | None = None) -> None:
        self.username = username
        self.cookies = cookies or {}


def test_session_cookies_are_signed_and_never_guessable() -> None:
    cookies = SessionCookies(b"k" * 32)
    issued = cookies.issue()
    session = cookies.verify(issued)
    assert session and len(session) == 32
    assert cookies.verify(issued[:-1] + ("0" if issued[-1] != "0" else "1")) is None
    assert SessionCookies(b"other" * 8).verify(issued) is None  # another server's secret
    assert cookies.verify("") is None and cookies.verify(None) is None and cookies.verify("a.b.c") is None
    who = identify(FakeRequest(cookies={cookies.name: issued}), cookies)
    assert who.key == f"browser:{session}" and who.owner == f"b-{session}"
    with pytest.raises(AssistantError, match="无法识别当前会话"):
        identify(FakeRequest(), cookies)
    with pytest.raises(AssistantError):
        identify(None, cookies)
    user = identify(FakeRequest("张三", {cookies.name: issued}), cookies, {"张三"})
    assert user.key == "user:张三" and user.admin and user_of_owner_folder(user.owner) == "张三"
    assert user_of_owner_folder(owner_folder_of_user("../x")) == "../x"  # hex: never a path
    assert "/" not in owner_folder_of_user("../x")


def test_failed_logins_lock_for_a_sliding_window() -> None:
    now = [1000.0]
    log = FailureLog(3, 60, clock=lambda: now[0])
    keys = ["addr:1.2.3.4", "user:bob"]
    for _ in range(3):
        assert log.wait_seconds(keys) == 0
        log.failed(keys)
        now[0] += 10
    assert log.wait_seconds(keys) == pytest.approx(30)  # the first failure leaves the window at 1060
    assert log.wait_seconds(["addr:5.6.7.8", "user:alice"]) == 0
    now[0] = 1061
    assert log.wait_seconds(keys) == 0
    log.failed(keys)
    log.succeeded("user:bob")
    assert log.wait_seconds(["user:bob"]) == 0


def _record(root: Path) -> FileRecord:
    return FileRecord("d", str(root), "reports/a.md", "h", 1, "report", "", None, "", 1, "")


def test_owners_are_read_off_where_documents_are_stored(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    mine, theirs = uploads / "u-616c696365" / "reports", uploads / "u-626f62" / "reports"
    builtin = tmp_path / "knowledge"
    assert owner_of(_record(mine), uploads) == "u-616c696365" and owner_of(_record(builtin), uploads) is None
    alice = Access("u-616c696365", private=True)
    assert alice.visible(_record(mine), uploads) and not alice.visible(_record(theirs), uploads)
    assert alice.visible(_record(builtin), uploads) and not alice.may_change(_record(builtin), uploads)
    assert alice.may_change(_record(mine), uploads) and not alice.may_change(_record(theirs), uploads)
    admin = Access("u-626f7373", admin=True, private=True)
    assert admin.visible(_record(theirs), uploads) and admin.may_change(_record(theirs), uploads)
    assert not admin.may_change(_record(builtin), uploads)
    shared = Access("b-1", private=False)
    assert shared.visible(_record(theirs), uploads) and not shared.may_change(_record(theirs), uploads)


def test_markdown_escaping_keeps_the_characters_and_drops_the_markup() -> None:
    text = '<img src=x> ![a](http://h/i.png) [b](javascript:x) **粗** `code` # 标题\n    缩进\n1. 列表 | 表格 | $$x$$ &amp;'
    escaped = md_text(text)
    assert "<" not in escaped and "![" not in escaped and "](" not in escaped and "$$" not in escaped
    assert "\n    " not in escaped and "&amp;amp" in escaped
    assert md_message("【离线草稿】 二、一般公共预算支出").startswith("**【离线草稿】**")
    assert md_message("普通消息<b>") == md_text("普通消息<b>")
