"""The deterministic judge: does a passage state the same fact as a claim, state something else, or neither?

Rules, in the order they are tried for each sentence of each passage:
- a figure is supported by a figure of the same dimension whose printed-precision interval overlaps it, in a
  sentence about the same subject and period; a different figure for a subject that is nearly the same
  (and in the same period, and not a target or budget) contradicts it;
- an honour is supported when a sentence names (nearly) the same honour and its holder; a negation before it,
  another administrative level of the same honour, or a different count of holders contradicts it;
- a superlative is supported when a sentence states the same superlative about the same thing; a narrower
  word (之一, 部分完成, 再次 …) about the same thing contradicts it;
- a cause is supported when a sentence states (nearly) the same cause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.checks.arithmetic import Interval
from assistant.checks.document import Draft
from assistant.checks.figures import Figure, extract_figures
from assistant.review.claims import CAUSAL, HONOUR, POLICY, SUPERLATIVE
from assistant.review.evidence import KNOWLEDGE, Citation, Passage
from assistant.review.facts import NUMBER, Fact, specific_subject
from assistant.review.matching import (
    SCOPE_CONFLICTS,
    claimed_level,
    content_bigrams,
    coverage,
    grades,
    level_before,
    level_of,
    negated,
    normalize,
    passage_sentences,
    places,
    significant_digits,
    similarity,
    years_in,
)

SUPPORTED, CONTRADICTED, UNSUPPORTED, NOT_CHECKABLE = (
    "supported",
    "contradicted",
    "unsupported",
    "not_checkable",
)
_PLAN_WORDS = re.compile(
    r"(?:目标|计划|预期|指标值|任务|力争|拟|预算数|年初预算|调整后预算|预算安排)[^，,。；;的]{0,8}$"
)
TARGET_AFTER = re.compile(r"^(?:的)?(?:年度|全年)?(?:目标|计划|任务|指标)")  # 超过80公里【的年度目标】
_RULE_WORDS = re.compile(
    r"须|应当|应|规定|要求|标准|以上为|以下为|分为|权重|原则上|不得|不低于|不高于|低于|高于"
)
_NAME_PARTS = re.compile(r"及|和|与|、|并")
_GRADE_WORDS = re.compile(r"[一二三四五特]级(?![政党])|[甲乙丙]等|[一二三]等奖|特等奖|金奖|银奖|铜奖")
_ALL_DONE = re.compile(r"全部|均已|全面|圆满")
_ANAPHORA = re.compile(r"该|其|此|上述")
_SELF = re.compile(r"^(?:本|我)(?:馆|局|院|校|中心|单位|部门|委|办|站|所|队)")
_COLLECTIVE = re.compile(r"全部|均|都|所有|各|\d+\s*[所处个家项座条名户]")
_LEVEL_WORDS = re.compile(
    r"国家级|国家|全国|中央|国务院|省级|全省|市级|全市|县级|全县|区级|州级|省|[\u4e00-\u9fff]{0,3}?(?:部|厅)(?![门分])"
)  # the level and the issuing body inside an honour's name: 【省级】示范县, 【国家科技部】优秀典型事迹
_HONOUR_MARKS = re.compile(
    r"获评|荣获|评为|授予|认定|获批|入选|入围|列入|名单|称号|证书|奖|表彰|挂牌|验收|通过|公布|命名|确定|通报|推介|批示|评定|定级|等级|公示"
)
_EQUIVALENT_SUPERLATIVES = {
    "最大规模": "规模最大",
    "规模最大": "最大规模",
    "创历史新高": "历史新高",
    "历史新高": "创历史新高",
}


@dataclass(frozen=True)
class FactVerdict:
    verdict: str  # supported | contradicted | unsupported
    reason: str  # Chinese, says what was compared
    citation: Citation | None = None


@dataclass(frozen=True)
class _Stated:
    """A figure a passage states, with what it measures and where (a prose sentence or a table row)."""

    figure: Figure
    subject: str
    own_subject: bool
    is_target: bool
    start: int  # the sentence or row holding it, in the passage text
    end: int
    before: str  # text of the sentence before the figure (where a year may be named)


@dataclass
class _ParsedPassage:
    passage: Passage
    draft: Draft
    sentences: list[tuple[int, int]]
    stated: list[_Stated]


@lru_cache(maxsize=4096)
def _parse(passage: Passage) -> _ParsedPassage:
    draft = Draft.parse(passage.text)
    sentences = passage_sentences(passage.text)
    stated = []
    for j, figure in enumerate(draft.figures):
        a, b = next(((x, y) for x, y in sentences if x <= figure.start < y), (figure.start, figure.end))
        scope = [k for k, f in enumerate(draft.figures) if a <= f.start < b]
        subject, own = specific_subject(draft, j, scope, b)
        target = bool(
            _PLAN_WORDS.search(draft.prefix(j))
            or TARGET_AFTER.match(passage.text[figure.end : figure.end + 6])
        )
        stated.append(_Stated(figure, subject, own, target, a, b, passage.text[a : figure.start]))
    stated += _table_figures(passage.text)
    return _ParsedPassage(passage, draft, sentences, stated)


_CELL_SPLIT = re.compile(r"\s*\|\s*")
_TARGET_HEADER = re.compile(r"目标|计划|指标值|预期|年初")
_PRIOR_HEADER = re.compile(r"上年|去年|上一年")
_UNIT_IN_LABEL = re.compile(r"[（(]([^（）()]{1,6})[）)]\s*$")
_NUMBER_CELL = re.compile(r"^[-+]?\d[\d,，.]*\s*(?:%|‰|[^\d\s\u4e00-\u9fff]{1,3}|[\u4e00-\u9fff]{1,3})?$")


def _table_figures(text: str) -> list[_Stated]:
    """Figures in table rows (| 接待读者 | 万人次 | 65 | 68.42 |): each numeric cell with the row's unit,
    measuring the row's label, a target when its column header says so."""
    stated: list[_Stated] = []
    header: list[str] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        start, raw = offset, line.strip()
        offset += len(line)
        if raw.count("|") < 2:
            header = [] if not raw else header
            continue
        cells = [c.strip() for c in _CELL_SPLIT.split(raw.strip().strip("|"))]
        if all(set(c) <= set("-: ") for c in cells):
            continue  # the markdown separator row
        numeric = [bool(_NUMBER_CELL.match(c)) and not re.search(r"\d{4}\s*年", c) for c in cells]
        if not any(numeric):
            header = cells
            continue
        unit = ""
        if header and "单位" in header:
            at = header.index("单位")
            unit = cells[at] if at < len(cells) else ""
        label = next((c for c, n in zip(cells, numeric, strict=False) if not n and c and c != unit), "")
        in_label = _UNIT_IN_LABEL.search(label)
        if not unit and in_label:  # | 接待读者（万人次） | 65 | 68.42 |
            unit, label = in_label.group(1), label[: in_label.start()]
        line_start = start + len(line) - len(line.lstrip())
        for i, (cell, is_number) in enumerate(zip(cells, numeric, strict=False)):
            if not is_number:
                continue
            figures = extract_figures(
                f"{cell}{unit}" if unit and not re.search(r"[^\d,，.\s-]", cell) else cell
            )
            if not figures:
                continue
            column = header[i] if i < len(header) else ""
            if _PRIOR_HEADER.search(column):
                continue  # last year's column is another period
            stated.append(
                _Stated(
                    figures[0],
                    label,
                    True,
                    bool(_TARGET_HEADER.search(column) or _PLAN_WORDS.search(label)),
                    line_start,
                    line_start + len(raw),
                    column,
                )  # fmt: skip
            )
    return stated


