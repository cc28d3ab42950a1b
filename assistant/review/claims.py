"""A draft split into claims (sentences, ；-parts, enumeration items, 其中 clauses), each classified."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from assistant.checks.document import Draft
from assistant.document.sentences import sentence_spans
from assistant.document.structure import SectionIndex

# what a claim can hold; a claim may be several of the first four at once
QUANTITATIVE, HONOUR, SUPERLATIVE, CAUSAL = "quantitative", "honour", "superlative", "causal"
POLICY = "policy"  # restates a rule and names its source (根据财预〔2020〕10号…, 按规定…)
PLAN, BOILERPLATE, STATEMENT = "plan", "boilerplate", "statement"
CHECKABLE_KINDS = (QUANTITATIVE, HONOUR, SUPERLATIVE, CAUSAL, POLICY)
KIND_LABELS = {
    QUANTITATIVE: "数据", HONOUR: "荣誉或验收", SUPERLATIVE: "最高级或绝对化表述", CAUSAL: "原因分析",
    POLICY: "政策规定", PLAN: "计划措施", BOILERPLATE: "套话", STATEMENT: "一般性表述",
}  # fmt: skip

_ENUMERATION = re.compile(
    r"(?<=[，,：:])\s*(?:[一二三四五六七八九十]是|其[一二三四五六]|第[一二三四五六七八九十][，,、]|（\d{1,2}）|\(\d{1,2}\)"
    r"|\d{1,2}[、．](?!\d)|[①②③④⑤⑥⑦⑧⑨⑩]|其中)"
)
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")
CLAUSE_MARKS = "，,；;：:。！？!?\n"


@dataclass(frozen=True)
class Cue:
    """A cue phrase found in a claim: what kind it signals and where it is in the draft."""

    kind: str
    start: int
    end: int
    text: str


@dataclass
class Claim:
    start: int
    end: int
    text: str
    section: str
    kinds: tuple[str, ...]
    cues: list[Cue] = field(default_factory=list)
    figures: list[int] = field(default_factory=list)  # indexes into the draft's figures

    @property
    def checkable(self) -> bool:
        return any(kind in CHECKABLE_KINDS for kind in self.kinds)

    @property
    def kind(self) -> str:
        """The kind shown first: the one that needs evidence most."""
        for kind in (HONOUR, SUPERLATIVE, QUANTITATIVE, CAUSAL, POLICY, PLAN, BOILERPLATE):
            if kind in self.kinds:
                return kind
        return STATEMENT

    def to_dict(self) -> dict[str, object]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "section": self.section,
            "kinds": list(self.kinds),
        }


@dataclass(frozen=True)
class CuePatterns:
    honour: re.Pattern[str]
    superlative: re.Pattern[str]
    causal: re.Pattern[str]
    policy: re.Pattern[str]
    plan: re.Pattern[str]
    boilerplate: re.Pattern[str]
    plan_sections: tuple[str, ...]


@lru_cache(maxsize=1)
def cue_patterns() -> CuePatterns:
    raw = yaml.safe_load(resources.files("assistant.data").joinpath("claim_cues.yaml").read_text("utf-8"))

    def joined(key: str) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in raw[key]))

    return CuePatterns(
        honour=joined("honour"),
        superlative=joined("superlative"),
        causal=joined("causal"),
        policy=joined("policy"),
        plan=joined("plan"),
        boilerplate=joined("boilerplate"),
        plan_sections=tuple(raw["plan_sections"]),
    )


def claim_spans(text: str) -> list[tuple[int, int]]:
    """Start and end of every claim-sized piece of ``text``, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    for start, end in sentence_spans(text, semicolons=True, trim=False):
        cuts = (
            [start]
            + [m.start() for m in _ENUMERATION.finditer(text, start, end) if m.start() > start]
            + [end]
        )
        for a, b in zip(cuts, cuts[1:], strict=False):
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if a < b:
                spans.append((a, b))
    return spans


def _is_title_line(text: str, start: int, end: int) -> bool:
    """The document's title: a first line with no clause punctuation."""
    return (
        not text[:start].strip()
        and "\n" not in text[start:end]
        and not re.search(r"[，,。；;：:]", text[start:end])
    )


def extract_claims(text: str, draft: Draft | None = None) -> list[Claim]:
    """Every claim of ``text`` with its kinds, its cues and the figures inside it."""
    draft = draft or Draft.parse(text)
    sections = SectionIndex(text)
    patterns = cue_patterns()
    claims = []
    figure_cursor = 0
    for start, end in claim_spans(text):
        body = text[start:end]
        if not _HAS_CJK.search(body) or sections.is_bare_heading(start) or _is_title_line(text, start, end):
            continue
        figures = []
        while figure_cursor < len(draft.figures) and draft.figures[figure_cursor].start < start:
            figure_cursor += 1
        probe = figure_cursor
        while probe < len(draft.figures) and draft.figures[probe].end <= end:
            if not _trivial(draft.figures[probe]):
                figures.append(probe)
            probe += 1
        section = sections.path_at(start)
        cues = _cues(body, start, patterns)
        kinds = _classify(body, section, figures, cues, patterns)
        claims.append(Claim(start, end, body, section, kinds, cues, figures))
    return claims


def _trivial(figure) -> bool:
    """一次, 一个: a Chinese "one" of a count states no checkable quantity (每季度召开一次推进会)."""
    return (
        figure.decimals == 0 and figure.value <= 1 and not figure.text[:1].isdigit() and not figure.is_percent
    )


def _cues(body: str, offset: int, patterns: CuePatterns) -> list[Cue]:
    found = []
    for kind, pattern in (
        (HONOUR, patterns.honour),
        (SUPERLATIVE, patterns.superlative),
        (CAUSAL, patterns.causal),
        (POLICY, patterns.policy),
    ):
        for match in pattern.finditer(body):
            found.append(Cue(kind, offset + match.start(), offset + match.end(), match.group(0)))
    return sorted(found, key=lambda c: (c.start, c.kind))


def _classify(
    body: str, section: str, figures: list[int], cues: list[Cue], patterns: CuePatterns
) -> tuple[str, ...]:
    top_section = section.split(" > ")[0]
    if any(word in top_section for word in patterns.plan_sections) or patterns.plan.search(body):
        return (PLAN,)
    kinds = []
    for kind in (HONOUR, SUPERLATIVE):
        if any(cue.kind == kind for cue in cues):
            kinds.append(kind)
    if figures:
        kinds.append(QUANTITATIVE)
    if any(cue.kind == CAUSAL for cue in cues):
        kinds.append(CAUSAL)
    if any(cue.kind == POLICY for cue in cues):
        kinds.append(POLICY)
    if kinds:
        return tuple(kinds)
    if patterns.boilerplate.search(body):
        return (BOILERPLATE,)
    return (STATEMENT,)


def clause_around(text: str, start: int, end: int, floor: int, ceiling: int) -> tuple[int, int]:
    """The clause of ``text`` (between clause marks, within floor..ceiling) that holds start..end."""
    left = start
    while left > floor and text[left - 1] not in CLAUSE_MARKS:
        left -= 1
    right = end
    while right < ceiling and text[right] not in CLAUSE_MARKS:
        right += 1
    return left, right
