"""Self-evaluation score tables (自评表): each score within its weight, 小计 and 合计 rows equal to their rows.

Reads Markdown tables (| a | b |) and tables extracted from Word (a | b | c), with a 权重/分值 column and an
得分 column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from assistant.checks.findings import Finding, Span
from assistant.document.numbers import FULL_WIDTH, half_unit

# (blanks are matched by one \s* each, never by two in a row: "5" and a long run of blanks is read in one pass)
_NUMBER = re.compile(r"^\s*([0-9０-９]+(?:[.．][0-9０-９]+)?)\s*(?:分\s*)?$")
_SEPARATOR = re.compile(r"^\s*(?:\|\s*)?:?-{2,}")


@dataclass(frozen=True)
class Cell:
    text: str
    start: int
    end: int

    def number(self) -> tuple[Decimal, int] | None:
        match = _NUMBER.match(self.text)
        if not match:
            return None
        raw = match.group(1).translate(FULL_WIDTH)
        try:
            return Decimal(raw), len(raw.split(".")[1]) if "." in raw else 0
        except InvalidOperation:
            return None


@dataclass
class ScoreRow:
    label: str
    weight: Cell | None
    score: Cell
    kind: str  # "item", "subtotal", "total"


def _cells(line: str, offset: int) -> list[Cell]:
    body_start = 0
    body = line
    if body.lstrip().startswith("|"):
        body_start = line.index("|") + 1
        body = line[body_start:]
        if body.rstrip().endswith("|"):
            body = body.rstrip()[:-1]
    cells = []
    position = offset + body_start
    for part in body.split("|"):
        stripped = part.strip()
        lead = len(part) - len(part.lstrip())
        cells.append(Cell(stripped, position + lead, position + lead + len(stripped)))
        position += len(part) + 1
    return cells


def _tables(text: str) -> list[list[list[Cell]]]:
    tables: list[list[list[Cell]]] = []
    current: list[list[Cell]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        content = line.rstrip("\r\n")
        is_row = content.lstrip().startswith("|") or content.count(" | ") >= 2
        if is_row and not _SEPARATOR.match(content):
            current.append(_cells(content, offset))
        elif not is_row and current:
            tables.append(current)
            current = []
        offset += len(line)
    if current:
        tables.append(current)
    return tables


def _column(header: list[Cell], words: tuple[str, ...]) -> int | None:
    for index, cell in enumerate(header):
        if any(word in cell.text for word in words):
            return index
    return None


def check_score_tables(text: str) -> list[Finding]:
    findings: list[Finding] = []
    for table in _tables(text):
        header = table[0]
        weight_col = _column(header, ("权重", "分值", "满分"))
        score_col = _column(header, ("得分",))
        if score_col is None or weight_col is None:
            continue
        rows: list[ScoreRow] = []
        for cells in table[1:]:
            if len(cells) <= max(score_col, weight_col) or cells[score_col].number() is None:
                continue
            texts = [c.text for c in cells]
            kind = (
                "total"
                if re.search(r"合计|总计|总分", texts[0])
                else "subtotal"
                if any(t in ("小计", "小 计") for t in texts)
                else "item"
            )
            weight = cells[weight_col] if cells[weight_col].number() is not None else None
            rows.append(ScoreRow(" ".join(t for t in texts[:3] if t), weight, cells[score_col], kind))
        findings += _check_rows(rows)
    return findings


def _sum(cells: list[Cell]) -> tuple[Decimal, Decimal]:
    total = Decimal(0)
    tolerance = Decimal(0)
    for cell in cells:
        value, decimals = cell.number()  # type: ignore[misc]
        total += value
        tolerance += half_unit(decimals)
    return total, tolerance


def _check_rows(rows: list[ScoreRow]) -> list[Finding]:
    findings: list[Finding] = []
    group: list[ScoreRow] = []
    blocks: list[ScoreRow] = []
    for row in rows:
        score, score_decimals = row.score.number()  # type: ignore[misc]
        if row.kind == "item":
            if row.weight is not None and score > row.weight.number()[0]:  # type: ignore[index]
                findings.append(
                    Finding(
                        kind="subset",
                        rule="score.weight",
                        severity="error",
                        start=row.score.start,
                        end=row.score.end,
                        text=row.score.text,
                        message=f"“{row.label}”得分 {row.score.text} 超过其权重 {row.weight.text}：得分不能大于权重。",
                        expected=f"≤ {row.weight.text}",
                        found=row.score.text,
                        related=[Span(row.weight.start, row.weight.end, row.weight.text)],
                    )
                )
            group.append(row)
            continue
        members = group if row.kind == "subtotal" else blocks + group
        if not members:
            continue
        total, tolerance = _sum([m.score for m in members])
        tolerance += half_unit(score_decimals)
        if abs(total - score) > tolerance:
            terms = " + ".join(m.score.text for m in members)
            label = "小计" if row.kind == "subtotal" else "合计"
            findings.append(
                Finding(
                    kind="part_sum",
                    rule="score.total",
                    severity="error",
                    start=row.score.start,
                    end=row.score.end,
                    text=row.score.text,
                    message=f"{label}行得分 {row.score.text}，而所列各项得分 {terms} = {total:f}，相差 {abs(total - score):f} 分。",
                    expected=f"{total:f}",
                    found=row.score.text,
                    related=[Span(m.score.start, m.score.end, m.score.text) for m in members],
                )
            )
        if row.kind == "subtotal":
            blocks.append(row)
            group = []
        else:
            blocks, group = [], []
    return findings
