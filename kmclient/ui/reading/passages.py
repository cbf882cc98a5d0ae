"""Passages between the widgets and the engine.

The engine speaks ``(start, end)`` character indices of the Markdown source
(``engine.text(doc_id)``). The source editor shows that source, so its Qt
positions (UTF-16) convert exactly with ``OffsetMap``. The reading view shows
rendered text (no ``**``, ``#``, link targets), so there a selection is found
in the source by its words (``kmclient.core.passage_match``: the same words in
order, markup between them skipped, the occurrence nearest to where it was
selected), and a source passage is shown in the reading view the same way
round. Only words that are not in the source at all flag the whole document.
"""

from __future__ import annotations

from PySide6.QtGui import QTextCursor

from kmclient.core.offsets import OffsetMap, utf16_len
from kmclient.core.passage_match import find_passage
from kmclient.ui.reading.doc_view import DocView

QUOTE_CHARS = 160  # a passage quoted in a list or dialog


def selected_passage(view: DocView) -> tuple[int, int] | None:
    """The selection of the open document as source character indices, or None."""
    doc_id = view.doc_id
    if doc_id is None:
        return None
    source = view.engine.text(doc_id) or ""
    if view.editing and view.editor.textCursor().hasSelection():
        cursor = view.editor.textCursor()
        offsets = OffsetMap(source)
        start = offsets.utf16_to_index(cursor.selectionStart())
        end = offsets.utf16_to_index(cursor.selectionEnd())
        return (start, end) if end > start else None
    words = selected_words(view)
    if not words:
        return None
    cursor = view.reader.textCursor()
    where = cursor.selectionStart() / max(1, view.reader.document().characterCount())
    return find_passage(source, words, where)


def selected_words(view: DocView) -> str:
    """The selected text as a person reads it (paragraph breaks as newlines)."""
    widget = view.editor if view.editing else view.reader
    text = widget.textCursor().selectedText().replace("\u2029", "\n")
    return text.strip()


def show_passage(view: DocView, span: tuple[int, int]) -> bool:
    """Select a source span in the open document (editor: exactly; reader: its words)."""
    doc_id = view.doc_id
    if doc_id is None:
        return False
    source = view.engine.text(doc_id) or ""
    start, end = max(0, span[0]), min(len(source), span[1])
    if end <= start:
        return False
    if view.editing:
        offsets = OffsetMap(source)
        cursor = view.editor.textCursor()
        cursor.setPosition(offsets.index_to_utf16(start))
        cursor.setPosition(offsets.index_to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        view.editor.setTextCursor(cursor)
        view.editor.ensureCursorVisible()
        return True
    return select_words(view, source[start:end], start / max(1, len(source)))


def select_words(view: DocView, words: str, where: float | None = None) -> bool:
    """Select a source passage's words in the reading view (markup left out)."""
    shown = view.reader.aligned_text()
    span = find_passage(shown, words, where)
    if span is None:
        return False
    cursor = QTextCursor(view.reader.document())
    cursor.setPosition(utf16_len(shown[: span[0]]))
    cursor.setPosition(utf16_len(shown[: span[1]]), QTextCursor.MoveMode.KeepAnchor)
    view.reader.setTextCursor(cursor)
    view.reader.ensureCursorVisible()
    return True


def short_quote(text: str, limit: int = QUOTE_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
