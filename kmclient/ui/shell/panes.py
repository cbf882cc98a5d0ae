"""The window's three columns (sidebar, document, comments and notes) at any width.

From 640 px (half a laptop screen beside a CRM) to 4K: every column has a
small minimum, so the window never has to grow past the screen; the
document keeps a readable share. When the side panel opens in a window too
narrow for three columns, the sidebar steps aside (and comes back when the
panel closes, or when the user searches).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QSplitter, QWidget

SIDEBAR_MIN, DOC_MIN, SIDE_MIN = 190, 300, 240
DOC_COMFORT = 440  # below this the document would be crushed: the sidebar steps aside
SIDEBAR_SHARE, SIDEBAR_MAX = 0.3, 340
SIDE_SHARE, SIDE_MAX = 0.34, 440


def clamp(value: float, low: int, high: int) -> int:
    return int(max(low, min(high, value)))


class Panes(QObject):
    def __init__(self, splitter: QSplitter, sidebar: QWidget, doc: QWidget, side: QWidget) -> None:
        super().__init__(splitter)
        self.splitter = splitter
        self.sidebar, self.doc, self.side = sidebar, doc, side
        sidebar.setMinimumWidth(SIDEBAR_MIN)
        doc.setMinimumWidth(DOC_MIN)
        side.setMinimumWidth(SIDE_MIN)
        self.sidebar_stepped_aside = False
        self._fitting = False
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self.fit)
        side.installEventFilter(self)
        splitter.installEventFilter(self)

    def default_sizes(self) -> None:
        """A first start: the sidebar about a third, at most SIDEBAR_MAX."""
        total = max(self.splitter.width(), 640)
        left = clamp(total * SIDEBAR_SHARE, SIDEBAR_MIN, SIDEBAR_MAX)
        self.splitter.setSizes([left, total - left, 0])

    def show_sidebar(self) -> None:
        """The user wants the sidebar (Ctrl+K): it comes back; a side panel that leaves no
        room for the document beside it closes."""
        if self.sidebar.isVisible():
            return
        self.sidebar_stepped_aside = False
        if self.side.isVisible() and self._doc_room(with_sidebar=True) < DOC_COMFORT:
            self.side.hide()  # fit() follows from the hide
        self.sidebar.show()
        self.fit()

    def _doc_room(self, with_sidebar: bool) -> int:
        total = self.splitter.width()
        side = self._side_width(total) if self.side.isVisible() else 0
        left = self._sidebar_width(total) if with_sidebar else 0
        return total - side - left

    def _side_width(self, total: int) -> int:
        return clamp(total * SIDE_SHARE, SIDE_MIN, SIDE_MAX)

    def _sidebar_width(self, total: int) -> int:
        current = self.splitter.sizes()[0] if self.sidebar.isVisible() else 0
        wanted = current or clamp(total * SIDEBAR_SHARE, SIDEBAR_MIN, SIDEBAR_MAX)
        return clamp(wanted, SIDEBAR_MIN, SIDEBAR_MAX)

    def fit(self) -> None:
        """Share the width out again (the side panel opened or closed, the window resized)."""
        if self._fitting:
            return
        self._fitting = True
        try:
            total = self.splitter.width()
            if self.side.isVisible():
                if self.sidebar.isVisible() and self._doc_room(with_sidebar=True) < DOC_COMFORT:
                    self.sidebar.hide()
                    self.sidebar_stepped_aside = True
                side = self._side_width(total)
                left = self._sidebar_width(total) if self.sidebar.isVisible() else 0
                self.splitter.setSizes([left, max(DOC_MIN, total - left - side), side])
            elif self.sidebar_stepped_aside:
                self.sidebar_stepped_aside = False
                self.sidebar.show()
                left = self._sidebar_width(total)
                self.splitter.setSizes([left, total - left, 0])
            elif self.sidebar.isVisible():
                sizes = self.splitter.sizes()
                left = min(sizes[0], max(SIDEBAR_MIN, total - DOC_COMFORT))
                if left != sizes[0]:
                    self.splitter.setSizes([left, total - left, 0])
        finally:
            self._fitting = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        shown = watched is self.side and kind in (QEvent.Type.Show, QEvent.Type.Hide)
        if shown or (watched is self.splitter and kind == QEvent.Type.Resize):
            self._refit.start()
        return False
