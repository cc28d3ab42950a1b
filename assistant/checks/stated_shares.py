"""Shares as a draft states them: "X y元，占 B 的 p%", "占B（X元）的p%", "B中，A占p%".

For each percent figure: its base, the amount it is a share of, and the decomposition member that amount
names. Everything is read from the figure's own clause or from indexes built once per sentence, so a
sentence with many shares costs each share a bounded amount of work.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from assistant.checks.document import Draft
from assistant.checks.names import IGNORED_IN_NAMES, normalize, vocabulary
from assistant.lexicon import pattern

# what may stand between a base's amount and its share, "（X元）的比重为p%"; matched against stripped text
_AFTER_BASE_AMOUNT = re.compile(r"(?:[）)]\s*)?(?:的)?(?:比重|比例|份额)?(?:为|达到|达|约|是)?")
_BARE_SHARE = re.compile(r"占(?:比|比重|比例)?(?:为|达到|达|约|是)?\s*$")
_NOT_IN_HOLDER = "，,；;：:。中"  # "B中，A占p%": B is 2 to 30 characters, none of these
_HOLDER_LONGEST = 30
_BASE_WITH_AMOUNT = re.compile(r"占(?P<base>[^，,；;：:。占]{1,30}?)(?:总额|总数)?(?:为|是)?\s*$")
_BASE_WITH_AMOUNT_REACH = (
    34  # 占, a base of at most 30, 总额, 为: how far before the blanks at the end it starts
)
_SHARE = re.compile(
    r"占(?P<base>[^，,；;：:。占]{1,30}?)(?:的)?(?:比重|比例|份额|总额)?(?:为|达到|达|约|是)?\s*$"
)
# the words that open a list of the parts of the amount before them
_LIST_HEAD = pattern(r"(?:{list.head})[：:]?")
A_CHANGE = pattern(  # a figure that is an amount of change ("比上年增加X")
    r"(?:{change.up|change.down})了?(?:为|达)?\s*$")
_LEAD_SPLIT = "，,；;：:"
_LEAD_SPLIT_RE = re.compile(f"[{_LEAD_SPLIT}]")
_OWN_LEAD = re.compile(r"(?:其中|并|且|而|均)?[，,；;：:\s]*")  # used at the start of a lead only


@dataclass(frozen=True)
class Share:
    index: int  # figure index of the percent
    base: str  # normalized base name
    base_text: str  # the base as the text writes it
    part_index: int | None  # figure index of the part's amount in the same sentence
    component: str | None  # the decomposition member the part names (基本支出决算数 names 基本支出), if any
    base_index: int | None = None  # figure index of the base's amount when the text states it: 占B X元的p%


def stated_base(draft: Draft, j: int) -> re.Match[str] | None:
    """ "占B" ending the clause of figure ``j``: the figure is the stated amount of a share's base."""
    return draft.search(_BASE_WITH_AMOUNT, j)


def component(name: str) -> str | None:
    """The decomposition member a part's name refers to (基本支出决算数 refers to 基本支出), if any."""
    vocab = vocabulary()
    for members in vocab.all_members():
        for member in members:
            if any(variant in name for variant in vocab.variants(member)):
                return member
    return None


def find_shares(draft: Draft) -> list[Share]:
    vocab = vocabulary()
    shares = []
    for i, figure in enumerate(draft.figures):
        if not figure.is_percent or not figure.exact:
            continue
        base_index = None
        match = draft.search(_SHARE, i)
        share_prefix = draft.prefix(i)
        lead_start: int | None = None  # set when the base's amount is in brackets: "占B（X元）的p%"
        if (
            not match
            and i > 0
            and _AFTER_BASE_AMOUNT.fullmatch(draft.prefix(i).strip())
            and draft.sentence_of[i - 1] == draft.sentence_of[i]
        ):
            base_figure = draft.figures[i - 1]
            if base_figure.exact and (base_figure.is_money or base_figure.is_count):
                if draft.prefix(i - 1).strip() or not draft.in_parentheses(i - 1):
                    base_match = stated_base(draft, i - 1)
                    if base_match:
                        match, base_index, share_prefix = base_match, i - 1, draft.prefix(i - 1)
                else:
                    start, end = _bracketed_lead(draft, i - 1)
                    base_match = _base_with_amount_at_end(draft.text, start, end)
                    if base_match:
                        match, base_index, lead_start = base_match, i - 1, start
        if not match and draft.search(_BARE_SHARE, i):
            # "一般公共预算支出中，基本支出占62.4%"
            holder = _holder_before(draft, i)
            if holder is not None:
                share_prefix = draft.prefix(i)[: draft.search(_BARE_SHARE, i).start()]  # type: ignore[union-attr]
                own = share_prefix.strip()
                base_text = re.sub(r"^.*?(?:(?:19|20)\d{2}年度?)", "", holder).strip()
                shares.append(
                    Share(
                        i,
                        normalize(vocab.canonical(base_text)),
                        normalize(base_text),
                        None,
                        component(vocab.canonical(own)),
                        None,
                    )
                )
                continue
            headed = _list_head_share(draft, i)
            if headed is not None:
                shares.append(headed)
                continue
        if not match:
            continue
        anchor = base_index if base_index is not None else i
        base_text = match.group("base").strip()
        base = vocab.canonical(base_text)
        if lead_start is not None:
            has_own, own_component = _lead_subject(draft, lead_start, match.start())
        else:
            own_subject = _OWN_LEAD.sub("", share_prefix[: match.start()], count=1).strip()
            has_own, own_component = bool(own_subject), component(vocab.canonical(own_subject))
        part_index = None if has_own else _part_before(draft, i, draft.figures[anchor].start)
        if part_index is not None:  # one amount can be the part of many shares: read its name once
            own_component = draft.memo(_subject_component, part_index)
        elif not has_own:
            own_component = None
        shares.append(Share(i, normalize(base), normalize(base_text), part_index, own_component, base_index))
    return shares


