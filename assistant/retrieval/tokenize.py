"""jieba tokens for BM25, with the domain's terms and jieba's cache kept under the data dir."""

from __future__ import annotations

import logging
import re
import threading
from importlib import resources
from pathlib import Path

_STOPWORDS = frozenset(
    "的 了 和 与 及 或 在 是 为 对 等 将 把 被 由 从 向 以 于 其 之 中 上 下 个 各 该 此 这 那 也 都 并 而 "
    "怎么 怎样 如何 什么 哪些 多少 是否 吗 呢 啊 吧 请问 请 有 没有 可以 应该 需要".split()
)
_KEEP = re.compile(r"[\w%％.]", re.UNICODE)

_lock = threading.Lock()
_tokenizer = None


def _get_tokenizer(cache_dir: Path | None):
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            if cache_dir is not None:
                cache_dir.mkdir(parents=True, exist_ok=True)
                tokenizer.tmp_dir = str(cache_dir)
            terms = resources.files("assistant.data").joinpath("jieba_terms.txt")
            with resources.as_file(terms) as path:
                tokenizer.load_userdict(str(path))
            _tokenizer = tokenizer
        return _tokenizer


def tokenize(text: str, cache_dir: Path | None = None) -> list[str]:
    """Search-mode jieba tokens, lower-cased, without punctuation and common function words."""
    tokenizer = _get_tokenizer(cache_dir)
    tokens = []
    for token in tokenizer.cut_for_search(text.lower()):
        token = token.strip()
        if token and token not in _STOPWORDS and _KEEP.search(token):
            tokens.append(token)
    return tokens
