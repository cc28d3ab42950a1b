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
from assistant.checks.figures import Figure
from assistant.review.claims import CAUSAL, HONOUR, POLICY, SUPERLATIVE
from assistant.review.evidence import KNOWLEDGE, Citation, Passage
from assistant.review.facts import NUMBER, Fact, specific_subject
from assistant.review.matching import (
    LEVELS,
    SCOPE_CONFLICTS,
    coverage,
    level_before,
    level_of,
    negated,
    normalize,
    places,
    sentence_spans,
    significant_digits,
    similarity,
    years_in,
)

SUPPORTED, CONTRADICTED, UNSUPPORTED, NOT_CHECKABLE = "supported", "contradicted", "unsupported", "not_checkable"
_PLAN_WORDS = re.compile(r"(?:目标|计划|预算|预期|指标|任务|力争|拟)[^，,。；;的]{0,8}$")
_TARGET_AFTER = re.compile(r"^(?:的)?(?:年度|全年)?(?:目标|计划|任务|指标)")
_RULE_WORDS = re.compile(r"须|应当|应|规定|要求|标准|以上为|以下为|分为|权重|原则上|不得|不低于|不高于|低于|高于")
_NAME_PARTS = re.compile(r"及|和|与|、|并")
_COLLECTIVE = re.compile(r"全部|均|都|所有|各|\d+\s*[所处个家项座条名户]")
_LEVEL_WORDS = re.compile("|".join(p.pattern for _, p in LEVELS) + r"|级")
_HONOUR_MARKS = re.compile(
    r"获评|荣获|评为|授予|认定|获批|入选|入围|列入|名单|称号|证书|奖|表彰|挂牌|验收|通过|公布|命名|确定|通报|推介|批示"
)
_EQUIVALENT_SUPERLATIVES = {"最大规模": "规模最大", "规模最大": "最大规模", "创历史新高": "历史新高", "历史新高": "创历史新高"}


@dataclass(frozen=True)
class FactVerdict:
    verdict: str  # supported | contradicted | unsupported
    reason: str  # Chinese, says what was compared
    citation: Citation | None = None


@dataclass
class _ParsedPassage:
    passage: Passage
    draft: Draft
    sentences: list[tuple[int, int]]


@lru_cache(maxsize=4096)
def _parse(passage: Passage) -> _ParsedPassage:
    return _ParsedPassage(passage, Draft.parse(passage.text), sentence_spans(passage.text))


def _sentence_of(parsed: _ParsedPassage, offset: int) -> tuple[int, int]:
    for span in parsed.sentences:
        if span[0] <= offset < span[1]:
            return span
    return (offset, offset)


def _context(parsed: _ParsedPassage, index: int) -> str:
    """The sentence, the one before it and the passage title: where a holder or subject may be named."""
    a, b = parsed.sentences[index]
    before = parsed.sentences[index - 1] if index > 0 else (a, a)
    return f"{parsed.passage.title} {parsed.passage.text[before[0]:before[1]]} {parsed.passage.text[a:b]}"


def _passage_year(parsed: _ParsedPassage, sentence: str, draft_year: int | None) -> int | None:
    stated = years_in(sentence)
    if stated:
        return draft_year if draft_year in stated else min(stated)
    if parsed.passage.origin == KNOWLEDGE and parsed.passage.doc_type == "report":
        return parsed.passage.year
    return None