def _sentence_of(parsed: _ParsedPassage, offset: int) -> tuple[int, int]:
    for span in parsed.sentences:
        if span[0] <= offset < span[1]:
            return span
    return (offset, offset)


def _context(parsed: _ParsedPassage, index: int) -> str:
    """The sentence, the one before it and the passage title: where a holder or subject may be named."""
    a, b = parsed.sentences[index]
    before = parsed.sentences[index - 1] if index > 0 else (a, a)
    return f"{parsed.passage.title} {parsed.passage.text[before[0] : before[1]]} {parsed.passage.text[a:b]}"


def _passage_year(parsed: _ParsedPassage, sentence: str, draft_year: int | None) -> int | None:
    stated = years_in(sentence)
    if stated:
        return draft_year if draft_year in stated else min(stated)
    if parsed.passage.doc_type == "policy":
        return None
    return parsed.passage.year  # the year the report or the evidence document is about


class OfflineJudge:
    """Judges facts against passages by the rules in this module's docstring."""

    name = "offline"

    def __init__(self, draft: Draft, draft_year: int | None, draft_unit: str = "") -> None:
        self.draft = draft
        self.draft_year = draft_year
        self.draft_unit = draft_unit

    def judge(
        self, fact: Fact, passages: list[Passage], claim_text: str = "", rule_claim: bool = False
    ) -> FactVerdict:
        """Supported, contradicted or unsupported, with the passage sentence that decided it."""
        if fact.kind == HONOUR and len(_NAME_PARTS.split(fact.name)) > 1:
            return self._honour_parts(fact, passages)
        rule_claim = rule_claim or bool(_RULE_WORDS.search(claim_text))
        # another unit's report says nothing about this unit's figures and honours
        passages = [p for p in passages if self._same_unit(p) or fact.kind in (CAUSAL, POLICY)]
        whole: dict[str, str] = {}  # a cause may be told across chunks of one file: read them together
        if fact.kind == CAUSAL:
            for passage in passages:
                whole[passage.source] = whole.get(passage.source, "") + passage.text
        support: FactVerdict | None = None
        conflict: FactVerdict | None = None
        for passage in passages:
            if fact.kind == NUMBER and passage.doc_type == "policy" and not rule_claim:
                continue  # a policy's worked example is nobody's data
            parsed = _parse(passage)
            found = self._judge_passage(fact, parsed, whole.get(passage.source, passage.text))
            if found is None:
                continue
            if found.verdict == CONTRADICTED:
                conflict = conflict or found
            else:
                support = support if fact.kind == NUMBER else _better(fact, support, found)
                support = support or found
        # for a figure, the same figure stated for a like subject outweighs a different one; for the rest,
        # a negation, a lower level or a narrower scope outweighs a loose match
        found = (support or conflict) if fact.kind == NUMBER else (conflict or support)
        return found or FactVerdict(UNSUPPORTED, _nothing_found(fact))

    def _holder(self, fact: Fact) -> str:
        """The honour's holder; 本馆/本局/我单位 stand for the reporting unit itself."""
        holder = re.sub(r"在[^，,]{2,30}?中$", "", fact.holder)
        if self.draft_unit and _SELF.match(holder):
            return self.draft_unit + _SELF.sub("", holder)
        return holder

    def _same_unit(self, passage: Passage) -> bool:
        if (
            passage.origin != KNOWLEDGE
            or passage.doc_type != "report"
            or not passage.unit
            or not self.draft_unit
        ):
            return True
        return similarity(passage.unit, self.draft_unit) >= 0.6

    def _honour_parts(self, fact: Fact, passages: list[Passage]) -> FactVerdict:
        """An honour naming several things (典型事迹及央视巡展): each part must be stated."""
        verdicts = []
        for part in (p for p in _NAME_PARTS.split(fact.name) if len(normalize(p)) >= 2):
            level = level_of(fact.name) if level_of(part) is None else None
            prefix = {"national": "国家", "provincial": "省级", "city": "市级", "county": "县级"}.get(
                level or "", ""
            )
            sub = Fact(
                fact.kind, fact.start, fact.end, fact.text, fact.cue, fact.holder, prefix + part, fact.figures
            )
            verdicts.append(self.judge(sub, passages))
        for wanted in (CONTRADICTED, UNSUPPORTED):
            for verdict in verdicts:
                if verdict.verdict == wanted:
                    return verdict
        return verdicts[0] if verdicts else FactVerdict(UNSUPPORTED, _nothing_found(fact))

    # --- per passage ------------------------------------------------------------------------------
    def _judge_passage(self, fact: Fact, parsed: _ParsedPassage, source_text: str) -> FactVerdict | None:
        if fact.kind == NUMBER:
            return self._number(fact, parsed)
        support = None
        for index, (a, b) in enumerate(parsed.sentences):
            sentence = parsed.passage.text[a:b]
            context = _context(parsed, index)
            if fact.kind == HONOUR:
                found = self._honour(fact, parsed, sentence, context, a, b)
            elif fact.kind == SUPERLATIVE:
                found = self._superlative(fact, parsed, sentence, context, a, b)
            elif fact.kind == CAUSAL:
                found = self._cause(fact, parsed, sentence, source_text, a, b)
            elif fact.kind == POLICY:
                found = self._rule(fact, parsed, _window(parsed, index), a, b)
            else:
                found = None
            if found is not None and found.verdict == CONTRADICTED:
                return found
            support = _better(fact, support, found)
        return support

    def _number(self, fact: Fact, parsed: _ParsedPassage) -> FactVerdict | None:
        figure = self.draft.figures[fact.figures[0]]
        claim_interval = Interval.of(figure)
        claim_is_target = bool(
            _PLAN_WORDS.search(self.draft.prefix(fact.figures[0]))
            or TARGET_AFTER.match(self.draft.text[figure.end : figure.end + 6])
        )
        digits = significant_digits(figure.text)
        support = None
        for stated in parsed.stated:
            other = stated.figure
            if other.dimension != figure.dimension or stated.is_target != claim_is_target:
                continue  # another kind of quantity, or a target against an actual
            year = _passage_year(parsed, stated.before, self.draft_year)
            if year is not None and self.draft_year is not None and year != self.draft_year:
                continue
            a, b = stated.start, stated.end
            context = f"{parsed.passage.title} {_sentence_before(parsed, a)} {parsed.passage.text[a:b]}"
            alike = similarity(fact.holder, stated.subject)
            if claim_interval.overlaps(Interval.of(other)):
                covered = coverage(fact.holder, context)
                # a passage figure that names its own, different subject is about something else
                loose = not stated.own_subject or len(normalize(stated.subject)) < 4 or alike >= 0.3
                if (
                    alike >= (0.5 if digits >= 3 else 0.7)
                    or (loose and covered >= 0.75)
                    or (digits >= 3 and covered >= 0.5)
                    or digits >= 5  # 3706.50万元 = 37065000.00元: six matching digits are no coincidence
                ):
                    support = support or FactVerdict(
                        SUPPORTED,
                        f"{_where(parsed.passage)}写明“{stated.subject or fact.holder}”为 {other.text}，"
                        f"与文中 {figure.text} 一致。",
                        Citation.in_passage(parsed.passage, a, b),
                    )
                continue
            if (
                alike >= 0.75
                and fact.own_subject
                and stated.own_subject
                and figure.exact
                and other.exact
                and not _narrowed(fact.holder, stated.subject)
            ):
                return FactVerdict(
                    CONTRADICTED,
                    f"{_where(parsed.passage)}写明“{stated.subject}”为 {other.text}，文中写作 {figure.text}，两者不一致。",
                    Citation.in_passage(parsed.passage, a, b),
                )
        return support

    def _honour(
        self, fact: Fact, parsed: _ParsedPassage, sentence: str, context: str, a: int, b: int
    ) -> FactVerdict | None:
        core = _LEVEL_WORDS.sub(" ", _GRADE_WORDS.sub(" ", fact.name))
        if len(normalize(core)) < 2:
            core = fact.name
        # most of the name must be in this sentence; the rest may be in its title or the sentence before
        if coverage(core, sentence) < 0.5 or coverage(core, context) < 0.75:
            return None
        if not _HONOUR_MARKS.search(parsed.passage.text):
            return None
        holder = self._holder(fact)
        named = len(normalize(holder)) >= 2
        holder_cover = coverage(holder, context) if named else 1.0
        if holder_cover < 0.5 or not _same_places(holder, sentence, context):
            return None
        citation = Citation.in_passage(parsed.passage, a, b)
        first, last = _shared_span(sentence, core)
        # a contradiction needs the holder in the very sentence (另有3个工作站…未通过验收 is about others),
        # or in the one before when this one points back to it (该胸痛中心…), unless the claim speaks for a
        # whole group (8所学校全部…, 4处工程均…): then any member counts
        collective = bool(_COLLECTIVE.search(holder))
        here = sentence if not _ANAPHORA.search(sentence) else f"{_sentence_before(parsed, a)}{sentence}"
        if named and not collective and coverage(holder, here) < 0.5:
            return self._support_only(fact, parsed, sentence, context, citation, core)
        if negated(sentence, first, anchor_end=last) and not negated(fact.text, len(fact.text)):
            return FactVerdict(
                CONTRADICTED, f"{_where(parsed.passage)}写明“{sentence.strip()}”，是否定的表述。", citation
            )
        level = claimed_level(fact.name)
        if level is not None:
            stated = _stated_level(sentence, level[1]) or _level_around(sentence, first, last)
            if stated and stated != level[0]:
                return FactVerdict(
                    CONTRADICTED,
                    f"{_where(parsed.passage)}写的是“{sentence.strip()}”，级别与文中“{fact.name}”不同。",
                    citation,
                )
        claimed_grades, stated_grades = grades(fact.name), grades(sentence)
        if claimed_grades and stated_grades and not claimed_grades & stated_grades:
            return FactVerdict(
                CONTRADICTED,
                f"{_where(parsed.passage)}写的是“{sentence.strip()}”，等级与文中“{fact.name}”不同。",
                citation,
            )
        mismatch = self._figures_differ(fact, sentence)
        if mismatch:
            return FactVerdict(
                CONTRADICTED, f"{_where(parsed.passage)}写明“{sentence.strip()}”，{mismatch}", citation
            )
        return self._support_only(fact, parsed, sentence, context, citation, core)

    def _support_only(
        self, fact: Fact, parsed: _ParsedPassage, sentence: str, context: str, citation: Citation, core: str
    ) -> FactVerdict | None:
        first, last = _shared_span(sentence, core)
        if negated(sentence, first, anchor_end=last):
            return None
        level = claimed_level(fact.name)
        level_ok = (
            level is None
            or level[2] in context  # the same level words or issuing body (省科技厅) are named
            or level[0] in (_stated_level(sentence, level[1]), _level_around(sentence, first, last))
        )
        grades_ok = not grades(fact.name) or grades(fact.name) <= grades(context)
        if coverage(core, context) >= 0.8 and level_ok and grades_ok and self._figures_stated(fact, sentence):
            return FactVerdict(SUPPORTED, f"{_where(parsed.passage)}写明“{sentence.strip()}”。", citation)
        return None

    def _superlative(
        self, fact: Fact, parsed: _ParsedPassage, sentence: str, context: str, a: int, b: int
    ) -> FactVerdict | None:
        rest = fact.text.replace(fact.cue, " ")
        after = fact.text[fact.text.find(fact.cue) + len(fact.cue) :] if fact.cue in fact.text else ""
        about = coverage(rest, context) if len(normalize(rest)) >= 2 else 1.0
        if len(normalize(after)) >= 4:  # 全省首个【农村公路数字化管理平台】: what the superlative is about
            about = max(about, coverage(after, context))
        if about < 0.6:
            return None
        citation = Citation.in_passage(parsed.passage, a, b)
        flat = normalize(sentence)
        if _ALL_DONE.search(fact.cue) and len(normalize(after)) >= 2:
            first, last = _shared_span(sentence, after)
            if first < len(sentence) and negated(
                sentence, first, anchor_end=last
            ):  # 全部建成并对外开放 / 尚未对外开放
                return FactVerdict(
                    CONTRADICTED,
                    f"{_where(parsed.passage)}写明“{sentence.strip()}”，与文中“{fact.cue}”不符。",
                    citation,
                )
        for word, narrower in SCOPE_CONFLICTS.items():
            if word in fact.cue and narrower.search(sentence) and normalize(fact.cue) not in flat:
                return FactVerdict(
                    CONTRADICTED,
                    f"{_where(parsed.passage)}写的是“{sentence.strip()}”，不能支撑文中“{fact.cue}”的说法。",
                    citation,
                )
        cue = normalize(fact.cue)
        alternative = _EQUIVALENT_SUPERLATIVES.get(cue, cue)
        if (cue in flat or alternative in flat) and coverage(fact.text, context) >= 0.6:
            if negated(sentence, max(flat.find(cue), 0)):
                return FactVerdict(
                    CONTRADICTED,
                    f"{_where(parsed.passage)}写明“{sentence.strip()}”，是否定的表述。",
                    citation,
                )
            if self._figures_stated(fact, sentence):
                return FactVerdict(SUPPORTED, f"{_where(parsed.passage)}写明“{sentence.strip()}”。", citation)
        return None

    def _cause(
        self, fact: Fact, parsed: _ParsedPassage, sentence: str, context: str, a: int, b: int
    ) -> FactVerdict | None:
        # a cause is often told over several sentences: most of it must be in the passage, part in this one
        if coverage(fact.name, context) >= 0.6 and coverage(fact.name, sentence) >= 0.3:
            return FactVerdict(
                SUPPORTED,
                f"{_where(parsed.passage)}写明“{sentence.strip()}”。",
                Citation.in_passage(parsed.passage, a, b),
            )
        return None

    def _rule(self, fact: Fact, parsed: _ParsedPassage, window: str, a: int, b: int) -> FactVerdict | None:
        if parsed.passage.doc_type != "policy" or coverage(fact.name, window) < 0.7:
            return None
        return FactVerdict(
            SUPPORTED,
            f"{_where(parsed.passage)}写明“{parsed.passage.text[a:b].strip()}”。",
            Citation.in_passage(parsed.passage, a, b),
        )

    # --- figures inside an honour or superlative ----------------------------------------------------
    def _figures_stated(self, fact: Fact, sentence: str) -> bool:
        stated = Draft.parse(sentence).figures
        return all(any(_same(self.draft.figures[i], other) for other in stated) for i in fact.figures)

    def _figures_differ(self, fact: Fact, sentence: str) -> str:
        stated = Draft.parse(sentence).figures
        for i in fact.figures:
            mine = self.draft.figures[i]
            same_kind = [o for o in stated if o.dimension == mine.dimension]
            if same_kind and not any(_same(mine, o) for o in same_kind) and mine.exact:
                return f"其中为 {same_kind[0].text}，文中写作 {mine.text}。"
        return ""


