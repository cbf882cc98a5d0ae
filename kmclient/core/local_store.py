"""The local profile database (SQLite through SQLAlchemy Core).

Tables:

- ``documents``: every document the user may see: metadata (the ``doc``
  frame), the published CRDT state and its Markdown (``pub_state``,
  ``pub_body``), for editors also the working copy's (``state``, ``body``),
  and the text of the revision before the latest one this profile saw
  arrive (``prev_rev``, ``prev_body``: "what changed" offline). States are
  all updates merged into one (``pycrdt.merge_updates``); the Markdown is
  kept for search and previews without building a Doc.
- ``outbox``: local edits not yet acknowledged by the server, oldest first.
- ``index_queue``: documents changed since the search index last took them;
  written in the same transaction as the change, so a crash before indexing
  is caught up on the next start.
- ``settings``: the sync cursor, the session token, the signed-in user.
- ``records``, ``requests``, ``announced``: flags, comments, notes, watches and
  notifications, and the requests about them not yet answered
  (:mod:`kmclient.core.records_db`).

Writes come from the engine's owner thread and its store writer
(:mod:`kmclient.core.store_writer`), one transaction at a time, each a
:class:`Batch`, so what is stored together is committed together (data
before the cursor that covers it). Reads may come from any
thread: :meth:`LocalStore.iter_search_docs` runs on the indexer thread.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    case,
    create_engine,
    delete,
    event,
    func,
    select,
)
from sqlalchemy.dialects.sqlite import insert

from kmclient.core import records_db
from kmclient.core.model import DocInfo
from kmclient.core.wal_checkpoint import Checkpointer

# 2: records, requests and announced (flags, comments, notes, notifications).
# 3: working copy and published revision per document (protocol 2).
# An older profile is upgraded in place by syncing its documents and records
# again (cursor 0): what it held was the working copy, which a reader no longer
# receives. Its outbox (edits not yet acknowledged) and settings are kept.
SCHEMA_VERSION = 3
UPGRADABLE = (1, 2)

_md = MetaData()

documents = Table(
    "documents",
    _md,
    Column("id", String(200), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("topics", JSON, nullable=False, default=list),
    Column("seq", Integer, nullable=False, default=0),
    Column("working", Boolean, nullable=False, default=False),
    Column("meta", JSON, nullable=False),  # the doc frame (DocInfo.to_wire)
    Column("state", LargeBinary, nullable=False, default=b""),  # the working copy
    Column("body", Text, nullable=False, default=""),
    Column("pub_state", LargeBinary, nullable=False, default=b""),  # the latest revision
    Column("pub_body", Text, nullable=False, default=""),
    Column("prev_rev", Integer, nullable=False, default=0),
    Column("prev_body", Text, nullable=False, default=""),
)

outbox = Table(
    "outbox",
    _md,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String(200), nullable=False, index=True),
    Column("data", LargeBinary, nullable=False),
    Column("created_at", Integer, nullable=False),  # unix seconds, for "pending since"
    sqlite_autoincrement=True,  # ids only grow: order is send order, even after deletes
)

index_queue = Table(
    "index_queue",
    _md,
    Column("doc_id", String(200), primary_key=True),
    # Which change: unique and growing; the indexer reports back the gens it took.
    Column("gen", Integer, nullable=False, index=True),
)

settings = Table(
    "settings",
    _md,
    Column("key", String(50), primary_key=True),
    Column("value", Text, nullable=False),  # JSON
)

_META_COLUMNS = ("title", "topics", "seq", "working", "meta")
# length() of a blob does not read the blob; comparing it with b"" read every state.
_HAS_STATE = func.length(documents.c.state) > 0
# What a user reads and searches: the working copy (editors), else the latest revision.
_VIEW_BODY = case((documents.c.working, documents.c.body), else_=documents.c.pub_body)


# The write path's statements, built once (the hot ones run on every keystroke).


def _upsert(table: Table, key: str, columns: Iterable[str], **kw: Any) -> Any:
    stmt = insert(table)
    return stmt.on_conflict_do_update(
        index_elements=[table.c[key]], set_={name: stmt.excluded[name] for name in columns}, **kw
    )


_UPSERT_INDEX_MARK = _upsert(index_queue, "doc_id", ("gen",))
_UPSERT_SETTING = _upsert(settings, "key", ("value",))
_INSERT_OUTBOX = outbox.insert()
_DELETE_OUTBOX_ROW = delete(outbox).where(outbox.c.id == bindparam("row_id"))
_COUNT_OUTBOX = select(func.count()).select_from(outbox)
_LOAD_STATE = select(documents.c.state).where(documents.c.id == bindparam("doc_id"))
_LOAD_PUB_STATE = select(documents.c.pub_state).where(documents.c.id == bindparam("doc_id"))


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    doc_id: str
    data: bytes


@dataclass
class Batch:
    """Changes to commit in one transaction, applied in this order:
    removals, metadata, contents, outbox, index queue, settings."""

    removed: set[str] = field(default_factory=set)
    metas: dict[str, DocInfo] = field(default_factory=dict)
    contents: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # id -> (state, body)
    published: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # the latest revision
    previous: dict[str, tuple[int, str]] = field(default_factory=dict)  # id -> (rev, text)
    outbox_add: list[tuple[str, bytes]] = field(default_factory=list)
    outbox_delete: list[int] = field(default_factory=list)
    outbox_delete_docs: set[str] = field(default_factory=set)
    index_marks: dict[str, int] = field(default_factory=dict)  # doc id -> gen
    settings: dict[str, Any] = field(default_factory=dict)
    records: records_db.RecordBatch = field(default_factory=records_db.RecordBatch)

    def __bool__(self) -> bool:
        return any(
            (
                self.removed,
                self.metas,
                self.contents,
                self.published,
                self.previous,
                self.outbox_add,
                self.outbox_delete,
                self.outbox_delete_docs,
                self.index_marks,
                self.settings,
                self.records,
            )
        )

    def remove(self, doc_id: str) -> None:
        self.removed.add(doc_id)
        self.metas.pop(doc_id, None)
        self.contents.pop(doc_id, None)
        self.published.pop(doc_id, None)
        self.previous.pop(doc_id, None)
        self.outbox_delete_docs.add(doc_id)
        self.records.drop_doc(doc_id)  # its records go too (requests stay: see feedback.py)


def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    # WAL: the indexer reads while the owner writes. NORMAL: a commit survives
    # a crash of the app, and a power cut loses at most the last commits, whole
    # (never the cursor without its data); commits with local edits are made
    # FULL (see commit), so an edit also survives a power cut.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


class LocalStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
        event.listen(self.engine, "connect", _on_connect)
        version = self._version()
        if version is not None and version != SCHEMA_VERSION and version not in UPGRADABLE:
            raise RuntimeError(
                f"{path} was written by another version of kmclient (schema {version}); "
                "use a new profile"
            )
        if version is not None and version in UPGRADABLE:
            self._resync_from_scratch()
        _md.create_all(self.engine)
        records_db.metadata.create_all(self.engine)
        self._writer = self.engine.connect()  # the owner's write connection
        self._writer.exec_driver_sql("PRAGMA wal_autocheckpoint=0")  # see wal_checkpoint.py
        self._writer.commit()
        self._checkpointer = Checkpointer(self.engine)
        with self.engine.connect() as conn:
            # Kept in memory from here on: only this store writes the profile
            # (the profile lock keeps other processes out).
            self._outbox_count: int = conn.scalar(_COUNT_OUTBOX) or 0
        if version != SCHEMA_VERSION:
            self.commit(Batch(settings={"schema_version": SCHEMA_VERSION}))

    def _version(self) -> int | None:
        with self.engine.begin() as conn:
            settings.create(conn, checkfirst=True)
            raw = conn.scalar(select(settings.c.value).where(settings.c.key == "schema_version"))
        return None if raw is None else json.loads(raw)

    def _resync_from_scratch(self) -> None:
        """An older profile: drop what it holds of documents and records and sync it all
        again from cursor 0 (records too). Unacknowledged edits stay in the outbox."""
        with self.engine.begin() as conn:
            for name in ("documents", "index_queue", "records"):
                conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
            conn.execute(delete(settings).where(settings.c.key.in_(["cursor", "records_synced"])))

    def close(self) -> None:
        self._checkpointer.stop()
        self._writer.close()
        self.engine.dispose()

    # -- reads -------------------------------------------------------------

    def load_docs(self) -> dict[str, DocInfo]:
        return self.load_docs_and_states()[0]

    def load_docs_and_states(self) -> tuple[dict[str, DocInfo], set[str]]:
        """Every document's metadata, and the ids with a working copy's state (in the
        same scan: a query of its own read every row again, 25-100 ms at 10k)."""
        # The raw JSON text and json.loads: SQLAlchemy's JSON result processor
        # doubled this (the window waits for it: ~0.1 s per 10k documents).
        with self.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT id, meta, length(state) > 0 FROM documents").all()
        loads = json.loads
        docs = {doc_id: DocInfo.from_wire(loads(meta)) for doc_id, meta, _ in rows}
        return docs, {doc_id for doc_id, _, has_state in rows if has_state}

    def load_state(self, doc_id: str) -> bytes | None:
        """The working copy's CRDT state (editors)."""
        with self.engine.connect() as conn:
            return conn.scalar(_LOAD_STATE, {"doc_id": doc_id})

    def load_published_state(self, doc_id: str) -> bytes | None:
        with self.engine.connect() as conn:
            return conn.scalar(_LOAD_PUB_STATE, {"doc_id": doc_id})

    def load_body(self, doc_id: str) -> str | None:
        """The working copy's Markdown."""
        with self.engine.connect() as conn:
            return conn.scalar(select(documents.c.body).where(documents.c.id == doc_id))

    def load_published_body(self, doc_id: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.scalar(select(documents.c.pub_body).where(documents.c.id == doc_id))

    def load_previous(self, doc_id: str) -> tuple[int, str] | None:
        """(revision, text) of the revision before the latest, if this profile saw one arrive."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(documents.c.prev_rev, documents.c.prev_body).where(documents.c.id == doc_id)
            ).first()
        return (row.prev_rev, row.prev_body) if row is not None and row.prev_rev else None

    def working_ids(self) -> set[str]:
        """Documents whose working copy this profile holds."""
        with self.engine.connect() as conn:
            query = select(documents.c.id).where(documents.c.working, _HAS_STATE)
            return set(conn.scalars(query))

    def doc_count(self) -> int:
        with self.engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(documents)) or 0

    def outbox_rows(self, doc_id: str | None = None) -> list[OutboxRow]:
        query = select(outbox.c.id, outbox.c.doc_id, outbox.c.data).order_by(outbox.c.id)
        if doc_id is not None:
            query = query.where(outbox.c.doc_id == doc_id)
        with self.engine.connect() as conn:
            return [OutboxRow(*row) for row in conn.execute(query)]

    def outbox_count(self) -> int:
        """Rows in the outbox (kept in memory: the store is the only writer)."""
        return self._outbox_count

    def index_pending(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return dict(conn.execute(select(index_queue.c.doc_id, index_queue.c.gen)).all())

    def search_docs(self, ids: Iterable[str]) -> list[tuple[str, str, str, tuple[str, ...]]]:
        """(id, title, body, topics) of those ids that exist."""
        ids = list(ids)
        out = []
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                query = select(
                    documents.c.id, documents.c.title, _VIEW_BODY.label("body"), documents.c.topics
                ).where(documents.c.id.in_(chunk))
                out += [(r.id, r.title, r.body, tuple(r.topics)) for r in conn.execute(query)]
        return out

    def iter_search_docs(self) -> Iterator[tuple[str, str, str, tuple[str, ...]]]:
        """Every document as (id, title, body, topics), from one read snapshot."""
        query = select(
            documents.c.id, documents.c.title, _VIEW_BODY.label("body"), documents.c.topics
        )
        with self.engine.connect() as conn, conn.begin():
            for row in conn.execution_options(yield_per=500).execute(query):
                yield row.id, row.title, row.body, tuple(row.topics)

    def get_setting(self, key: str, default: Any = None) -> Any:
        with self.engine.connect() as conn:
            raw = conn.scalar(select(settings.c.value).where(settings.c.key == key))
        return default if raw is None else json.loads(raw)

    # -- the one write path ----------------------------------------------------

    def commit(self, batch: Batch) -> list[int]:
        """Write a batch in one transaction; returns the ids of new outbox rows.

        Runs on the one write connection kept open for the store's life (no
        pool checkout and reset per transaction): on the owner thread, or the
        store writer's, never both at once (store_writer.Turns).
        """
        conn = self._writer
        durable = bool(batch.outbox_add or batch.records.requests_add)
        if durable:
            # An fsync per downloaded batch would dominate a large sync (measured
            # 35-75 ms each on a busy disk); an edit or request of the user's is worth one.
            conn.exec_driver_sql("PRAGMA synchronous=FULL")
            conn.commit()
        try:
            with conn.begin():
                added, outbox_delta = self._write(conn, batch)
        finally:
            if durable:
                conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
                conn.commit()
        if outbox_delta:  # only after the transaction went through
            # Not for the store writer's batches (documents only, delta 0): its
            # read-modify-write could undo an owner commit's change made meanwhile.
            self._outbox_count += outbox_delta
        return added

    @staticmethod
    def _write(conn: Connection, batch: Batch) -> tuple[list[int], int]:
        """The batch's statements; returns (new outbox ids, change of the outbox row count)."""
        added: list[int] = []
        delta = 0
        if batch.removed:
            ids = list(batch.removed)
            conn.execute(delete(documents).where(documents.c.id.in_(ids)))
        if batch.outbox_delete_docs:
            ids = list(batch.outbox_delete_docs)
            delta -= conn.execute(delete(outbox).where(outbox.c.doc_id.in_(ids))).rowcount
        for stmt, rows in _document_rows(batch):
            conn.execute(stmt, rows)
        if batch.outbox_delete:
            if len(batch.outbox_delete) == 1:
                result = conn.execute(_DELETE_OUTBOX_ROW, {"row_id": batch.outbox_delete[0]})
            else:
                result = conn.execute(delete(outbox).where(outbox.c.id.in_(batch.outbox_delete)))
            delta -= result.rowcount
        now = int(time.time())
        for doc_id, data in batch.outbox_add:
            row = {"doc_id": doc_id, "data": data, "created_at": now}
            result = conn.execute(_INSERT_OUTBOX, row)
            added.append(result.inserted_primary_key[0])
            delta += 1
        if batch.records or batch.removed:
            records_db.write(conn, batch.records, batch.removed)
        if batch.index_marks:
            conn.execute(
                _UPSERT_INDEX_MARK, [{"doc_id": k, "gen": g} for k, g in batch.index_marks.items()]
            )
        if batch.settings:
            conn.execute(
                _UPSERT_SETTING,
                [{"key": k, "value": json.dumps(v)} for k, v in batch.settings.items()],
            )
        return added, delta

    def clear_index_marks(self, done: dict[str, int]) -> None:
        """Forget queue entries the index has taken, unless changed again since.

        A document's row always holds its newest gen, which is >= any gen the
        indexer took; deleting by exact gen keeps rows that changed meanwhile.
        """
        gens = list(done.values())
        with self.engine.begin() as conn:
            for start in range(0, len(gens), 500):
                conn.execute(
                    delete(index_queue).where(index_queue.c.gen.in_(gens[start : start + 500]))
                )


