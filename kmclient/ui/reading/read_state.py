"""Which documents are new or changed since this user last looked at them.

Kept beside the profile (``ui-read-state.json``), a few bytes per marked
document. The first complete sync of a profile sets the baseline: a fresh
profile does not greet its user with ten thousand "new" documents. After it,
a document that arrives is *new*; one changed by someone else is *changed*,
until the user opens it. Only changes by others count.

Qt-free; the window decides when to save (a debounce timer), and saving a
small JSON file is a trivial write.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Literal

log = logging.getLogger(__name__)

Marker = Literal["new", "changed"]
FILE_NAME = "ui-read-state.json"


class ReadState:
    def __init__(self, profile_dir: Path) -> None:
        self._path = Path(profile_dir) / FILE_NAME
        self.baseline = False
        self.last_synced: str | None = None  # ISO time of the last complete sync
        self._marks: dict[str, Marker] = {}
        self.dirty = False
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        self.baseline = bool(data.get("baseline"))
        self.last_synced = data.get("last_synced")
        marks = data.get("marks") or {}
        self._marks = {k: v for k, v in marks.items() if v in ("new", "changed")}

    def marker(self, doc_id: str) -> Marker | None:
        return self._marks.get(doc_id)

    def marked(self) -> dict[str, Marker]:
        return dict(self._marks)

    def set_baseline(self) -> None:
        if not self.baseline:
            self.baseline = True
            self.dirty = True

    def set_last_synced(self, iso: str) -> None:
        self.last_synced = iso
        self.dirty = True

    def note_new(self, doc_id: str) -> bool:
        """A document arrived; True if its marker changed."""
        if not self.baseline or doc_id in self._marks:
            return False
        self._marks[doc_id] = "new"
        self.dirty = True
        return True

    def note_changed(self, doc_id: str) -> bool:
        """Someone else changed it; True if its marker changed ("new" stays "new")."""
        if not self.baseline or doc_id in self._marks:
            return False
        self._marks[doc_id] = "changed"
        self.dirty = True
        return True

    def note_seen(self, doc_id: str) -> bool:
        if self._marks.pop(doc_id, None) is None:
            return False
        self.dirty = True
        return True

    def forget(self, doc_id: str) -> None:
        if self._marks.pop(doc_id, None) is not None:
            self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        tmp = self._path.with_suffix(".tmp")
        try:
            tmp.write_text(
                json.dumps(
                    {
                        "baseline": self.baseline,
                        "last_synced": self.last_synced,
                        "marks": self._marks,
                    }
                ),
                encoding="utf-8",
            )
            os.replace(tmp, self._path)
            self.dirty = False
        except OSError:
            log.warning("could not save %s", self._path, exc_info=True)