def _better(fact: Fact, current: FactVerdict | None, candidate: FactVerdict | None) -> FactVerdict | None:
    """Of two supports, the one whose sentence states more of the fact (a list's title loses to its row)."""
    if candidate is None or candidate.citation is None:
        return current
    if current is None or current.citation is None:
        return candidate
    return (
        candidate
        if coverage(fact.text, candidate.citation.quote) > coverage(fact.text, current.citation.quote)
        else current
    )


def _stated_level(text: str, following: str) -> str | None:
    """The level word just before any occurrence of ``following`` (the honour's noun) in ``text``."""
    at = text.find(following)
    while at >= 0:
        level = level_before(text, at, 4)
        if level:
            return level
        at = text.find(following, at + 1)
    return None


_LEVEL_ADJECTIVE = (
    ("national", re.compile(r"国家级|全国")),
    ("provincial", re.compile(r"省级|全省")),
    ("city", re.compile(r"市级|全市")),
    ("county", re.compile(r"县级|全县")),
)


def _level_around(sentence: str, first: int, last: int) -> str | None:
    """A level adjective right around the honour's name (市级“四好农村路”示范县)."""
    region = sentence[max(0, first - 3) : last + 5]
    for level, pattern in _LEVEL_ADJECTIVE:
        if pattern.search(region):
            return level
    return None


