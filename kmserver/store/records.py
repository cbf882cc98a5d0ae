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

from kmserver.store.attention_models import Ack, Broadcast, MustRead
from kmserver.store.feedback_models import Comment, Flag, Notification, PrivateNote, WatchPref

Pair = tuple[int, dict[str, Any]]
CHUNK = 500

# model, the column naming its document (None: never tied to one), the column naming
# its owner (None: public; must-reads and broadcasts are filtered by their audience)
_SOURCES: tuple[tuple[Any, Any, Any], ...] = (
    (Flag, Flag.doc_id, None),
    (Comment, Comment.doc_id, None),
    (PrivateNote, PrivateNote.doc_id, PrivateNote.author),
    (WatchPref, WatchPref.key, WatchPref.user),
    (Notification, Notification.doc_id, Notification.recipient),
    (MustRead, MustRead.doc_id, None),
    (Ack, Ack.doc_id, Ack.user),
    (Broadcast, None, None),
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
        if doc_col is None:
            rows: list[Any] = list(s.scalars(select(model).where(*where, model.seq > since)))
        elif new and (since == 0 or len(new) > CHUNK):
            rows = [
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


def _doc(row: Any) -> str | None:
    return row.envelope()["doc"]


def of_doc_for(
    s: Session, doc_id: str, users: Iterable[str]
) -> tuple[list[Pair], dict[str, list[Pair]]]:
    """Every record of one document for many users at once (it has just become visible
    to all of them, e.g. at its first publication): the public ones (flags, comments),
    and each user's private ones (notes, the document's watch setting, notifications)."""
    wanted = sorted(set(users))
    public: list[Pair] = []
    for model in (Flag, Comment, MustRead):
        public += [
            (r.seq, r.envelope()) for r in s.scalars(select(model).where(model.doc_id == doc_id))
        ]
    private: dict[str, list[Pair]] = {user: [] for user in wanted}
    sources: tuple[tuple[Any, Any, ColumnElement[bool]], ...] = (
        (PrivateNote, PrivateNote.author, PrivateNote.doc_id == doc_id),
        (WatchPref, WatchPref.user, (WatchPref.scope == "doc") & (WatchPref.key == doc_id)),
        (Notification, Notification.recipient, Notification.doc_id == doc_id),
        (Ack, Ack.user, Ack.doc_id == doc_id),
    )
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        for model, owner_col, where in sources:
            for row in s.scalars(select(model).where(where, owner_col.in_(chunk))):
                envelope = row.envelope()
                private[envelope["owner"]].append((row.seq, envelope))
    public.sort(key=lambda pair: pair[0])
    for pairs in private.values():
        pairs.sort(key=lambda pair: pair[0])
    return public, private
