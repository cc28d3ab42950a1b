"""The Gradio app starts on 127.0.0.1 and answers the named `search` endpoint through gradio_client."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.knowledge import KnowledgeBase
from tests.conftest import free_port
from tests.sample_files import make_corpus

pytestmark = pytest.mark.slow


def test_search_endpoint_over_http(tmp_path: Path, make_settings) -> None:
    from gradio_client import Client

    from assistant.app import build_app

    corpus = tmp_path / "kb"
    make_corpus(corpus)
    settings = make_settings(None, knowledge_dir=corpus)
    kb = KnowledgeBase(settings)
    kb.ingest()
    kb.close()

    demo = build_app(settings)
    port = free_port()
    demo.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        html = client.predict("农村公路提质改造多少公里", "全部", api_name="/search")
        assert "reports/2023-jiaotong.docx" in html and "56公里" in html
        policy = client.predict("自评范围", "政策", api_name="/search")
        assert "policies/jixiao-tongzhi.pdf" in policy and "reports/" not in policy
    finally:
        demo.close()
