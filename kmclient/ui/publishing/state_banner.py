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
from kmclient.ui.i18n import tr, when
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.words import unpublished_line

RECOUNT_MS = 400  # count the unpublished changes once typing pauses, not per key


def pending_words(request: str) -> str:
    words = {
        "publish": tr("Publishing…"),
        "submit": tr("Submitting for review…"),
        "review": tr("Sending the review…"),
        "restore": tr("Restoring…"),
        "archive": tr("Archiving…"),
        "verify": tr("Verifying…"),
    }
    return words.get(request, tr("Sending…"))


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
        self.label.setAccessibleName(tr("Publishing state"))
        self.changes = QToolButton()
        self.changes.setObjectName("showChangesButton")
        self.changes.setText(tr("Show changes"))
        self.changes.setToolTip(tr("What readers would get: a word diff (Ctrl+Shift+H)"))
        self.changes.clicked.connect(self.showChangesRequested)
        self.publish = QToolButton()
        self.publish.setObjectName("publishButton")
        self.publish.clicked.connect(self.publishRequested)
        self.unarchive = QToolButton()
        self.unarchive.setObjectName("unarchiveButton")
        self.unarchive.setText(tr("Bring back"))
        self.unarchive.setToolTip(tr("Readers see it again"))
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
        bridge.docsChanged.connect(self._on_docs_changed)
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
            tr("Submit again…")
            if resubmit
            else tr("Submit for review…")
            if review
            else tr("Publish…")
        )
        self.publish.setToolTip(
            tr("A supervisor reviews it and publishes it")
            if review
            else tr("Readers in its audience see it at once (Ctrl+Shift+P)")
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
            words = pending_words(pending[-1])
            return "pending", words + ("" if online else " " + tr("(sent when you are online)"))
        if info.status == "archived":
            return "archived", tr("<b>Archived.</b> Readers no longer see it; it stays in history.")
        review = info.review
        if review is not None and review.state == "submitted":
            return "submitted", tr(
                "<b>Submitted for review</b> by {who} {when}: a supervisor publishes it."
            ).format(who=html.escape(review.by), when=when(review.at))
        if review is not None and review.state == "sent_back":
            note = f": “{html.escape(review.note)}”" if review.note else ""
            return "sent_back", tr("<b>Sent back</b> by {who}").format(
                who=html.escape(review.by)
            ) + note
        if info.status == "draft":
            return "draft", (
                tr(
                    "<b>Draft.</b> Only its editors and supervisors see it; "
                    "readers see it once you publish it."
                )
                if info.can_publish
                else tr(
                    "<b>Draft.</b> Only its editors and supervisors see it; "
                    "readers see it once it is published."
                )
            )
        summary = self.engine.unpublished_changes(info.id)
        title_changed = info.published is not None and info.published.title != info.title
        count = (summary.changes if summary else 0) + (1 if title_changed else 0)
        line = unpublished_line(info, count)
        if line is None:
            return "", ""
        shown = html.escape(line[:1].upper() + line[1:])
        return "changes", tr("<b>{changes}</b>: readers do not see them yet.", "", count).format(
            changes=shown
        )

    def _on_docs_changed(self, events: tuple[DocChanged, ...]) -> None:
        for event in events:
            self._on_doc_changed(event)

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
