"""Documents and the update log: append, read back, compact.

All functions take an open SQLAlchemy session; the caller owns the
transaction (the server's single writer thread, or a CLI command). Those the
writer calls per update also take the Core connection of its transaction
(a batch of plain updates has no Session).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pycrdt import merge_updates
from sqlalchemy import Connection, bindparam, case, delete, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from kmserver.protocol.docmeta import DocMeta, Published, Review
from kmserver.store.models import LOG_META, LOG_PUBLISH, LOG_UPDATE, Document, LogEntry
from kmserver.store.revision_models import Revision, Submission

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


def iso(ts: datetime | None) -> str | None:
    if ts is None:
        return None
    # SQLite hands back naive datetimes even for timezone-aware columns.
    return (ts if ts.tzinfo else ts.replace(tzinfo=UTC)).isoformat()


def to_meta(doc: Document, rev: Revision | None = None, sub: Submission | None = None) -> DocMeta:
    """``rev``: the latest published revision; ``sub``: the document's review round."""
    published = None
    if rev is not None:
        published = Published(
            rev.number,
            rev.title,
            tuple(rev.topics or ()),
            iso(rev.published_at),
            rev.published_by,
            rev.note,
        )
    review = None
    if sub is not None:
        by = sub.decided_by if sub.status == "sent_back" else sub.submitted_by
        at = sub.decided_at if sub.status == "sent_back" else sub.submitted_at
        note = sub.decision_note if sub.status == "sent_back" else sub.note
        review = Review(sub.status, by or "", iso(at), note)
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
        updated_at=iso(doc.updated_at),
        published=published,
        pub_seq=doc.pub_seq,
        review_required=bool(doc.review_required),
        review_every=doc.review_every,
        verified_at=iso(doc.verified_at),
        verified_by=doc.verified_by,
        pending_authors=tuple(doc.pending_authors or ()),
        review=review,
    )


def meta_of(s: Session, doc: Document) -> DocMeta:
    """The metadata of a document row, with its latest revision and review round."""
    rev = s.get(Revision, (doc.id, doc.published_rev)) if doc.published_rev else None
    return to_meta(doc, rev, s.get(Submission, doc.id))


def metas_by_id(s: Session, ids: Iterable[str]) -> dict[str, DocMeta]:
    return {doc_id: meta_of(s, row) for doc_id, row in documents_by_id(s, ids).items()}


def get_document(s: Session, doc_id: str) -> Document | None:
    return s.get(Document, doc_id)


def all_metas(s: Session) -> list[DocMeta]:
    revs = {
        r.doc_id: r
        for r in s.scalars(
            select(Revision).join(
                Document,
                (Document.id == Revision.doc_id) & (Document.published_rev == Revision.number),
            )
        )
    }
    subs = {sub.doc_id: sub for sub in s.scalars(select(Submission))}
    return [to_meta(d, revs.get(d.id), subs.get(d.id)) for d in s.scalars(select(Document))]


def live_documents(s: Session) -> Sequence[Document]:
    return s.scalars(
        select(Document).where(Document.deleted.is_(False)).order_by(Document.id)
    ).all()


_MAX_SEQ = select(func.max(LogEntry.seq))


class DriverStatement:
    """One of the writer's per-update statements as its database driver runs it: the
    SQL compiled once per dialect, the parameters converted as SQLAlchemy would (its
    bind processors, e.g. SQLite's datetimes), executed on the DBAPI cursor of the
    Core connection, inside its transaction. Per call this skips SQLAlchemy's
    execution context and result wrapping, which cost more than these small
    statements themselves."""

    __slots__ = ("order", "processors", "sql")

    def __init__(self, stmt: Any, dialect: Any, column_keys: list[str] | None = None) -> None:
        compiled = stmt.compile(dialect=dialect, column_keys=column_keys)
        self.sql: str = compiled.string
        self.order = tuple(compiled.positiontup) if compiled.positional else None
        self.processors = tuple(
            (name, processor)
            for name, bind in compiled.binds.items()
            if (processor := bind.type._cached_bind_processor(dialect)) is not None
        )

    def execute(self, conn: Connection, values: dict[str, Any]) -> Any:
        """Run with ``values`` (by bind name); the DBAPI cursor, for its rows."""
        for name, processor in self.processors:
            values[name] = processor(values[name])
        params = values if self.order is None else tuple(values[n] for n in self.order)
        cursor = conn.connection.cursor()
        cursor.execute(self.sql, params)
        return cursor