def _narrowed(mine: str, theirs: str) -> bool:
    """True when one subject is a part of the other (项目支出中第四季度支出 vs 项目支出)."""
    for a, b in ((mine, theirs), (theirs, mine)):
        match = re.search(r"中([^，,；;、]{2,})$", a)
        if match and match.group(1) not in b:
            return True
    return False


def _sentence_before(parsed: _ParsedPassage, offset: int) -> str:
    previous = [span for span in parsed.sentences if span[1] <= offset]
    return parsed.passage.text[previous[-1][0] : previous[-1][1]] if previous else ""


def _window(parsed: _ParsedPassage, index: int) -> str:
    """The sentence with the ones before and after it: a cause or a rule may run over two sentences."""
    spans = parsed.sentences[max(0, index - 1) : index + 2]
    return " ".join(parsed.passage.text[a:b] for a, b in spans)


def _same_places(holder: str, sentence: str, context: str) -> bool:
    """False when the holder names a place the passage does not, and the sentence names another one."""
    named = places(holder)
    if not named:
        return True
    if any(place in context for place in named):
        return True
    return not places(sentence)


def _same(mine: Figure, other: Figure) -> bool:
    return mine.dimension == other.dimension and Interval.of(mine).overlaps(Interval.of(other))


def _shared_span(sentence: str, name: str) -> tuple[int, int]:
    """Where in ``sentence`` the name's shared two-character pieces start and end."""
    positions = [sentence.find(g) for g in content_bigrams(name)]
    found = [p for p in positions if p >= 0]
    return (min(found), max(found)) if found else (len(sentence), len(sentence))


