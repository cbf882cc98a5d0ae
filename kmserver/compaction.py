"""Compaction, off the edit path (docs/server.md, "Compaction"): a document's update
rows merged into its newest one, in three steps so that edits never wait for it.

1. The compactor thread reads and merges a due document's rows outside the write lock
   (``documents.prepare_compaction``), resting in proportion to each merge.
2. A writer batch gives the newest row the merged bytes (``documents.apply_compaction``),
   ``COMPACT_BUDGET`` seconds of them per batch, at least one.
3. The rows that made redundant are swept for many documents together, once
   ``SWEEP_DOCS`` wait or the oldest has waited ``SWEEP_AFTER`` seconds (or when idle):
   a slice of sequence numbers per batch, then ``SETTLE_DOCS`` documents' counts.

Everything but the merge runs on the writer thread, inside the writer's transactions;
what a transaction did is taken over only once it committed (``Compactor.committed``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.orm import Session

from kmserver.store import documents as docs
from kmserver.store.database import Database

log = logging.getLogger(__name__)


class RowCount(Protocol):
    """What compaction keeps exact of the writer's counters (``writer.DocCounters``)."""

    update_rows: int


# A slice holds about SWEEP_ROWS redundant rows, then SETTLE_DOCS documents are settled per
# batch: 16 documents' rows swept in one batch took 12 ms, which every edit queued behind
# it waited for.
COMPACT_BUDGET = 0.001
SWEEP_DOCS = 16
SWEEP_AFTER = 5.0
SWEEP_ROWS = 512
SETTLE_DOCS = 4
# The compactor's share of wall time: after each merge it rests in proportion, so documents
# that cross COMPACT_AFTER together are merged over a second or two instead of in one burst
# that the edits (same GIL, same write lock) queue behind.
COMPACTOR_SHARE = 0.1


