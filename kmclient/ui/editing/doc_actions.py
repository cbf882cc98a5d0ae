"""The window's document actions: new document, edit, details, search words.

Each is a menu item with its shortcut (the menus show them; Help ▸ Keyboard
shortcuts lists them) and is enabled only when the open document and the
user's role allow it. Creating and changing details go through dialogs that
wait for the server. Publishing, history and review are in
kmclient/ui/publishing/publish_actions.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QTextCursor
from PySide6.QtWidgets import QMenu, QWidget

from kmclient.core.model import DocChanged
from kmclient.ui.i18n import tr
from kmclient.ui.reading.doc_view import DocView
from kmclient.ui.shell.engine_bridge import EngineBridge

if TYPE_CHECKING:  # dialogs: imported when first opened (a faster start)
    from kmclient.ui.editing.doc_details_dialog import DocDetailsDialog
    from kmclient.ui.editing.new_doc_dialog import NewDocDialog

CREATORS = ("owner", "supervisor")  # roles that may create documents


class DocActions(QObject):
    def __init__(
        self,
        window: QWidget,
        bridge: EngineBridge,
        doc_view: DocView,
        open_doc: Callable[[str], bool],
        show_in_tree: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self.bridge = bridge
        self.engine = bridge.engine
        self.doc_view = doc_view
        self._open_doc = open_doc
        self._show_in_tree = show_in_tree
        self._open_when_ready: str | None = None  # a document just created here

        def action(text: str, slot: Callable[[], object], keys: QKeySequence) -> QAction:
            made = QAction(text, window)
            made.triggered.connect(lambda _checked=False: slot())
            made.setShortcut(keys)
            return made

        self.new_doc = action(tr("&New document…"), self.new_document, QKeySequence.StandardKey.New)
        self.edit = QAction(tr("&Edit document"), window)
        self.edit.setCheckable(True)
        self.edit.setShortcut(QKeySequence("Ctrl+E"))
        self.edit.toggled.connect(doc_view.set_editing)
        self.details = action(
            tr("Document &details…"), self.show_details, QKeySequence("Alt+Return")
        )
        keys = QKeySequence.StandardKey
        self.next_hit = action(tr("&Next search word"), lambda: doc_view.next_hit(1), keys.FindNext)
        self.previous_hit = action(
            tr("P&revious search word"), lambda: doc_view.next_hit(-1), keys.FindPrevious
        )
        self.clear_hits = action(
            tr("&Clear search words"), doc_view.clear_search, QKeySequence(Qt.Key.Key_Escape)
        )
        # Esc belongs to the search box, dialogs and editors elsewhere: only in the document.
        self.clear_hits.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        doc_view.addAction(self.clear_hits)

        doc_view.header.detailsRequested.connect(self.show_details)
        doc_view.reader.searchChanged.connect(self.update)
        doc_view.docOpened.connect(lambda _id: self.update())
        doc_view.editingChanged.connect(self._on_editing_changed)
        bridge.docsChanged.connect(self._on_docs_changed)
        self.update()

    def fill_document_menu(self, menu: QMenu) -> None:
        for item in (self.edit, self.details, None, self.next_hit):
            menu.addAction(item) if item is not None else menu.addSeparator()
        menu.addAction(self.previous_hit)
        menu.addAction(self.clear_hits)

    def update(self) -> None:
        """Enable what the open document and the user's role allow."""
        info = self.doc_view.info()
        user = self.engine.user
        self.new_doc.setEnabled(bool(user and user.role in CREATORS))
        self.edit.setEnabled(self.doc_view.can_edit())
        self.details.setEnabled(bool(info and info.can_edit))
        reader = self.doc_view.reader
        self.next_hit.setEnabled(bool(reader.hits))
        self.previous_hit.setEnabled(bool(reader.hits))
        self.clear_hits.setEnabled(reader.searching)

    def _on_editing_changed(self, editing: bool) -> None:
        self.edit.blockSignals(True)
        self.edit.setChecked(editing)
        self.edit.blockSignals(False)

    def _on_docs_changed(self, events: tuple[DocChanged, ...]) -> None:
        for event in events:
            self._on_doc_changed(event)

    def _on_doc_changed(self, event: DocChanged) -> None:
        if event.doc_id == self._open_when_ready:
            self._open_created()
        if event.kind == "meta" and event.doc_id == self.doc_view.doc_id:
            self.update()  # status or rights changed

    # -- creating ------------------------------------------------------------------------

    def new_document(self) -> NewDocDialog | None:
        """File ▸ New document: owners for themselves (a draft), supervisors for anyone."""
        user = self.engine.user
        if user is None or user.role not in CREATORS:
            return None
        from kmclient.ui.editing.new_doc_dialog import NewDocDialog

        dialog = NewDocDialog(self.bridge, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.created.connect(self._on_created)
        dialog.open()
        return dialog

    def _on_created(self, doc_id: str) -> None:
        self._open_when_ready = doc_id
        self._open_created()

    def _open_created(self) -> None:
        """Open a document created here for writing, once its text has arrived."""
        doc_id = self._open_when_ready
        info = self.engine.doc(doc_id) if doc_id else None
        if doc_id is None or info is None or not self.engine.text(doc_id):
            return
        self._open_when_ready = None
        self._show_in_tree()  # so it can be selected there
        if self._open_doc(doc_id) and self.doc_view.can_edit():
            self.doc_view.set_editing(True)
            self.doc_view.editor.moveCursor(QTextCursor.MoveOperation.End)
            self.doc_view.header.show_notice(tr("Created as a draft: publish it when it is ready"))

    # -- details ------------------------------------------------------------------------------

    def show_details(self) -> DocDetailsDialog | None:
        info = self.doc_view.info()
        if info is None or not info.can_edit:
            return None
        from kmclient.ui.editing.doc_details_dialog import DocDetailsDialog

        dialog = DocDetailsDialog(self.bridge, info, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _id: self.doc_view.header.show_notice("Details saved"))
        dialog.open()
        return dialog
