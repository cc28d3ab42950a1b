"""Text comparison for the offline judge: character bigrams, coverage, negation, levels and periods."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.checks.names import canonical_text
from assistant.document.sentences import sentence_spans

_DROP = re.compile(r"[\s“”‘’\"'「」『』《》〈〉【】（）()、，,。；;：:！？!?·—\-…|]+")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
# generic words that say nothing about which fact a passage states
_GENERIC = frozenset(
    "完成 实现 开展 全年 本年 当年 年度 累计 共计 合计 其中 以上 以下 达到 全县 全市 全省 我局 本局 单位 部门 "
    "工作 情况 进行 相关 有关 进一步 主要 成功 正式 新增 获得 获评 入选 荣获".split()
)
NEGATION = re.compile(
    r"未能|尚未|暂未|仍未|没有|未予|不予|未被|未获|未通过|未达到|未完成|不符合|不合格|未列入|未入选|未"
)
SCOPE_CONFLICTS = {
    # a claim's absolute word -> words in a source that state less
    "唯一": re.compile(r"之一|首批|一批|等\d+家|等[一二三四五六七八九十]+家"),
    "全面完成": re.compile(r"部分完成|基本完成|未全部完成|未完成|尚未完成|完成[^，。；]{0,6}大部分"),
    "全部完成": re.compile(r"部分完成|基本完成|未全部完成|未完成|尚未完成"),
    "圆满完成": re.compile(r"部分完成|基本完成|未完成|尚未完成"),
    "全覆盖": re.compile(r"部分覆盖|基本覆盖|未覆盖|覆盖率为?\d"),
    "首次": re.compile(r"再次|第二次|第[二三四五]次|连续"),
    "首个": re.compile(r"首批|第二个|第[二三四五]个|之一"),
    "首家": re.compile(r"首批|第二家|第[二三四五]家|之一"),
    "第一": re.compile(r"第[二三四五六七八九十]|前[三五十]"),
    "最大": re.compile(r"第[二三四五六七八九十]位|第[二三四五六七八九十]大|前[三五十]|之一|较大"),
    "最高": re.compile(r"第[二三四五六七八九十]位|前[三五十]|之一|较高"),
    "最多": re.compile(r"第[二三四五六七八九十]位|前[三五十]|之一|较多"),
    "最完整": re.compile(r"较为完整|较完整|基本完整|之一"),
    "领先": re.compile(r"中等|中游|落后|平均水平"),
    "连续": re.compile(r"首次|中断|未能连续"),
}


_CHANGE = re.compile(
    r"(?:同比|环比|比上年|较上年|比去年|较去年|与上年相比|比上一年)(增长|增加|下降|减少|提高|降低|上升)"
)


def normalize(text: str) -> str:
    return _DROP.sub("", canonical_text(_CHANGE.sub(r"\1", text)))


@lru_cache(maxsize=65536)
def bigrams(text: str) -> frozenset[str]:
    """Two-character pieces of each run of ``text`` between punctuation and spaces (none across them)."""
    grams: set[str] = set()
    for run in (canonical_text(piece) for piece in _DROP.split(_CHANGE.sub(r"\1", text))):
        if len(run) == 1:
            grams.add(run)
        grams.update(run[i : i + 2] for i in range(len(run) - 1))
    return frozenset(grams)


def content_bigrams(text: str) -> frozenset[str]:
    """Bigrams of ``text`` without the generic ones (完成, 全年 …) that any passage has."""
    grams = bigrams(text)
    kept = frozenset(g for g in grams if g not in _GENERIC and not g.isdigit())
    return kept or grams


def coverage(needle: str, haystack: str) -> float:
    """Share of ``needle``'s content bigrams that occur in ``haystack`` (1.0 for an empty needle)."""
    wanted = content_bigrams(needle)
    if not wanted:
        return 1.0
    have = bigrams(haystack)
    return len(wanted & have) / len(wanted)


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the two texts' content bigrams; 1.0 when one contains the other."""
    na, nb = normalize(a), normalize(b)
    if not na or not nb:
        return 0.0
    if len(na) >= 2 and len(nb) >= 2 and (na in nb or nb in na):
        return 1.0
    ga, gb = content_bigrams(a), content_bigrams(b)
    if not ga or not gb:
        return 0.0
    return 2 * len(ga & gb) / (len(ga) + len(gb))


_PLACE = re.compile(r"([^\W\d全本我各该两每个省县市区乡镇村的在和与及、]{2})(县|市|区|镇|乡)")


def places(text: str) -> set[str]:
    """Place names (炎陵县, 茶陵县 …) a text mentions."""
    return {
        m.group(1) + m.group(2) for m in _PLACE.finditer(text) if re.match(r"[\u4e00-\u9fff]{2}$", m.group(1))
    }


def significant_digits(text: str) -> int:
    """Digits that carry information in a printed number: 100.57 -> 5, 1420 -> 3, 5 -> 1."""
    digits = re.sub(r"[^0-9]", "", text.split("%")[0])
    return len(digits.strip("0")) if digits else 0


_STRICT_LEVELS = (
    (
        "national",
        re.compile(
            r"国家级|全国|中央|国务院|国家|科技部|工信部|财政部|教育部|农业农村部|水利部|[\u4e00-\u9fff]{0,4}部$"
        ),
    ),
    ("provincial", re.compile(r"省级|全省|省[\u4e00-\u9fff]{0,4}厅|省政府|省委|省")),
    ("city", re.compile(r"市级|全市|市[\u4e00-\u9fff]{0,4}局|市政府|市委|州级|全州")),
    ("county", re.compile(r"县级|全县|县政府|县委|区级|全区")),
)


_GRADE = re.compile(r"[一二三四五特]级(?![政党])|[甲乙丙]等|[一二三]等奖|特等奖|金奖|银奖|铜奖|[A-E]{1,5}级")


def grades(text: str) -> set[str]:
    """Grade words (一级, 二级甲等, 金奖 …) in a text."""
    return set(_GRADE.findall(text))


def claimed_level(name: str) -> tuple[str, str, str] | None:
    """The level an honour's name states, the two characters that follow it and the level words themselves
    (省级示范县 -> provincial, 示范, 省级)."""
    for level, pattern in _STRICT_LEVELS:
        for match in pattern.finditer(name):
            following = normalize(name[match.end() :])[:2]
            if len(following) == 2:
                return level, following, match.group(0)
    return None


def level_before(text: str, anchor: int, window: int = 6) -> str | None:
    """The level word (国家, 省级 …) written just before ``anchor``: the level of the honour named there."""
    before = text[max(0, anchor - window) : anchor]
    for level, pattern in _STRICT_LEVELS:
        if pattern.search(before):
            return level
    return None


def level_of(text: str) -> str | None:
    """The administrative level an honour names (national, provincial, city, county), if any."""
    for level, pattern in _STRICT_LEVELS:
        if pattern.search(text):
            return level
    return None


def negated(sentence: str, anchor_start: int, window: int = 12, anchor_end: int | None = None) -> bool:
    """True when a negation word stands from ``window`` characters before the anchor to its end."""
    end = (anchor_end if anchor_end is not None else anchor_start) + 2
    return bool(NEGATION.search(sentence[max(0, anchor_start - window) : end]))


def years_in(text: str) -> set[int]:
    return {int(m.group(1)) for m in _YEAR.finditer(text)}


def passage_sentences(text: str) -> list[tuple[int, int]]:
    """Sentences of a passage: split at 。！？； and line ends, whitespace trimmed, at least 2 characters."""
    return sentence_spans(text, semicolons=True, min_chars=2)
