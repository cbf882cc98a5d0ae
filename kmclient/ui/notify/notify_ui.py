"""Notifications in the window: the bell and its centre, pop-ups and "on a call" quiet
mode ("since you last signed in" is a window of its own: kmclient/ui/attention).

Pop-ups only for ``NotificationArrived(popup=True)``: the engine already says
False during the first sync (the since-you-last-signed-in window sums it up), in quiet mode
(held; one summary when it ends) and for ones read on another device.
Nothing here is modal or takes focus: a rep is on the phone.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from kmclient.core.feedback_model import Notification
from kmclient.core.model import RecordsChanged
from kmclient.ui.i18n import tr
from kmclient.ui.notify.notification_centre import BellButton, NotificationCentre
from kmclient.ui.notify.phrasing import Phrasing
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.shell.status_bar import SyncStatusBar
from kmclient.ui.shell.theme import LIGHT, Colours, icon
from kmclient.ui.shell.toast import Popups

SHOWN_IN_DOCUMENT = ("edit", "published")


class NotifyActions(QObject):
    def __init__(
        self,
        window: QWidget,
        bridge: EngineBridge,
        status: SyncStatusBar,
        open_notification: Callable[[Notification], object],
        current_doc: Callable[[], str | None] = lambda: None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self.bridge = bridge
        self.engine = bridge.engine
        self._open_notification = open_notification
        self._current_doc = current_doc
        self.phrasing = Phrasing(self.engine)
        self._colours = LIGHT
        self.centre: NotificationCentre | None = None
        self.popups = Popups(window, window.windowIcon())

        self.bell = BellButton()
        self.bell.clicked.connect(lambda: self.show_centre())
        self.quiet_button = QToolButton()
        self.quiet_button.setObjectName("quietButton")
        self.quiet_button.setText(tr("On a call"))
        self.quiet_button.setCheckable(True)
        self.quiet_button.setAutoRaise(True)
        self.quiet_button.setToolTip(
            tr("Hold pop-ups while you are on a call; the bell still counts (Ctrl+Shift+Q)")
        )
        status.add_indicator(self.quiet_button)
        status.add_indicator(self.bell)

        self.show_centre_action = QAction(tr("&Notifications"), window)
        self.show_centre_action.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.show_centre_action.triggered.connect(lambda _c=False: self.show_centre())
        self.quiet_action = QAction(tr("On a &call (hold pop-ups)"), window)
        self.quiet_action.setCheckable(True)
        self.quiet_action.setShortcut(QKeySequence("Ctrl+Shift+Q"))
        self.quiet_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.quiet_action.toggled.connect(self.set_quiet)
        self.quiet_button.toggled.connect(self.set_quiet)

        bridge.recordsChanged.connect(self._on_records)
        bridge.notificationArrived.connect(self._on_arrived)
        bridge.quietModeEnded.connect(self._on_quiet_ended)
        self.bell.show_count(self.engine.unread_count())

    def fill_view_menu(self, menu: QMenu) -> None:
        menu.addAction(self.show_centre_action)
        menu.addAction(self.quiet_action)

    def set_colours(self, colours: Colours) -> None:
        self._colours = colours
        self.bell.set_colours(colours)
        if self.centre is not None:
            self.centre.set_colours(colours)
        if self.popups.tray is not None:
            self.popups.tray.setIcon(icon("kmclient", colours, size=64))
        self.show_centre_action.setIcon(icon("bell", colours))

    def show_centre(self) -> NotificationCentre:
        if self.centre is None:
            self.centre = NotificationCentre(self.bridge, self._window)
            self.centre.set_colours(self._colours)
            self.centre.openNotification.connect(self._open_notification)
        self.centre.refresh()
        self.centre.present()
        self.centre.list.setFocus()
        return self.centre

    # -- quiet mode ------------------------------------------------------------------------

    def set_quiet(self, quiet: bool) -> None:
        for control in (self.quiet_action, self.quiet_button):
            control.blockSignals(True)
            control.setChecked(quiet)
            control.blockSignals(False)
        if quiet != self.engine.quiet:
            self.engine.set_quiet(quiet)

    def _on_quiet_ended(self, held: tuple[Notification, ...]) -> None:
        if not held:
            return
        said = self.phrasing.text(held[0])
        newest = said if len(held) == 1 else tr("Newest: {text}").format(text=said)
        self.popups.show(tr("%n notification(s) during your call", "", len(held)), newest)

    # -- arrivals ------------------------------------------------------------------------------

    def _on_arrived(self, note: Notification, popup: bool) -> None:
        self.bell.show_count(self.engine.unread_count())
        if not popup or self.engine.quiet or self._on_screen(note):
            return
        if self.phrasing.published_since(note):
            return  # "olle changed X" after X was published: stale news, the centre keeps it
        title = self.phrasing.title(note) if note.doc_id else tr("Knowledge base")
        self.popups.show(title, self.phrasing.text(note))

    def _on_screen(self, note: Notification) -> bool:
        """Edits and new versions of the document the user has open are shown in it
        (live, with a notice): a pop-up would only cover what they are reading or
        typing. The centre still lists them."""
        return note.event in SHOWN_IN_DOCUMENT and note.doc_id == self._current_doc()

    def _on_records(self, event: RecordsChanged) -> None:
        if "notification" in event.kinds:
            self.bell.show_count(self.engine.unread_count())