def _list_head_share(draft: Draft, i: int) -> Share | None:
    """A bare share ("B b，占p%") whose base is the whole a list opens with, earlier in the paragraph:
    "本年收入合计A，其中：B b，占p%；C c，占q%", "支出A，主要用于以下方面：B（类）b，占p%。C（类）c，占q%".

    The part is the amount right before the share in its sentence; the list head (其中, 主要用于…：, 具体为 …)
    the last one before the part in the same paragraph; the whole the last exact amount before the head, of
    the part's dimension and not smaller than it. Anything missing: no share (never a guessed base).
    """
    figure = draft.figures[i]
    sentence = draft.sentence_of[i]
    own = draft.prefix(i)[: draft.search(_BARE_SHARE, i).start()].strip()  # type: ignore[union-attr]
    if own:
        return None  # "基本支出占p%" names its own part without an amount: not a list item with an amount
    part_index = _part_before(draft, i, figure.start)
    if part_index is None or draft.sentence_of[part_index] != sentence:
        return None
    part = draft.figures[part_index]
    text = draft.text
    line_start = text.rfind("\n", 0, part.start) + 1
    heads = list(_LIST_HEAD.finditer(text, line_start, part.start))
    if not heads:
        return None
    head = heads[-1]
    whole_index = None
    for j in range(part_index - 1, -1, -1):
        candidate = draft.figures[j]
        if candidate.start < line_start:
            break
        if candidate.end > head.start():
            continue
        if candidate.is_percent or draft.in_parentheses(j) or draft.search(A_CHANGE, j):
            continue  # a change or a bracketed figure is never the whole a list opens with
        whole_index = j
        break
    if whole_index is None:
        return None
    whole = draft.figures[whole_index]
    if not whole.exact or whole.dimension != part.dimension or whole.value < part.value:
        return None
    vocab = vocabulary()
    base_text = draft.subject(whole_index)
    if not base_text:
        return None
    return Share(i, normalize(vocab.canonical(base_text)), normalize(base_text), part_index,
                 draft.memo(_subject_component, part_index), whole_index)  # fmt: skip


def _subject_component(draft: Draft, j: int) -> str | None:
    return component(vocabulary().canonical(draft.subject(j)))


def _part_candidates(draft: Draft, sentence: int) -> tuple[list[int], list[int]]:
    """Figures of the sentence a share can be of: money or counts outside parentheses that do not state
    another share's base ("占B X元"), in order, with their starts."""
    candidates = [
        j for j in draft.figures_in(sentence)
        if not stated_base(draft, j) and (draft.figures[j].is_money or draft.figures[j].is_count)
        and not draft.in_parentheses(j)
    ]  # fmt: skip
    return candidates, [draft.figures[j].start for j in candidates]


def _part_before(draft: Draft, i: int, position: int) -> int | None:
    """The amount share ``i`` is of: the last candidate ending by ``position``, if it is exact."""
    sentence = draft.sentence_of[i]
    candidates, starts = draft.memo(_part_candidates, sentence)
    # a figure ending by ``position`` starts before it; of those only the last few can still run past it
    for k in range(bisect_left(starts, position) - 1, -1, -1):
        j = candidates[k]
        if draft.figures[j].end <= position:
            return j if draft.figures[j].exact else None
    return None


def _holders(draft: Draft, sentence: int) -> list[int]:
    """Positions of 中 in the sentence that end a holder "B中" (two characters of B at least)."""
    text = draft.text
    span = draft.sentences[sentence]
    return [
        m.start() for m in re.finditer("中", text[span.start : span.end])
        if m.start() >= 2 and text[span.start + m.start() - 1] not in _NOT_IN_HOLDER
        and text[span.start + m.start() - 2] not in _NOT_IN_HOLDER
    ]  # fmt: skip


