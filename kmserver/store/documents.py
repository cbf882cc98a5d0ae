"""Documents and the update log: append, read back, compact.

All functions take an open SQLAlchemy session; the caller owns the
transaction (the server's single writer thread, or a CLI command).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pycrdt import merge_updates
from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from kmserver.protocol.docmeta import DocMeta
from kmserver.store.models import LOG_META, LOG_UPDATE, Document, LogEntry

COMPACT_AFTER = 200  # update rows per document before they are merged into one


@dataclass(frozen=True, slots=True)
class TailEntry:
    seq: int
    doc_id: str
    kind: int
    data: bytes
    author: str | None
    writer: str


def now() -> datetime:
    return datetime.now(UTC)


def to_meta(doc: Document) -> DocMeta:
    updated = doc.updated_at
    if updated is not None and updated.tzinfo is None:
        updated = updated.replace(tzinfo=UTC)
    return DocMeta(
        id=doc.id,
        title=doc.title,
        topics=tuple(doc.topics or ()),
        audience=tuple(doc.audience or ()),
        owner=doc.owner,
        editors=tuple(doc.editors or ()),
        status=doc.status,
        seq=doc.changed_seq,
        deleted=doc.deleted,
        updated_by=doc.updated_by,
        updated_at=updated.isoformat() if updated else None,
    )


def get_document(s: Session, doc_id: str) -> Document | None:
    return s.get(Document, doc_id)


def all_metas(s: Session) -> list[DocMeta]:
    return [to_meta(d) for d in s.scalars(select(Document))]


def live_documents(s: Session) -> Sequence[Document]:
    return s.scalars(
        select(Document).where(Document.deleted.is_(False)).order_by(Document.id)
    ).all()


def max_seq(s: Session) -> int:
    return s.scalar(select(func.max(LogEntry.seq))) or 0


_INSERT_LOG = insert(LogEntry).returning(LogEntry.seq)


def append_log(
    s: Session, doc_id: str, kind: int, data: bytes, author: str | None, writer: str
) -> int:
    """Insert one log entry and return its sequence number.

    Runs on the session's Core connection: the ORM's statement layer costs
    more than the insert itself on this, the hottest path of the server.
    """
    params = {
        "doc_id": doc_id,
        "kind": kind,
        "data": data,
        "author": author,
        "writer": writer,
        "created_at": now(),
    }
    return s.connection().execute(_INSERT_LOG, params).scalar_one()


# Built once: statements with bound parameters skip the per-call construction
# and cache-key work that dominates these small writes.
_SELECT_COUNTERS = select(Document.deleted, Document.update_rows).where(
    Document.id == bindparam("doc_id")
)
_RECORD_UPDATES = (
    update(Document)
    .where(Document.id == bindparam("doc_id"))
    .values(
        changed_seq=bindparam("seq"),  # the writer's newest seq is above any the row holds
        update_rows=Document.update_rows + bindparam("count"),
        updated_at=bindparam("stamp"),
        updated_by=bindparam("author"),
        body_text=bindparam("body_text"),
    )
)


def doc_counters(s: Session, doc_id: str) -> tuple[bool, int] | None:
    """(deleted, update rows since compaction), or None for an unknown id."""
    row = s.connection().execute(_SELECT_COUNTERS, {"doc_id": doc_id}).first()
    return None if row is None else (bool(row.deleted), int(row.update_rows))


def record_updates(
    s: Session, doc_id: str, seq: int, count: int, author: str | None, body_text: str
) -> None:
    """Bookkeeping after ``count`` updates of a document, the newest ``seq`` (one UPDATE)."""
    s.connection().execute(
        _RECORD_UPDATES,
        {
            "doc_id": doc_id,
            "seq": seq,
            "count": count,
            "stamp": now(),
            "author": author,
            "body_text": body_text,
        },
    )


def create_document(
    s: Session,
    meta: DocMeta,
    initial_update: bytes,
    body_text: str,
    author: str | None,
    writer: str,
) -> int:
    ts = now()
    doc = Document(
        id=meta.id,
        title=meta.title,
        topics=list(meta.topics),
        audience=list(meta.audience),
        owner=meta.owner,
        editors=list(meta.editors),
        status=meta.status,
        deleted=False,
        body_text=body_text,
        changed_seq=0,
        update_rows=0,
        created_at=ts,
        updated_at=ts,
        updated_by=author,
    )
    s.add(doc)
    s.flush()
    return append_update(s, doc, initial_update, body_text, author, writer)


def append_update(
    s: Session,
    doc: Document,
    update: bytes,
    body_text: str | None,
    author: str | None,
    writer: str,
) -> int:
    seq = append_log(s, doc.id, LOG_UPDATE, update, author, writer)
    doc.changed_seq = seq
    doc.update_rows += 1
    doc.updated_at = now()
    doc.updated_by = author
    if body_text is not None:
        doc.body_text = body_text
    return seq


def set_meta(s: Session, doc: Document, changes: dict, author: str | None, writer: str) -> int:
    for name, value in changes.items():
        setattr(doc, name, list(value) if isinstance(value, tuple) else value)
    seq = append_log(s, doc.id, LOG_META, b"", author, writer)
    doc.changed_seq = seq
    doc.updated_at = now()
    doc.updated_by = author
    return seq


def _update_rows(s: Session, doc_id: str, after: int = 0) -> Sequence[bytes]:
    return s.scalars(
        select(LogEntry.data)
        .where(LogEntry.doc_id == doc_id, LogEntry.kind == LOG_UPDATE, LogEntry.seq > after)
        .order_by(LogEntry.seq)
    ).all()


def _merge(rows: Sequence[bytes]) -> bytes:
    if not rows:
        return b"\x00\x00"  # the empty update
    return rows[0] if len(rows) == 1 else merge_updates(*rows)


def full_state(s: Session, doc_id: str) -> bytes:
    """Every update of the document merged into one (the whole CRDT state)."""
    return _merge(_update_rows(s, doc_id))


def updates_after(s: Session, doc_id: str, cursor: int) -> bytes | None:
    """Updates committed after ``cursor``, merged; None when there are none."""
    rows = _update_rows(s, doc_id, cursor)
    return _merge(rows) if rows else None


def tail(s: Session, after: int, limit: int = 5000) -> list[TailEntry]:
    rows = s.execute(
        select(
            LogEntry.seq,
            LogEntry.doc_id,
            LogEntry.kind,
            LogEntry.data,
            LogEntry.author,
            LogEntry.writer,
        )
        .where(LogEntry.seq > after)
        .order_by(LogEntry.seq)
        .limit(limit)
    ).all()
    return [TailEntry(*row) for row in rows]


def compact(s: Session, doc: Document) -> None:
    """Merge the document's update rows into its newest one; drop old meta markers.

    The merged row keeps the newest sequence number, so a client whose cursor
    is past it gets nothing, and one before it gets everything (idempotent).
    """
    rows = s.execute(
        select(LogEntry.seq, LogEntry.data)
        .where(LogEntry.doc_id == doc.id, LogEntry.kind == LOG_UPDATE)
        .order_by(LogEntry.seq)
    ).all()
    if len(rows) > 1:
        merged = merge_updates(*(r.data for r in rows))
        keep = rows[-1].seq
        s.execute(
            delete(LogEntry).where(
                LogEntry.doc_id == doc.id, LogEntry.kind == LOG_UPDATE, LogEntry.seq < keep
            )
        )
        entry = s.get(LogEntry, keep)
        assert entry is not None
        entry.data = merged
    newest_meta = s.scalar(
        select(func.max(LogEntry.seq)).where(LogEntry.doc_id == doc.id, LogEntry.kind == LOG_META)
    )
    if newest_meta is not None:
        s.execute(
            delete(LogEntry).where(
                LogEntry.doc_id == doc.id, LogEntry.kind == LOG_META, LogEntry.seq < newest_meta
            )
        )
    doc.update_rows = 1 if rows else 0


def documents_by_id(s: Session, ids: Iterable[str]) -> dict[str, Document]:
    ids = list(ids)
    out: dict[str, Document] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        out.update({d.id: d for d in s.scalars(select(Document).where(Document.id.in_(chunk)))})
    return out
