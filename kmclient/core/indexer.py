"""The background thread that keeps the Whoosh index in step with the profile.

Whoosh is pure Python (about a millisecond or more per document), so the
owner thread never indexes: it submits changed documents here and goes on.
Submissions are coalesced per document (ten quick edits of one document are
indexed once, in their last version) and written in batches, one Whoosh
commit each. Results go back to the owner through ``post``: which queue marks
are done (so the profile can forget them) and progress for the UI.

Searches do not go through this thread; ``SearchIndex.search`` may run on the
owner thread while a batch is being written here.

The thread also opens the index (``IndexHandle``: Whoosh's import and the
segment list are no work for the GUI thread at start) and then catches up
with what the last run left: a rebuild if the index is missing, stale or
incomplete, else the documents still in the profile's index queue.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from kmclient.core.index_handle import IndexHandle
from kmclient.core.local_store import LocalStore
from kmclient.core.model import IndexProgress

if TYPE_CHECKING:  # Whoosh: imported on this module's thread, by IndexHandle
    from kmclient.core.search import SearchIndex

log = logging.getLogger(__name__)

Post = Callable[[Callable[[], object]], None]

BATCH_SIZE = 1000  # documents per Whoosh commit: fewer commits, but bounded latency
FILL_AT_ONCE = 200  # an empty index gets this many or more in one go (see _run)
SETTLE = 0.3  # write once submits have paused this long (seconds)...
MAX_HOLD = 2.0  # ... or this long after the oldest waiting one, whichever comes first


class IndexEntry(NamedTuple):
    gen: int  # the change this version belongs to (see LocalStore.index_queue)
    title: str | None  # None: remove the document from the index
    body: str = ""
    topics: tuple[str, ...] = ()


class IndexWorker:
    def __init__(
        self,
        index: SearchIndex | IndexHandle,
        store: LocalStore,
        post: Post,
        on_done: Callable[[], None],
        on_progress: Callable[[IndexProgress], None],
        batch_size: int = BATCH_SIZE,
        settle: float = SETTLE,
    ) -> None:
        # Set on this thread once the handle has opened it (a SearchIndex: at once).
        self._handle = index if isinstance(index, IndexHandle) else None
        self._index: SearchIndex = None if self._handle else index  # type: ignore[assignment]
        # What start() asked to catch up with; None once done (or nothing to do).
        self._catch_up: tuple[dict[str, int], int] | None = None
        self._store = store
        self._post = post
        self._on_done = on_done
        self._on_progress = on_progress
        self._batch_size = batch_size
        self._settle = settle
        self._last_submit = 0.0  # monotonic time of the newest submit
        self._waiting_since = 0.0  # ... of the oldest submit not yet taken
        self._cond = threading.Condition()
        self._pending: dict[str, IndexEntry] = {}  # insertion order = submission order
        self._busy = 0  # documents in the batch being written
        self._done = 0  # documents written since the worker was last idle
        self._busy_done = 0  # of those, written so far (rebuilds report progress)
        self._rebuild: dict[str, int] | None = None  # marks a rebuild covers
        self._paused = False
        self._committed: dict[str, int] = {}  # marks written, not yet taken by the owner
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="kmclient-index", daemon=True)

    def start(self, pending: dict[str, int] | None = None, doc_total: int = 0) -> None:
        """Start the thread. With ``pending`` (the profile's index queue: doc id ->
        gen) and ``doc_total`` (documents in the profile), it first opens the
        index and catches up; until then progress() is ``preparing``."""
        if pending is not None:
            self._catch_up = (dict(pending), doc_total)
        self._thread.start()

    def stop(self, timeout: float = 60.0) -> None:
        """Finish the batch being written and stop; what is still queued stays
        in the profile's index queue for the next start."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._handle is not None:
            self._handle.cancel()  # never opened if nobody wanted it yet
        if self._thread.is_alive():
            self._thread.join(timeout)

    def submit(self, doc_id: str, entry: IndexEntry) -> None:
        """Index (or, with ``title=None``, remove) a document; a newer submit of
        the same id replaces an older one still waiting."""
        with self._cond:
            self._last_submit = time.monotonic()
            if not self._pending:
                self._waiting_since = self._last_submit
            self._pending.pop(doc_id, None)  # re-insert at the end: keeps gens ordered
            self._pending[doc_id] = entry
            self._cond.notify()

    def take_committed(self) -> dict[str, int]:
        """Queue marks (doc id -> gen) of everything the index has committed
        since the last call; the owner clears them from the profile."""
        with self._cond:
            marks, self._committed = self._committed, {}
        return marks

    def request_rebuild(self, covers: dict[str, int]) -> None:
        """Rebuild the whole index from the profile; ``covers`` are queue marks
        that the rebuild makes redundant (cleared when it succeeds)."""
        with self._cond:
            self._rebuild = {**(self._rebuild or {}), **covers}
            self._cond.notify()

    def progress(self) -> IndexProgress:
        with self._cond:
            return self._progress_locked()

    def _progress_locked(self) -> IndexProgress:
        total = self._done + self._busy + len(self._pending)
        return IndexProgress(
            self._done + self._busy_done,
            total,
            rebuilding=self._rebuild is not None,
            preparing=self._catch_up is not None,
        )

    def pause(self) -> None:
        """Hold new batches (the one being written finishes), e.g. while a sync
        streams in: the GIL then goes to storing documents, and the indexer
        later gets the whole lot in large batches."""
        with self._cond:
            self._paused = True

    def resume(self) -> None:
        with self._cond:
            self._paused = False
            self._last_submit = self._waiting_since = 0.0  # what a sync left: no settling
            self._cond.notify()

    # -- worker thread ---------------------------------------------------------

    def _open_and_catch_up(self) -> bool:
        """Open the index (waiting until it is wanted) and queue what the last run
        left; False if stopped first."""
        if self._handle is not None:
            try:
                index = self._handle.open_when_wanted()
            except Exception:
                # Searches fail (IndexHandle.get raises); the queue stays in the profile
                # for the next start, and nothing waits for this run's indexing.
                log.exception("the search index could not be opened")
                with self._cond:
                    self._catch_up = self._rebuild = None
                    self._pending.clear()
                    progress = self._progress_locked()
                self._post(lambda: self._on_progress(progress))
                return False
            if index is None:
                return False
            self._index = index
        if self._catch_up is None:
            return True
        pending, doc_total = self._catch_up
        rebuild = self._index.needs_rebuild or (
            not pending and self._index.doc_count() != doc_total
        )
        found = {} if rebuild else {d[0]: d for d in self._store.search_docs(pending)}
        with self._cond:
            if rebuild:
                self._rebuild = {**(self._rebuild or {}), **pending}
            else:
                # Older than anything submitted since start (those replace them),
                # and ahead of them in the queue: gens stay in order.
                left = {}
                for doc_id, gen in pending.items():
                    if doc_id not in self._pending:
                        doc = found.get(doc_id)
                        left[doc_id] = IndexEntry(gen, *doc[1:]) if doc else IndexEntry(gen, None)
                if left and not self._pending:
                    self._last_submit = self._waiting_since = time.monotonic()
                self._pending = {**left, **self._pending}
            self._catch_up = None
            progress = self._progress_locked()
            self._cond.notify_all()
        self._post(lambda: self._on_progress(progress))
        return True

    def _run(self) -> None:
        if not self._open_and_catch_up():
            return
        while True:
            with self._cond:
                while not self._stopping and (
                    self._paused or not (self._pending or self._rebuild is not None)
                ):
                    self._cond.wait()
                if self._stopping:
                    return
                wait = self._settle_left()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                rebuild = self._rebuild
                batch: dict[str, IndexEntry] = {}
                fill = False
                if rebuild is None:
                    # Into an empty index, everything at once: one segment, no
                    # per-document replace, and searches are fastest after.
                    fill = len(self._pending) >= FILL_AT_ONCE and self._index.doc_count() == 0
                    take = len(self._pending) if fill else self._batch_size
                    for doc_id in list(self._pending)[:take]:
                        batch[doc_id] = self._pending.pop(doc_id)
                    self._busy, self._busy_done = len(batch), 0
            try:
                if rebuild is not None:
                    self._do_rebuild(rebuild)
                else:
                    self._write(batch, fill)
            except Exception:
                # Keep the marks: the profile's queue retries them on the next start.
                log.exception("indexing failed; will retry on the next start")
                with self._cond:
                    self._busy = self._busy_done = 0
                    self._rebuild = None
                continue
            with self._cond:
                self._done += self._busy
                self._busy = self._busy_done = 0
                progress = self._progress_locked()
                if progress.idle:
                    self._done = 0
            self._post(lambda p=progress: self._on_progress(p))
            if progress.idle:
                self._merge_while_idle()

    def _merge_while_idle(self) -> None:
        """Do the index merges that commits left for later (a single edit's
        commit merges little, to stay fast), one at a time, as long as
        nothing waits to be indexed. A submit waits for at most one merge."""
        while True:
            with self._cond:
                if self._stopping or self._paused or self._pending or self._rebuild is not None:
                    return
            try:
                if not self._index.merge_idle():
                    return
            except Exception:
                log.exception("merging search index segments failed")
                return

    def _settle_left(self) -> float:
        """Seconds to hold a small batch while submits keep coming (typing: each
        key changes the document; index the text once the typing pauses, not
        per key). Never longer than MAX_HOLD after the oldest waiting submit."""
        if self._rebuild is not None or self._settle <= 0:
            return 0.0
        if len(self._pending) >= min(self._batch_size, FILL_AT_ONCE):  # a sync: no point waiting
            return 0.0
        due = min(self._last_submit + self._settle, self._waiting_since + MAX_HOLD)
        return due - time.monotonic()

    def _write(self, batch: dict[str, IndexEntry], fill: bool) -> None:
        upserts = [
            (doc_id, e.title, e.body, e.topics)
            for doc_id, e in batch.items()
            if e.title is not None
        ]
        removals = [doc_id for doc_id, e in batch.items() if e.title is None]
        if fill:
            if not self._index.rebuild(upserts, len(upserts), self._report):
                return  # cancelled by stop(): the profile's queue keeps the marks
        else:
            if upserts:
                self._index.upsert_many(upserts)
            if removals:
                self._index.remove_many(removals)
        marks = {doc_id: e.gen for doc_id, e in batch.items()}
        self._committed_marks(marks)

    def _committed_marks(self, marks: dict[str, int]) -> None:
        # Kept here as well as announced: if the owner closes before the
        # announcement runs, close() still collects them (take_committed).
        with self._cond:
            for doc_id, gen in marks.items():
                self._committed[doc_id] = max(gen, self._committed.get(doc_id, 0))
        self._post(self._on_done)

    def _report(self, done: int, _total: int | None) -> bool:
        """Progress of a rebuild, to the owner; False cancels it (stopping)."""
        with self._cond:
            # Not all done until the commit is through (_run settles that).
            self._busy_done = min(done, self._busy - 1)
            p = self._progress_locked()
        self._post(lambda: self._on_progress(p))
        return not self._stopping

    def _do_rebuild(self, covers: dict[str, int]) -> None:
        total = self._store.doc_count()
        with self._cond:
            self._busy, self._busy_done = total, 0
        ok = self._index.rebuild(self._store.iter_search_docs(), total, self._report)
        with self._cond:
            self._rebuild = None
        if ok:
            self._committed_marks(covers)
