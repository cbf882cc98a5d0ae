"""Who else has a document open, and where their caret is (y-protocols awareness).

Qt-free. The state we publish follows the Yjs convention, so stock Yjs
editors on ``/y/<doc>`` (y-codemirror, y-prosemirror) show us too::

    {"user": {"name": "olle", "color": "#2f6fdb"},
     "cursor": {"anchor": <sticky index JSON>, "head": <sticky index JSON>} | null,
     "mode": "editing" | "viewing"}

Sticky indices are pycrdt's ``StickyIndex.to_json()`` (the same shape as a
Yjs ``RelativePosition`` JSON). Like y-protocols, a state not renewed within
30 s counts as gone, and we renew ours every 15 s; a ``null`` state is an
explicit goodbye.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kmserver.protocol import awareness as wire
from kmserver.protocol.codec import ProtocolError

OUTDATED_AFTER = 30.0
RENEW_EVERY = 15.0

# Distinct, readable on light and dark backgrounds, and none of them the accent blue.
PEER_COLOURS = (
    "#e8590c",
    "#2b8a3e",
    "#c2255c",
    "#7048e8",
    "#0b7285",
    "#a61e4d",
    "#5c940d",
    "#d9480f",
    "#1971c2",
    "#9c36b5",
)


def colour_for(name: str) -> str:
    """A stable colour per user name, the same on every client."""
    return PEER_COLOURS[zlib.crc32(name.encode("utf-8")) % len(PEER_COLOURS)]


@dataclass(frozen=True)
class Peer:
    client_id: int
    name: str
    colour: str
    anchor: Any  # sticky index JSON, or None
    head: Any
    editing: bool
    changed_at: float  # when their state last changed (their caret moves as they type)


class Awareness:
    def __init__(
        self,
        client_id: int,
        name: str,
        colour: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client_id = client_id
        self.name = name
        self.colour = colour or colour_for(name)
        self._now = clock
        self._clock = 0
        self._state: dict[str, Any] | None = None
        self._peers: dict[int, tuple[int, Peer | None, float]] = {}  # id -> clock, peer, seen

    # -- our state -----------------------------------------------------------------

    def set_local(self, cursor: tuple[Any, Any] | None, editing: bool) -> bytes:
        """Our new state as an awareness update to send."""
        self._state = {
            "user": {"name": self.name, "color": self.colour},
            "cursor": None if cursor is None else {"anchor": cursor[0], "head": cursor[1]},
            "mode": "editing" if editing else "viewing",
        }
        return self._encode()

    def renew(self) -> bytes | None:
        """The same state with a new clock (keep-alive), or None before set_local()."""
        return None if self._state is None else self._encode()

    def leave(self) -> bytes:
        self._state = None
        return self._encode()

    def _encode(self) -> bytes:
        self._clock += 1
        text = "null" if self._state is None else json.dumps(self._state, separators=(",", ":"))
        return wire.encode([(self.client_id, self._clock, text)])

    # -- others ---------------------------------------------------------------------

    def apply(self, payload: bytes) -> bool:
        """Take an update from the room; True if what we show changed."""
        try:
            entries = wire.parse(payload)
        except ProtocolError:
            return False
        now = self._now()
        changed = False
        for client_id, clock, text in entries:
            if client_id == self.client_id:
                continue  # our own state, echoed
            known = self._peers.get(client_id)
            if known is not None and (clock < known[0] or (clock == known[0] and text != "null")):
                continue  # old news (y-protocols: equal clock only counts as a removal)
            try:
                state = json.loads(text)
            except ValueError:
                continue
            old = known[1] if known else None
            peer = self._peer(client_id, state, old, now)
            self._peers[client_id] = (clock, peer, now)
            changed |= _shown(old) != _shown(peer)
        return changed

    def _peer(self, client_id: int, state: Any, old: Peer | None, now: float) -> Peer | None:
        if not isinstance(state, dict):
            return None
        user = state.get("user") if isinstance(state.get("user"), dict) else {}
        name = str(user.get("name") or "someone")
        colour = str(user.get("color") or colour_for(name))
        cursor = state.get("cursor") if isinstance(state.get("cursor"), dict) else None
        anchor = cursor.get("anchor") if cursor else None
        head = cursor.get("head") if cursor else None
        editing = state.get("mode", "editing" if cursor else "viewing") == "editing"
        moved = old is None or (old.anchor, old.head, old.editing) != (anchor, head, editing)
        changed_at = now if moved else old.changed_at
        return Peer(client_id, name, colour, anchor, head, editing, changed_at)

    def expire(self) -> bool:
        """Forget states not renewed for OUTDATED_AFTER seconds; True if any went."""
        limit = self._now() - OUTDATED_AFTER
        gone = [cid for cid, (_, peer, seen) in self._peers.items() if peer and seen < limit]
        for cid in gone:
            clock, _, seen = self._peers[cid]
            self._peers[cid] = (clock, None, seen)
        return bool(gone)

    def peers(self) -> list[Peer]:
        """Colleagues present now, by name."""
        found = [p for _, p, _ in self._peers.values() if p is not None]
        return sorted(found, key=lambda p: (p.name.casefold(), p.client_id))

    def likely_author(self, within: float = 5.0) -> str | None:
        """Who probably made the change that just arrived: the editor whose caret
        moved last, if recently. Live updates carry no author on the wire."""
        editing = [p for p in self.peers() if p.editing]
        if not editing:
            return None
        latest = max(editing, key=lambda p: p.changed_at)
        if len({p.name for p in editing}) == 1 or self._now() - latest.changed_at <= within:
            return latest.name
        return None


def _shown(peer: Peer | None) -> tuple[Any, ...] | None:
    if peer is None:
        return None
    return (peer.name, peer.colour, json.dumps([peer.anchor, peer.head]), peer.editing)