@dataclass(frozen=True, slots=True)
class _DriverStatements:
    insert_log: DriverStatement
    record_updates: DriverStatement
    max_seq: DriverStatement
    update_rows: DriverStatement


_DRIVER_STATEMENTS: weakref.WeakKeyDictionary[Any, _DriverStatements] = weakref.WeakKeyDictionary()


def _driver(conn: Connection) -> _DriverStatements:
    """The hot statements for this connection's dialect (compiled on first use, once the
    dialect knows its server, e.g. whether SQLite supports RETURNING)."""
    dialect = conn.dialect
    found = _DRIVER_STATEMENTS.get(dialect)
    if found is None:
        found = _DRIVER_STATEMENTS[dialect] = _DriverStatements(
            DriverStatement(_INSERT_LOG, dialect, list(_INSERT_LOG_KEYS)),
            DriverStatement(_RECORD_UPDATES, dialect),
            DriverStatement(_MAX_SEQ, dialect),
            DriverStatement(_UPDATE_ROWS, dialect),
        )
    return found


def _core(s: Session | Connection) -> Connection:
    """The Core connection under ``s``: the hot statements below run there, and the
    writer's batches of plain updates hand them that connection without a Session."""
    return s if isinstance(s, Connection) else s.connection()


def max_seq(s: Session | Connection) -> int:
    """The newest log entry's seq. On the Core connection, with the statement built
    once: the writer asks at the start of every batch."""
    conn = _core(s)
    cursor = _driver(conn).max_seq.execute(conn, {})
    try:
        row = cursor.fetchone()
    finally:
        cursor.close()
    return (row[0] if row else None) or 0


_INSERT_LOG = insert(LogEntry).returning(LogEntry.seq)
_INSERT_LOG_KEYS = ("doc_id", "kind", "data", "author", "writer", "created_at")


def append_log(
    s: Session | Connection, doc_id: str, kind: int, data: bytes, author: str | None, writer: str
) -> int:
    """Insert one log entry and return its sequence number.

    Runs on the driver (``DriverStatement``): SQLAlchemy's statement layer costs
    more than the insert itself on this, the hottest path of the server.
    """
    values = {
        "doc_id": doc_id,
        "kind": kind,
        "data": data,
        "author": author,
        "writer": writer,
        "created_at": now(),
    }
    conn = _core(s)
    cursor = _driver(conn).insert_log.execute(conn, values)
    try:
        rows = cursor.fetchall()
    finally:
        cursor.close()
    if len(rows) != 1:
        raise RuntimeError(f"inserting a log entry returned {len(rows)} rows")
    return int(rows[0][0])


# Built once: statements with bound parameters skip the per-call construction
# and cache-key work that dominates these small writes.
_SELECT_COUNTERS = select(Document.deleted, Document.update_rows, Document.pending_authors).where(
    Document.id == bindparam("doc_id")
)
# The writer brings a row up to its log at most once a second (store/row_bookkeeping.py);
# another process may have written it from a newer state meanwhile (several processes
# on PostgreSQL): then only the count is added, and the rest stays theirs.
_ROW_IS_NEWER = Document.changed_seq > bindparam("seq")
_RECORD_UPDATES = (
    update(Document)
    .where(Document.id == bindparam("doc_id"))
    .values(
        changed_seq=case((_ROW_IS_NEWER, Document.changed_seq), else_=bindparam("seq")),
        update_rows=Document.update_rows + bindparam("count"),
        updated_at=case((_ROW_IS_NEWER, Document.updated_at), else_=bindparam("stamp")),
        updated_by=case((_ROW_IS_NEWER, Document.updated_by), else_=bindparam("author")),
        body_text=case((_ROW_IS_NEWER, Document.body_text), else_=bindparam("body_text")),
    )
)


_SET_PENDING = (
    update(Document)
    .where(Document.id == bindparam("doc_id"))
    .values(pending_authors=bindparam("pending"))
)


