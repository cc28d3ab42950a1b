"""Progress bars for files and chunks on the terminal (stderr)."""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm

from assistant.ingest.pipeline import Progress

_STATUS = {
    "added": "已入库",
    "updated": "已更新",
    "unchanged": "未变化，跳过",
    "failed": "失败",
    "removed": "已移除",
}


class TerminalProgress(Progress):
    """A files bar and a chunks bar; one line per file outcome printed above them."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.files: tqdm | None = None
        self.chunks = tqdm(
            total=0, desc="片段", unit="段", position=1, file=self.stream, leave=True, dynamic_ncols=True
        )

    def files_total(self, total: int) -> None:
        self.files = tqdm(
            total=total, desc="文件", unit="个", position=0, file=self.stream, leave=True, dynamic_ncols=True
        )

    def file_started(self, source: str, chunks: int) -> None:
        self.chunks.total = (self.chunks.total or 0) + chunks
        self.chunks.set_postfix_str(source[-30:])
        self.chunks.refresh()

    def chunks_done(self, count: int) -> None:
        self.chunks.update(count)

    def file_done(self, source: str, status: str) -> None:
        tqdm.write(f"{_STATUS.get(status, status)}：{source}", file=self.stream)
        if self.files is not None and status != "removed":
            self.files.update(1)

    def message(self, text: str) -> None:
        tqdm.write(text, file=self.stream)

    def close(self) -> None:
        if self.files is not None:
            self.files.close()
        self.chunks.close()
