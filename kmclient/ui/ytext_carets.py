"""Drawing colleagues' carets and selections in a ``QPlainTextEdit``.

A remote caret arrives from awareness as sticky indices (see ``ytext_sticky``);
the binding resolves them to Qt positions and hands them here. Carets are a
coloured bar with a name tag, painted by a transparent overlay on the editor's
viewport; selections are tinted ``ExtraSelection``s, merged with the editor's
own extra selections (ours are tagged, so nobody else's are touched).

GUI thread only, like the binding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from kmclient.ui.ytext_sticky import StickyData

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
            light = peer.colour.lightness() > 150
            painter.setPen(Qt.GlobalColor.black if light else Qt.GlobalColor.white)
            painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, peer.name)
        painter.end()
