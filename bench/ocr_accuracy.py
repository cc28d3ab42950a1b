"""OCR accuracy on generated scans of the seed report.

Usage: python bench/ocr_accuracy.py [--chars 1200]

The first ``--chars`` characters of knowledge/reports/2023-yanling-kegongxin-self-evaluation.txt are drawn
with Noto Sans CJK at 12 pt on A4-wide pages at 200 dpi (tests/sample_scans.py), then degraded four ways:
clean, rotated 1°, blurred (Gaussian radius 1) and noisy (Gaussian noise, sigma 12 grey levels), and
OCRed offline with assistant.document.ocr. Printed per variant: character error rate (Levenshtein distance
/ reference length, whitespace removed), the same after NFKC on both sides (the recogniser returns
half-width brackets and colons for full-width ones), figures read exactly (multiset of \\d+(\\.\\d+)?%?
matches) and seconds per page. The engine is warmed once before timing.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "knowledge" / "reports" / "2023-yanling-kegongxin-self-evaluation.txt"
FIGURE = re.compile(r"\d+(?:\.\d+)?%?")
LINES_PER_PAGE = 40


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def cer(reference: str, hypothesis: str) -> float:
    ref = squeeze(reference)
    return edit_distance(ref, squeeze(hypothesis)) / max(len(ref), 1)


def figure_hits(reference: str, hypothesis: str) -> tuple[int, int]:
    want = Counter(FIGURE.findall(unicodedata.normalize("NFKC", reference)))
    got = Counter(FIGURE.findall(unicodedata.normalize("NFKC", hypothesis)))
    return sum((want & got).values()), sum(want.values())


def pages_of(text: str) -> list:
    """The text as page images of at most LINES_PER_PAGE lines."""
    from tests.sample_scans import cjk_font, render_text

    font, pages, current = cjk_font(33), [], []
    for paragraph in text.split("\n"):
        current.append(paragraph)
        if sum(max(1, round(font.getlength(p) / 1300) + 1) for p in current) >= LINES_PER_PAGE:
            pages.append("\n".join(current))
            current = []
    if current:
        pages.append("\n".join(current))
    return [render_text(p) for p in pages if p.strip()]


def variants(image):
    import numpy as np
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(7)
    noisy = np.asarray(image).astype(np.float32) + rng.normal(0, 12, (image.height, image.width, 1))
    return {
        "clean": image,
        "rotated 1°": image.rotate(1, expand=True, fillcolor="white", resample=Image.BICUBIC),
        "blurred": image.filter(ImageFilter.GaussianBlur(1)),
        "noise": Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=1200)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from assistant.document.ocr import ocr_image, reading_text

    reference = SEED.read_text(encoding="utf-8")[: args.chars].strip()
    pages = pages_of(reference)
    ocr_image(pages[0].crop((0, 0, 400, 200)), "warm-up")  # build the engine and warm it
    print(f"{len(squeeze(reference))} characters on {len(pages)} page(s) at 200 dpi")
    print(f"{'variant':<12} {'CER':>7} {'CER NFKC':>9} {'figures':>11} {'s/page':>7}")
    for name in ("clean", "rotated 1°", "blurred", "noise"):
        started = time.perf_counter()
        text = "\n".join(reading_text(ocr_image(variants(p)[name], name)) for p in pages)
        seconds = (time.perf_counter() - started) / len(pages)
        plain = cer(reference, text)
        nfkc = cer(unicodedata.normalize("NFKC", reference), unicodedata.normalize("NFKC", text))
        hits, total = figure_hits(reference, text)
        print(f"{name:<12} {plain:>7.2%} {nfkc:>9.2%} {hits:>5}/{total:<5} {seconds:>7.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
