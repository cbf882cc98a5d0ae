"""The profile's search index, opened on the indexer thread when first wanted.

Opening the index means importing Whoosh and the search modules (~0.1 s of
the GUI thread at start) and reading the segment list: none of it is needed
to show a window. An engine made for a window (``with deferred():``) has its
handle wait until the window has painted (``want``); any other (the command
line, the tests) opens at once, on the indexer thread. Anything that needs the index sooner
(a search typed in the first moment, ``Replica.index``) asks for it with
``get``, which opens it now and waits: a search is late, never wrongly empty.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from kmclient.core.search_result import SearchResult

if TYPE_CHECKING:  # the real import is Whoosh's: done where the index is opened
    from kmclient.core.search import SearchIndex

_deferring = threading.local()


@contextmanager
def deferred() -> Iterator[None]:
    """Handles made in this block (on this thread) open only when wanted: for an
    engine whose window asks after its first paint."""
    before = getattr(_deferring, "on", False)
    _deferring.on = True
    try:
        yield
    finally:
        _deferring.on = before


class IndexHandle:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._cond = threading.Condition()
        self._wanted = not getattr(_deferring, "on", False)
        self._cancelled = False  # the indexer stopped before it was wanted
        self._done = False  # opened, failed or cancelled
        self._index: SearchIndex | None = None
        self._error: BaseException | None = None

    @property
    def is_open(self) -> bool:
        with self._cond:
            return self._index is not None

    def want(self) -> None:
        """Open it now (any thread); returns at once."""
        with self._cond:
            self._wanted = True
            self._cond.notify_all()

    def cancel(self) -> None:
        """The indexer is stopping: if the index was not wanted yet, it never opens."""
        with self._cond:
            self._cancelled = True
            self._cond.notify_all()

    def open_when_wanted(self) -> SearchIndex | None:
        """On the indexer thread: wait until wanted, then open; None if cancelled first."""
        with self._cond:
            while not self._wanted and not self._cancelled:
                self._cond.wait()
            if not self._wanted:
                self._done = True
                self._cond.notify_all()
                return None
        index: SearchIndex | None = None
        try:
            from kmclient.core.search import SearchIndex  # Whoosh: imported here, not at start

            index = SearchIndex(self.path)
        except BaseException as exc:
            with self._cond:
                self._error = exc
            raise
        finally:
            with self._cond:
                self._index = index
                self._done = True
                self._cond.notify_all()
        return index

    def wait_done(self) -> None:
        """Wait (without asking for it) until the index is open, failed to open or
        will never open (the indexer stopped first)."""
        with self._cond:
            while not self._done:
                self._cond.wait()

    def get(self) -> SearchIndex:
        """The open index: asks for it and waits until the indexer thread has opened it."""
        with self._cond:
            self._wanted = True
            self._cond.notify_all()
            while not self._done:
                self._cond.wait()
            if self._index is None:
                raise RuntimeError(f"the search index {self.path} is not open") from self._error
            return self._index

    def search(
        self, query: str, topics: Iterable[str] | None = None, limit: int = 20
    ) -> list[SearchResult]:
        """``SearchIndex.search``, once the index is open (``SearchWorker`` calls it)."""
        return self.get().search(query, topics=topics, limit=limit)

    def close(self) -> None:
        """Close the index if it was opened (after the indexer thread has stopped)."""
        with self._cond:
            index = self._index
        if index is not None:
            index.close()
