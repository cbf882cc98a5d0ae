"""The status bar: online / offline / syncing, unsent changes, last sync, the index.

Being offline is shown, never in the way: no dialog, reading, searching and
editing go on, and local changes wait in the outbox (counted here).
"""

from __future__ import annotations

import time
from dataclasses import replace

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QStatusBar,
    QToolButton,
    QWidget,
)

from kmclient.core.model import ConnState, IndexProgress, SyncStatus
from kmclient.ui.i18n import full, number, parse_iso, tr, when
from kmclient.ui.shell.text_widgets import ElidedLabel
from kmclient.ui.shell.theme import LIGHT, Colours, icon

PENDING_SHOW_MS = 400  # "Sending 1 change…" only when it lasts (not twice per keystroke)


class SyncStatusBar(QStatusBar):
    signInRequested = Signal()
    retryRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(False)
        self.colours: Colours = LIGHT
        self.status = SyncStatus(state=ConnState.OFFLINE)
        self._retry_at: float | None = None
        self._last_synced: str | None = None

        self.dot = QLabel()
        self.state = QLabel()
        self.state.setObjectName("statusState")
        self.state.setAccessibleName(tr("Connection"))
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(120)  # the words beside it say how far
        self.progress.hide()
        self.action = QToolButton()
        self.action.setAutoRaise(True)
        self.action.hide()
        self.action.clicked.connect(self._on_action)
        self.pending = ElidedLabel()
        self.pending.setAccessibleName(tr("Changes not yet sent"))
        # Shortened, not pushing: during a first sync everything shows at once, and the
        # bar's width (the sum of its parts') grew a half-screen window past the screen.
        self.synced = QLabel()
        self.synced.setObjectName("docMeta")
        self.index = ElidedLabel()
        self.index.setObjectName("docMeta")
        self.user = ElidedLabel()  # the first to give way when the window is narrow
        self.user.setObjectName("docMeta")
        connection = QWidget()  # dot and words together, not a status-bar gap apart
        row = QHBoxLayout(connection)
        row.setContentsMargins(6, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.dot)
        row.addWidget(self.state)
        self._normal = 0  # widgets on the left; permanent ones are indexed after them
        for widget in (connection, self.progress, self.action, self.pending):
            self.add_line(widget)
        self.addPermanentWidget(self.index)
        self.addPermanentWidget(self.synced)
        self.addPermanentWidget(self.user)
        # "Sending 1 change…" only once a change has waited this long: while online
        # every keystroke is unconfirmed for a few ms, and showing and hiding the
        # label each time relaid the status bar twice per key (and flickered).
        self._pending_timer = QTimer(self)
        self._pending_timer.setSingleShot(True)
        self._pending_timer.setInterval(PENDING_SHOW_MS)
        self._pending_timer.timeout.connect(self._show_pending)
        self._tick = QTimer(self)  # "retrying in 4 s" counts down
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._refresh_state)
        self.show_status(self.status)

    def add_line(self, widget: QWidget, stretch: int = 0) -> None:
        """A widget on the left, after the connection state."""
        self.addWidget(widget, stretch)
        self._normal += 1

    def add_indicator(self, widget: QWidget) -> None:
        """A widget at the start of the right-hand group (bell, quiet mode, flags)."""
        self.insertPermanentWidget(self._normal, widget)

    def set_colours(self, colours: Colours) -> None:
        self.colours = colours
        self._refresh_state()

    def set_user(self, text: str) -> None:
        self.user.setText(text)

    # -- connection ----------------------------------------------------------------------

    def show_status(self, status: SyncStatus) -> None:
        # Every keystroke moves only `unconfirmed` (0 -> 1 -> 0): then the state
        # label, its re-polish and the SVG dot need not be redone.
        only_pending = replace(status, unconfirmed=0) == replace(self.status, unconfirmed=0)
        # A sync's progress moves every owner turn: the text and the bar, not the
        # re-polish and the SVG dot (~0.5 ms a turn on the GUI thread).
        only_progress = replace(status, done=0, unconfirmed=0) == replace(
            self.status, done=0, unconfirmed=0
        )
        self.status = status
        if only_progress and not only_pending and status.state == ConnState.SYNCING:
            self.state.setText(self._state_text())
            if status.total > 0:
                self.progress.setValue(min(status.done, status.total))
        elif not only_pending:
            if status.state == ConnState.OFFLINE and status.retry_in is not None:
                self._retry_at = time.monotonic() + status.retry_in
            else:
                self._retry_at = None
            self._refresh_state()
        self._refresh_pending()

    @property
    def state_name(self) -> str:
        return self.status.state.value

    def _state_text(self) -> str:
        s = self.status
        text = {
            ConnState.ONLINE: tr("Online"),
            ConnState.CONNECTING: tr("Connecting…"),
            ConnState.SYNCING: tr("Syncing…"),
            ConnState.OFFLINE: tr("Offline"),
            ConnState.SIGNED_OUT: tr("Signed out"),
        }[s.state]
        if s.state == ConnState.SYNCING and s.total:
            text = tr("Syncing {done} of {total} documents").format(
                done=number(s.done), total=number(s.total)
            )
        if s.state == ConnState.OFFLINE and self._retry_at is not None:
            left = max(0, round(self._retry_at - time.monotonic()))
            text += (
                " · " + tr("retrying in {seconds} s").format(seconds=left)
                if left
                else " · " + tr("retrying…")
            )
        if s.state == ConnState.SIGNED_OUT and s.error:
            text += f": {s.error}"
        return text

    def _refresh_state(self) -> None:
        s, c = self.status, self.colours
        self.state.setText(self._state_text())
        self.state.setProperty("state", s.state.value)
        self.state.style().unpolish(self.state)
        self.state.style().polish(self.state)
        tip = {
            ConnState.OFFLINE: tr(
                "You can go on reading, searching and editing; "
                "changes are kept here and sent when the connection is back."
            ),
            ConnState.ONLINE: tr("Connected: changes flow both ways as they happen."),
        }.get(s.state, "")
        if s.error and s.state != ConnState.SIGNED_OUT:
            tip = f"{s.error}\n{tip}".strip()
        self.state.setToolTip(tip)
        self.dot.setToolTip(tip)
        name = {
            ConnState.ONLINE: "online",
            ConnState.SYNCING: "syncing",
            ConnState.CONNECTING: "syncing",
        }.get(s.state, "offline")
        self.dot.setPixmap(icon(name, c, size=14).pixmap(14, 14))
        # Online, changes arrive as they happen: "Synced 02:16" would look stale; while
        # syncing the progress says more. Away from the server it says how fresh the
        # screen is.
        self.synced.setVisible(s.state not in (ConnState.ONLINE, ConnState.SYNCING))
        syncing = s.state == ConnState.SYNCING and s.total > 0
        self.progress.setVisible(syncing)
        if syncing:
            self.progress.setMaximum(s.total)
            self.progress.setValue(min(s.done, s.total))
        if s.state == ConnState.SIGNED_OUT:
            self.action.setText(tr("Sign in…"))
            self.action.show()
        elif s.state == ConnState.OFFLINE and self._retry_at is not None:
            self.action.setText(tr("Retry now"))
            self.action.show()
        else:
            self.action.hide()
        running = s.state == ConnState.OFFLINE and self._retry_at is not None
        if running and not self._tick.isActive():
            self._tick.start()
        elif not running:
            self._tick.stop()

    def _on_action(self) -> None:
        if self.status.state == ConnState.SIGNED_OUT:
            self.signInRequested.emit()
        else:
            self.retryRequested.emit()

    def _refresh_pending(self) -> None:
        n = self.status.unconfirmed
        if not n:
            self._pending_timer.stop()
            if not self.pending.isHidden():
                self.pending.clear()
                self.pending.hide()
            return
        if self.status.state == ConnState.ONLINE and self.pending.isHidden():
            if not self._pending_timer.isActive():
                self._pending_timer.start()
            return
        self._show_pending()

    def _show_pending(self) -> None:
        n = self.status.unconfirmed
        if not n:
            return
        if self.status.state == ConnState.ONLINE:
            self.pending.setText(tr("Sending %n change(s)…", "", n))
        else:
            self.pending.setText(tr("%n change(s) kept here, sent when online", "", n))
        self.pending.show()

    # -- sync and index ----------------------------------------------------------------------

    def show_synced(self, iso: str | None) -> None:
        self._last_synced = iso
        self.synced.setText(
            tr("Synced {when}").format(when=when(iso)) if iso else tr("Not synced yet")
        )
        moment = parse_iso(iso)
        if moment is not None:
            self.synced.setToolTip(tr("Last complete sync: {moment}").format(moment=full(moment)))

    def show_index(self, progress: IndexProgress) -> None:
        # Just after start the index is being opened: no work the user would wait for.
        quiet = progress.preparing and not progress.rebuilding and progress.done >= progress.total
        if progress.idle or quiet:
            self.index.setText("")
            self.index.hide()
            return
        what = tr("Rebuilding search index") if progress.rebuilding else tr("Indexing")
        total = max(progress.total, 1)
        self.index.setText(f"{what} {min(100, 100 * progress.done // total)}%")
        self.index.show()
