"""Workspaces on disk under the data dir: one JSON file per user or browser, written atomically."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import threading
from pathlib import Path

from assistant.workspace.model import Workspace

log = logging.getLogger(__name__)


class WorkspaceStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()

    def path_for(self, key: str) -> Path:
        """The file of a workspace key (an identity the server established, hashed: never a path)."""
        if not key:
            raise ValueError("a workspace needs the identity of its user")
        return self.root / f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.json"

    def load(self, key: str) -> Workspace:
        """The saved workspace, or a new one (a damaged file is kept aside, not overwritten silently)."""
        path = self.path_for(key)
        if not path.exists():
            return Workspace(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            workspace = Workspace.from_dict(data)
            workspace.key = key
            return workspace
        except (OSError, ValueError, TypeError) as exc:
            aside = path.with_suffix(".damaged.json")
            log.warning("workspace %s unreadable (%s); kept as %s", path, exc, aside)
            with contextlib.suppress(OSError):
                os.replace(path, aside)
            return Workspace(key)

    def save(self, workspace: Workspace) -> Path:
        workspace.touch()
        path = self.path_for(workspace.key)
        self.root.mkdir(parents=True, exist_ok=True)
        payload = json.dumps(workspace.to_dict(), ensure_ascii=False, indent=1)
        with self._lock:
            handle, temp = tempfile.mkstemp(dir=self.root, prefix=".ws-", suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    out.write(payload)
                os.replace(temp, path)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        return path
