"""The Gradio workspace: chat, findings in place, figures grid, knowledge base, the report being built.

Every handler is a thin wrapper: it establishes who is asking (login user or signed session cookie, see
:mod:`assistant.ui.identity`), loads that user's workspace, calls a service (chat, review, checker,
ingestion, export) and saves the workspace. A request without an identity the server issued is refused.
Text from documents, files and models reaches the page escaped (:mod:`assistant.ui.markup`).
"""

import logging
import os
import queue
import shutil
import threading
import time
from pathlib import Path
from typing import Any

from assistant.access import Access, owner_of, view_for
from assistant.chat.modes import AUTO, MODE_LABELS
from assistant.document.limits import ReadLimits
from assistant.errors import AssistantError
from assistant.paths import display_name, file_name, inside, new_id
from assistant.settings import Settings, public_url
from assistant.ui.identity import (
    Identity,
    SessionCookies,
    UnknownSession,
    identify,
    load_secret,
    user_of_owner_folder,
)

log = logging.getLogger(__name__)
MODE_CHOICES = [AUTO, *MODE_LABELS.values()]
GRID_HEADERS = ["名称", "数值", "单位", "目标值", "上年数"]
DOC_HEADERS = ["文件", "类型", "年度", "单位", "片段数", "上传者"]
TYPE_FOLDERS = {"报告": "reports", "政策": "policies"}
# a draft may come in every format the document model reads (images and scans through OCR)
DRAFT_SUFFIXES = (".docx", ".doc", ".wps", ".pdf", ".txt", ".md", ".xlsx", ".xls", ".png", ".jpg", ".jpeg")
STREAM_REFRESH = 0.1  # seconds between chat updates while an answer streams


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
        self.cookies = SessionCookies(load_secret(settings.data_dir / "session.key"))
        self.login_on = bool(settings.auth_pairs())
        self.read_limits = ReadLimits.from_settings(settings)
        self.max_bytes = int(settings.max_file_mb * 1024 * 1024)
        self.admins = frozenset(settings.admin_names())
        self._ingest_lock = threading.Lock()

    def status(self) -> str:
        if self.model is not None:
            name = getattr(self.model, "model_name", None) or self.settings.llm_model or "本机模型"
            where = public_url(self.settings.openai_base_url) or ("本机 GGUF" if self.settings.local_gguf else "")
            llm = f"大模型：{name}" + (f"（{where}）" if where else "")
        else:
            llm = "离线模式：未配置大模型，起草用模板和数据表，审核用规则判定"
            if self.model_error:
                llm += f"（{self.model_error}）"
        return f"{llm}；{self.kb.describe_backends()}"

    def identify(self, request: Any) -> Identity:
        """Who sent ``request``; a Chinese error for the page when nobody the server knows did."""
        import gradio as gr

        try:
            return identify(request, self.cookies, self.admins)
        except UnknownSession as exc:
            raise gr.Error(str(exc), title="会话无效") from exc

    def access(self, who: Identity) -> Access:
        return Access(who.owner, who.admin, private=self.login_on)

    def kb_for(self, who: Identity) -> Any:
        return view_for(self.kb, self.access(who), self.uploads)

    def evidence_dir(self, who: Identity) -> Path:
        return self.settings.workspaces_dir / f"{self.store.path_for(who.key).stem}-evidence"

    def new_export_dir(self) -> Path:
        folder = self.exports / new_id()
        folder.mkdir(parents=True)
        return folder


def uploader(record: Any, uploads: Path, who: Identity) -> str:
    owner = owner_of(record, uploads)
    if owner is None:
        return "内置"
    if owner == who.owner:
        return who.label if who.username else "本浏览器"
    return user_of_owner_folder(owner) or ("其他浏览器" if owner.startswith("b-") else "共享")


def _original_name(item: Any) -> str:
    """The name a browser gave an uploaded file (Gradio keeps it as the temp file's name)."""
    return getattr(item, "orig_name", None) or Path(item if isinstance(item, str) else item.name).name


def _temp_path(item: Any) -> Path:
    return Path(item if isinstance(item, str) else item.name)


