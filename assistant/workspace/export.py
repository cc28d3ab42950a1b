"""The workspace's report as a Word document in the layout such reports use."""

from __future__ import annotations

from pathlib import Path

from assistant.export.docx_report import ReportDocument, ReportSection, write_report_docx
from assistant.workspace.model import Workspace


def workspace_report(workspace: Workspace) -> ReportDocument:
    """Title and accepted sections in the template's order; a section's own heading line is not repeated."""
    sections = []
    for _, heading, text in workspace.ordered_sections():
        lines = text.strip().splitlines()
        number = heading.split("、")[0]
        if lines and lines[0].strip().startswith(f"{number}、"):
            heading, lines = lines[0].strip(), lines[1:]
        sections.append(ReportSection(heading, "\n".join(lines).strip()))
    title = workspace.title.strip() or "绩效自评报告"
    return ReportDocument(title=title, sections=sections)


def export_workspace_docx(workspace: Workspace, target: Path) -> Path:
    return write_report_docx(workspace_report(workspace), target)
