"""The sync engine on the GUI thread, with its events as Qt signals.

The engine runs nothing by itself: its connection and indexer threads hand it
work through ``post(callable)``. Here ``post`` queues the callable and wakes
the GUI thread with a queued signal, so every callable runs on the GUI thread,
in order, and the engine (with every pycrdt Doc it holds) belongs to that
thread only.

The queue is drained in slices of about a frame (``SLICE_S``), with a
zero-timer between slices: Qt delivers all posted events of a pass in one go,
so a first sync that posts hundreds of engine turns would otherwise starve
paints, input and timers for a second at a time (measured: 0.9 s stalls with
10,000 documents; see docs/ui.md).

Engine events become typed signals. Documents' events are many during a first
sync (three per document), so each run of them that the engine tells together
(a commit's) is one ``docsChanged`` emit, not one per event (~38 µs each with
its ten receivers: 5-8 ms of every turn that took a batch of 64 documents
back); widgets that only need "something changed" coalesce them further (see
``DocTreeModel``); nobody re-reads the profile per event.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from kmclient.core.model import (
    AwarenessReceived,
    ChangesAttributed,
    ConnState,
    CoverageChanged,
    DocChanged,
    EngineEvent,
    FlagReportReceived,
    IndexProgress,
    MustReadArrived,
    NotificationArrived,
    QueryAnswered,
    QuietModeEnded,
    RecordsChanged,
    RequestAnswered,
    RequestFailed,
    StatusChanged,
    SyncCompleted,
)
from kmclient.core.sync_engine import SyncEngine
from kmclient.net.backoff import Backoff
from kmclient.ui.shell import gc_pacing

log = logging.getLogger(__name__)

SLICE_S = 0.016  # GUI-thread time for engine work before input and paints get a turn
# A sync that brings more documents than this freezes what it brought (gc_pacing.py).
BIG_SYNC_DOCS = 400


class EngineBridge(QObject):
    # tuple[DocChanged, ...]: consecutive documents' events, in the order told; the
    # signals of other events told around them come before or after, in order.
    docsChanged = Signal(object)
    changesAttributed = Signal(object)  # {doc_id: user name}
    statusChanged = Signal(object)  # SyncStatus
    # SyncStatus, only when its state moves: what a new sync or a new user can change.
    # statusChanged also fires for progress and for every keystroke's unconfirmed 0 -> 1 -> 0.
    stateChanged = Signal(object)
    syncCompleted = Signal(object)  # SyncCompleted
    indexProgress = Signal(object)  # IndexProgress
    awarenessReceived = Signal(str, bytes)  # doc id, y-protocols awareness update
    requestAnswered = Signal(object)  # RequestAnswered (create_doc, set_meta)
    recordsChanged = Signal(object)  # RecordsChanged (flags, comments, notes, notifications)
    notificationArrived = Signal(object, bool)  # Notification, popup
    quietModeEnded = Signal(object)  # tuple of Notification held during quiet mode
    requestFailed = Signal(object)  # RequestFailed (a refused flag/comment/note request)
    queryAnswered = Signal(object)  # QueryAnswered (history, revision, review queue, ...)
    flagReportReceived = Signal(object)  # FlagReport
    mustReadArrived = Signal(object, bool)  # MustRead, popup
    mustReadsHeld = Signal(object)  # tuple of MustRead that arrived during quiet mode
    coverageChanged = Signal(str)  # "<doc>@<rev>": someone acknowledged or opened it
    closed = Signal()

    _wake = Signal()

    def __init__(
        self,
        profile_dir: Path,
        *,
        backoff: Backoff | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._queue: deque[Callable[[], object]] = deque()
        self._lock = threading.Lock()
        self._scheduled = False  # a wake-up or a slice timer is on its way
        # Queued even when emitted on the GUI thread: a post never runs inside its caller.
        self._wake.connect(self._drain, Qt.ConnectionType.QueuedConnection)
        self._slice_timer = QTimer(self)
        self._slice_timer.setSingleShot(True)
        self._slice_timer.setInterval(0)
        self._slice_timer.timeout.connect(self._drain)
        self._closed = False
        self._state: ConnState | None = None
        self._gc_held = False  # full garbage collections held off while this engine syncs
        self.engine = SyncEngine(profile_dir, self.post, backoff=backoff, client_name="kmclient-qt")
        self._unlisten = self.engine.listen_batches(self._on_events)

    def post(self, fn: Callable[[], object]) -> None:
        """Thread-safe: run ``fn`` on the GUI thread soon, in posting order."""
        if self._closed:
            return
        with self._lock:
            self._queue.append(fn)
            if self._scheduled:
                return
            self._scheduled = True
        self._wake.emit()

    @Slot()
    def _drain(self) -> None:
        deadline = time.perf_counter() + SLICE_S
        while not self._closed:
            with self._lock:
                if not self._queue:
                    self._scheduled = False
                    return
                fn = self._queue.popleft()
            try:
                fn()
            except Exception:  # one bad callable must not take the event loop down
                log.exception("engine work failed on the GUI thread")
            if time.perf_counter() > deadline:
                self._slice_timer.start()  # the rest after input, paints and timers
                return

    def _on_events(self, events: list[EngineEvent]) -> None:
        run: list[DocChanged] = []
        for event in events:
            if isinstance(event, DocChanged):
                run.append(event)
                continue
            if run:
                self.docsChanged.emit(tuple(run))
                run = []
            self._on_event(event)
        if run:
            self.docsChanged.emit(tuple(run))

    def _on_event(self, event: EngineEvent) -> None:
        if isinstance(event, StatusChanged):
            self.statusChanged.emit(event.status)
            if event.status.state != self._state:
                self._state = event.status.state
                self._pace_gc(event.status.state == ConnState.SYNCING, event.status.total)
                self.stateChanged.emit(event.status)
        elif isinstance(event, SyncCompleted):
            self.syncCompleted.emit(event)
        elif isinstance(event, IndexProgress):
            self.indexProgress.emit(event)
        elif isinstance(event, AwarenessReceived):
            self.awarenessReceived.emit(event.doc_id, event.payload)
        elif isinstance(event, ChangesAttributed):
            self.changesAttributed.emit(event.authors)
        elif isinstance(event, RequestAnswered):
            self.requestAnswered.emit(event)
        elif isinstance(event, RecordsChanged):
            self.recordsChanged.emit(event)
        elif isinstance(event, NotificationArrived):
            self.notificationArrived.emit(event.notification, event.popup)
        elif isinstance(event, QuietModeEnded):
            self.quietModeEnded.emit(event.held)
            if event.must_reads:
                self.mustReadsHeld.emit(event.must_reads)
        elif isinstance(event, MustReadArrived):
            self.mustReadArrived.emit(event.must_read, event.popup)
        elif isinstance(event, CoverageChanged):
            self.coverageChanged.emit(event.id)
        elif isinstance(event, RequestFailed):
            self.requestFailed.emit(event)
        elif isinstance(event, FlagReportReceived):
            self.flagReportReceived.emit(event.report)
        elif isinstance(event, QueryAnswered):
            self.queryAnswered.emit(event)

    def _pace_gc(self, syncing: bool, total: int) -> None:
        if syncing and not self._gc_held:
            self._gc_held = True
            gc_pacing.hold()
        elif not syncing and self._gc_held:
            self._gc_held = False
            gc_pacing.release(freeze=total > BIG_SYNC_DOCS)

    @property
    def is_closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Store everything, stop the engine's threads, release the profile."""
        if self._closed:
            return
        self._unlisten()
        self._slice_timer.stop()
        self._pace_gc(False, 0)
        try:
            self.engine.close()
        finally:
            self._closed = True
            self._queue.clear()
            self.closed.emit()
