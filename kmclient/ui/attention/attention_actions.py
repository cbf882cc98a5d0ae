"""Must-reads and broadcasts in the main window: what is where, and the keys.

- top of the window: the broadcast banners, then the must-read strip;
- the document's header: the must-read line with "I have read this";
- Document menu: I have read this (Ctrl+Shift+A), Make a must-read… (supervisors);
- View menu: Next must-read (Ctrl+Shift+J), Since you last signed in
  (Ctrl+Shift+L); supervisors: Send a broadcast… (Ctrl+Shift+B), Broadcasts,
  Must-reads and acknowledgements (Ctrl+Shift+G);
- pop-ups for a new must-read, held in quiet mode and summed up after it;
- after the first sync of a session: the "since you last signed in" window,
  without taking focus, when there is something in it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from kmclient.core.attention_model import MustRead
from kmclient.core.feedback_requests import NoSuchDocument, NoSuchRecord, NotAllowed
from kmclient.core.model import RecordsChanged, RequestFailed, SyncCompleted
from kmclient.ui.attention.broadcast_bar import BroadcastBar
from kmclient.ui.attention.must_read_banner import MustReadBanner
from kmclient.ui.attention.must_read_list import MustReadList
from kmclient.ui.attention.must_read_strip import MustReadStrip
from kmclient.ui.attention.since_window import SinceWindow
from kmclient.ui.i18n import tr
from kmclient.ui.reading.doc_view import DocView
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.shell.theme import Colours
from kmclient.ui.shell.toast import Popups

KEPT_DRAFTS = 20  # broadcasts whose text comes back if the server refuses them

if TYPE_CHECKING:  # dialogs: imported when first opened (a faster start)
    from kmclient.ui.attention.broadcast_dialog import BroadcastDialog, BroadcastDraft
    from kmclient.ui.attention.broadcasts_window import BroadcastsWindow
    from kmclient.ui.attention.coverage_window import CoverageWindow
    from kmclient.ui.attention.must_read_fields import RequireReadingDialog
    from kmclient.ui.attention.what_changed import WhatChangedWindow


class AttentionActions(QObject):
    def __init__(
        self,
        window: QWidget,
        bridge: EngineBridge,
        doc_view: DocView,
        open_doc: Callable[[str], bool],
        popups: Popups,
        colours: Callable[[], Colours],
        show_notifications: Callable[[], object],
        show_latest_changes: Callable[[], object],
    ) -> None:
        super().__init__(window)
        self._window = window
        self.bridge = bridge
        self.engine = bridge.engine
        self.doc_view = doc_view
        self._open_doc = open_doc
        self.popups = popups
        self._colours = colours
        self._show_notifications = show_notifications
        self._show_latest_changes = show_latest_changes
        self._first_sync = True
        self.coverage: CoverageWindow | None = None
        self.broadcasts_window: BroadcastsWindow | None = None
        # sent broadcasts, until the server has saved or refused them (then shown again)
        self._broadcast_drafts: dict[str, BroadcastDraft] = {}
        self.since: SinceWindow | None = None
        self.what_changed: WhatChangedWindow | None = None
        self.list: MustReadList | None = None

        self.bar = BroadcastBar(bridge, colours=colours)
        self.bar.openDoc.connect(open_doc)
        self.strip = MustReadStrip(bridge)
        self.strip.openDoc.connect(open_doc)
        self.strip.showAll.connect(self.open_list)
        self.banner = MustReadBanner(bridge)
        doc_view.header.add_banner(self.banner)
        self.banner.acknowledgeRequested.connect(self.acknowledge)
        self.banner.whatChangedRequested.connect(self.open_what_changed)

        def action(text: str, slot: Callable[[], object], keys: str | None = None) -> QAction:
            made = QAction(text, window)
            made.triggered.connect(lambda _checked=False: slot())
            if keys:
                made.setShortcut(QKeySequence(keys))
                made.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            return made

        self.acknowledge_action = action(
            tr("I have &read this"), lambda: self.acknowledge(self.doc_view.doc_id or ""),
            "Ctrl+Shift+A",
        )  # fmt: skip
        self.next_action = action(tr("Next &must-read"), self.open_next, "Ctrl+Shift+J")
        self.since_action = action(
            tr("Since you last signed &in"), lambda: self.open_since(activate=True), "Ctrl+Shift+L"
        )
        self.require_action = action(tr("Make a must-&read…"), self.open_require_reading)
        self.broadcast_action = action(
            tr("Send a &broadcast…"), self.open_broadcast, "Ctrl+Shift+B"
        )
        self.broadcasts_action = action(tr("B&roadcasts"), self.open_broadcasts)
        self.coverage_action = action(
            tr("Must-reads and ac&knowledgements"), self.open_coverage, "Ctrl+Shift+G"
        )

        doc_view.docOpened.connect(self._on_opened)
        bridge.recordsChanged.connect(self._on_records)
        bridge.requestFailed.connect(self._on_failed)
        bridge.mustReadArrived.connect(self._on_arrived)
        bridge.mustReadsHeld.connect(self._on_held)
        bridge.syncCompleted.connect(self._on_sync_completed)
        bridge.stateChanged.connect(lambda _s: self.update())
        self.update()

    # -- menus --------------------------------------------------------------------------------

    def top_widgets(self) -> list[QWidget]:
        return [self.bar, self.strip]

    def fill_document_menu(self, menu: QMenu) -> None:
        menu.addAction(self.acknowledge_action)
        menu.addAction(self.require_action)

    def fill_view_menu(self, menu: QMenu) -> None:
        menu.addAction(self.next_action)
        menu.addAction(self.since_action)
        menu.addAction(self.coverage_action)
        menu.addAction(self.broadcasts_action)
        menu.addAction(self.broadcast_action)

    def set_colours(self, colours: Colours) -> None:
        self.bar.set_colours()
        if self.what_changed is not None:
            self.what_changed.diff.set_colours(colours)
        if self.coverage is not None:
            self.coverage.colours = colours

    def update(self) -> None:
        if self.bridge.is_closed:
            return
        user = self.engine.user
        supervisor = bool(user and user.role == "supervisor")
        sees_all = bool(user and user.role in ("supervisor", "admin"))
        info = self.doc_view.info()
        must = self.engine.must_read_of(info.id) if info else None
        self.acknowledge_action.setEnabled(bool(must and not must.acknowledged))
        self.next_action.setEnabled(bool(self.strip.items))
        self.require_action.setVisible(supervisor)
        self.require_action.setEnabled(bool(supervisor and info and info.rev))
        for item in (self.broadcast_action, self.broadcasts_action):
            item.setVisible(supervisor)
        self.coverage_action.setVisible(sees_all)

    # -- reps ---------------------------------------------------------------------------------

    def _on_opened(self, doc_id: str) -> None:
        self.banner.show_doc(doc_id)
        self.update()
        must = self.engine.must_read_of(doc_id)
        if must is not None and must.opened_at is None and not must.acknowledged:
            self.engine.mark_opened(doc_id)  # "opened" in the supervisor's coverage

    def acknowledge(self, doc_id: str) -> MustRead | None:
        if not doc_id:
            return None
        try:
            must = self.engine.acknowledge(doc_id)
        except (NoSuchRecord, NoSuchDocument, NotAllowed) as exc:
            self.doc_view.header.show_notice(str(exc))
            return None
        online = self.engine.status.state == "online"
        self.doc_view.header.show_notice(
            tr("Thank you: acknowledged.") if online
            else tr("Acknowledged: sent when you are online.")
        )  # fmt: skip
        self.banner.refresh()
        self.update()
        return must

    def open_next(self) -> bool:
        items = self.strip.items
        if not items:
            return False
        current = self.doc_view.doc_id
        ids = [m.doc_id for m in items]
        nxt = ids[(ids.index(current) + 1) % len(ids)] if current in ids else ids[0]
        return self._open_doc(nxt)

    def open_what_changed(self, doc_id: str) -> WhatChangedWindow | None:
        if not doc_id:
            return None
        if self.what_changed is not None:
            self.what_changed.close()
        from kmclient.ui.attention.what_changed import WhatChangedWindow

        self.what_changed = WhatChangedWindow(
            self.bridge, doc_id, self._window, colours=self._colours()
        )
        self.what_changed.acknowledgeRequested.connect(self._acknowledge_from_window)
        self.what_changed.destroyed.connect(lambda *_: setattr(self, "what_changed", None))
        self.what_changed.present()
        return self.what_changed

    def _acknowledge_from_window(self, doc_id: str) -> None:
        if self.acknowledge(doc_id) is not None and self.what_changed is not None:
            self.what_changed.close()

    def open_list(self) -> MustReadList:
        if self.list is None:
            self.list = MustReadList(self.bridge, self._window)
            self.list.openDoc.connect(self._open_doc)
            self.list.destroyed.connect(lambda *_: setattr(self, "list", None))
        self.list.refresh()
        self.list.present()
        return self.list

    def _since_window(self) -> SinceWindow:
        if self.since is None:
            self.since = SinceWindow(self.bridge, self._window)
            self.since.openDoc.connect(self._open_doc)
            self.since.openWhatChanged.connect(self._open_changes_of)
            self.since.openNotifications.connect(self._show_notifications)
        return self.since

    def open_since(self, activate: bool = False) -> SinceWindow:
        window = self._since_window()
        window.refresh()
        return self._present_since(window, activate)

    def _present_since(self, window: SinceWindow, activate: bool) -> SinceWindow:
        if activate:
            window.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, False)
            window.present()
        else:  # by itself at sign-in: beside the window, the keyboard stays where it was
            window.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
            window.present_quietly()
        return window

    def _open_changes_of(self, doc_id: str) -> None:
        if self._open_doc(doc_id):
            self._show_latest_changes()

    # -- supervisors ----------------------------------------------------------------------------

    def open_require_reading(self) -> RequireReadingDialog | None:
        info = self.doc_view.info()
        if info is None or not info.rev:
            return None
        from kmclient.ui.attention.must_read_fields import RequireReadingDialog

        dialog = RequireReadingDialog(self.engine, info.id, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sent.connect(
            lambda _d: self.doc_view.header.show_notice(tr("Must-read sent to its readers"))
        )
        dialog.open()
        return dialog

    def open_broadcast(
        self, refused: tuple[BroadcastDraft, str] | None = None
    ) -> BroadcastDialog | None:
        """The broadcast dialog; ``refused``: a draft the server refused, and why."""
        user = self.engine.user
        if user is None or user.role != "supervisor":
            return None
        from kmclient.ui.attention.broadcast_dialog import BroadcastDialog

        dialog = BroadcastDialog(self.engine, self.doc_view.doc_id, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if refused is not None:
            dialog.restore(*refused)

        def on_sent(broadcast_id: str) -> None:
            self._broadcast_drafts[broadcast_id] = dialog.draft()
            while len(self._broadcast_drafts) > KEPT_DRAFTS:  # saved ones are not announced
                del self._broadcast_drafts[next(iter(self._broadcast_drafts))]
            self._said(tr("Broadcast sent"))

        dialog.sent.connect(on_sent)
        dialog.open()
        return dialog

    def open_broadcasts(self) -> BroadcastsWindow:
        if self.broadcasts_window is None:
            from kmclient.ui.attention.broadcasts_window import BroadcastsWindow

            self.broadcasts_window = BroadcastsWindow(self.bridge, self._window)
            self.broadcasts_window.newRequested.connect(self.open_broadcast)
            self.broadcasts_window.destroyed.connect(
                lambda *_: setattr(self, "broadcasts_window", None)
            )
        self.broadcasts_window.present()
        return self.broadcasts_window

    def open_coverage(self, doc_id: str | None = None) -> CoverageWindow:
        if self.coverage is None:
            from kmclient.ui.attention.coverage_window import CoverageWindow

            self.coverage = CoverageWindow(self.bridge, self._window, self._colours())
            self.coverage.openDoc.connect(self._open_doc)
            self.coverage.destroyed.connect(lambda *_: setattr(self, "coverage", None))
        if doc_id:
            self.coverage.show_must_read(doc_id)
        self.coverage.present()
        return self.coverage

    # -- arrivals ----------------------------------------------------------------------------

    def _on_arrived(self, must: MustRead, popup: bool) -> None:
        self.update()
        if popup and not self.engine.quiet:
            body = (
                tr("Version %1 from %2")
                .replace("%1", str(must.rev))
                .replace("%2", must.by or tr("your supervisor"))
            )
            if must.note:
                body += f": {must.note}"
            self.popups.show(tr("Must read: %1").replace("%1", must.title), body)

    def _on_held(self, held: tuple[MustRead, ...]) -> None:
        titles = ", ".join(m.title for m in held[:3])
        self.popups.show(tr("%n must-reads arrived during your call", "", len(held)), titles)

    def _on_records(self, event: RecordsChanged) -> None:
        if {"must_read", "ack", "broadcast"} & event.kinds:
            self.update()

    def _on_failed(self, failed: RequestFailed) -> None:
        if failed.request in ("acknowledge", "opened", "require_reading"):
            if failed.doc_id == self.doc_view.doc_id:
                self.doc_view.header.show_notice(failed.message)
            self.banner.refresh()
        elif failed.request in ("broadcast", "end_broadcast"):
            draft = self._broadcast_drafts.pop(failed.record_id or "", None)
            if draft is not None:  # nothing typed is lost: back in the dialog, with why
                self.open_broadcast((draft, failed.message))
            else:
                self._said(tr("Broadcast not sent: %1").replace("%1", failed.message))

    def _said(self, text: str) -> None:
        if self.doc_view.doc_id is not None:
            self.doc_view.header.show_notice(text)
        else:
            self.popups.show(tr("Broadcasts"), text)

    def _on_sync_completed(self, _event: SyncCompleted) -> None:
        if not self._first_sync:
            return
        self._first_sync = False
        # A turn of its own, after the tree has taken the sync: the summary reads
        # every document (~0.1 s at 10k), and once, not three times as it did.
        QTimer.singleShot(0, self, self._sum_up_first_sync)

    def _sum_up_first_sync(self) -> None:
        if self.bridge.is_closed:
            return
        self.bar.refresh()
        self.strip.refresh()
        if self.engine.last_session_end() is None and not self.strip.items:
            # The first sign-in ever and nothing to read: nothing to sum up (a broadcast
            # is on the bar already; a window over the app would only hide it).
            return
        fresh = self.since is None
        window = self._since_window()  # a new window has just refreshed itself
        if not fresh:
            window.refresh()
        if window.has_news:
            self._present_since(window, activate=False)
