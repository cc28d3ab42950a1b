"""Ingestion progress shown in the page: the same callbacks the terminal progress bars get."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistant.ingest.pipeline import Progress


class GradioProgress(Progress):
    def __init__(self, progress: Any) -> None:
        self.progress = progress
        self.total_files = 0
        self.files_finished = 0
        self.chunks_total = 0
        self.chunks_finished = 0
        self.current = ""

    def _show(self) -> None:
        if not self.total_files:
            return
        within = self.chunks_finished / self.chunks_total if self.chunks_total else 0.0
        fraction = min(1.0, (self.files_finished + within) / self.total_files)
        detail = f"{self.current}：片段 {self.chunks_finished}/{self.chunks_total}" if self.current else ""
        self.progress(fraction, desc=f"入库中 {self.files_finished}/{self.total_files} 个文件 {detail}")

    def files_total(self, total: int) -> None:
        self.total_files = total
        self._show()

    def file_started(self, source: str, chunks: int) -> None:
        self.current, self.chunks_total, self.chunks_finished = source, chunks, 0
        self._show()

    def chunks_done(self, count: int) -> None:
        self.chunks_finished += count
        self._show()

    def file_done(self, source: str, status: str) -> None:
        self.files_finished += 1
        self.current, self.chunks_total, self.chunks_finished = "", 0, 0
        self._show()


def ocr_progress(progress: Any, name: str) -> Callable[[int, int], None]:
    """An ``on_page`` callback showing a long OCR in Gradio's progress bar."""

    def on_page(done: int, total: int) -> None:
        progress(done / max(total, 1), desc=f"“{name}”文字识别：第 {done}/{total} 页")

    return on_page
