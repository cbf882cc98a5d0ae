"""The calm line every reader sees while a document has open flags.

"Flagged as outdated by anna 2 h ago: the fee is 600 kr now (+1 more)". It
is information, not an alarm: no colour shouting, no dialog. Refreshed when
the document's records change and every minute (the age).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from kmclient.core.feedback_model import inbox_order
from kmclient.core.model import RecordsChanged
from kmclient.core.sync_engine import SyncEngine
from kmclient.ui.i18n import tr
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.words import flag_summary

AGE_REFRESH_MS = 60_000


def banner_text(engine: SyncEngine, doc_id: str) -> str | None:
    """The banner's words for a document, or None when it has no open flag."""
    flags = engine.flags(doc_id, open_only=True)
    if not flags:
        return None
    top = min(flags, key=inbox_order)
    text = flag_summary(top, with_note=True)
    text = text[:1].upper() + text[1:]
    if top.state == "acknowledged":
        text += " · " + tr("the owner is on it ({who})").format(
            who=top.state_by or tr("acknowledged")
        )
    if top.pending:
        text += " · " + tr("not sent yet")
    more = len(flags) - 1
    return text + (" " + tr("(+%n more)", "", more) if more else "")


class FlagBanner(QWidget):
    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("flagBanner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)  # the style sheet's tint
        self.engine = bridge.engine
        self.doc_id: str | None = None
        self.label = QLabel()
        self.label.setObjectName("flagBannerText")
        self.label.setWordWrap(True)
        self.label.setAccessibleName(tr("Open flags"))
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 6, 4)
        row.addWidget(self.label, 1)
        self.hide()
        self._timer = QTimer(self)
        self._timer.setInterval(AGE_REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        bridge.recordsChanged.connect(self._on_records)

    @property
    def text(self) -> str:
        return self.label.text() if self.isVisibleTo(self.parentWidget()) else ""

    def show_doc(self, doc_id: str | None) -> None:
        self.doc_id = doc_id
        self.refresh()

    def refresh(self) -> None:
        text = banner_text(self.engine, self.doc_id) if self.doc_id else None
        self.label.setText(html.escape(text or ""))
        flags = self.engine.flags(self.doc_id, open_only=True) if text and self.doc_id else []
        self.label.setToolTip(
            "\n".join(
                [tr("Reported problems; the owner has been told:")]
                + [f"• {flag_summary(f, with_note=True)}" for f in flags]
            )
            if flags
            else ""
        )
        self.setVisible(bool(text))
        if text and not self._timer.isActive():
            self._timer.start()
        elif not text:
            self._timer.stop()

    def _on_records(self, event: RecordsChanged) -> None:
        if "flag" in event.kinds and (self.doc_id in event.doc_ids or not event.doc_ids):
            self.refresh()
