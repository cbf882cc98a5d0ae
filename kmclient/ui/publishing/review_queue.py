"""View ▸ Review queue (Ctrl+Shift+R, supervisors): documents submitted for review.

Each submission shows what it would change for readers (a word diff against
the published version) and the owner's note. Approve publishes exactly what
was submitted, not what was typed since; Send back needs a comment, which the
owner is told. Owners see their own submissions here too, read-only, with a
supervisor's comment when one was sent back. A tool window: the supervisor
keeps reading beside it.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kmclient.core.feedback_requests import InvalidRequest, NoSuchDocument, NotAllowed
from kmclient.core.model import DocChanged, QueryAnswered, RecordsChanged, RequestFailed
from kmclient.ui.i18n import tr, when
from kmclient.ui.publishing.diff_view import DiffView
from kmclient.ui.publishing.queries import Queries, failure_text
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.shell.theme import LIGHT, Colours
from kmclient.ui.shell.tool_window import ToolWindow

DOC_ROLE = Qt.ItemDataRole.UserRole + 30


class ReviewQueue(ToolWindow):
    openDoc = Signal(str)  # doc id

    def __init__(
        self, bridge: EngineBridge, colours: Colours = LIGHT, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.setObjectName("reviewQueue")
        self.setWindowTitle(tr("Review queue"))
        self.resize(900, 560)
        self.engine = bridge.engine
        self.queries = Queries(bridge, self)
        user = self.engine.user
        self.supervisor = bool(user and user.role == "supervisor")
        self.items: dict[str, dict[str, Any]] = {}

        self.list = QListWidget()
        self.list.setObjectName("reviewList")
        self.list.setAccessibleName(tr("Submitted for review"))
        self.list.setWordWrap(True)
        self.list.currentItemChanged.connect(lambda *_: self._show_selected())
        self.list.itemActivated.connect(lambda item: self.openDoc.emit(item.data(DOC_ROLE)))
        self.empty = QLabel(tr("Nothing waits for review."))
        self.empty.setObjectName("panelEmpty")
        self.heading = QLabel()
        self.heading.setObjectName("diffHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.summary = QLabel()
        self.summary.setObjectName("diffSummary")
        self.diff = DiffView()
        self.diff.set_colours(colours)
        self.diff.set_compact(True)  # the changes and what is around them
        self.whole = QCheckBox(tr("Show the whole te&xt"))
        self.whole.toggled.connect(lambda on: self.diff.set_compact(not on))
        self.comment = QLineEdit()
        self.comment.setObjectName("reviewComment")
        self.comment.setPlaceholderText(tr("Comment for the owner (needed to send it back)"))
        self.comment.setAccessibleName(tr("Review comment"))
        self.approve = QPushButton(tr("&Approve and publish"))
        self.approve.clicked.connect(lambda: self._decide(True))
        self.send_back = QPushButton(tr("Send &back"))
        self.send_back.clicked.connect(lambda: self._decide(False))
        self.open = QPushButton(tr("&Open document"))
        self.open.clicked.connect(self._open_selected)
        self.status = QLabel()
        self.status.setObjectName("formHint")
        self.status.setWordWrap(True)
        refresh = QPushButton(tr("Re&fresh"))
        refresh.clicked.connect(self.reload)

        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.list, 1)
        column.addWidget(self.empty)
        right = QWidget()
        detail = QVBoxLayout(right)
        detail.setContentsMargins(0, 0, 0, 0)
        detail.addWidget(self.heading)
        detail.addWidget(self.summary)
        detail.addWidget(self.diff, 1)
        detail.addWidget(self.whole)
        detail.addWidget(self.comment)
        actions = QHBoxLayout()
        actions.addWidget(self.open)
        actions.addStretch(1)
        actions.addWidget(self.send_back)
        actions.addWidget(self.approve)
        detail.addLayout(actions)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([300, 600])
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(refresh)
        bottom.addWidget(self.close_button())
        box = QVBoxLayout(self)
        box.addWidget(split, 1)
        box.addLayout(bottom)
        for widget in (self.comment, self.approve, self.send_back):
            widget.setVisible(self.supervisor)
        bridge.docsChanged.connect(self._on_docs_changed)
        bridge.recordsChanged.connect(self._on_records)
        bridge.requestFailed.connect(self._on_failed)
        self.reload()

    def reload(self) -> None:
        not_sent = self.queries.ask("review_queue", self._on_queue)
        self.status.setText(not_sent or "")

    def _on_queue(self, answer: QueryAnswered) -> None:
        if not answer.ok:
            self.status.setText(failure_text(answer))
            return
        chosen = self._selected()
        self.items = {item["doc"]: item for item in answer.data.get("items") or []}
        self.list.blockSignals(True)
        self.list.clear()
        for item in self.items.values():
            state = tr("sent back") if item["status"] == "sent_back" else tr("waiting")
            text = f"{item['title']}\n{item['by']} · {when(item['at'])} · {state}"
            row = QListWidgetItem(text)
            row.setData(DOC_ROLE, item["doc"])
            self.list.addItem(row)
            if item["doc"] == chosen:
                self.list.setCurrentItem(row)
        self.list.blockSignals(False)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.empty.setVisible(not self.items)
        self.list.setVisible(bool(self.items))
        self._show_selected()

    def _selected(self) -> str | None:
        row = self.list.currentItem()
        return None if row is None else str(row.data(DOC_ROLE))

    def _show_selected(self) -> None:
        doc_id = self._selected()
        item = self.items.get(doc_id or "")
        waiting = bool(item and item["status"] == "submitted")
        self.approve.setEnabled(waiting)
        self.send_back.setEnabled(waiting)
        self.comment.setEnabled(waiting)
        self.open.setEnabled(item is not None)
        if item is None or doc_id is None:
            self.heading.clear()
            self.summary.clear()
            self.diff.show_message(tr("Choose a submission to see what it changes."))
            return
        info = self.engine.doc(doc_id)
        rev = info.rev if info else 0
        note = f": “{html.escape(item['note'])}”" if item.get("note") else ""
        heading = tr("<b>{title}</b>, submitted by {who} {when}").format(
            title=html.escape(item["title"]), who=html.escape(item["by"]), when=when(item["at"])
        )
        heading += note
        if item["status"] == "sent_back":
            heading += "<br>" + tr("Sent back by {who}: “{note}”").format(
                who=html.escape(item.get("decided_by") or ""),
                note=html.escape(item.get("decision_note") or ""),
            )
        self.heading.setText(heading)
        published = self.engine.published_text(doc_id) or ""
        summary = self.diff.show_diff(published, item.get("text", ""))
        if rev:
            text = tr("Compared with version {rev}: {summary}").format(rev=rev, summary=summary)
        else:
            text = tr("Compared with nothing published yet: {summary}").format(summary=summary)
        self.summary.setText(text)

    def _decide(self, approve: bool) -> None:
        doc_id = self._selected()
        if doc_id is None:
            return
        note = self.comment.text().strip()
        try:
            self.engine.review(doc_id, approve, note)
        except (NotAllowed, InvalidRequest, NoSuchDocument) as exc:
            self.status.setText(str(exc))
            if not approve:
                self.comment.setFocus()
            return
        self.comment.clear()
        self.status.setText(tr("Publishing…") if approve else tr("Sending it back…"))
        self.approve.setEnabled(False)
        self.send_back.setEnabled(False)

    def _open_selected(self) -> None:
        doc_id = self._selected()
        if doc_id is not None:
            self.openDoc.emit(doc_id)

    def _on_docs_changed(self, events: tuple[DocChanged, ...]) -> None:
        if any(e.kind == "meta" and e.doc_id in self.items for e in events):
            self.reload()  # approved, sent back or resubmitted

    def _on_records(self, event: RecordsChanged) -> None:
        if "revision" in event.kinds:  # a decision of ours was answered (or refused)
            self.reload()

    def _on_failed(self, failed: RequestFailed) -> None:
        if failed.request == "review":
            self.status.setText(tr("Not done: {reason}").format(reason=failed.message))
