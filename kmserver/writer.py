"""The single writer: group commit, the server's pycrdt Docs, and the log tail.

Everything that changes the database goes through one thread. Jobs queued
while a batch commits are committed together in the next transaction, so a
busy server pays one fsync for many updates. Write transactions of every
process hold the database's write lock (SQLite's, or an advisory lock on
PostgreSQL: store/database.py), so at the start of each one the writer first
reads what other processes (other servers, ``kmserver import``) committed
since the last entry it published, and drops its cached Docs of those
documents; after the commit it hands both, in sequence order, to the event
loop, which acknowledges and broadcasts them. When idle it reads the log on a
nudge (another process's commit, LISTEN/NOTIFY on PostgreSQL) or every
``POLL_SECONDS``. Nothing is acknowledged or broadcast before it is committed,
and no committed entry is skipped (docs/server.md, "Several processes").

The pycrdt Docs live only on this thread (a Doc belongs to one thread); they
validate incoming bytes and give the plain text kept beside the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pycrdt import Doc, get_state, get_update
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from kmserver.compaction import Compacted, Compactor
from kmserver.metrics import Metrics
from kmserver.protocol.docmeta import DocMeta
from kmserver.protocol.messages import ErrorCode
from kmserver.protocol.ytext import body, new_doc, text_to_update
from kmserver.store import documents as docs
from kmserver.store.database import Database
from kmserver.store.models import LOG_META, LOG_UPDATE, Document
from kmserver.store.revisions import add_audit
from kmserver.unsaved_rows import Unsaved, UnsavedRows

log = logging.getLogger(__name__)

DOC_CACHE_SIZE = 512
POLL_SECONDS = 1.0  # how soon writes by other processes are noticed when idle
EMPTY_STATE_VECTOR = b"\x00"
# Database details stay in the server log; clients learn only that it failed.
SAVE_FAILED = "the server could not save this change; send it again later"


class JobError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(eq=False)
class Job:
    """One unit of work; ``origin`` is whoever asked (a session), for replies."""

    origin: Any = None
    seq: int | None = field(default=None, init=False)
    error: JobError | None = field(default=None, init=False)
    result: Any = field(default=None, init=False)

    def apply(self, ctx: WriteContext) -> int | None:  # returns the seq it wrote, if any
        raise NotImplementedError


@dataclass(eq=False)
class UpdateJob(Job):
    doc_id: str = ""
    update: bytes = b""
    author: str | None = None
    may_edit: bool = True
    refusal: JobError | None = None  # decided on the event loop, replied to in order

    def apply(self, ctx: WriteContext) -> int | None:
        if self.refusal:
            raise self.refusal
        ydoc = ctx.load(self.doc_id)
        if not self.may_edit:
            if _would_change(ydoc, self.update):
                raise JobError(ErrorCode.FORBIDDEN, "you may read this document but not edit it")
            return None
        changed = _apply(ydoc, self.update)
        if not changed and not _has_missing_deps(ydoc, self.update):
            return None  # a resend or an echo: nothing to store
        seq = docs.append_log(
            ctx.conn,  # type: ignore[arg-type]
            self.doc_id,
            LOG_UPDATE,
            self.update,
            self.author,
            ctx.writer_id,
        )
        ctx.wrote(self.doc_id, seq, LOG_UPDATE, self.update, self.author)
        return seq


@dataclass(eq=False)
class MetaJob(Job):
    doc_id: str = ""
    changes: dict[str, Any] = field(default_factory=dict)
    author: str | None = None

    def apply(self, ctx: WriteContext) -> int | None:
        row = docs.get_document(ctx.s, self.doc_id)
        if row is None or row.deleted:
            raise JobError(ErrorCode.NOT_FOUND, f"no document '{self.doc_id}'")
        ctx.rows[self.doc_id] = row
        before = {name: getattr(row, name) for name in self.changes}
        seq = docs.set_meta(ctx.s, row, self.changes, self.author, ctx.writer_id)
        governed = {
            name: {"from": _plain(before[name]), "to": _plain(value)}
            for name, value in self.changes.items()
            if name not in docs.WORKING_FIELDS and _plain(before[name]) != _plain(value)
        }
        if governed:  # who decides who sees and edits it: on the audit trail
            add_audit(ctx.s, docs.now(), self.author, "meta", self.doc_id, governed)
        ctx.wrote(self.doc_id, seq, LOG_META, b"", self.author, docs.meta_of(ctx.s, row))
        return seq


@dataclass(eq=False)
class CreateJob(Job):
    meta: DocMeta | None = None
    markdown: str = ""
    author: str | None = None
    creator: str | None = None  # who asked (a supervisor may create for an owner)

    def apply(self, ctx: WriteContext) -> int | None:
        assert self.meta is not None
        if docs.get_document(ctx.s, self.meta.id) is not None:
            raise JobError(ErrorCode.CONFLICT, f"a document '{self.meta.id}' exists already")
        update = text_to_update(self.markdown)
        seq = docs.create_document(
            ctx.s, self.meta, update, self.markdown, self.author, ctx.writer_id
        )
        row = docs.get_document(ctx.s, self.meta.id)
        assert row is not None
        ctx.rows[self.meta.id] = row
        add_audit(ctx.s, docs.now(), self.creator, "create", self.meta.id, {"title": row.title})
        ctx.wrote(self.meta.id, seq, LOG_UPDATE, update, self.author, docs.meta_of(ctx.s, row))
        return seq


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple | list) else value


def _apply(ydoc: Doc, update: bytes) -> bool:
    """Apply; True if the document changed. Raises JobError for undecodable bytes."""
    changed: list[bool] = []
    sub = ydoc.observe(lambda _event: changed.append(True))
    try:
        ydoc.apply_update(update)
    except Exception as exc:  # pycrdt raises ValueError; be strict about anything
        raise JobError(ErrorCode.INVALID_UPDATE, f"update does not decode: {exc}") from exc
    finally:
        ydoc.unobserve(sub)
    return bool(changed)


def _has_missing_deps(ydoc: Doc, update: bytes) -> bool:
    # Structs beyond our state vector that did not integrate wait for an update
    # we have not seen yet; they must be stored, or the later one is useless.
    try:
        return get_state(get_update(update, ydoc.get_state())) != EMPTY_STATE_VECTOR
    except Exception:
        return False


def _would_change(ydoc: Doc, update: bytes) -> bool:
    return would_change(ydoc.get_update(), update)


def would_change(state: bytes, update: bytes) -> bool:
    """Would ``update`` change the document whose state is ``state``? JobError if
    it does not decode."""
    scratch = Doc()
    scratch.apply_update(state)
    return _apply(scratch, update) or _has_missing_deps(scratch, update)


@dataclass
class DocCounters:
    """What the writer must know of a document row to accept updates, kept in memory
    so the hot path reads nothing: the writer is the row's only writer (another
    process's entries evict it, see ``Writer._catch_up``)."""

    deleted: bool
    update_rows: int
    pending: list[str] = field(default_factory=list)  # authors since the latest revision


