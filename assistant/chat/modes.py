"""Chat modes, chosen by the user or inferred from the message."""

from __future__ import annotations

import re

from assistant.drafting.templates import Section, Template

DRAFT, REVISE, CRITIQUE, CHECK, REVIEW, ASK = "draft", "revise", "critique", "check", "review", "ask"
MODE_LABELS = {
    DRAFT: "起草", REVISE: "修改", CRITIQUE: "点评", CHECK: "核查数字", REVIEW: "审核依据", ASK: "问答",
}  # fmt: skip
AUTO = "自动"
LABEL_MODES = {label: mode for mode, label in MODE_LABELS.items()}

_CUES = (
    (REVIEW, re.compile(r"审核依据|有没有依据|无依据|没有依据|佐证|出处|依据是否|哪些.*(?:依据|支撑)|审核")),
    (CHECK, re.compile(r"核查数字|核对数字|核查|核对|检查数字|算得对|数字.*(?:对不对|是否正确|有没有错)")),
    (CRITIQUE, re.compile(r"点评|评价一下|提意见|提提意见|看看.*问题|有什么问题|审阅|挑毛病")),
    (REVISE, re.compile(r"修改|改写|润色|改一下|调整|精简|扩写|压缩|改成|重写")),
    (DRAFT, re.compile(r"起草|撰写|写一[段份个]|生成|草拟|帮我写|写出")),
)
_SECTION_NUMBER = re.compile(r"(?<![\d〇一二三四五六七八九十])([一二三四五六七八九十])(?:、|部分|节)")


def infer_mode(message: str) -> str:
    """The mode a message asks for; a question about the knowledge base when nothing else fits."""
    head = message.strip()[:60]
    for mode, pattern in _CUES:
        if pattern.search(head):
            return mode
    return ASK


def resolve_mode(choice: str, message: str) -> str:
    """The mode the user picked (by label or id), or the inferred one for 自动."""
    if choice in LABEL_MODES:
        return LABEL_MODES[choice]
    if choice in MODE_LABELS:
        return choice
    return infer_mode(message)


def find_section(message: str, template: Template) -> Section | None:
    """The template section a message names: by number (七、 / 第七部分) or by title words."""
    for section in template.sections:
        if section.title in message or section.heading in message:
            return section
    number = _SECTION_NUMBER.search(message)
    if number:
        for section in template.sections:
            if section.number == number.group(1):
                return section
    for section in template.sections:
        words = [w for w in re.split(r"[及和、与]", section.title) if len(w) >= 2]
        if any(w in message for w in words):
            return section
    return None


def strip_command(message: str) -> str:
    """The text after a leading command and colon ("核查数字：<文稿>" -> "<文稿>")."""
    match = re.match(r"^\s*[^\n：:]{0,16}[：:]\s*", message)
    if match and any(p.search(match.group(0)) for _, p in _CUES):
        return message[match.end() :]
    return message
