"""Reading records back for delta sync (reader pool; the caller filters by access).

Flags and comments are public to the document's readers; notes, watch
settings and notifications belong to one user and are only ever read for
them. Each function returns ``(seq, envelope)`` pairs in sequence order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from kmserver.store.feedback_models import Comment, Flag, Notification, PrivateNote, WatchPref

Pair = tuple[int, dict[str, Any]]
CHUNK = 500

# model, the column naming its document, the column naming its owner (None: public)
_SOURCES: tuple[tuple[Any, Any, Any], ...] = (
    (Flag, Flag.doc_id, None),
    (Comment, Comment.doc_id, None),
    (PrivateNote, PrivateNote.doc_id, PrivateNote.author),
    (WatchPref, WatchPref.key, WatchPref.user),
    (Notification, Notification.doc_id, Notification.recipient),
)


def changed(s: Session, user: str, since: int, upto: int, new_docs: Iterable[str]) -> list[Pair]:
    """Records of ``user``'s view that changed in (since, upto], plus every record
    of the documents in ``new_docs`` (the client does not hold them yet)."""
    new = set(new_docs)
    out: dict[tuple[str, str], Pair] = {}
    for model, doc_col, owner_col in _SOURCES:
        where: list[ColumnElement[bool]] = [model.seq <= upto]
        if owner_col is not None:
            where.append(owner_col == user)
        if new and (since == 0 or len(new) > CHUNK):
            rows: list[Any] = [
                r for r in s.scalars(select(model).where(*where)) if r.seq > since or _doc(r) in new
            ]
        else:
            rows = list(s.scalars(select(model).where(*where, model.seq > since)))
            ordered = sorted(new)
            for start in range(0, len(ordered), CHUNK):
                chunk = ordered[start : start + CHUNK]
                rows.extend(s.scalars(select(model).where(*where, doc_col.in_(chunk))))
        for row in rows:
            envelope = row.envelope()
            out[(envelope["kind"], envelope["id"])] = (row.seq, envelope)
    return sorted(out.values(), key=lambda pair: pair[0])


def of_doc(s: Session, user: str, doc_id: str) -> list[Pair]:
    """Every record of one document in ``user``'s view (it has just become visible)."""
    return changed(s, user, 2**62, 2**62, [doc_id])


def _doc(row: Any) -> str | None:
    return row.envelope()["doc"]
