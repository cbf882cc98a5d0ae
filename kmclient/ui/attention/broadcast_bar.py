"""Early warnings at the top of the window: one line per active broadcast.

Critical first (red), then warnings (amber), then information (blue). Each
says who sent it and until when, opens its linked document, and can be
hidden on this screen, except a critical one, which stays until it expires or
is ended. An expired broadcast goes by itself at its time, offline too (a
timer set to the next expiry); a new one shows as soon as the engine has it.
"""

from __future__ import annotations

import contextlib
import html
from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from kmclient.core.attention_model import Broadcast
from kmclient.core.feedback_requests import NoSuchRecord, NotAllowed
from kmclient.core.model import RecordsChanged
from kmclient.ui.i18n import clock, tr, when
from kmclient.ui.shell.engine_bridge import EngineBridge

MAX_TIMER_MS = 3_600_000  # look again at least hourly (a clock change, a long sleep)
SEVERITY_MARK = {"critical": "⛔", "warning": "⚠", "info": "ℹ"}


def severity_word(severity: str) -> str:
    return {
        "critical": tr("Critical"),
        "warning": tr("Warning"),
        "info": tr("Information"),
    }.get(severity, severity)


class BroadcastLine(QWidget):
    openDoc = Signal(str)
    hideRequested = Signal(str)

    def __init__(self, item: Broadcast, link_title: str | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.item = item
        self.setObjectName("broadcastLine")
        self.setProperty("severity", item.severity)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        mark = QLabel(SEVERITY_MARK.get(item.severity, "ℹ"))
        mark.setObjectName("broadcastMark")
        mark.setAccessibleName(severity_word(item.severity))
        self.text = QLabel()
        self.text.setObjectName("broadcastText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        who = item.by or tr("an administrator")
        until = (
            tr("until %1").replace("%1", clock(item.expires_at))
            if item.expires_at is not None
            else ""
        )
        meta = " · ".join(
            p for p in (who, when(item.at.isoformat()) if item.at else "", until) if p
        )
        self.text.setText(
            f"<b>{html.escape(item.text)}</b> "
            f"<span style='font-weight:normal'>— {html.escape(meta)}</span>"
        )
        self.text.setToolTip(f"{severity_word(item.severity)}: {item.text}")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 6, 4)
        row.addWidget(mark)
        row.addWidget(self.text, 1)
        if item.link and link_title:
            self.open = QToolButton()
            self.open.setObjectName("broadcastOpen")
            self.open.setText(tr("Open “%1”").replace("%1", link_title))
            self.open.clicked.connect(lambda: self.openDoc.emit(item.link or ""))
            row.addWidget(self.open)
        if not item.critical:
            self.hide_button = QToolButton()
            self.hide_button.setObjectName("broadcastHide")
            self.hide_button.setText("✕")
            self.hide_button.setToolTip(tr("Hide on this screen"))
            self.hide_button.setAccessibleName(tr("Hide this broadcast"))
            self.hide_button.clicked.connect(lambda: self.hideRequested.emit(item.id))
            row.addWidget(self.hide_button)


class BroadcastBar(QWidget):
    openDoc = Signal(str)
    changed = Signal(int)  # broadcasts shown

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("broadcastBar")
        self.bridge = bridge
        self.engine = bridge.engine
        self.lines: list[BroadcastLine] = []
        self._box = QVBoxLayout(self)
        self._box.setContentsMargins(6, 4, 6, 0)
        self._box.setSpacing(3)
        self._expiry = QTimer(self)
        self._expiry.setSingleShot(True)
        self._expiry.timeout.connect(self.refresh)
        bridge.recordsChanged.connect(self._on_records)
        bridge.stateChanged.connect(lambda _s: self.refresh())  # a new user, a new sync
        self.refresh()

    def shown(self) -> list[Broadcast]:
        return [line.item for line in self.lines]

    def refresh(self, now: datetime | None = None) -> None:
        now = now or datetime.now(UTC)
        items = [] if self.bridge.is_closed else self.engine.broadcasts(now=now)
        if items != self.shown():
            for line in self.lines:
                self._box.removeWidget(line)
                line.hide()  # now: deleteLater waits for the event loop
                line.deleteLater()
            self.lines = []
            for item in items:
                linked = self.engine.doc(item.link) if item.link else None
                line = BroadcastLine(item, linked.title if linked else None, self)
                line.openDoc.connect(self.openDoc)
                line.hideRequested.connect(self._hide)
                self._box.addWidget(line)
                self.lines.append(line)
            self.changed.emit(len(items))
        # Also with none from the start: an empty bar would be a 4 px strip above the window.
        self.setVisible(bool(items))
        self._schedule(now)

    def _schedule(self, now: datetime) -> None:
        if self.bridge.is_closed:
            return
        nxt = self.engine.next_broadcast_expiry(now)
        if nxt is None:
            self._expiry.stop()
            return
        ms = int((nxt - now).total_seconds() * 1000) + 200  # just past it
        self._expiry.start(max(200, min(ms, MAX_TIMER_MS)))

    def _hide(self, broadcast_id: str) -> None:
        with contextlib.suppress(NotAllowed, NoSuchRecord):
            self.engine.hide_broadcast(broadcast_id)
        self.refresh()

    def _on_records(self, event: RecordsChanged) -> None:
        if "broadcast" in event.kinds:
            self.refresh()
