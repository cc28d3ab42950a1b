"""Real files of every supported format, written by the tests themselves."""

from __future__ import annotations

from pathlib import Path

REPORT_TEXT = (
    "2022年度示例县水利局部门整体支出绩效自评报告\n"
    "一、基本情况\n"
    "示例县水利局内设股室5个，2022年核定编制30人，年末实有在职人员28人，在职人员控制率为93.33%。\n"
    "二、一般公共预算支出情况\n"
    "（一）基本支出情况\n"
    "2022年基本支出为3200000.00元，其中：人员经费2600000.00元，公用经费600000.00元。\n"
    "（二）项目支出情况\n"
    "2022年项目支出4800000.00元，主要用于农村饮水安全巩固提升和小型水库除险加固。\n"
    "七、存在的问题及原因分析\n"
    "小型水库除险加固完成8座，未达到年度指标值10座，主要原因是汛期施工窗口短。\n"
)


def write_docx(path: Path, title: str, paragraphs: list[str], table: list[list[str]] | None = None) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph(title)
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.save(str(path))
    return path


def write_pdf(path: Path, lines: list[str]) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path))
    pdf.setFont("STSong-Light", 11)
    y = 800
    for line in lines:
        pdf.drawString(40, y, line)
        y -= 18
    pdf.save()
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(str(path))
    return path


def make_corpus(folder: Path) -> dict[str, Path]:
    """A small knowledge folder: reports/ (utf-8, BOM, GB18030 text, docx, pdf, xlsx) and policies/."""
    reports = folder / "reports"
    policies = folder / "policies"
    reports.mkdir(parents=True)
    policies.mkdir(parents=True)
    files = {}
    files["utf8"] = reports / "2022-shuili.txt"
    files["utf8"].write_text(REPORT_TEXT, encoding="utf-8")
    files["bom"] = reports / "2021-bom.md"
    files["bom"].write_text(
        "# 2021年度示例县林业局项目支出绩效自评报告\n\n一、项目基本情况\n\n植树造林项目完成造林面积1200亩，成活率达到92.5%。\n",
        encoding="utf-8-sig",
    )
    files["gbk"] = reports / "2020-gbk.txt"
    files["gbk"].write_bytes(
        "2020年度示例县统计局部门整体支出绩效自评报告\n一、基本情况\n统计局开展经济普查入户登记，覆盖住户4.6万户，数据质量抽查差错率0.8‰。\n".encode(
            "gb18030"
        )
    )
    files["docx"] = write_docx(
        reports / "2023-jiaotong.docx",
        "2023年度示例县交通运输局部门整体支出绩效自评报告",
        [
            "一、基本情况",
            "交通运输局负责农村公路养护，2023年完成农村公路提质改造56公里。",
            "二、一般公共预算支出情况",
            "“三公”经费决算数见下表。",
        ],
        [
            ["项目", "上年决算（万元）", "本年决算（万元）"],
            ["公务接待费", "3.20", "2.85"],
            ["公务用车运行维护费", "6.40", "5.90"],
        ],
    )
    files["pdf"] = write_pdf(
        policies / "jixiao-tongzhi.pdf",
        [
            "关于做好绩效自评工作的通知",
            "一、自评范围",
            "所有使用财政资金的项目都要开展单位自评，自评结果报送财政局绩效股。",
        ],
    )
    files["xlsx"] = write_xlsx(
        reports / "2023-jichu-shuju.xlsx",
        {
            "基础数据表": [
                ["指标", "本年预算", "本年决算"],
                ["三公经费", 12.5, 11.2],
                ["项目支出", 480.0, 468.3],
            ]
        },
    )
    return files
