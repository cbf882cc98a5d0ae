"""Pure text helpers of the Y.Text editor binding: what Qt shows, diffs, span arithmetic.

Qt-free. "Model" is the Y.Text content; "view" is what the QTextDocument holds,
read back with ``toRawText()`` and its separators turned into "\\n". Qt turns
some characters into block breaks on insert (and "\\r\\n" into a single one), so
the view substitutes them one for one: "\\r" is shown as U+200B, U+2028/U+2029
as "\\n", U+FDD0/U+FDD1 as U+FFFD. Each substitute is one code point and one
UTF-16 unit like the original, so model and view positions are the same numbers,
and text nobody touched keeps its original characters in the model.
"""

from __future__ import annotations

import re

from kmclient.core.offsets import utf16_len

# Model character -> what Qt shows for it; each is one code point and one UTF-16 unit.
MODEL_TO_VIEW = (
    ("\r", "\u200b"),
    ("\u2028", "\n"),
    ("\u2029", "\n"),
    ("\ufdd0", "\ufffd"),
    ("\ufdd1", "\ufffd"),
)
# Qt's block and line separators, as they come out of toRawText().
RAW_TO_VIEW = (("\u2029", "\n"), ("\u2028", "\n"))


def substitute(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    """Chained str.replace: memchr-fast, unlike str.translate (7 ms on 100 KB)."""
    for old, new in pairs:
        if old in text:
            text = text.replace(old, new)
    return text


def to_view(model: str) -> str:
    return substitute(model, MODEL_TO_VIEW)


def raw_to_view(raw: str) -> str:
    return substitute(raw, RAW_TO_VIEW)


LONE_SURROGATE = re.compile("[\ud800-\udfff]")

# One applied span: at Qt position ``pos`` replace ``removed`` UTF-16 units by ``inserted``.
Edit = tuple[int, int, str]


def common_prefix(a: str, b: str, limit: int) -> int:
    """Length of the common prefix of a and b, at most ``limit``; slice compares run in C."""
    hi = min(len(a), len(b), limit)
    if a[:hi] == b[:hi]:
        return hi
    lo = 0  # invariant: a[:lo] == b[:lo] and a[:hi] != b[:hi]
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid
    return lo


def common_suffix(a: str, b: str, limit: int) -> int:
    """Length of the common suffix of a and b, at most ``limit``."""
    hi = min(len(a), len(b), limit)
    if hi == 0 or a[len(a) - hi :] == b[len(b) - hi :]:
        return hi
    lo = 0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            lo = mid
        else:
            hi = mid
    return lo


def map_position(pos: int, edit: Edit, stick_right: bool) -> int:
    """Where ``pos`` ends up after ``edit``: same character, never inside the replaced span.

    A position exactly at (or inside) the changed span stays before the new text,
    unless ``stick_right``: then it moves past it (used for a selection's start,
    so text inserted there stays outside the selection).
    """
    at, removed, inserted = edit
    if pos < at:
        return pos
    if pos >= at + removed and (removed or pos > at):
        return pos - removed + utf16_len(inserted)
    return at + (utf16_len(inserted) if stick_right else 0)
