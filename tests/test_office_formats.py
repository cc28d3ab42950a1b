"""Legacy Office formats: .xls through calamine, .doc/.wps through LibreOffice, .ofd refused clearly."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from assistant.checks.table import load_table
from assistant.document import office_convert
from assistant.document.readers import read_document
from assistant.errors import InputFileError

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed: .doc/.wps conversion cannot be tested"
)


def write_xls(path: Path) -> Path:
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("绩效指标")
    sheet.write_merge(0, 0, 0, 2, "2023年度项目支出绩效指标")  # a merged title above the header
    for c, header in enumerate(["名称", "数值", "单位"]):
        sheet.write(1, c, header)
    sheet.write(2, 0, "预算执行率")
    sheet.write(2, 1, 95.5)
    sheet.write(2, 2, "%")
    sheet.write(3, 0, "新建农村公路")
    sheet.write(3, 1, 12)
    sheet.write(3, 2, "公里")
    notes = workbook.add_sheet("说明")
    notes.write(0, 0, "填报单位")
    notes.write(0, 1, "示例县交通运输局")
    workbook.save(str(path))
    return path


def write_figures_xls(path: Path) -> Path:
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("数据")
    for r, row in enumerate([["名称", "数值", "单位"], ["基本支出", 320, "万元"], ["预算执行率", 95.5, "%"]]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    workbook.add_sheet("其他").write(0, 0, "不读取")
    workbook.save(str(path))
    return path


def write_word_docx(path: Path) -> Path:
    """A .docx with a bordered, sized table followed by a paragraph, as Word writes one.

    (A table with no column widths at the very end of the body does not survive LibreOffice's .doc export.)
    """
    import docx
    from docx.shared import Cm

    document = docx.Document()
    for text in ("2023年度部门整体支出绩效自评报告", "一、基本情况", "全年预算执行率为95.5%。"):
        document.add_paragraph(text)
    table = document.add_table(rows=2, cols=2)
    table.style = "Table Grid"
    for r, row in enumerate([["项目", "金额（万元）"], ["基本支出", "320"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
            table.cell(r, c).width = Cm(6)
    document.add_paragraph("二、绩效目标完成情况")
    document.save(str(path))
    return path


def to_doc(docx_path: Path, target: Path) -> Path:
    """``docx_path`` saved by LibreOffice as a Word 97 .doc at ``target``."""
    with tempfile.TemporaryDirectory() as scratch:
        profile = Path(scratch) / "profile"
        command = [
            str(SOFFICE), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
            "--nologo", "--nodefault", "--nolockcheck", "--convert-to", "doc", "--outdir", scratch,
            str(docx_path),
        ]  # fmt: skip
        subprocess.run(command, check=True, timeout=120, capture_output=True, env={**os.environ, "HOME": scratch})
        produced = Path(scratch) / (docx_path.stem + ".doc")
        assert produced.is_file(), "LibreOffice did not write the .doc"
        shutil.move(produced, target)
    return target


@pytest.fixture(scope="module")
def sample_doc(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot make a .doc fixture")
    folder = tmp_path_factory.mktemp("doc")
    source = write_word_docx(folder / "source.docx")
    expected = read_document(source).text
    return to_doc(source, folder / "报告.doc"), expected


def test_xls_sheets_become_lines_like_xlsx(tmp_path: Path) -> None:
    text = read_document(write_xls(tmp_path / "指标.xls")).text
    assert text.splitlines() == [
        "【工作表：绩效指标】",
        "2023年度项目支出绩效指标",
        "名称 | 数值 | 单位",
        "预算执行率 | 95.5 | %",
        "新建农村公路 | 12 | 公里",
        "【工作表：说明】",
        "填报单位 | 示例县交通运输局",
    ]


def test_xls_figures_table_reads_the_first_sheet(tmp_path: Path) -> None:
    table = load_table(write_figures_xls(tmp_path / "数据.xls"))
    assert set(table.rows) == {r.key for r in table.rows.values()}
    by_name = {r.name: r for r in table.rows.values()}
    assert set(by_name) == {"基本支出", "预算执行率"}
    assert by_name["基本支出"].unit == "万元" and by_name["基本支出"].line == 2
    assert by_name["预算执行率"].unit == "%"


def test_a_corrupt_xls_is_a_chinese_error(tmp_path: Path) -> None:
    path = tmp_path / "坏表.xls"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(InputFileError, match="不是有效的 Excel（.xls）文件") as caught:
        read_document(path, "坏表.xls")
    assert "坏表.xls" in str(caught.value) and str(tmp_path) not in str(caught.value)
    with pytest.raises(InputFileError, match="不是有效的 Excel（.xls）文件"):
        load_table(path, "坏表.xls")
    damaged = tmp_path / "截断.xls"  # the OLE signature, then junk
    damaged.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4096))
    with pytest.raises(InputFileError, match="Excel"):
        read_document(damaged, "截断.xls")


def test_an_xls_over_the_cell_limit_is_refused(tmp_path: Path) -> None:
    from assistant.document.limits import ReadLimits

    with pytest.raises(InputFileError, match="单元格过多"):
        read_document(write_xls(tmp_path / "t.xls"), limits=ReadLimits(max_sheet_cells=5))


@needs_soffice
def test_doc_is_converted_and_read_like_the_docx(sample_doc: tuple[Path, str]) -> None:
    path, expected = sample_doc
    assert "基本支出 | 320" in expected.splitlines()  # the table survived as table rows
    assert read_document(path, "报告.doc").text == expected


@needs_soffice
def test_wps_is_read_as_a_doc(sample_doc: tuple[Path, str], tmp_path: Path) -> None:
    path, expected = sample_doc
    wps = shutil.copyfile(path, tmp_path / "报告.wps")
    assert read_document(wps, "报告.wps").text == expected


@needs_soffice
def test_conversion_leaves_no_temporary_files(sample_doc: tuple[Path, str], tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    read_document(sample_doc[0], "报告.doc")
    assert list(tmp_path.iterdir()) == []


def test_a_junk_doc_is_refused_before_any_conversion(tmp_path: Path, monkeypatch) -> None:
    calls: list[object] = []
    monkeypatch.setattr(office_convert.subprocess, "Popen", lambda *a, **k: calls.append(a))
    for name in ("垃圾.doc", "垃圾.wps"):
        path = tmp_path / name
        path.write_bytes("这不是 Word 文件".encode() * 50)
        with pytest.raises(InputFileError, match="不是有效的 Word/WPS") as caught:
            read_document(path, name)
        assert name in str(caught.value)
    assert calls == []


def test_without_libreoffice_a_doc_asks_to_save_as_docx(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(office_convert.shutil, "which", lambda name: None)
    path = tmp_path / "旧报告.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))  # an OLE file: the check passes
    with pytest.raises(InputFileError, match=r"另存为 \.docx") as caught:
        read_document(path, "旧报告.doc")
    assert "旧报告.doc" in str(caught.value) and "LibreOffice" in str(caught.value)


def test_a_failed_conversion_is_a_chinese_error(tmp_path: Path, monkeypatch) -> None:
    fake = tmp_path / "fake-soffice"
    fake.write_text("#!/bin/sh\nexit 0\n")  # exits 0 and writes nothing, as soffice does on failure
    fake.chmod(0o755)
    monkeypatch.setattr(office_convert, "find_soffice", lambda: str(fake))
    path = tmp_path / "损坏.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    with pytest.raises(InputFileError, match="无法转换为 .docx") as caught:
        read_document(path, "损坏.doc")
    assert str(tmp_path) not in str(caught.value)


def test_a_hanging_conversion_is_killed(tmp_path: Path, monkeypatch) -> None:
    fake = tmp_path / "slow-soffice"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setattr(office_convert, "find_soffice", lambda: str(fake))
    path = tmp_path / "慢.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    with pytest.raises(InputFileError, match="格式转换超时"):
        office_convert.convert_to_docx(path, "慢.doc", timeout=0.5)


def test_ofd_has_its_own_message(tmp_path: Path) -> None:
    path = tmp_path / "通知.ofd"
    path.write_bytes(b"PK\x03\x04 ofd")
    with pytest.raises(InputFileError, match="OFD 版式文件暂不支持，请导出为 PDF 或 Word 后再导入"):
        read_document(path, "通知.ofd")


def test_a_folder_with_md_xls_and_ofd(tmp_path: Path, make_settings) -> None:
    from assistant.knowledge import KnowledgeBase

    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "说明.md").write_text("# 绩效自评说明\n\n全年预算执行率为95.5%。\n", encoding="utf-8")
    write_xls(folder / "指标.xls")
    (folder / "通知.ofd").write_bytes(b"PK\x03\x04 ofd")
    kb = KnowledgeBase(make_settings(None, knowledge_dir=folder, embeddings="none"))
    try:
        report = kb.ingest()
        assert sorted(report.added) == ["指标.xls", "说明.md"]
        assert [source for source, _ in report.failed] == ["通知.ofd"]
        assert "OFD 版式文件暂不支持" in report.failed[0][1] and "通知.ofd" in report.failed[0][1]
        chunks = {r.source: r.chunk_count for r in kb.documents()}
        assert set(chunks) == {"指标.xls", "说明.md"} and chunks["指标.xls"] >= 1
    finally:
        kb.close()
