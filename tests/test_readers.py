"""Every supported format is read into text; bad files get a Chinese message that names them."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.document.readers import decode_text, read_document
from assistant.errors import InputFileError
from tests.sample_files import write_docx, write_pdf, write_xlsx

TEXT = "一、基本情况\n2023年基本支出为5119613.47元，占年度整体总支出的28.7%。\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_text_encodings_decode_to_the_same_text(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(TEXT.encode(encoding))
    source = read_document(path)
    assert source.text == TEXT
    assert source.encoding == encoding


def test_gbk_only_characters_are_read(tmp_path: Path) -> None:
    text = "“三公”经费决算数为6000元，较上年下降12.5%。"
    path = tmp_path / "gbk.md"
    path.write_bytes(text.encode("gbk"))
    assert read_document(path).text == text


def test_undecodable_bytes_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as info:
        decode_text(b"\x81\x30\xff\xff\xfe", "坏文件.txt")
    assert "坏文件.txt" in str(info.value)
    assert "编码" in str(info.value)


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(InputFileError, match="文件为空"):
        read_document(path)


def test_binary_with_text_suffix_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(InputFileError, match="二进制"):
        read_document(path)


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("绩效" * 1000, encoding="utf-8")
    with pytest.raises(InputFileError, match="文件过大"):
        read_document(path, max_bytes=1000)


def test_docx_paragraphs_and_tables_in_document_order(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "r.docx",
        "2022年度示例局部门整体支出绩效自评报告",
        ["一、基本情况", "本局负责市场监管。"],
        [["项目", "上年决算", "本年决算"], ["公务接待费", "3.20", "2.85"]],
    )
    text = read_document(path).text
    assert text.splitlines() == [
        "2022年度示例局部门整体支出绩效自评报告",
        "一、基本情况",
        "本局负责市场监管。",
        "项目 | 上年决算 | 本年决算",
        "公务接待费 | 3.20 | 2.85",
    ]


def test_corrupt_docx_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "损坏的报告.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    with pytest.raises(InputFileError) as info:
        read_document(path, shown="reports/损坏的报告.docx")
    assert "reports/损坏的报告.docx" in str(info.value)
    assert "损坏" in str(info.value)


def test_text_pdf_is_extracted(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "p.pdf", ["一、自评范围", "所有项目都要开展单位自评，执行率为96.5%。"])
    assert read_document(path).text == "一、自评范围\n所有项目都要开展单位自评，执行率为96.5%。"


def test_corrupt_pdf_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.7\n garbage garbage")
    with pytest.raises(InputFileError, match="bad.pdf"):
        read_document(path)


def test_xlsx_sheets_become_table_rows(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "t.xlsx", {"基础数据表": [["指标", "本年决算"], ["三公经费", 11.2], [None, None]]}
    )
    assert read_document(path).text == "【工作表：基础数据表】\n指标 | 本年决算\n三公经费 | 11.2"


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "slides.pptx"
    path.write_bytes(b"x")
    with pytest.raises(InputFileError, match="不支持的文件类型"):
        read_document(path)
