"""Run work after a window's first paint: what the user sees first comes first.

The window's opening is one turn of the GUI thread (nothing repaints during
it), so whatever is not needed for the first picture (the connection, the
search index, the less-used parts of the window) waits for that picture, then
runs in turns of its own. A window that is not painted soon (shown minimised,
or on a screen that is off) does not hold that work back for long: it runs
``LATEST_MS`` after the call at the latest.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

LATEST_MS = 1000


class FirstPaint(QObject):
    def __init__(self, widget: QWidget, then: Callable[[], None], latest_ms: int) -> None:
        super().__init__(widget)
        self._widget = widget
        self._then: Callable[[], None] | None = then
        widget.installEventFilter(self)
        QTimer.singleShot(latest_ms, self, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint and self._then:
            self._widget.removeEventFilter(self)
            # Posted: the paint finishes (and reaches the screen) first.
            QTimer.singleShot(0, self, self._run)
        return False

    def cancel(self) -> None:
        """Never run it (the window closed first)."""
        self._then = None
        self._widget.removeEventFilter(self)

    def _run(self) -> None:
        if self._then is not None:
            then, self._then = self._then, None
            self._widget.removeEventFilter(self)
            then()


def after_first_paint(
    widget: QWidget, then: Callable[[], None], latest_ms: int = LATEST_MS
) -> FirstPaint:
    """Call ``then`` once, in an event-loop turn after ``widget`` has first been painted
    (or ``latest_ms`` after this call, if that comes first); ``cancel()`` to drop it."""
    return FirstPaint(widget, then, latest_ms)
