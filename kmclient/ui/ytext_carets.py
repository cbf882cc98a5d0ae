"""Remote carets for the Y.Text editor binding: sticky indices and their drawing.

A caret is shared with colleagues as a pycrdt ``StickyIndex`` (it names the
neighbouring character's CRDT id, so it survives concurrent edits), serialised
to bytes (``StickyIndex.encode()``) or JSON (``StickyIndex.to_json()``); the
awareness transport carries it opaquely. Here we turn such data back into UTF-8
offsets, and draw remote carets (a coloured bar with a name tag, painted by a
small overlay on the editor's viewport) and selections (``ExtraSelection``s).

Verified against pycrdt 0.14.13 (each is a Rust panic, i.e. a ``BaseException``
that ``except Exception`` does not catch, so we avoid or contain them):

* ``Text.sticky_index(len, Assoc.AFTER)`` at the very end of the text panics;
  ``Assoc.BEFORE`` works there and on an empty text.
* ``get_index()`` of a sticky index naming an item the local doc has not seen
  yet (awareness can overtake the update) panics; we check the doc's state
  vector first.
* ``StickyIndex.decode`` / ``from_json`` on malformed input panic.
* ``Doc.get_state()`` inside an observer callback panics, so resolving remote
  carets is deferred out of observer callbacks by the binding.

GUI thread only, like the binding.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from pycrdt import Assoc, Decoder, StickyIndex, Text
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QTextCursor, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

StickyData = bytes | dict[str, Any] | str | StickyIndex
"""A sticky index as sent by a peer: ``encode()`` bytes, ``to_json()`` dict or its JSON string."""

# Marks our ExtraSelections so we can replace them without touching other people's.
PEER_SELECTION_PROPERTY = int(QTextFormat.Property.UserProperty) + 0x4B4D


@dataclass(frozen=True)
class RemotePeer:
    """One colleague's caret as received from awareness (``head`` is where the caret is)."""

    name: str
    colour: QColor | str
    anchor: StickyData | None
    head: StickyData | None


class ResolvedPeer(NamedTuple):
    """A remote caret in Qt positions (UTF-16 units) of the local editor."""

    name: str
    colour: QColor
    anchor: int
    head: int


# --- sticky indices ---------------------------------------------------------------


def make_sticky(text: Text, byte_offset: int, assoc: Assoc) -> StickyIndex:
    """Sticky index at a UTF-8 offset; at the end of the text AFTER falls back to BEFORE."""
    if assoc == Assoc.AFTER and byte_offset >= len(text):  # len() is in bytes in pycrdt 0.14
        assoc = Assoc.BEFORE  # AFTER has no character to stick to: pycrdt panics
    return text.sticky_index(byte_offset, assoc)


def _state_vector(text: Text) -> dict[int, int]:
    """client id -> number of items seen. Not callable inside an observer callback."""
    decoder = Decoder(text.doc.get_state())
    return {
        decoder.read_var_uint(): decoder.read_var_uint() for _ in range(decoder.read_var_uint())
    }


def _decode(data: StickyData, text: Text) -> StickyIndex | None:
    if isinstance(data, StickyIndex):
        return StickyIndex(data._sticky_index, text)
    if isinstance(data, str):
        data = json.loads(data)
    if isinstance(data, dict):
        item = data.get("item")
        valid_item = isinstance(item, dict) and {"client", "clock"} <= item.keys()
        if not (valid_item or "tname" in data or "type" in data):
            return None  # from_json would panic on it
        return StickyIndex.from_json(data, text)
    return StickyIndex.decode(data, text)


