"""Exact sticky indices on a pycrdt 0.14 ``Text`` holding non-ASCII text. Qt-free.

A sticky index names a character by its CRDT id (client, clock), so it keeps
pointing at the same place whatever colleagues insert or delete; we use them for
remote carets (and they suit comment anchors). Verified on pycrdt 0.14.13:

* ``Text.sticky_index(i, assoc)`` and ``StickyIndex.get_index()`` use a *mixed*
  unit: the items (runs of characters inserted together) before the position
  count in UTF-8 bytes, but the offset inside the item holding the position
  counts in UTF-16 units (the CRDT clock). With "åäö" earlier in the same item,
  byte offsets name the wrong character, or one that does not exist; a later
  ``get_index()`` then panics. Only ASCII text is safe to use directly.
* Both are exact when the position is at the *start* of an item. So we copy the
  doc (copies keep the ids), split the item at the character we want by
  formatting it in the copy, and read the id there (:meth:`StickyCodec.sticky_at`).
  To resolve an id (:meth:`StickyCodec.position_of`), ``get_index()`` on the real
  doc gives a byte offset that lands on a character of the same item, at or
  before the named one; its exact id (from the copy) and the clock difference
  give the exact position. Deleted characters resolve to where they were.
* Rust panics (``pyo3_runtime.PanicException``, a ``BaseException``) on:
  ``Assoc.AFTER`` at the end of the text (we use ``BEFORE`` there); resolving an
  id this doc has not received yet (awareness can overtake the update; we check
  the state vector first); malformed ``decode``/``from_json`` input (caught).
* ``Doc.get_state()`` / ``get_update()`` panic inside an observer callback, so do
  not use a codec from inside one.

Positions here are Qt positions (UTF-16 code units). Copying the doc costs about
as much as one ``get_update``/``apply_update`` round, paid at most once per codec
and only for non-ASCII text, so make one codec per batch (all carets of a redraw).
"""

from __future__ import annotations

import json
from typing import Any

from pycrdt import Assoc, Decoder, Doc, StickyIndex, Text

from kmclient.core.offsets import OffsetMap

StickyData = bytes | dict[str, Any] | str | StickyIndex
"""A sticky index as sent by a peer: ``encode()`` bytes, ``to_json()`` dict or its JSON string."""


def state_vector(doc: Doc) -> dict[int, int]:
    """client id -> clock of the next item we expect from it (all before it are here)."""
    decoder = Decoder(doc.get_state())
    return {
        decoder.read_var_uint(): decoder.read_var_uint() for _ in range(decoder.read_var_uint())
    }


def decode_sticky(data: StickyData, text: Text) -> StickyIndex | None:
    """A peer's sticky index bound to ``text``, or None if it is malformed."""
    try:
        if isinstance(data, StickyIndex):
            return StickyIndex(data._sticky_index, text)
        if isinstance(data, str):
            data = json.loads(data)
        if isinstance(data, dict):
            item = data.get("item")
            if not (
                (isinstance(item, dict) and {"client", "clock"} <= item.keys())
                or "tname" in data
                or "type" in data
            ):
                return None
            return StickyIndex.from_json(data, text)
        return StickyIndex.decode(bytes(data), text)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # pyo3's PanicException on malformed input derives from BaseException
        return None


class StickyCodec:
    """Qt position <-> sticky index for one state of a ``Text``.

    ``model`` must equal ``str(text)``; make a new codec after the text changes.
    """

    def __init__(self, text: Text, model: str | None = None) -> None:
        self._text = text
        self._model = str(text) if model is None else model
        self._map = OffsetMap(self._model)
        self._ascii = self._model.isascii()  # then mixed units == bytes: no copy needed
        self._twin: Text | None = None
        self._split = 0
        self._ids: dict[int, tuple[int, int]] = {}
        self._known: dict[int, int] | None = None

    def sticky_at(self, position: int, assoc: Assoc = Assoc.AFTER) -> StickyIndex:
        """Sticky index at a Qt position: ``AFTER`` keeps to the character on the right,
        ``BEFORE`` to the one on the left (``AFTER`` at the very end becomes ``BEFORE``)."""
        index = self._map.utf16_to_index(position)
        if assoc == Assoc.AFTER and index >= len(self._model):
            assoc = Assoc.BEFORE
        if assoc == Assoc.BEFORE and index == 0:
            return self._text.sticky_index(0, Assoc.BEFORE)  # "start of the text"
        named = index if assoc == Assoc.AFTER else index - 1
        offset = self._map.index_to_utf8(named)
        source = self._text if self._ascii else self._isolate(named)
        # With BEFORE, pycrdt steps one back from the index it is given.
        raw = source.sticky_index(offset + (assoc == Assoc.BEFORE), assoc)
        return StickyIndex(raw._sticky_index, self._text)

    def position_of(self, data: StickyData | None) -> int | None:
        """Qt position of a sticky index, or None if it is malformed or not placeable yet."""
        sticky = None if data is None else decode_sticky(data, self._text)
        if sticky is None:
            return None
        spec = sticky.to_json()
        item = spec.get("item")
        if item is not None:
            if self._known is None:
                self._known = state_vector(self._text.doc)
            if item["clock"] >= self._known.get(item["client"], 0):
                return None  # that character's update has not arrived yet
        try:
            mixed = sticky.get_index()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # pycrdt panics instead of returning "unknown"
            return None
        if item is None or self._ascii:
            return self._map.utf8_to_utf16(mixed)
        before = spec.get("assoc", 0) < 0
        exact = self._exact_index(item["client"], item["clock"], mixed - before)
        if exact is None:  # deleted character: pycrdt's offset is then plain bytes
            return self._map.utf8_to_utf16(mixed)
        return self._map.index_to_utf16(exact + before)

    # --- internals ---------------------------------------------------------------

    def _copy(self) -> Text:
        if self._twin is None:
            name = self._text.sticky_index(0, Assoc.BEFORE).to_json().get("tname")
            if name is None:
                raise ValueError("StickyCodec needs a root-level Text (doc['body'])")
            twin = Doc()
            twin.apply_update(self._text.doc.get_update())
            self._twin = twin.get(name, type=Text)
        return self._twin

    def _isolate(self, index: int) -> Text:
        """Make the character at ``index`` start an item in the copy, where ids are the same."""
        twin = self._copy()
        start = self._map.index_to_utf8(index)
        end = self._map.index_to_utf8(index + 1)
        self._split += 1  # a fresh attribute each time, so a boundary is always inserted
        twin.format(start, end, {f"kmclient.split.{self._split}": True})
        return twin

    def _id_at(self, index: int) -> tuple[int, int]:
        if index not in self._ids:
            twin = self._isolate(index)
            item = twin.sticky_index(self._map.index_to_utf8(index), Assoc.AFTER).to_json()
            self._ids[index] = (item["item"]["client"], item["item"]["clock"])
        return self._ids[index]

    def _exact_index(self, client: int, clock: int, mixed: int) -> int | None:
        """Code-point index of the character (client, clock), given pycrdt's mixed offset."""
        # The mixed offset is at or before the character's byte offset, within its item.
        probe = self._map.utf8_to_index(mixed)
        if probe >= len(self._model):
            return None
        probe_client, probe_clock = self._id_at(probe)
        if probe_client != client or probe_clock > clock:
            return None
        # Inside one item, clocks advance one per UTF-16 unit.
        target_u16 = self._map.index_to_utf16(probe) + (clock - probe_clock)
        target = self._map.utf16_to_index(target_u16)
        if target >= len(self._model) or self._id_at(target) != (client, clock):
            return None
        return target
