"""Hostile input files: zip bombs, deep nesting, undecodable names, links out of a folder, huge numbers,
CSV the web API and the CLI must judge alike, directories given as files, formulas in exported sheets."""

from __future__ import annotations

import os
import struct
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.checks.table import load_table, table_from_rows
from assistant.document.limits import ReadLimits
from assistant.document.readers import read_document
from assistant.document.structure import classify_heading, find_headings
from assistant.errors import InputFileError
from assistant.ingest.chunking import chunk_text
from assistant.ingest.discovery import discover
from assistant.knowledge import KnowledgeBase
from assistant.settings import Settings, load_settings
from tests.conftest import run_cli
from tests.sample_files import write_docx, write_xlsx

MB = 1024 * 1024
GOOD_TEXT = (
    "2023年度示例局部门整体支出绩效自评报告\n一、基本情况\n示例局负责城市绿化养护，年末实有在职人员28人。\n"
)


# ---------------------------------------------------------------- helpers


def _traced(action: Callable[[], object]) -> tuple[BaseException | None, float, float]:
    """Run ``action``; the exception it raised, the peak of traced memory (MB) and the seconds taken."""
    tracemalloc.start()
    started = time.perf_counter()
    error = None
    try:
        action()
    except Exception as exc:
        error = exc
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / MB
    tracemalloc.stop()
    return error, peak, seconds


def _replace_part(source: Path, target: Path, name: str, write: Callable[[bytes, object], None]) -> Path:
    """A copy of the zip ``source`` whose part ``name`` is written by ``write(original, handle)``."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == name:
                part_info = zipfile.ZipInfo(name, info.date_time)
                part_info.compress_type = zipfile.ZIP_DEFLATED
                with out.open(part_info, "w") as part:
                    write(data, part)
            else:
                out.writestr(info.filename, data)
    return target


def _padded(marker: bytes, megabytes: int) -> Callable[[bytes, object], None]:
    """Write the original part with ``megabytes`` MB of spaces before ``marker`` (still valid XML)."""

    def write(original: bytes, handle) -> None:
        head, tail = original.split(marker, 1)
        handle.write(head)
        block = b" " * MB
        for _ in range(megabytes):
            handle.write(block)
        handle.write(marker + tail)

    return write


def _patch_directory(path: Path, name: str, field_offset: int, value: int) -> None:
    """Overwrite a 4-byte field of ``name``'s central directory entry (20: compressed, 24: uncompressed)."""
    data = bytearray(path.read_bytes())
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + length] == name.encode():
            struct.pack_into("<L", data, at + field_offset, value)
            path.write_bytes(bytes(data))
            return
        at += 4
    raise AssertionError(f"{name} not in the central directory")


@pytest.fixture(scope="module")
def bomb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bombs")
    write_docx(folder / "template.docx", "2023年度示例局部门整体支出绩效自评报告", ["一、基本情况", "正文。"])
    return folder


@pytest.fixture(scope="module")
def docx_bomb(bomb_dir: Path) -> Path:
    """A valid .docx of ~340 KB whose document.xml inflates to 300 MB of whitespace."""
    return _replace_part(
        bomb_dir / "template.docx", bomb_dir / "bomb.docx", "word/document.xml", _padded(b"</w:body>", 300)
    )


def _bm25_kb(make_settings, folder: Path, **overrides) -> KnowledgeBase:
    return KnowledgeBase(make_settings(None, knowledge_dir=folder, embeddings="none", **overrides))


# ---------------------------------------------------------------- 1. zip bombs


def test_a_docx_zip_bomb_is_refused_before_it_is_inflated(docx_bomb: Path) -> None:
    assert docx_bomb.stat().st_size < 2 * MB
    error, peak, seconds = _traced(
        lambda: read_document(docx_bomb, "报告.docx", limits=ReadLimits(max_zip_uncompressed=50 * MB))
    )
    assert isinstance(error, InputFileError)
    assert "报告.docx" in str(error) and "解压后共 301 MB" in str(error) and "上限 50 MB" in str(error)
    assert peak < 50, f"traced peak {peak:.1f} MB"
    print(f"zip bomb refused: traced peak {peak:.2f} MB in {seconds * 1000:.1f} ms")


