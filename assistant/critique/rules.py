"""The rule-based critique that runs without an LLM.

It finds the report's sections by their headings and applies what can be checked mechanically: required
terms missing, problems (七) without figures or without a cause, measures (八) that answer no problem and
problems no measure answers, and empty phrases (进一步加强 …) with no object, owner or date.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from assistant.checks.figures import extract_figures
from assistant.document.structure import find_headings
from assistant.drafting.templates import Section, Template

_EMPTY_PHRASE = re.compile(
    r"(?:进一步|持续|不断|切实|全面|大力|认真|着力|积极)(?:加强|提升|完善|推进|提高|强化|规范|做好|抓好|落实|优化)"
)
_DATE = re.compile(r"(?:19|20)\d{2}年|\d{1,2}月|月底|年底|年末|季度|底前|前完成|以前|之前|日前|年内")
_OWNER = re.compile(
    r"[\u4e00-\u9fff]{1,10}(?:股|室|科|局|中心|办公室|办|站|所|队|组)(?:负责|牵头)|责任(?:单位|股室|人)|由[\u4e00-\u9fff]{2,12}(?:负责|牵头)"
)
_CAUSE = re.compile(r"原因|由于|因为|受[\u4e00-\u9fff]{1,12}影响|导致|造成")
_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
_STOP = set(
    "问题 原因 主要 进一步 加强 工作 情况 方面 部分 开展 推进 落实 完善 提升 措施 下一步 针对 没有 未能 年度 指标 指标值 完成 实际".split()
)


@dataclass
class Comment:
    start: int
    end: int
    quote: str
    rule: str
    problem: str
    suggestion: str
    severity: str = "warning"
    source: str = "rule"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Block:
    section: Section
    start: int  # heading start
    body_start: int
    end: int


def locate_sections(text: str, template: Template) -> list[Block]:
    """Top-level sections of ``text`` matched to the template by number or title."""
    tops = [h for h in find_headings(text) if h.depth == 1]
    blocks = []
    for n, heading in enumerate(tops):
        end = tops[n + 1].start if n + 1 < len(tops) else len(text)
        section = _match(heading.title, template)
        if section is not None:
            line_end = text.find("\n", heading.start)
            body_start = end if line_end < 0 or line_end > end else line_end + 1
            blocks.append(Block(section, heading.start, body_start, end))
    return blocks


def _match(title: str, template: Template) -> Section | None:
    for section in template.sections:
        if section.title in title:
            return section
    for section in template.sections:
        if title.startswith(f"{section.number}、"):
            return section
    return None


def _items(text: str, block: Block) -> list[tuple[int, int]]:
    """Sub-items of a section: its sub-headings' spans, else its non-empty lines."""
    subs = [h for h in find_headings(text[block.start : block.end]) if h.depth > 1]
    if subs:
        starts = [block.start + h.start for h in subs] + [block.end]
        return [(a, b) for a, b in zip(starts, starts[1:], strict=False)]
    spans = []
    offset = block.body_start
    for line in text[block.body_start : block.end].splitlines(keepends=True):
        if line.strip():
            spans.append((offset, offset + len(line.rstrip())))
        offset += len(line)
    return spans


def _words(text: str) -> set[str]:
    words = set()
    for run in _WORD.findall(text):
        for size in (2, 3, 4):
            words.update(run[i : i + size] for i in range(len(run) - size + 1))
    return {w for w in words if w not in _STOP}


def critique_rules(text: str, template: Template, only: Section | None = None) -> list[Comment]:
    blocks = locate_sections(text, template)
    comments: list[Comment] = []
    by_id = {b.section.id: b for b in blocks}
    for block in blocks:
        body = text[block.body_start : block.end]
        heading = text[block.start : block.body_start].strip()
        for term in block.section.required_terms:
            if term not in body:
                comments.append(Comment(block.start, block.start + len(heading), heading, "；".join(block.section.must_contain),
                                        f"本部分没有写到“{term}”。", f"补充{term}的相关数字和说明。"))  # fmt: skip
        if block.section.id == "problems":
            comments += _problems(text, block)
        if block.section.id == "measures":
            comments += _measures(text, block, by_id.get("problems"))
    if (
        only is not None
    ):  # comments located in the chosen section (a problem no measure answers belongs to 七)
        spans = [(b.start, b.end) for b in blocks if b.section.id == only.id]
        comments = [c for c in comments if any(s <= c.start < e for s, e in spans)]
    return sorted(comments, key=lambda c: c.start)


def _problems(text: str, block: Block) -> list[Comment]:
    comments = []
    rule = "七 逐一写明每个问题的目标值、实际值和原因"
    for start, end in _items(text, block):
        item = text[start:end].strip()
        if not item:
            continue
        first_line = item.splitlines()[0]
        if not [f for f in extract_figures(item) if f.exact]:
            comments.append(Comment(start, start + len(first_line), first_line, rule, "问题没有量化：没有目标值、实际值等数字。",
                                    "写明相关指标的年度指标值和实际完成值，例如“年度指标值12家，实际完成9家，完成率75%”。"))  # fmt: skip
        if not _CAUSE.search(item):
            comments.append(
                Comment(
                    start,
                    start + len(first_line),
                    first_line,
                    rule,
                    "没有写出原因。",
                    "补充造成偏差的具体原因。",
                )
            )
    return comments


def _measures(text: str, block: Block, problems: Block | None) -> list[Comment]:
    comments = []
    rule = "八 措施与第七部分的问题一一对应，写明谁来做、做什么、何时完成"
    problem_items = [(s, e, _words(text[s:e])) for s, e in _items(text, problems)] if problems else []
    answered: set[int] = set()
    for start, end in _items(text, block):
        item = text[start:end].strip()
        if not item:
            continue
        first_line = item.splitlines()[0]
        for phrase in _EMPTY_PHRASE.finditer(text, start, end):
            if not _DATE.search(item) and not _OWNER.search(item):
                comments.append(Comment(phrase.start(), phrase.end(), phrase.group(0), rule,
                                        f"“{phrase.group(0)}”是空泛表述：没有写明由谁负责、在什么时间前完成。",
                                        "改为“由××股负责，××年×月底前完成××（具体事项）”。"))  # fmt: skip
                break
        if problems is not None and problem_items:
            words = _words(item)
            overlaps = [n for n, (_, _, pw) in enumerate(problem_items) if len(words & pw) >= 2]
            if overlaps:
                answered.update(overlaps)
            else:
                comments.append(Comment(start, start + len(first_line), first_line, rule, "这条措施没有对应第七部分的任何问题。",
                                        "说明它针对哪一个问题，或删去与问题无关的措施。"))  # fmt: skip
    for n, (start, end, _) in enumerate(problem_items):
        if n not in answered:
            first_line = text[start:end].strip().splitlines()[0]
            comments.append(Comment(start, start + len(first_line), first_line, rule, "第七部分的这个问题在第八部分没有对应的改进措施。",
                                    "为这个问题补充一条措施，写明责任单位、具体做法和完成时限。", severity="warning"))  # fmt: skip
    return comments
