"""Shared by the editor-binding tests: docs, editors, typing like a keyboard, a wire."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pycrdt import Assoc, Doc, Text, TransactionEvent
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import (
    QInputMethodEvent,
    QKeyEvent,
    QTextCursor,
)
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from pytestqt.qtbot import QtBot

from kmclient.core.offsets import utf8_len
from kmclient.core.sticky import StickyCodec
from kmclient.ui.editing.ytext_binding import YTextBinding

REMOTE = "test.remote"

# --- helpers ------------------------------------------------------------------------


class Wire:
    """Carries updates between two Docs by hand, the way the network would.

    Delivers at once, or queues while ``paused`` so both sides can edit concurrently.
    """

    def __init__(self, a: Doc, b: Doc) -> None:
        self.paused = False
        self.queue: list[tuple[Doc, bytes]] = []
        self._receiving = False
        a.observe(lambda event: self._send(event, b))
        b.observe(lambda event: self._send(event, a))

    def _send(self, event: TransactionEvent, dst: Doc) -> None:
        if self._receiving:
            return  # what a doc just received is not its own to forward
        if self.paused:
            self.queue.append((dst, event.update))
        else:
            self._deliver(dst, event.update)

    def _deliver(self, dst: Doc, update: bytes) -> None:
        self._receiving = True
        try:
            deliver(dst, update)
        finally:
            self._receiving = False

    def flush(self) -> None:
        """Deliver what queued up, in order: one socket per client is FIFO.

        (pycrdt 0.14.13 can silently drop content when two updates of one client
        arrive before the one they build on; a state-vector sync repairs it.)
        """
        self.paused = False
        queue, self.queue = self.queue, []
        for dst, update in queue:
            self._deliver(dst, update)


def deliver(doc: Doc, update: bytes) -> None:
    with doc.transaction(origin=REMOTE):
        doc.apply_update(update)


def new_doc(body: str = "") -> tuple[Doc, Text]:
    doc = Doc()
    doc["body"] = text = Text()
    if body:
        text.insert(0, body)
    return doc, text


def replica(doc: Doc) -> tuple[Doc, Text]:
    other, text = new_doc()
    deliver(other, doc.get_update())
    return other, text


def make_editor(qtbot: QtBot) -> QPlainTextEdit:
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    editor.resize(400, 300)
    return editor


def bind(qtbot: QtBot, text: Text, **kwargs: int) -> tuple[QPlainTextEdit, YTextBinding]:
    editor = make_editor(qtbot)
    binding = YTextBinding(editor, text, **kwargs)
    return editor, binding


def shown(editor: QPlainTextEdit) -> str:
    return editor.document().toRawText().replace("\u2029", "\n")


def type_unicode(widget: QPlainTextEdit, text: str) -> None:
    """Type code point by code point the way a keyboard layout delivers å, ö or an emoji."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            QApplication.sendEvent(widget, event)


def commit(widget: QPlainTextEdit, text: str, preedit: str = "") -> None:
    """What an input method sends: an optional preedit, or a commit string."""
    event = QInputMethodEvent(preedit, [])
    if not preedit:
        event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def set_caret(editor: QPlainTextEdit, pos: int, anchor: int | None = None) -> None:
    cursor = editor.textCursor()
    cursor.setPosition(pos if anchor is None else anchor)
    if anchor is not None:
        cursor.setPosition(pos, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)


def remote_insert(text: Text, at_char: int, value: str) -> None:
    """A colleague's insert, at a code-point index of the current text."""
    text.insert(utf8_len(str(text)[:at_char]), value)


def after_caret(editor: QPlainTextEdit) -> str:
    """The rest of the caret's line, to check the caret sits before the same characters."""
    cursor = editor.textCursor()
    cursor.clearSelection()
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText()


def sticky(text: Text, position: int, assoc: Assoc) -> bytes:
    """What a peer would publish for a Qt position in its copy of the text."""
    return StickyCodec(text).sticky_at(position, assoc).encode()


def assert_in_sync(*pairs: tuple[QPlainTextEdit, YTextBinding]) -> None:
    for editor, binding in pairs:
        model = str(binding.text)
        assert binding.model_text() == model
        assert shown(editor) == model.replace("\r", "\u200b")


Pair = tuple[QPlainTextEdit, YTextBinding, QPlainTextEdit, YTextBinding, "Wire"]


@pytest.fixture
def pair(qtbot: QtBot) -> Iterator[Pair]:
    doc_a, text_a = new_doc("Hej på dig 😀\nrad två\n")
    doc_b, text_b = replica(doc_a)
    wire = Wire(doc_a, doc_b)
    editor_a, binding_a = bind(qtbot, text_a, capture_timeout_millis=0)
    editor_b, binding_b = bind(qtbot, text_b, capture_timeout_millis=0)
    yield editor_a, binding_a, editor_b, binding_b, wire
    binding_a.detach()
    binding_b.detach()
