"""A document row's bookkeeping of its working copy, written behind the log.

The update log is the working copy; the row beside it keeps what is derived
from it for others to read without merging the log: ``changed_seq`` (the
newest entry), ``update_rows`` (the count compaction watches), ``updated_at``
and ``updated_by``, and ``body_text`` (the plain text, for export and diff).
Writing them with every batch doubled what a keystroke's commit wrote to disk
(the row, its text and the ``changed_seq`` index, beside the log entry and its
index), so the server's writer writes them at most once a ``FLUSH_SECONDS``
per document (kmserver/unsaved_rows.py, ``documents.record_updates``). A row
may therefore lag its log by that long, and after ``kill -9`` until the next
start: :func:`settle` at every start brings lagging rows up to the log before
anything reads them, and :func:`working_text` gives readers in other
processes (``kmserver export --working``, ``diff``) the log's text whenever
the row lags.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from kmserver.protocol.ytext import body, new_doc
from kmserver.store import documents as docs
from kmserver.store.models import LOG_UPDATE, Document, LogEntry

FLUSH_SECONDS = 1.0  # how long a row may lag its log while the server runs


def _newest_update(doc_id: InstrumentedAttribute[str] | str) -> Select[tuple[int]]:
    """The seq of a document's newest update row (an index seek on (doc_id, seq)): of
    one document, or of each row's (``Document.id``, as a correlated subquery)."""
    return (
        select(LogEntry.seq)
        .where(LogEntry.doc_id == doc_id, LogEntry.kind == LOG_UPDATE)
        .order_by(LogEntry.seq.desc())
        .limit(1)
    )


def lagging(s: Session) -> list[tuple[str, int]]:
    """(document, its newest update's seq) for every row behind its log."""
    newest = _newest_update(Document.id).scalar_subquery()
    return [
        (doc_id, seq)
        for doc_id, seq in s.execute(
            select(Document.id, newest).where(newest > Document.changed_seq)
        )
    ]


def settle(s: Session) -> list[str]:
    """At start, in a write transaction: every row behind its log is rebuilt from it
    (a server stopped by ``kill -9`` before writing them). The ids it rebuilt."""
    rebuilt = []
    for doc_id, seq in lagging(s):
        row = s.get(Document, doc_id)
        if row is None:
            continue
        last = s.execute(
            select(LogEntry.author, LogEntry.created_at).where(LogEntry.seq == seq)
        ).one()
        row.body_text = str(body(new_doc(docs.full_state(s, doc_id))))
        row.update_rows = docs.count_update_rows(s, doc_id)
        row.changed_seq = max(row.changed_seq, seq)
        row.updated_by, row.updated_at = last.author, last.created_at
        rebuilt.append(doc_id)
    s.flush()
    return rebuilt


def working_text(s: Session, row: Document) -> str:
    """The working copy's plain text: the row's, or the log's if the row lags it."""
    newest = s.scalar(_newest_update(row.id))
    if newest is not None and newest > row.changed_seq:
        return str(body(new_doc(docs.full_state(s, row.id))))
    return row.body_text