class WriteContext:
    """What jobs see during one batch: the open transaction, the caches, what was written."""

    def __init__(
        self,
        s: Session | Connection | None,
        cache: OrderedDict[str, Doc],
        writer_id: str,
        counters: dict[str, DocCounters] | None = None,
        unsaved: UnsavedRows | None = None,
    ) -> None:
        # The writer hands a Core connection in its transaction: a batch of plain
        # updates needs no ORM Session (its transaction bookkeeping cost more than the
        # statements); jobs that use the ORM get one on first use (``s``).
        if isinstance(s, Connection):
            self.conn: Connection | None = s
            self._s: Session | None = None
        else:
            self._s = s
            self.conn = s.connection() if s is not None else None
        self.cache = cache
        self.counters = counters if counters is not None else {}
        self.writer_id = writer_id
        # The server's writer lets rows lag their log (store/row_bookkeeping.py): what this
        # batch left unsaved, and which lagging rows it wrote. None (a command): at once.
        self.unsaved = unsaved
        self.added: dict[str, Unsaved] = {}
        self.saved: set[str] = set()
        self.rows: dict[str, Document] = {}  # ORM rows that metadata jobs changed
        self.touched: set[str] = set()
        # Committed by other processes before this transaction (read under the write lock).
        self.before: list[docs.TailEntry] = []
        self.before_metas: dict[str, DocMeta] = {}
        self.entries: list[docs.TailEntry] = []
        self.metas: dict[str, DocMeta] = {}
        self.updated: dict[str, list[docs.TailEntry]] = {}
        # doc id -> seq of a publication in this batch: updates up to it are published
        self.published_upto: dict[str, int] = {}
        self.loads: list[str] = []  # every load(), so a failed job's Docs can be rebuilt

    @property
    def s(self) -> Session:
        """An ORM Session in the batch's transaction, made on first use. It never
        commits or rolls back that transaction (``close_session`` flushes it)."""
        if self._s is None:
            assert self.conn is not None
            self._s = Session(
                bind=self.conn, expire_on_commit=False, join_transaction_mode="rollback_only"
            )
        return self._s

    def close_session(self, flush: bool) -> None:
        """Before the commit (``flush``): write what jobs changed through the ORM."""
        if self.conn is None or self._s is None:
            return  # no Session made here, or one the caller owns
        s, self._s = self._s, None
        try:
            if flush:
                s.flush()
        finally:
            s.close()

    def checkpoint(self) -> tuple:
        """What a job that may fail can be undone to (with its savepoint)."""
        return (
            len(self.loads),
            len(self.entries),
            set(self.touched),
            dict(self.rows),
            dict(self.metas),
            {k: list(v) for k, v in self.updated.items()},
            dict(self.published_upto),
        )

    def rollback_to(self, mark: tuple) -> None:
        """Forget what a failed job did here; its Docs may hold uncommitted changes."""
        loads, count, touched, self.rows, self.metas, self.updated, self.published_upto = mark
        del self.entries[count:]
        for doc_id in set(self.loads[loads:]):
            if doc_id in self.updated:  # earlier jobs changed it: rebuild from this transaction
                self.cache[doc_id] = new_doc(docs.full_state(self.conn, doc_id))  # type: ignore[arg-type]
            else:
                self.cache.pop(doc_id, None)
                self.counters.pop(doc_id, None)
        del self.loads[loads:]
        self.touched = touched | (self.touched & set(self.updated))

    def load(self, doc_id: str) -> Doc:
        """The document's Doc, for a job about to change it; JobError if it is gone."""
        counters = self.counters.get(doc_id)
        if counters is None:
            found = docs.doc_counters(self.conn, doc_id)  # type: ignore[arg-type]
            if found is not None:
                deleted, rows, pending = found
                lagging = self.unsaved.count(doc_id) if self.unsaved is not None else 0
                counters = self.counters[doc_id] = DocCounters(deleted, rows + lagging, pending)
        if counters is None or counters.deleted:
            raise JobError(ErrorCode.NOT_FOUND, f"no document '{doc_id}'")
        self.touched.add(doc_id)
        self.loads.append(doc_id)
        ydoc = self.cache.get(doc_id)
        if ydoc is None:
            ydoc = new_doc(docs.full_state(self.conn, doc_id))  # type: ignore[arg-type]
            self.cache[doc_id] = ydoc
            while len(self.cache) > DOC_CACHE_SIZE:
                self.cache.popitem(last=False)
        else:
            self.cache.move_to_end(doc_id)
        return ydoc

    def wrote(
        self,
        doc_id: str,
        seq: int,
        kind: int,
        data: bytes,
        author: str | None,
        meta: DocMeta | None = None,
    ) -> None:
        entry = docs.TailEntry(seq, doc_id, kind, data, author, self.writer_id)
        self.entries.append(entry)
        if meta is not None:
            self.metas[doc_id] = meta
        elif kind == LOG_UPDATE:
            self.updated.setdefault(doc_id, []).append(entry)

    def finish(self) -> None:
        """Bring each touched document row up to date: once per batch, not per update; in
        the server, a row no other job of the batch changed waits (``flush``)."""
        stamp = docs.now()
        for doc_id, entries in self.updated.items():
            ydoc = self.cache.get(doc_id)
            row = self.rows.get(doc_id)
            deferred = row is None and self.unsaved is not None and ydoc is not None
            text = str(body(ydoc)) if ydoc is not None and not deferred else None
            upto = self.published_upto.get(doc_id, 0)
            authors = [e.author for e in entries if e.seq > upto and e.author]
            if row is not None:  # loaded by a metadata job: change it through the ORM
                row.changed_seq = max(row.changed_seq, entries[-1].seq)
                row.update_rows += len(entries)
                row.updated_at = docs.now()
                row.updated_by = entries[-1].author
                if text is not None:
                    row.body_text = text
                pending = _with_authors(list(row.pending_authors or ()), authors)
                if pending is not None:
                    row.pending_authors = pending
            elif deferred:
                last = entries[-1]
                self.added[doc_id] = Unsaved(
                    last.seq, len(entries), last.author, stamp, time.monotonic()
                )
            elif text is not None:
                docs.record_updates(
                    self.conn,  # type: ignore[arg-type]
                    doc_id,
                    entries[-1].seq,
                    len(entries),
                    entries[-1].author,
                    text,
                    stamp,
                )
            counters = self.counters.get(doc_id)
            if counters is not None:
                counters.update_rows += len(entries)
                if row is None and (pending := _with_authors(counters.pending, authors)):
                    docs.set_pending_authors(self.conn, doc_id, pending)  # type: ignore[arg-type]
                    counters.pending = pending
        for doc_id, row in self.rows.items():
            self.counters[doc_id] = DocCounters(
                row.deleted, row.update_rows, list(row.pending_authors or ())
            )

    def flush(self, doc_ids: list[str]) -> None:
        """Write the lagging rows of ``doc_ids`` (committed entries only: before any job
        of the batch) in this transaction; they count as saved once it commits."""
        assert self.unsaved is not None
        for doc_id in doc_ids:
            lag = self.unsaved.get(doc_id)
            if lag is None or doc_id in self.saved:
                continue
            ydoc = self.cache.get(doc_id)
            if ydoc is None:  # evicted, or dropped for another process's entries
                ydoc = new_doc(docs.full_state(self.conn, doc_id))  # type: ignore[arg-type]
            docs.record_updates(
                self.conn,  # type: ignore[arg-type]
                doc_id,
                lag.seq,
                lag.count,
                lag.author,
                str(body(ydoc)),
                lag.stamp,
            )
            self.saved.add(doc_id)

    def published(self) -> TailBatch:
        """What this transaction makes known, in sequence order: others' entries first."""
        return TailBatch(self.before + self.entries, {**self.before_metas, **self.metas})

    def needs_compaction(self) -> set[str]:
        return {
            doc_id
            for doc_id in self.touched | set(self.rows)
            if (c := self.counters.get(doc_id)) and c.update_rows > docs.COMPACT_AFTER
        }