@dataclass
class Sweep:
    """Compacted documents whose redundant rows are being deleted, one slice of sequence
    numbers per batch from ``lo`` up to ``end``; then settled, SETTLE_DOCS per batch."""

    compactions: list[docs.Compaction]
    lo: int
    end: int
    step: int  # sequence numbers per slice: about SWEEP_ROWS redundant rows
    doc_ids: list[str]
    settled: int = 0  # doc_ids[:settled] are settled

    @classmethod
    def of(cls, compactions: list[docs.Compaction]) -> Sweep:
        lo, end = docs.sweep_bounds(compactions)
        redundant = sum(max(c.rows - 1, 1) for c in compactions)
        step = max(1, (end - lo) * SWEEP_ROWS // redundant)
        return cls(compactions, lo, end, step, list(dict.fromkeys(c.doc_id for c in compactions)))


@dataclass
class Compacted:
    """What one transaction did for compaction (``Compactor.work_in``), taken over by
    the writer once it committed (``Compactor.committed``)."""

    tried: list[str] = field(default_factory=list)  # taken from the compactor's results
    applied: list[docs.Compaction] = field(default_factory=list)  # merged rows written
    sweep: Sweep | None = None  # the sweep it took a step of (maybe one it started)
    swept_to: int = 0  # ... deleting rows up to here
    settled_to: int = 0  # ... or settling documents up to here
    counts: dict[str, int] = field(default_factory=dict)  # update rows of those settled


class Compactor:
    """The writer's compaction. Documents over COMPACT_AFTER wait in ``due``, are merged
    on the compactor thread, come back in ``_merged``, are applied by a batch and wait
    in ``_to_sweep`` for a ``sweep``; ``_compacting`` holds them from hand-over to the
    end of their sweep. The deque is shared with the compactor thread; the rest belongs
    to the writer thread."""

    def __init__(self, db: Database, counters: Mapping[str, RowCount]) -> None:
        self.db = db
        self.counters = counters  # the writer's, kept exact when a sweep settles
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="kmserver-compactor")
        self._stop = threading.Event()
        self.due: set[str] = set()
        self._compacting: set[str] = set()
        self._merged: deque[tuple[str, docs.Compaction | None]] = deque()
        self._to_sweep: list[docs.Compaction] = []
        self._sweep_since = 0.0
        self.sweep: Sweep | None = None  # under way: _to_sweep waits for the next one

    def has_work(self) -> bool:
        """Merged rows to apply or rows to sweep (an idle writer does them alone)."""
        return bool(self._merged or self._to_sweep or self.sweep is not None)

    def shutdown(self) -> None:
        """Merges not yet done are redone after a restart (the row count stays over
        COMPACT_AFTER); what is merged can still be applied and swept."""
        self._stop.set()
        self.executor.shutdown(wait=True, cancel_futures=True)

    def start_merges(self) -> None:
        """Hand due documents to the compactor thread, which reads and merges their rows
        outside the write lock."""
        for doc_id in self.due - self._compacting:
            self._compacting.add(doc_id)
            self.executor.submit(self._merge, doc_id)
        self.due.clear()

    def _merge(self, doc_id: str) -> None:
        """Compactor thread: the merged rows, for a later batch to apply."""
        started = time.perf_counter()
        compaction = None
        try:
            with self.db.read() as s:
                compaction = docs.prepare_compaction(s, doc_id)
        except Exception:
            log.exception("could not merge the rows of %s (the log is intact)", doc_id)
        self._merged.append((doc_id, compaction))
        took = time.perf_counter() - started
        self._stop.wait(min(1.0, took * (1 / COMPACTOR_SHARE - 1)))

    def work_in(self, session: Callable[[], Session], done: Compacted, everything: bool) -> None:
        """In a write transaction: apply merged rows for about ``COMPACT_BUDGET`` seconds
        (at least one; all of them if ``everything``), then sweep if enough wait. Each
        step in a savepoint: a compaction that fails is dropped (the log stays as it
        was; the document is compacted again later), never the batch."""
        start = time.perf_counter()
        while self._merged and (
            everything or not done.tried or time.perf_counter() - start < COMPACT_BUDGET
        ):
            doc_id, compaction = self._merged.popleft()
            done.tried.append(doc_id)
            if compaction is None:
                continue
            try:
                s = session()
                with s.begin_nested():
                    if docs.apply_compaction(s, compaction):
                        done.applied.append(compaction)
            except Exception:
                log.exception("compaction of %s failed (the log is intact)", doc_id)
        sweep = self.sweep
        waiting = self._to_sweep + done.applied
        if sweep is None and (
            waiting
            and (
                everything
                or len(waiting) >= SWEEP_DOCS
                or time.monotonic() - self._sweep_since > SWEEP_AFTER
            )
        ):
            sweep = Sweep.of(waiting)
        if sweep is None:
            return
        lo, settled = sweep.lo, sweep.settled
        try:
            s = session()
            s.flush()  # rows changed through the ORM first: the recount comes after them
            with s.begin_nested():
                if lo < sweep.end:
                    lo = sweep.end if everything else min(sweep.end, lo + sweep.step)
                    docs.sweep_range(s, sweep.compactions, sweep.lo, lo)
                if lo >= sweep.end and (everything or sweep.lo >= sweep.end):
                    # the rows are gone: settle SETTLE_DOCS documents a batch (16 took 5-11 ms)
                    upto = len(sweep.doc_ids) if everything else settled + SETTLE_DOCS
                    done.counts = docs.settle_swept(s, sweep.doc_ids[settled:upto])
                    settled = min(upto, len(sweep.doc_ids))
            done.sweep, done.swept_to, done.settled_to = sweep, lo, settled
        except Exception:
            log.exception("sweeping compacted rows failed (they are redundant, not wrong)")

    def committed(self, done: Compacted) -> None:
        """After the commit: what waits for the sweep, how far it went, and the
        in-memory row counts once it is done."""
        applied = {c.doc_id for c in done.applied}
        self._compacting.difference_update(d for d in done.tried if d not in applied)
        sweep = done.sweep
        if sweep is not None and sweep is not self.sweep:  # started here: took all waiting
            self.sweep, self._to_sweep = sweep, []
        else:  # what it applied waits for the next sweep, which waits SWEEP_AFTER at most
            if not self._to_sweep:
                self._sweep_since = time.monotonic()
            self._to_sweep += done.applied
        if sweep is None:
            return
        sweep.lo, sweep.settled = done.swept_to, done.settled_to
        for doc_id, count in done.counts.items():
            if (counters := self.counters.get(doc_id)) is not None:
                counters.update_rows = count
        if sweep.settled == len(sweep.doc_ids):
            self.sweep = None
            for c in sweep.compactions:
                self._compacting.discard(c.doc_id)

    def forget(self, done: Compacted) -> None:
        """The transaction failed: what it applied is to be done again (what waited for
        the sweep still does: it was committed before)."""
        self._compacting.difference_update(done.tried)
