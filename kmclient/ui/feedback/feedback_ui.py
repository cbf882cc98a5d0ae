"""Flags in the window: Document ▸ Flag…, the header's Flag button, the open-flags
banner, the search results' flag marker, and the owner's flag inbox (View menu,
Ctrl+Shift+I, the status bar's ⚑ count).

Kept out of ``window.py`` (which builds menus and layout) so each feature of the
feedback loop is a small module with its own actions; the window only places them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from kmclient.core.feedback_model import Flag
from kmclient.core.model import ConnState, RecordsChanged, RequestFailed
from kmclient.ui.feedback.flag_banner import FlagBanner
from kmclient.ui.i18n import tr
from kmclient.ui.library.search_panel import SearchPanel
from kmclient.ui.reading.doc_view import DocView
from kmclient.ui.reading.passages import selected_passage, selected_words, short_quote, show_passage
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.shell.status_bar import SyncStatusBar
from kmclient.ui.shell.theme import Colours, icon
from kmclient.ui.words import open_flags_summary

if TYPE_CHECKING:  # dialogs: imported when first opened (a faster start)
    from kmclient.ui.feedback.flag_dialog import FlagDialog
    from kmclient.ui.feedback.flag_inbox import FlagInbox


class FlagActions(QObject):
    def __init__(
        self,
        window: QWidget,
        bridge: EngineBridge,
        doc_view: DocView,
        search: SearchPanel,
        status: SyncStatusBar,
    ) -> None:
        super().__init__(window)
        self._window = window
        self.bridge = bridge
        self.engine = bridge.engine
        self.doc_view = doc_view
        self.search = search
        self.banner = FlagBanner(bridge)
        doc_view.header.add_banner(self.banner)
        search.model.flag_summary = lambda doc_id: open_flags_summary(
            self.engine.flags(doc_id, open_only=True)
        )
        self.flag = QAction(tr("&Flag…"), window)
        self.flag.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.flag.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.flag.triggered.connect(lambda _c=False: self.flag_document())
        doc_view.header.flagRequested.connect(self.flag_document)
        doc_view.docOpened.connect(self._on_doc_opened)
        bridge.recordsChanged.connect(self._on_records)
        bridge.requestFailed.connect(self._on_failed)
        self.dialog: FlagDialog | None = None
        self.inbox: FlagInbox | None = None
        self.show_inbox_action = QAction(tr("Flag &inbox"), window)
        self.show_inbox_action.setShortcut(QKeySequence("Ctrl+Shift+I"))
        self.show_inbox_action.triggered.connect(lambda _c=False: self.show_inbox())
        self.inbox_button = QToolButton()
        self.inbox_button.setObjectName("inboxButton")
        self.inbox_button.setAutoRaise(True)
        self.inbox_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.inbox_button.setAccessibleName(tr("Flag inbox"))
        self.inbox_button.clicked.connect(lambda: self.show_inbox())
        status.add_indicator(self.inbox_button)
        self.update()
        self.refresh_inbox_count()

    def fill_menu(self, menu: QMenu) -> None:
        menu.addAction(self.flag)

    def fill_view_menu(self, menu: QMenu) -> None:
        menu.addAction(self.show_inbox_action)

    def set_colours(self, colours: Colours) -> None:
        self.flag.setIcon(icon("flag", colours))
        self.show_inbox_action.setIcon(icon("inbox", colours))
        self.inbox_button.setIcon(icon("flag", colours, colours.flag))

    # -- the inbox -----------------------------------------------------------------------

    def _is_triager(self) -> bool:
        user = self.engine.user
        return bool(user and user.role in ("owner", "supervisor", "admin"))

    def refresh_inbox_count(self) -> None:
        """The status bar's ⚑ count: open flags waiting for this user (owners, supervisors)."""
        triager = self._is_triager()
        self.inbox_button.setVisible(triager)
        self.show_inbox_action.setEnabled(triager)
        if not triager:
            return
        n = len(self.engine.flag_inbox())
        self.inbox_button.setText(tr("%n flag(s)", "", n) if n else tr("No flags"))
        self.inbox_button.setToolTip(tr("Open flags on your documents (Ctrl+Shift+I)"))
        self.inbox_button.setProperty("count", bool(n))
        self.inbox_button.style().unpolish(self.inbox_button)
        self.inbox_button.style().polish(self.inbox_button)

    def show_inbox(self) -> FlagInbox | None:
        if not self._is_triager():
            return None
        if self.inbox is None:
            from kmclient.ui.feedback.flag_inbox import FlagInbox

            self.inbox = FlagInbox(self.bridge, self._title, self._window)
            self.inbox.openFlag.connect(self.open_flag)
            open_doc = getattr(self._window, "open_doc", None)
            if open_doc is not None:
                self.inbox.openDoc.connect(open_doc)
        self.inbox.refresh()
        self.inbox.present()
        self.inbox.list.setFocus()
        return self.inbox

    def _title(self, doc_id: str) -> str:
        info = self.engine.doc(doc_id)
        return info.title if info else doc_id

    def open_flag(self, flag: Flag) -> bool:
        """Open the flagged document and select the passage (or say what it read)."""
        open_doc = getattr(self._window, "open_doc", None)
        if open_doc is None or not open_doc(flag.doc_id):
            return False
        if flag.anchor is None:
            return True
        span = self.engine.resolve_anchor(flag)
        if span is None or not show_passage(self.doc_view, span):
            quote = short_quote(flag.anchor.quote, 80)
            self.doc_view.header.show_notice(
                tr("The flagged passage is gone; it read “{quote}”").format(quote=quote)
            )
        return True

    def update(self) -> None:
        self.flag.setEnabled(self.doc_view.doc_id is not None)

    def flag_document(self) -> FlagDialog | None:
        """Open the flag dialog for the open document (and its selected passage)."""
        doc_id = self.doc_view.doc_id
        if doc_id is None:
            return None
        passage = selected_passage(self.doc_view)
        # Quoted as the reader sees it (no Markdown), or as typed in the source editor.
        quote = selected_words(self.doc_view)
        from kmclient.ui.feedback.flag_dialog import FlagDialog

        dialog = FlagDialog(self.engine, doc_id, passage, quote, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.flagged.connect(self._on_flagged)
        dialog.finished.connect(lambda _r, d=dialog: self._forget_dialog(d))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _forget_dialog(self, dialog: FlagDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _on_flagged(self, _flag_id: str) -> None:
        online = self.engine.status.state == ConnState.ONLINE
        self.doc_view.header.show_notice(
            tr("Flagged: the owner is told") if online else tr("Flagged: sent when online")
        )
        self.banner.refresh()

    def _on_doc_opened(self, doc_id: str) -> None:
        self.banner.show_doc(doc_id)
        self.update()

    def _on_records(self, event: RecordsChanged) -> None:
        if "flag" not in event.kinds:
            return
        if self.search.query:
            self.search.rows_changed()  # a flag line came or went: rows change height
        self.refresh_inbox_count()

    def _on_failed(self, failure: RequestFailed) -> None:
        if not failure.request.startswith("flag"):
            return
        text = tr("Flag not saved: {reason}").format(reason=failure.message)
        if failure.code == "conflict":
            text = tr("Someone else changed this flag meanwhile; it shows its state now.")
        if failure.request == "flag_state" and self.inbox is not None and self.inbox.isVisible():
            self.inbox.show_failure(text)
        elif failure.doc_id == self.doc_view.doc_id:
            self.doc_view.header.show_notice(text)
        self.banner.refresh()
