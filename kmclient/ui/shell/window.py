"""The main window: sidebar (search, topics, documents), the document, the status bar.

One window = one signed-in user = one engine (``EngineBridge``) and profile.
The window owns its bridge and closes it when it closes. Geometry, splitter
sizes and the topic scope are remembered per window slot in QSettings.
"""

from __future__ import annotations

import contextlib
import html
from datetime import UTC, datetime
from typing import Protocol

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QSplitter, QVBoxLayout, QWidget

from kmclient import startup_gc
from kmclient.core import crdt
from kmclient.core.feedback_model import Notification
from kmclient.core.model import (
    ConnState,
    DocChanged,
    IndexProgress,
    SyncCompleted,
    SyncStatus,
)
from kmclient.core.trust import Trust
from kmclient.ui.attention.attention_actions import AttentionActions
from kmclient.ui.editing.doc_actions import DocActions
from kmclient.ui.feedback.feedback_ui import FlagActions
from kmclient.ui.i18n import role_word, theme_word, tr
from kmclient.ui.library.doc_tree import DocTree
from kmclient.ui.library.doc_tree_model import RESET_THRESHOLD, DocTreeModel
from kmclient.ui.library.search_panel import SearchPanel, SearchWorker
from kmclient.ui.library.shelf import Shelf
from kmclient.ui.library.shelf_actions import ShelfActions
from kmclient.ui.notify.notify_ui import NotifyActions
from kmclient.ui.notify.watch_menu import WatchMenus
from kmclient.ui.publishing.publish_actions import PublishActions
from kmclient.ui.reading.copy_answer import CopyActions
from kmclient.ui.reading.doc_view import DocView
from kmclient.ui.reading.read_state import ReadState
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.shell.first_paint import after_first_paint
from kmclient.ui.shell.language_menu import fill_language_menu
from kmclient.ui.shell.panes import Panes
from kmclient.ui.shell.shortcuts import ShortcutsDialog
from kmclient.ui.shell.side_panel import SidePanel
from kmclient.ui.shell.sidebar import Sidebar
from kmclient.ui.shell.status_bar import SyncStatusBar
from kmclient.ui.shell.tab_order import set_tab_order
from kmclient.ui.shell.theme import THEMES, Colours, ThemeManager, icon
from kmclient.ui.shell.tool_window import close_tool_windows
from kmclient.ui.shell.window_stages import MenuTitles, Stages
from kmclient.ui.words import trust

TREE_REFRESH_MS = 150  # coalesce document events
TREE_REFRESH_SYNCING_MS = 1000  # a big sync: refresh less often, keep the GUI thread free
SAVE_STATE_MS = 2000


class WindowHost(Protocol):
    """What a window asks of the application (``kmclient.ui.shell.client_app``)."""

    def other_users(self, current: str | None) -> list[tuple[str, str]]: ...
    def open_window_as(self, user: str | None) -> None: ...
    def about_extra(self) -> str: ...
    def sign_in_again(self, window: MainWindow) -> object: ...


