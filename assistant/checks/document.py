"""A draft prepared for checking: its sentences, its figures, and what each figure measures."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.checks.figures import Figure, extract_figures

_SENTENCE_END = re.compile(r"[。！？!?]|\n")
_CLAUSE_MARK = "，,；;：:、（(）)"
_LEADING = re.compile(
    r"^(?:其中|以及|并且|同时|另外|另|和|及|与|并|且|而|全年|本年|当年|今年|年末|年初|累计|全县|全市|全区|全省|共|总计|合计|"
    r"(?:19|20)\d{2}\s*年度?|截至\S{0,8}?(?:底|末)|[，,；;：:\s])+"
)
_TRAILING = re.compile(
    r"(?:分别为|分别是|分别|共计|合计|总计|累计|达到了|达到|增至|增加到|降至|减少到|为|是|达|约为|约|近|超过|超|逾|共|计|只有|仅有|仅为|仅|只|有|了|的|已)+$"
)


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

    def figures_in(self, sentence: int) -> list[int]:
        return self.by_sentence.get(sentence, [])

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
        for pos in range(figure.start - 1, floor - 1, -1):
            char = self.text[pos]
            if char in "）)":
                depth += 1
            elif char in "（(":
                if depth == 0:
                    cut = pos + 1
                    break
                depth -= 1
            elif depth == 0 and char in _CLAUSE_MARK:
                cut = pos + 1
                break
        return self.text[cut : figure.start]

    def subject(self, i: int) -> str:
        """What the figure measures, as the text names it (connectives and copulas stripped)."""
        if i not in self._subjects:
            self._subjects[i] = self._subject(i)
        return self._subjects[i]

    def _subject(self, i: int) -> str:
        raw = self.prefix(i).strip()
        raw = re.sub(r"^(?:其中|以及|和|及|与)[：:]?", "", raw)
        previous = None
        while previous != raw:
            previous = raw
            raw = _LEADING.sub("", raw)
            raw = _TRAILING.sub("", raw).strip()
        return raw

    def in_parentheses(self, i: int) -> bool:
        figure = self.figures[i]
        sentence = self.sentences[self.sentence_of[i]]
        before = self.text[sentence.start : figure.start]
        return before.count("（") + before.count("(") > before.count("）") + before.count(")")

    def line_col(self, offset: int) -> tuple[int, int]:
        line = self.text.count("\n", 0, offset) + 1
        column = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        return line, column


def split_sentences(text: str) -> list[Sentence]:
    sentences = []
    cursor = 0
    for match in _SENTENCE_END.finditer(text):
        if match.end() > cursor:
            sentences.append(Sentence(cursor, match.end()))
        cursor = match.end()
    if cursor < len(text):
        sentences.append(Sentence(cursor, len(text)))
    return sentences or [Sentence(0, len(text))]
