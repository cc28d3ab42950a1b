"""One document model for PDFs with a text layer: logical text, an offset map to the raw text, tables.

raw text      the pages' pdfplumber text (``extract_text`` of the de-duplicated page), joined with "\\n".
logical text  body paragraphs joined with "\\n": line wraps rejoined, spaces dropped unless they separate
              two Latin words (so "9859.38 万元" becomes "9859.38万元"), running headers, footers and page
              numbers dropped; each table is put back where it stood as its caption line, its unit line,
              one line per row (cells joined with " | ") and its note line.
offsets[i]    the raw index ``text[i]`` came from.  The list is non-decreasing: a character that has no raw
              source (a cell separator, the line break after a table row) or whose source lies before the
              previous character's (a header cell centred across two rows) takes the previous index.
"""

from __future__ import annotations

import bisect
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.document.model import Table
from assistant.document.structure import classify_heading
from assistant.errors import InputFileError

if TYPE_CHECKING:
    from assistant.document.ocr import OcrLine, OnPage

_SPACES = frozenset({" ", "\u3000", "\xa0", "\t"})
_LATIN = re.compile(r"[A-Za-z0-9]")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_SENTENCE_END = frozenset("。！？!?；;：:")
_PAGE_NUMBER = re.compile(
    r"^(第\s*\d+\s*页(\s*[/，,]?\s*共\s*\d+\s*页)?|[-—–－]\s*\d+\s*[-—–－]|\d{1,4}|"
    r"\d+\s*/\s*\d+|[Pp]age\s*\d+(\s*of\s*\d+)?)$"
)
_UNIT = re.compile(r"单位\s*[:：]\s*(\S+)")
_NUMERIC_CELL = re.compile(r"^[-+]?[\d,，.．%％]+$")
_NOTE_START = re.compile(r"^(注|备注)\s*[:：\d]")
_CELL_SEPARATOR = " | "

Item = tuple[str, Any, int | None]  # (character, pdfplumber char object or None, raw index or None)


@dataclass
class PdfLayout:
    raw: str
    text: str
    offsets: list[int]
    tables: list[Table]  # with page, caption, unit, note and the span of their lines in ``text``
    page_starts: list[int]
    ocr_pages: tuple[int, ...] = ()  # 1-based pages without a text layer whose text OCR read
    ocr_lines: tuple[OcrLine, ...] = ()  # their boxes, in pixels of the page rendered at ocr.RENDER_DPI


@dataclass
class _Line:
    page: int
    items: list[Item]
    newline: int  # raw index of the "\n" that ends the line
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0

    def __post_init__(self) -> None:
        objs = [o for _, o, _ in self.items if o is not None]
        if objs:
            self.x0 = min(o["x0"] for o in objs)
            self.x1 = max(o["x1"] for o in objs)
            self.top = min(o["top"] for o in objs)
            self.bottom = max(o["bottom"] for o in objs)
            self.size = statistics.median(o["size"] for o in objs)

    @property
    def text(self) -> str:
        return "".join(c for c, _, _ in self.items)

    @property
    def has_glyphs(self) -> bool:
        return any(o is not None for _, o, _ in self.items)


@dataclass
class _Grid:
    """A table while it is being built; cells hold their characters with raw indices."""

    page: int
    pages: list[int]
    bbox: tuple[float, float, float, float]
    cells: list[list[list[tuple[str, int | None]] | None]]
    spans: list[tuple[int, int, int, int]]
    header_rows: int
    col_edges: list[float]
    caption: list[tuple[str, int | None]] = field(default_factory=list)
    unit: list[tuple[str, int | None]] = field(default_factory=list)
    note: list[tuple[str, int | None]] = field(default_factory=list)
    merged_into: _Grid | None = None

    def texts(self) -> list[list[str | None]]:
        return [[None if c is None else "".join(ch for ch, _ in c) for c in row] for row in self.cells]


@dataclass
class _Page:
    number: int  # 0-based
    text: str
    lines: list[_Line]
    grids: list[_Grid]
    height: float
    width: float
    scanned: bool = False  # no text layer but an image: its text is read by OCR
    furniture: set[int] = field(default_factory=set)  # id() of header/footer/page-number lines
    table_lines: set[int] = field(default_factory=set)  # id() of lines inside or around tables