def resolve_sticky(
    text: Text, data: StickyData | None, known: dict[int, int] | None = None
) -> int | None:
    """UTF-8 offset of a peer's sticky index in ``text``, or None if it cannot be placed yet.

    ``known`` is the doc's state vector (pass it when resolving many); the sticky
    index is only resolved when the item it names has reached this doc.
    """
    if data is None:
        return None
    try:
        sticky = _decode(data, text)
        if sticky is None:
            return None
        item = sticky.to_json().get("item")
        if item is not None:
            seen = _state_vector(text) if known is None else known
            if item["clock"] >= seen.get(item["client"], 0):
                return None  # the update with that character has not arrived yet
        return min(sticky.get_index(), len(text))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # pyo3 PanicException on malformed data derives from BaseException
        return None


def state_vector(text: Text) -> dict[int, int]:
    """Public form of the state vector helper, for resolving many sticky indices at once."""
    return _state_vector(text)


# --- drawing ----------------------------------------------------------------------


def peer_extra_selections(
    editor: QPlainTextEdit, peers: Iterable[ResolvedPeer]
) -> list[QTextEdit.ExtraSelection]:
    """The editor's own extra selections plus a tinted range for each peer's selection."""
    keep = [
        sel
        for sel in editor.extraSelections()
        if sel.format.property(PEER_SELECTION_PROPERTY) is not True
    ]
    doc = editor.document()
    for peer in peers:
        if peer.anchor == peer.head:
            continue
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(doc)
        cursor.setPosition(peer.anchor)
        cursor.setPosition(peer.head, QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        tint = QColor(peer.colour)
        tint.setAlpha(70)
        selection.format.setBackground(tint)
        selection.format.setProperty(PEER_SELECTION_PROPERTY, True)
        keep.append(selection)
    return keep


class RemoteCaretOverlay(QWidget):
    """Transparent layer over the editor's viewport painting remote carets with name tags."""

    def __init__(self, editor: QPlainTextEdit) -> None:
        super().__init__(editor.viewport())
        self._editor = editor
        self._peers: list[ResolvedPeer] = []
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setGeometry(editor.viewport().rect())
        editor.viewport().installEventFilter(self)
        editor.updateRequest.connect(self._on_update_request)
        self.show()

    def set_peers(self, peers: list[ResolvedPeer]) -> None:
        self._peers = peers
        self.update()

    def peers(self) -> list[ResolvedPeer]:
        return list(self._peers)

    def detach(self) -> None:
        self._editor.viewport().removeEventFilter(self)
        self._editor.updateRequest.disconnect(self._on_update_request)
        self.hide()
        self.deleteLater()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(self._editor.viewport().rect())
        return False

    def _on_update_request(self, _rect: QRect, dy: int) -> None:
        if dy:  # QWidget.scroll() on the viewport drags child widgets along; undo that
            self.move(0, 0)
        self.update()

    def caret_rect(self, position: int) -> QRect:
        """Viewport rectangle of a caret bar at a Qt position."""
        cursor = QTextCursor(self._editor.document())
        cursor.setPosition(min(position, self._editor.document().characterCount() - 1))
        rect = self._editor.cursorRect(cursor)
        return QRect(rect.left(), rect.top(), 2, rect.height())

    def paintEvent(self, _event: QPaintEvent) -> None:
        if not self._peers:
            return
        painter = QPainter(self)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() * 0.8, 6.0))
        painter.setFont(font)
        metrics = QFontMetrics(font)
        for peer in self._peers:
            bar = self.caret_rect(peer.head)
            if not bar.intersects(self.rect()):
                continue
            painter.fillRect(bar, peer.colour)
            tag = metrics.boundingRect(peer.name).adjusted(-3, -1, 3, 1)
            # Above the caret line, or below it on the first visible line.
            top = bar.top() - tag.height() if bar.top() >= tag.height() else bar.bottom() + 1
            tag.moveTo(QPoint(bar.left(), top))
            painter.fillRect(tag, peer.colour)
            text_colour = Qt.GlobalColor.black if peer.colour.lightness() > 150 else Qt.GlobalColor.white
            painter.setPen(text_colour)
            painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, peer.name)
        painter.end()
