"""Offline OCR of images and of PDF pages without a text layer (RapidOCR, PP-OCRv6 models).

The engine is built once per process on first use, with its three models pinned to the files inside
the ``rapidocr`` package: choosing any other model would make RapidOCR download one at run time.
Pages are expected upright: the per-line 180° classifier is off (a page scanned upside down is misread).

Characters are kept as the recogniser returns them. It often returns half-width brackets and colons
for full-width ones (“(一)” for “（一）”); compare OCR text after NFKC when that matters.

Reading order (:func:`ocr_rows`, :func:`reading_text`): boxes whose vertical extents overlap by at
least half the smaller height form one row, rows go top to bottom and boxes in a row left to right.
Within a row, boxes are joined with a space only between two Latin letters or digits; other spaces
(e.g. in “9859.38 万元”) are dropped as the PDF reader drops them. A row that reaches the right margin
is a wrapped line and is joined to the next row when that one starts at the left margin; every other
row ends with a line break. Pages are separated by a line break.
"""

from __future__ import annotations

import io
import re
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.errors import InputFileError

MAX_PIXELS = 40_000_000  # an image larger than this is refused; a PDF page is rendered smaller
RENDER_DPI = 200
_LATIN = re.compile(r"[A-Za-z0-9]")
_SENTENCE_END = frozenset("。！？!?")
_ENUM_START = re.compile(
    r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d)|第.{1,3}[部分章节])"
)

Point = tuple[float, float]
OnPage = Callable[[int, int], None]


@dataclass(frozen=True)
class OcrLine:
    """One recognised text box: its text, confidence, corners (pixels of the image OCRed) and page."""

    text: str
    score: float
    box: tuple[Point, Point, Point, Point]  # top-left, top-right, bottom-right, bottom-left
    page: int | None = None  # 1-based PDF page; None for an image file

    @property
    def x0(self) -> float:
        return min(x for x, _ in self.box)

    @property
    def x1(self) -> float:
        return max(x for x, _ in self.box)

    @property
    def top(self) -> float:
        return min(y for _, y in self.box)

    @property
    def bottom(self) -> float:
        return max(y for _, y in self.box)


@lru_cache(maxsize=1)
def _engine() -> Any:
    """The process's one RapidOCR engine, its models pinned to the files bundled with the package."""
    import rapidocr
    from rapidocr import RapidOCR

    models = Path(rapidocr.__file__).parent / "models"
    return RapidOCR(
        params={
            "Det.model_path": str(models / "PP-OCRv6_det_small.onnx"),
            "Rec.model_path": str(models / "PP-OCRv6_rec_small.onnx"),
            "Cls.model_path": str(models / "ch_ppocr_mobile_v2.0_cls_mobile.onnx"),
            "EngineConfig.onnxruntime.intra_op_num_threads": 2,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            # the line-angle classifier is off: report scans are upright, and it turned a long,
            # slightly skewed line upside down (bench/ocr_accuracy.py, rotated 1°: "央一" for 37 characters)
            "Global.use_cls": False,
            "Global.log_level": "warning",
        }
    )


def _problem(exc: BaseException) -> str:
    from assistant.document.readers import unexpected_problem

    return unexpected_problem(exc)


def _open_image(image: Path | bytes | Any, shown: str) -> Any:
    """A PIL RGB image, upright by its EXIF orientation; refused when damaged or over MAX_PIXELS."""
    from PIL import Image, ImageOps

    if isinstance(image, Image.Image):
        img = image
    else:
        try:
            img = Image.open(io.BytesIO(image) if isinstance(image, bytes) else image)
        except Image.DecompressionBombError:  # Pillow's own limit, far above ours
            raise InputFileError(
                shown, f"图片过大（上限 {MAX_PIXELS // 1_000_000} 百万像素），请缩小后再导入"
            ) from None
        except (Image.UnidentifiedImageError, OSError, ValueError) as exc:
            if isinstance(exc, PermissionError | FileNotFoundError):
                raise
            raise InputFileError(shown, "不是有效的图片文件，可能已损坏") from None
    width, height = img.size
    if width * height > MAX_PIXELS:
        raise InputFileError(
            shown,
            f"图片过大（{width}×{height} 像素，上限 {MAX_PIXELS // 1_000_000} 百万像素），请缩小后再导入",
        )
    try:
        img.load()
        img = ImageOps.exif_transpose(img)
        return img if img.mode == "RGB" else img.convert("RGB")
    except (OSError, ValueError, SyntaxError) as exc:  # truncated or corrupt pixel data
        raise InputFileError(shown, f"图片文件已损坏，无法读取（{type(exc).__name__}）") from None


