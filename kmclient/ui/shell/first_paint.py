"""Run work after a window's first paint: what the user sees first comes first.

The window's opening is one turn of the GUI thread (nothing repaints during
it), so whatever is not needed for the first picture (the search index, the
less-used parts of the window) waits for that picture, then runs in turns of
its own.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._then: Callable[[], None] | None = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint and self._then:
            then, self._then = self._then, None
            self._widget.removeEventFilter(self)
            # Posted: the paint finishes (and reaches the screen) first.
            QTimer.singleShot(0, self, then)
        return False


def after_first_paint(widget: QWidget, then: Callable[[], None]) -> None:
    """Call ``then`` in an event-loop turn after ``widget`` has first been painted."""
    _FirstPaint(widget, then)