# ---------- small helpers ----------


def _center_in(obj: Any, bbox: tuple[float, ...], pad: float = 0.5) -> bool:
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return bbox[0] - pad <= cx <= bbox[2] + pad and bbox[1] - pad <= cy <= bbox[3] + pad


def _latin_pair(left: str, right: str) -> bool:
    """Two Latin word characters that a space must keep apart (never two digits)."""
    return bool(_LATIN.match(left) and _LATIN.match(right)) and not (left.isdigit() and right.isdigit())


def _wide_gap(left: Item, right: Item) -> bool:
    """A gap of at least 0.9 em between two glyphs (a tab-like gap after a heading number)."""
    lo, ro = left[1], right[1]
    if lo is None or ro is None:
        return False
    return ro["x0"] - lo["x1"] >= 0.9 * lo["size"] and not (_LATIN.match(left[0]) and _CJK.match(right[0]))


def _clean_items(items: list[Item]) -> list[Item]:
    """Drop the spaces of a line except one between Latin words or in a wide gap between glyphs."""
    out: list[Item] = []
    for k, item in enumerate(items):
        if item[0] in _SPACES:
            nxt = next((it for it in items[k + 1 :] if it[0] not in _SPACES), None)
            if not out or nxt is None or out[-1][0] in _SPACES:
                continue
            if not (_wide_gap(out[-1], nxt) or _latin_pair(out[-1][0], nxt[0])):
                continue
        out.append(item)
    while out and out[-1][0] in _SPACES:
        out.pop()
    return out


def _items_text(items: list[Item]) -> str:
    return "".join(c for c, _, _ in items)


def _cluster(values: list[float], tol: float) -> list[float]:
    """Sorted representatives of ``values``, merging those within ``tol`` of each other."""
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def _nearest(reps: list[float], v: float) -> int:
    i = bisect.bisect_left(reps, v)
    candidates = [j for j in (i - 1, i) if 0 <= j < len(reps)]
    return min(candidates, key=lambda j: abs(reps[j] - v))


# ---------- one page ----------


def _page_lines(textmap: Any, page_no: int, base: int) -> tuple[list[_Line], dict[int, int]]:
    """The page's text lines (items with raw indices) and a map id(char object) -> raw index."""
    raw_of: dict[int, int] = {}
    lines: list[_Line] = []
    current: list[Item] = []
    for k, (ch, obj) in enumerate(textmap.tuples):
        if ch == "\n" and obj is None:
            lines.append(_Line(page_no, current, base + k))
            current = []
            continue
        current.append((ch, obj, base + k))
        if obj is not None:
            raw_of[id(obj)] = base + k
    lines.append(_Line(page_no, current, base + len(textmap.as_string)))  # ends at the page-join "\n"
    return [ln for ln in lines if ln.has_glyphs], raw_of


def _cell_chars(chars: list[Any], raw_of: dict[int, int]) -> list[tuple[str, int | None]]:
    """A cell's characters line by line (top, then x), spaces cleaned, lines joined."""
    rows: dict[float, list[Any]] = defaultdict(list)
    for c in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        key = next((k for k in rows if abs(k - c["top"]) <= 3), c["top"])
        rows[key].append(c)
    out: list[tuple[str, int | None]] = []
    for key in sorted(rows):
        ordered = sorted(rows[key], key=lambda c: c["x0"])
        items: list[Item] = []
        for j, c in enumerate(ordered):
            if j and c["x0"] - ordered[j - 1]["x1"] > max(3, 0.3 * c["size"]):
                items.append((" ", None, None))
            items.append((c["text"], c, raw_of.get(id(c))))
        items = _clean_items(items)
        if not items:
            continue
        if out and _latin_pair(out[-1][0], items[0][0]):
            out.append((" ", None))
        out.extend((ch, raw) for ch, _, raw in items)
    return out


