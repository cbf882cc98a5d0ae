"""Tinting a colleague's change in the source editor for a few seconds, as the reading
view does, so an editor sees what just changed without anything moving.

Each tint is an ``ExtraSelection`` on a ``QTextCursor``, which Qt keeps on the
same characters while anyone types; the user's own caret, selection and scroll
are never touched. A colleague typing on extends one tint instead of adding one
per key. Full colour for ``hold_ms``, then it fades out over ``fade_ms``.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QColor, QTextCursor, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

# Marks our ExtraSelections so the colleagues' selections (and others) are left alone.
FLASH_PROPERTY = int(QTextFormat.Property.UserProperty) + 0x4B4E
STEP_MS = 80  # fade animation step


class EditFlash(QObject):
    hold_ms = 1500
    fade_ms = 2500

    def __init__(self, editor: QPlainTextEdit, colour: str = "#fff3bf") -> None:
        super().__init__(editor)
        self._editor = editor
        self._colour = QColor(colour)
        self._tints: list[tuple[QTextCursor, float]] = []  # selection, when (last) changed
        self._timer = QTimer(self)
        self._timer.setInterval(STEP_MS)
        self._timer.timeout.connect(self._refresh)

    def set_colour(self, colour: str) -> None:
        self._colour = QColor(colour)
        self._refresh()

    def flash(self, spans: list[tuple[int, int]]) -> None:
        """Tint these ``(Qt position, UTF-16 length)`` spans; length 0 marks a removal."""
        now = time.monotonic()
        doc = self._editor.document()
        last = doc.characterCount() - 1
        for at, length in spans:
            at = max(0, min(at, last))
            end = min(at + length, last)
            if self._extend(at, end, now):
                continue
            cursor = QTextCursor(doc)
            cursor.setKeepPositionOnInsert(True)  # our own typing after it stays untinted
            cursor.setPosition(at)
            if end > at:
                cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            else:  # text went: mark the line where it was
                cursor.select(QTextCursor.SelectionType.LineUnderCursor)
            self._tints.append((cursor, now))
        self._refresh()
        if self._tints:
            self._timer.start()

    def _extend(self, at: int, end: int, now: float) -> bool:
        """A change inside or right after an existing tint (typing on) grows that tint."""
        for i, (cursor, _) in enumerate(self._tints):
            start, stop = cursor.selectionStart(), cursor.selectionEnd()
            if start <= at <= stop and end >= at:
                if end > stop:
                    cursor.setPosition(start)
                    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                self._tints[i] = (cursor, now)
                return True
        return False

    def spans(self) -> list[tuple[int, int]]:
        """The tinted ranges now, as ``(start, end)`` Qt positions."""
        return [(c.selectionStart(), c.selectionEnd()) for c, _ in self._tints]

    def clear(self) -> None:
        self._tints = []
        self._timer.stop()
        self._apply([])

    def _refresh(self) -> None:
        now = time.monotonic()
        life = (self.hold_ms + self.fade_ms) / 1000
        self._tints = [(c, t) for c, t in self._tints if now - t < life]
        selections = []
        for cursor, started in self._tints:
            faded = max(0.0, (now - started) * 1000 - self.hold_ms) / max(self.fade_ms, 1)
            colour = QColor(self._colour)
            colour.setAlphaF(max(0.0, 1.0 - faded))
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format.setBackground(colour)
            selection.format.setProperty(FLASH_PROPERTY, True)
            selections.append(selection)
        self._apply(selections)
        if not self._tints:
            self._timer.stop()

    def _apply(self, ours: list[QTextEdit.ExtraSelection]) -> None:
        others = [
            s
            for s in self._editor.extraSelections()
            if s.format.property(FLASH_PROPERTY) is not True
        ]
        self._editor.setExtraSelections(others + ours)
