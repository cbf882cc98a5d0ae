"""The notification centre: the status bar's bell with the unread count, and the list.

Newest first; unread rows are bold with a dot. A click (or Enter) opens the
document (at the flag's passage or the comment's thread) and marks the row
read; "Mark read" and "Mark all read" do what they say (``engine.mark_read``,
on every device of the user). A tool window, never
modal, refreshed on ``RecordsChanged`` for notifications.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kmclient.core.feedback_model import Notification, age_text
from kmclient.core.model import RecordsChanged
from kmclient.ui.notify.phrasing import Phrasing
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.shell.text_widgets import HTML_ROLE, wrap_rows
from kmclient.ui.shell.theme import Colours, icon
from kmclient.ui.shell.tool_window import ToolWindow

NOTE_ID_ROLE = Qt.ItemDataRole.UserRole + 20
SHOWN = 200  # the newest this many; older ones stay in the profile


class BellButton(QToolButton):
    """🔔 and the unread count, in the status bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bellButton")
        self.setAutoRaise(True)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setAccessibleName("Notifications")
        self.count = 0
        self.show_count(0)

    def set_colours(self, colours: Colours) -> None:
        self.setIcon(icon("bell", colours))

    def show_count(self, count: int) -> None:
        self.count = count
        self.setText(str(count) if count else "")
        self.setToolTip(
            f"{count} unread notification{'' if count == 1 else 's'} (Ctrl+Shift+N)"
            if count
            else "Notifications (Ctrl+Shift+N)"
        )
        self.setProperty("unread", bool(count))
        self.style().unpolish(self)
        self.style().polish(self)


class NotificationCentre(ToolWindow):
    openNotification = Signal(object)  # Notification: open what it is about

    def __init__(self, bridge: EngineBridge, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("notificationCentre")
        self.setWindowTitle("Notifications")
        self.engine = bridge.engine
        self.list = QListWidget()
        self.list.setObjectName("notificationList")
        self.list.setAccessibleName("Notifications, newest first")
        self.list.setSpacing(2)
        wrap_rows(self.list)
        self.phrasing = Phrasing(self.engine)
        self.muted = "#5f6670"
        self.empty = QLabel(
            "Nothing yet. You are told here when someone flags, comments on or "
            "mentions you in a document you follow."
        )
        self.empty.setObjectName("panelEmpty")
        self.empty.setWordWrap(True)
        self.mark_read = QPushButton("&Mark read")
        self.mark_all = QPushButton("Mark &all read")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.mark_read)
        row.addWidget(self.mark_all)
        row.addWidget(self.close_button())
        box = QVBoxLayout(self)
        box.addWidget(self.list, 1)
        box.addWidget(self.empty)
        box.addLayout(row)
        self.resize(460, 480)
        self.list.itemClicked.connect(self._open)
        self.list.itemActivated.connect(self._open)
        self.list.currentItemChanged.connect(lambda *_: self._enable())
        self.mark_read.clicked.connect(self.mark_current_read)
        self.mark_all.clicked.connect(self.mark_all_read)
        bridge.recordsChanged.connect(self._on_records)
        self.refresh()

    def refresh(self) -> None:
        current = self.list.currentItem()
        keep = current.data(NOTE_ID_ROLE) if current else None
        self.list.blockSignals(True)
        self.list.clear()
        for note in self.engine.notifications(limit=SHOWN):
            text = self.phrasing.text(note)
            item = QListWidgetItem(self._text(note, text))
            item.setData(NOTE_ID_ROLE, note.id)
            item.setData(HTML_ROLE, self._rich(note, text))
            item.setToolTip(text)
            font = QFont(self.list.font())
            font.setBold(not note.read)
            item.setFont(font)
            self.list.addItem(item)
            if note.id == keep:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self.empty.setVisible(self.list.count() == 0)
        self._enable()

    def _where(self, note: Notification) -> str:
        title = f"{self.phrasing.title(note)} · " if note.doc_id else ""
        return f"{title}{age_text(note.created_at)}"

    def _text(self, note: Notification, text: str) -> str:
        dot = "" if note.read else "● "
        return f"{dot}{text}\n{self._where(note)}"

    def _rich(self, note: Notification, text: str) -> str:
        said = html.escape(text)
        if not note.read:
            said = f"<b>● {said}</b>"
        where = html.escape(self._where(note))
        return f'{said}<div style="color:{self.muted}; font-size:small">{where}</div>'

    def set_colours(self, colours: Colours) -> None:
        self.muted = colours.muted
        self.refresh()

    def _enable(self) -> None:
        item = self.list.currentItem()
        self.mark_read.setEnabled(item is not None and item.font().bold())
        self.mark_all.setEnabled(self.engine.unread_count() > 0)

    def _open(self, item: QListWidgetItem) -> None:
        nid = str(item.data(NOTE_ID_ROLE))
        note = next((n for n in self.engine.notifications() if n.id == nid), None)
        if note is None:
            return
        if not note.read:
            self.engine.mark_read([nid])
        if note.doc_id:
            self.openNotification.emit(note)

    def mark_current_read(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.engine.mark_read([str(item.data(NOTE_ID_ROLE))])

    def mark_all_read(self) -> None:
        self.engine.mark_read(n.id for n in self.engine.notifications(unread_only=True))

    def _on_records(self, event: RecordsChanged) -> None:
        if "notification" in event.kinds and self.isVisible():
            self.refresh()