def _header_rows(texts: list[list[str | None]], spans: list[tuple[int, int, int, int]]) -> int:
    """Leading rows with no empty or numeric cell, extended over header cells that span further down."""
    count = 0
    for row in texts:
        values = [v for v in row if v is not None]
        if not values or any(v == "" or _NUMERIC_CELL.match(v) for v in values):
            break
        count += 1
    count = max(count, 1)
    changed = True
    while changed:
        changed = False
        for r0, _, rowspan, _ in spans:
            if r0 < count < r0 + rowspan:
                count, changed = r0 + rowspan, True
    return min(count, len(texts))


def _grid(page: Any, table: Any, page_no: int, raw_of: dict[int, int]) -> _Grid | None:
    """A table found by pdfplumber as a grid of cells; merged cells keep their text top-left."""
    boxes = table.cells
    xs = _cluster([c[0] for c in boxes] + [c[2] for c in boxes], 1.5)
    ys = _cluster([c[1] for c in boxes] + [c[3] for c in boxes], 1.5)
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    if n_rows < 2 or n_cols < 2:
        return None
    cells: list[list[list[tuple[str, int | None]] | None]] = [[None] * n_cols for _ in range(n_rows)]
    spans: list[tuple[int, int, int, int]] = []
    chars = [c for c in page.chars if _center_in(c, table.bbox, 1)]
    for box in boxes:
        r0, r1 = _nearest(ys, box[1]), _nearest(ys, box[3])
        c0, c1 = _nearest(xs, box[0]), _nearest(xs, box[2])
        if r1 <= r0 or c1 <= c0:
            continue
        cells[r0][c0] = _cell_chars([c for c in chars if _center_in(c, box, 0)], raw_of)
        if r1 - r0 > 1 or c1 - c0 > 1:
            spans.append((r0, c0, r1 - r0, c1 - c0))
    grid = _Grid(page_no + 1, [page_no + 1], tuple(table.bbox), cells, spans, 0, xs)
    grid.header_rows = _header_rows(grid.texts(), spans)
    return grid


def _read_page(page: Any, page_no: int, base: int) -> _Page:
    page = page.dedupe_chars()
    textmap = page.get_textmap()
    lines, raw_of = _page_lines(textmap, page_no, base)
    grids = [g for t in page.find_tables() if (g := _grid(page, t, page_no, raw_of)) is not None]
    scanned = not textmap.as_string.strip() and bool(page.images)
    return _Page(page_no, textmap.as_string, lines, grids, float(page.height), float(page.width), scanned)


# ---------- pages without a text layer ----------


def _ocr_line(row: list[OcrLine], page_no: int, scale: float, size: float, newline: int, base: int) -> _Line:
    """An OCR row as a text line whose glyphs are spread evenly over each box (in PDF points)."""
    items: list[Item] = []
    for j, box in enumerate(row):
        text = box.text.strip()
        if j:
            items.append((" ", None, base + len(items)))
        width = (box.x1 - box.x0) / scale / max(len(text), 1)
        for k, ch in enumerate(text):
            x0 = box.x0 / scale + k * width
            obj = None
            if not ch.isspace():
                obj = {"text": ch, "x0": x0, "x1": x0 + width, "top": box.top / scale,
                       "bottom": box.bottom / scale, "size": size}  # fmt: skip
            items.append((ch, obj, base + len(items)))
    return _Line(page_no, items, newline)


def _ocr_page(page: _Page, lines: list[OcrLine], scale: float) -> None:
    """Give a scanned page the OCR rows as its raw text and lines (raw indices from 0 on the page)."""
    from assistant.document.ocr import ocr_rows

    rows = ocr_rows(lines)
    heights = [(max(b.bottom for b in r) - min(b.top for b in r)) / scale for r in rows]
    median = statistics.median(heights) if heights else 0.0
    out: list[_Line] = []
    text = ""
    for row, height in zip(rows, heights, strict=True):
        if text:
            text += "\n"
        size = median if abs(height - median) <= 0.3 * median else height  # one size for body rows
        line = _ocr_line(row, page.number, scale, round(0.8 * size, 1), 0, len(text))
        text += line.text
        line.newline = len(text)
        out.append(line)
    page.text, page.lines, page.grids = text, [ln for ln in out if ln.has_glyphs], []


