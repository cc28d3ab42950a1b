"""The checkable facts inside a claim: each figure, each honour, each superlative, each cause, each rule."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.checks.document import Draft
from assistant.review.claims import CAUSAL, HONOUR, PLAN, POLICY, SUPERLATIVE, Claim, Cue, clause_around

NUMBER = "number"
_QUOTES = "“”‘’\"'「」『』《》"
_LEAD = re.compile(r"^(?:并且|并|还|同时|此外|另有|另外|其中|以及|和|及|已|均|也|共有|共|先后|成功|正式)+")
_HONOUR_TAIL = re.compile(r"(?:荣誉称号|称号|荣誉|等荣誉|等)+$")
_CAUSE_LEAD = re.compile(r"^(?:的)?(?:主要)?(?:原因)?(?:主要)?(?:是|在于|为|有|包括)?[：:，,]?")
GENERIC_SUBJECT = re.compile(
    r"^(?:同比|比上年|较上年|比去年|较去年|环比|分别)?(?:增长|增加|下降|减少|提高|降低|增速|增幅|降幅|占|达|为|是|有|中)"
)
_PERCENT_CUE = re.compile(r"\d")


@dataclass
class Fact:
    kind: str  # number | honour | superlative | causal | policy
    start: int
    end: int
    text: str
    cue: str = ""
    holder: str = ""  # who holds the honour, or what the figure measures
    name: str = ""  # the honour's name, the superlative phrase, the cause, or the rule
    figures: list[int] = field(default_factory=list)
    own_subject: bool = True  # False when a figure's subject was borrowed from the figure before it
    absolute: bool = False  # a figure that is itself an absolute claim (100%)


def _strip_quotes(text: str) -> str:
    return "".join(ch for ch in text if ch not in _QUOTES)


def specific_subject(draft: Draft, index: int, scope: list[int], end: int) -> tuple[str, bool]:
    """What figure ``index`` measures, and whether the text named it there.

    A bare change or share word (同比增长, 占…比重) borrows the nearest specific subject before it among
    ``scope`` (figures of the same claim or sentence); a subject too short to say anything takes the words
    after the figure (配备24名项目服务专员), up to ``end``.
    """
    subject = draft.subject(index)
    own = True
    position = scope.index(index) if index in scope else -1
    if position > 0 and (len(subject) < 3 or GENERIC_SUBJECT.match(subject)):
        for k in range(position - 1, -1, -1):
            previous = draft.subject(scope[k])
            if len(previous) >= 3 and not GENERIC_SUBJECT.match(previous):
                subject, own = f"{previous}{subject}", False
                break
    if len(subject) < 3:
        figure = draft.figures[index]
        after = re.split(r"[，,；;。、（(]", draft.text[figure.end : end], maxsplit=1)[0]
        subject = f"{subject}{after[:16]}"
    return subject, own


def extract_facts(claim: Claim, draft: Draft) -> list[Fact]:
    """The facts that must each have support for ``claim`` to count as supported."""
    if PLAN in claim.kinds:
        return []
    text = draft.text
    facts: list[Fact] = []
    absolute_figures: set[int] = set()
    main_cues = [c for c in claim.cues if c.kind in (HONOUR, SUPERLATIVE)]
    # a superlative that is a figure (100%) is checked as that figure
    for cue in list(main_cues):
        if cue.kind == SUPERLATIVE and _PERCENT_CUE.search(cue.text):
            inside = [
                i for i in claim.figures if draft.figures[i].start <= cue.start < draft.figures[i].end + 1
            ]
            if inside:
                absolute_figures.update(inside)
                main_cues.remove(cue)
    for start, end, cues in _cue_clauses(text, claim, main_cues):
        cue = next((c for c in cues if c.kind == HONOUR), cues[0])
        holder = _LEAD.sub("", _strip_quotes(text[start : cue.start])).strip()
        if len(holder) < 2:
            holder = _claim_subject(text, claim, start)
        if cue.kind == HONOUR and not cue.text.startswith("通过") and cue.text != "挂牌":
            name = _HONOUR_TAIL.sub("", _strip_quotes(text[cue.end : end]).strip())
            name = name or _strip_quotes(cue.text)
        elif cue.kind == HONOUR:
            name = _strip_quotes(cue.text)
        else:
            name = cue.text
        inside = [i for i in claim.figures if start <= draft.figures[i].start < end]
        facts.append(Fact(cue.kind, start, end, text[start:end], cue.text, holder, name, inside))
    covered = [(f.start, f.end) for f in facts]
    for cue in claim.cues:
        if cue.kind != CAUSAL or any(a <= cue.start < b for a, b in covered):
            continue
        cause = _CAUSE_LEAD.sub("", text[cue.end : claim.end].strip()).rstrip("。；;")
        start = clause_around(text, cue.start, cue.end, claim.start, claim.end)[0]
        if len(cause) >= 4 or cue.text.startswith("受"):
            facts.append(
                Fact(CAUSAL, start, claim.end, text[start : claim.end], cue.text, "", cause or cue.text)
            )
            break  # a cause's figures are still checked one by one below
    if POLICY in claim.kinds and not claim.figures and not facts:
        cue = next(c for c in claim.cues if c.kind == POLICY)
        cited = cue.text.startswith(("根据", "按照", "依据", "依照", "按"))  # the rule comes after its source
        rule = (text[cue.end : claim.end] if cited else claim.text).strip("，,：: 。；;")
        facts.append(Fact(POLICY, claim.start, claim.end, claim.text, cue.text, "", rule or claim.text))
    for index in claim.figures:
        figure = draft.figures[index]
        if any(a <= figure.start < b for a, b in covered):
            continue
        subject, own = specific_subject(draft, index, claim.figures, claim.end)
        facts.append(
            Fact(
                NUMBER,
                figure.start,
                figure.end,
                figure.text,
                "",
                subject,
                figure.text,
                [index],
                own,
                index in absolute_figures,
            )  # fmt: skip
        )
    return sorted(facts, key=lambda f: f.start)


def _claim_subject(text: str, claim: Claim, before: int) -> str:
    """The first clause of the claim, as the holder of an honour whose own clause names none."""
    first_end = claim.start
    while first_end < before and text[first_end] not in "，,；;：:":
        first_end += 1
    return _LEAD.sub("", _strip_quotes(text[claim.start : first_end])).strip()


def _cue_clauses(text: str, claim: Claim, cues: list[Cue]) -> list[tuple[int, int, list[Cue]]]:
    """Clauses holding honour or superlative cues; two cues in one clause split at the 、 between them."""
    groups: dict[tuple[int, int], list[Cue]] = {}
    for cue in cues:
        span = clause_around(text, cue.start, cue.end, claim.start, claim.end)
        groups.setdefault(span, []).append(cue)
    clauses = []
    for (start, end), group in sorted(groups.items()):
        group.sort(key=lambda c: c.start)
        cuts = [start]
        for before, after in zip(group, group[1:], strict=False):
            mark = text.find("、", before.end, after.start)
            if mark >= 0:
                cuts.append(mark + 1)
        cuts.append(end)
        for a, b in zip(cuts, cuts[1:], strict=False):
            inside = [c for c in group if a <= c.start < b]
            if inside:
                clauses.append((a, b if text[b - 1 : b] != "、" else b - 1, inside))
    return clauses
