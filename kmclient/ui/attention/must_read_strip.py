"""The rep's must-reads, always in sight: a strip under the broadcasts, with a count.

"Must read (2): Parking permit · version 2 · due 1 Dec 12:00 | Refund rules ·
version 3". Each item opens its document; an overdue one is marked louder
(red, "overdue"), never as a dialog over what the rep is reading. The strip
stays until every must-read is acknowledged: it is not a notification that
can be missed or cleared. Quiet mode does not hide it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolButton, QWidget

from kmclient.core.attention_model import MustRead
from kmclient.core.model import DocChanged, RecordsChanged
from kmclient.ui.i18n import tr, when
from kmclient.ui.shell.engine_bridge import EngineBridge

SHOWN = 4  # items named in the strip at most; the rest behind "and n more"
MIN_ITEM = 200  # px: an item narrower than this says too little
DUE_CHECK_MS = 60_000  # "overdue" turns on by itself


def item_text(must: MustRead) -> str:
    parts = [must.title, tr("version %1").replace("%1", str(must.rev))]
    if must.due is not None:
        parts.append(tr("due %1").replace("%1", when(must.due.isoformat())))
    return " · ".join(parts)


class MustReadStrip(QWidget):
    openDoc = Signal(str)
    showAll = Signal()

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mustReadStrip")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        # Never widen the window: items are elided and the rest goes behind "n more".
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.bridge = bridge
        self.engine = bridge.engine
        self.items: list[MustRead] = []
        self.badge = QLabel()
        self.badge.setObjectName("mustReadBadge")
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setAccessibleName(tr("Must-reads to acknowledge"))
        self.label = QLabel(tr("Must read:"))
        self.label.setObjectName("mustReadLabel")
        self.more = QToolButton()
        self.more.setObjectName("mustReadMore")
        self.more.clicked.connect(self.showAll)
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(10, 4, 6, 4)
        self._row.setSpacing(6)
        self.buttons: list[QToolButton] = []
        self._texts: list[tuple[str, str]] = []
        self._due = QTimer(self)
        self._due.setInterval(DUE_CHECK_MS)
        self._due.timeout.connect(self.refresh)
        self._due.start()
        bridge.recordsChanged.connect(self._on_records)
        bridge.docsChanged.connect(self._on_docs)
        bridge.stateChanged.connect(lambda _s: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        if self.bridge.is_closed:
            return
        now = datetime.now(UTC)
        self.items = self.engine.must_reads(now=now)
        while self._row.count():  # widgets and the stretch: built again below
            taken = self._row.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None and widget in self.buttons:
                widget.hide()  # now: deleteLater waits for the event loop
                widget.deleteLater()
        self.buttons, self._texts = [], []  # (title, the rest: version, due, overdue)
        self._row.addWidget(self.badge)
        self._row.addWidget(self.label)
        for must in self.items[:SHOWN]:
            button = QToolButton()
            button.setObjectName("mustReadItem")
            late = must.overdue(now)
            button.setProperty("overdue", late)
            text = item_text(must) + (" · " + tr("overdue") if late else "")
            rest = text[len(must.title) :]
            tip = text + "\n" + tr("Open it, read it, then press “I have read this”")
            if must.note:
                tip = f"“{must.note}” — {must.by or ''}\n{tip}"
            button.setToolTip(tip)
            button.setAccessibleName(text)
            button.clicked.connect(lambda _c=False, d=must.doc_id: self.openDoc.emit(d))
            self._row.addWidget(button)
            self.buttons.append(button)
            self._texts.append((must.title, rest))
        self._row.addStretch(1)
        self._row.addWidget(self.more)
        self.badge.setText(str(len(self.items)))
        self.more.setToolTip(tr("Every must-read, and what you have acknowledged"))
        self._fit()
        self.setVisible(bool(self.items))

    def _fit(self) -> None:
        """Show as many items as the width allows, their titles elided; the rest are
        counted on the "more" button."""
        self.more.setText(tr("and %n more…", "", len(self.items)) if self.items else "")
        fixed = (
            self.badge.sizeHint().width()
            + self.label.sizeHint().width()
            + self.more.sizeHint().width()
            + 60  # margins and spacing
        )
        room = max(0, self.width() - fixed)
        fits = max(1, min(len(self.buttons), room // MIN_ITEM)) if self.buttons else 0
        each = max(MIN_ITEM - 20, room // max(1, fits) - 8)
        for i, (button, (title, rest)) in enumerate(zip(self.buttons, self._texts, strict=True)):
            button.setVisible(i < fits)
            metrics = button.fontMetrics()
            padding = 28  # the button's own padding and border (app.qss)
            if metrics.horizontalAdvance(title + rest) > each - padding:
                # Narrow: the title (elided) and whether it is overdue; the rest in the tooltip.
                rest = " · " + tr("overdue") if rest.endswith(tr("overdue")) else ""
            room_for_title = each - padding - metrics.horizontalAdvance(rest)
            shown = metrics.elidedText(title, Qt.TextElideMode.ElideRight, room_for_title)
            button.setText(shown + rest)
            button.setMaximumWidth(each)
        rest = len(self.items) - fits
        self.more.setText(tr("and %n more…", "", rest) if rest > 0 else tr("All…"))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _on_records(self, event: RecordsChanged) -> None:
        if {"must_read", "ack"} & event.kinds:
            self.refresh()

    def _on_docs(self, events: tuple[DocChanged, ...]) -> None:
        shown = {m.doc_id for m in self.items}
        if any(e.kind in ("meta", "removed") and e.doc_id in shown for e in events):
            self.refresh()  # a new title, or the document left this user