def _shift(page: _Page, delta: int) -> None:
    """Move every raw index of ``page`` by ``delta`` (an earlier page's raw text changed length)."""
    if not delta:
        return
    for ln in page.lines:
        ln.items = [(c, o, None if r is None else r + delta) for c, o, r in ln.items]
        ln.newline += delta
    for grid in page.grids:
        grid.cells = [
            [None if c is None else [(ch, None if r is None else r + delta) for ch, r in c] for c in row]
            for row in grid.cells
        ]


def _read_scans(
    pages: list[_Page], path: Path, shown: str, max_ocr_pages: int, on_page: OnPage | None
) -> list[OcrLine]:
    """OCR the scanned pages in place (refused past ``max_ocr_pages``) and re-base all raw indices."""
    from assistant.document.ocr import ocr_pages

    scans = [p.number + 1 for p in pages if p.scanned]
    if not scans:
        return []
    if len(scans) > max_ocr_pages:
        raise InputFileError(
            shown,
            f"PDF 有 {len(scans)} 页没有文字层（扫描件），需要文字识别的页数超过上限 {max_ocr_pages} 页，"
            "请拆分后再导入",
        )
    found = ocr_pages(path, shown, scans, on_page)
    old = new = 0  # where the page's raw text started before and after OCR
    for p in pages:
        old_length = len(p.text)
        if p.scanned:
            _ocr_page(p, *found[p.number + 1])
            _shift(p, new)
        else:
            _shift(p, new - old)
        old += old_length + 1
        new += len(p.text) + 1
    return [line for number in scans for line in found[number][0]]


# ---------- across pages ----------


def _furniture_key(line: _Line, page: _Page) -> tuple[str, int, int]:
    return (re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text)), round(line.top / 6), round(page.height))


def _edge_lines(page: _Page) -> list[_Line]:
    """The first and last two lines of a page that lie in its outer 12% (each line once)."""
    edges = {id(ln): ln for ln in page.lines[:2] + page.lines[-2:]}
    return [ln for ln in edges.values() if ln.top < 0.12 * page.height or ln.bottom > 0.88 * page.height]


def _mark_furniture(pages: list[_Page]) -> None:
    """Page numbers, and running headers/footers repeated on most pages of the same height.

    A repeated line is kept when it is all the text its page has (a short page is not all furniture).
    """
    candidates = [(p, ln) for p in pages for ln in _edge_lines(p)]
    seen = Counter(_furniture_key(ln, p) for p, ln in candidates)
    same_height = Counter(round(p.height) for p in pages)
    for p, ln in candidates:
        text = re.sub(r"\s+", " ", ln.text).strip()
        threshold = max(3, 0.5 * same_height[round(p.height)])
        repeated = len(pages) >= 3 and seen[_furniture_key(ln, p)] >= threshold
        if _PAGE_NUMBER.match(text) or repeated:
            p.furniture.add(id(ln))
    for p in pages:
        if p.lines and all(id(ln) in p.furniture for ln in p.lines):
            numbers = {id(ln) for ln in p.lines if _PAGE_NUMBER.match(re.sub(r"\s+", " ", ln.text).strip())}
            p.furniture = numbers


def _plain(items: list[Item]) -> list[tuple[str, int | None]]:
    return [(ch, raw) for ch, _, raw in items]


def _attach_caption(grid: _Grid, page: _Page, body: list[_Line]) -> None:
    """Take up to three lines just above the table as its unit line and caption."""
    top = grid.bbox[1]
    above = [ln for ln in body if top - 70 <= ln.bottom <= top + 1 and id(ln) not in page.table_lines]
    for ln in sorted(above, key=lambda ln: -ln.bottom)[:3]:
        items = _clean_items(ln.items)
        text = _items_text(items)
        m = _UNIT.search(text)
        if m and not grid.unit:
            grid.unit = _plain(items[m.start() :])
            page.table_lines.add(id(ln))
            rest = _clean_items(items[: m.start()])
            if rest and not grid.caption and len(rest) <= 40:
                grid.caption = _plain(rest)
            continue
        looks_like_caption = text.endswith("表") or re.search(r"表\s*\d|^表", text) or grid.unit
        if not grid.caption and len(text) <= 40 and not text.endswith("。") and looks_like_caption:
            grid.caption = _plain(items)
            page.table_lines.add(id(ln))
        break


