"""Report templates (one YAML file per outline) and finding a section by id, number or title."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from assistant.errors import AssistantError

DEFAULT_TEMPLATE = "department_overall"


@dataclass(frozen=True)
class Section:
    id: str
    number: str
    title: str
    must_contain: tuple[str, ...]
    figures: tuple[str, ...]
    rules: tuple[str, ...]
    offline: str  # how the offline drafter writes it: general_budget, fund:<row>, problems, measures, outline
    required_terms: tuple[str, ...] = ()  # words a complete section cannot do without (rule-based critique)

    @property
    def heading(self) -> str:
        return f"{self.number}、{self.title}"


@dataclass(frozen=True)
class Template:
    id: str
    version: int
    title: str
    sections: tuple[Section, ...]

    def section(self, wanted: str) -> Section:
        """By id (general_budget), number (二), heading (二、一般公共预算支出情况) or title."""
        key = wanted.strip()
        for section in self.sections:
            if (
                key in (section.id, section.number, section.title, section.heading)
                or key.rstrip("、") == section.number
            ):
                return section
        for section in self.sections:
            if section.title in key or (len(key) >= 2 and key in section.title):
                return section
        choices = "、".join(s.heading for s in self.sections)
        raise AssistantError(f"模板“{self.title}”中没有“{wanted}”这一部分（可选：{choices}）")


def _parse(data: dict) -> Template:
    sections = tuple(
        Section(
            id=str(s["id"]),
            number=str(s["number"]),
            title=str(s["title"]),
            must_contain=tuple(s.get("must_contain") or ()),
            figures=tuple(s.get("figures") or ()),
            rules=tuple(s.get("rules") or ()),
            offline=str(s.get("offline", "outline")),
            required_terms=tuple(s.get("required_terms") or ()),
        )
        for s in data["sections"]
    )
    return Template(str(data["id"]), int(data["version"]), str(data["title"]), sections)


@lru_cache(maxsize=8)
def load_template(name: str = DEFAULT_TEMPLATE) -> Template:
    package = resources.files("assistant.templates")
    path = package.joinpath(f"{name}.yaml")
    if not path.is_file():
        available = sorted(
            p.name.removesuffix(".yaml") for p in package.iterdir() if p.name.endswith(".yaml")
        )
        raise AssistantError(f"没有名为“{name}”的报告模板（可选：{'、'.join(available)}）")
    return _parse(yaml.safe_load(path.read_text(encoding="utf-8")))