def test_callers_that_pass_no_limits_get_the_default_limits(
    docx_bomb: Path, tmp_path: Path, subprocess_env
) -> None:
    defaults = {name: field.default for name, field in Settings.model_fields.items()}
    assert ReadLimits() == ReadLimits.from_settings(Settings.model_construct(**defaults))
    settings = load_settings(max_zip_uncompressed_mb=1.5, max_zip_entries=7, max_pdf_pages=3)
    assert ReadLimits.from_settings(settings) == ReadLimits(
        max_zip_uncompressed=int(1.5 * MB), max_zip_entries=7, max_pdf_pages=3
    )
    error, peak, _ = _traced(lambda: read_document(docx_bomb))
    assert isinstance(error, InputFileError) and "上限 200 MB" in str(error) and peak < 50
    result = run_cli(["check", str(docx_bomb)], subprocess_env)
    assert result.returncode == 2 and "上限 200 MB" in result.stderr and "Traceback" not in result.stderr


def test_an_xlsx_bomb_is_refused_as_figures_table_and_as_knowledge(bomb_dir: Path) -> None:
    template = write_xlsx(
        bomb_dir / "table.xlsx", {"数据": [["名称", "数值", "单位"], ["基本支出", 1, "元"]]}
    )
    bomb = _replace_part(
        template, bomb_dir / "table-bomb.xlsx", "xl/worksheets/sheet1.xml", _padded(b"</sheetData>", 40)
    )
    for action in (lambda: load_table(bomb), lambda: read_document(bomb)):
        error, peak, _ = _traced(action)
        assert (
            isinstance(error, InputFileError) and "压缩比" in str(error) and "table-bomb.xlsx" in str(error)
        )
        assert peak < 50


def test_a_part_whose_header_understates_its_size_is_not_inflated(docx_bomb: Path, tmp_path: Path) -> None:
    liar = tmp_path / "liar.docx"
    liar.write_bytes(docx_bomb.read_bytes())
    _patch_directory(liar, "word/document.xml", 24, 1024)  # "1 KB", really 300 MB
    error, peak, _ = _traced(lambda: read_document(liar, "liar.docx"))
    assert isinstance(error, InputFileError) and "liar.docx" in str(error) and "不符" in str(error)
    assert peak < 50, f"traced peak {peak:.1f} MB"  # python-docx alone peaks at ~600 MB on this file


def test_overlapping_or_oversized_compressed_parts_are_refused(bomb_dir: Path, tmp_path: Path) -> None:
    liar = tmp_path / "overlap.docx"
    liar.write_bytes((bomb_dir / "template.docx").read_bytes())
    _patch_directory(liar, "word/document.xml", 20, 10**9)
    with pytest.raises(InputFileError, match="相互重叠"):
        read_document(liar)


def test_too_many_parts_are_refused_even_when_the_end_record_understates_them(tmp_path: Path) -> None:
    path = tmp_path / "many.docx"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(60):
            archive.writestr(f"p{i}.xml", "<a/>")
    limits = ReadLimits(max_zip_entries=50)
    with pytest.raises(InputFileError, match="60 个内部部件，超过上限 50 个"):
        read_document(path, limits=limits)
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 10, 10)  # the end record now says 10 entries
    path.write_bytes(bytes(data))
    with pytest.raises(InputFileError, match="60 个内部部件"):
        read_document(path, limits=limits)


def test_a_compression_method_without_bounded_output_is_refused(bomb_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "bzip2.docx"
    with zipfile.ZipFile(bomb_dir / "template.docx") as src, zipfile.ZipFile(path, "w") as out:
        for info in src.infolist():
            method = zipfile.ZIP_BZIP2 if info.filename == "word/document.xml" else zipfile.ZIP_DEFLATED
            out.writestr(info.filename, src.read(info), compress_type=method)
    with pytest.raises(InputFileError, match="压缩方式"):
        read_document(path)


def test_the_limits_reach_the_knowledge_base_ingest_and_review_evidence(
    bomb_dir: Path, tmp_path: Path, make_settings
) -> None:
    from assistant.review.service import _open_evidence

    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "report.docx").write_bytes((bomb_dir / "template.docx").read_bytes())
    kb = _bm25_kb(make_settings, folder, max_zip_entries=3)
    report = kb.ingest()
    assert report.added == ["good.txt"]
    assert [s for s, _ in report.failed] == ["report.docx"] and "上限 3 个" in report.failed[0][1]
    evidence = _open_evidence([folder], kb)
    try:
        assert any("上限 3 个" in problem for problem in evidence.problems)
    finally:
        evidence.close()
    kb.close()


