"""Bursts of editing: one per (document, author), ended by a quiet spell. Pure.

Every committed CRDT update extends its author's burst on that document; a
burst ends when the author has not changed the document for ``quiet``
seconds (or after ``longest`` seconds, so a whole day of typing still gives
a digest now and then). The event loop feeds it from the log tail and asks
which bursts are due on each tick; times come from the server's clock, which
tests replace.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

LONGEST_BURST = 3600.0


@dataclass(slots=True)
class Burst:
    doc_id: str
    author: str
    first_seq: int
    last_seq: int
    count: int
    started: datetime
    last: datetime

    @property
    def trigger(self) -> str:
        """Names the burst for its notifications (stable across restarts)."""
        return f"edit:{self.doc_id}:{self.author}:{self.first_seq}"


class Bursts:
    def __init__(self, quiet: float, longest: float = LONGEST_BURST) -> None:
        self.quiet = timedelta(seconds=quiet)
        self.longest = timedelta(seconds=longest)
        self.open: dict[tuple[str, str], Burst] = {}
        self.observed = 0  # the newest sequence number fed in

    def observe(self, doc_id: str, author: str, seq: int, at: datetime) -> Burst | None:
        """Count one update; returns the burst if this update started it."""
        self.observed = max(self.observed, seq)
        burst = self.open.get((doc_id, author))
        if burst is not None:
            burst.last_seq, burst.count, burst.last = seq, burst.count + 1, max(burst.last, at)
            return None
        burst = Burst(doc_id, author, seq, seq, 1, at, at)
        self.open[(doc_id, author)] = burst
        return burst

    def pop_due(self, now: datetime) -> list[Burst]:
        due = [
            b
            for b in self.open.values()
            if now - b.last >= self.quiet or now - b.started >= self.longest
        ]
        for burst in due:
            del self.open[(burst.doc_id, burst.author)]
        return due

    def state(self) -> dict:
        """What a restart needs to tell exactly the bursts not told yet (see ``restore``)."""
        return {
            "upto": self.observed,
            "open": [[b.doc_id, b.author, b.first_seq] for b in self.open.values()],
        }

    def restore(self, state: dict, entries: list[tuple[int, str, str, datetime]]) -> None:
        """Rebuild the open bursts from the log after a restart.

        ``entries`` are (seq, doc, author, committed at) of the updates after the
        saved state's low mark. Up to ``upto`` only the bursts open then count
        (from their first update on); past it, every update does. A rebuilt
        burst keeps its first sequence number, so its notifications keep their ids.
        """
        upto = int(state.get("upto", 0))
        firsts = {(doc, author): int(first) for doc, author, first in state.get("open", [])}
        self.observed = max(self.observed, upto)
        for seq, doc_id, author, at in entries:
            first = firsts.get((doc_id, author))
            if seq <= upto and (first is None or seq < first):
                continue
            at = at if at.tzinfo else at.replace(tzinfo=UTC)
            started = self.observe(doc_id, author, seq, at)
            if started is not None and first is not None:
                started.first_seq = first  # compaction may have merged the first update away