def doc_counters(s: Session | Connection, doc_id: str) -> tuple[bool, int, list[str]] | None:
    """(deleted, update rows since compaction, authors since the latest revision),
    or None for an unknown id."""
    row = _core(s).execute(_SELECT_COUNTERS, {"doc_id": doc_id}).first()
    if row is None:
        return None
    return bool(row.deleted), int(row.update_rows), list(row.pending_authors or ())


def set_pending_authors(s: Session | Connection, doc_id: str, authors: list[str]) -> None:
    _core(s).execute(_SET_PENDING, {"doc_id": doc_id, "pending": authors})


def record_updates(
    s: Session | Connection,
    doc_id: str,
    seq: int,
    count: int,
    author: str | None,
    body_text: str,
    stamp: datetime | None = None,
) -> None:
    """The row brought up to ``seq``: ``count`` more update rows, the newest by ``author``
    at ``stamp`` (now if None), the text as of then. One UPDATE, on the driver
    (``DriverStatement``); a row another process wrote from a newer state gets only
    the count."""
    conn = _core(s)
    _driver(conn).record_updates.execute(
        conn,
        {
            "doc_id": doc_id,
            "seq": seq,
            "count": count,
            "stamp": stamp or now(),
            "author": author,
            "body_text": body_text,
        },
    ).close()


def create_document(
    s: Session,
    meta: DocMeta,
    initial_update: bytes,
    body_text: str,
    author: str | None,
    writer: str,
) -> int:
    """A new draft: its working copy holds ``body_text``; nothing is published yet."""
    ts = now()
    doc = Document(
        id=meta.id,
        title=meta.title,
        topics=list(meta.topics),
        audience=list(meta.audience),
        owner=meta.owner,
        editors=list(meta.editors),
        status="draft",
        deleted=False,
        body_text=body_text,
        changed_seq=0,
        update_rows=0,
        created_at=ts,
        updated_at=ts,
        updated_by=author,
        published_rev=0,
        pub_seq=0,
        review_required=meta.review_required,
        review_every=meta.review_every,
        pending_authors=[author] if author and body_text else [],
    )
    s.add(doc)
    s.flush()
    seq = append_update(s, doc, initial_update, body_text, author, writer)
    doc.pub_seq = seq  # readers see nothing of a draft; the seq only orders it
    return seq


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


# Changing these changes the working copy (readers see them with the next revision).
WORKING_FIELDS = frozenset({"title", "topics"})


def set_meta(s: Session, doc: Document, changes: dict, author: str | None, writer: str) -> int:
    for name, value in changes.items():
        setattr(doc, name, list(value) if isinstance(value, tuple) else value)
    seq = append_log(s, doc.id, LOG_META, b"", author, writer)
    doc.changed_seq = seq
    if set(changes) - WORKING_FIELDS:
        doc.pub_seq = seq  # readers see audiences, owners, review settings at once
    if set(changes) & WORKING_FIELDS:
        doc.updated_at = now()
        doc.updated_by = author
        if author and author not in (doc.pending_authors or ()):
            doc.pending_authors = [*(doc.pending_authors or ()), author]
    return seq


def _update_rows(s: Session | Connection, doc_id: str, after: int = 0) -> Sequence[bytes]:
    return (
        _core(s)
        .execute(
            select(LogEntry.data)
            .where(LogEntry.doc_id == doc_id, LogEntry.kind == LOG_UPDATE, LogEntry.seq > after)
            .order_by(LogEntry.seq)
        )
        .scalars()
        .all()
    )


def _merge(rows: Sequence[bytes]) -> bytes:
    if not rows:
        return b"\x00\x00"  # the empty update
    return rows[0] if len(rows) == 1 else merge_updates(*rows)


def full_state(s: Session | Connection, doc_id: str) -> bytes:
    """Every update of the document merged into one (the whole CRDT state)."""
    return _merge(_update_rows(s, doc_id))


def updates_after(s: Session, doc_id: str, cursor: int) -> bytes | None:
    """Updates committed after ``cursor``, merged; None when there are none."""
    rows = _update_rows(s, doc_id, cursor)
    return _merge(rows) if rows else None


