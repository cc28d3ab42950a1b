"""The Gradio app. For now: knowledge-base status, document list and search with citations."""

from __future__ import annotations

import html
import os

from assistant.settings import Settings


def _render_results(response) -> str:
    if not response.results:
        body = "<p>没有找到相关内容。</p>"
    else:
        items = []
        for rank, r in enumerate(response.results, start=1):
            items.append(
                f"<div class='hit'><b>[{rank}] {html.escape(r.source)}</b> · {html.escape(r.section or '（无章节）')}"
                f" · 字符 {r.start}–{r.end} · 得分 {r.score:.4f}<pre>{html.escape(r.text)}</pre></div>"
            )
        body = "".join(items)
    if response.warning:
        body = f"<p style='color:#b45309'>⚠ {html.escape(response.warning)}</p>" + body
    return body


def build_app(settings: Settings):
    import gradio as gr

    from assistant.knowledge import KnowledgeBase

    kb = KnowledgeBase(settings)

    def do_search(query: str, doc_type: str) -> str:
        from assistant.retrieval.retriever import SearchFilters

        filters = SearchFilters(doc_type={"报告": "report", "政策": "policy"}.get(doc_type))
        return _render_results(kb.search(query, settings.search_k, filters))

    def list_docs() -> list[list[object]]:
        return [[r.source, r.doc_type, r.year or "", r.unit, r.chunk_count] for r in kb.documents()]

    with gr.Blocks(title="绩效自评报告助手") as demo:
        gr.Markdown("# 绩效自评报告助手\n知识库检索（起草、核查与审核功能将在后续版本加入）。")
        gr.Markdown(kb.describe_backends())
        with gr.Row():
            query = gr.Textbox(label="检索问题", placeholder="例如：三公经费变动率怎么计算", scale=4)
            doc_type = gr.Radio(["全部", "报告", "政策"], value="全部", label="文档类型", scale=1)
        button = gr.Button("检索", variant="primary")
        results = gr.HTML()
        button.click(do_search, [query, doc_type], results, api_name="search")
        query.submit(do_search, [query, doc_type], results)
        docs = gr.Dataframe(
            headers=["文件", "类型", "年度", "单位", "片段数"], label="已入库文件", interactive=False
        )
        demo.load(list_docs, None, docs)
    return demo


def launch(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    demo = build_app(settings)
    demo.queue(default_concurrency_limit=4).launch(
        server_name=host or settings.host, server_port=port or settings.port, show_error=True
    )