def test_a_pdf_longer_than_the_page_limit_is_refused(tmp_path: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "long.pdf"
    pdf = canvas.Canvas(str(path))
    for page in range(3):
        pdf.setFont("STSong-Light", 11)
        pdf.drawString(40, 800, f"第{page + 1}页 绩效目标完成情况")
        pdf.showPage()
    pdf.save()
    assert "第3页" in read_document(path, limits=ReadLimits(max_pdf_pages=3)).text
    with pytest.raises(InputFileError, match="PDF 共 3 页，超过上限 2 页"):
        read_document(path, "long.pdf", limits=ReadLimits(max_pdf_pages=2))


def test_a_sheet_claiming_a_huge_dimension_is_read_by_its_real_cells(bomb_dir: Path, tmp_path: Path) -> None:
    template = write_xlsx(
        bomb_dir / "small.xlsx", {"数据": [["名称", "数值", "单位"], ["基本支出", 1, "元"]]}
    )

    def huge(original: bytes, handle) -> None:
        text = original.decode()
        start, end = text.index("<dimension"), text.index("/>", text.index("<dimension")) + 2
        text = text[:start] + '<dimension ref="A1:XFD1048576"/>' + text[end:]
        far_row = (
            '<row r="300"><c r="A300" t="inlineStr"><is><t>公用经费</t></is></c><c r="B300"><v>2</v></c>'
            '<c r="C300" t="inlineStr"><is><t>元</t></is></c>'
            '<c r="XFD300" t="inlineStr"><is><t>尾</t></is></c></row>'
        )
        handle.write(text.replace("</sheetData>", far_row + "</sheetData>").encode())

    path = _replace_part(template, tmp_path / "wide.xlsx", "xl/worksheets/sheet1.xml", huge)
    error, peak, _ = _traced(lambda: read_document(path))
    assert error is None and peak < 50
    assert load_table(path).get("公用经费").value == 2
    with pytest.raises(InputFileError, match="单元格过多"):
        read_document(path, limits=ReadLimits(max_sheet_cells=1000))


# ---------------------------------------------------------------- 2. deep nesting


@pytest.mark.parametrize("depth", [3000, 100_000])
def test_deeply_nested_markdown_headings_are_classified_without_recursion(depth: int) -> None:
    line = "# " * depth + "一、基本情况"
    assert classify_heading(line, None) == ("top", 1)
    assert classify_heading("# " * depth + "标题", None) == ("md1", None)
    text = f"{line}\n正文。\n" + "## " * depth + "二、问题\n正文。\n"
    assert len(find_headings(text)) == 2
    assert chunk_text(text)


def test_one_hostile_file_never_stops_the_ingest(tmp_path: Path, make_settings, monkeypatch) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "deep.md").write_text("# " * 3000 + "一、标题\n正文内容。\n", encoding="utf-8")
    (folder / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "crash.txt").write_text("触发解析错误的内容。\n", encoding="utf-8")
    (folder / "memory.txt").write_text("内存不足的内容。\n", encoding="utf-8")
    import assistant.ingest.pipeline as pipeline

    real = pipeline.chunk_text

    def fragile(text: str, *args, **kwargs):
        if "触发" in text:
            raise ValueError(f"parser failed on {folder}")
        if "内存不足" in text:
            raise MemoryError
        return real(text, *args, **kwargs)

    monkeypatch.setattr(pipeline, "chunk_text", fragile)
    kb = _bm25_kb(make_settings, folder)
    report = kb.ingest()
    assert sorted(report.added) == ["deep.md", "good.txt"]
    failed = dict(report.failed)
    assert failed["crash.txt"] == "文件“crash.txt”无法读取：处理时出错（ValueError）"
    assert failed["memory.txt"] == "文件“memory.txt”无法读取：文件内容过多，处理时内存不足"
    assert all(str(tmp_path) not in message and "Traceback" not in message for message in failed.values())
    assert "城市绿化养护" in kb.search("城市绿化", 1, mode="bm25").results[0].text
    kb.close()


