"""Windows beside the main window: notifications, the flag inbox, history, the review queue.

A ``ToolWindow`` belongs to one main window (its user, its engine):

- its own keys: Esc and Ctrl+W close *it*. Qt hands the keys of a tool window
  to its parent's shortcuts, so without this Ctrl+W closed the user's main
  window and left the tool window orphaned on a closed engine;
- a Close button of its own (some window managers draw tool windows without one);
- it opens on the screen, beside the main window where there is room, never
  partly off it, and no larger than the screen;
- it closes with its main window (``close_tool_windows``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from kmclient.ui.i18n import tr

GAP = 12  # between the main window and a tool window beside it


def _closes(event: QKeyEvent) -> bool:
    if event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier:
        return True
    combined = QKeySequence(event.keyCombination())
    return any(
        combined.matches(keys) == QKeySequence.SequenceMatch.ExactMatch
        for keys in QKeySequence.keyBindings(QKeySequence.StandardKey.Close)
    )


class ToolWindow(QWidget):
    def __init__(self, parent: QWidget) -> None:
        flags = (
            Qt.WindowType.Tool
            | Qt.WindowType.WindowTitleHint
            | Qt.WindowType.WindowCloseButtonHint
            | Qt.WindowType.WindowMinMaxButtonsHint
        )
        super().__init__(parent, flags)
        self._placed = False

    def close_button(self) -> QPushButton:
        """A Close button (Esc), for the window's bottom row."""
        button = QPushButton(tr("Close"))
        button.setObjectName("closeToolWindow")
        button.setToolTip(tr("Close this window (Esc)"))
        button.setAutoDefault(False)
        button.clicked.connect(self.close)
        return button

    def close_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.close_button())
        return row

    # -- keys -------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        # Claim Esc and Ctrl+W before the main window's shortcuts see them: they are ours.
        if event.type() == QEvent.Type.ShortcutOverride:
            assert isinstance(event, QKeyEvent)
            if _closes(event):
                event.accept()
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if _closes(event):
            self.close()
            return
        super().keyPressEvent(event)

    # -- where it opens -------------------------------------------------------------------------

    def present(self) -> None:
        """Show (placed on the screen the first time), raise and activate."""
        if not self._placed:
            self._placed = True
            self.place()
        self.show()
        self.raise_()
        self.activateWindow()

    def present_quietly(self) -> None:
        """Show without taking the keyboard from the main window (opened by itself)."""
        if not self._placed:
            self._placed = True
            self.place()
        self.show()

    def place(self) -> None:
        owner = self.parentWidget()
        anchor = owner.window() if owner is not None else None
        screen = (anchor.screen() if anchor is not None else None) or self.screen()
        area = screen.availableGeometry()
        # The frame is not known before the first show: assume the main window's.
        frame = QSize(0, 0)
        if anchor is not None:
            frame = anchor.frameGeometry().size() - anchor.geometry().size()
        room = area.size() - frame - QSize(GAP, GAP)
        size = self.size().expandedTo(self.minimumSizeHint()).boundedTo(room)
        self.resize(size)
        outer = size + frame
        if anchor is None:
            self.move(area.center() - QPoint(outer.width() // 2, outer.height() // 2))
            return
        self.move(fit(beside(anchor.frameGeometry(), outer, area), area))


def beside(owner: QRect, size: QSize, area: QRect) -> QRect:
    """Right of the owner if it fits on the screen, else left of it, else over its right
    edge (the document stays visible on the left)."""
    top = owner.top()
    right = QRect(QPoint(owner.right() + GAP, top), size)
    if area.contains(right):
        return right
    left = QRect(QPoint(owner.left() - GAP - size.width(), top), size)
    if area.contains(left):
        return left
    return QRect(QPoint(owner.right() - size.width() - GAP, top + 2 * GAP), size)


def fit(rect: QRect, area: QRect) -> QPoint:
    """The top-left corner that keeps ``rect`` wholly inside ``area``."""
    x = max(area.left(), min(rect.left(), area.right() - rect.width() + 1))
    y = max(area.top(), min(rect.top(), area.bottom() - rect.height() + 1))
    return QPoint(x, y)


def close_tool_windows(owner: QObject) -> None:
    """Close every window that belongs to ``owner`` (when the main window closes)."""
    for child in owner.findChildren(QWidget):
        if child.isWindow() and child.isVisible():
            child.close()
