"""The panel beside the document: Comments and My notes as tabs.

Hidden until asked for (View ▸ Comments, Ctrl+Shift+M; View ▸ My notes,
Ctrl+Shift+O); it follows the open document. Pressing the shortcut of the tab
already showing hides the panel again.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QTabWidget, QWidget

from kmclient.core.model import RecordsChanged, RequestFailed
from kmclient.ui.feedback.comments_panel import CommentsPanel
from kmclient.ui.feedback.notes_panel import NotesPanel
from kmclient.ui.i18n import tr
from kmclient.ui.reading.doc_view import DocView
from kmclient.ui.shell.engine_bridge import EngineBridge


class SidePanel(QObject):
    def __init__(self, window: QWidget, bridge: EngineBridge, doc_view: DocView) -> None:
        super().__init__(window)
        self.engine = bridge.engine
        self.doc_view = doc_view
        self.tabs = QTabWidget()
        self.tabs.setObjectName("sidePanel")
        self.tabs.setDocumentMode(True)
        self.tabs.setMinimumWidth(260)
        self.comments = CommentsPanel(bridge, doc_view)
        self.notes = NotesPanel(bridge, doc_view)
        self.tabs.addTab(self.comments, tr("Comments"))
        self.tabs.addTab(self.notes, tr("My notes"))
        self.tabs.hide()
        self.comments_action = QAction(tr("&Comments"), window)
        self.comments_action.setShortcut(QKeySequence("Ctrl+Shift+M"))
        self.comments_action.triggered.connect(lambda _c=False: self.toggle(self.comments))
        self.notes_action = QAction(tr("My &notes"), window)
        self.notes_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.notes_action.triggered.connect(lambda _c=False: self.toggle(self.notes))
        for action in (self.comments_action, self.notes_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        doc_view.docOpened.connect(self._on_doc_opened)
        bridge.recordsChanged.connect(self._on_records)
        bridge.requestFailed.connect(self._on_failed)
        self._update_titles()

    def fill_view_menu(self, menu: QMenu) -> None:
        menu.addAction(self.comments_action)
        menu.addAction(self.notes_action)

    def toggle(self, page: QWidget) -> None:
        if self.tabs.isVisible() and self.tabs.currentWidget() is page:
            self.tabs.hide()
            self.doc_view.setFocus()
            return
        self.show_page(page)

    def show_page(self, page: QWidget) -> None:
        self.tabs.setCurrentWidget(page)
        self.tabs.show()
        box = self.comments.box if page is self.comments else self.notes.box
        box.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_doc_opened(self, doc_id: str) -> None:
        self.comments.show_doc(doc_id)
        self.notes.show_doc(doc_id)
        self._update_titles()

    def _on_records(self, event: RecordsChanged) -> None:
        if {"comment", "note"} & event.kinds and self.doc_view.doc_id in event.doc_ids:
            self._update_titles()

    def _on_failed(self, failure: RequestFailed) -> None:
        """A refused comment or note: said in its panel (the record is gone again)."""
        if failure.doc_id != self.doc_view.doc_id:
            return
        if failure.request.startswith("comment"):
            self.comments.show_error(tr("Not saved: {reason}").format(reason=failure.message))
        elif failure.request.startswith("note"):
            self.notes.error.setText(tr("Not saved: {reason}").format(reason=failure.message))
            self.notes.error.show()

    def _update_titles(self) -> None:
        """Counts in the tab titles, so a closed thread list still says it has something."""
        doc_id = self.doc_view.doc_id
        threads = [t for t in self.engine.comments(doc_id) if not t.resolved] if doc_id else []
        notes = self.engine.notes(doc_id) if doc_id else []
        comments, mine = tr("Comments"), tr("My notes")
        self.tabs.setTabText(0, f"{comments} ({len(threads)})" if threads else comments)
        self.tabs.setTabText(1, f"{mine} ({len(notes)})" if notes else mine)
