"""A draft prepared for checking: its sentences, its figures, and what each figure measures.

Every question a check asks about a figure (its clause, its subject, whether it is in brackets, which figures
come before it) is answered from indexes built once per draft, so a figure's work does not grow with the
length of its sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from assistant.checks.figures import Figure, extract_figures
from assistant.document.sentences import sentence_spans

_CLAUSE_MARK = "，,；;：:、（(）)"
_CLAUSE_MARKS = re.compile(f"[{re.escape(_CLAUSE_MARK)}]")
_NEWLINE = re.compile("\n")
_GROUP_END = re.compile(r"[；;。\n]")
_RATE_BASE_GAP = re.compile(r"\s*(?:）|\))?\s*的\s*(?:比例|比重)?(?:为|是|达)?\s*")
_OPENING = "（("
_CLOSING = "）)"
_FIRST_CONNECTIVE = re.compile(r"^(?:其中|以及|和|及|与)[：:]?")
# connectives and time words before a subject; applied at the start of what is left, so it has no ^
_LEADING = re.compile(
    r"(?:其中|以及|并且|同时|另外|另|和|及|与|并|且|而|全年|本年|当年|今年|年末|年初|累计|全县|全市|全区|全省|共|总计|合计|"
    r"(?:19|20)\d{2}\s*年度?|截至\S{0,8}?(?:底|末)|[，,；;：:\s])+"
)
# copulas and verbs between a subject and its figure ("分别为", "达到了" …), stripped from the end
_TRAILING_WORDS = (
    "分别为", "分别是", "分别", "共计", "合计", "总计", "累计", "达到了", "达到", "增至", "增加到", "降至", "减少到", "为", "是",
    "达", "约为", "约", "近", "超过", "超", "逾", "共", "计", "只有", "仅有", "仅为", "仅", "只", "有", "了", "的", "已",
)  # fmt: skip
_TRAILING_BY_FIRST = {
    first: tuple(word for word in _TRAILING_WORDS if word[0] == first)
    for first in {w[0] for w in _TRAILING_WORDS}
}
_TRAILING_LONGEST = max(len(word) for word in _TRAILING_WORDS)


T = TypeVar("T")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int


@dataclass
class Draft:
    text: str
    figures: list[Figure]
    sentences: list[Sentence]
    sentence_of: list[int] = field(default_factory=list)  # figure index -> sentence index
    by_sentence: dict[int, list[int]] = field(default_factory=dict)  # sentence index -> figure indexes
    _prefixes: dict[int, str] = field(default_factory=dict, repr=False)
    _subjects: dict[int, str] = field(default_factory=dict, repr=False)
    _searches: dict[re.Pattern[str], dict[int, re.Match[str] | None]] = field(
        default_factory=dict, repr=False
    )
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False)
    verified: dict[int, list[str]] = field(default_factory=dict)  # figure index -> ids of rules it passed

    def index_at(self, start: int) -> int | None:
        """The index of the figure starting at ``start``, if one does."""
        k = bisect_left(self.starts, start)
        return k if k < len(self.figures) and self.figures[k].start == start else None

    def verify(self, rule: str, *indexes: int | None) -> None:
        """Record that rule ``rule`` found these figures consistent (coverage reports it per figure)."""
        for i in indexes:
            if i is not None:
                rules = self.verified.setdefault(i, [])
                if rule not in rules:
                    rules.append(rule)

    @classmethod
    def parse(cls, text: str) -> Draft:
        sentences = split_sentences(text)
        figures = extract_figures(text)
        sentence_of = []
        index = 0
        for figure in figures:
            while index < len(sentences) - 1 and sentences[index].end <= figure.start:
                index += 1
            sentence_of.append(index)
        by_sentence: dict[int, list[int]] = {}
        for figure_index, sentence_index in enumerate(sentence_of):
            by_sentence.setdefault(sentence_index, []).append(figure_index)
        return cls(text, figures, sentences, sentence_of, by_sentence)

    def memo(self, build: Callable[..., T], *args: Hashable) -> T:
        """``build(self, *args)``, computed once per draft: the indexes checks build over a draft."""
        key = (build, *args)
        if key not in self._memo:
            self._memo[key] = build(self, *args)
        return self._memo[key]

    def figures_in(self, sentence: int) -> list[int]:
        return self.by_sentence.get(sentence, [])

    @property
    def starts(self) -> list[int]:
        """Start of every figure, in order (figures are found left to right, so this is sorted)."""
        return self.memo(_figure_starts)

    def first_figure_from(self, position: int, sentence: int) -> int:
        """Index of the first figure of ``sentence`` starting at or after ``position`` (one past its last if none)."""
        indexes = self.figures_in(sentence)
        if not indexes:
            return 0
        return bisect_left(self.starts, position, indexes[0], indexes[-1] + 1)

    def positions(self, pattern: re.Pattern[str]) -> list[int]:
        """Start of every match of ``pattern`` in the whole text, in order, found once per pattern."""
        return self.memo(_positions, pattern)

    def search(self, pattern: re.Pattern[str], i: int) -> re.Match[str] | None:
        """``pattern.search(self.prefix(i))``, once per pattern and figure."""
        found = self._searches.get(pattern)
        if found is None:
            found = self._searches[pattern] = {}
        if i not in found:
            found[i] = pattern.search(self.prefix(i))
        return found[i]

    def prefix(self, i: int) -> str:
        """Text of the figure's own clause before it: from the previous clause mark or figure, in its sentence."""
        if i not in self._prefixes:
            self._prefixes[i] = self._prefix(i)
        return self._prefixes[i]

    def _prefix(self, i: int) -> str:
        figure = self.figures[i]
        sentence = self.sentences[self.sentence_of[i]]
        floor = sentence.start
        if i > 0 and self.sentence_of[i - 1] == self.sentence_of[i]:
            floor = max(floor, self.figures[i - 1].end)
        cut = floor
        depth = 0  # a bracketed part of a name, 因公出国（境）费, does not end the clause
        marks = self.positions(_CLAUSE_MARKS)
        # only clause marks (brackets among them) change anything: visit those, from the figure backwards
        for k in range(bisect_left(marks, figure.start) - 1, -1, -1):
            pos = marks[k]
            if pos < floor:
                break
            char = self.text[pos]
            if char in _CLOSING:
                depth += 1
            elif char in _OPENING:
                if depth == 0:
                    cut = pos + 1
                    break
                depth -= 1
            elif depth == 0:
                cut = pos + 1
                break
        return self.text[cut : figure.start]

    def subject(self, i: int) -> str:
        """What the figure measures, as the text names it (connectives and copulas stripped)."""
        if i not in self._subjects:
            self._subjects[i] = self._subject(i)
        return self._subjects[i]

    def _subject(self, i: int) -> str:
        raw = _FIRST_CONNECTIVE.sub("", self.prefix(i).strip())
        # leading connectives once (cutting the end off later cannot make more of them match), then trailing
        # copulas and blanks until nothing more comes off; kept as bounds into ``raw`` so that each character
        # is looked at a bounded number of times
        lead = _LEADING.match(raw)
        start, end = (lead.end() if lead else 0), len(raw)
        while True:
            new_end = _trailing_words_start(raw, start, end)
            while new_end > start and raw[new_end - 1].isspace():
                new_end -= 1
            new_start = start
            while new_start < new_end and raw[new_start].isspace():
                new_start += 1
            if (new_start, new_end) == (start, end):
                return raw[start:end]
            start, end = new_start, new_end

    def group_start(self, position: int) -> int:
        """Where the semicolon group holding ``position`` starts (after the last ；;。 or line break before it)."""
        marks = self.positions(_GROUP_END)
        k = bisect_left(marks, position)
        return marks[k - 1] + 1 if k else 0

    def is_rate_base(self, i: int) -> bool:
        """The figure is the base a rate right after it is of ("为年初预算2180万元的44.4%"): neither an amount of
        its own subject's year nor a whole with parts."""
        figure = self.figures[i]
        k = i + 1
        return (
            k < len(self.figures) and self.figures[k].is_percent
            and _RATE_BASE_GAP.fullmatch(self.text[figure.end : self.figures[k].start]) is not None
        )  # fmt: skip

    def in_parentheses(self, i: int) -> bool:
        """More brackets opened than closed between the start of the figure's sentence and the figure."""
        return self.memo(_bracket_depths)[i] > 0

    def sentence_at(self, offset: int) -> int | None:
        """Index of the sentence holding ``offset``."""
        starts = self.memo(_sentence_starts)
        index = bisect_right(starts, offset) - 1
        if index >= 0 and self.sentences[index].start <= offset < self.sentences[index].end:
            return index
        return None

    def line_col(self, offset: int) -> tuple[int, int]:
        newlines = self.positions(_NEWLINE)
        # a negative end read as str.count reads it
        end = offset if offset >= 0 else max(0, len(self.text) + offset)
        before = bisect_left(newlines, end)  # newlines before ``offset``
        line = before + 1
        column = offset - (newlines[before - 1] + 1 if before else 0) + 1
        return line, column