def _with_authors(pending: list[str], authors: list[str]) -> list[str] | None:
    """``pending`` with ``authors`` added in order, or None when nobody is new."""
    new = [a for a in dict.fromkeys(authors) if a not in pending]
    return pending + new if new else None


@dataclass
class TailBatch:
    entries: list[docs.TailEntry]
    metas: dict[str, DocMeta]


class WriterThread:
    """The writer's own thread. A batch is handed over with one queue put and its
    result comes back with one ``call_soon_threadsafe``: no executor work item, no
    concurrent Future chained to an asyncio one, per batch (a batch can be a single
    keystroke). Calls run one at a time, in the order they were made."""

    def __init__(self, name: str) -> None:
        self._inbox: queue.SimpleQueue[tuple | None] = queue.SimpleQueue()
        # A daemon: a process that never stops its server still exits (a commit cut
        # short there was never acknowledged); Writer.stop() is the orderly way.
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._closed = False

    def run(self, fn: Callable[..., Any], *args: Any) -> asyncio.Future:
        """``fn(*args)`` on the thread; its result or exception in the future."""
        if self._closed:
            raise RuntimeError("the writer thread has stopped")
        loop = asyncio.get_running_loop()
        if not self._thread.is_alive() and self._thread.ident is None:
            self._thread.start()  # on first use: a Writer never started has no thread
        fut = loop.create_future()
        self._inbox.put((loop, fut, fn, args))
        return fut

    def _serve(self) -> None:
        while (item := self._inbox.get()) is not None:
            loop, fut, fn, args = item
            try:
                outcome = (fn(*args), None)
            except BaseException as exc:  # like an executor: the caller gets it
                outcome = (None, exc)
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
                loop.call_soon_threadsafe(_settle, fut, *outcome)
            del item, fut, outcome  # nothing of a finished call kept while idle

    async def close(self) -> None:
        """After the calls already made have run: the thread ends."""
        self._closed = True
        if self._thread.ident is not None:
            self._inbox.put(None)
            await asyncio.get_running_loop().run_in_executor(None, self._thread.join)


