"""Which document rows lag their log, and which of them the writer writes next.

A batch of edits commits its log entries at once; the rows' bookkeeping of
those entries (kmserver/store/row_bookkeeping.py) waits here until the row is
``FLUSH_SECONDS`` behind, so that a document edited ten times a second has its
row written about once a second instead of ten times. The writer thread owns
this (no lock): it changes only after a commit, with what that commit saved
and what it left unsaved.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from kmserver.store.row_bookkeeping import FLUSH_SECONDS

FLUSH_PER_BATCH = 8  # rows written by one batch of edits (each: its text, one UPDATE)


@dataclass
class Unsaved:
    """Committed update entries of one document that its row does not yet count."""

    seq: int  # the newest
    count: int
    author: str | None  # of the newest
    stamp: datetime  # when the newest was committed
    since: float = 0.0  # monotonic: when the row first lagged


class UnsavedRows:
    def __init__(self) -> None:
        self._rows: OrderedDict[str, Unsaved] = OrderedDict()  # the longest lagging first

    def __bool__(self) -> bool:
        return bool(self._rows)

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._rows

    def get(self, doc_id: str) -> Unsaved | None:
        return self._rows.get(doc_id)

    def count(self, doc_id: str) -> int:
        """Update rows of the document that its row does not count yet."""
        found = self._rows.get(doc_id)
        return found.count if found is not None else 0

    def all(self) -> list[str]:
        return list(self._rows)

    def due(self, now: float, limit: int = FLUSH_PER_BATCH) -> list[str]:
        """Up to ``limit`` documents whose rows have lagged ``FLUSH_SECONDS`` or more."""
        found = []
        for doc_id, unsaved in self._rows.items():
            if len(found) >= limit or now - unsaved.since < FLUSH_SECONDS:
                break  # oldest first: the rest lag less
            found.append(doc_id)
        return found

    def committed(self, saved: set[str], added: dict[str, Unsaved]) -> None:
        """After a commit: rows it wrote are up to date; entries it added wait."""
        for doc_id in saved:
            self._rows.pop(doc_id, None)
        for doc_id, new in added.items():
            old = self._rows.get(doc_id)
            if old is None:
                self._rows[doc_id] = new
            else:
                old.seq, old.author, old.stamp = new.seq, new.author, new.stamp
                old.count += new.count