def _holder_before(draft: Draft, i: int) -> str | None:
    """B of the last "B中" before figure ``i`` in its sentence: what the last match of
    ``(?P<base>[^，,；;：:。中]{2,30})中`` over the sentence up to the figure reads as its base."""
    sentence = draft.sentence_of[i]
    span = draft.sentences[sentence]
    holders = draft.memo(_holders, sentence)
    k = bisect_left(holders, draft.figures[i].start - span.start) - 1
    if k < 0:
        return None
    end = span.start + holders[k]
    start = end
    while start > max(span.start, end - _HOLDER_LONGEST) and draft.text[start - 1] not in _NOT_IN_HOLDER:
        start -= 1
    return draft.text[start:end]


def _bracketed_lead(draft: Draft, i: int) -> tuple[int, int]:
    """Span of the clause before figure ``i`` when the figure opens a bracket: from the last separator to the
    bracket ("占B（X元）的p%")."""
    text = draft.text
    floor = draft.sentences[draft.sentence_of[i]].start
    end = draft.figures[i].start
    while end > floor and text[end - 1].isspace():
        end -= 1
    if end > floor and text[end - 1] in "（(":
        end -= 1
    separators = draft.positions(_LEAD_SPLIT_RE)
    k = bisect_left(separators, end) - 1
    start = separators[k] + 1 if k >= 0 and separators[k] >= floor else floor
    return start, end


def _base_with_amount_at_end(text: str, start: int, end: int) -> re.Match[str] | None:
    """``_BASE_WITH_AMOUNT.search(text[start:end])``, positions in ``text``: a match ends in the blanks that end
    the span and starts at most ``_BASE_WITH_AMOUNT_REACH`` characters before them, so only that tail is read."""
    blanks = end
    while blanks > start and text[blanks - 1].isspace():
        blanks -= 1
    return _BASE_WITH_AMOUNT.search(text, max(start, blanks - _BASE_WITH_AMOUNT_REACH), end)


def _lead_subject(draft: Draft, start: int, end: int) -> tuple[bool, str | None]:
    """Whether ``text[start:end]`` (a bracketed lead before its base) names a part, and the component it names.

    Leads of one stretch between separators all start at the stretch's start, and a sentence may hold many;
    the stretch is normalized and searched once, and each lead only looks up where it ends.
    """
    text = draft.text
    if end - start < 2:  # short enough to read directly (and too short for the stretch's shared reading)
        own = _OWN_LEAD.sub("", text[start:end], count=1).strip()
        return bool(own), component(vocabulary().canonical(own))
    stretch = draft.memo(_Stretch.of, start)
    own_start = min(stretch.own_start, end)
    own_end = end
    while own_end > own_start and text[own_end - 1].isspace():
        own_end -= 1
    if own_end <= own_start:
        return False, None
    return True, stretch.component(own_start, own_end)


@dataclass
class _Stretch:
    """Text from a lead's start to the next separator, normalized once, with where each decomposition
    member's variants first occur in it."""

    start: int
    own_start: int  # after the connectives and separators a lead starts with
    normalized: str  # normalize(text[start:end])
    dropped: list[int]  # positions in the text of the characters normalize() drops
    # variant -> end of its first occurrence after own_start (in normalized), found when first asked for
    first_end: dict[str, int]

    @classmethod
    def of(cls, draft: Draft, start: int) -> _Stretch:
        text = draft.text
        sentence = draft.sentence_at(start)
        limit = draft.sentences[sentence].end if sentence is not None else len(text)
        separators = draft.positions(_LEAD_SPLIT_RE)
        k = bisect_left(separators, start)
        end = min(separators[k], limit) if k < len(separators) else limit
        own = _OWN_LEAD.match(text, start, end)
        raw = text[start:end]
        dropped = [start + m.start() for m in IGNORED_IN_NAMES.finditer(raw)]
        return cls(start, own.end() if own else start, normalize(raw), dropped, {})

    def _normalized_at(self, position: int) -> int:
        return position - self.start - bisect_left(self.dropped, position)

    def component(self, own_start: int, own_end: int) -> str | None:
        """``component(vocabulary().canonical(text[own_start:own_end]))``; ``own_start`` is the stretch's."""
        vocab = vocabulary()
        lo, hi = self._normalized_at(own_start), self._normalized_at(own_end)
        if hi - lo <= max(map(len, vocab.canonical_of), default=0):  # may be an alias: read it as a name
            return component(vocab.canonical(self.normalized[lo:hi]))
        for members in vocab.all_members():  # longer than any alias: it is its own canonical name
            for member in members:
                for variant in vocab.variants(member):
                    if variant not in self.first_end:
                        at = self.normalized.find(variant, lo)
                        self.first_end[variant] = at + len(variant) if at >= 0 else len(self.normalized) + 1
                    if self.first_end[variant] <= hi:
                        return member
        return None