def _meta_row(info: DocInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "title": info.title,
        "topics": list(info.topics),
        "seq": info.seq,
        "working": info.working,
        "meta": info.to_wire(),
        "state": b"",
        "body": "",
        "pub_state": b"",
        "pub_body": "",
        "prev_rev": 0,
        "prev_body": "",
    }


@functools.cache
def _upsert_document(columns: tuple[str, ...]) -> Any:
    return _upsert(documents, "id", columns)


def _document_rows(batch: Batch) -> list[tuple[Any, list[dict[str, Any]]]]:
    """One row per document with everything the batch holds of it (metadata,
    working copy, latest revision, previous text), grouped by which of those:
    a document's row is written once, not once per part (a first sync sends
    all three; each rewrite copied the blobs already in the row)."""
    rows: dict[str, dict[str, Any]] = {}
    columns: dict[str, tuple[str, ...]] = {}

    def put(doc_id: str, names: tuple[str, ...], values: dict[str, Any]) -> None:
        row = rows.get(doc_id)
        if row is None:
            row = rows[doc_id] = _placeholder_row(doc_id)
        row.update(values)
        columns[doc_id] = columns.get(doc_id, ()) + names

    for doc_id, info in batch.metas.items():
        meta = _meta_row(info)
        put(doc_id, _META_COLUMNS, {name: meta[name] for name in _META_COLUMNS})
    for doc_id, (state, body) in batch.contents.items():
        put(doc_id, ("state", "body"), {"state": state, "body": body})
    for doc_id, (state, body) in batch.published.items():
        put(doc_id, ("pub_state", "pub_body"), {"pub_state": state, "pub_body": body})
    for doc_id, (rev, text) in batch.previous.items():
        put(doc_id, ("prev_rev", "prev_body"), {"prev_rev": rev, "prev_body": text})
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for doc_id, row in rows.items():
        groups.setdefault(columns[doc_id], []).append(row)
    return [(_upsert_document(names), group) for names, group in groups.items()]


def _placeholder_row(doc_id: str, **content: Any) -> dict[str, Any]:
    # Content normally follows its metadata; if it ever comes first, the row
    # starts with the id as title and gets real metadata from the next doc frame.
    return {**_meta_row(DocInfo(id=doc_id, title=doc_id)), **content}
