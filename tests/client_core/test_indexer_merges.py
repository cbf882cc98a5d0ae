"""The index worker does the merges that commits left for later once its
queue is empty, and not while documents wait to be indexed."""

from __future__ import annotations

import threading
from collections.abc import Callable

from kmclient.core.indexer import IndexEntry, IndexWorker


class FakeIndex:
    """Records writes and idle merges; two merges are pending at first."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.pending_merges = 2
        self.merged = threading.Event()

    def doc_count(self) -> int:
        return 1

    def upsert_many(self, docs: list) -> int:
        self.calls.append(f"upsert {len(docs)}")
        return len(docs)

    def remove_many(self, ids: list) -> None:
        self.calls.append(f"remove {len(ids)}")

    def merge_idle(self) -> bool:
        self.calls.append("merge_idle")
        if self.pending_merges:
            self.pending_merges -= 1
            return True
        self.merged.set()
        return False


def run(fn: Callable[[], object]) -> None:
    fn()


def test_idle_merges_run_after_the_queue_empties() -> None:
    index = FakeIndex()
    worker = IndexWorker(index, None, run, lambda: None, lambda p: None, settle=0)  # type: ignore[arg-type]
    worker.start()
    try:
        worker.pause()  # (both in one batch)
        worker.submit("a", IndexEntry(1, "Title", "body", ()))
        worker.submit("b", IndexEntry(2, None))
        worker.resume()
        assert index.merged.wait(5)
        assert index.calls == ["upsert 1", "remove 1", "merge_idle", "merge_idle", "merge_idle"]
        assert worker.take_committed() == {"a": 1, "b": 2}
    finally:
        worker.stop()


def test_no_idle_merges_while_paused() -> None:
    index = FakeIndex()
    worker = IndexWorker(index, None, run, lambda: None, lambda p: None, settle=0)  # type: ignore[arg-type]
    worker.start()
    try:
        worker.pause()
        worker.submit("a", IndexEntry(1, "Title", "body", ()))
        assert not index.merged.wait(0.2)  # nothing runs while paused
        assert index.calls == []
        worker.resume()
        assert index.merged.wait(5)
        assert index.calls[0] == "upsert 1"
    finally:
        worker.stop()
