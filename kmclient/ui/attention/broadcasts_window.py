"""Supervisors: every broadcast, active and past, and who has seen each
(View ▸ Broadcasts). New broadcast…, End now, and the people in a broadcast's
audience with when it first reached one of their open windows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kmclient.core.feedback_requests import NotAllowed
from kmclient.core.model import QueryAnswered, RecordsChanged, RequestFailed
from kmclient.ui.attention.audience_picker import describe
from kmclient.ui.attention.broadcast_bar import severity_word
from kmclient.ui.i18n import parse_iso, role_word, tr, when
from kmclient.ui.publishing.queries import Queries, failure_text
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.shell.tool_window import ToolWindow

ID_ROLE = Qt.ItemDataRole.UserRole + 21


def is_active(item: dict[str, Any], now: datetime) -> bool:
    expires = parse_iso(item.get("expires_at"))
    return not item.get("ended_at") and (expires is None or now < expires)


def standing(item: dict[str, Any], now: datetime) -> str:
    if item.get("ended_at"):
        by = item.get("ended_by") or ""
        return tr("Ended %1").replace("%1", when(item["ended_at"])) + (f" ({by})" if by else "")
    expires = parse_iso(item.get("expires_at"))
    if expires is not None and expires <= now:
        return tr("Expired %1").replace("%1", when(item["expires_at"]))
    return tr("Active until %1").replace("%1", when(item.get("expires_at")))


class BroadcastsWindow(ToolWindow):
    newRequested = Signal()

    def __init__(self, bridge: EngineBridge, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("broadcastsWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(tr("Broadcasts"))
        self.resize(900, 560)
        self.bridge = bridge
        self.engine = bridge.engine
        self.queries = Queries(bridge, self)
        self.items: list[dict[str, Any]] = []
        columns = [tr("Severity"), tr("Message"), tr("For"), tr("Sent"), tr("State"), tr("Seen by")]
        self.table = QTableWidget(0, len(columns))
        self.table.setObjectName("broadcastTable")
        self.table.setHorizontalHeaderLabels(columns)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._on_pick)
        self.seen = QTableWidget(0, 3)
        self.seen.setObjectName("broadcastSeen")
        self.seen.setHorizontalHeaderLabels([tr("Name"), tr("Role"), tr("Seen")])
        self.seen.verticalHeader().hide()
        self.seen.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.seen.horizontalHeader().setStretchLastSection(True)
        self.message = QLabel()
        self.message.setObjectName("formHint")
        self.message.setWordWrap(True)
        new = QPushButton(tr("New broadcast…"))
        new.setObjectName("newBroadcast")
        new.clicked.connect(self.newRequested)
        self.end = QPushButton(tr("End now"))
        self.end.setObjectName("endBroadcast")
        self.end.setEnabled(False)
        self.end.clicked.connect(self.end_selected)
        refresh = QPushButton(tr("Refresh"))
        refresh.clicked.connect(self.refresh)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.seen)
        split.setSizes([340, 180])
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(new)
        buttons.addWidget(self.end)
        buttons.addWidget(refresh)
        buttons.addWidget(self.close_button())
        box = QVBoxLayout(self)
        box.addWidget(split, 1)
        box.addLayout(buttons)
        bridge.recordsChanged.connect(self._on_records)
        bridge.requestFailed.connect(self._on_failed)
        self.refresh()

    def refresh(self) -> None:
        why_not = self.queries.ask("broadcasts", self._on_list)
        if why_not:
            self.message.setText(why_not)

    def selected(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        broadcast_id = self.table.item(rows[0].row(), 0).data(ID_ROLE)
        return next((i for i in self.items if i["id"] == broadcast_id), None)

    def end_selected(self) -> None:
        item = self.selected()
        if item is None:
            return
        try:
            self.engine.end_broadcast(item["id"])
        except NotAllowed as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(tr("Ending it…"))

    def _on_list(self, answer: QueryAnswered) -> None:
        if not answer.ok:
            self.message.setText(failure_text(answer))
            return
        chosen = self.selected()
        self.items = list(answer.data.get("items") or [])
        now = datetime.now(UTC)
        self.table.setRowCount(len(self.items))
        for i, item in enumerate(self.items):
            values = (
                severity_word(item["severity"]),
                item["text"],
                describe(item.get("audience") or ()),
                when(item["at"]) + (f" · {item['by']}" if item.get("by") else ""),
                standing(item, now),
                str(item.get("seen", 0)),
            )
            for j, value in enumerate(values):
                cell = QTableWidgetItem(value)
                if j == 0:
                    cell.setData(ID_ROLE, item["id"])
                if j == 1:
                    cell.setToolTip(item["text"])
                self.table.setItem(i, j, cell)
            if chosen and item["id"] == chosen["id"]:
                self.table.selectRow(i)
        self.table.resizeColumnToContents(0)
        self.message.setText("" if self.items else tr("No broadcasts yet."))
        self._on_pick()

    def _on_pick(self) -> None:
        item = self.selected()
        self.end.setEnabled(item is not None and is_active(item, datetime.now(UTC)))
        if item is None:
            self.seen.setRowCount(0)
            return
        self.queries.ask("broadcast_seen", self._on_seen, id=item["id"])

    def _on_seen(self, answer: QueryAnswered) -> None:
        if not answer.ok:
            self.message.setText(failure_text(answer))
            return
        users = answer.data.get("users") or []
        self.seen.setRowCount(len(users))
        for i, u in enumerate(users):
            seen = when(u["seen_at"]) if u.get("seen_at") else tr("not yet")
            for j, value in enumerate((u["name"], role_word(u["role"]), seen)):
                self.seen.setItem(i, j, QTableWidgetItem(value))

    def _on_records(self, event: RecordsChanged) -> None:
        if "broadcast" in event.kinds:
            self.refresh()  # one sent or ended from here was answered

    def _on_failed(self, failed: RequestFailed) -> None:
        if failed.request in ("broadcast", "end_broadcast"):
            self.message.setText(failed.message)