def test_recursion_in_a_parser_becomes_that_files_message(tmp_path: Path, make_settings, monkeypatch) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "a.txt").write_text("第一个文件的内容。\n", encoding="utf-8")
    (folder / "b.txt").write_text(GOOD_TEXT, encoding="utf-8")
    import assistant.ingest.pipeline as pipeline

    real = pipeline.read_document

    def recursing(path: Path, *args, **kwargs):
        if path.name == "a.txt":
            raise RecursionError("maximum recursion depth exceeded")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pipeline, "read_document", recursing)
    kb = _bm25_kb(make_settings, folder)
    report = kb.ingest()
    assert report.added == ["b.txt"]
    assert report.failed == [("a.txt", "文件“a.txt”无法读取：文件结构嵌套过深，无法处理")]
    kb.close()


# ---------------------------------------------------------------- 3. names that are not UTF-8


def _bytes_named(folder: Path, name: bytes, content: bytes) -> None:
    with open(os.path.join(os.fsencode(folder), name), "wb") as handle:
        handle.write(content)


def test_a_gbk_file_name_is_shown_decoded_and_read_through_its_real_path(
    tmp_path: Path, make_settings
) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    _bytes_named(folder, b"\xb1\xa8\xb8\xe6.txt", GOOD_TEXT.encode("utf-8"))  # GBK for 报告.txt
    _bytes_named(folder, b"\xff\xfe\xfd.txt", b"")  # not GB18030 either, and empty
    (folder / "good.txt").write_text("另一份报告：公务接待费决算数为2.85万元。\n", encoding="utf-8")

    found = discover([folder], [])
    sources = sorted(f.source for f in found.files)
    assert sources == ["good.txt", "报告.txt", "\ufffd\ufffd\ufffd.txt"]
    assert all(f.path.exists() for f in found.files)

    kb = _bm25_kb(make_settings, folder)
    report = kb.ingest()
    assert sorted(report.added) == ["good.txt", "报告.txt"]
    assert report.failed == [("\ufffd\ufffd\ufffd.txt", "文件“\ufffd\ufffd\ufffd.txt”无法读取：文件为空")]
    texts = {chunk.source: chunk.text for chunk in kb.store.committed_chunks()}
    assert "城市绿化养护" in texts["报告.txt"]  # read through the real (GBK-named) path
    for chunk in kb.store.committed_chunks():
        chunk.source.encode("utf-8")  # valid UTF-8 everywhere
        chunk.title.encode("utf-8")
    assert report.skipped == [] and "链接" not in report.summary()
    assert kb.ingest().unchanged == sorted(report.added)  # the decoded name is a stable identity
    kb.close()


def test_an_unreadable_subfolder_is_named_and_the_rest_is_found(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "kb"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "x.txt").write_text("锁住的文件。\n", encoding="utf-8")
    (folder / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    real = os.scandir

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = discover([folder], [])
    assert [f.source for f in found.files] == ["good.txt"]
    assert found.problems == [("locked", "文件夹“locked”无法读取：没有读取权限")]


# ---------------------------------------------------------------- 4. links out of the folder


def test_links_out_of_an_ingested_folder_are_skipped_with_a_notice(tmp_path: Path, make_settings) -> None:
    outside = tmp_path / "outside"
    (outside / "private").mkdir(parents=True)
    (outside / "secret.txt").write_text("机密：不应入库的口令说明。\n", encoding="utf-8")
    (outside / "private" / "more.txt").write_text("机密的第二份材料。\n", encoding="utf-8")
    folder = tmp_path / "kb"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "sub" / "link-out.txt").symlink_to(outside / "secret.txt")
    (folder / "private-link").symlink_to(outside / "private", target_is_directory=True)
    (folder / "link-in.txt").symlink_to(folder / "good.txt")
    (folder / "sub-link").symlink_to(folder / "sub", target_is_directory=True)

    found = discover([folder], [])
    assert sorted(f.source for f in found.files) == ["good.txt", "link-in.txt"]
    assert sorted(s for s, _ in found.skipped) == ["private-link", "sub/link-out.txt"]

    kb = _bm25_kb(make_settings, folder)
    report = kb.ingest()
    assert sorted(report.added) == ["good.txt", "link-in.txt"] and report.failed == []
    notices = dict(report.skipped)
    assert "指向所导入文件夹之外的链接" in notices["sub/link-out.txt"]
    assert "跳过 2 个指向文件夹之外的链接" in report.summary()
    assert all("机密" not in chunk.text for chunk in kb.store.committed_chunks())
    kb.close()


