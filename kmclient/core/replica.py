"""The local copy: documents in the profile, open Docs, the search index.

Each document has its published CRDT (the latest revision: what readers see)
and, for its editors, the working copy (docs/revisions.md). ``text`` and the
search index follow what the user reads: the working copy where they hold it,
else the latest revision.

Owner-thread only (see docs/client-core.md). Changes are buffered in a
:class:`~kmclient.core.local_store.Batch` and written by :meth:`Replica.commit`
in one transaction; listeners hear about them only after that, so whatever
they read back is stored. A large sync's batches of documents are written by
the :class:`~kmclient.core.store_writer.StoreWriter` thread instead
(``commit(wait=False)``); until one comes back its states are read from
memory, and its events and index entries follow it.

The sync engine (:mod:`kmclient.core.sync_engine`) decides *what* to change;
this module knows *how* the copy is kept: merged CRDT state, plain text,
metadata, the index queue.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kmclient.core import profile
from kmclient.core.crdt import merge_updates
from kmclient.core.index_handle import IndexHandle
from kmclient.core.indexer import IndexEntry, IndexWorker, Post
from kmclient.core.local_store import Batch, LocalStore
from kmclient.core.model import DocChanged, DocInfo, EngineEvent, IndexProgress
from kmclient.core.open_docs import OpenDocs
from kmclient.core.records_db import RecordRow, RequestRow
from kmclient.core.search_result import SearchResult
from kmclient.core.store_writer import (
    StoreWriter,
    WriteJob,
    can_split,
    split,
    text_of,
)
from kmclient.core.sync_ids import SyncIds

if TYPE_CHECKING:  # imported when first needed, not at the app's start (crdt.py)
    from pycrdt import Doc

    # Whoosh: imported by the indexer thread when it opens the index
    from kmclient.core.search import SearchIndex

log = logging.getLogger(__name__)

Listener = Callable[[EngineEvent], object]
BatchListener = Callable[[list[EngineEvent]], object]

CATCH_UP_LIMIT = 1000  # more left unindexed than this: rebuild rather than load them here


class Replica:
    def __init__(
        self,
        profile_dir: Path,
        post: Post,
        on_local: Callable[[str, bytes], None],
        index_batch: int | None = None,
    ) -> None:
        self.dir = Path(profile_dir)
        profile.prepare_dir(self.dir)
        self._lock = profile.ProfileLock(self.dir)
        self._lock.acquire()
        self._post = post
        self._closed = False
        try:
            self.store = LocalStore(self.dir / profile.DB_FILE)
        except BaseException:
            self._lock.release()
            raise
        try:
            self.docs: dict[str, DocInfo]
            self.docs, with_state = self.store.load_docs_and_states()
        except BaseException:
            self.store.close()
            self._lock.release()
            raise
        self._sync_ids = SyncIds(with_state)
        self.open_docs = OpenDocs(on_local)  # working copies
        self.published_docs = OpenDocs(_read_only)  # latest revisions, never edited here
        self._listeners: list[Listener] = []
        self._batch_listeners: list[BatchListener] = []
        self._removal_hooks: list[Callable[[str], None]] = []
        self._events: list[EngineEvent] = []
        self._batch = Batch()
        self._states: dict[str, bytes] = {}  # new working-copy state, not yet committed
        self._pub_states: dict[str, bytes] = {}  # new published state, not yet committed
        # Committed state of each open document (b"": none yet), so an edit or a
        # remote update of an open document never reads its state back.
        self._held: dict[str, bytes] = {}
        self._pub_held: dict[str, bytes] = {}
        self._unstored: set[str] = set()  # ids with no row in the profile yet
        self._reindex: set[str] = set()  # title or topics changed
        # Handed to the store writer, not yet back: the newest such state per document.
        self._writing: dict[str, bytes] = {}
        self._pub_writing: dict[str, bytes] = {}
        self._prev_writing: dict[str, tuple[int, str]] = {}
        self._jobs: deque[WriteJob] = deque()
        self.on_written: Callable[[], None] | None = None  # after a handed-over batch is back
        self._writer = StoreWriter(self.store, self._post_if_open, self._take_written)
        pending = self.store.index_pending()
        self._gen = max(pending.values(), default=0)
        # Opened and caught up on the indexer thread (kmclient/core/index_handle.py).
        self.index_handle = IndexHandle(self.dir / profile.INDEX_DIR)
        self.indexer = IndexWorker(
            self.index_handle,
            self.store,
            self._post_if_open,
            self._index_done,
            self._index_progressed,
            **({"batch_size": index_batch} if index_batch else {}),
        )
        self.indexer.start(pending, len(self.docs))

    # -- listeners -----------------------------------------------------------------

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(event)`` on the owner thread for every event; returns
        a function that stops it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def listen_batches(self, listener: BatchListener) -> Callable[[], None]:
        """Call ``listener(events)`` on the owner thread with the events told together
        (a commit's, in order; or one told at once), after the per-event listeners.
        The app's bridge makes one Qt signal of a run of documents' events this way:
        a first sync tells three per document, and each emit cost ~38 µs."""
        self._batch_listeners.append(listener)

        def stop() -> None:
            if listener in self._batch_listeners:
                self._batch_listeners.remove(listener)

        return stop

    def emit(self, event: EngineEvent) -> None:
        """Queue an event; it reaches listeners after the next commit."""
        self._events.append(event)

    def notify_now(self, event: EngineEvent) -> None:
        """Tell listeners at once (for events that do not depend on stored data)."""
        self._tell([event])

    def _post_if_open(self, fn: Callable[[], object]) -> None:
        self._post(lambda: None if self._closed else fn())

    # -- reading -------------------------------------------------------------------

    def state(self, doc_id: str) -> bytes | None:
        """The working copy's CRDT state as of now (including what is not yet committed)."""
        if doc_id in self._states:
            return self._states[doc_id]
        if doc_id in self._writing:
            return self._writing[doc_id]
        if doc_id in self._held:
            return self._held[doc_id] or None
        if doc_id in self._unstored or doc_id in self._batch.removed:
            return None
        return self.store.load_state(doc_id) or None

    def published_state(self, doc_id: str) -> bytes | None:
        """The latest revision's CRDT state as of now."""
        if doc_id in self._pub_states:
            return self._pub_states[doc_id]
        if doc_id in self._pub_writing:
            return self._pub_writing[doc_id]
        if doc_id in self._pub_held:
            return self._pub_held[doc_id] or None
        if doc_id in self._unstored or doc_id in self._batch.removed:
            return None
        return self.store.load_published_state(doc_id) or None

    def text(self, doc_id: str) -> str | None:
        """What the user reads: the working copy where they hold it, else the latest revision."""
        info = self.docs.get(doc_id)
        if info is None:
            return None
        return self.working_text(doc_id) if info.working else self.published_text(doc_id)

    def working_text(self, doc_id: str) -> str | None:
        live = self.open_docs.text(doc_id)
        if live is not None:
            return live
        state = self._states.get(doc_id) or self._writing.get(doc_id)
        if state is not None:
            return text_of(state)
        if doc_id not in self.docs:
            return None
        return self.store.load_body(doc_id) or ""

    def published_text(self, doc_id: str) -> str | None:
        live = self.published_docs.text(doc_id)
        if live is not None:
            return live
        state = self._pub_states.get(doc_id) or self._pub_writing.get(doc_id)
        if state is not None:
            return text_of(state)
        if doc_id not in self.docs:
            return None
        return self.store.load_published_body(doc_id) or ""

    def previous(self, doc_id: str) -> tuple[int, str] | None:
        """(revision, text) before the latest, if this profile saw the latest arrive."""
        if doc_id in self._batch.previous:
            return self._batch.previous[doc_id]
        if doc_id in self._prev_writing:
            return self._prev_writing[doc_id]
        return self.store.load_previous(doc_id) if doc_id in self.docs else None

    def open_doc(self, doc_id: str) -> Doc:
        """The working copy's live Doc."""
        if doc_id not in self.docs:
            raise KeyError(f"no document '{doc_id}' in this profile")
        state = self.state(doc_id)
        if doc_id not in self._states:
            self._held[doc_id] = state or b""
        return self.open_docs.open(doc_id, state)

    def close_doc(self, doc_id: str) -> bool:
        """Drop one reference to an open Doc; True when it was really closed."""
        closed = self.open_docs.close(doc_id)
        if doc_id not in self.open_docs:
            self._held.pop(doc_id, None)
        return closed

    def open_published(self, doc_id: str) -> Doc:
        """The latest revision's live Doc (read-only: only the server publishes)."""
        if doc_id not in self.docs:
            raise KeyError(f"no document '{doc_id}' in this profile")
        state = self.published_state(doc_id)
        if doc_id not in self._pub_states:
            self._pub_held[doc_id] = state or b""
        return self.published_docs.open(doc_id, state)

    def close_published(self, doc_id: str) -> bool:
        closed = self.published_docs.close(doc_id)
        if doc_id not in self.published_docs:
            self._pub_held.pop(doc_id, None)
        return closed

    @property
    def index(self) -> SearchIndex:
        """The search index, waiting for the indexer thread to open it."""
        return self.index_handle.get()

    def search(self, query: str, topics: Iterable[str] | None, limit: int) -> list[SearchResult]:
        # The index may lag the profile by a batch: never show what left it.
        results = self.index.search(query, topics=topics, limit=limit + 10)
        return [r for r in results if r.doc_id in self.docs][:limit]

    def sync_ids(self) -> tuple[list[str], list[str]]:
        """(known, working) of a ``sync`` request, sorted (as stored after the next
        commit). Kept from one request to the next (sync_ids.py)."""
        return self._sync_ids.lists(self.docs)

    @property
    def index_progress(self) -> IndexProgress:
        return self.indexer.progress()

    # -- changing (buffered until commit) -----------------------------------------

    def put_meta(self, info: DocInfo) -> DocInfo | None:
        """Store metadata; returns the previous metadata (None for a new document)."""
        old = self.docs.get(info.id)
        if old == info:
            return old
        if old is None and info.id not in self._states and info.id not in self._pub_states:
            self._unstored.add(info.id)
        if old is None or old.working != info.working:
            self._sync_ids.changed()
        if old is None or (old.title, old.topics, old.working) != (
            info.title,
            info.topics,
            info.working,
        ):
            self._reindex.add(info.id)  # what the index holds besides the text
        if old is not None and old.rev and info.rev != old.rev and info.id not in self._unstored:
            # A new revision (its text follows): keep the one it replaces, for "what changed".
            self._batch.previous[info.id] = (old.rev, self.published_text(info.id) or "")
        self.docs[info.id] = info
        self._batch.metas[info.id] = info
        if old is not None and old.working and not info.working:
            self._drop_working(info.id)
        self.emit(DocChanged(info.id, "meta"))
        return old

    def touch(self, doc_id: str, author: str | None, at: str) -> None:
        """The working copy just changed (by ``author``, at ``at``, ISO 8601): its
        "last changed" shows that at once. The server sends no metadata for a
        further edit by the same person, so without this the time shown stayed
        at that person's first edit. Stored when the minute or the author moves
        (what is shown), not on every keystroke."""
        info = self.docs.get(doc_id)
        if info is None or not info.working:
            return
        stored = (info.updated_by, (info.updated_at or "")[:16])
        self.docs[doc_id] = new = replace(info, updated_by=author, updated_at=at)
        if stored != (author, at[:16]):
            self._batch.metas[doc_id] = new

    def _placeholder(self, doc_id: str) -> None:
        # Content before metadata: keep it, metadata follows.
        self.docs[doc_id] = DocInfo(id=doc_id, title=doc_id)
        self._batch.metas[doc_id] = self.docs[doc_id]
        self._unstored.add(doc_id)
        self._sync_ids.changed()

    def put_update(self, doc_id: str, update: bytes, *, local: bool) -> None:
        """Merge a CRDT update into the working copy (applied to its open Doc if remote)."""
        if doc_id not in self.docs:
            self._placeholder(doc_id)
        state = self.state(doc_id)
        self._states[doc_id] = update if state is None else merge_updates(state, update)
        self._sync_ids.state_added(doc_id)
        if not local:
            self.open_docs.apply_remote(doc_id, update)
        self.emit(DocChanged(doc_id, "content", update, local))

    def put_published(self, doc_id: str, update: bytes) -> None:
        """Merge a publication (or a repair of it) into the latest revision's CRDT."""
        if doc_id not in self.docs:
            self._placeholder(doc_id)
        state = self.published_state(doc_id)
        self._pub_states[doc_id] = update if state is None else merge_updates(state, update)
        self.published_docs.apply_remote(doc_id, update)
        self.emit(DocChanged(doc_id, "published", update))

    def _drop_working(self, doc_id: str) -> None:
        """The user may no longer edit it: forget the working copy and unsent edits."""
        self._states.pop(doc_id, None)
        self._held.pop(doc_id, None)
        self._batch.contents[doc_id] = (b"", "")
        self._sync_ids.state_dropped(doc_id)
        self._batch.outbox_delete_docs.add(doc_id)
        self.open_docs.discard(doc_id)
        self.emit(DocChanged(doc_id, "reset"))

    def replace_state(self, doc_id: str, state: bytes) -> None:
        """Throw the local copy away for ``state`` (a refused edit is dropped)."""
        self._states[doc_id] = state
        self._sync_ids.state_added(doc_id)
        self.open_docs.replace(doc_id, state)
        self.emit(DocChanged(doc_id, "reset"))

    def on_remove(self, hook: Callable[[str], None]) -> None:
        """Call ``hook(doc_id)`` when a document leaves, before its changes are dropped."""
        self._removal_hooks.append(hook)

    def remove(self, doc_id: str) -> bool:
        """Forget a document (its unsent edits and its records); False if it was not here."""
        if self.docs.pop(doc_id, None) is None:
            return False
        for hook in self._removal_hooks:
            hook(doc_id)
        self._batch.remove(doc_id)
        self._states.pop(doc_id, None)
        self._pub_states.pop(doc_id, None)
        self._held.pop(doc_id, None)
        self._pub_held.pop(doc_id, None)
        self._unstored.discard(doc_id)
        self._reindex.discard(doc_id)
        self._sync_ids.state_dropped(doc_id)
        self._sync_ids.changed()
        self.open_docs.discard(doc_id)
        self.published_docs.discard(doc_id)
        self._gen += 1
        self._batch.index_marks[doc_id] = self._gen
        self.emit(DocChanged(doc_id, "removed"))
        return True

    def queue_outbox(self, doc_id: str, update: bytes) -> None:
        self._batch.outbox_add.append((doc_id, update))

    def drop_outbox_row(self, row_id: int) -> None:
        self._batch.outbox_delete.append(row_id)

    def drop_outbox_doc(self, doc_id: str) -> None:
        self._batch.outbox_delete_docs.add(doc_id)

    def set_setting(self, key: str, value: Any) -> None:
        self._batch.settings[key] = value

    # Records (flags, comments, notes, watches, notifications): kmclient/core/feedback.py.

    def put_record(self, row: RecordRow) -> None:
        self._batch.records.put[row.key] = row

    def pending_records(self) -> dict[tuple[str, str], RecordRow]:
        """Records received in this turn, not committed yet."""
        return self._batch.records.put

    def queue_request(self, row: RequestRow) -> None:
        self._batch.records.requests_add.append(row)

    def drop_request(self, row_id: int) -> None:
        records = self._batch.records
        unstored = [r for r in records.requests_add if r.id != row_id]
        if len(unstored) < len(records.requests_add):
            records.requests_add = unstored
        else:
            records.requests_delete.append(row_id)

    def mark_announced(self, notification_id: str) -> None:
        self._batch.records.announced.add(notification_id)

    @property
    def outbox_changing(self) -> bool:
        """Does the next commit change the outbox?"""
        b = self._batch
        return bool(b.outbox_add or b.outbox_delete or b.outbox_delete_docs)

    @property
    def uncommitted(self) -> int:
        """Documents whose new content waits for the next commit."""
        return len(self._states) + len(self._pub_states)

    @property
    def has_pending(self) -> bool:
        return bool(self._batch) or bool(self._states) or bool(self._pub_states)

    @property
    def writing(self) -> int:
        """Batches handed to the store writer and not yet back."""
        return len(self._jobs)

    # -- the commit ------------------------------------------------------------------

    def commit(self, *, wait: bool = True) -> list[int]:
        """Store everything buffered in one transaction, hand changed documents
        to the indexer, then tell listeners. Returns the new outbox row ids.

        With ``wait=False`` the batch's documents are handed to the store
        writer instead, and the rest (outbox, records, settings) is committed
        at once, beside the writer's transactions; the indexer and listeners
        hear of it all when the documents are back. A batch that removes
        documents or stores the cursor, and any commit with ``wait=True``,
        first waits for what was handed over (see
        :func:`~kmclient.core.store_writer.can_split`)."""
        batch, self._batch = self._batch, Batch()
        states, self._states = self._states, {}
        pub_states, self._pub_states = self._pub_states, {}
        index_now: dict[str, IndexEntry] = {}
        # Texts not known yet (None): made by the writer, or below on this thread.
        text_from: dict[str, dict[str, tuple[bytes, str | None]]] = {}
        for doc_id, state in states.items():
            batch.contents[doc_id] = (state, self.open_docs.text(doc_id))  # type: ignore[assignment]
            if self.docs[doc_id].working:
                self._reindex.discard(doc_id)
                index_now[doc_id] = self._index_entry(doc_id, "", batch)
                text_from[doc_id] = batch.contents  # type: ignore[assignment]
        for doc_id, state in pub_states.items():
            batch.published[doc_id] = (state, self.published_docs.text(doc_id))  # type: ignore[assignment]
            if not self.docs[doc_id].working:
                self._reindex.discard(doc_id)
                index_now[doc_id] = self._index_entry(doc_id, "", batch)
                text_from[doc_id] = batch.published  # type: ignore[assignment]
        for doc_id in self._reindex:  # title, topics or what is read changed, not the text
            text = self.text(doc_id) or ""
            index_now[doc_id] = self._index_entry(doc_id, text, batch)
        self._reindex.clear()
        self._unstored.clear()
        self._held.update((d, s) for d, s in states.items() if d in self.open_docs)
        self._pub_held.update((d, s) for d, s in pub_states.items() if d in self.published_docs)
        events, self._events = self._events, []
        job = WriteJob(batch, (index_now, text_from, events, states, pub_states))
        if not wait and can_split(batch):  # a batch of documents only, too
            # Outbox, records and settings now (durable before sending, read back at
            # once), beside the writer's transactions; the documents to the writer.
            docs, rest = split(batch)
            added = self._writer.commit_now(rest) if rest else []
            job.batch = docs
            self._hand_over(job)
            return added
        self._finish_writes()  # what was handed over first: its transactions came first
        for parts in (batch.contents, batch.published):
            for doc_id, (state, text) in parts.items():
                if text is None:
                    parts[doc_id] = (state, text_of(state))
        added = self._writer.commit_now(batch) if batch else []
        self._finished(job)
        return added

    def _hand_over(self, job: WriteJob) -> None:
        """Documents to the store writer; their events (and the indexer) follow it back.
        A job without documents has only events: they follow what is being written."""
        _index_now, _from, events, states, pub_states = job.owner
        if not job.batch:
            if self._jobs:
                self._jobs[-1].owner[2].extend(events)
            else:
                self._finished(job)
            return
        self._writing.update(states)
        self._pub_writing.update(pub_states)
        self._prev_writing.update(job.batch.previous)
        self._jobs.append(job)
        self._writer.submit(job)

    def _finish_writes(self) -> None:
        """Wait until the store writer has written what it was handed, and take it back."""
        if self._jobs:
            self._writer.wait_idle()
            self._take_written(hook=False)

    def _take_written(self, hook: bool = True) -> None:
        """The store writer's batches are written: tell the indexer and listeners."""
        for job in self._writer.take_written():
            if self._jobs and self._jobs[0] is job:
                self._jobs.popleft()
            _index_now, _from, _events, states, pub_states = job.owner
            for written, mine in ((states, self._writing), (pub_states, self._pub_writing)):
                for doc_id, state in written.items():
                    if mine.get(doc_id) is state:  # not handed over again since
                        del mine[doc_id]
            for doc_id, prev in job.batch.previous.items():
                if self._prev_writing.get(doc_id) is prev:
                    del self._prev_writing[doc_id]
            if job.error is not None:
                log.error("could not store %d documents", len(job.batch.metas), exc_info=job.error)
            self._finished(job)
        if hook and self.on_written is not None and not self._closed:
            self.on_written()

    def _finished(self, job: WriteJob) -> None:
        """A batch is stored: the indexer gets its documents, listeners its events."""
        index_now, text_from, events, _states, _pub = job.owner
        batch = job.batch
        for doc_id in batch.removed:
            if doc_id not in self.docs:
                self.indexer.submit(doc_id, IndexEntry(batch.index_marks[doc_id], None))
        for doc_id, entry in index_now.items():
            parts = text_from.get(doc_id)
            if parts is not None:
                entry = entry._replace(body=parts[doc_id][1] or "")
            self.indexer.submit(doc_id, entry)
        self._tell(events)

    def _tell(self, events: list[EngineEvent]) -> None:
        if not events:
            return
        for event in events:
            for listener in list(self._listeners):
                try:
                    listener(event)
                except Exception:
                    log.exception("listener failed on %r", event)
        for batch_listener in list(self._batch_listeners):
            try:
                batch_listener(events)
            except Exception:
                log.exception("listener failed on %d events", len(events))

    def _index_entry(self, doc_id: str, text: str, batch: Batch) -> IndexEntry:
        info = self.docs[doc_id]
        self._gen += 1
        batch.index_marks[doc_id] = self._gen
        return IndexEntry(self._gen, info.title, text, info.topics)

    # -- the index -------------------------------------------------------------------

    def _index_done(self) -> None:
        self.store.clear_index_marks(self.indexer.take_committed())

    def _index_progressed(self, progress: IndexProgress) -> None:
        self.notify_now(progress)

    # -- closing ---------------------------------------------------------------------

    def close(self) -> None:
        """Commit, stop the indexer (what it has not written stays queued in the
        profile) and release the profile."""
        if self._closed:
            return
        if self.has_pending:
            self.commit()
        self._finish_writes()
        self._closed = True
        try:
            self._writer.stop()
            self.indexer.stop()
            self._index_done()  # what the index took since the last announcement
            self.index_handle.close()
            self.store.close()
        finally:
            self._lock.release()


def _read_only(doc_id: str, _update: bytes) -> None:
    # Nothing in the app edits a published copy; if something did, it must not spread.
    log.warning("a change to the published copy of %s was ignored (read-only)", doc_id)
