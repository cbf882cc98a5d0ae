"""Whole CRDT states of recently asked documents, kept until the document changes.

A state request (a client's sync step 1, a /y/ socket opening) costs a database
read of the whole document and, for a client that holds nothing, the whole
state sent back. A reader that keeps asking for a 2 MiB document made the
server read, merge and copy 2 MiB per ask, on the event loop between two honest
editors' acknowledgements (docs/benchmarks.md, "Under attack"). Here the state
is read once per version of the document (the hub's ``seq`` for the working
copy, ``pub_seq`` and ``rev`` for the published one) and the answer to "I hold
nothing" is built once per stream: every ask after the first is a dictionary
look-up, and every queued answer shares one bytes object.

A state read after the hub learned of version ``v`` holds at least ``v`` (a
commit reaches the hub after it is visible to readers), so an entry is never
older than its key; it may be newer, which a CRDT peer applies harmlessly.
Bounded in bytes (least recently used out first); an entry larger than a
quarter of the bound is served but not kept.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable

MIB = 1024 * 1024
STATE_CACHE_BYTES = 32 * MIB
EMPTY_STATE_VECTOR = b"\x00"  # a Yjs state vector with no clients: "I hold nothing"


class CachedState:
    """One stream's whole state at one version, and answers built from it."""

    __slots__ = ("_frames", "_grew", "size", "state")

    def __init__(self, state: bytes, grew: Callable[[int], None] | None = None) -> None:
        self.state = state
        self._frames: dict[Hashable, bytes] = {}
        self.size = len(state)
        self._grew = grew

    def frame(self, key: Hashable, build: Callable[[bytes], bytes]) -> bytes:
        """``build(state)``, built once per ``key`` (e.g. the /ws answer to an empty
        state vector on one stream name) and shared by every caller after."""
        frame = self._frames.get(key)
        if frame is None:
            frame = self._frames[key] = build(self.state)
            self.size += len(frame)
            if self._grew is not None:
                self._grew(len(frame))
        return frame


class StateCache:
    def __init__(self, max_bytes: int = STATE_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[str, bool], tuple[Hashable, CachedState]] = OrderedDict()
        self.bytes = 0  # kept entries' states and frames
        self.hits = 0
        self.misses = 0

    def get(self, doc_id: str, published: bool, version: Hashable) -> CachedState | None:
        key = (doc_id, published)
        found = self._entries.get(key)
        if found is None or found[0] != version:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return found[1]

    def put(self, doc_id: str, published: bool, version: Hashable, state: bytes) -> CachedState:
        """Keep ``state`` as ``doc_id``'s at ``version`` (replacing an older version)."""
        key = (doc_id, published)
        old = self._entries.pop(key, None)
        if old is not None:
            old[1]._grew = None
            self.bytes -= old[1].size
        if len(state) > self.max_bytes // 4:
            return CachedState(state)  # served, not kept
        entry = CachedState(state, self._grew)
        self._entries[key] = (version, entry)
        self._grew(entry.size)
        return entry

    def _grew(self, size: int) -> None:
        self.bytes += size
        while self.bytes > self.max_bytes and self._entries:
            _, (_, entry) = self._entries.popitem(last=False)
            entry._grew = None
            self.bytes -= entry.size

    def __len__(self) -> int:
        return len(self._entries)