def test_the_ingest_command_reports_a_skipped_link(tmp_path: Path, subprocess_env) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (tmp_path / "secret.txt").write_text("机密。\n", encoding="utf-8")
    (folder / "out.txt").symlink_to(tmp_path / "secret.txt")
    env = dict(subprocess_env, ASSISTANT_EMBEDDINGS="none")
    result = run_cli(["ingest", str(folder)], env)
    assert result.returncode == 0, result.stderr
    assert "跳过 1 个指向文件夹之外的链接（out.txt）" in result.stdout
    assert "“out.txt”是指向所导入文件夹之外的链接" in result.stderr


# ---------------------------------------------------------------- 5. numbers in the figures table


@pytest.mark.parametrize(
    ("value", "unit"),
    [
        ("1E+999999999", "元"),
        ("1e-999999999", "元"),
        ("0E+999999999", "元"),
        ("12345678901234567890123456789", "元"),
        ("1234567890123456789", "元"),  # 19 integer digits
        ("0.1234567890123", "元"),  # 13 decimals
        ("12345678901", "亿元"),  # 19 integer digits in 元
        ("0.123456789012", "‰"),  # 13 decimals in %
        ("9" * 5000, "元"),
        ("1234567890.12345678901234567890", "亿元"),  # 18 + 12 digits in 元: 30 significant, 28 at most
    ],
)
def test_numbers_out_of_range_are_refused_with_the_row(value: str, unit: str) -> None:
    with pytest.raises(InputFileError, match="第 2 行“数值”列的“.*”超出可处理的范围"):
        table_from_rows([{"name": "基本支出", "value": value, "unit": unit}])


@pytest.mark.parametrize(
    ("value", "unit"),
    [
        ("123456789012345678", "元"),
        ("-123456789012345678", "元"),
        ("0.123456789012", "元"),
        ("1234567890.1234567890123456", "亿元"),  # 18 + 10 digits in 元
        ("1.5E+3", "万元"),
        ("9999999999.99999999", "亿元"),
    ],
)
def test_numbers_in_range_flow_through_every_conversion(value: str, unit: str, tmp_path: Path) -> None:
    from assistant.checks.checker import check_text
    from assistant.workspace.figures import _plain, rows_from_file

    rows = [{"name": "基本支出", "value": value, "unit": unit, "target": value, "prior_year": "1"}]
    table = table_from_rows(rows)
    row = table.get("基本支出")
    assert row is not None
    for amount in (row.value, row.target, row.prior_year):
        assert row.in_unit(amount).endswith(unit) and _plain(amount, row)
    assert row.value_tolerance >= 0
    path = tmp_path / "t.csv"
    path.write_text(f"名称,数值,单位\n基本支出,{value},{unit}\n", encoding="utf-8")
    assert rows_from_file(path)[0]["name"] == "基本支出"
    check_text(f"基本支出为{_plain(row.value, row)}{unit}。", table)


def test_float_noise_from_a_spreadsheet_is_read_at_its_15_digits(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "t.xlsx", {"数据": [["名称", "数值", "单位"], ["基本支出", 409.40000000000003, "万元"]]}
    )
    row = load_table(path).get("基本支出")
    assert row.value == 4094000 and row.value_tolerance == 500


# ---------------------------------------------------------------- 6. CSV: the web API judges as the CLI


@pytest.mark.parametrize(
    "text",
    [
        "名称;数值;单位\n基本支出;1;元\n",
        "名称\t数值\t单位\n基本支出\t1\t元\n",
        "项目名,金额数,计量\n基本支出,1,元\n",
        "名称,数值,单位\n基本支出,一百,元\n",
        "名称,数值,单位\n基本支出,1E+999999999,元\n",
        "名称,数值,单位\n",
        "名称,数值,单位\n,1,元\n",
    ],
)
def test_the_api_and_the_cli_refuse_the_same_csv_with_the_same_message(text: str, tmp_path: Path) -> None:
    from assistant.ui.api import api_check
    from assistant.workspace.figures import table_from_csv_text

    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError) as from_file:
        load_table(path)
    with pytest.raises(InputFileError) as from_api:
        table_from_csv_text(text)
    with pytest.raises(InputFileError) as from_endpoint:
        api_check("基本支出为1元。", text)
    assert from_api.value.problem == from_file.value.problem == from_endpoint.value.problem