def _attach_note(grid: _Grid, page: _Page, body: list[_Line]) -> None:
    """A "注：" line right below the table (and the lines it wraps onto) is the table's note."""
    bottom, right = grid.bbox[3], grid.bbox[2]
    below = sorted((ln for ln in body if bottom - 1 <= ln.top <= bottom + 40), key=lambda ln: ln.top)
    if not below or not _NOTE_START.match(_items_text(_clean_items(below[0].items))):
        return
    note = [below[0]]
    for ln in below[1:]:
        wrapped = note[-1].x1 > right - 2 * ln.size and ln.x0 <= note[0].x0 + ln.size
        if ln.top - note[-1].bottom < 0.8 * ln.size and wrapped:
            note.append(ln)
        else:
            break
    grid.note = [pair for ln in note for pair in _plain(_clean_items(ln.items))]
    page.table_lines.update(id(ln) for ln in note)


def _attach_captions(pages: list[_Page]) -> None:
    for p in pages:
        body = [ln for ln in p.lines if id(ln) not in p.furniture]
        for grid in p.grids:
            inside = [ln for ln in body if all(_center_in(o, grid.bbox, 1) for _, o, _ in ln.items if o)]
            p.table_lines.update(id(ln) for ln in inside)
            _attach_caption(grid, p, body)
            _attach_note(grid, p, body)


def _body_between(page: _Page, low: float, high: float) -> bool:
    return any(
        low < ln.top and ln.bottom < high
        for ln in page.lines
        if id(ln) not in page.furniture and id(ln) not in page.table_lines
    )


def _merge_continuations(pages: list[_Page]) -> None:
    """A table that goes on at the top of the next page with the same columns becomes one table."""
    for prev, cur in zip(pages, pages[1:], strict=False):
        if not prev.grids or not cur.grids:
            continue
        last, nxt = prev.grids[-1], cur.grids[0]
        head = last.merged_into or last
        same_cols = len(head.col_edges) == len(nxt.col_edges) and all(
            abs(u - v) < 3 for u, v in zip(head.col_edges, nxt.col_edges, strict=True)
        )
        text_between = _body_between(prev, last.bbox[3] - 1, prev.height) or _body_between(
            cur, 0, nxt.bbox[1] + 1
        )
        if text_between or nxt.caption or nxt.unit or not same_cols or head.note:
            continue
        skip = head.header_rows if nxt.texts()[: head.header_rows] == head.texts()[: head.header_rows] else 0
        offset = len(head.cells)
        head.cells += nxt.cells[skip:]
        head.spans += [(r - skip + offset, c, rs, cs) for r, c, rs, cs in nxt.spans if r >= skip]
        head.pages.append(nxt.page)
        head.note = nxt.note
        nxt.merged_into = head


# ---------- logical text ----------


@dataclass
class _Metrics:
    em: float
    left: float
    right: float
    indent: bool


def _metrics(lines_by_width: dict[int, list[_Line]]) -> dict[int, _Metrics]:
    """Body font size, left and right margin and whether paragraphs are indented, per page width."""
    out: dict[int, _Metrics] = {}
    for width, lines in lines_by_width.items():
        em = statistics.median(ln.size for ln in lines) or 10
        left = Counter(round(ln.x0) for ln in lines).most_common(1)[0][0]
        ends = sorted(ln.x1 for ln in lines)
        right = ends[int(0.9 * (len(ends) - 1))]
        if len(lines) < 15:  # too few body lines (a landscape table page): assume symmetric margins
            right = max(right, width - left - em)
        indented = sum(1 for ln in lines if 1.2 * em < ln.x0 - left < 2.8 * em)
        out[width] = _Metrics(em, left, right, indented >= 3)
    return out


