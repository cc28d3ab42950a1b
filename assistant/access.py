"""Who may see and change which knowledge-base documents.

Uploads live under ``<data_dir>/uploads/<owner folder>/<type folder>/``; the owner folder is made from the
uploader's identity (``u-…`` a login user, ``b-…`` a browser session), so a document's owner is read off
where it is stored and needs no extra record. Documents outside the uploads folder (``knowledge/``, or
ingested from the command line) are built in: everyone reads them and no page user can change them.

- Visibility: with login on, a user sees the built-in documents, shared uploads and their own uploads;
  without login, every upload is shared (a browser session is not a person).
- Removal and replacement: only the uploader or an admin (``ASSISTANT_ADMINS``), never built-in documents.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from assistant.retrieval.retriever import SearchFilters, SearchResponse
from assistant.store.chroma_store import FileRecord

PERSONAL_PREFIXES = ("u-", "b-", "h-")


def owner_of(record: FileRecord, uploads: Path) -> str | None:
    """The owner folder of an uploaded document; None for a built-in one."""
    try:
        relative = Path(record.root).resolve().relative_to(uploads.resolve())
    except ValueError:
        return None
    return relative.parts[0] if relative.parts else ""


@dataclass(frozen=True)
class Access:
    owner: str  # this user's owner folder
    admin: bool = False
    private: bool = False  # login on: other users' uploads are hidden

    def visible(self, record: FileRecord, uploads: Path) -> bool:
        owner = owner_of(record, uploads)
        if owner is None or not self.private or self.admin:
            return True
        return owner == self.owner or not owner.startswith(PERSONAL_PREFIXES)

    def may_change(self, record: FileRecord, uploads: Path) -> bool:
        owner = owner_of(record, uploads)
        if owner is None:
            return False
        return self.admin or owner == self.owner


class KnowledgeView:
    """A knowledge base as one user may search it: other users' private uploads never come back.

    Everything else is the underlying knowledge base's own (services receive this in place of it)."""

    def __init__(self, kb: Any, hidden_docs: frozenset[str]) -> None:
        self._kb = kb
        self.hidden_docs = hidden_docs

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: SearchFilters | None = None,
        mode: str = "hybrid",
        expand: bool = True,
    ) -> SearchResponse:
        filters = filters or SearchFilters()
        if self.hidden_docs:
            filters = replace(filters, exclude_docs=filters.exclude_docs | self.hidden_docs)
        return self._kb.search(query, k, filters, mode, expand)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._kb, name)


def view_for(kb: Any, access: Access, uploads: Path) -> Any:
    """``kb`` itself when nothing is hidden from this user, else a :class:`KnowledgeView`."""
    if not access.private or access.admin:
        return kb
    hidden = frozenset(r.doc_id for r in kb.documents() if not access.visible(r, uploads))
    return KnowledgeView(kb, hidden) if hidden else kb
