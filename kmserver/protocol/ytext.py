"""Helpers on a document's ``body`` Y.Text that both sides need.

pycrdt 0.14 indexes Text by UTF-8 bytes, so every character offset here is
converted before it reaches pycrdt.
"""

from __future__ import annotations

from pycrdt import Doc, Text

BODY = "body"


def new_doc(update: bytes | None = None) -> Doc:
    doc = Doc()
    doc[BODY] = Text()
    if update:
        doc.apply_update(update)
    return doc


def body(doc: Doc) -> Text:
    return doc.get(BODY, type=Text)


def common_affixes(old: str, new: str) -> tuple[int, int]:
    """Lengths (in characters) of the common prefix and of the common suffix."""
    limit = min(len(old), len(new))
    prefix = 0
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return prefix, suffix


def replace_text(text: Text, new: str) -> bool:
    """Turn ``text`` into ``new`` with one minimal delete+insert. True if it changed."""
    old = str(text)
    if old == new:
        return False
    prefix, suffix = common_affixes(old, new)
    start = len(old[:prefix].encode("utf-8"))
    removed = len(old[prefix : len(old) - suffix].encode("utf-8"))
    inserted = new[prefix : len(new) - suffix]
    with text.doc.transaction():
        if removed:
            del text[start : start + removed]
        if inserted:
            text.insert(start, inserted)
    return True


def text_to_update(markdown: str) -> bytes:
    doc = new_doc()
    if markdown:
        body(doc).insert(0, markdown)
    return doc.get_update()
