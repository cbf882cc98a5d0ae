"""The profile's tables for flags, comments, notes, watches and notifications.

- ``records``: what the server sent, one row per ``(kind, id)`` (the newest
  ``seq`` wins), with the document it belongs to, its ``deleted`` mark and its
  ``data`` (docs/protocol.md, section 4). Written in the same transaction as
  the cursor that covers it (the engine's one :class:`Batch` per turn).
- ``requests``: the request outbox: flag / flag_state / comment /
  comment_state / note / note_edit / note_delete / watch / read messages the
  server has not answered yet, in the order they were made. Kept apart from the
  CRDT ``outbox``: that one is settled by position (one reply per update frame,
  in order), this one by each request's ``ref``.
- ``announced``: ids of every notification ever handed to the UI as new, so a
  notification is announced once, also after a restart or after its document
  left and came back.

Only :class:`~kmclient.core.local_store.LocalStore` writes (owner thread);
the functions here take its connection or engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    delete,
    func,
    or_,
    select,
)
from sqlalchemy.dialects.sqlite import insert

metadata = MetaData()

records = Table(
    "records",
    metadata,
    Column("kind", String(20), primary_key=True),
    Column("id", String(210), primary_key=True),  # uuids; watch settings: "doc:<doc id>"
    Column("doc_id", String(200)),  # None for a topic watch
    Column("seq", Integer, nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("data", JSON, nullable=False),
    Index("ix_records_doc", "doc_id", "kind"),
)

requests = Table(
    "requests",
    metadata,
    Column("id", Integer, primary_key=True),  # send order, given by the owner (one writer)
    Column("type", String(20), nullable=False),  # the message type: flag, flag_state, ...
    Column("record_id", String(210)),  # the client's uuid (or watch id); None for read
    Column("doc_id", String(200)),  # the document it concerns, when known
    Column("body", JSON, nullable=False),  # the message fields, without type and ref
    Column("created_at", String(40), nullable=False),  # ISO 8601, for the pending view
)

announced = Table(
    "announced",
    metadata,
    Column("id", String(64), primary_key=True),
)


@dataclass(frozen=True, slots=True)
class RecordRow:
    """One record as the server sent it (the ``record`` frame without ``type``)."""

    kind: str
    id: str
    doc_id: str | None
    seq: int
    deleted: bool
    data: dict[str, Any]

    @classmethod
    def from_wire(cls, msg: dict[str, Any]) -> RecordRow:
        return cls(
            kind=str(msg["kind"]),
            id=str(msg["id"]),
            doc_id=msg.get("doc"),
            seq=int(msg.get("seq") or 0),
            deleted=bool(msg.get("deleted")),
            data=dict(msg.get("data") or {}),
        )

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.id)


@dataclass(frozen=True, slots=True)
class RequestRow:
    """A request waiting for the server's answer."""

    id: int
    type: str
    record_id: str | None
    doc_id: str | None
    body: dict[str, Any]
    created_at: str


@dataclass
class RecordBatch:
    """The record part of one transaction (see local_store.Batch)."""

    put: dict[tuple[str, str], RecordRow] = field(default_factory=dict)
    requests_add: list[RequestRow] = field(default_factory=list)
    requests_delete: list[int] = field(default_factory=list)
    announced: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.put or self.requests_add or self.requests_delete or self.announced)

    def drop_doc(self, doc_id: str) -> None:
        self.put = {k: r for k, r in self.put.items() if r.doc_id != doc_id}


def write(conn: Connection, batch: RecordBatch, removed_docs: Iterable[str]) -> None:
    """Removals first (a document's records go with it), then the new states."""
    removed = list(removed_docs)
    if removed:
        conn.execute(delete(records).where(records.c.doc_id.in_(removed)))
    if batch.put:
        stmt = insert(records)
        stmt = stmt.on_conflict_do_update(
            index_elements=[records.c.kind, records.c.id],
            set_={name: stmt.excluded[name] for name in ("doc_id", "seq", "deleted", "data")},
            where=stmt.excluded.seq >= records.c.seq,  # an older state never replaces a newer
        )
        conn.execute(
            stmt,
            [
                {
                    "kind": r.kind,
                    "id": r.id,
                    "doc_id": r.doc_id,
                    "seq": r.seq,
                    "deleted": r.deleted,
                    "data": r.data,
                }
                for r in batch.put.values()
            ],
        )
    if batch.requests_delete:
        conn.execute(delete(requests).where(requests.c.id.in_(batch.requests_delete)))
    if batch.requests_add:
        conn.execute(
            requests.insert(),
            [
                {
                    "id": r.id,
                    "type": r.type,
                    "record_id": r.record_id,
                    "doc_id": r.doc_id,
                    "body": r.body,
                    "created_at": r.created_at,
                }
                for r in batch.requests_add
            ],
        )
    if batch.announced:
        stmt = insert(announced).on_conflict_do_nothing(index_elements=[announced.c.id])
        conn.execute(stmt, [{"id": i} for i in batch.announced])


# -- reads --------------------------------------------------------------------------


def _row(r: Any) -> RecordRow:
    return RecordRow(r.kind, r.id, r.doc_id, r.seq, bool(r.deleted), dict(r.data or {}))


def load_records(
    engine: Engine,
    kind: str,
    doc_id: str | None = None,
    *,
    ids: Iterable[str] | None = None,
    seq_above: int | None = None,
) -> list[RecordRow]:
    query = select(records).where(records.c.kind == kind)
    if doc_id is not None:
        query = query.where(records.c.doc_id == doc_id)
    if seq_above is not None:
        query = query.where(records.c.seq > seq_above)
    if ids is not None:
        wanted = list(ids)
        if not wanted:
            return []
        query = query.where(records.c.id.in_(wanted))
    with engine.connect() as conn:
        return [_row(r) for r in conn.execute(query.order_by(records.c.seq))]


def load_open_flags(engine: Engine) -> list[RecordRow]:
    """Flags in ``open`` or ``acknowledged`` (the ones that warn readers)."""
    state = func.json_extract(records.c.data, "$.state")
    query = select(records).where(
        records.c.kind == "flag",
        records.c.deleted.is_(False),
        state.in_(("open", "acknowledged")),
    )
    with engine.connect() as conn:
        return [_row(r) for r in conn.execute(query)]


def load_unread(engine: Engine) -> dict[str, str | None]:
    """Unread notifications: id -> document."""
    read = func.json_extract(records.c.data, "$.read")
    query = select(records.c.id, records.c.doc_id).where(
        records.c.kind == "notification", or_(read.is_(None), read == 0)
    )
    with engine.connect() as conn:
        return {r.id: r.doc_id for r in conn.execute(query)}


def load_seqs(engine: Engine) -> dict[tuple[str, str], int]:
    with engine.connect() as conn:
        rows = conn.execute(select(records.c.kind, records.c.id, records.c.seq))
        return {(r.kind, r.id): r.seq for r in rows}


def keys_of_doc(engine: Engine, doc_id: str) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(records.c.kind, records.c.id).where(and_(records.c.doc_id == doc_id))
        )
        return [(r.kind, r.id) for r in rows]


def load_requests(engine: Engine) -> list[RequestRow]:
    with engine.connect() as conn:
        rows = conn.execute(select(requests).order_by(requests.c.id))
        return [
            RequestRow(r.id, r.type, r.record_id, r.doc_id, dict(r.body), r.created_at)
            for r in rows
        ]


def load_announced(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.scalars(select(announced.c.id)))
