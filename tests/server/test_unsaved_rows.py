"""Which lagging document rows the writer writes next (kmserver/unsaved_rows.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from kmserver.unsaved_rows import FLUSH_PER_BATCH, FLUSH_SECONDS, Unsaved, UnsavedRows

STAMP = datetime(2026, 11, 30, tzinfo=UTC)


def _lag(seq: int, since: float, count: int = 1, author: str = "olle") -> Unsaved:
    return Unsaved(seq, count, author, STAMP, since)


def test_rows_come_due_oldest_first_a_batch_at_a_time() -> None:
    rows = UnsavedRows()
    rows.committed(set(), {f"d{i}": _lag(i, since=float(i)) for i in range(20)})
    assert rows.due(now=0.0 + FLUSH_SECONDS - 0.01) == []
    assert rows.due(now=2.0 + FLUSH_SECONDS) == ["d0", "d1", "d2"]
    assert rows.due(now=100.0) == [f"d{i}" for i in range(FLUSH_PER_BATCH)]
    assert rows.all() == [f"d{i}" for i in range(20)]


def test_a_commit_adds_to_a_lagging_row_without_moving_it_and_clears_what_it_wrote() -> None:
    rows = UnsavedRows()
    rows.committed(set(), {"a": _lag(5, since=1.0, count=2), "b": _lag(6, since=2.0)})
    rows.committed(set(), {"a": _lag(9, since=3.0, count=3, author="sara")})
    lag = rows.get("a")
    assert lag is not None
    assert (lag.seq, lag.count, lag.author, lag.since) == (9, 5, "sara", 1.0)
    assert rows.all() == ["a", "b"] and rows.count("a") == 5
    # written and edited again in the same batch: lags anew, from now
    rows.committed({"a"}, {"a": _lag(12, since=7.0)})
    assert rows.all() == ["b", "a"] and rows.count("a") == 1
    rows.committed({"a", "b"}, {})
    assert not rows and rows.count("a") == 0 and "a" not in rows
