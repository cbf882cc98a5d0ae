"""The thread that stores a large sync's documents, so the owner thread does not.

During a first sync every owner turn stored its documents itself: the Markdown
of each CRDT state (a pycrdt Doc built and read), one SQLite transaction, and
then the events: 25-30 ms of the GUI thread per 64 documents on a quiet
machine, more under load. Here the owner hands such a turn's
:class:`~kmclient.core.local_store.Batch` over, with the states as bytes, and
goes on; this thread extracts the text (each Doc it builds is made and dropped
on this thread: a Doc belongs to one thread), writes the transaction, and
posts the result back. The owner then tells the indexer and its listeners,
in the order the batches were handed over.

Only batches of documents come here (metadata, states, text, index marks):
nothing that must be durable before something is sent (the outbox, requests),
read back from the database at once (records, settings), or removed. Those
commit on the owner thread. During a sync the owner commits them at once,
beside what this thread still holds (see :func:`split`): they never touch a
document's row, so their order against it does not matter. Removals and the
cursor do depend on it: those wait until this thread has written everything
handed to it (the cursor is never stored before the data it covers).

Both threads write through the store's one write connection, one transaction
at a time (:class:`Turns`). This thread writes a batch in transactions of a
few documents (``CHUNK``, a few ms each), and lets a waiting owner in between
them: the owner's commit waits for one small transaction at most, not for a
whole batch (measured: a sync turn's commit waited 62 ms for SQLite's write
lock), and never sleeps in SQLite's busy handler (1, 2, 5, 10 ... 100 ms).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from kmclient.core.local_store import Batch, LocalStore

log = logging.getLogger(__name__)

# Documents per transaction of this thread: ~0.25 ms each to write, so a
# waiting owner commit waits for a few ms at most.
CHUNK = 16

Post = Callable[[Callable[[], object]], None]


def text_of(state: bytes) -> str:
    """The Markdown of a CRDT state (a Doc made, read and dropped on the caller's thread)."""
    # pycrdt (~25 ms to import) only when a first state comes: not at the app's start.
    from kmserver.protocol.ytext import body, new_doc

    return str(body(new_doc(state)))


@dataclass
class WriteJob:
    """One batch handed over. The writer fills the texts left None in
    ``batch.contents`` and ``batch.published`` and sets ``error`` if the write
    failed; ``owner`` is the owner's, for when the job comes back."""

    batch: Batch
    owner: Any = None
    error: BaseException | None = None


def can_split(batch: Batch) -> bool:
    """May this batch's documents be written after its other parts (see the module's doc)?"""
    return not batch.removed and "cursor" not in batch.settings


def split(batch: Batch) -> tuple[Batch, Batch]:
    """(documents, the rest): what this thread writes, what the owner commits at once."""
    docs = Batch(
        metas=batch.metas,
        contents=batch.contents,
        published=batch.published,
        previous=batch.previous,
        index_marks=batch.index_marks,
    )
    rest = Batch(
        outbox_add=batch.outbox_add,
        outbox_delete=batch.outbox_delete,
        outbox_delete_docs=batch.outbox_delete_docs,
        settings=batch.settings,
        records=batch.records,
    )
    return docs, rest


def chunks(batch: Batch, size: int) -> Iterator[Batch]:
    """A batch of documents only, as batches of at most ``size`` documents each."""
    ids = list(
        dict.fromkeys(
            [*batch.metas, *batch.contents, *batch.published, *batch.previous, *batch.index_marks]
        )
    )
    for start in range(0, len(ids), size):
        part = ids[start : start + size]
        yield Batch(
            metas={d: batch.metas[d] for d in part if d in batch.metas},
            contents={d: batch.contents[d] for d in part if d in batch.contents},
            published={d: batch.published[d] for d in part if d in batch.published},
            previous={d: batch.previous[d] for d in part if d in batch.previous},
            index_marks={d: batch.index_marks[d] for d in part if d in batch.index_marks},
        )


class Turns:
    """One transaction at a time on the store's write connection; a waiting owner goes first.

    ``threading.Lock`` alone would not do: the writer, releasing it between two
    transactions while it holds the GIL, would mostly take it straight back."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._held = False
        self._owner_waiting = 0
        self.owner_waits = 0  # how often the owner found a transaction of the writer running

    @contextmanager
    def owner(self) -> Iterator[None]:
        with self._cond:
            self._owner_waiting += 1
            if self._held:
                self.owner_waits += 1
            while self._held:
                self._cond.wait()
            self._owner_waiting -= 1
            self._held = True
        try:
            yield
        finally:
            self._release()

    @contextmanager
    def writer(self) -> Iterator[None]:
        with self._cond:
            while self._held or self._owner_waiting:
                self._cond.wait()
            self._held = True
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        with self._cond:
            self._held = False
            self._cond.notify_all()


class StoreWriter:
    def __init__(self, store: LocalStore, post: Post, on_written: Callable[[], None]) -> None:
        self._store = store
        self._post = post
        self._on_written = on_written
        self._cond = threading.Condition()
        self._queue: deque[WriteJob] = deque()  # handed over, not yet written
        self._written: deque[WriteJob] = deque()  # written, not yet taken by the owner
        self._stopping = False
        self.turns = Turns()
        self._thread = threading.Thread(target=self._run, name="kmclient-store", daemon=True)
        self._thread.start()

    _busy = False  # a job is being written

    def submit(self, job: WriteJob) -> None:
        with self._cond:
            if self._stopping:
                raise RuntimeError("the store writer is stopped")
            self._queue.append(job)
            self._cond.notify_all()

    def commit_now(self, batch: Batch) -> list[int]:
        """The owner's commit, beside what this thread holds: waits for one of its
        transactions at most. Returns the new outbox row ids."""
        with self.turns.owner():
            return self._store.commit(batch)

    def wait_idle(self) -> None:
        """Block until every job handed over is written (not yet taken back)."""
        with self._cond:
            while self._queue or self._busy:
                self._cond.wait()

    def take_written(self) -> list[WriteJob]:
        """The jobs written since the last call, in the order they were handed over."""
        with self._cond:
            jobs = list(self._written)
            self._written.clear()
        return jobs

    def stop(self) -> None:
        """Write what is queued, then end the thread."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._stopping:
                    self._cond.wait()
                if not self._queue:
                    return
                job = self._queue.popleft()
                self._busy = True
            try:
                self._write(job.batch)
            except BaseException as exc:  # reported on the owner thread
                job.error = exc
            with self._cond:
                self._busy = False
                self._written.append(job)
                self._cond.notify_all()
            self._post(self._on_written)

    def _write(self, batch: Batch) -> None:
        for parts in (batch.contents, batch.published):
            for doc_id, (state, text) in parts.items():
                if text is None:  # not open on the owner: made here
                    parts[doc_id] = (state, text_of(state))
        # A crash between two chunks leaves some documents stored and no cursor
        # for them: the next sync sends them all again.
        for part in chunks(batch, CHUNK):
            with self.turns.writer():
                self._store.commit(part)