class MainWindow(QMainWindow):
    closed = Signal()
    built = Signal()  # every stage after the first paint has run (is_built())

    def __init__(
        self,
        bridge: EngineBridge,
        settings: QSettings,
        theme: ThemeManager,
        host: WindowHost | None = None,
        slot: str = "main",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.engine = bridge.engine
        self.settings = settings
        self.theme = theme
        self.host = host
        self.slot = slot
        self.read_state = ReadState(self.engine.profile_dir)
        self.shelf = Shelf(self.engine.profile_dir)
        self._known = set(self.engine.replica.docs)  # every document (not sorted: not needed)
        self._pending_ids: set[str] = set()
        self._user = self.engine.user
        self._scale = float(settings.value("view/text_scale", 1.0) or 1.0)

        self.model = DocTreeModel(
            self.engine.documents,
            self.engine.relevance,
            self.read_state.marker,
            self,
            shelf=self.shelf,
            lookup=self.engine.doc,
            unsorted=lambda: self.engine.replica.docs.values(),
        )
        self.tree = DocTree(self.model)
        self.sidebar = Sidebar(self.tree)
        # The handle, not the index: that opens after the first paint (index_handle.py).
        self.worker = SearchWorker(self.engine.replica.index_handle, self)
        self.search = SearchPanel(
            self.sidebar.search_box,
            self.worker,
            self.engine.doc,
            self.engine.documents,
            lambda: self.engine.relevance(self.model.all_topics),
            lambda: self.engine.index_progress.idle,
        )
        self.sidebar.set_results(self.search)
        self.search.model.trust = self._trust
        self.doc_view = DocView(bridge)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.doc_view)
        self.splitter.setStretchFactor(1, 1)
        # The side panel's place (hidden until asked for): built after the first paint,
        # it takes this place, so the splitter's saved sizes apply from the start.
        self._side_place = QWidget()
        self._side_place.hide()
        self.splitter.addWidget(self._side_place)
        central = QWidget()
        self._column = QVBoxLayout(central)  # broadcasts and must-reads above everything
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(0)
        self._column.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.status = SyncStatusBar()
        self.setStatusBar(self.status)
        # Now, not after the first paint: its bell button sets the status bar's height.
        self.notify = NotifyActions(
            self, bridge, self.status, self.open_notification, lambda: self.doc_view.doc_id
        )
        # The menu bar's titles now (its height is part of the first picture); the
        # menus are filled after the first paint (window_stages.py).
        self._menus = MenuTitles(self.menuBar())

        self._tree_timer = QTimer(self)
        self._tree_timer.setSingleShot(True)
        self._tree_timer.setInterval(TREE_REFRESH_MS)
        self._tree_timer.timeout.connect(self._flush_doc_updates)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_STATE_MS)
        self._save_timer.timeout.connect(self._save_marks)

        # The rest in turns of its own after the first paint: the window's opening
        # is one GUI turn, and it should stay short (docs/benchmarks.md).
        self.stages = Stages(
            self,
            [
                self._build_actions,
                self._build_side_panel,
                self._build_menus,
                # Last: its import (Whoosh) on the indexer thread would share the GIL
                # with the stages before, making each of them longer.
                self.engine.replica.index_handle.want,
                # The first document opened need not import pycrdt: imported once the
                # index is open (not beside Whoosh's import: kmclient/core/crdt.py).
                lambda: crdt.preload(after=self.engine.replica.index_handle.wait_done),
            ],
            self._on_built,
        )
        self._wire()
        self._restore()
        self._on_colours(theme.colours)
        self._refresh_identity()
        self.status.show_status(self.engine.status)
        self.status.show_synced(self.read_state.last_synced)
        self.status.show_index(self.engine.index_progress)
        self.doc_view.set_text_scale(self._scale)
        self._first_paint = after_first_paint(central, self._after_first_paint)

    def _after_first_paint(self) -> None:
        startup_gc.release()  # the app's start is over: collect as usual again
        self.engine.start_syncing()  # if it waited for this (ClientApp.open_window)
        self.stages.start()

    # -- the stages after the first paint ------------------------------------------------

    def is_built(self) -> bool:
        """Every part is there: menus, actions and their shortcuts, the side panel."""
        return self.stages.done

    def finish_building(self) -> None:
        """Build what is left now (something needs it before its turn came)."""
        self.stages.finish()

    def _build_actions(self) -> None:
        bridge = self.bridge
        self.doc_actions = DocActions(
            self, bridge, self.doc_view, self.open_doc, lambda: self._flush_doc_updates(force=True)
        )
        self.publish_actions = PublishActions(
            self, bridge, self.doc_view, self.open_doc, lambda: self.theme.colours
        )
        self.copy = CopyActions(self, self.doc_view)
        self.shelf_actions = ShelfActions(
            self,
            bridge,
            self.shelf,
            self.doc_view,
            self.tree,
            self.open_doc,
            self._save_timer_start,
        )
        self.flag_actions = FlagActions(self, bridge, self.doc_view, self.search, self.status)
        self.attention = AttentionActions(
            self,
            bridge,
            self.doc_view,
            self.open_doc,
            self.notify.popups,
            lambda: self.theme.colours,
            self.notify.show_centre,
            self.publish_actions.open_what_changed,
        )
        for index, widget in enumerate(self.attention.top_widgets()):
            self._column.insertWidget(index, widget)
        self.watch = WatchMenus(
            self,
            self.engine,
            lambda: self.doc_view.doc_id,
            self.tree,
            self._notice,
        )

    def _build_side_panel(self) -> None:
        self.side = SidePanel(self, self.bridge, self.doc_view)
        self.splitter.replaceWidget(self.splitter.indexOf(self._side_place), self.side.tabs)
        self._side_place.deleteLater()
        self.panes = Panes(self.splitter, self.sidebar, self.doc_view, self.side.tabs)

    def _on_built(self) -> None:
        set_tab_order(self)  # every button is there now (docs/ui.md, "Keyboard")
        self.doc_view.undoStateChanged.connect(self._on_undo_state)
        self.status.signInRequested.connect(self._sign_in_again)
        self._on_colours(self.theme.colours)
        self._refresh_identity()
        self.built.emit()

    # -- wiring ----------------------------------------------------------------------

    def _wire(self) -> None:
        b = self.bridge
        b.docsChanged.connect(self._on_docs_changed)
        b.statusChanged.connect(self._on_status)
        b.syncCompleted.connect(self._on_sync_completed)
        b.indexProgress.connect(self._on_index_progress)
        self.tree.docActivated.connect(self.open_doc)
        self.search.openDoc.connect(self._open_from_search)
        self.search.leave.connect(self._focus_document)
        self.doc_view.linkActivated.connect(self.open_doc)
        self.doc_view.docOpened.connect(self._on_doc_opened)
        self.sidebar.search_box.textChanged.connect(lambda _t: self.doc_view.clear_search())
        self.sidebar.scope.allTopicsChanged.connect(self.set_all_topics)
        self.status.retryRequested.connect(self.engine.retry_now)
        self.status.signInRequested.connect(self._sign_in_again)
        self.theme.changed.connect(self._on_colours)

    def _build_menus(self) -> None:
        file = self._menus.file
        file.addAction(self.doc_actions.new_doc)
        self.new_window_menu = file.addMenu(tr("New &window as"))
        self.new_window_menu.setIcon(icon("new-window", self.theme.colours))
        self.new_window_menu.aboutToShow.connect(self._fill_users_menu)
        file.addSeparator()
        close = file.addAction(tr("&Close window"), self.close)
        close.setShortcut(QKeySequence.StandardKey.Close)
        quit_ = file.addAction(tr("&Quit"), self._quit)
        quit_.setShortcut(QKeySequence.StandardKey.Quit)

        edit = self._menus.edit
        self.undo_action = edit.addAction(tr("&Undo my last change"), self.doc_view.undo)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = edit.addAction(tr("&Redo"), self.doc_view.redo)
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        for action in (self.undo_action, self.redo_action):
            action.setEnabled(False)
            # The editor handles these keys itself (own-edits-only undo).
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        edit.addSeparator()
        self.find_action = edit.addAction(tr("&Find…"), self.focus_search)
        self.find_action.setShortcuts([QKeySequence("Ctrl+K"), QKeySequence("Ctrl+F")])
        self.find_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        edit.addSeparator()
        self.copy.fill_menu(edit)

        document = self._menus.document
        self.doc_actions.fill_document_menu(document)
        self.shelf_actions.fill_document_menu(document)
        document.addSeparator()
        self.publish_actions.fill_document_menu(document)
        document.addSeparator()
        self.flag_actions.fill_menu(document)
        document.addMenu(self.watch.doc_menu)
        document.addSeparator()
        self.attention.fill_document_menu(document)
        self.edit_action = self.doc_actions.edit  # (tests and older code use these names)

        view = self._menus.view
        self.all_topics_action = view.addAction(tr("Show &all topics"))
        self.all_topics_action.setCheckable(True)
        self.all_topics_action.setChecked(self.model.all_topics)  # restored before this
        self.all_topics_action.setShortcut(QKeySequence("Ctrl+Shift+T"))
        self.all_topics_action.toggled.connect(self.set_all_topics)
        view.addSeparator()
        self.flag_actions.fill_view_menu(view)
        self.publish_actions.fill_view_menu(view)
        self.notify.fill_view_menu(view)
        self.side.fill_view_menu(view)
        view.addSeparator()
        self.attention.fill_view_menu(view)
        view.addSeparator()
        themes = view.addMenu(tr("&Theme"))
        group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for name in THEMES:
            action = themes.addAction(theme_word(name))
            action.setCheckable(True)
            action.setChecked(name == self.theme.theme)
            action.triggered.connect(lambda _=False, n=name: self._set_theme(n))
            group.addAction(action)
            self.theme_actions[name] = action
        view.addSeparator()
        bigger = view.addAction(tr("&Bigger text"), lambda: self.set_text_scale(self._scale * 1.1))
        bigger.setShortcuts([QKeySequence.StandardKey.ZoomIn, QKeySequence("Ctrl+=")])
        smaller = view.addAction(
            tr("&Smaller text"), lambda: self.set_text_scale(self._scale / 1.1)
        )
        smaller.setShortcut(QKeySequence.StandardKey.ZoomOut)
        reset = view.addAction(tr("&Normal text size"), lambda: self.set_text_scale(1.0))
        reset.setShortcut(QKeySequence("Ctrl+0"))
        view.addSeparator()
        self.language_menu = view.addMenu(tr("&Language"))
        self.language_actions = fill_language_menu(self.language_menu, self.settings, self)

        self._menus.put_go(self.shelf_actions.menu)
        help_ = self._menus.help
        keys = help_.addAction(tr("&Keyboard shortcuts"), self._show_shortcuts)
        keys.setShortcut(QKeySequence.StandardKey.HelpContents)
        help_.addAction(tr("&About"), self._show_about)

    def _fill_users_menu(self) -> None:
        menu = self.new_window_menu
        menu.clear()
        user = self.engine.user
        entries = self.host.other_users(user.name if user else None) if self.host else []
        for name, blurb in entries:
            action = menu.addAction(f"{name} — {tr(blurb)}" if blurb else name)
            action.triggered.connect(lambda _=False, n=name: self._open_as(n))
        if not entries:
            menu.addAction(tr("Another user…"), lambda: self._open_as(None))

    def _open_as(self, user: str | None) -> None:
        if self.host is not None:
            self.host.open_window_as(user)

    # -- documents -------------------------------------------------------------------

    def open_doc(self, doc_id: str) -> bool:
        return self.doc_view.open(doc_id)

    def open_notification(self, note: Notification) -> bool:
        """Open what a notification is about: a flag at its passage, a comment's thread."""
        kind, rid = note.ref or ("", "")
        flag = self.engine.flag_by_id(rid) if kind == "flag" else None
        if flag is not None:
            return self.flag_actions.open_flag(flag)
        if not note.doc_id or not self.open_doc(note.doc_id):
            return False
        comment = self.engine.comment_by_id(rid) if kind == "comment" else None
        if comment is not None:
            self.side.show_page(self.side.comments)
            self.side.comments.select_thread(comment.thread)
        return True

    def _open_from_search(self, doc_id: str) -> None:
        if self.open_doc(doc_id):
            self.doc_view.highlight_search(self.search.query)
            self._focus_document()

    def _focus_document(self) -> None:
        target = self.doc_view.editor if self.doc_view.editing else self.doc_view.reader
        if self.doc_view.doc_id is not None:
            target.setFocus()
        else:
            self.tree.setFocus()

    def focus_search(self) -> None:
        self.panes.show_sidebar()  # it may have stepped aside for the comments
        self.sidebar.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.sidebar.search_box.selectAll()

    def _on_doc_opened(self, doc_id: str) -> None:
        if self.read_state.note_seen(doc_id):
            self.model.refresh_marker(doc_id)
            self._save_timer.start()
        self.tree.select_doc(doc_id)
        self._refresh_title()

    def _save_timer_start(self) -> None:
        self._save_timer.start()

    def _save_marks(self) -> None:
        self.read_state.save()
        self.shelf.save()

    def _on_undo_state(self, can_undo: bool, can_redo: bool) -> None:
        self.undo_action.setEnabled(can_undo)
        self.redo_action.setEnabled(can_redo)

    def set_all_topics(self, all_topics: bool) -> None:
        if all_topics == self.model.all_topics:
            return
        self.model.set_all_topics(all_topics)
        # (Before the menus are built, they take the model's setting when they are.)
        controls = [self.sidebar.scope] + ([self.all_topics_action] if self.is_built() else [])
        for control in controls:
            control.blockSignals(True)
        if self.is_built():
            self.all_topics_action.setChecked(all_topics)
        self.sidebar.scope.set_all_topics(all_topics)
        for control in controls:
            control.blockSignals(False)
        if self.doc_view.doc_id:
            self.tree.select_doc(self.doc_view.doc_id)
        self.search.refresh()

    # -- engine events -----------------------------------------------------------------

    def _on_docs_changed(self, events: tuple[DocChanged, ...]) -> None:
        for event in events:
            self._on_doc_changed(event)

    def _on_doc_changed(self, event: DocChanged) -> None:
        doc_id = event.doc_id
        marked = False
        if event.kind == "removed":
            self._known.discard(doc_id)
            self.read_state.forget(doc_id)
        elif event.kind == "meta" and doc_id not in self._known:
            self._known.add(doc_id)
            marked = self.read_state.note_new(doc_id)
        elif event.kind in ("content", "published") and not event.local:
            # What this user reads changed: the working copy (editors) or a new version.
            info = self.engine.doc(doc_id)
            reads = info is not None and (event.kind == "content") == info.working
            if reads and doc_id != self.doc_view.doc_id:
                marked = self.read_state.note_changed(doc_id)
            if self.engine.status.state == ConnState.ONLINE:
                self._mark_synced()
        if marked:
            self._save_timer.start()
        if event.kind not in ("content", "published") or marked:
            self._pending_ids.add(doc_id)
            if not self._tree_timer.isActive():
                syncing = self.engine.status.state == ConnState.SYNCING
                self._tree_timer.start(TREE_REFRESH_SYNCING_MS if syncing else TREE_REFRESH_MS)

    def _trust(self, doc_id: str) -> Trust | None:
        info = self.engine.doc(doc_id)
        return trust(info) if info is not None else None

    def _flush_doc_updates(self, *, force: bool = False) -> None:
        self._tree_timer.stop()
        syncing = self.engine.status.state == ConnState.SYNCING
        if syncing and not force and len(self._pending_ids) > RESET_THRESHOLD:
            # A big sync: one reset of the tree when it completes, not one a second
            # (each took 40-200 ms of the GUI thread at 10k documents). The status
            # bar counts the documents meanwhile.
            return
        ids, self._pending_ids = self._pending_ids, set()
        if not self.model.update_docs(ids, self.engine.doc):  # a reset repaints every row
            for doc_id in ids:
                self.model.refresh_marker(doc_id)
        if self.search.query:
            self.search.refresh()

    def _on_status(self, status: SyncStatus) -> None:
        self.status.show_status(status)
        broke_off = status.state != ConnState.SYNCING and self._pending_ids
        if broke_off and not self._tree_timer.isActive():  # show what the sync brought
            self._tree_timer.start(TREE_REFRESH_MS)
        user = self.engine.user
        if user != self._user:  # first sign-in on this profile, or new topics from the admin
            self._user = user
            self._refresh_identity()
            if self.is_built():  # else the flag inbox counts when it is made
                self.flag_actions.refresh_inbox_count()
            self.model.reload()
            self.search.refresh()

    def _on_sync_completed(self, _event: SyncCompleted) -> None:
        self.read_state.set_baseline()
        self._mark_synced()
        self._flush_doc_updates(force=True)  # show the whole result now, not a moment later

    def tree_up_to_date(self) -> bool:
        return not self._pending_ids and not self.model.stepping

    def _mark_synced(self) -> None:
        iso = datetime.now(UTC).isoformat(timespec="seconds")
        if iso[:16] != (self.read_state.last_synced or "")[:16]:  # minutes are enough
            self.read_state.set_last_synced(iso)
            self.status.show_synced(iso)
            self._save_timer.start()

    def _on_index_progress(self, progress: IndexProgress) -> None:
        self.status.show_index(progress)
        if progress.idle and self.search.query:
            self.search.refresh()

    def _notice(self, text: str) -> None:
        """A short answer to something the user did: in the header, else the status bar."""
        if self.doc_view.doc_id is not None:
            self.doc_view.header.show_notice(text)
        else:
            self.status.showMessage(text, 6000)

    def _sign_in_again(self) -> None:
        if self.host is not None:
            self.host.sign_in_again(self)

    # -- identity, looks, state ----------------------------------------------------------

    def _refresh_title(self) -> None:
        """ "Parking permit — olle (owner)": Qt adds the app's name ("Knowledge base") itself."""
        user = self.engine.user
        parts = []
        info = self.doc_view.info()
        if info is not None:
            parts.append(info.title)
        if user is not None:
            parts.append(f"{user.name} ({role_word(user.role)})")
        self.setWindowTitle(" — ".join(parts))

    def _refresh_identity(self) -> None:
        user = self.engine.user
        self._refresh_title()
        self.status.set_user(
            tr("Signed in as {name} · {role}").format(name=user.name, role=role_word(user.role))
            if user
            else ""
        )
        has_topics = bool(user and user.topics)
        self.sidebar.scope.set_available(has_topics)
        if self.is_built():  # else _on_built does this
            self.all_topics_action.setEnabled(has_topics)
            self.doc_actions.update()

    def _on_colours(self, colours: Colours) -> None:
        self.sidebar.set_colours(colours)
        self.doc_view.set_colours(colours)
        self.status.set_colours(colours)
        self.setWindowIcon(icon("kmclient", colours, size=64))
        self.notify.set_colours(colours)
        if not self.is_built():  # _on_built colours the rest
            return
        self.doc_actions.new_doc.setIcon(icon("new-doc", colours))
        self.flag_actions.set_colours(colours)
        self.attention.set_colours(colours)
        self.copy.set_colours(colours)
        self.shelf_actions.set_colours(colours)
        for name, action in self.theme_actions.items():
            action.setChecked(name == self.theme.theme)

    def _set_theme(self, name: str) -> None:
        self.theme.set_theme(name)
        self.settings.setValue("view/theme", name)

    def set_text_scale(self, scale: float) -> None:
        self._scale = max(0.7, min(2.0, scale))
        self.settings.setValue("view/text_scale", self._scale)
        self.doc_view.set_text_scale(self._scale)

    def _key(self, name: str) -> str:
        return f"window/{self.slot}/{name}"

    def _restore(self) -> None:
        s = self.settings
        geometry = s.value(self._key("geometry"))
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        screen = self.screen()
        if screen is not None:  # never larger than the screen it opens on
            self.resize(self.size().boundedTo(screen.availableGeometry().size()))
        state = s.value(self._key("state"))
        if isinstance(state, QByteArray):
            self.restoreState(state)
        sizes = s.value(self._key("splitter"))
        if isinstance(sizes, QByteArray) and not sizes.isEmpty():
            self.splitter.restoreState(sizes)
        else:
            self.splitter.setSizes([300, 900, 0])
        with contextlib.suppress(TypeError, ValueError):
            self.doc_view.editor_share = float(s.value(self._key("editor_share"), 0.5))
        if str(s.value(self._key("all_topics"), "false")).lower() == "true":
            self.set_all_topics(True)

    def save_state(self) -> None:
        s = self.settings
        s.setValue(self._key("geometry"), self.saveGeometry())
        s.setValue(self._key("state"), self.saveState())
        s.setValue(self._key("splitter"), self.splitter.saveState())
        s.setValue(self._key("editor_share"), self.doc_view.current_editor_share())
        s.setValue(self._key("all_topics"), self.model.all_topics)
        s.sync()

    # -- dialogs (only on request: never pops up by itself) -----------------------------------

    def _show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()  # not modal: the list can stay open beside the work
        return dialog

    def _show_about(self) -> None:
        extra = self.host.about_extra() if self.host else ""
        box = QMessageBox(self)
        box.setWindowTitle(tr("About"))
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(
            "<h3>{}</h3><p>{}</p><p>{}<br>{}</p>{}".format(
                html.escape(tr("Knowledge base")),
                html.escape(
                    tr(
                        "Answers for the one-stop service centre: current to the second, "
                        "searchable offline, edited together live."
                    )
                ),
                tr("Server: {address}").format(address=html.escape(self.engine.server_url or "-")),
                tr("Profile: {folder}").format(folder=html.escape(str(self.engine.profile_dir))),
                extra,
            )
        )
        box.setModal(False)
        box.show()

    # -- closing -------------------------------------------------------------------------

    def _quit(self) -> None:
        from PySide6.QtWidgets import QApplication

        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow):
                widget.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.shutdown()
        super().closeEvent(event)
        self.closed.emit()

    def shutdown(self) -> None:
        """Close the document, stop searching, store everything, release the profile."""
        if self.bridge.is_closed:
            return
        self._tree_timer.stop()
        self._save_timer.stop()
        self._first_paint.cancel()  # closed before its first paint: no connection, no stages
        self.stages.cancel()  # closed before it was all built: build no more
        close_tool_windows(self)  # they act on this window's engine: they go with it
        self.doc_view.close_doc()
        self.worker.stop()
        self._save_marks()
        self.bridge.close()
