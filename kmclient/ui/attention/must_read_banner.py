"""A must-read's line in the document's header, for the user it is for.

"Must read: version 2, from sara: “New fee from 1 March” · due 1 Dec 12:00
[What changed since version 1] [I have read this]". Opening the document
tells the server it was opened (the supervisor's coverage shows "opened");
"I have read this" (Ctrl+Shift+A) acknowledges it, offline too. An
acknowledged must-read leaves a quiet line ("You acknowledged version 2 at
14:05") so the rep knows it counted.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from kmclient.core.attention_model import MustRead
from kmclient.core.model import DocChanged, RecordsChanged
from kmclient.ui.i18n import tr, when
from kmclient.ui.shell.engine_bridge import EngineBridge

NARROW = 820  # px: below this the buttons go under the text


class MustReadBanner(QWidget):
    whatChangedRequested = Signal(str)  # doc id
    acknowledgeRequested = Signal(str)

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mustReadBanner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.bridge = bridge
        self.engine = bridge.engine
        self.doc_id: str | None = None
        self.must: MustRead | None = None
        self.label = QLabel()
        self.label.setObjectName("mustReadText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAccessibleName(tr("Must read"))
        self.changes = QToolButton()
        self.changes.setObjectName("mustReadChanges")
        self.changes.clicked.connect(lambda: self.whatChangedRequested.emit(self.doc_id or ""))
        self.ack = QPushButton(tr("I have read this"))
        self.ack.setObjectName("acknowledgeButton")
        self.ack.setToolTip(tr("Tell your supervisor you have read this version (Ctrl+Shift+A)"))
        self.ack.clicked.connect(lambda: self.acknowledgeRequested.emit(self.doc_id or ""))
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addStretch(1)
        buttons.addWidget(self.changes)
        buttons.addWidget(self.ack)
        # One line when there is room; in a narrow window the buttons go under the text.
        self._box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._box.setContentsMargins(10, 4, 6, 4)
        self._box.addWidget(self.label, 1)
        self._box.addLayout(buttons)
        self.hide()
        bridge.recordsChanged.connect(self._on_records)
        bridge.docsChanged.connect(self._on_docs)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        narrow = event.size().width() < NARROW
        wanted = QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight
        if self._box.direction() != wanted:
            self._box.setDirection(wanted)

    @property
    def text(self) -> str:
        return self.label.text() if self.isVisibleTo(self.parentWidget()) else ""

    def show_doc(self, doc_id: str | None) -> None:
        self.doc_id = doc_id
        self.refresh()

    def refresh(self) -> None:
        must = (
            self.engine.must_read_of(self.doc_id)
            if self.doc_id and not self.bridge.is_closed
            else None
        )
        self.must = must
        if must is None:
            self.hide()
            return
        now = datetime.now(UTC)
        state = "done" if must.acknowledged else "overdue" if must.overdue(now) else "waiting"
        self.setProperty("state", state)
        self.style().unpolish(self)
        self.style().polish(self)
        if must.acknowledged:
            assert must.acked_at is not None
            line = tr("You acknowledged version %1 at %2").replace("%1", str(must.rev))
            line = line.replace("%2", when(must.acked_at.isoformat()))
            if must.pending:
                line += " " + tr("(sent when you are online)")
            self.label.setText(html.escape(line))
            self.changes.hide()
            self.ack.hide()
            self.show()
            return
        head = tr("Must read: version %1").replace("%1", str(must.rev))
        parts = [f"<b>{html.escape(head)}</b>"]
        if must.by:
            parts.append(html.escape(tr("from %1").replace("%1", must.by)))
        if must.note:
            parts.append(f"“{html.escape(must.note)}”")
        if must.due is not None:
            due = tr("due %1").replace("%1", when(must.due.isoformat()))
            parts.append(f"<b>{html.escape(due)}</b>" if state == "overdue" else html.escape(due))
        if state == "overdue":
            parts.append("<b>" + html.escape(tr("overdue")) + "</b>")
        self.label.setText(" · ".join(parts))
        base = self.engine.what_changed(must.doc_id).base_rev
        self.changes.setText(
            tr("What changed since version %1").replace("%1", str(base))
            if base
            else tr("What changed in this version")
        )
        self.changes.setVisible(bool(base) or (self.engine.doc(must.doc_id) or _NoRev).rev > 1)
        self.ack.show()
        self.show()

    def _on_records(self, event: RecordsChanged) -> None:
        if {"must_read", "ack"} & event.kinds and self.doc_id in event.doc_ids:
            self.refresh()

    def _on_docs(self, events: tuple[DocChanged, ...]) -> None:
        if any(e.doc_id == self.doc_id and e.kind in ("meta", "published") for e in events):
            self.refresh()  # once for all of them


class _NoRev:
    rev = 0
