"""Passage anchors for flags, comments and notes: make them, find them again.

An anchor is two sticky indices on the document's ``body`` text (start with
``Assoc.AFTER`` on the passage's first character, end with ``Assoc.BEFORE``
on its last) plus the passage as it read (docs/protocol.md, section 4). Sticky
indices name characters by CRDT id, so the passage is found again whatever
was inserted or deleted around or inside it, on any client that has the
characters' updates.

pycrdt 0.14's own ``sticky_index``/``get_index`` are wrong for non-ASCII text
(their units are mixed), so this uses ``StickyCodec`` (kmclient/core/sticky.py,
Qt-free, imported as is), which works in Qt positions (UTF-16 units); the
functions here take and give *character* indices (Python ``str`` indices).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable

from pycrdt import Assoc, Text

from kmclient.core.feedback_model import Anchor
from kmclient.core.offsets import OffsetMap
from kmclient.core.sticky import StickyCodec
from kmserver.protocol.feedback import MAX_QUOTE

Span = tuple[int, int]


def make_anchor(text: Text, start: int, end: int) -> Anchor:
    """The anchor of ``str(text)[start:end]`` (character indices, ``start < end``).

    Must not run inside an observer callback of the text's Doc (pycrdt panics
    on ``get_update`` there)."""
    model = str(text)
    if not 0 <= start < end <= len(model):
        raise ValueError(f"passage {start}..{end} is not inside the text (0..{len(model)})")
    codec = StickyCodec(text, model)
    offsets = OffsetMap(model)
    first = codec.sticky_at(offsets.index_to_utf16(start), Assoc.AFTER)
    last = codec.sticky_at(offsets.index_to_utf16(end), Assoc.BEFORE)
    return Anchor(_b64(first.encode()), _b64(last.encode()), model[start:end][:MAX_QUOTE])


def resolve_anchors(text: Text, anchors: Iterable[Anchor | None]) -> list[Span | None]:
    """Where each passage is now, as character indices into ``str(text)``; None
    when it is gone (deleted), malformed, or not received here yet (show its quote)."""
    model = str(text)
    codec = StickyCodec(text, model)  # one codec (and at most one copy) for all
    offsets = OffsetMap(model)
    found: list[Span | None] = []
    for anchor in anchors:
        span = None
        if anchor is not None:
            start = codec.position_of(_unb64(anchor.start))
            end = codec.position_of(_unb64(anchor.end))
            if start is not None and end is not None:
                first, last = offsets.utf16_to_index(start), offsets.utf16_to_index(end)
                if first < last:  # all of it deleted: both ends meet where it was
                    span = (first, last)
        found.append(span)
    return found


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: str) -> bytes | None:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