def _settle(fut: asyncio.Future, result: Any, exc: BaseException | None) -> None:
    if fut.cancelled():
        return
    if exc is not None:
        fut.set_exception(exc)
    else:
        fut.set_result(result)


class Writer:
    def __init__(self, db: Database, on_tail: Callable[[list[Job], TailBatch], None]) -> None:
        self.db = db
        self.writer_id = uuid.uuid4().hex
        self.on_tail = on_tail
        self.thread = WriterThread("kmserver-writer")
        self.cache: OrderedDict[str, Doc] = OrderedDict()
        self.counters: dict[str, DocCounters] = {}
        self.unsaved = UnsavedRows()  # rows behind their log (store/row_bookkeeping.py)
        self.compaction = Compactor(db, self.counters)
        self._conn: Connection | None = None  # the writer thread's own
        with db.read() as s:
            self.covered = docs.max_seq(s)
        self._pending: list[tuple[Job, asyncio.Future | None]] = []  # None: posted
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task | None = None
        self.metrics: Metrics | None = None  # set by the server: /metrics

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="writer")

    async def stop(self) -> None:
        """Commit everything queued, then stop."""
        self._stopping = True
        self._wake.set()
        if self._task:
            await self._task
        await asyncio.get_running_loop().run_in_executor(None, self.compaction.shutdown)
        await self.thread.run(self._apply_merged_alone)  # what is merged is applied now
        await self.thread.run(self._flush_alone)  # every row up to its log
        await self.thread.run(self._close_connection)
        await self.thread.close()

    def _close_connection(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def submit(self, job: Job) -> asyncio.Future:
        fut = asyncio.get_running_loop().create_future()
        if self._stopping and self._task and self._task.done():
            fut.set_exception(JobError(ErrorCode.INTERNAL, "server is shutting down"))
            return fut
        self._pending.append((job, fut))
        self._wake.set()
        return fut

    def post(self, job: Job) -> None:
        """``submit`` for a job nobody awaits (an edit: its author hears through
        ``Hub.on_tail``, in order, like everyone else): no future per job. After the
        writer stopped it is dropped, as an unawaited future's refusal was."""
        if self._stopping and self._task and self._task.done():
            log.debug("server is shutting down: %s dropped", type(job).__name__)
            return
        self._pending.append((job, None))
        self._wake.set()

    def _start_commit(
        self, loop: asyncio.AbstractEventLoop
    ) -> tuple[list[tuple[Job, asyncio.Future | None]], asyncio.Future[tuple[TailBatch, float]]]:
        """Hand everything queued to the writer thread as one batch."""
        self._wake.clear()
        batch, self._pending = self._pending, []
        jobs = [job for job, _ in batch]
        return batch, self.thread.run(self._timed_commit, jobs)

    def _timed_commit(self, jobs: list[Job]) -> tuple[TailBatch, float]:
        """The commit and how long it took on the writer thread (for /metrics)."""
        started = time.perf_counter()
        tail = self._commit(jobs)
        return tail, time.perf_counter() - started

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        inflight = None
        while True:
            if inflight is None:
                if not self._pending and not self._stopping:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
                inflight = self._start_commit(loop)
            batch, committing = inflight
            jobs = [job for job, _ in batch]
            try:
                tail, took = await committing
                if self.metrics is not None and jobs:
                    self.metrics.batch_jobs.observe(len(jobs))
                    self.metrics.commit_seconds.observe(took)
                    self.metrics.committed_entries(
                        e.kind for e in tail.entries if e.writer == self.writer_id
                    )
            except Exception:  # the database failed: nobody gets an ack...
                log.exception("commit failed")
                if self.metrics is not None:
                    self.metrics.commit_failures.inc()
                for job in jobs:  # ...but everyone gets an answer, in order
                    job.seq = None
                    job.error = JobError(ErrorCode.INTERNAL, SAVE_FAILED)
                tail = TailBatch([], {})
            # Pipelined: what queued meanwhile starts committing (its fsync) while this
            # batch, committed, is acknowledged and delivered here. Only committed entries
            # are ever delivered, and batches are delivered in the order they committed.
            inflight = self._start_commit(loop) if self._pending else None
            try:
                self.on_tail(jobs, tail)
            except Exception:
                log.exception("publishing committed entries failed")
            for job, fut in batch:
                if fut is not None and not fut.done():
                    fut.set_result(job)
            if self._stopping and not self._pending and inflight is None:
                return

    # -- writer thread -------------------------------------------------

    def _commit(self, jobs: list[Job]) -> TailBatch:
        ctx = None
        if jobs:
            try:
                ctx = self._run_jobs(jobs, self.covered)
            except Exception:
                log.exception("group commit failed; committing its jobs one by one")
                ctx = self._run_one_by_one(jobs)
        tail = ctx.published() if ctx is not None else self._read_tail()
        if tail.entries:
            self.covered = tail.entries[-1].seq
        # Only after the tail has read them: compaction folds entries into one.
        if ctx is not None:
            self.compaction.due |= ctx.needs_compaction()
        else:  # idle: nobody waits behind these transactions
            self._apply_merged_alone()
            self._flush_alone()
        self.compaction.start_merges()
        return tail

    def _connection(self) -> Connection:
        """The writer thread's own connection: no pool checkout and reset per batch
        (measurable at one batch per keystroke)."""
        if self._conn is None or self._conn.closed or self._conn.invalidated:
            self._conn = self.db.write_engine.connect()
        return self._conn

    def _session(self) -> Session:
        return Session(bind=self._connection(), expire_on_commit=False)

    def _run_one_by_one(self, jobs: list[Job]) -> WriteContext:
        """Isolate what the database refuses (a full disk, a broken row): every job
        that can be committed is, and the others get an error reply in their turn."""
        combined = WriteContext(None, self.cache, self.writer_id, self.counters)  # type: ignore[arg-type]
        seen = self.covered
        for job in jobs:
            job.seq, job.error = None, None
            try:
                ctx = self._run_jobs([job], seen)
            except Exception as exc:
                log.error("could not save a %s: %s", type(job).__name__, exc)
                job.error = JobError(ErrorCode.INTERNAL, SAVE_FAILED)
                continue
            done = ctx.published()
            combined.entries += done.entries  # in sequence order, others' first
            combined.metas.update(done.metas)
            combined.touched |= ctx.touched | set(ctx.rows)
            if done.entries:
                seen = done.entries[-1].seq
        return combined

    def _run_jobs(self, jobs: list[Job], after: int) -> WriteContext:
        ctx: WriteContext | None = None
        compacted = Compacted()
        try:
            conn = self._connection()
            with conn.begin():
                ctx = WriteContext(conn, self.cache, self.writer_id, self.counters, self.unsaved)
                try:
                    self._catch_up(ctx, after)
                    # Lagging rows are written before any job: all of them when a job
                    # may read or change rows through the ORM (rare), else those due.
                    if all(type(job) is UpdateJob for job in jobs):
                        ctx.flush(self.unsaved.due(time.monotonic()))
                    else:
                        ctx.flush(self.unsaved.all())
                    for job in jobs:
                        # A job raises JobError before it writes anything, so a
                        # refused job needs no savepoint to leave the batch intact.
                        try:
                            job.seq = job.apply(ctx)
                        except JobError as exc:
                            job.error = exc
                    ctx.finish()
                    self.compaction.work_in(lambda: ctx.s, compacted, everything=False)
                    ctx.close_session(flush=True)
                finally:
                    ctx.close_session(flush=False)
        except Exception:
            self.compaction.forget(compacted)
            # The Docs and counters may hold what was not committed.
            for doc_id in (ctx.touched | set(ctx.rows)) if ctx else ():
                self.cache.pop(doc_id, None)
                self.counters.pop(doc_id, None)
            raise
        self.compaction.committed(compacted)
        self.unsaved.committed(ctx.saved, ctx.added)
        return ctx

    def _catch_up(self, ctx: WriteContext, after: int) -> None:
        """Under the write lock: what others committed past ``after``. Their documents'
        cached Docs are stale, so they are dropped before any job reads them."""
        if docs.max_seq(ctx.conn) <= after:  # type: ignore[arg-type]
            return  # the usual case: nobody else wrote (one indexed lookup)
        entries = _read_log(ctx.s, after)
        # Our lagging rows of those documents are written first, from the Docs about
        # to be dropped (a row written from a newer state keeps its text: record_updates).
        ctx.flush([e.doc_id for e in entries if e.writer != self.writer_id])
        self._forget_foreign(entries)
        ctx.before = entries
        ctx.before_metas = docs.metas_by_id(ctx.s, {e.doc_id for e in entries})

    def _forget_foreign(self, entries: list[docs.TailEntry]) -> None:
        for entry in entries:
            if entry.writer != self.writer_id:
                self.cache.pop(entry.doc_id, None)  # changed by someone else
                self.counters.pop(entry.doc_id, None)

    def poke(self) -> None:
        """Another process committed (LISTEN/NOTIFY): read the log now, not at the poll."""
        self._wake.set()

    def _apply_merged_alone(self) -> None:
        """Idle: apply and sweep what the compactor has merged, in a transaction of its
        own (nobody waits behind it). A sweep under way is finished first, then what
        waited for it gets one of its own."""
        for _ in range(2):
            if not self.compaction.has_work():
                return  # no empty transaction: with synchronous=FULL it would cost an fsync
            done = Compacted()
            try:
                with self._session() as s, s.begin():
                    self.compaction.work_in(lambda: s, done, everything=True)
            except Exception:
                log.exception("compaction failed (the log is intact; it will be retried)")
                self.compaction.forget(done)
                return
            self.compaction.committed(done)

    def _flush_alone(self) -> None:
        """Idle or stopping: every lagging row written, in a transaction of its own."""
        if not self.unsaved:
            return  # no empty transaction (an fsync)
        try:
            conn = self._connection()
            with conn.begin():
                ctx = WriteContext(conn, self.cache, self.writer_id, self.counters, self.unsaved)
                ctx.flush(self.unsaved.all())
        except Exception:
            log.exception("writing document rows failed (the log is intact; retried when idle)")
            return
        self.unsaved.committed(ctx.saved, {})

    def _read_tail(self) -> TailBatch:
        """Idle: entries other processes committed past ``covered``. Commits happen in
        sequence order (the write lock), so what is visible is a gapless prefix."""
        with self.db.read() as s:
            entries = _read_log(s, self.covered)
            metas = docs.metas_by_id(s, {e.doc_id for e in entries})
        self._forget_foreign(entries)
        return TailBatch(entries, metas)


def _read_log(s: Session, after: int) -> list[docs.TailEntry]:
    entries = docs.tail(s, after)
    while entries and len(entries) % 5000 == 0:
        more = docs.tail(s, entries[-1].seq)
        if not more:
            break
        entries.extend(more)
    return entries
