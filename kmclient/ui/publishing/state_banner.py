"""The editors' line under a document's facts: where it stands between editing and publishing.

- a draft: "Draft: only its editors and supervisors see it" [Publish…]
- unpublished changes: "3 unpublished changes by olle, karin" [Show changes] [Publish…]
- review required: [Submit for review…]; submitted: "Submitted for review by olle 14:10";
  sent back: "Sent back by sara: …" [Submit again…]
- a request waiting for the server: "Publishing… (sent when you are online)"
- archived: "Archived: readers no longer see it" [Bring back]

Readers never see this banner: for them the document is simply its latest
version (the header's facts say which, and how current it is).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from kmclient.core.model import DocChanged, DocInfo, RecordsChanged
from kmclient.core.sync_engine import SyncEngine
from kmclient.core.trust import unpublished_line
from kmclient.ui.i18n import when
from kmclient.ui.shell.engine_bridge import EngineBridge

RECOUNT_MS = 400  # count the unpublished changes once typing pauses, not per key
PENDING_WORDS = {
    "publish": "Publishing…",
    "submit": "Submitting for review…",
    "review": "Sending the review…",
    "restore": "Restoring…",
    "archive": "Archiving…",
    "verify": "Verifying…",
}


def may_archive(engine: SyncEngine, info: DocInfo) -> bool:
    user = engine.user
    return bool(user and (user.role == "supervisor" or user.name == info.owner))


class PublishingBanner(QWidget):
    showChangesRequested = Signal()
    publishRequested = Signal()  # publish, or submit for review: PublishActions decides
    unarchiveRequested = Signal()

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("publishingBanner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.engine = bridge.engine
        self.doc_id: str | None = None
        self.state = ""  # draft, changes, submitted, sent_back, archived, pending, "" (hidden)
        self.label = QLabel()
        self.label.setObjectName("publishingText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAccessibleName("Publishing state")
        self.changes = QToolButton()
        self.changes.setObjectName("showChangesButton")
        self.changes.setText("Show changes")
        self.changes.setToolTip("What readers would get: a word diff (Ctrl+Shift+H)")
        self.changes.clicked.connect(self.showChangesRequested)
        self.publish = QToolButton()
        self.publish.setObjectName("publishButton")
        self.publish.clicked.connect(self.publishRequested)
        self.unarchive = QToolButton()
        self.unarchive.setObjectName("unarchiveButton")
        self.unarchive.setText("Bring back")
        self.unarchive.setToolTip("Readers see it again")
        self.unarchive.clicked.connect(self.unarchiveRequested)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 6, 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.changes)
        row.addWidget(self.unarchive)
        row.addWidget(self.publish)
        self.hide()
        self._recount = QTimer(self)
        self._recount.setSingleShot(True)
        self._recount.setInterval(RECOUNT_MS)
        self._recount.timeout.connect(self.refresh)
        bridge.docChanged.connect(self._on_doc_changed)
        bridge.recordsChanged.connect(self._on_records)

    @property
    def text(self) -> str:
        return self.label.text() if self.isVisibleTo(self.parentWidget()) else ""

    def show_doc(self, doc_id: str | None) -> None:
        self.doc_id = doc_id
        self.refresh()

    def refresh(self) -> None:
        info = self.engine.doc(self.doc_id) if self.doc_id else None
        state, text = self._state(info)
        self.state = state
        self.label.setText(text)
        self.setVisible(bool(state))
        self.setProperty("state", state)
        self.style().unpolish(self)
        self.style().polish(self)
        if info is None or not state:
            return
        review = info.review_required and not info.can_publish
        resubmit = state == "sent_back"
        self.publish.setText(
            "Submit again…" if resubmit else "Submit for review…" if review else "Publish…"
        )
        self.publish.setToolTip(
            "A supervisor reviews it and publishes it"
            if review
            else "Readers in its audience see it at once (Ctrl+Shift+P)"
        )
        shows_publish = state in ("draft", "changes", "sent_back") and info.can_edit
        self.publish.setVisible(shows_publish and (info.can_publish or info.review_required))
        self.changes.setVisible(state in ("changes", "sent_back", "submitted"))
        self.unarchive.setVisible(state == "archived" and may_archive(self.engine, info))

    def _state(self, info: DocInfo | None) -> tuple[str, str]:
        if info is None or not info.working:
            return "", ""
        pending = self.engine.pending_changes(info.id)
        if pending:
            online = self.engine.status.state == "online"
            words = PENDING_WORDS.get(pending[-1], "Sending…")
            return "pending", words + ("" if online else " (sent when you are online)")
        if info.status == "archived":
            return "archived", "<b>Archived.</b> Readers no longer see it; it stays in history."
        review = info.review
        if review is not None and review.state == "submitted":
            return "submitted", (
                f"<b>Submitted for review</b> by {html.escape(review.by)} {when(review.at)}: "
                "a supervisor publishes it."
            )
        if review is not None and review.state == "sent_back":
            note = f": “{html.escape(review.note)}”" if review.note else ""
            return "sent_back", f"<b>Sent back</b> by {html.escape(review.by)}{note}"
        if info.status == "draft":
            who = "once you publish it" if info.can_publish else "once it is published"
            return "draft", (
                f"<b>Draft.</b> Only its editors and supervisors see it; readers see it {who}."
            )
        summary = self.engine.unpublished_changes(info.id)
        title_changed = info.published is not None and info.published.title != info.title
        count = (summary.changes if summary else 0) + (1 if title_changed else 0)
        line = unpublished_line(info, count)
        if line is None:
            return "", ""
        shown = html.escape(line[:1].upper() + line[1:])
        them = "it" if count == 1 else "them"
        return "changes", f"<b>{shown}</b>: readers do not see {them} yet."

    def _on_doc_changed(self, event: DocChanged) -> None:
        if event.doc_id != self.doc_id:
            return
        if event.kind in ("content", "published"):
            self._recount.start()
        elif event.kind == "meta":
            self.refresh()

    def _on_records(self, event: RecordsChanged) -> None:
        if "revision" in event.kinds and self.doc_id in event.doc_ids:
            self.refresh()  # a request of ours sent, answered or refused