def _is_wrap(a: _Line, b: _Line, m: _Metrics) -> bool:
    """Whether line ``b`` continues the paragraph of line ``a`` (the PDF wrapped it)."""
    if abs(a.size - b.size) > 0.8 or a.x1 < m.right - 1.5 * m.em or b.x0 > m.left + 1.0 * m.em:
        return False
    if a.page == b.page and b.top - a.bottom > 1.6 * max(a.size, b.size):
        return False
    last = a.text.rstrip()[-1:]
    if last in _SENTENCE_END and classify_heading(b.text.strip(), None) is not None:
        return False
    return m.indent or last not in "。！？!?"


def _stream(pages: list[_Page]) -> list[tuple[_Line | _Grid, _Page]]:
    """Body lines and (unmerged) tables in reading order."""
    stream: list[tuple[_Line | _Grid, _Page]] = []
    for p in pages:
        entries: list[tuple[float, int, _Line | _Grid]] = [
            (ln.top, 0, ln) for ln in p.lines if id(ln) not in p.furniture and id(ln) not in p.table_lines
        ]
        entries += [(g.bbox[1], 1, g) for g in p.grids if g.merged_into is None]
        for _, _, obj in sorted(entries, key=lambda e: (e[0], e[1])):
            if isinstance(obj, _Line):
                # drop glyphs inside a table region (a line partly overlapping a table)
                keep = [
                    it
                    for it in obj.items
                    if it[1] is None or not any(_center_in(it[1], g.bbox, 0) for g in p.grids)
                ]
                if not any(it[1] is not None for it in keep):
                    continue
                obj.items = keep
            stream.append((obj, p))
    return stream


