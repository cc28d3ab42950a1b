"""Offline OCR: images and PDF pages without a text layer are read into text with their figures exact."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.document.limits import ReadLimits
from assistant.document.ocr import OcrLine, join_text, ocr_image, reading_text
from assistant.document.pdf_layout import read_layout
from assistant.document.readers import read_document
from assistant.errors import InputFileError
from tests.sample_scans import render_text

FIGURE = re.compile(r"\d+(?:\.\d+)?%?")
TEXT = (
    "本年收入合计9746.50万元，其中：财政拨款收入8123.40万元，占83.35%。\n"
    "项目支出1623.10万元，较上年增加12.6%，完成率为98.7%。"
)


def figures(text: str) -> list[str]:
    return FIGURE.findall(text)


@pytest.fixture(scope="module")
def scan():
    return render_text(TEXT)


@pytest.mark.slow
def test_every_figure_is_read_exactly(scan) -> None:
    lines = ocr_image(scan, "scan.png")
    assert lines and all(isinstance(ln, OcrLine) and ln.page is None for ln in lines)
    assert all(len(ln.box) == 4 and 0 <= ln.x0 < ln.x1 <= scan.width for ln in lines)
    assert figures(reading_text(lines)) == figures(TEXT)


@pytest.mark.slow
def test_image_file_is_read_through_read_document(tmp_path: Path, scan) -> None:
    path = tmp_path / "佐证.jpg"
    scan.save(path, quality=90)
    source = read_document(path, "佐证.jpg")
    assert source.encoding == "ocr"
    assert figures(source.text) == figures(TEXT)
    assert "财政拨款收入" in source.text
    assert source.text.count("\n") == 1  # the wrapped first paragraph is rejoined; two paragraphs
    assert source.ocr_lines and all(ln.page is None for ln in source.ocr_lines)


@pytest.mark.slow
def test_scanned_pdf_is_ocred_with_pages_recorded(tmp_path: Path, scan) -> None:
    path = tmp_path / "scan.pdf"
    scan.save(path, resolution=200)  # an image page, no text layer
    source = read_document(path, "scan.pdf")
    assert source.encoding == "ocr"
    assert figures(source.text) == figures(TEXT)
    assert source.ocr_lines and {ln.page for ln in source.ocr_lines} == {1}
    progress: list[tuple[int, int]] = []
    layout = read_layout(path, "scan.pdf", 10, on_page=lambda done, total: progress.append((done, total)))
    assert layout.ocr_pages == (1,) and progress == [(1, 1)]


@pytest.mark.slow
def test_mixed_pdf_puts_ocr_text_at_the_page_position(tmp_path: Path, scan) -> None:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "mixed.pdf"
    pdf = canvas.Canvas(str(path))
    for label in ("第一页正文。", None, "第三页正文。"):
        if label is None:
            pdf.drawImage(ImageReader(scan), 0, 500, width=595, height=595 * scan.height / scan.width)
        else:
            pdf.setFont("STSong-Light", 12)
            pdf.drawString(72, 760, label)
        pdf.showPage()
    pdf.save()
    layout = read_layout(path, "mixed.pdf", 10)
    assert layout.ocr_pages == (2,)
    first, ocr, third = layout.text.index("第一页"), layout.text.index("9746.50"), layout.text.index("第三页")
    assert first < ocr < third
    assert layout.page_starts[0] <= first < layout.page_starts[1] <= ocr < layout.page_starts[2] <= third
    assert figures(layout.text) == figures(TEXT)


def test_corrupt_image_is_a_chinese_error(tmp_path: Path) -> None:
    path = tmp_path / "坏图.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 20)
    with pytest.raises(InputFileError, match="图片") as caught:
        read_document(path, "坏图.png")
    assert "坏图.png" in str(caught.value) and str(tmp_path) not in str(caught.value)


def test_truncated_image_is_a_chinese_error(tmp_path: Path, scan) -> None:
    path = tmp_path / "cut.png"
    scan.save(path)
    path.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(InputFileError, match="图片文件已损坏"):
        read_document(path, "cut.png")


def test_image_over_40_megapixels_is_refused(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "huge.png"
    Image.new("1", (8000, 6000), 1).save(path)  # 48 megapixels, a small file
    with pytest.raises(InputFileError, match="图片过大.*40 百万像素"):
        read_document(path, "huge.png")


def test_long_scan_is_refused_before_ocr(tmp_path: Path, scan) -> None:
    path = tmp_path / "long-scan.pdf"
    scan.save(path, save_all=True, append_images=[scan, scan])
    with pytest.raises(InputFileError, match="超过上限 2 页"):
        read_document(path, "long-scan.pdf", limits=ReadLimits(max_ocr_pages=2))


def test_rows_join_boxes_in_reading_order() -> None:
    def box(text: str, x0: float, x1: float, top: float, page: int | None = None) -> OcrLine:
        return OcrLine(text, 1.0, ((x0, top), (x1, top), (x1, top + 40), (x0, top + 40)), page)

    lines = [box("万元，", 520, 600, 102), box("合计 9746.50", 100, 500, 100), box("其中ABC", 100, 200, 200)]
    lines += [box("v2。", 220, 300, 201), box("下一段", 180, 600, 300)]
    # row 1 reaches the right margin: row 2 continues it; row 3 is indented: a new paragraph
    assert reading_text(lines) == "合计9746.50万元，其中ABC v2。\n下一段"
    assert reading_text([*lines, box("第二页", 100, 200, 100, page=2)]).endswith("下一段\n第二页")
    assert join_text(["(一) 项目", "资金 12 个"]) == "(一)项目资金12个"