def build_app(settings: Settings, *, kb: Any = None, model: Any = None):
    import gradio as gr

    from assistant.chat.service import respond
    from assistant.document.readers import SUPPORTED_SUFFIXES
    from assistant.drafting.templates import load_template
    from assistant.ui import api
    from assistant.ui.markup import chat_display, md_lines, md_text
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

    # --- page load: identity, then every panel from the saved workspace --------------------------
    def on_load(request: gr.Request):
        who = services.identify(request)
        ws = services.store.load(who.key)
        sections = [ws.sections.get(s.id, "") for s in template.sections]
        status = services.status() + (f"；当前用户：{who.username}" if who.username else "")
        return (
            chat_display(ws.chat),
            rows_to_grid(ws.figures) or [["", "", "", "", ""]],
            _grid_message(ws.figures),
            ws.title,
            ws.year,
            ws.draft,
            *sections,
            list_documents(who),
            md_text(status),
        )

    def _grid_message(rows: list[dict[str, str]]) -> str:
        if not rows:
            return md_text("数据表为空：可直接在表格中填写，或导入 CSV / Excel。")
        check = check_rows(rows)
        if check.errors:
            return md_lines(f"有效 {check.valid_rows} 行；以下行有问题，起草和核查时不使用：", check.errors)
        return md_text(f"有效 {check.valid_rows} 行，起草和核查都使用这些数字。")

    # --- chat --------------------------------------------------------------------------------------
    def send(message: str, mode: str, request: gr.Request):
        who = services.identify(request)
        ws = services.store.load(who.key)
        history = list(ws.chat)
        if not message or not message.strip():
            yield chat_display(history), message, gr.update(), gr.update(), gr.update()
            return
        if len(message) > settings.max_chat_chars:
            raise gr.Error(
                f"消息过长（{len(message)} 字，上限 {settings.max_chat_chars} 字）：请把文稿在“文稿”页导入后再核查。",
                title="消息过长",
            )
        history.append({"role": "user", "content": message})
        history.append({"role": "assistant", "content": "处理中……"})
        yield chat_display(history), message, gr.update(), gr.update(), gr.update(visible=False)
        tokens: queue.Queue[str] = queue.Queue()
        waiting = {"attempt": 0}  # the model call's attempt, as on_wait reports it
        outcome: dict[str, Any] = {}
        evidence_dir = services.evidence_dir(who)
        evidence = [evidence_dir] if evidence_dir.exists() and any(evidence_dir.iterdir()) else None
        kb_view = services.kb_for(who)

        def work() -> None:
            try:
                outcome["result"] = respond(message, mode, ws, kb=kb_view, model=services.model, evidence=evidence,
                                            on_token=tokens.put, on_wait=lambda _s, a: waiting.update(attempt=a))  # fmt: skip
            except Exception:  # noqa: BLE001 - shown in Chinese in the chat, the message kept
                log.exception("chat turn failed")
                outcome["crash"] = "处理时出错，请稍后再试；如果一再出现，请把这条消息和时间告诉管理员。"

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        streamed = ""
        started = shown = time.monotonic()
        while worker.is_alive() or not tokens.empty():
            try:
                streamed += tokens.get(timeout=STREAM_REFRESH)
            except queue.Empty:
                if not streamed and time.monotonic() - shown >= 1:
                    shown = time.monotonic()
                    history[-1] = {"role": "assistant", "content": _waiting(shown - started, waiting["attempt"])}
                    yield chat_display(history), message, gr.update(), gr.update(), gr.update()
                continue
            if time.monotonic() - shown >= STREAM_REFRESH:
                shown = time.monotonic()
                history[-1] = {"role": "assistant", "content": streamed}
                yield chat_display(history), message, gr.update(), gr.update(), gr.update()
        worker.join()
        result = outcome.get("result")
        fresh = services.store.load(who.key)  # edits made elsewhere during the turn are kept
        if result is None or result.error:
            error = outcome.get("crash") or result.error
            history[-1] = {"role": "assistant", "content": f"⚠️ {error}"}
            fresh.chat = history
            services.store.save(fresh)
            yield chat_display(history), message, gr.update(), gr.update(), gr.update(visible=False)
            return
        history[-1] = {"role": "assistant", "content": _chat_text(result)}
        fresh.chat, fresh.candidate = history, ws.candidate
        services.store.save(fresh)
        findings_html = render_checked(result.checked_text, result.findings, result.comments, result.coverage)
        if result.claims:
            findings_html += render_claims(result.claims)
        yield (chat_display(history), "", findings_html, render_sources(result.sources),
               gr.update(visible=bool(result.section)))  # fmt: skip

    def _waiting(elapsed: float, attempt: int) -> str:
        if not attempt:
            return f"处理中……已用时 {elapsed:.0f} 秒"
        again = f"（第 {attempt} 次尝试）" if attempt > 1 else ""
        return f"处理中……等待大模型响应，已用时 {elapsed:.0f} 秒{again}"

    def _chat_text(result) -> str:
        head = f"【{result.label}】 {result.notice}".strip()
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

    def accept(request: gr.Request):
        who = services.identify(request)
        ws = services.store.load(who.key)
        candidate = ws.candidate or {}
        if not candidate.get("section"):
            gr.Warning("没有可采纳的草稿。", title="提示")
            return [gr.update() for _ in template.sections]
        ws.sections[candidate["section"]] = candidate.get("text", "")
        services.store.save(ws)
        gr.Info(f"已采纳：{template.section(candidate['section']).heading}", title="提示")
        return [ws.sections.get(s.id, "") for s in template.sections]

    # --- data grid ---------------------------------------------------------------------------------
    def save_grid(grid: Any, request: gr.Request):
        who = services.identify(request)
        rows = clean_rows(_grid_rows(grid))
        ws = services.store.load(who.key)
        ws.figures = rows
        services.store.save(ws)
        return _grid_message(rows)

    def import_grid(file: Any, request: gr.Request):
        who = services.identify(request)
        if file is None:
            return gr.update(), md_text("请选择 CSV 或 Excel 文件。")
        try:
            rows = rows_from_file(_temp_path(file), services.read_limits)
        except AssistantError as exc:
            return gr.update(), md_text(f"导入失败：{exc}")
        ws = services.store.load(who.key)
        ws.figures = rows
        services.store.save(ws)
        return rows_to_grid(rows), md_text(f"已导入 {len(rows)} 行。") + "\n\n" + _grid_message(rows)

    def export_grid(grid: Any, request: gr.Request):
        services.identify(request)
        rows = clean_rows(_grid_rows(grid))
        target = inside(services.exports, services.new_export_dir() / "数据表.xlsx")
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
    def list_documents(who: Identity) -> list[list[Any]]:
        try:
            records = services.kb.documents()
        except AssistantError as exc:
            log.warning("document list unavailable: %s", exc)
            return []
        access = services.access(who)
        kinds = {"report": "报告", "policy": "政策"}
        return [
            [r.source, kinds.get(r.doc_type, r.doc_type), r.year or "", r.unit, r.chunk_count,
             uploader(r, services.uploads, who)]  # fmt: skip
            for r in records
            if access.visible(r, services.uploads)
        ]

    def upload(files: list[Any] | None, kind: str, request: gr.Request, progress=gr.Progress()):  # noqa: B008 - how Gradio injects progress
        from assistant.document.readers import REFUSED_SUFFIXES, SUPPORTED_SUFFIXES, read_document
        from assistant.ui.progress import GradioProgress, ocr_progress

        who = services.identify(request)
        if not files:
            return list_documents(who), md_text("请选择要上传的文件。")
        folder = services.uploads / who.owner / TYPE_FOLDERS.get(kind, "reports")
        problems: list[str] = []
        placed: list[Path] = []
        with services._ingest_lock:
            records = {Path(r.root) / r.source: r for r in services.kb.documents()}
            for item in files:
                name = file_name(_original_name(item), "文档", SUPPORTED_SUFFIXES + tuple(REFUSED_SUFFIXES))
                if Path(name).suffix in REFUSED_SUFFIXES:
                    problems.append(f"“{name}”：{REFUSED_SUFFIXES[Path(name).suffix]}")
                    continue
                if Path(name).suffix not in SUPPORTED_SUFFIXES:
                    problems.append(f"“{name}”的格式不支持（支持 {'、'.join(SUPPORTED_SUFFIXES)}）")
                    continue
                target = inside(services.uploads, folder / name)
                existing = records.get(target)
                if existing is not None and not services.access(who).may_change(existing, services.uploads):
                    problems.append(f"“{name}”已由其他用户上传，不能替换")
                    continue
                staged = inside(services.uploads, services.uploads / ".staging" / new_id() / name)
                staged.parent.mkdir(parents=True)
                try:
                    shutil.copyfile(_temp_path(item), staged)
                    # refused before it is placed; read once (the pipeline gets the same document back)
                    read_document(
                        staged, name, services.max_bytes, services.read_limits, ocr_progress(progress, name)
                    )
                except AssistantError as exc:
                    problems.append(str(exc))
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged, target)
                placed.append(target)
            shutil.rmtree(services.uploads / ".staging", ignore_errors=True)
            if not placed:
                return list_documents(who), md_lines("没有文件入库：", problems)
            try:
                report = services.kb.ingest(placed, GradioProgress(progress))
            except AssistantError as exc:
                return list_documents(who), md_text(f"入库失败：{exc}")
            kept = {Path(r.root) / r.source for r in services.kb.documents()}
            for target in placed:  # a file the pipeline refused is not left on disk
                if target.resolve() not in kept:
                    target.unlink(missing_ok=True)
        return list_documents(who), md_lines(report.summary(), problems + [m for _, m in report.failed])

    def remove(name: str, request: gr.Request):
        who = services.identify(request)
        if not name or not name.strip():
            return list_documents(who), md_text("请输入要移除的文件名。")
        wanted = name.strip()
        access = services.access(who)
        with services._ingest_lock:
            matches = [
                r for r in services.kb.documents()
                if wanted in (r.source, r.doc_id) or r.source.endswith("/" + wanted)
                if access.visible(r, services.uploads)
            ]  # fmt: skip
            if not matches:
                return list_documents(who), md_text(f"知识库中没有“{wanted}”。")
            allowed = [r for r in matches if access.may_change(r, services.uploads)]
            if not allowed:
                builtin = all(owner_of(r, services.uploads) is None for r in matches)
                reason = "是内置文档，只能由管理员在服务器上调整" if builtin else "由其他用户上传，只有上传者或管理员可以移除"
                return list_documents(who), md_text(f"“{wanted}”{reason}。")
            from assistant.ingest.pipeline import remove_document

            for record in allowed:
                remove_document(services.kb.store, record)
                uploaded = Path(record.root) / record.source
                if uploaded.resolve().is_relative_to(services.uploads.resolve()):
                    uploaded.unlink(missing_ok=True)
        names = "、".join(r.source for r in allowed)
        return list_documents(who), md_text(f"已移除 {len(allowed)} 个文件：{names}")

    def reindex(request: gr.Request, progress=gr.Progress()):  # noqa: B008 - how Gradio injects progress
        from assistant.ui.progress import GradioProgress

        who = services.identify(request)
        if services.login_on and services.admins and not who.admin:
            return list_documents(who), md_text("重新索引会重读所有用户的文档，只有管理员可以执行。")
        roots = [settings.knowledge_dir]
        if services.uploads.exists():
            for owner in sorted(p for p in services.uploads.iterdir() if p.is_dir() and not p.name.startswith(".")):
                kinds = [k for k in owner.iterdir() if k.is_dir()]
                roots.extend(kinds if owner.name.startswith(("u-", "b-", "h-")) else [owner])
        with services._ingest_lock:
            try:
                report = services.kb.ingest([r for r in roots if r.exists()], GradioProgress(progress))
            except AssistantError as exc:
                return list_documents(who), md_text(f"重新索引失败：{exc}")
        return list_documents(who), md_lines(report.summary(), [m for _, m in report.failed])

    def search_panel(query: str, kind: str, request: gr.Request):
        from html import escape

        from assistant.retrieval.retriever import SearchFilters

        who = services.identify(request)
        if not query or not query.strip():
            return "<p>请输入检索内容。</p>"
        response = services.kb_for(who).search(
            query, settings.search_k, SearchFilters(doc_type={"报告": "report", "政策": "policy"}.get(kind))
        )
        warning = f"<p>⚠ {escape(response.warning)}</p>" if response.warning else ""
        results = [r.as_passage() | {"n": n} for n, r in enumerate(response.results, start=1)]
        return warning + (render_sources(results) or "<p>没有找到相关内容。</p>")

    # --- report workspace --------------------------------------------------------------------------
    def save_report(request: gr.Request, title: str, year: Any, draft_text: str, *sections: str):
        who = services.identify(request)
        ws = services.store.load(who.key)
        ws.title, ws.draft = title or "", draft_text or ""
        try:
            ws.year = int(year) if year not in (None, "") else None
        except (TypeError, ValueError, OverflowError):
            ws.year = None
        ws.sections = {
            s.id: text for s, text in zip(template.sections, sections, strict=True) if text and text.strip()
        }
        services.store.save(ws)
        return md_text(f"已保存（{len(ws.sections)} 个部分）。")

    def export_docx(request: gr.Request, title: str, year: Any, draft_text: str, *sections: str):
        from assistant.workspace.export import export_workspace_docx

        save_report(request, title, year, draft_text, *sections)
        ws = services.store.load(services.identify(request).key)
        if not ws.sections:
            gr.Warning("报告还没有任何部分：请先起草并采纳，或在下方各部分中填写。", title="提示")
            return None
        shown = display_name(ws.title, "绩效自评报告", max_chars=40)
        target = inside(services.exports, services.new_export_dir() / f"{shown}.docx")
        return str(export_workspace_docx(ws, target))

    def import_draft(file: Any, request: gr.Request, progress=gr.Progress()):  # noqa: B008 - how Gradio injects progress
        from assistant.document.readers import read_document
        from assistant.ui.progress import ocr_progress

        who = services.identify(request)
        if file is None:
            return gr.update(), md_text(f"请选择文稿（{'、'.join(DRAFT_SUFFIXES)}）。")
        name = file_name(_original_name(file), "文稿", DRAFT_SUFFIXES)
        if Path(name).suffix not in DRAFT_SUFFIXES:
            return gr.update(), md_text(f"“{name}”的格式不支持（支持 {'、'.join(DRAFT_SUFFIXES)}）。")
        try:
            document = read_document(
                _temp_path(file), name, services.max_bytes, services.read_limits, ocr_progress(progress, name)
            )
            text = document.text
        except AssistantError as exc:
            return gr.update(), md_text(f"导入失败：{exc}")
        if len(text) > settings.max_check_chars:
            return gr.update(), md_text(
                f"“{name}”过长（{len(text)} 字，上限 {settings.max_check_chars} 字），请分部分导入。"
            )
        ws = services.store.load(who.key)
        ws.draft = text
        services.store.save(ws)
        how = ""
        if document.ocr_pages:
            how = f"其中 {len(document.ocr_pages)} 页为扫描件，经文字识别读取，请核对识别结果。"
        elif document.tables:
            how = f"含 {len(document.tables)} 个表格，每行一行、单元格以“|”分隔。"
        return text, md_text(
            f"已导入“{name}”（{len(text)} 字）。{how}在对话中选“核查数字”或“审核依据”即可检查。"
        )

    def add_evidence(files: list[Any] | None, request: gr.Request, progress=gr.Progress()):  # noqa: B008 - how Gradio injects progress
        from assistant.document.readers import SUPPORTED_SUFFIXES, read_document
        from assistant.ui.progress import ocr_progress

        who = services.identify(request)
        if not files:
            return md_text("请选择佐证材料文件。")
        folder = services.evidence_dir(who)
        folder.mkdir(parents=True, exist_ok=True)
        refused = []
        for item in files:
            name = file_name(_original_name(item), "佐证材料", SUPPORTED_SUFFIXES)
            if Path(name).suffix not in SUPPORTED_SUFFIXES:
                refused.append(f"“{name}”的格式不支持（支持 {'、'.join(SUPPORTED_SUFFIXES)}）")
                continue
            try:  # read now (a scan is OCRed with progress shown); the review gets the same document back
                read_document(
                    _temp_path(item), name, services.max_bytes, services.read_limits, ocr_progress(progress, name)
                )
            except AssistantError as exc:
                refused.append(str(exc))
                continue
            shutil.copyfile(_temp_path(item), inside(folder, folder / name))
        names = sorted(p.name for p in folder.iterdir())
        return md_lines(f"佐证材料（{len(names)} 个，审核依据时使用）：{'、'.join(names)}", refused)

    # --- API endpoints (gradio_client scripts the app with these) ------------------------------------
    def _api_call(fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except AssistantError as exc:
            raise gr.Error(str(exc), title="请求有误") from exc

    def _api_kb(request: gr.Request | None) -> Any:
        """The knowledge base as the API caller may search it (with login on, a user's own view)."""
        if not services.login_on:
            return services.kb
        return services.kb_for(services.identify(request))

    def api_check(text: str, figures_csv: str = "") -> dict:
        return _api_call(api.api_check, text, figures_csv, max_chars=settings.max_check_chars)

    def api_review(text: str, figures_csv: str = "", request: gr.Request = None) -> dict:
        return _api_call(api.api_review, text, figures_csv, kb=_api_kb(request), model=services.model,
                         max_chars=settings.max_check_chars)  # fmt: skip

    def api_draft(section: str, figures_csv: str = "", instructions: str = "", request: gr.Request = None) -> dict:
        return _api_call(
            api.api_draft, section, figures_csv, instructions, kb=_api_kb(request), model=services.model
        )

    def api_search(query: str, k: int = 5, doc_type: str = "", request: gr.Request = None) -> list:
        return _api_call(api.api_search, query, k, doc_type, kb=_api_kb(request))

    # --- layout ------------------------------------------------------------------------------------
    with gr.Blocks(title="绩效自评报告助手", delete_cache=(3600, 24 * 3600)) as demo:  # uploads kept a day
        gr.Markdown("## 绩效自评报告助手")
        status = gr.Markdown(elem_classes=["status-line"], elem_id="status")
        with gr.Tabs():
            with gr.Tab("对话", id="chat"):  # noqa: SIM117 - the layout reads as nested blocks
                with gr.Row():
                    with gr.Column(scale=5):
                        chatbot = gr.Chatbot(
                            label="对话", height=460, elem_id="chatbot", feedback_options=None,
                            latex_delimiters=[], sanitize_html=True,
                        )  # fmt: skip
                        mode = gr.Radio(
                            MODE_CHOICES, value=AUTO, label="模式（“自动”按消息判断）", elem_id="mode"
                        )
                        message = gr.Textbox(
                            label="消息", lines=3, elem_id="message", max_length=settings.max_chat_chars,
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
                grid_message = gr.Markdown(elem_id="grid-message", line_breaks=True)
                with gr.Row():
                    save_grid_button = gr.Button("保存数据表", variant="primary", elem_id="save-grid")
                    grid_file = gr.File(
                        label="导入 CSV / Excel", file_types=[".csv", ".xlsx", ".xls"], elem_id="grid-import"
                    )
                    export_grid_button = gr.Button("导出 Excel", elem_id="export-grid")
                    grid_download = gr.File(label="下载", interactive=False, elem_id="grid-download")
            with gr.Tab("知识库", id="kb"):
                with gr.Row():
                    upload_files = gr.File(label=f"上传文档（{' '.join(SUPPORTED_SUFFIXES)}）", file_count="multiple",
                                           elem_id="kb-upload")  # fmt: skip
                    upload_kind = gr.Radio(["报告", "政策"], value="报告", label="文档类型")
                    upload_button = gr.Button("上传并入库", variant="primary", elem_id="kb-upload-button")
                kb_message = gr.Markdown(elem_id="kb-message", line_breaks=True)
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
                    draft_file = gr.File(label=f"导入文稿（{' '.join(DRAFT_SUFFIXES)}）", file_types=list(DRAFT_SUFFIXES),
                                         elem_id="draft-import")  # fmt: skip
                    evidence_files = gr.File(
                        label="佐证材料（审核依据用）", file_count="multiple", elem_id="evidence"
                    )
                draft_text = gr.Textbox(label="待审文稿", lines=10, elem_id="draft-text")
                draft_message = gr.Markdown(elem_id="draft-message", line_breaks=True)

        report_inputs = [title, year, draft_text, *section_boxes]
        llm_limit = {"concurrency_limit": settings.llm_concurrency, "concurrency_id": "llm"}
        imports = {"concurrency_limit": settings.import_concurrency, "concurrency_id": "import"}
        ingest = {"concurrency_limit": 1, "concurrency_id": "ingest"}
        private = {"api_visibility": "private"}
        send_event = dict(fn=send, inputs=[message, mode],
                          outputs=[chatbot, message, findings_view, sources_view, accept_button], **llm_limit)  # fmt: skip
        send_button.click(**send_event, **private)
        message.submit(**send_event, **private)
        accept_button.click(accept, None, section_boxes, **private)
        save_grid_button.click(save_grid, [grid], grid_message, **private)
        grid.input(save_grid, [grid], grid_message, **private)  # edits saved as typed
        grid_file.upload(import_grid, [grid_file], [grid, grid_message], **imports, **private)
        export_grid_button.click(export_grid, [grid], grid_download, **private)
        upload_button.click(upload, [upload_files, upload_kind], [documents, kb_message], **ingest, **private)
        remove_button.click(remove, [remove_name], [documents, kb_message], **ingest, **private)
        reindex_button.click(reindex, None, [documents, kb_message], **ingest, **private)
        search_button.click(search_panel, [query, kind], search_results, **private)
        query.submit(search_panel, [query, kind], search_results, **private)
        save_report_button.click(save_report, report_inputs, report_message, **private)
        for box in (title, year, draft_text, *section_boxes):  # leaving a field saves the report
            box.blur(save_report, report_inputs, report_message, **private)
        export_button.click(export_docx, report_inputs, docx_file, **private)
        draft_file.upload(import_draft, [draft_file], [draft_text, draft_message], **imports, **private)
        evidence_files.upload(add_evidence, [evidence_files], draft_message, **imports, **private)
        demo.load(
            on_load,
            None,
            [chatbot, grid, grid_message, title, year, draft_text, *section_boxes, documents, status],
            **private,
        )
        gr.api(api_check, api_name="check")
        gr.api(api_review, api_name="review", **llm_limit)
        gr.api(api_draft, api_name="draft", **llm_limit)
        gr.api(api_search, api_name="search")
    demo.services = services  # for tests and the launcher
    return demo


def _lighten_gradio_per_event_work() -> None:
    """Two costs Gradio pays on every event, measured with py-spy under 50 sessions (bench/app_load.py):

    - its queue rebuilds a pandas DataFrame of up to 10,000 past events after each event for its monitoring
      summary (GRADIO_ANALYTICS_CACHE_FREQUENCY=1): the cost grows with the number of events served, so a
      long-running server slows down. Every 500 events is plenty for a summary nobody here reads.
    - it tries ``import matplotlib`` twice per event to switch plot backends; with matplotlib not installed
      each try searches sys.path on disk. Marking the module absent makes the failed import immediate.
    """
    import importlib.util
    import sys

    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "500")
    if "matplotlib" not in sys.modules and importlib.util.find_spec("matplotlib") is None:
        sys.modules["matplotlib"] = None  # type: ignore[assignment]  # "import matplotlib" -> ImportError


def start(
    settings: Settings,
    *,
    kb: Any = None,
    model: Any = None,
    host: str | None = None,
    port: int | None = None,
    block: bool = True,
    **kwargs: Any,
):
    """Build the page and serve it with its session cookies and login guard; the one way the app starts
    (the CLI, the tests and the benchmarks all come through here). Returns the running Blocks."""
    from starlette.middleware import Middleware

    from assistant.ui.identity import SessionMiddleware
    from assistant.ui.login_guard import FailureLog, LoginGuard
    from assistant.ui.render import CSS

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    # Gradio's own copies of uploads and downloads stay under the data dir too (the first app of a process
    # decides: the variable is read by Gradio in many places)
    os.environ.setdefault("GRADIO_TEMP_DIR", str((settings.data_dir / "tmp").resolve()))
    _lighten_gradio_per_event_work()
    demo = build_app(settings, kb=kb, model=model)
    services: AppServices = demo.services
    auth = settings.auth_pairs() or None
    failures = FailureLog(settings.login_max_failures, settings.login_window_seconds)
    middleware = [
        Middleware(LoginGuard, failures=failures),
        Middleware(SessionMiddleware, cookies=services.cookies),
    ]
    demo.login_failures = failures
    demo.queue(default_concurrency_limit=settings.ui_concurrency).launch(
        server_name=host or settings.host,
        server_port=port or settings.port,
        show_error=False,
        auth=auth,
        auth_message="请输入用户名和密码" if auth else None,
        css=CSS,
        app_kwargs={"middleware": middleware},
        prevent_thread_lock=not block,
        **kwargs,
    )
    return demo


def launch(settings: Settings, host: str | None = None, port: int | None = None, **kwargs: Any) -> None:
    start(settings, host=host, port=port, **kwargs)
