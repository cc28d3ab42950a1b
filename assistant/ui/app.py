"""The Gradio workspace: chat, findings in place, figures grid, knowledge base, the report being built.

Every handler is a thin wrapper: it loads the caller's workspace, calls a service (chat, review, checker,
ingestion, export) and saves the workspace. Workspaces are per browser (an id kept in the browser's
localStorage) or per login user, saved under ``<data_dir>/workspaces``.
"""

import logging
import queue
import shutil
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any

from assistant.chat.modes import AUTO, MODE_LABELS
from assistant.errors import AssistantError
from assistant.settings import Settings

log = logging.getLogger(__name__)
MODE_CHOICES = [AUTO, *MODE_LABELS.values()]
GRID_HEADERS = ["名称", "数值", "单位", "目标值", "上年数"]
DOC_HEADERS = ["文件", "类型", "年度", "单位", "片段数"]
TYPE_FOLDERS = {"报告": "reports", "政策": "policies"}


class AppServices:
    """What the page needs, built once per app: knowledge base, chat model, workspace store, folders."""

    def __init__(self, settings: Settings, *, kb: Any = None, model: Any = None) -> None:
        from assistant.knowledge import KnowledgeBase
        from assistant.workspace.store import WorkspaceStore

        self.settings = settings
        self.kb = kb if kb is not None else KnowledgeBase(settings)
        self.model = model
        self.model_error = ""
        if model is None and settings.llm_configured:
            try:
                from assistant.llm.client import build_chat_model

                self.model = build_chat_model(settings)
            except AssistantError as exc:
                self.model_error = str(exc)
        self.store = WorkspaceStore(settings.workspaces_dir)
        self.uploads = settings.data_dir / "uploads"
        self.exports = settings.data_dir / "exports"
        self._ingest_lock = threading.Lock()

    def status(self) -> str:
        if self.model is not None:
            name = getattr(self.model, "model_name", None) or self.settings.llm_model or "本机模型"
            where = self.settings.openai_base_url or ("本机 GGUF" if self.settings.local_gguf else "")
            llm = f"大模型：{name}" + (f"（{where}）" if where else "")
        else:
            llm = "离线模式：未配置大模型，起草用模板和数据表，审核用规则判定"
            if self.model_error:
                llm += f"（{self.model_error}）"
        return f"{llm}；{self.kb.describe_backends()}"

    def browser_secret(self) -> str:
        """The key the browser's saved workspace id is encrypted with: kept in the data dir, so it survives
        restarts (a new random one each start would orphan every browser's workspace)."""
        path = self.settings.data_dir / "browser-state.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(uuid.uuid4().hex + uuid.uuid4().hex, encoding="utf-8")
            path.chmod(0o600)
        return path.read_text(encoding="utf-8").strip()

    def evidence_dir(self, key: str) -> Path:
        return self.settings.workspaces_dir / f"{self.store.path_for(key).stem}-evidence"


# --- workspace identity ----------------------------------------------------------------------------
def workspace_key(browser_id: str | None, username: str | None) -> str:
    """A login user keeps one workspace on any browser; otherwise the browser's own id."""
    if username:
        return f"user:{username}"
    return browser_id if browser_id and len(browser_id) >= 16 else uuid.uuid4().hex