def published_state(s: Session, doc_id: str) -> bytes | None:
    """The published CRDT of the latest revision; None for a draft."""
    return s.scalar(
        select(Revision.state)
        .join(Document, Document.id == Revision.doc_id)
        .where(Revision.doc_id == doc_id, Revision.number == Document.published_rev)
    )


def full_states(s: Session, doc_ids: Sequence[str]) -> dict[str, bytes]:
    """:func:`full_state` of many documents in one query (a sync's chunk: one
    round trip, not one per document, which was most of a first sync's cost)."""
    rows: dict[str, list[bytes]] = {doc_id: [] for doc_id in doc_ids}
    if not rows:
        return {}
    query = (
        select(LogEntry.doc_id, LogEntry.data)
        .where(LogEntry.doc_id.in_(list(rows)), LogEntry.kind == LOG_UPDATE)
        .order_by(LogEntry.doc_id, LogEntry.seq)
    )
    for doc_id, data in s.execute(query):
        rows[doc_id].append(data)
    return {doc_id: _merge(data) for doc_id, data in rows.items()}


def published_states(s: Session, doc_ids: Sequence[str]) -> dict[str, bytes]:
    """:func:`published_state` of many documents in one query (drafts left out)."""
    if not doc_ids:
        return {}
    query = (
        select(Revision.doc_id, Revision.state)
        .join(Document, Document.id == Revision.doc_id)
        .where(Revision.doc_id.in_(list(doc_ids)), Revision.number == Document.published_rev)
    )
    return {doc_id: state for doc_id, state in s.execute(query)}


def published_after(s: Session, doc_id: str, cursor: int) -> bytes | None:
    """What readers lack of the published CRDT if they hold everything up to
    ``cursor``: the publications after it, merged; None when there are none."""
    rows = s.scalars(
        select(LogEntry.data)
        .where(LogEntry.doc_id == doc_id, LogEntry.kind == LOG_PUBLISH, LogEntry.seq > cursor)
        .order_by(LogEntry.seq)
    ).all()
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


@dataclass(frozen=True, slots=True)
class Compaction:
    """A document's update rows merged into one, read outside the write lock and
    applied later in a short write (``apply_compaction``): the server's edits do
    not wait for the reading and merging."""

    doc_id: str
    first: int  # the oldest update row merged
    keep: int  # the newest: the merged row keeps its sequence number
    merged: bytes
    rows: int = 0  # how many rows were merged (the sweep sizes its slices by it)


_UPDATE_ROWS = (
    select(LogEntry.seq, LogEntry.data)
    .where(LogEntry.doc_id == bindparam("doc_id"), LogEntry.kind == bindparam("kind"))
    .order_by(LogEntry.seq)
)


def prepare_compaction(s: Session, doc_id: str) -> Compaction | None:
    """The merge of the document's update rows as they are now; None if fewer than two.

    The rows are read on the driver: this runs on the compactor thread, and every
    millisecond it holds the GIL the event loop waits (SQLAlchemy's select of 200
    rows took 0.43 ms, the driver's 0.13 ms)."""
    conn = _core(s)
    cursor = _driver(conn).update_rows.execute(conn, {"doc_id": doc_id, "kind": LOG_UPDATE})
    try:
        rows = cursor.fetchall()
    finally:
        cursor.close()
    if len(rows) < 2:
        return None
    merged = merge_updates(*(bytes(data) for _seq, data in rows))
    return Compaction(doc_id, rows[0][0], rows[-1][0], merged, len(rows))


