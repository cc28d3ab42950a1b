"""jieba tokens of stored chunks cached on disk by text hash, so the BM25 index rebuilds in a moment."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from assistant.retrieval.tokenize import tokenize

TOKENIZER_VERSION = "jieba-search-v1"


class TokenCache:
    def __init__(self, cache_dir: Path) -> None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        self._cache_dir = cache_dir
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(cache_dir / "tokens.sqlite"), timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS tokens (key TEXT PRIMARY KEY, tokens TEXT)")
        self._db.commit()

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.sha256(f"{TOKENIZER_VERSION}\0{text}".encode()).hexdigest()

    def tokens_for(self, texts: Sequence[str]) -> list[list[str]]:
        keys = [self._key(t) for t in texts]
        known: dict[str, list[str]] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                batch = keys[i : i + 500]
                marks = ",".join("?" * len(batch))
                for key, joined in self._db.execute(
                    f"SELECT key, tokens FROM tokens WHERE key IN ({marks})", batch
                ):
                    known[key] = joined.split("\x1f") if joined else []
        fresh = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in known:
                known[key] = fresh[key] = tokenize(text, self._cache_dir)
        if fresh:
            with self._lock:
                self._db.executemany(
                    "INSERT OR REPLACE INTO tokens (key, tokens) VALUES (?, ?)",
                    [(k, "\x1f".join(v)) for k, v in fresh.items()],
                )
                self._db.commit()
        return [known[k] for k in keys]

    def close(self) -> None:
        with self._lock:
            self._db.close()
