"""The application: its windows, each with its own user, engine and profile.

Two ways in: the demo (an embedded server, demo users, profiles in a temp
directory; "New window as" opens a colleague beside you) and a real server
(a sign-in dialog that waits for the server's answer and remembers the server
and the user; only a successful sign-in opens a window).
"""

from __future__ import annotations

import html
import logging
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from kmclient import startup_gc
from kmclient.core import index_handle, profile
from kmclient.core.sync_engine import NotSignedIn, ProfileMismatch
from kmclient.demo import DEMO_PASSWORD, DEMO_USERS, PARTNER_USER
from kmclient.net.backoff import Backoff
from kmclient.ui import i18n
from kmclient.ui.i18n import tr
from kmclient.ui.shell import gc_pacing
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.shell.sign_in_dialog import SignInDialog
from kmclient.ui.shell.sign_in_flow import SignInFlow
from kmclient.ui.shell.theme import ThemeManager
from kmclient.ui.shell.window import MainWindow

if TYPE_CHECKING:  # the real import loads the whole server: only --demo needs it
    from kmclient.demo_server import DemoServer

log = logging.getLogger(__name__)

GIL_SWITCH_S = 0.001


class ClientApp(QObject):
    def __init__(
        self,
        app: QApplication,
        settings: QSettings,
        *,
        demo: DemoServer | None = None,
        backoff: Callable[[], Backoff] | None = None,
    ) -> None:
        super().__init__()
        # The GUI thread shares the GIL with the connection and indexer threads and
        # takes it back after every Qt call that let it go: with Python's default
        # switch interval (5 ms) each of those could wait 5 ms behind a busy thread.
        sys.setswitchinterval(GIL_SWITCH_S)
        # The modules loaded by now are never garbage: out of every full collection.
        gc_pacing.install()
        self.app = app
        self.settings = settings
        # The language first: every widget made from here on speaks it.
        i18n.install(app, i18n.resolve(str(settings.value(i18n.SETTINGS_KEY, "system") or "")))
        # Qt adds it to every window title ("Parking permit — olle (owner) — Knowledge base").
        app.setApplicationDisplayName(tr("Knowledge base"))
        self.demo = demo
        self._backoff = backoff
        self.theme = ThemeManager(app, str(settings.value("view/theme", "system")), parent=self)
        self.windows: list[MainWindow] = []
        self._fresh_profiles: set[Path] = set()  # made by a sign-in attempt that may fail
        self._temp: Path | None = None
        if demo is not None:
            self._temp = Path(tempfile.mkdtemp(prefix="kmclient-demo-profiles-"))

    # -- windows -------------------------------------------------------------------------

    def open_window(
        self,
        server_url: str,
        user: str,
        password: str | None,
        profile_dir: Path,
    ) -> MainWindow:
        """A window signed in as ``user`` (with the password, or the profile's saved session)."""
        # The connection starts after the window's first paint (MainWindow): its thread's
        # handshake would share the GIL with the window's building.
        bridge = self._connect(server_url, user, password, profile_dir, start=False)
        return self.show_window(bridge)

    def _connect(
        self,
        server_url: str,
        user: str,
        password: str | None,
        profile_dir: Path,
        *,
        start: bool = True,
    ) -> EngineBridge:
        # The search index opens after the window's first paint (or when a search needs it).
        with index_handle.deferred():
            bridge = EngineBridge(profile_dir, backoff=self._backoff() if self._backoff else None)
        try:
            bridge.engine.connect(server_url, user, password, start=start)
        except (NotSignedIn, ProfileMismatch):
            bridge.close()
            raise
        return bridge

    def show_window(self, bridge: EngineBridge) -> MainWindow:
        slot = "main" if not self.windows else "extra"
        window = MainWindow(bridge, self.settings, self.theme, host=self, slot=slot)
        window.closed.connect(lambda w=window: self._on_closed(w))
        self.windows.append(window)
        if slot == "extra":  # beside the first, not on top of it
            first = self.windows[0]
            window.move(first.x() + 60, first.y() + 40)
        window.show()
        return window

    def open_demo_window(self, user: str) -> MainWindow:
        assert self.demo is not None and self._temp is not None
        base = self._temp / user
        candidate, n = base, 1
        while (candidate / profile.LOCK_FILE).exists() and self._profile_busy(candidate):
            n += 1
            candidate = self._temp / f"{user}-{n}"
        return self.open_window(self.demo.url, user, DEMO_PASSWORD, candidate)

    def _profile_busy(self, directory: Path) -> bool:
        return any(w.engine.profile_dir == directory for w in self.windows)

    def _on_closed(self, window: MainWindow) -> None:
        if window in self.windows:
            self.windows.remove(window)

    # -- WindowHost ----------------------------------------------------------------------

    def other_users(self, current: str | None) -> list[tuple[str, str]]:
        if self.demo is None:
            return []
        users = sorted(DEMO_USERS, key=lambda u: (u.name != PARTNER_USER, u.name == current))
        return [(u.name, u.blurb) for u in users]

    def open_window_as(self, user: str | None) -> None:
        if self.demo is not None and user:
            self.open_demo_window(user)
            return
        self.sign_in(parent=self.windows[0] if self.windows else None)

    def about_extra(self) -> str:
        if self.demo is None:
            return ""
        rows = "".join(
            f"<tr><td><b>{html.escape(u.name)}</b></td><td>{html.escape(tr(u.blurb))}</td></tr>"
            for u in DEMO_USERS
        )
        text = tr(
            "<b>Demo</b>: an embedded server at {address}. Every demo user's password is "
            "<b>{password}</b>. File ▸ New window as… opens a colleague beside you."
        ).format(address=html.escape(self.demo.url), password=DEMO_PASSWORD)
        return f"<p>{text}</p><table cellspacing='4'>{rows}</table>"

    def sign_in_again(self, window: MainWindow) -> SignInDialog:
        """After a refused or expired session: ask for the password, on request only.

        The window's own engine tries; the dialog (window-modal, not blocking) stays
        until the server says yes, or the user cancels."""
        engine = window.engine
        user = engine.user.name if engine.user else engine.user_name or ""
        dialog = SignInDialog(
            window, server=engine.server_url or "", user=user, fixed_identity=True
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def resume(_server: str, _user: str, password: str) -> EngineBridge:
            engine.sign_in(password)
            return window.bridge

        SignInFlow(dialog, resume)
        dialog.open()
        return dialog

    # -- a real server ---------------------------------------------------------------------

    def sign_in(
        self,
        server: str | None = None,
        user: str | None = None,
        profile_dir: Path | None = None,
        parent: MainWindow | None = None,
    ) -> MainWindow | None:
        """Open a window for a real server: the saved session if the profile has one,
        otherwise the sign-in dialog (blocking until signed in or cancelled)."""
        server = server or str(self.settings.value("signin/server", "") or "")
        user = user or str(self.settings.value("signin/user", "") or "")
        if server and user:
            try:
                return self.open_window(
                    server, user, None, profile_dir or profile.default_profile_dir(server, user)
                )
            except NotSignedIn:
                pass  # no saved session: ask
            except (ProfileMismatch, profile.ProfileBusy) as exc:
                QMessageBox.warning(parent, tr("Cannot open the profile"), str(exc))
                return None
        count = len(self.windows)
        dialog = self.sign_in_dialog(server, user, profile_dir, parent)
        if dialog.exec() != SignInDialog.DialogCode.Accepted or len(self.windows) == count:
            return None
        return self.windows[-1]

    def sign_in_dialog(
        self,
        server: str = "",
        user: str = "",
        profile_dir: Path | None = None,
        parent: MainWindow | None = None,
    ) -> SignInDialog:
        """The first-sign-in dialog, wired: each "Sign in" asks the server with a new
        engine; success remembers server and user and opens the window."""
        startup_gc.release()  # no window to wait for: the dialog may stay up for long
        dialog = SignInDialog(parent, server=server, user=user)

        def start(server_url: str, name: str, password: str) -> EngineBridge:
            target = profile_dir or profile.default_profile_dir(server_url, name)
            if not target.exists():
                self._fresh_profiles.add(target)
            return self._connect(server_url, name, password, target)

        def signed_in(bridge: EngineBridge) -> None:
            self._fresh_profiles.discard(bridge.engine.profile_dir)
            self.settings.setValue("signin/server", bridge.engine.server_url or "")
            self.settings.setValue("signin/user", dialog.user())
            self.show_window(bridge)

        flow = SignInFlow(dialog, start, self._abandon_attempt)
        flow.signedIn.connect(signed_in)
        return dialog

    def _abandon_attempt(self, bridge: EngineBridge) -> None:
        """A failed first sign-in: stop its engine; a profile it created goes too."""
        directory = bridge.engine.profile_dir
        bridge.close()
        if directory in self._fresh_profiles:
            self._fresh_profiles.discard(directory)
            shutil.rmtree(directory, ignore_errors=True)

    # -- the end ---------------------------------------------------------------------------

    def shutdown(self) -> None:
        for window in list(self.windows):
            window.close()
        if QGuiApplication.platformName() == "offscreen":
            # PySide6 6.11's offscreen clipboard crashes at exit holding data set from
            # Python; a real desktop's clipboard keeps a copied answer after we quit.
            QGuiApplication.clipboard().clear()
        if self.demo is not None:
            self.demo.close()
        if self._temp is not None:
            shutil.rmtree(self._temp, ignore_errors=True)
            self._temp = None