def ocr_image(image: Path | bytes | Any, shown: str, page: int | None = None) -> list[OcrLine]:
    """Recognise the text of ``image`` (a path, the file's bytes or a PIL image).

    Raises :class:`InputFileError` (naming ``shown``) for a damaged image or one over 40 megapixels.
    """
    import numpy as np

    img = _open_image(image, shown)
    try:
        out = _engine()(np.ascontiguousarray(np.asarray(img)[:, :, ::-1]))  # RGB -> BGR
    except (RecursionError, MemoryError) as exc:
        raise InputFileError(shown, _problem(exc)) from None
    except Exception as exc:  # onnxruntime / opencv failures
        raise InputFileError(shown, f"文字识别失败（{type(exc).__name__}）") from None
    if out.txts is None or out.boxes is None:
        return []
    lines: list[OcrLine] = []
    for text, score, box in zip(out.txts, out.scores, out.boxes, strict=True):
        if not text.strip():
            continue
        corners = tuple((float(x), float(y)) for x, y in box)
        lines.append(OcrLine(text, float(score), corners, page))  # type: ignore[arg-type]
    return lines


def _render_page(pdf: Any, index: int) -> tuple[Any, float]:
    """Page ``index`` (0-based) as a PIL image at 200 dpi (less for a giant page) and its scale (px/pt)."""
    page = pdf[index]
    try:
        width, height = page.get_size()
        scale = RENDER_DPI / 72
        if width * height * scale * scale > MAX_PIXELS:
            scale = (MAX_PIXELS / max(width * height, 1)) ** 0.5
        return page.render(scale=scale).to_pil(), scale
    finally:
        page.close()


def ocr_pages(
    path: Path, shown: str, pages: Sequence[int], on_page: OnPage | None = None
) -> dict[int, tuple[list[OcrLine], float]]:
    """OCR the 1-based ``pages`` of the PDF at ``path``: page -> (lines in pixels, pixels per point).

    ``on_page(done, total)`` is called after each page.
    """
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(str(path))
    except Exception as exc:
        raise InputFileError(shown, f"PDF 页面无法渲染（{type(exc).__name__}）") from None
    out: dict[int, tuple[list[OcrLine], float]] = {}
    try:
        for done, number in enumerate(pages, 1):
            try:
                image, scale = _render_page(pdf, number - 1)
            except (RecursionError, MemoryError) as exc:
                raise InputFileError(shown, _problem(exc)) from None
            except Exception as exc:
                raise InputFileError(shown, f"PDF 第 {number} 页无法渲染（{type(exc).__name__}）") from None
            out[number] = (ocr_image(image, shown, page=number), scale)
            if on_page is not None:
                on_page(done, len(pages))
    finally:
        pdf.close()
    return out


# ---------- reading order ----------


def _overlaps(row: list[OcrLine], line: OcrLine) -> bool:
    top, bottom = min(ln.top for ln in row), max(ln.bottom for ln in row)
    shared = min(bottom, line.bottom) - max(top, line.top)
    smaller = min(bottom - top, line.bottom - line.top)
    return smaller > 0 and shared >= 0.5 * smaller


def ocr_rows(lines: Iterable[OcrLine]) -> list[list[OcrLine]]:
    """One page's boxes as rows (top to bottom), each row's boxes left to right."""
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda ln: (ln.top + ln.bottom) / 2):
        row = next((r for r in reversed(rows[-3:]) if _overlaps(r, line)), None)
        if row is None:
            rows.append([line])
        else:
            row.append(line)
    for row in rows:
        row.sort(key=lambda ln: ln.x0)
    return rows


def join_text(parts: Iterable[str]) -> str:
    """Texts joined, spaces dropped unless they separate two Latin letters or digits."""
    out: list[str] = []
    for part in parts:
        for ch in part.strip() + " ":
            if ch.isspace():
                if out and out[-1] != " ":
                    out.append(" ")
                continue
            if out and out[-1] == " " and not (len(out) > 1 and _LATIN.match(out[-2]) and _LATIN.match(ch)):
                out.pop()
            out.append(ch)
    return "".join(out).strip()


def _page_text(rows: list[list[OcrLine]]) -> str:
    if not rows:
        return ""
    texts = [join_text(ln.text for ln in row) for row in rows]
    x0s = [row[0].x0 for row in rows]
    x1s = sorted(row[-1].x1 for row in rows)
    em = statistics.median(ln.bottom - ln.top for row in rows for ln in row)
    left, right = min(x0s), x1s[int(0.9 * (len(x1s) - 1))]
    out = texts[0]
    for k in range(1, len(rows)):
        prev, text = texts[k - 1], texts[k]
        wrapped = (
            rows[k - 1][-1].x1 >= right - 1.5 * em
            and x0s[k] <= left + 0.8 * em
            and prev[-1:] not in _SENTENCE_END
            and not _ENUM_START.match(text)
        )
        if not wrapped:
            out += "\n"
        elif _LATIN.match(prev[-1:]) and _LATIN.match(text[:1]):
            out += " "
        out += text
    return out


def reading_text(lines: Iterable[OcrLine]) -> str:
    """OCR boxes as text in reading order, page by page (see the module docstring)."""
    by_page: dict[int | None, list[OcrLine]] = {}
    for line in lines:
        by_page.setdefault(line.page, []).append(line)
    texts = [_page_text(ocr_rows(page_lines)) for page_lines in by_page.values()]
    return "\n".join(t for t in texts if t)