def build_app(settings: Settings, *, kb: Any = None, model: Any = None):
    import gradio as gr

    from assistant.chat.service import respond
    from assistant.drafting.templates import load_template
    from assistant.ui import api
    from assistant.ui.render import render_checked, render_claims, render_sources
    from assistant.workspace.figures import (
        check_rows,
        clean_rows,
        rows_from_file,
        rows_to_grid,
        rows_to_xlsx,
    )

    services = AppServices(settings, kb=kb, model=model)
    template = load_template("department_overall")

    def load_ws(key: str):
        return services.store.load(key)

    # --- page load: identity, then every panel from the saved workspace --------------------------
    def on_load(browser_id: str | None, request: gr.Request):
        username = getattr(request, "username", None) if request else None
        key = workspace_key(browser_id, username)
        ws = load_ws(key)
        sections = [ws.sections.get(s.id, "") for s in template.sections]
        docs = list_documents()
        return (
            key,
            key if not username else browser_id,
            ws.chat,
            rows_to_grid(ws.figures) or [["", "", "", "", ""]],
            _grid_message(ws.figures),
            ws.title,
            ws.year,
            ws.draft,
            *sections,
            docs,
            services.status() + (f"；当前用户：{username}" if username else ""),
        )

    def _grid_message(rows: list[dict[str, str]]) -> str:
        check = check_rows(rows)
        if not rows:
            return "数据表为空：可直接在表格中填写，或导入 CSV / Excel。"
        if check.errors:
            problems = "\n".join(f"- {e}" for e in check.errors)
            return f"有效 {check.valid_rows} 行；以下行有问题，起草和核查时不使用：\n{problems}"
        return f"有效 {check.valid_rows} 行，起草和核查都使用这些数字。"

    # --- chat --------------------------------------------------------------------------------------
    def send(message: str, mode: str, history: list[dict[str, Any]], key: str):
        history = list(history or [])
        if not message or not message.strip():
            yield history, message, gr.update(), gr.update(), gr.update()
            return
        ws = load_ws(key)
        history.append({"role": "user", "content": message})
        history.append({"role": "assistant", "content": "处理中……"})
        yield history, message, gr.update(), gr.update(), gr.update(visible=False)
        tokens: queue.Queue[str] = queue.Queue()
        outcome: dict[str, Any] = {}
        evidence_dir = services.evidence_dir(key)
        evidence = [evidence_dir] if evidence_dir.exists() and any(evidence_dir.iterdir()) else None

        def work() -> None:
            try:
                outcome["result"] = respond(message, mode, ws, kb=services.kb, model=services.model,
                                            evidence=evidence, on_token=tokens.put)  # fmt: skip
            except Exception as exc:  # noqa: BLE001 - shown in Chinese in the chat, the message kept
                log.exception("chat turn failed")
                outcome["crash"] = f"处理时出错：{exc}"

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        streamed = ""
        while worker.is_alive() or not tokens.empty():
            try:
                streamed += tokens.get(timeout=0.1)
            except queue.Empty:
                continue
            history[-1] = {"role": "assistant", "content": streamed}
            yield history, message, gr.update(), gr.update(), gr.update()
        worker.join()
        result = outcome.get("result")
        if result is None or result.error:
            error = outcome.get("crash") or result.error
            history[-1] = {"role": "assistant", "content": f"⚠️ {error}"}
            ws.chat = history
            services.store.save(ws)
            yield history, message, gr.update(), gr.update(), gr.update(visible=False)  # the text stays
            return
        history[-1] = {"role": "assistant", "content": _chat_text(result)}
        ws.chat = history
        services.store.save(ws)
        findings_html = render_checked(result.checked_text, result.findings, result.comments)
        if result.claims:
            findings_html += render_claims(result.claims)
        yield (history, "", findings_html, render_sources(result.sources),
               gr.update(visible=bool(result.section)))  # fmt: skip

    def _chat_text(result) -> str:
        head = f"**【{result.label}】** {result.notice}".strip()
        body = result.text.strip()
        parts = [head]
        if body:
            parts.append(body)
        if result.findings or result.comments:
            errors = sum(1 for f in result.findings if f.severity == "error")
            parts.append(
                f"共 {len(result.findings) + len(result.comments)} 条核查结果（错误 {errors} 处），见右侧标注。"
            )
        if result.sources:
            parts.append(f"引用来源 {len(result.sources)} 条，见右侧“来源”。")
        if result.section:
            parts.append("满意的话点“采纳到报告”，这一部分会放进“文稿”页。")
        return "\n\n".join(parts)

    def accept(key: str):
        ws = load_ws(key)
        candidate = ws.candidate or {}
        if not candidate.get("section"):
            gr.Warning("没有可采纳的草稿。")
            return [gr.update() for _ in template.sections]
        ws.sections[candidate["section"]] = candidate.get("text", "")
        services.store.save(ws)
        gr.Info(f"已采纳：{template.section(candidate['section']).heading}")
        return [ws.sections.get(s.id, "") for s in template.sections]

    # --- data grid ---------------------------------------------------------------------------------
    def save_grid(grid: Any, key: str):
        rows = clean_rows(_grid_rows(grid))
        ws = load_ws(key)
        ws.figures = rows
        services.store.save(ws)
        return _grid_message(rows)

    def import_grid(file: Any, key: str):
        if file is None:
            return gr.update(), "请选择 CSV 或 Excel 文件。"
        path = Path(file if isinstance(file, str) else file.name)
        try:
            rows = rows_from_file(path)
        except AssistantError as exc:
            return gr.update(), f"导入失败：{exc}"
        ws = load_ws(key)
        ws.figures = rows
        services.store.save(ws)
        return rows_to_grid(rows), f"已导入 {len(rows)} 行。" + _grid_message(rows)

    def export_grid(grid: Any, key: str):
        rows = clean_rows(_grid_rows(grid))
        services.exports.mkdir(parents=True, exist_ok=True)
        target = Path(tempfile.mkdtemp(dir=services.exports)) / "数据表.xlsx"
        return str(rows_to_xlsx(rows, target))

    def _grid_rows(grid: Any) -> list[list[Any]]:
        if grid is None:
            return []
        if hasattr(grid, "values"):  # a pandas DataFrame
            return [list(r) for r in grid.values.tolist()]
        if isinstance(grid, dict) and "data" in grid:
            return grid["data"]
        return list(grid)

    # --- knowledge base ----------------------------------------------------------------------------
    def list_documents() -> list[list[Any]]:
        try:
            records = services.kb.documents()
        except AssistantError as exc:
            log.warning("document list unavailable: %s", exc)
            return []
        kinds = {"report": "报告", "policy": "政策"}
        return [
            [r.source, kinds.get(r.doc_type, r.doc_type), r.year or "", r.unit, r.chunk_count]
            for r in records
        ]

    def upload(files: list[Any] | None, kind: str, progress=gr.Progress()):  # noqa: B008 - how Gradio injects progress
        from assistant.ui.progress import GradioProgress

        if not files:
            return list_documents(), "请选择要上传的文件。"
        folder = services.uploads / TYPE_FOLDERS.get(kind, "reports")
        folder.mkdir(parents=True, exist_ok=True)
        saved = []
        for item in files:
            source = Path(item if isinstance(item, str) else item.name)
            target = folder / source.name
            shutil.copyfile(source, target)
            saved.append(target)
        with services._ingest_lock:
            try:
                report = services.kb.ingest(saved, GradioProgress(progress))
            except AssistantError as exc:
                return list_documents(), f"入库失败：{exc}"
        lines = [report.summary()] + [f"- {message}" for _, message in report.failed]
        return list_documents(), "\n".join(lines)

    def remove(name: str):
        if not name or not name.strip():
            return list_documents(), "请输入要移除的文件名。"
        with services._ingest_lock:
            removed = services.kb.remove(name.strip())
        if not removed:
            return list_documents(), f"知识库中没有“{name.strip()}”。"
        for record in removed:
            uploaded = Path(record.root) / record.source
            if uploaded.is_relative_to(services.uploads):
                uploaded.unlink(missing_ok=True)
        return list_documents(), f"已移除 {len(removed)} 个文件：{'、'.join(r.source for r in removed)}"

    def reindex(progress=gr.Progress()):  # noqa: B008 - how Gradio injects progress
        from assistant.ui.progress import GradioProgress

        roots = [settings.knowledge_dir] + [p for p in services.uploads.glob("*") if p.is_dir()]
        with services._ingest_lock:
            try:
                report = services.kb.ingest([r for r in roots if r.exists()], GradioProgress(progress))
            except AssistantError as exc:
                return list_documents(), f"重新索引失败：{exc}"
        return list_documents(), report.summary()

    def search_panel(query: str, kind: str):
        from assistant.retrieval.retriever import SearchFilters
        from assistant.ui.render import render_sources

        if not query or not query.strip():
            return "请输入检索内容。"
        response = services.kb.search(
            query, settings.search_k, SearchFilters(doc_type={"报告": "report", "政策": "policy"}.get(kind))
        )
        warning = f"<p>⚠ {response.warning}</p>" if response.warning else ""
        results = [r.as_passage() | {"n": n} for n, r in enumerate(response.results, start=1)]
        return warning + (render_sources(results) or "<p>没有找到相关内容。</p>")

    # --- report workspace --------------------------------------------------------------------------
    def save_report(key: str, title: str, year: Any, draft_text: str, *sections: str):
        ws = load_ws(key)
        ws.title, ws.draft = title or "", draft_text or ""
        ws.year = int(year) if year not in (None, "") else None
        ws.sections = {
            s.id: text for s, text in zip(template.sections, sections, strict=True) if text and text.strip()
        }
        services.store.save(ws)
        return f"已保存（{len(ws.sections)} 个部分）。"

    def export_docx(key: str, title: str, year: Any, draft_text: str, *sections: str):
        from assistant.workspace.export import export_workspace_docx

        save_report(key, title, year, draft_text, *sections)
        ws = load_ws(key)
        if not ws.sections:
            gr.Warning("报告还没有任何部分：请先起草并采纳，或在下方各部分中填写。")
            return None
        services.exports.mkdir(parents=True, exist_ok=True)
        target = Path(tempfile.mkdtemp(dir=services.exports)) / f"{(ws.title or '绩效自评报告')[:40]}.docx"
        return str(export_workspace_docx(ws, target))

    def import_draft(file: Any, key: str):
        from assistant.ingest.readers import read_source

        if file is None:
            return gr.update(), "请选择 .docx、.txt 或 .md 文稿。"
        path = Path(file if isinstance(file, str) else file.name)
        if path.suffix.lower() not in (".docx", ".txt", ".md"):
            return gr.update(), f"“{path.name}”的格式不支持（支持 .docx、.txt、.md）。"
        try:
            text = read_source(path, path.name).text
        except AssistantError as exc:
            return gr.update(), f"导入失败：{exc}"
        ws = load_ws(key)
        ws.draft = text
        services.store.save(ws)
        return text, f"已导入“{path.name}”（{len(text)} 字）。在对话中选“核查数字”或“审核依据”即可检查。"

    def add_evidence(files: list[Any] | None, key: str):
        if not files:
            return "请选择佐证材料文件。"
        folder = services.evidence_dir(key)
        folder.mkdir(parents=True, exist_ok=True)
        for item in files:
            source = Path(item if isinstance(item, str) else item.name)
            shutil.copyfile(source, folder / source.name)
        names = sorted(p.name for p in folder.iterdir())
        return f"佐证材料（{len(names)} 个，审核依据时使用）：{'、'.join(names)}"

    # --- API endpoints (gradio_client scripts the app with these) ------------------------------------
    def _api_call(fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except AssistantError as exc:
            raise gr.Error(str(exc)) from exc

    def api_check(text: str, figures_csv: str = "") -> dict:
        return _api_call(api.api_check, text, figures_csv)

    def api_review(text: str, figures_csv: str = "") -> dict:
        return _api_call(api.api_review, text, figures_csv, kb=services.kb, model=services.model)

    def api_draft(section: str, figures_csv: str = "", instructions: str = "") -> dict:
        return _api_call(
            api.api_draft, section, figures_csv, instructions, kb=services.kb, model=services.model
        )

    def api_search(query: str, k: int = 5, doc_type: str = "") -> list:
        return _api_call(api.api_search, query, k, doc_type, kb=services.kb)

    # --- layout ------------------------------------------------------------------------------------
    with gr.Blocks(title="绩效自评报告助手") as demo:
        key_state = gr.State("")
        browser_id = gr.BrowserState(
            "", storage_key="assistant-workspace-id", secret=services.browser_secret()
        )
        gr.Markdown("## 绩效自评报告助手")
        status = gr.Markdown(elem_classes=["status-line"], elem_id="status")
        with gr.Tabs():
            with gr.Tab("对话", id="chat"):  # noqa: SIM117 - the layout reads as nested blocks
                with gr.Row():
                    with gr.Column(scale=5):
                        chatbot = gr.Chatbot(
                            label="对话", height=460, elem_id="chatbot", feedback_options=None
                        )
                        mode = gr.Radio(
                            MODE_CHOICES, value=AUTO, label="模式（“自动”按消息判断）", elem_id="mode"
                        )
                        message = gr.Textbox(
                            label="消息", lines=3, elem_id="message",
                            placeholder="例如：起草七、存在的问题及原因分析；核查数字：<粘贴文字>；审核依据；三公经费变动率怎么算",
                        )  # fmt: skip
                        with gr.Row():
                            send_button = gr.Button("发送", variant="primary", elem_id="send")
                            accept_button = gr.Button("采纳到报告", visible=False, elem_id="accept")
                    with gr.Column(scale=5):
                        findings_view = gr.HTML(label="核查结果", elem_id="findings")
                        sources_view = gr.HTML(label="来源", elem_id="sources")
            with gr.Tab("数据", id="data"):
                grid = gr.Dataframe(
                    headers=GRID_HEADERS, datatype=["str"] * 5, column_count=5, row_count=8,
                    type="array", interactive=True, label="数据表（起草和核查都使用这里的数字）", elem_id="grid",
                )  # fmt: skip
                grid_message = gr.Markdown(elem_id="grid-message")
                with gr.Row():
                    save_grid_button = gr.Button("保存数据表", variant="primary", elem_id="save-grid")
                    grid_file = gr.File(
                        label="导入 CSV / Excel", file_types=[".csv", ".xlsx"], elem_id="grid-import"
                    )
                    export_grid_button = gr.Button("导出 Excel", elem_id="export-grid")
                    grid_download = gr.File(label="下载", interactive=False, elem_id="grid-download")
            with gr.Tab("知识库", id="kb"):
                with gr.Row():
                    upload_files = gr.File(label="上传文档（.txt .md .docx .pdf .xlsx）", file_count="multiple",
                                           elem_id="kb-upload")  # fmt: skip
                    upload_kind = gr.Radio(["报告", "政策"], value="报告", label="文档类型")
                    upload_button = gr.Button("上传并入库", variant="primary", elem_id="kb-upload-button")
                kb_message = gr.Markdown(elem_id="kb-message")
                documents = gr.Dataframe(
                    headers=DOC_HEADERS, interactive=False, label="已入库文件", elem_id="kb-docs"
                )
                with gr.Row():
                    remove_name = gr.Textbox(label="移除文件（文件名）", elem_id="kb-remove-name")
                    remove_button = gr.Button("移除", elem_id="kb-remove")
                    reindex_button = gr.Button("重新索引", elem_id="kb-reindex")
                with gr.Row():
                    query = gr.Textbox(label="检索", placeholder="例如：三公经费变动率怎么计算", scale=4)
                    kind = gr.Radio(["全部", "报告", "政策"], value="全部", label="类型", scale=1)
                    search_button = gr.Button("检索", scale=1)
                search_results = gr.HTML()
            with gr.Tab("文稿", id="report"):
                with gr.Row():
                    title = gr.Textbox(label="报告标题", elem_id="report-title", scale=4)
                    year = gr.Number(label="年度", precision=0, elem_id="report-year", scale=1)
                section_boxes = []
                for section in template.sections:
                    section_boxes.append(
                        gr.Textbox(label=section.heading, lines=4, elem_id=f"section-{section.id}")
                    )
                with gr.Row():
                    save_report_button = gr.Button("保存", elem_id="save-report")
                    export_button = gr.Button("导出 Word", variant="primary", elem_id="export-docx")
                    docx_file = gr.File(label="Word 文件", interactive=False, elem_id="docx-file")
                report_message = gr.Markdown(elem_id="report-message")
                gr.Markdown("#### 待审文稿（导入已有文稿，在对话中核查或审核）")
                with gr.Row():
                    draft_file = gr.File(label="导入文稿（.docx .txt .md）", file_types=[".docx", ".txt", ".md"],
                                         elem_id="draft-import")  # fmt: skip
                    evidence_files = gr.File(
                        label="佐证材料（审核依据用）", file_count="multiple", elem_id="evidence"
                    )
                draft_text = gr.Textbox(label="待审文稿", lines=10, elem_id="draft-text")
                draft_message = gr.Markdown(elem_id="draft-message")

        report_inputs = [key_state, title, year, draft_text, *section_boxes]
        llm_limit = {"concurrency_limit": settings.llm_concurrency, "concurrency_id": "llm"}
        send_event = dict(fn=send, inputs=[message, mode, chatbot, key_state],
                          outputs=[chatbot, message, findings_view, sources_view, accept_button], **llm_limit)  # fmt: skip
        send_button.click(**send_event, api_visibility="private")
        message.submit(**send_event, api_visibility="private")
        accept_button.click(accept, [key_state], section_boxes, api_visibility="private")
        save_grid_button.click(save_grid, [grid, key_state], grid_message, api_visibility="private")
        grid.input(
            save_grid, [grid, key_state], grid_message, api_visibility="private"
        )  # edits saved as typed
        grid_file.upload(import_grid, [grid_file, key_state], [grid, grid_message], api_visibility="private")
        export_grid_button.click(export_grid, [grid, key_state], grid_download, api_visibility="private")
        upload_button.click(upload, [upload_files, upload_kind], [documents, kb_message], api_visibility="private",
                            concurrency_limit=1, concurrency_id="ingest")  # fmt: skip
        remove_button.click(remove, [remove_name], [documents, kb_message], api_visibility="private",
                            concurrency_id="ingest")  # fmt: skip
        reindex_button.click(
            reindex, None, [documents, kb_message], api_visibility="private", concurrency_id="ingest"
        )
        search_button.click(search_panel, [query, kind], search_results, api_visibility="private")
        query.submit(search_panel, [query, kind], search_results, api_visibility="private")
        save_report_button.click(save_report, report_inputs, report_message, api_visibility="private")
        for box in (title, year, draft_text, *section_boxes):  # leaving a field saves the report
            box.blur(save_report, report_inputs, report_message, api_visibility="private")
        export_button.click(export_docx, report_inputs, docx_file, api_visibility="private")
        draft_file.upload(
            import_draft, [draft_file, key_state], [draft_text, draft_message], api_visibility="private"
        )
        evidence_files.upload(
            add_evidence, [evidence_files, key_state], draft_message, api_visibility="private"
        )
        demo.load(
            on_load,
            [browser_id],
            [
                key_state,
                browser_id,
                chatbot,
                grid,
                grid_message,
                title,
                year,
                draft_text,
                *section_boxes,
                documents,
                status,
            ],  # fmt: skip
            api_visibility="private",
        )
        gr.api(api_check, api_name="check")
        gr.api(api_review, api_name="review", **llm_limit)
        gr.api(api_draft, api_name="draft", **llm_limit)
        gr.api(api_search, api_name="search")
    demo.services = services  # for tests and the launcher
    return demo


def launch(settings: Settings, host: str | None = None, port: int | None = None, **kwargs: Any) -> None:
    import os

    from assistant.ui.render import CSS

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    demo = build_app(settings)
    auth = settings.auth_pairs() or None
    demo.queue(default_concurrency_limit=settings.ui_concurrency).launch(
        server_name=host or settings.host,
        server_port=port or settings.port,
        show_error=True,
        auth=auth,
        auth_message="请输入用户名和密码" if auth else None,
        css=CSS,
        **kwargs,
    )
