"""In-memory pycrdt Docs of the documents a user has open, and local-edit capture.

A Doc belongs to the owner thread. Remote updates are applied here inside a
transaction with origin :data:`REMOTE_ORIGIN`; everything else that changes an
open Doc (typing through the editor binding with its LOCAL origin, the
binding's UndoManager, a script) is a local edit and is handed to
``on_local(doc_id, update)``. Deciding by "not remote" rather than "has the
LOCAL origin" matters: undo and redo run with the UndoManager's own origin
and must reach the server too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pycrdt (~25 ms to import): when a document is first opened, not at start
    from pycrdt import Doc, Subscription, TransactionEvent

REMOTE_ORIGIN = "kmclient.remote"
"""Origin of transactions that apply updates from the server (hashable, as pycrdt wants)."""

_EMPTY_UPDATE = b"\x00\x00"


@dataclass
class _Open:
    doc: Doc
    refs: int
    sub: Subscription


class OpenDocs:
    def __init__(self, on_local: Callable[[str, bytes], None]) -> None:
        self._on_local = on_local
        self._open: dict[str, _Open] = {}
        self._applying: str | None = None  # doc id while a remote update is applied

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._open

    def ids(self) -> list[str]:
        return list(self._open)

    def get(self, doc_id: str) -> Doc | None:
        entry = self._open.get(doc_id)
        return entry.doc if entry else None

    def open(self, doc_id: str, state: bytes | None) -> Doc:
        """The open Doc of ``doc_id`` (built from ``state`` on first open); counts references."""
        entry = self._open.get(doc_id)
        if entry is None:
            entry = self._attach(doc_id, _new_doc(state or None))
        entry.refs += 1
        return entry.doc

    def close(self, doc_id: str) -> bool:
        """Drop one reference; True when the Doc was really closed."""
        entry = self._open.get(doc_id)
        if entry is None:
            return False
        entry.refs -= 1
        if entry.refs > 0:
            return False
        self.discard(doc_id)
        return True

    def discard(self, doc_id: str) -> None:
        """Close regardless of references (the document left the profile)."""
        entry = self._open.pop(doc_id, None)
        if entry is not None:
            entry.doc.unobserve(entry.sub)

    def replace(self, doc_id: str, state: bytes) -> None:
        """Swap in a Doc rebuilt from ``state``: a Doc cannot forget an edit, so
        dropping a refused local change means starting from the server's copy."""
        entry = self._open.get(doc_id)
        if entry is None:
            return
        refs = entry.refs
        self.discard(doc_id)
        self._attach(doc_id, _new_doc(state)).refs = refs

    def apply_remote(self, doc_id: str, update: bytes) -> None:
        entry = self._open.get(doc_id)
        if entry is None:
            return
        self._applying = doc_id
        try:
            with entry.doc.transaction(origin=REMOTE_ORIGIN):
                entry.doc.apply_update(update)
        finally:
            self._applying = None

    def text(self, doc_id: str) -> str | None:
        from kmserver.protocol.ytext import body

        doc = self.get(doc_id)
        return None if doc is None else str(body(doc))

    def _attach(self, doc_id: str, doc: Doc) -> _Open:
        def observe(event: TransactionEvent) -> None:
            # Runs inside the transaction's commit: only hand the bytes on.
            if self._applying == doc_id:
                return
            update = event.update
            if update and update != _EMPTY_UPDATE:
                self._on_local(doc_id, update)

        entry = _Open(doc, 0, doc.observe(observe))
        self._open[doc_id] = entry
        return entry


def _new_doc(state: bytes | None) -> Doc:
    from kmserver.protocol.ytext import new_doc

    return new_doc(state)
