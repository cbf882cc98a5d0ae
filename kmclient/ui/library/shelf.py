"""A rep's own shelf: pinned documents (in the order pinned) and the recently viewed.

Kept beside the profile (``ui-shelf.json``): a pin belongs to the user on this
desk, like a bookmark, and costs the server nothing. Qt-free; the window
saves it when it changes (a small JSON file).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

FILE_NAME = "ui-shelf.json"
RECENT = 10  # documents remembered as recently viewed
PINS = 30  # more would be a topic of its own


class Shelf:
    def __init__(self, profile_dir: Path) -> None:
        self._path = Path(profile_dir) / FILE_NAME
        self._pins: list[str] = []
        self._recent: list[str] = []
        self.version = 0  # moves with every change (models compare it)
        self.dirty = False
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        self._pins = [str(d) for d in data.get("pins") or []][:PINS]
        self._recent = [str(d) for d in data.get("recent") or []][:RECENT]

    def pinned(self) -> list[str]:
        return list(self._pins)

    def recent(self) -> list[str]:
        """Most recent first."""
        return list(self._recent)

    def is_pinned(self, doc_id: str) -> bool:
        return doc_id in self._pins

    def set_pinned(self, doc_id: str, pinned: bool) -> bool:
        """True if that changed anything."""
        if pinned == self.is_pinned(doc_id) or (pinned and len(self._pins) >= PINS):
            return False
        if pinned:
            self._pins.append(doc_id)
        else:
            self._pins.remove(doc_id)
        self._changed()
        return True

    def viewed(self, doc_id: str) -> bool:
        """Note a document opened; True if the list changed."""
        if self._recent[:1] == [doc_id]:
            return False
        self._recent = [doc_id, *(d for d in self._recent if d != doc_id)][:RECENT]
        self._changed()
        return True

    def forget(self, doc_ids: Iterable[str]) -> bool:
        """Documents that are gone (removed, no longer shared)."""
        gone = set(doc_ids)
        pins = [d for d in self._pins if d not in gone]
        recent = [d for d in self._recent if d not in gone]
        if (pins, recent) == (self._pins, self._recent):
            return False
        self._pins, self._recent = pins, recent
        self._changed()
        return True

    def _changed(self) -> None:
        self.version += 1
        self.dirty = True  # the window saves it a moment later, with the read markers

    def save(self) -> None:
        if not self.dirty:
            return
        self.dirty = False
        tmp = self._path.with_suffix(".tmp")
        try:
            tmp.write_text(
                json.dumps({"pins": self._pins, "recent": self._recent}), encoding="utf-8"
            )
            os.replace(tmp, self._path)
        except OSError:
            log.warning("could not save %s", self._path, exc_info=True)