def _figure_starts(draft: Draft) -> list[int]:
    return [figure.start for figure in draft.figures]


def _sentence_starts(draft: Draft) -> list[int]:
    return [sentence.start for sentence in draft.sentences]


def _positions(draft: Draft, pattern: re.Pattern[str]) -> list[int]:
    return [match.start() for match in pattern.finditer(draft.text)]


def _bracket_depths(draft: Draft) -> list[int]:
    """For each figure: brackets opened minus brackets closed from the start of its sentence to the figure."""
    depths = []
    text = draft.text
    for sentence_index, sentence in enumerate(draft.sentences):
        depth = 0
        cursor = sentence.start
        for i in draft.figures_in(sentence_index):
            start = draft.figures[i].start
            depth += text.count("（", cursor, start) + text.count("(", cursor, start)
            depth -= text.count("）", cursor, start) + text.count(")", cursor, start)
            cursor = start
            depths.append(depth)
    return depths


def _trailing_words_start(text: str, start: int, end: int) -> int:
    """Where the longest run of ``_TRAILING_WORDS`` that ends ``text[start:end]`` begins (``end`` if none).

    The same cut as removing ``(?:word|…)+$``, found from the end: ``ends_words[p]`` says whether
    ``text[p:end]`` splits into those words; no word is longer than ``_TRAILING_LONGEST``, so once that many
    positions in a row do not split, no earlier one can.
    """
    ends_words = {end: True}
    cut = end
    misses = 0
    for pos in range(end - 1, start - 1, -1):
        splits = any(
            text.startswith(word, pos, end) and ends_words[pos + len(word)]
            for word in _TRAILING_BY_FIRST.get(text[pos], ())
        )
        ends_words[pos] = splits
        if splits:
            cut = pos
            misses = 0
        else:
            misses += 1
            if misses >= _TRAILING_LONGEST:
                break
    return cut


def split_sentences(text: str) -> list[Sentence]:
    """The draft cut into sentences that tile it (line breaks included), by the one shared splitter."""
    return [Sentence(s, e) for s, e in sentence_spans(text, trim=False)]