def test_csv_the_cli_accepts_the_api_accepts_alike(tmp_path: Path) -> None:
    from assistant.workspace.figures import table_from_csv_text

    text = "\ufeff指标,实际值,计量单位,目标值\n新增企业,9,家,12\n,,,\n"  # aliases, a BOM, a blank row
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    from_api, from_file = table_from_csv_text(text), load_table(path)
    assert from_api is not None and from_api.rows == from_file.rows and from_api.get("新增企业").target == 12
    assert table_from_csv_text("") is None and table_from_csv_text(" \n ") is None


# ---------------------------------------------------------------- 7. directories and odd files as arguments


def test_a_directory_or_a_pipe_is_refused_as_a_table_or_a_draft(tmp_path: Path) -> None:
    folder = tmp_path / "data.csv"
    folder.mkdir()
    with pytest.raises(InputFileError, match="文件夹"):
        load_table(folder)
    draft_folder = tmp_path / "draft.txt"
    draft_folder.mkdir()
    with pytest.raises(InputFileError, match="文件夹"):
        read_document(draft_folder)
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    with pytest.raises(InputFileError, match="不是普通文件"):
        read_document(pipe)
    with pytest.raises(InputFileError, match="不是普通文件"):
        load_table(tmp_path / "pipe.txt")


def test_the_cli_refuses_directories_and_pipes_with_exit_2(tmp_path: Path, subprocess_env) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("基本支出为100元。", encoding="utf-8")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    folder_draft = tmp_path / "folder.md"
    folder_draft.mkdir()
    pipe = tmp_path / "evidence.txt"
    os.mkfifo(pipe)
    cases = [
        (["check", str(draft), "--data", str(folder)], "文件夹"),
        (["check", str(folder_draft)], "是文件夹，不是文件"),
        (["critique", str(folder_draft)], "是文件夹，不是文件"),
        (["review", str(folder_draft)], "是文件夹，不是文件"),
        (["review", str(draft), "--evidence", str(pipe)], "佐证材料"),
        (["review", str(draft), "--data", str(folder)], "文件夹"),
    ]
    for args, problem in cases:
        result = run_cli(args, subprocess_env)
        assert result.returncode == 2, (args, result.stderr)
        assert problem in result.stderr and "Traceback" not in result.stderr, (args, result.stderr)


# ---------------------------------------------------------------- 8. formulas in the exported sheet


def test_exported_sheets_hold_formulas_as_text_and_numbers_as_numbers(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from assistant.workspace.figures import rows_to_xlsx

    rows = [
        {
            "name": '=HYPERLINK("http://example.invalid","点击")',
            "value": "12",
            "unit": "元",
            "target": "-5.5",
            "prior_year": "",
        },
        {
            "name": "+cmd|'/c calc'!A0",
            "value": "-3",
            "unit": "@SUM(A1)",
            "target": "\t=1+1",
            "prior_year": "\r=2",
        },
        {"name": "-2+3", "value": "409.40", "unit": "万元", "target": "", "prior_year": ""},
    ]
    target = rows_to_xlsx(rows, tmp_path / "figures.xlsx")
    sheet = load_workbook(target).active
    cells = {cell.coordinate: cell for row in sheet.iter_rows(min_row=2) for cell in row}
    for coordinate in ("A2", "A3", "C3", "D3", "E3", "A4"):
        assert cells[coordinate].data_type == "s", coordinate
        assert cells[coordinate].quotePrefix, coordinate
    assert cells["A2"].value.startswith("=HYPERLINK")
    assert cells["B2"].data_type == "n" and cells["B2"].value == 12
    assert cells["B3"].data_type == "n" and cells["B3"].value == -3
    assert cells["D2"].value == "-5.5" and not cells["D2"].quotePrefix  # a number kept as written
    with zipfile.ZipFile(target) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_a_huge_figures_table_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from assistant.checks.table import MAX_TABLE_BYTES, load_table

    big = tmp_path / "大表.csv"
    with big.open("w", encoding="utf-8") as out:
        out.write("name,value,unit\n")
        row = "基本支出,1,元\n"
        out.write(row * (MAX_TABLE_BYTES // len(row.encode()) + 10))
    with pytest.raises(InputFileError, match="数据表文件过大"):
        load_table(big, "大表.csv")