class OfflineJudge:
    """Judges facts against passages by the rules in this module's docstring."""

    name = "offline"

    def __init__(self, draft: Draft, draft_year: int | None) -> None:
        self.draft = draft
        self.draft_year = draft_year

    def judge(self, fact: Fact, passages: list[Passage], claim_text: str = "") -> FactVerdict:
        """Supported, contradicted or unsupported, with the passage sentence that decided it."""
        if fact.kind == HONOUR and len(_NAME_PARTS.split(fact.name)) > 1:
            return self._honour_parts(fact, passages)
        rule_claim = bool(_RULE_WORDS.search(claim_text))
        if fact.kind == CAUSAL:  # a cause may be told across chunks of one file: read them together
            joined: dict[str, str] = {}
            for passage in passages:
                joined[passage.source] = joined.get(passage.source, "") + passage.text
            self._source_text = joined
        support: FactVerdict | None = None
        conflict: FactVerdict | None = None
        for passage in passages:
            if fact.kind == NUMBER and passage.doc_type == "policy" and not rule_claim:
                continue  # a policy's worked example is nobody's data
            parsed = _parse(passage)
            found = self._judge_passage(fact, parsed)
            if found is None:
                continue
            if found.verdict == CONTRADICTED:
                conflict = conflict or found
            else:
                support = support or found
        if fact.kind == NUMBER:  # the same figure stated for a like subject outweighs a different one
            found = support or conflict
        else:  # a negation, a lower level or a narrower scope outweighs a loose match
            found = conflict or support
        return found or FactVerdict(UNSUPPORTED, _nothing_found(fact))

    def _honour_parts(self, fact: Fact, passages: list[Passage]) -> FactVerdict:
        """An honour naming several things (典型事迹及央视巡展): each part must be stated."""
        verdicts = []
        for part in (p for p in _NAME_PARTS.split(fact.name) if len(normalize(p)) >= 2):
            level = level_of(fact.name) if level_of(part) is None else None
            prefix = {"national": "国家", "provincial": "省级", "city": "市级", "county": "县级"}.get(level or "", "")
            sub = Fact(fact.kind, fact.start, fact.end, fact.text, fact.cue, fact.holder, prefix + part, fact.figures)
            verdicts.append(self.judge(sub, passages))
        for wanted in (CONTRADICTED, UNSUPPORTED):
            for verdict in verdicts:
                if verdict.verdict == wanted:
                    return verdict
        return verdicts[0] if verdicts else FactVerdict(UNSUPPORTED, _nothing_found(fact))

    # --- per passage ------------------------------------------------------------------------------
    def _judge_passage(self, fact: Fact, parsed: _ParsedPassage) -> FactVerdict | None:
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
                whole = getattr(self, "_source_text", {}).get(parsed.passage.source, parsed.passage.text)
                found = self._cause(fact, parsed, sentence, whole, a, b)
            elif fact.kind == POLICY:
                found = self._rule(fact, parsed, _window(parsed, index), a, b)
            else:
                found = None
            if found is not None and found.verdict == CONTRADICTED:
                return found
            support = support or found
        return support

    def _number(self, fact: Fact, parsed: _ParsedPassage) -> FactVerdict | None:
        figure = self.draft.figures[fact.figures[0]]
        claim_interval = Interval.of(figure)
        claim_is_target = bool(
            _PLAN_WORDS.search(self.draft.prefix(fact.figures[0]))
            or _TARGET_AFTER.match(self.draft.text[figure.end : figure.end + 6])
        )
        distinctive = significant_digits(figure.text) >= 3
        support = None
        for j, other in enumerate(parsed.draft.figures):
            if other.dimension != figure.dimension:
                continue
            a, b = _sentence_of(parsed, other.start)
            year = _passage_year(parsed, parsed.passage.text[a : other.start], self.draft_year)
            if year is not None and self.draft_year is not None and year != self.draft_year:
                continue
            other_is_target = bool(
                _PLAN_WORDS.search(parsed.draft.prefix(j))
                or _TARGET_AFTER.match(parsed.passage.text[other.end : other.end + 6])
            )
            if other_is_target != claim_is_target:
                continue  # a target is not an actual
            index = parsed.sentences.index((a, b)) if (a, b) in parsed.sentences else 0
            context = _context(parsed, index) if parsed.sentences else parsed.passage.text[a:b]
            scope = [k for k, f in enumerate(parsed.draft.figures) if a <= f.start < b]
            subject, own = specific_subject(parsed.draft, j, scope, b)
            alike = similarity(fact.holder, subject)
            if claim_interval.overlaps(Interval.of(other)):
                covered = coverage(fact.holder, context)
                # a passage figure that names its own, different subject is about something else
                loose = not own or len(normalize(subject)) < 4 or alike >= 0.3
                if alike >= 0.5 or (loose and covered >= 0.75) or (distinctive and covered >= 0.5):
                    support = support or FactVerdict(
                        SUPPORTED,
                        f"{_where(parsed.passage)}写明“{subject or fact.holder}”为 {other.text}，与文中 {figure.text} 一致。",
                        Citation.in_passage(parsed.passage, a, b),
                    )
                continue
            if alike >= 0.75 and fact.own_subject and own and figure.exact and other.exact:
                return FactVerdict(
                    CONTRADICTED,
                    f"{_where(parsed.passage)}写明“{subject}”为 {other.text}，文中写作 {figure.text}，两者不一致。",
                    Citation.in_passage(parsed.passage, a, b),
                )
        return support

    def _honour(
        self, fact: Fact, parsed: _ParsedPassage, sentence: str, context: str, a: int, b: int
    ) -> FactVerdict | None:
        core = _LEVEL_WORDS.sub(" ", fact.name)
        if len(normalize(core)) < 2:
            core = fact.name
        # most of the name must be in this sentence; the rest may be in its title or the sentence before
        if coverage(core, sentence) < 0.5 or coverage(core, context) < 0.75:
            return None
        if not _HONOUR_MARKS.search(parsed.passage.text):
            return None
        named = len(normalize(fact.holder)) >= 2
        holder_cover = coverage(fact.holder, context) if named else 1.0
        if holder_cover < 0.5 or not _same_places(fact.holder, sentence, context):
            return None
        citation = Citation.in_passage(parsed.passage, a, b)
        anchor = _first_shared_position(sentence, core)
        # a contradiction needs the holder in the very sentence (另有3个工作站…未通过验收 is about others),
        # unless the claim speaks for a whole group (8所学校全部…, 4处工程均…): then any member counts
        collective = bool(_COLLECTIVE.search(fact.holder))
        if named and not collective and coverage(fact.holder, sentence) < 0.5:
            return self._support_only(fact, parsed, sentence, context, citation, core)
        if negated(sentence, anchor):
            return FactVerdict(CONTRADICTED, f"{_where(parsed.passage)}写明“{sentence.strip()}”，是否定的表述。", citation)
        claimed_level = level_before(fact.name, _first_shared_position(fact.name, core))
        stated_level = level_before(sentence, anchor)
        if claimed_level and stated_level and claimed_level != stated_level:
            return FactVerdict(
                CONTRADICTED,
                f"{_where(parsed.passage)}写的是“{sentence.strip()}”，级别与文中“{fact.name}”不同。",
                citation,
            )
        mismatch = self._figures_differ(fact, sentence)
        if mismatch:
            return FactVerdict(CONTRADICTED, f"{_where(parsed.passage)}写明“{sentence.strip()}”，{mismatch}", citation)
        return self._support_only(fact, parsed, sentence, context, citation, core)

    def _support_only(
        self, fact: Fact, parsed: _ParsedPassage, sentence: str, context: str, citation: Citation, core: str
    ) -> FactVerdict | None:
        anchor = _first_shared_position(sentence, core)
        if negated(sentence, anchor):
            return None
        claimed = level_before(fact.name, _first_shared_position(fact.name, core))
        level_ok = claimed is None or level_before(sentence, anchor) == claimed or coverage(fact.name, context) >= 0.8
        if coverage(core, context) >= 0.8 and level_ok and self._figures_stated(fact, sentence):
            return FactVerdict(SUPPORTED, f"{_where(parsed.passage)}写明“{sentence.strip()}”。", citation)
        return None

    def _superlative(
        self, fact: Fact, parsed: _ParsedPassage, sentence: str, context: str, a: int, b: int
    ) -> FactVerdict | None:
        rest = fact.text.replace(fact.cue, "")
        about = coverage(rest, context) if len(normalize(rest)) >= 2 else 1.0
        if about < 0.6:
            return None
        citation = Citation.in_passage(parsed.passage, a, b)
        flat = normalize(sentence)
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
                return FactVerdict(CONTRADICTED, f"{_where(parsed.passage)}写明“{sentence.strip()}”，是否定的表述。", citation)
            if self._figures_stated(fact, sentence):
                return FactVerdict(SUPPORTED, f"{_where(parsed.passage)}写明“{sentence.strip()}”。", citation)
        return None

    def _cause(
        self, fact: Fact, parsed: _ParsedPassage, sentence: str, context: str, a: int, b: int
    ) -> FactVerdict | None:
        # a cause is often told over several sentences: most of it must be in the passage, part in this one
        if coverage(fact.name, context) >= 0.7 and coverage(fact.name, sentence) >= 0.3:
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