_SET_MERGED = (
    update(LogEntry)
    .where(
        LogEntry.seq == bindparam("c_keep"),
        LogEntry.doc_id == bindparam("c_doc_id"),
        LogEntry.kind == LOG_UPDATE,
    )
    .values(data=bindparam("c_merged"))
)
_DELETE_MERGED = delete(LogEntry).where(
    LogEntry.doc_id == bindparam("c_doc_id"),
    LogEntry.kind == LOG_UPDATE,
    LogEntry.seq >= bindparam("c_first"),
    LogEntry.seq < bindparam("c_keep"),
)
_DELETE_SLICE = delete(LogEntry).where(
    LogEntry.doc_id.in_(bindparam("c_ids", expanding=True)),
    LogEntry.kind == LOG_UPDATE,
    LogEntry.seq >= bindparam("c_first"),
    LogEntry.seq < bindparam("c_keep"),
)
_newer_meta = aliased(LogEntry)
_DELETE_OLD_METAS = delete(LogEntry).where(  # all but the newest
    LogEntry.doc_id == bindparam("c_doc_id"),
    LogEntry.kind == LOG_META,
    LogEntry.seq
    < select(func.max(_newer_meta.seq))
    .where(_newer_meta.doc_id == bindparam("c_doc_id"), _newer_meta.kind == LOG_META)
    .scalar_subquery(),
)
_COUNT_ROWS = select(func.count()).where(
    LogEntry.doc_id == bindparam("c_doc_id"), LogEntry.kind == LOG_UPDATE
)
_SET_ROWS = (
    update(Document)
    .where(Document.id == bindparam("c_doc_id"))
    .values(update_rows=bindparam("c_rows"))
)


def apply_compaction(s: Session, c: Compaction) -> bool:
    """Give the newest row ``c`` merged the merged bytes (one row written); False if
    another compaction has meanwhile folded that row into a newer one, which holds
    everything ``c`` does.

    The older rows of the range are now redundant (applying an update twice changes
    nothing) and go later, many documents at once (``sweep_range``, ``settle_swept``).
    Deleting them here, a document at a time, rewrote a table page per row, since the
    rows of documents edited together share pages.
    """
    params = {"c_doc_id": c.doc_id, "c_keep": c.keep, "c_merged": c.merged}
    return s.connection().execute(_SET_MERGED, params).rowcount > 0


def sweep_bounds(compactions: Iterable[Compaction]) -> tuple[int, int]:
    """The sequence numbers the redundant rows of ``compactions`` lie in: [lo, hi)."""
    compactions = list(compactions)
    return min(c.first for c in compactions), max(c.keep for c in compactions)


def sweep_range(s: Session, compactions: Iterable[Compaction], lo: int, hi: int) -> int:
    """Delete the redundant rows numbered ``lo`` <= seq < ``hi``; how many. A slice of
    sequence numbers holds the rows of many documents edited together, which share
    table pages: each page is written once over the whole sweep, as when it deleted
    everything in one batch, but no batch waits for all of it."""
    conn = s.connection()
    removed = 0
    inside = []  # documents whose whole slice is redundant: one statement for all of them
    for c in compactions:
        first, stop = max(lo, c.first), min(hi, c.keep)
        if (first, stop) == (lo, hi):
            inside.append(c.doc_id)
        elif first < stop:
            params = {"c_doc_id": c.doc_id, "c_first": first, "c_keep": stop}
            removed += conn.execute(_DELETE_MERGED, params).rowcount
    if inside:
        params = {"c_ids": list(dict.fromkeys(inside)), "c_first": lo, "c_keep": hi}
        removed += conn.execute(_DELETE_SLICE, params).rowcount
    return removed


def count_update_rows(s: Session | Connection, doc_id: str) -> int:
    """How many update rows the document's log holds (what ``update_rows`` counts)."""
    return _core(s).execute(_COUNT_ROWS, {"c_doc_id": doc_id}).scalar_one()


def settle_swept(s: Session, doc_ids: Iterable[str]) -> dict[str, int]:
    """After a sweep's last slice: each document's older meta markers go and its count
    of update rows is recounted; the counts. Recounted, not decremented: a sweep cut
    short (a crash between slices) left the count too high, and this corrects it."""
    conn = s.connection()
    counts: dict[str, int] = {}
    for doc_id in doc_ids:
        conn.execute(_DELETE_OLD_METAS, {"c_doc_id": doc_id})
        count = count_update_rows(s, doc_id)
        conn.execute(_SET_ROWS, {"c_doc_id": doc_id, "c_rows": count})
        counts[doc_id] = count
    return counts


def documents_by_id(s: Session, ids: Iterable[str]) -> dict[str, Document]:
    ids = list(ids)
    out: dict[str, Document] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        out.update({d.id: d for d in s.scalars(select(Document).where(Document.id.in_(chunk)))})
    return out
