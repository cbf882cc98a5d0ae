"""Drawing colleagues' carets and selections in a ``QPlainTextEdit``.

A remote caret arrives from awareness as sticky indices (see ``kmclient.core.sticky``);
the binding resolves them to Qt positions and hands them here. Carets are a
coloured bar with a small name tag that keeps off the text where it can and
fades while the colleague is idle, painted by a transparent overlay on the
editor's viewport; selections are tinted ``ExtraSelection``s, merged with the
editor's own extra selections (ours are tagged, so nobody else's are touched).

GUI thread only, like the binding.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt, QTimer
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

from kmclient.core.sticky import StickyData

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
    """Transparent layer over the editor's viewport painting remote carets with name tags.

    Tags are small and rounded, placed above the caret's line where that covers no
    text, else below it, else above anyway; solid for ``ACTIVE_MS`` after the
    colleague moved, then faded so the text under them stays readable.
    """

    ACTIVE_MS = 2000
    IDLE_ALPHA = 0.35

    def __init__(self, editor: QPlainTextEdit) -> None:
        super().__init__(editor.viewport())
        self._editor = editor
        self._peers: list[ResolvedPeer] = []
        self._moved_at: dict[str, float] = {}
        self.drawn_tags: dict[str, QRect] = {}  # where the last paint put each name tag
        self._fade_timer = QTimer(self)  # repaint when a tag's active time is over
        self._fade_timer.setSingleShot(True)
        self._fade_timer.timeout.connect(self.update)
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

    def note_moved(self, names: set[str]) -> None:
        """These colleagues just moved their caret: show their tags solid for a while."""
        if names:
            now = time.monotonic()
            self._moved_at.update(dict.fromkeys(names, now))
            self._fade_timer.start(self.ACTIVE_MS + 50)

    def is_active(self, name: str) -> bool:
        moved = self._moved_at.get(name)
        return moved is not None and (time.monotonic() - moved) * 1000 < self.ACTIVE_MS

    def detach(self) -> None:
        self._fade_timer.stop()
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

    def tag_rect(self, bar: QRect, size: QSize) -> QRect:
        """Where a name tag of ``size`` goes for the caret ``bar`` (viewport coordinates)."""
        left = max(0, min(bar.left(), self.width() - size.width()))  # inside, near the edge
        above = QRect(QPoint(left, bar.top() - size.height()), size)
        below = QRect(QPoint(left, bar.bottom() + 1), size)
        fits = [r for r in (above, below) if self.rect().contains(r)]
        free = [r for r in fits if not self._covers_text(r)]
        return (free or fits or [below if above.top() < 0 else above])[0]

    def _covers_text(self, rect: QRect) -> bool:
        """Does ``rect`` overlap glyphs of the lines it crosses (empty lines do not count)?"""
        editor = self._editor
        for y in (rect.top() + 1, rect.bottom() - 1):
            cursor = editor.cursorForPosition(QPoint(rect.left(), y))
            line = editor.cursorRect(cursor)
            if not line.top() <= y <= line.bottom():
                continue  # no text line there (margin, or below the end)
            start, end = QTextCursor(cursor), QTextCursor(cursor)
            start.movePosition(QTextCursor.MoveOperation.StartOfLine)
            end.movePosition(QTextCursor.MoveOperation.EndOfLine)
            left, right = editor.cursorRect(start).left(), editor.cursorRect(end).left()
            if right > left and rect.left() < right and rect.right() > left:
                return True
        return False

    def paintEvent(self, _event: QPaintEvent) -> None:
        self.drawn_tags = {}
        if not self._peers:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self._editor.font())
        font.setPointSizeF(max(font.pointSizeF() * 0.72, 7.0))
        painter.setFont(font)
        metrics = QFontMetrics(font)
        for peer in self._peers:
            bar = self.caret_rect(peer.head)
            if not bar.intersects(self.rect()):
                continue
            active = self.is_active(peer.name)
            painter.fillRect(bar, peer.colour)
            size = QSize(metrics.horizontalAdvance(peer.name) + 8, metrics.height() + 1)
            tag = self.tag_rect(bar, size)
            self.drawn_tags[peer.name] = tag
            painter.setOpacity(1.0 if active else self.IDLE_ALPHA)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(peer.colour)
            painter.drawRoundedRect(tag, 3, 3)
            light = peer.colour.lightness() > 150
            painter.setPen(Qt.GlobalColor.black if light else Qt.GlobalColor.white)
            painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, peer.name)
            painter.setOpacity(1.0)
        painter.end()
