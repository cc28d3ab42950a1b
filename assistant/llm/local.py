"""An optional local model: xllamacpp serves a GGUF file as an OpenAI-compatible server on 127.0.0.1 in-process,
so the same ChatOpenAI chain code runs against it (`pip install -e ".[local]"`, ASSISTANT_LOCAL_GGUF=path)."""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from typing import Any

from assistant.llm.client import LLMUnavailable

_lock = threading.Lock()
_servers: dict[tuple[str, int, int], tuple[Any, str]] = {}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def local_base_url(gguf: Path, threads: int, n_ctx: int) -> str:
    """Start (once per process and file) the in-process server and return its /v1 URL."""
    key = (str(gguf.resolve()), threads, n_ctx)
    with _lock:
        if key in _servers:
            return _servers[key][1]
        if not gguf.is_file():
            raise LLMUnavailable(f"本地模型文件“{gguf}”不存在（ASSISTANT_LOCAL_GGUF）")
        try:
            import xllamacpp
        except ImportError as exc:
            raise LLMUnavailable('未安装本地模型组件，请在 .venv 中运行 pip install -e ".[local]"') from exc
        params = xllamacpp.CommonParams()
        params.model.path = str(gguf)
        params.hostnames = ["127.0.0.1"]
        params.port = _free_port()
        params.n_ctx = n_ctx
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
        try:
            server = xllamacpp.Server(params)
        except Exception as exc:
            raise LLMUnavailable(f"本地模型“{gguf.name}”无法启动（{type(exc).__name__}）") from exc
        url = f"{server.listening_address.rstrip('/')}/v1"
        _servers[key] = (server, url)
        return url
