"""Pop-ups that never take focus: the desktop's notification (system tray) where
there is one, else a small card in the window's corner that fades by itself."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QLabel, QSystemTrayIcon, QVBoxLayout, QWidget

TOAST_MS = 7000
MARGIN = 16


class Toast(QWidget):
    """A non-modal card over the window's bottom-right corner (a child widget, so it
    can never steal focus or sit over another application)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("toast")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: 600")
        self.title.setWordWrap(True)  # a long document title wraps, never cut
        self.body = QLabel()
        self.body.setWordWrap(True)
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 8, 12, 10)
        box.addWidget(self.title)
        box.addWidget(self.body)
        self.setFixedWidth(340)
        self.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        window.installEventFilter(self)

    def show_message(self, title: str, body: str) -> None:
        self.title.setText(title)
        self.body.setText(body)
        self.adjustSize()
        self._place()
        self.show()
        self.raise_()
        self._timer.start(TOAST_MS)

    def mousePressEvent(self, event: object) -> None:  # type: ignore[override]
        self.hide()  # a click dismisses it

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        bottom = parent.height() - MARGIN - 28  # above the status bar
        self.move(parent.width() - self.width() - MARGIN, bottom - self.height())


class Popups(QObject):
    """Where a pop-up goes: the tray when the desktop has one, else the toast."""

    def __init__(self, window: QWidget, window_icon: QIcon) -> None:
        super().__init__(window)
        self.toast = Toast(window)
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(window_icon, self)
            self.tray.setToolTip("Knowledge base")
            self.tray.show()
        self.shown: list[tuple[str, str]] = []  # what was shown (tests, accessibility)

    def show(self, title: str, body: str) -> None:
        self.shown.append((title, body))
        del self.shown[:-20]
        if self.tray is not None and self.tray.supportsMessages():
            self.tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, TOAST_MS)
        else:
            self.toast.show_message(title, body)
