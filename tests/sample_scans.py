"""Generated "scans": Chinese text drawn with a Noto CJK font as a page image at 200 dpi."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

FONT_DIR = Path("/usr/share/fonts/opentype/noto")
DPI = 200
_PAGE_WIDTH = round(8.27 * DPI)  # A4
_MARGIN = round(0.9 * DPI)


def cjk_font(size: int) -> Any:
    """Noto Sans CJK SC at ``size`` pixels; a test fails with an install hint when it is missing."""
    from PIL import ImageFont

    path = FONT_DIR / "NotoSansCJK-Regular.ttc"
    if not path.exists():
        pytest.fail(
            f"{path} is missing: install fonts-noto-cjk (apt-get install fonts-noto-cjk, or scripts/setup.sh)"
        )
    return ImageFont.truetype(str(path), size, index=2)  # index 2: Simplified Chinese


def _wrap(paragraph: str, font: Any, width: int, indent: int) -> list[tuple[int, str]]:
    lines: list[tuple[int, str]] = []
    current, x0 = "", indent
    for ch in paragraph:
        if current and font.getlength(current + ch) > width - x0:
            lines.append((x0, current))
            current, x0 = "", 0
        current += ch
    if current:
        lines.append((x0, current))
    return lines


def render_text(text: str, point_size: float = 12, max_lines: int | None = None) -> Any:
    """``text`` (paragraphs separated by "\\n") as an A4-wide white page image, 2-em indented paragraphs."""
    from PIL import Image, ImageDraw

    size = round(point_size * DPI / 72)
    font = cjk_font(size)
    width = _PAGE_WIDTH - 2 * _MARGIN
    placed: list[tuple[int, str]] = []
    for paragraph in text.split("\n"):
        if paragraph.strip():
            placed += _wrap(paragraph.strip(), font, width, 2 * size)
    if max_lines is not None:
        placed = placed[:max_lines]
    pitch = round(1.6 * size)
    image = Image.new("RGB", (_PAGE_WIDTH, 2 * _MARGIN // 2 + pitch * len(placed) + size), "white")
    draw = ImageDraw.Draw(image)
    for k, (x0, line) in enumerate(placed):
        draw.text((_MARGIN + x0, _MARGIN // 2 + k * pitch), line, font=font, fill="black")
    return image