class _Writer:
    """Appends logical characters and keeps their raw offsets non-decreasing."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.offsets: list[int] = []

    def put(self, ch: str, raw: int | None) -> None:
        last = self.offsets[-1] if self.offsets else 0
        self.chars.append(ch)
        self.offsets.append(last if raw is None or raw < last else raw)

    def put_all(self, pairs: list[tuple[str, int | None]]) -> None:
        for ch, raw in pairs:
            self.put(ch, raw)

    def last_char(self) -> str:
        return self.chars[-1] if self.chars else ""


def _write_table(out: _Writer, grid: _Grid) -> None:
    """Caption, unit, one line per row (cells joined with " | ") and note, each ending with "\\n"."""
    lines: list[list[tuple[str, int | None]]] = [grid.caption, grid.unit]
    for row in grid.cells:
        line: list[tuple[str, int | None]] = []
        for cell in row:
            if not cell:
                continue
            if line:
                line += [(ch, None) for ch in _CELL_SEPARATOR]
            line += cell
        lines.append(line)
    lines.append(grid.note)
    for line in lines:
        if line:
            out.put_all(line)
            out.put("\n", None)


def _logical(pages: list[_Page]) -> tuple[str, list[int], dict[int, tuple[int, int]]]:
    """The logical text, its offsets, and for each table (by id of its grid) the span of its lines."""
    stream = _stream(pages)
    by_width: dict[int, list[_Line]] = defaultdict(list)
    for obj, p in stream:
        if isinstance(obj, _Line):
            by_width[round(p.width)].append(obj)
    metrics = _metrics(by_width)
    out = _Writer()
    spans: dict[int, tuple[int, int]] = {}
    prev: _Line | None = None
    for obj, p in stream:
        if isinstance(obj, _Grid):
            if prev is not None:
                out.put("\n", prev.newline)
            begin = len(out.chars)
            _write_table(out, obj)
            spans[id(obj)] = (begin, len(out.chars) - 1)  # the last row's line break is not the table's
            prev = None
            continue
        items = _clean_items(obj.items)
        if not items:
            continue
        if prev is not None:
            if not _is_wrap(prev, obj, metrics[round(p.width)]):
                out.put("\n", prev.newline)
            elif _latin_pair(out.last_char(), items[0][0]):
                out.put(" ", prev.newline)
        out.put_all(_plain(items))
        prev = obj
    while out.chars and out.chars[-1] == "\n":  # a table at the very end
        out.chars.pop()
        out.offsets.pop()
    return "".join(out.chars), out.offsets, spans


def _table(grid: _Grid, span: tuple[int, int]) -> Table:
    def text(pairs: list[tuple[str, int | None]]) -> str:
        return "".join(ch for ch, _ in pairs)

    unit = text(grid.unit)
    m = _UNIT.search(unit)
    return Table(
        start=span[0],
        end=span[1],
        page=grid.page,
        pages=tuple(grid.pages),
        rows=grid.texts(),
        spans=list(grid.spans),
        header_rows=grid.header_rows,
        caption=text(grid.caption),
        unit=m.group(1) if m else "",
        note=text(grid.note),
    )


# ---------- entry point ----------


def _open_pages(pdf: Any, shown: str, max_pages: int) -> list[_Page]:
    if pdf.doc.encryption is not None:
        raise InputFileError(shown, "PDF 已加密，请先解除密码保护")
    count = len(pdf.pages)
    if count > max_pages:
        raise InputFileError(shown, f"PDF 共 {count} 页，超过上限 {max_pages} 页，请拆分后再导入")
    pages: list[_Page] = []
    base = 0
    for number, page in enumerate(pdf.pages):
        pages.append(_read_page(page, number, base))
        base += len(pages[-1].text) + 1
        page.close()
    return pages


def _layout(pages: list[_Page]) -> PdfLayout:
    raw = "\n".join(p.text for p in pages)
    _mark_furniture(pages)
    _attach_captions(pages)
    _merge_continuations(pages)
    text, offsets, spans = _logical(pages)
    bases, base = [], 0
    for p in pages:
        bases.append(base)
        base += len(p.text) + 1
    page_starts = [bisect.bisect_left(offsets, b) for b in bases]
    grids = [g for p in pages for g in p.grids if g.merged_into is None]
    return PdfLayout(raw, text, offsets, [_table(g, spans[id(g)]) for g in grids], page_starts)


def _parse_problem(exc: BaseException) -> str:
    """A Chinese reason for a pdfplumber/pdfminer failure, naming only the exception type."""
    from assistant.document.readers import unexpected_problem

    if isinstance(exc, RecursionError | MemoryError):
        return unexpected_problem(exc)
    cause = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    if type(cause).__name__ == "PDFPasswordIncorrect":
        return "PDF 已加密，请先解除密码保护"
    return f"PDF 文件无法解析（{type(cause).__name__}）"


def read_layout(
    path: Path, shown: str, max_pages: int, max_ocr_pages: int = 50, on_page: OnPage | None = None
) -> PdfLayout:
    """Read a PDF into its logical text, offset map and tables.

    A page with no text layer but an image (a scan) is rendered at 200 dpi and OCRed; its rows take
    the place of its text lines (so paragraphs, running headers and page numbers are handled as on any
    page; tables are not recognised on such a page). ``on_page(done, total)`` reports OCR progress.

    Raises :class:`InputFileError` (with ``shown`` as the file name) for an encrypted PDF, one over
    ``max_pages`` pages or over ``max_ocr_pages`` scanned pages, one without any text, or one
    pdfplumber cannot parse.
    """
    import pdfplumber

    try:
        with pdfplumber.open(str(path)) as pdf:
            pages = _open_pages(pdf, shown, max_pages)
        ocr_lines = _read_scans(pages, path, shown, max_ocr_pages, on_page)
        layout = _layout(pages)
    except (InputFileError, PermissionError, FileNotFoundError):
        raise  # read_document words the file-system errors
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        raise InputFileError(shown, _parse_problem(exc)) from None
    if not layout.text.strip():
        if ocr_lines or any(p.scanned for p in pages):
            raise InputFileError(shown, "PDF 中没有可提取的文字（扫描页经文字识别也没有识别出文字）")
        raise InputFileError(shown, "PDF 中没有可提取的文字（也没有可供文字识别的扫描图像）")
    layout.ocr_pages = tuple(p.number + 1 for p in pages if p.scanned)
    layout.ocr_lines = tuple(ocr_lines)
    return layout
