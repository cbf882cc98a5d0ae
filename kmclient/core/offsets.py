"""Position conversions between the three ways our text is indexed.

* **index**: Python ``str`` index, in code points.
* **utf16**: Qt positions (``QTextCursor.position()``), in UTF-16 code units;
  every astral character (emoji, U+10000 and up) takes two units.
* **utf8**: pycrdt 0.14 ``Text`` offsets (insert/delete indices, event deltas,
  sticky indices), in UTF-8 bytes; å/ä/ö take 2 bytes, an emoji 4.

All functions take the full text the position refers to and are pure.

Snapping: a position that falls *inside* a character (between the two units of
a surrogate pair, or inside a multi-byte UTF-8 sequence) is snapped to the start
of that character (``snap="down"``, the default) or to its end (``snap="up"``).
It is never passed through, because pycrdt silently corrupts the document on an
offset inside a character. Range functions snap the start down and the end up,
so a range that touches part of a character covers all of it; an empty range
stays empty (both ends snap down). Positions outside ``[0, len]`` are clamped.

Lone surrogates in the Python string (which Qt can hand us, but which can never
be stored in a pycrdt ``Text``) count as one UTF-16 unit and three UTF-8 bytes.

Cost: the free functions slice a prefix and encode/scan only that prefix in C,
about 0.1 ms for a position 100 KB into a document. For many conversions
against the same text (a delta walk, drawing many remote carets), build an
:class:`OffsetMap` once: lookups are then ``O(log n)``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Literal

Snap = Literal["down", "up"]

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_NON_ASCII = re.compile("[^\x00-\x7f]")


def _clamp(value: int, upper: int) -> int:
    return 0 if value < 0 else upper if value > upper else value


def _check_snap(snap: Snap) -> None:
    if snap not in ("down", "up"):
        raise ValueError(f"snap must be 'down' or 'up', not {snap!r}")


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (what Qt calls its length)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def utf8_len(text: str) -> int:
    """Length of ``text`` in UTF-8 bytes (what pycrdt 0.14 calls its length)."""
    return len(text.encode("utf-8", "surrogatepass"))


# --- code points <-> UTF-16 -------------------------------------------------


def index_to_utf16(text: str, i: int) -> int:
    """UTF-16 position of the code-point index ``i`` (clamped to the text)."""
    return utf16_len(text[: _clamp(i, len(text))])


def utf16_to_index(text: str, pos: int, snap: Snap = "down") -> int:
    """Code-point index of the UTF-16 position ``pos``.

    A position between the two halves of a surrogate pair snaps to the start
    of the character (``"down"``) or past it (``"up"``).
    """
    _check_snap(snap)
    pos = max(pos, 0)
    # Each code point is at least one unit, so the answer lies within text[:pos].
    prefix = text[:pos]
    extra = len(prefix.encode("utf-16-le", "surrogatepass")) // 2 - len(prefix)
    if extra == 0:
        return len(prefix)  # no astral characters before pos: units == code points
    if len(prefix) + extra <= pos:
        return len(prefix)  # pos is at or past the end
    # ``extra`` astral characters lie in text[:pos], so the answer is at least pos - extra:
    # walk the short stretch from there instead of the whole prefix.
    index = pos - extra
    unit = index + (extra - len(_ASTRAL.findall(text, index, pos)))
    while unit < pos:
        width = 2 if text[index] > "\uffff" else 1
        if unit + width > pos:  # pos is between the high and the low surrogate
            return index + (1 if snap == "up" else 0)
        unit += width
        index += 1
    return index


# --- code points <-> UTF-8 --------------------------------------------------


def index_to_utf8(text: str, i: int) -> int:
    """UTF-8 byte offset of the code-point index ``i`` (clamped to the text)."""
    return utf8_len(text[: _clamp(i, len(text))])


def utf8_to_index(text: str, b: int, snap: Snap = "down") -> int:
    """Code-point index of the UTF-8 byte offset ``b``.

    An offset inside a multi-byte character snaps to the start of the character
    (``"down"``) or past it (``"up"``).
    """
    _check_snap(snap)
    b = max(b, 0)
    # Each code point is at least one byte, so the answer lies within text[:b].
    prefix = text[:b]
    encoded = prefix.encode("utf-8", "surrogatepass")
    if len(encoded) <= b:
        return len(prefix)
    start = b
    while encoded[start] & 0xC0 == 0x80:  # continuation byte: inside a character
        start -= 1
    index = len(encoded[:start].decode("utf-8", "surrogatepass"))
    return index + 1 if start != b and snap == "up" else index


# --- UTF-16 <-> UTF-8 -------------------------------------------------------


def utf16_to_utf8(text: str, pos: int, snap: Snap = "down") -> int:
    """UTF-8 byte offset of the Qt position ``pos`` (snapped to a character)."""
    return index_to_utf8(text, utf16_to_index(text, pos, snap))


def utf8_to_utf16(text: str, b: int, snap: Snap = "down") -> int:
    """Qt position of the UTF-8 byte offset ``b`` (snapped to a character)."""
    return index_to_utf16(text, utf8_to_index(text, b, snap))


# --- ranges -----------------------------------------------------------------


def _range_snaps(start: int, end: int) -> tuple[int, int, Snap]:
    if start > end:
        start, end = end, start
    return start, end, "down" if start == end else "up"


def utf16_range_to_index(text: str, start: int, end: int) -> tuple[int, int]:
    """Code-point range covering the UTF-16 range (sorted, covering, clamped)."""
    start, end, end_snap = _range_snaps(start, end)
    return utf16_to_index(text, start), utf16_to_index(text, end, end_snap)


def index_range_to_utf16(text: str, start: int, end: int) -> tuple[int, int]:
    """UTF-16 range of the code-point range (sorted, clamped)."""
    start, end, _ = _range_snaps(start, end)
    return index_to_utf16(text, start), index_to_utf16(text, end)


def utf8_range_to_index(text: str, start: int, end: int) -> tuple[int, int]:
    """Code-point range covering the UTF-8 byte range (sorted, covering, clamped)."""
    start, end, end_snap = _range_snaps(start, end)
    return utf8_to_index(text, start), utf8_to_index(text, end, end_snap)


def index_range_to_utf8(text: str, start: int, end: int) -> tuple[int, int]:
    """UTF-8 byte range of the code-point range (sorted, clamped)."""
    start, end, _ = _range_snaps(start, end)
    return index_to_utf8(text, start), index_to_utf8(text, end)


def utf16_range_to_utf8(text: str, start: int, end: int) -> tuple[int, int]:
    """UTF-8 byte range covering the Qt range (sorted, covering, clamped)."""
    return index_range_to_utf8(text, *utf16_range_to_index(text, start, end))


def utf8_range_to_utf16(text: str, start: int, end: int) -> tuple[int, int]:
    """Qt range covering the UTF-8 byte range (sorted, covering, clamped)."""
    return index_range_to_utf16(text, *utf8_range_to_index(text, start, end))


# --- cached conversions for one text ----------------------------------------


class OffsetMap:
    """The same conversions for one fixed text, in ``O(log n)`` per lookup.

    Building the tables is one ``O(n)`` scan per encoding, done lazily on first
    use, so only build a map when several conversions share a text. Results are
    identical to the free functions (the tests check this).
    """

    __slots__ = ("_astral", "_u8_extra", "_u8_index", "_u8_start", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._astral: list[int] | None = None  # indices of astral characters
        self._u8_index: list[int] | None = None  # indices of non-ASCII characters
        self._u8_start: list[int] = []  # their UTF-8 byte offsets
        self._u8_extra: list[int] = []  # extra bytes before the k-th of them

    def __len__(self) -> int:
        return len(self.text)

    def _utf8_tables(self) -> list[int]:
        if self._u8_index is None:
            index: list[int] = []
            start: list[int] = []
            extra = [0]
            for match in _NON_ASCII.finditer(self.text):
                i = match.start()
                index.append(i)
                start.append(i + extra[-1])
                code = ord(match.group())
                extra.append(extra[-1] + (1 if code < 0x800 else 2 if code < 0x10000 else 3))
            self._u8_index, self._u8_start, self._u8_extra = index, start, extra
        return self._u8_index

    def _utf16_table(self) -> list[int]:
        if self._astral is None:
            self._astral = [m.start() for m in _ASTRAL.finditer(self.text)]
        return self._astral

    @property
    def utf16_len(self) -> int:
        return len(self.text) + len(self._utf16_table())

    @property
    def utf8_len(self) -> int:
        self._utf8_tables()
        return len(self.text) + self._u8_extra[-1]

    def index_to_utf16(self, i: int) -> int:
        i = _clamp(i, len(self.text))
        return i + bisect_left(self._utf16_table(), i)

    def utf16_to_index(self, pos: int, snap: Snap = "down") -> int:
        _check_snap(snap)
        astral = self._utf16_table()
        pos = max(pos, 0)
        # The k-th astral character starts at unit astral[k] + k; find the last one <= pos.
        lo, hi = 0, len(astral)
        while lo < hi:
            mid = (lo + hi) // 2
            if astral[mid] + mid <= pos:
                lo = mid + 1
            else:
                hi = mid
        k = lo - 1
        if k < 0:
            return min(pos, len(self.text))
        unit = astral[k] + k
        if pos == unit + 1:
            return astral[k] + (1 if snap == "up" else 0)
        if pos == unit:
            return astral[k]
        return min(astral[k] + 1 + (pos - unit - 2), len(self.text))

    def index_to_utf8(self, i: int) -> int:
        index = self._utf8_tables()
        i = _clamp(i, len(self.text))
        return i + self._u8_extra[bisect_left(index, i)]

    def utf8_to_index(self, b: int, snap: Snap = "down") -> int:
        _check_snap(snap)
        index = self._utf8_tables()
        b = max(b, 0)
        k = bisect_right(self._u8_start, b) - 1
        if k < 0:
            return min(b, len(self.text))
        start = self._u8_start[k]
        end = start + 1 + self._u8_extra[k + 1] - self._u8_extra[k]
        if b == start:
            return index[k]
        if b < end:
            return index[k] + (1 if snap == "up" else 0)
        return min(index[k] + 1 + (b - end), len(self.text))

    def utf16_to_utf8(self, pos: int, snap: Snap = "down") -> int:
        return self.index_to_utf8(self.utf16_to_index(pos, snap))

    def utf8_to_utf16(self, b: int, snap: Snap = "down") -> int:
        return self.index_to_utf16(self.utf8_to_index(b, snap))

    def utf16_range_to_utf8(self, start: int, end: int) -> tuple[int, int]:
        start, end, end_snap = _range_snaps(start, end)
        return self.utf16_to_utf8(start), self.utf16_to_utf8(end, end_snap)

    def utf8_range_to_utf16(self, start: int, end: int) -> tuple[int, int]:
        start, end, end_snap = _range_snaps(start, end)
        return self.utf8_to_utf16(start), self.utf8_to_utf16(end, end_snap)
