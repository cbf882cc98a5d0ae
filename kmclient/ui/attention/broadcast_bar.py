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
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from kmclient.core.attention_model import Broadcast
from kmclient.core.feedback_requests import NoSuchRecord, NotAllowed
from kmclient.core.model import RecordsChanged
from kmclient.ui.i18n import clock, tr, when
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.shell.theme import LIGHT, Colours

MAX_TIMER_MS = 3_600_000  # look again at least hourly (a clock change, a long sleep)


def severity_word(severity: str) -> str:
    return {
        "critical": tr("Critical"),
        "warning": tr("Warning"),
        "info": tr("Information"),
    }.get(severity, severity)


class SeverityMark(QWidget):
    """The sign before a broadcast, drawn, not a character: a stop sign (critical), a
    warning triangle, an "i" in a circle. "⛔" and friends need a font that has
    them, and many desktops have none (a box with a question mark instead)."""

    def __init__(self, severity: str, colours: Colours, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("broadcastMark")
        self.severity = severity if severity in ("critical", "warning") else "info"
        self.colour = QColor(
            {"critical": colours.critical, "warning": colours.flag}.get(
                self.severity, colours.accent
            )
        )
        self.cut = QColor(colours.critical_bg)  # the bar across the stop sign
        self.setAccessibleName(severity_word(severity))
        side = max(16, round(self.fontMetrics().height() * 1.25))
        self.setFixedSize(QSize(side + 6, side))

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = float(self.height())
        box = QRectF(1, 1, side - 2, side - 2)
        u = box.width() / 24  # the drawing is on a 24 x 24 grid
        at = box.topLeft()

        def pt(x: float, y: float) -> QPointF:
            return QPointF(at.x() + x * u, at.y() + y * u)

        if self.severity == "critical":
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.colour)
            corners = [(7.9, 1), (16.1, 1), (23, 7.9), (23, 16.1), (16.1, 23), (7.9, 23)]
            corners += [(1, 16.1), (1, 7.9)]
            painter.drawPolygon(QPolygonF([pt(x, y) for x, y in corners]))
            painter.setBrush(self.cut)
            painter.drawRoundedRect(QRectF(pt(5.5, 10), pt(18.5, 14)), u, u)
        else:
            pen = QPen(self.colour, 2.2 * u)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            if self.severity == "warning":
                painter.drawPolygon(QPolygonF([pt(12, 2.5), pt(22.5, 21), pt(1.5, 21)]))
                painter.drawLine(pt(12, 9.5), pt(12, 14.5))
                painter.drawPoint(pt(12, 17.8))
            else:
                painter.drawEllipse(QRectF(pt(2, 2), pt(22, 22)))
                painter.drawLine(pt(12, 11), pt(12, 17))
                painter.drawPoint(pt(12, 7.5))
        painter.end()


class BroadcastLine(QWidget):
    openDoc = Signal(str)
    hideRequested = Signal(str)

    def __init__(
        self,
        item: Broadcast,
        link_title: str | None,
        parent: QWidget | None = None,
        colours: Colours = LIGHT,
    ):
        super().__init__(parent)
        self.item = item
        self.setObjectName("broadcastLine")
        self.setProperty("severity", item.severity)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.mark = mark = SeverityMark(item.severity, colours)
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
        row.addWidget(mark, 0, Qt.AlignmentFlag.AlignTop)
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

    def __init__(
        self,
        bridge: EngineBridge,
        parent: QWidget | None = None,
        colours: Callable[[], Colours] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("broadcastBar")
        self._colours = colours or (lambda: LIGHT)
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

    def set_colours(self) -> None:
        """The theme changed: draw the lines again in its colours."""
        self.refresh(redraw=True)

    def refresh(self, now: datetime | None = None, redraw: bool = False) -> None:
        now = now or datetime.now(UTC)
        items = [] if self.bridge.is_closed else self.engine.broadcasts(now=now)
        if redraw or items != self.shown():
            for line in self.lines:
                self._box.removeWidget(line)
                line.hide()  # now: deleteLater waits for the event loop
                line.deleteLater()
            self.lines = []
            for item in items:
                linked = self.engine.doc(item.link) if item.link else None
                title = linked.title if linked else None
                line = BroadcastLine(item, title, self, colours=self._colours())
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
