"""Comments beside the document: threads, replies, resolve/reopen, @mentions.

Threads oldest first, each with its replies; resolved ones greyed (hidden
unless "Show resolved"). Clicking a thread selects its passage in the
document. "Comment" starts a thread on the document's selected passage (or
the whole document); "Reply" answers the chosen thread. ``@name`` in the text
notifies that reader (the server finds the mentions).
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kmclient.core.feedback_model import Comment, CommentThread, age_text
from kmclient.core.feedback_requests import InvalidRequest, NoSuchDocument, NoSuchRecord, NotAllowed
from kmclient.core.model import RecordsChanged
from kmclient.ui.reading.doc_view import DocView
from kmclient.ui.reading.passages import selected_passage, short_quote, show_passage
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.shell.text_widgets import HTML_ROLE, wrap_rows

COMMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 30
ENGINE_ERRORS = (InvalidRequest, NoSuchDocument, NoSuchRecord, NotAllowed)


class CommentsPanel(QWidget):
    def __init__(self, bridge: EngineBridge, doc_view: DocView, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("commentsPanel")
        self.engine = bridge.engine
        self.doc_view = doc_view
        self.doc_id: str | None = None
        self.muted = QColor("#888888")
        self.tree = QTreeWidget()
        self.tree.setObjectName("commentThreads")
        self.tree.setHeaderHidden(True)
        self.tree.setAccessibleName("Comment threads")
        self.tree.setIndentation(14)
        wrap_rows(self.tree)  # every comment in full, however narrow the panel
        self.empty = QLabel("No comments yet. Select a passage and write one below.")
        self.empty.setObjectName("panelEmpty")
        self.empty.setWordWrap(True)
        self.show_resolved = QCheckBox("Show &resolved")
        self.box = QPlainTextEdit()
        self.box.setObjectName("commentBox")
        self.box.setPlaceholderText("Write a comment; @name tells that person")
        self.box.setTabChangesFocus(True)
        self.box.setFixedHeight(70)
        self.comment = QPushButton("&Comment")
        self.comment.setToolTip("A new thread, on the selected passage if there is one")
        self.reply = QPushButton("Re&ply")
        self.resolve = QPushButton("Resol&ve")
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.resolve)
        buttons.addStretch(1)
        buttons.addWidget(self.reply)
        buttons.addWidget(self.comment)
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 6, 6, 6)
        box.addWidget(self.tree, 1)
        box.addWidget(self.empty)
        box.addWidget(self.show_resolved)
        box.addWidget(self.box)
        box.addLayout(buttons)
        box.addWidget(self.error)
        self.tree.currentItemChanged.connect(lambda *_: self._enable())
        self.tree.itemClicked.connect(lambda item, _c: self.show_thread_passage(item))
        self.show_resolved.toggled.connect(lambda _on: self.refresh())
        self.box.textChanged.connect(self._enable)
        self.comment.clicked.connect(self.add_comment)
        self.reply.clicked.connect(self.add_reply)
        self.resolve.clicked.connect(self.toggle_resolved)
        bridge.recordsChanged.connect(self._on_records)
        self._enable()

    def show_doc(self, doc_id: str | None) -> None:
        self.doc_id = doc_id
        self.error.hide()
        self.refresh()

    def threads(self) -> list[CommentThread]:
        return self.engine.comments(self.doc_id) if self.doc_id else []

    def refresh(self) -> None:
        keep = self.current_thread_id()
        self.tree.clear()
        shown = [t for t in self.threads() if self.show_resolved.isChecked() or not t.resolved]
        for thread in shown:
            item = self._item(thread.root, thread)
            if thread.resolved:
                item.setForeground(0, QBrush(self.muted))
            for reply in thread.replies:
                item.addChild(self._item(reply))
            self.tree.addTopLevelItem(item)
            item.setExpanded(True)
            if thread.id == keep:
                self.tree.setCurrentItem(item)
        self.empty.setVisible(not shown)
        self._enable()

    def _item(self, comment: Comment, thread: CommentThread | None = None) -> QTreeWidgetItem:
        """A comment in full: who and when (muted), the passage, the words, wrapped."""
        head = f"{comment.by} · {age_text(comment.created_at)}"
        if comment.pending:
            head += " · not sent yet"
        if thread is not None and thread.resolved:
            head += f" · resolved by {thread.root.resolved_by or '?'}"
        quote = ""
        if thread is not None and thread.anchor is not None:
            quote = f"On “{short_quote(thread.anchor.quote, 60)}”"
        item = QTreeWidgetItem(["\n".join(p for p in (head, quote, comment.body) if p)])
        item.setData(0, COMMENT_ID_ROLE, comment.thread)
        muted = self.muted.name()
        rich = f'<div style="color:{muted}; font-size:small">{html.escape(head)}</div>'
        if quote:
            rich += f'<div style="color:{muted}"><i>{html.escape(quote)}</i></div>'
        rich += f"<div>{html.escape(comment.body).replace(chr(10), '<br>')}</div>"
        item.setData(0, HTML_ROLE, rich)
        item.setToolTip(0, comment.body)
        return item

    def select_thread(self, thread_id: str) -> bool:
        """Choose a thread (shown even if resolved) and select its passage."""
        if not self.show_resolved.isChecked() and any(
            t.id == thread_id and t.resolved for t in self.threads()
        ):
            self.show_resolved.setChecked(True)
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, COMMENT_ID_ROLE) == thread_id:
                self.tree.setCurrentItem(item)
                self.tree.scrollToItem(item)
                self.show_thread_passage(item)
                return True
        return False

    def current_thread_id(self) -> str | None:
        item = self.tree.currentItem()
        return str(item.data(0, COMMENT_ID_ROLE)) if item else None

    def current_thread(self) -> CommentThread | None:
        tid = self.current_thread_id()
        return next((t for t in self.threads() if t.id == tid), None)

    def _enable(self) -> None:
        has_text = bool(self.box.toPlainText().strip())
        thread = self.current_thread()
        self.comment.setEnabled(self.doc_id is not None and has_text)
        self.reply.setEnabled(thread is not None and has_text)
        self.resolve.setEnabled(thread is not None)
        self.resolve.setText("Reo&pen" if thread and thread.resolved else "Resol&ve")

    def show_thread_passage(self, item: QTreeWidgetItem) -> None:
        thread = self.current_thread()
        if thread is None or thread.anchor is None:
            return
        span = self.engine.resolve_anchor(thread)
        if span is None or not show_passage(self.doc_view, span):
            quote = short_quote(thread.anchor.quote, 80)
            self.doc_view.header.show_notice(f"The passage is gone; it read “{quote}”")

    def add_comment(self) -> bool:
        passage = selected_passage(self.doc_view)
        return self._send(lambda body: self.engine.comment(self.doc_id or "", body, None, passage))

    def add_reply(self) -> bool:
        thread = self.current_thread()
        if thread is None:
            return False
        parent = thread.comments[-1].id  # answer the latest word in the thread
        return self._send(lambda body: self.engine.comment(thread.doc_id, body, parent=parent))

    def _send(self, make: Callable[[str], str]) -> bool:
        body = self.box.toPlainText().strip()
        if not body or self.doc_id is None:
            return False
        try:
            make(body)
        except ENGINE_ERRORS as exc:
            self.show_error(f"Not sent: {exc}")
            return False
        self.box.clear()
        self.error.hide()
        return True

    def toggle_resolved(self) -> bool:
        thread = self.current_thread()
        if thread is None:
            return False
        try:
            self.engine.set_comment_state(thread.id, not thread.resolved)
        except ENGINE_ERRORS as exc:
            self.show_error(str(exc))
            return False
        return True

    def show_error(self, text: str) -> None:
        self.error.setText(html.escape(text))
        self.error.show()

    def _on_records(self, event: RecordsChanged) -> None:
        if "comment" in event.kinds and self.doc_id in event.doc_ids:
            self.refresh()
