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
commit on the owner thread as before, after waiting until this thread has
written everything handed to it, so transactions keep their order (the
cursor is never stored before the data it covers).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kmclient.core.local_store import Batch, LocalStore
from kmserver.protocol.ytext import body, new_doc

log = logging.getLogger(__name__)

Post = Callable[[Callable[[], object]], None]


def text_of(state: bytes) -> str:
    """The Markdown of a CRDT state (a Doc made, read and dropped on the caller's thread)."""
    return str(body(new_doc(state)))


@dataclass
class WriteJob:
    """One batch handed over. The writer fills the texts left None in
    ``batch.contents`` and ``batch.published`` and sets ``error`` if the write
    failed; ``owner`` is the owner's, for when the job comes back."""

    batch: Batch
    owner: Any = None
    error: BaseException | None = None


def only_documents(batch: Batch) -> bool:
    """Can this batch be written off the owner thread (see the module's doc)?"""
    return not (
        batch.removed
        or batch.outbox_add
        or batch.outbox_delete
        or batch.outbox_delete_docs
        or batch.settings
        or batch.records
    )


class StoreWriter:
    def __init__(self, store: LocalStore, post: Post, on_written: Callable[[], None]) -> None:
        self._store = store
        self._post = post
        self._on_written = on_written
        self._cond = threading.Condition()
        self._queue: deque[WriteJob] = deque()  # handed over, not yet written
        self._written: deque[WriteJob] = deque()  # written, not yet taken by the owner
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="kmclient-store", daemon=True)
        self._thread.start()

    _busy = False  # a job is being written

    def submit(self, job: WriteJob) -> None:
        with self._cond:
            if self._stopping:
                raise RuntimeError("the store writer is stopped")
            self._queue.append(job)
            self._cond.notify_all()

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
        self._store.commit(batch)
