"""Documents as they arrive, through the page's own events: scans imported with OCR progress, evidence
files read (and refused) when they are added, citations by file name, never by a server path."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.security.test_server import RunningServer, plain

pytestmark = pytest.mark.slow

SCAN_TEXT = "一、部门基本情况\n本年收入合计9746.50万元，其中：财政拨款收入8123.40万元，其他收入1623.10万元。"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    running = RunningServer(tmp_path_factory.mktemp("docs"))
    yield running
    running.close()


def _scanned_pdf(path: Path, pages: int) -> Path:
    """A PDF whose pages are only images of text (a scan), one image per page."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from tests.sample_scans import render_text

    image = render_text(SCAN_TEXT)
    pdf = canvas.Canvas(str(path))
    for _ in range(pages):
        pdf.drawImage(ImageReader(image), 0, 400, width=595, height=595 * image.height / image.width)
        pdf.showPage()
    pdf.save()
    return path


def test_a_scanned_pdf_draft_is_imported_with_ocr_progress(server: RunningServer, tmp_path: Path) -> None:
    client = server.client()
    answer = client.call("import_draft", client.upload(_scanned_pdf(tmp_path / "scan.pdf", 2), "扫描稿.pdf"))
    assert answer.ok, answer.error
    text, message = answer.data[0], plain(answer.data[1])
    assert text.count("9746.50万元") == 2 and "8123.40万元" in text
    assert "已导入“扫描稿.pdf”" in message and "2 页为扫描件" in message
    assert any(re.search(r"“扫描稿\.pdf”文字识别：第 \d/2 页", p) for p in answer.progress), answer.progress


def test_evidence_files_are_read_when_added_and_bad_ones_named(server: RunningServer, tmp_path: Path) -> None:
    from tests.sample_scans import render_text

    client = server.client()
    certificate = tmp_path / "cert.jpg"
    render_text("荣誉证书\n测试县档案馆获评2023年度省级数字档案馆示范单位。\n省档案局").save(certificate)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    answer = client.call("add_evidence", [client.upload(certificate, "荣誉证书.jpg"), client.upload(broken, "坏图.png")])
    assert answer.ok, answer.error
    message = plain(answer.data if isinstance(answer.data, str) else answer.data[0])
    assert "荣誉证书.jpg" in message and "坏图.png" in message and "佐证材料（1 个" in message
    assert str(server.data_dir) not in message and "/tmp" not in message
    draft = tmp_path / "稿.txt"
    draft.write_text("一、工作成效\n2023年，测试县档案馆获评省级数字档案馆示范单位。\n", encoding="utf-8")
    assert client.call("import_draft", client.upload(draft)).ok
    review = client.call("send", "审核一下有没有没根据的说法", "审核依据")
    assert review.ok, review.error
    shown = json.dumps(review.data, ensure_ascii=False)
    assert "有依据 1 条" in shown and "佐证材料/荣誉证书.jpg" in shown, shown[:3000]
    assert str(server.data_dir) not in shown
