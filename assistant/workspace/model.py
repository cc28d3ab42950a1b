"""What one user is working on, as plain data that survives a restart."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from assistant.drafting.templates import load_template

MAX_CHAT_MESSAGES = 200


@dataclass
class Workspace:
    key: str
    template: str = "department_overall"
    title: str = ""
    year: int | None = None
    figures: list[dict[str, str]] = field(default_factory=list)  # rows as typed (see workspace.figures)
    sections: dict[str, str] = field(default_factory=dict)  # section id -> accepted text
    draft: str = ""  # a draft pasted or imported for checking and review
    candidate: dict[str, Any] = field(default_factory=dict)  # the last drafted section: {"section", "text"}
    chat: list[dict[str, str]] = field(default_factory=list)  # {"role", "content"} as the chat shows them
    updated: str = ""

    def touch(self) -> None:
        self.updated = datetime.now().isoformat(timespec="seconds")
        if len(self.chat) > MAX_CHAT_MESSAGES:
            del self.chat[: len(self.chat) - MAX_CHAT_MESSAGES]

    def ordered_sections(self) -> list[tuple[str, str, str]]:
        """(section id, heading, text) in the template's order, accepted sections only."""
        chosen = load_template(self.template)
        return [
            (s.id, s.heading, self.sections[s.id])
            for s in chosen.sections
            if self.sections.get(s.id, "").strip()
        ]

    def report_text(self) -> str:
        """The report built so far: title line, then every accepted section in order."""
        parts = [self.title.strip()] if self.title.strip() else []
        for _, heading, text in self.ordered_sections():
            body = text.strip()
            parts.append(body if body.startswith(heading.split("、")[0] + "、") else f"{heading}\n{body}")
        return "\n".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Workspace:
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        return cls(**values)
