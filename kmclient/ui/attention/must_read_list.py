"""Every must-read of this user, waiting and acknowledged (the strip's "All…")."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from kmclient.core.model import RecordsChanged
from kmclient.ui.attention.must_read_strip import item_text
from kmclient.ui.i18n import tr, when
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.shell.tool_window import ToolWindow

DOC_ROLE = Qt.ItemDataRole.UserRole + 23


class MustReadList(ToolWindow):
    openDoc = Signal(str)

    def __init__(self, bridge: EngineBridge, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("mustReadListWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(tr("Your must-reads"))
        self.resize(560, 420)
        self.bridge = bridge
        self.engine = bridge.engine
        hint = QLabel(tr("Open one to read it; Enter opens, Esc closes."))
        hint.setObjectName("formHint")
        self.list = QListWidget()
        self.list.setObjectName("mustReadAll")
        self.list.itemActivated.connect(lambda item: self.openDoc.emit(item.data(DOC_ROLE)))
        box = QVBoxLayout(self)
        box.addWidget(hint)
        box.addWidget(self.list, 1)
        box.addLayout(self.close_row())
        bridge.recordsChanged.connect(self._on_records)

    def refresh(self) -> None:
        now = datetime.now(UTC)
        self.list.clear()
        for must in self.engine.must_reads(include_done=True, now=now):
            if must.acknowledged and must.acked_at is not None:
                state = tr("acknowledged %1").replace("%1", when(must.acked_at.isoformat()))
            elif must.overdue(now):
                state = tr("overdue")
            else:
                state = tr("to read")
            item = QListWidgetItem(f"{item_text(must)} — {state}")
            item.setData(DOC_ROLE, must.doc_id)
            if must.note:
                item.setToolTip(f"“{must.note}” — {must.by or ''}")
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def _on_records(self, event: RecordsChanged) -> None:
        if {"must_read", "ack"} & event.kinds:
            self.refresh()
