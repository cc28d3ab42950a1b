"""The PDF reader on a real published document: tables found (rows × columns, caption, unit), gaps left
between numbers and units, sentences broken by line wraps, offset-map exactness and time per page.

Usage: python bench/pdf_template.py [PDF ...]
Without arguments it reads the 部门决算 disclosure template in ../shared/real-docs/ when that folder is
present beside the checkout (it is not part of the project).
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "real-docs" / "final-accounts-disclosure-template-2024.pdf"


def report(path: Path) -> None:
    from assistant.document.pdf_layout import read_layout

    started = time.perf_counter()
    layout = read_layout(path, path.name, 500)
    seconds = time.perf_counter() - started
    pages = len(layout.page_starts)
    print(f"{path.name}: {pages} pages, {seconds * 1000 / max(pages, 1):.0f} ms/page, {len(layout.text)} logical chars")
    for table in layout.tables:
        print(f"  p.{table.page}{'+' if len(table.pages) > 1 else ''} {len(table.rows)}×{len(table.rows[0]) if table.rows else 0}"
              f" header {table.header_rows} unit {table.unit or '-'}  {table.caption[:30] or '(no caption)'}")  # fmt: skip
    gaps = len(re.findall(r"[\dX]\s+万元", layout.text))
    moved = [i for i in range(1, len(layout.text)) if layout.offsets[i] != layout.offsets[i - 1]]
    exact = sum(1 for i in moved if layout.raw[layout.offsets[i]] == layout.text[i] or layout.text[i] == "\n")
    lines = layout.text.split("\n")
    cjk = re.compile(r"[\u4e00-\u9fff]")
    broken = sum(
        1 for a, b in zip(lines, lines[1:], strict=False)
        if len(a) > 30 and " | " not in a + b and cjk.fullmatch(a[-1:]) and cjk.match(b[:1])
    )  # fmt: skip
    print(f"  number–unit gaps left: {gaps}; long lines broken mid-sentence: {broken}; "
          f"offsets exact where they advance: {exact}/{len(moved)}")  # fmt: skip


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or ([DEFAULT] if DEFAULT.exists() else [])
    if not paths:
        print("no PDF given and the real template is not present")
        return 0
    for path in paths:
        report(path)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main(sys.argv[1:]))
