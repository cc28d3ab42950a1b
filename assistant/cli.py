"""The `assistant` command line. Exit codes: 0 fine, 1 a finding or failure to report, 2 bad input or usage."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant.document.readers import SUPPORTED_SUFFIXES
from assistant.errors import AssistantError

# formats a draft may be read from: every format the document model reads (a .doc/.wps needs LibreOffice,
# an image or a scanned PDF is read by OCR; read_document says what is wrong otherwise)
DRAFT_SUFFIXES = SUPPORTED_SUFFIXES
DRAFT_HELP = "文稿（.txt、.md、.docx、.doc、.wps、.pdf、.xlsx、.xls，或 .png、.jpg 扫描件）"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 with a Chinese hint
        self.print_usage(sys.stderr)
        print(f"参数错误：{message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="assistant", description="绩效自评报告起草与核查助手")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p_ingest = sub.add_parser("ingest", help="把文件或文件夹导入知识库（默认 knowledge/）")
    p_ingest.add_argument("paths", nargs="*", type=Path)

    p_search = sub.add_parser("search", help="检索知识库")
    p_search.add_argument("query")
    p_search.add_argument("-k", type=int, default=None, help="返回条数")
    p_search.add_argument("--type", choices=["report", "policy"], dest="doc_type")
    p_search.add_argument("--year", type=int)
    p_search.add_argument("--section", help="只在章节路径包含此文字的片段中检索")
    p_search.add_argument("--mode", choices=["hybrid", "bm25", "dense"], default="hybrid")
    p_search.add_argument("--format", choices=["text", "json"], default="text")

    p_ask = sub.add_parser("ask", help="根据知识库回答问题（配置大模型后生成回答，否则列出相关段落）")
    p_ask.add_argument("question")
    p_ask.add_argument("--format", choices=["text", "json"], default="text")

    p_kb = sub.add_parser("kb", help="查看或管理知识库")
    kb_sub = p_kb.add_subparsers(dest="kb_command", required=True, parser_class=_Parser)
    p_list = kb_sub.add_parser("list", help="列出已入库的文件")
    p_list.add_argument("--format", choices=["text", "json"], default="text")
    p_remove = kb_sub.add_parser("remove", help="从知识库移除文件")
    p_remove.add_argument("names", nargs="+")

    p_read = sub.add_parser("read", help="显示文件被读成的文字（核查与审核所标位置即指此文字）、页码和表格")
    p_read.add_argument("file", type=Path, help=DRAFT_HELP)
    p_read.add_argument("--format", choices=["text", "json"], default="text")

    p_check = sub.add_parser("check", help="核对文稿中的数字（合计、占比、比率、增减、计数、目标及数据表）")
    p_check.add_argument("draft", type=Path, help=DRAFT_HELP)
    p_check.add_argument("--data", type=Path, help="数据表（.csv、.xlsx、.xls、.yaml、.json）")
    p_check.add_argument("--format", choices=["text", "json"], default="text")
    p_check.add_argument("--unverified", action="store_true", help="列出无法核对的数字")

    p_review = sub.add_parser(
        "review", help="审核文稿：逐条标出无依据、与依据矛盾的表述（附出处），并核对数字"
    )
    p_review.add_argument("draft", type=Path, help=DRAFT_HELP)
    p_review.add_argument("--data", type=Path, help="数据表（.csv、.xlsx、.xls、.yaml、.json）")
    p_review.add_argument(
        "--evidence",
        type=Path,
        action="append",
        help="佐证材料文件夹或文件（可重复；格式同文稿，扫描件和照片经文字识别读取）",
    )
    p_review.add_argument("--format", choices=["text", "json"], default="text")

    p_draft = sub.add_parser("draft", help="按模板起草报告的某一部分")
    p_draft.add_argument(
        "section", help="部分编号、标识或标题，如 二、general_budget、七、存在的问题及原因分析"
    )
    p_draft.add_argument("--data", type=Path, help="数据表（.csv、.xlsx、.xls、.yaml、.json）")
    p_draft.add_argument(
        "--template", default="department_overall", help="报告模板：department_overall 或 project"
    )
    p_draft.add_argument("--year", type=int, help="报告年度，如 2024")
    p_draft.add_argument("--instructions", default="", help="补充要求（接入大模型后生效）")
    p_draft.add_argument("--format", choices=["text", "json"], default="text")

    p_critique = sub.add_parser("critique", help="按模板规则点评文稿")
    p_critique.add_argument("file", type=Path, help=DRAFT_HELP)
    p_critique.add_argument("--section", help="只点评某一部分，如 七 或 八、下一步改进措施")
    p_critique.add_argument("--template", default="department_overall")
    p_critique.add_argument("--format", choices=["text", "json"], default="text")

    p_serve = sub.add_parser("serve", help="启动网页界面")
    p_serve.add_argument("--host")
    p_serve.add_argument("--port", type=int)
    return parser


def _cmd_ingest(kb, args) -> int:
    from assistant.ingest.progress import TerminalProgress

    report = kb.ingest(args.paths or None, TerminalProgress())
    for _, message in report.failed:
        print(f"错误：{message}", file=sys.stderr)
    print(report.summary())
    return 1 if report.failed else 0


def _cmd_search(kb, args) -> int:
    from assistant.retrieval.retriever import SearchFilters

    filters = SearchFilters(doc_type=args.doc_type, year=args.year, section=args.section)
    response = kb.search(args.query, args.k, filters, args.mode)
    if args.format == "json":
        print(json.dumps([r.to_dict() for r in response.results], ensure_ascii=False, indent=2))
        if response.warning:
            print(f"警告：{response.warning}", file=sys.stderr)
        return 0
    if response.warning:
        print(f"警告：{response.warning}")
    if not response.results:
        print("知识库为空，请先运行 assistant ingest。" if not kb.documents() else "没有找到相关内容。")
    for rank, r in enumerate(response.results, start=1):
        print(
            f"[{rank}] {r.source} · {r.section or '（无章节）'} · 字符 {r.start}-{r.end} · 得分 {r.score:.4f}（{r.retrieval}）"
        )
        print("    " + r.text.replace("\n", "\n    "))
    return 0


def _cmd_kb(kb, args) -> int:
    if args.kb_command == "list":
        records = kb.documents()
        if args.format == "json":
            print(json.dumps([r.metadata() for r in records], ensure_ascii=False, indent=2))
            return 0
        if not records:
            print("知识库为空。请先运行 assistant ingest。")
        for r in records:
            year = r.year if r.year is not None else "—"
            print(
                f"{r.source}\t类型：{r.doc_type}\t年度：{year}\t单位：{r.unit or '—'}\t片段：{r.chunk_count}\t标题：{r.title}"
            )
        return 0
    missing = 0
    for name in args.names:
        removed = kb.remove(name)
        if removed:
            for r in removed:
                print(f"已移除：{r.source}（{r.chunk_count} 个片段）")
        else:
            print(f"错误：知识库中没有“{name}”", file=sys.stderr)
            missing += 1
    return 1 if missing else 0


def _unreadable(path: Path) -> str | None:
    """Why an input file given on the command line cannot be read (it exists), or None."""
    if path.is_dir():
        return "是文件夹，不是文件"
    if not path.is_file():
        return "不是普通文件"
    if not os.access(path, os.R_OK):
        return "没有读取权限"
    return None


def _ocr_progress(done: int, total: int) -> None:
    """A long OCR tells the terminal how far it is (on stderr, so JSON output stays clean)."""
    if total > 1:
        print(f"文字识别：第 {done}/{total} 页", file=sys.stderr, flush=True)


def _cmd_read(args) -> int:
    """The document model of a file: the logical text every finding indexes, its pages and its tables."""
    from assistant.document.readers import read_document

    if not args.file.exists():
        print(f"错误：文件“{args.file}”不存在", file=sys.stderr)
        return 2
    document = read_document(args.file, args.file.name, on_page=_ocr_progress)
    if args.format == "json":
        data = {
            "name": document.name, "encoding": document.encoding, "text": document.text,
            "pages": list(document.pages), "ocr_pages": list(document.ocr_pages),
            "tables": [t.to_dict() for t in document.tables],
        }  # fmt: skip
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(document.text)
    notes = []
    if document.pages:
        notes.append(f"共 {len(document.pages)} 页")
    if document.ocr_pages:
        notes.append(f"经文字识别的页：{'、'.join(str(p) for p in document.ocr_pages)}")
    for k, table in enumerate(document.tables, 1):
        where = f"第 {table.page} 页，" if table.page else (f"工作表“{table.sheet}”，" if table.sheet else "")
        title = f"“{table.caption}”" if table.caption else ""
        unit = f"，单位：{table.unit}" if table.unit else ""
        notes.append(
            f"表格 {k}{title}：{where}{table.row_count} 行 × {table.column_count} 列，"
            f"表头 {table.header_rows} 行，合并单元格 {len(table.spans)} 个{unit}"
        )
    for note in notes:  # on stderr: stdout is the text itself
        print(f"——{note}——", file=sys.stderr)
    return 0


def _cmd_check(args) -> int:
    from assistant.checks.checker import document_report
    from assistant.checks.report import render_text
    from assistant.checks.table import load_table
    from assistant.document.readers import read_document

    if args.draft.suffix.lower() not in DRAFT_SUFFIXES:
        print(f"错误：文稿“{args.draft}”的格式不支持（支持 {'、'.join(DRAFT_SUFFIXES)}）", file=sys.stderr)
        return 2
    if not args.draft.exists():
        print(f"错误：文稿“{args.draft}”不存在", file=sys.stderr)
        return 2
    if problem := _unreadable(args.draft):
        print(f"错误：文稿“{args.draft}”{problem}", file=sys.stderr)
        return 2
    document = read_document(args.draft, args.draft.name, on_page=_ocr_progress)
    table = load_table(args.data) if args.data else None
    report = document_report(document, table)
    findings = report.findings
    if args.format == "json":
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_text(document.text, findings, str(args.draft), report.coverage, args.unverified))
    return 1 if any(f.severity == "error" for f in findings) else 0


def _cmd_review(kb, args) -> int:
    from assistant.checks.table import load_table
    from assistant.document.readers import read_document
    from assistant.review.report import render_review
    from assistant.review.service import review

    if args.draft.suffix.lower() not in DRAFT_SUFFIXES:
        print(f"错误：文稿“{args.draft}”的格式不支持（支持 {'、'.join(DRAFT_SUFFIXES)}）", file=sys.stderr)
        return 2
    if not args.draft.exists():
        print(f"错误：文稿“{args.draft}”不存在", file=sys.stderr)
        return 2
    if problem := _unreadable(args.draft):
        print(f"错误：文稿“{args.draft}”{problem}", file=sys.stderr)
        return 2
    for folder in args.evidence or []:
        if not folder.exists():
            print(f"错误：佐证材料“{folder}”不存在", file=sys.stderr)
            return 2
        if folder.is_dir():
            problem = None if os.access(folder, os.R_OK | os.X_OK) else "没有读取权限"
        else:
            problem = _unreadable(folder)
        if problem:
            print(f"错误：佐证材料“{folder}”{problem}", file=sys.stderr)
            return 2
    document = read_document(args.draft, args.draft.name, on_page=_ocr_progress)
    table = load_table(args.data) if args.data else None
    model = None
    if kb.settings.llm_configured:
        from assistant.llm.client import build_chat_model

        model = build_chat_model(kb.settings)
    result = review(
        document,
        table=table,
        table_name=str(args.data) if args.data else "数据表",
        evidence=args.evidence,
        kb=kb,
        model=model,
        draft_name=args.draft.name,
    )
    if args.format == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_review(result, str(args.draft)))
    return 1 if any(f.severity == "error" for f in result.findings) else 0


def _cmd_draft(kb, args) -> int:
    from assistant.checks.report import render_text
    from assistant.checks.table import load_table
    from assistant.drafting.service import draft

    table = load_table(args.data) if args.data else None
    result = draft(
        args.section, table, kb=kb, template=args.template, year=args.year, instructions=args.instructions
    )
    if args.format == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(result.notice)
    print()
    print(result.text)
    problems = [f for f in result.findings if f.severity != "info"]
    if problems:
        print()
        print(render_text(result.text, problems))
    if result.sources:
        print()
        print("——参考：知识库中往年报告的同一部分——")
        for source in result.sources:
            excerpt = source["text"].replace("\n", " ")
            print(
                f"[{source['n']}] {source['source']} · {source['section']} · 字符 {source['start']}-{source['end']}"
            )
            print(f"    {excerpt[:160]}{'…' if len(excerpt) > 160 else ''}")
    return 0


def _cmd_critique(settings, args) -> int:
    from assistant.critique.service import critique
    from assistant.document.readers import read_document

    if args.file.suffix.lower() not in DRAFT_SUFFIXES or not args.file.exists():
        print(
            f"错误：文稿“{args.file}”不存在或格式不支持（支持 {'、'.join(DRAFT_SUFFIXES)}）", file=sys.stderr
        )
        return 2
    if problem := _unreadable(args.file):
        print(f"错误：文稿“{args.file}”{problem}", file=sys.stderr)
        return 2
    document = read_document(args.file, args.file.name, on_page=_ocr_progress)
    text = document.text
    model = None
    if settings.llm_configured:
        from assistant.llm.client import build_chat_model

        model = build_chat_model(settings)
    result = critique(text, section=args.section, template=args.template, model=model)
    if args.format == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        from assistant.checks.document import Draft

        draft = Draft.parse(text)
        print(result.notice)
        for comment in result.comments:
            line, column = draft.line_col(comment.start)
            print(
                f"{args.file}:{line}:{column} ［{'大模型' if comment.source == 'llm' else '规则'}］{comment.problem}"
            )
            print(f"    原文：{comment.quote}")
            print(f"    依据：{comment.rule}")
            print(f"    建议：{comment.suggestion}")
        print(f"共 {len(result.comments)} 条意见。")
    return 1 if result.comments else 0


def _cmd_ask(kb, args) -> int:
    from assistant.drafting.answer import answer

    model = None
    if kb.settings.llm_configured:
        from assistant.llm.client import build_chat_model

        model = build_chat_model(kb.settings)
    streamed = []

    def show(token: str) -> None:
        streamed.append(token)
        print(token, end="", flush=True)

    result = answer(args.question, kb, model=model, context_chars=kb.settings.llm_context_chars,
                    on_token=show if args.format == "text" else None)  # fmt: skip
    if args.format == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return 0
    if streamed and result.mode == "llm":
        print("\n")
    else:
        if streamed:  # the stream broke off and answer() fell back: what was printed is not the answer
            print()
            print("——以上回答不完整（回答中断），以下为知识库中的相关段落——")
        print(result.notice)
        print(result.text)
    if result.mode == "llm":
        if result.notice:
            print(result.notice)
        for source in result.sources:
            if source["cited"]:
                print(
                    f"[{source['n']}] {source['source']} · {source['section']} · 字符 {source['start']}-{source['end']}"
                )
    return 0


def _cmd_serve(settings, args) -> int:
    from assistant.app import launch

    launch(settings, host=args.host, port=args.port)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from assistant.knowledge import KnowledgeBase
    from assistant.settings import load_settings

    try:
        if args.command == "check":
            return _cmd_check(args)
        if args.command == "read":
            return _cmd_read(args)
        settings = load_settings()
        if args.command == "serve":
            return _cmd_serve(settings, args)
        if args.command == "critique":
            return _cmd_critique(settings, args)
        kb = KnowledgeBase(settings)
        try:
            handler = {
                "ingest": _cmd_ingest,
                "search": _cmd_search,
                "kb": _cmd_kb,
                "draft": _cmd_draft,
                "ask": _cmd_ask,
                "review": _cmd_review,
            }[args.command]
            return handler(kb, args)
        finally:
            kb.close()
    except AssistantError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断。已入库的内容不受影响，再次运行即可继续。", file=sys.stderr)
        return 130