def _first_shared_position(sentence: str, name: str) -> int:
    """Where in ``sentence`` the honour's name starts (its first shared two characters), else its end."""
    flat_name = normalize(name)
    for i in range(len(flat_name) - 1):
        at = sentence.find(flat_name[i : i + 2])
        if at >= 0:
            return at
    return len(sentence)


def _where(passage: Passage) -> str:
    from assistant.review.evidence import ORIGIN_LABELS

    return f"{ORIGIN_LABELS[passage.origin]}“{passage.source}”"


def _nothing_found(fact: Fact) -> str:
    if fact.kind == NUMBER:
        return f"佐证材料、数据表和知识库中都没有找到“{fact.holder}”为 {fact.text} 的记载。"
    if fact.kind == HONOUR:
        return f"佐证材料和知识库中没有找到“{fact.name}”的文件或记载，需补充通知、证书或名单等佐证。"
    if fact.kind == SUPERLATIVE:
        return f"“{fact.cue}”是绝对化或最高级的表述，佐证材料和知识库中没有找到依据，需补充佐证或改用可核实的表述。"
    if fact.kind == POLICY:
        return f"知识库的政策文件中没有找到这条规定（“{fact.name[:40]}”）。"
    return f"佐证材料和知识库中没有找到支持该原因分析（“{fact.name}”）的记载。"
