"""Signing in through a ``SignInDialog`` that waits for the server's answer.

Each "Sign in" starts an attempt (a new engine for a first sign-in, or the
window's own engine after a session ended) and watches its status: a welcome
(syncing or online) is success; signed out (wrong password, throttled), or
offline with an error (unreachable, incompatible), is a failure shown in the
dialog, which stays open to correct it. Only success opens a window.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from kmclient.core.model import ConnState, SyncStatus
from kmclient.core.profile import ProfileBusy
from kmclient.core.sync_engine import NotSignedIn, ProfileMismatch
from kmclient.ui.i18n import tr
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.shell.sign_in_dialog import Field, SignInDialog

log = logging.getLogger(__name__)

THROTTLED_RE = re.compile(r"try again in (\d+)\s*s")


@dataclass(frozen=True)
class Failure:
    text: str
    field: Field | None = None
    wait: int | None = None  # seconds before the server takes another attempt


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def describe_failure(status: SyncStatus) -> Failure | None:
    """What an engine status means to someone signing in; None while it is still going."""
    error = status.error or ""
    if status.state == ConnState.SIGNED_OUT:
        throttled = THROTTLED_RE.search(error)
        if throttled:
            return Failure(tr("Too many failed sign-ins."), "password", int(throttled.group(1)))
        if not error or "password" in error:
            return Failure(tr("Wrong user name or password. Check both and try again."), "password")
        return Failure(_sentence(error), "password")
    if status.state == ConnState.OFFLINE and error:
        if "protocol version" in error:
            return Failure(_sentence(error), "server")
        return Failure(
            tr("{reason} Check the server address.").format(reason=_sentence(error)), "server"
        )
    return None


Start = Callable[[str, str, str], EngineBridge]


class SignInFlow(QObject):
    """Connects a dialog to attempts: ``start(server, user, password)`` returns the
    engine that tries (raising ``ProfileMismatch``/``ProfileBusy``/``NotSignedIn``
    for problems found before asking); ``abandon(bridge)`` lets go of a failed one."""

    signedIn = Signal(object)  # the EngineBridge that is now signed in

    def __init__(
        self,
        dialog: SignInDialog,
        start: Start,
        abandon: Callable[[EngineBridge], None] | None = None,
    ) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self._start = start
        self._abandon = abandon
        self._bridge: EngineBridge | None = None
        self._failed: EngineBridge | None = None  # to let go of once out of its dispatch
        self._started = False  # the attempt's first "connecting" was seen
        self.bridge: EngineBridge | None = None  # after success
        dialog.submitted.connect(self._on_submitted)
        dialog.cancelRequested.connect(self._drop)
        dialog.rejected.connect(self._drop)
        dialog.rejected.connect(self._release_failed)

    def _on_submitted(self, server: str, user: str, password: str) -> None:
        self._drop()
        self._release_failed()  # before a new engine wants the same profile
        try:
            bridge = self._start(server, user, password)
        except ProfileMismatch as exc:
            self.dialog.show_error(_sentence(str(exc)), "user")
            return
        except ProfileBusy:
            self.dialog.show_error(
                tr("This user's profile is open in another window or program. Close it first.")
            )
            return
        except (NotSignedIn, ValueError, OSError) as exc:
            self.dialog.show_error(_sentence(str(exc)))
            return
        self._bridge, self._started = bridge, False
        bridge.statusChanged.connect(self._on_status)

    def _on_status(self, status: SyncStatus) -> None:
        bridge = self._bridge
        if bridge is None:
            return
        if status.state in (ConnState.SYNCING, ConnState.ONLINE):
            bridge.statusChanged.disconnect(self._on_status)
            self._bridge, self.bridge = None, bridge
            self.signedIn.emit(bridge)
            self.dialog.succeed()
            return
        if status.state == ConnState.CONNECTING:
            self._started = True
            return
        failure = describe_failure(status) if self._started else None
        if failure is None:
            return
        bridge.statusChanged.disconnect(self._on_status)
        self._bridge, self._failed = None, bridge
        # Not from inside the engine's own event dispatch: let go on the next turn.
        QTimer.singleShot(0, self._release_failed)
        if failure.wait:
            self.dialog.show_wait(failure.wait, failure.text)
        else:
            self.dialog.show_error(failure.text, failure.field)

    def _drop(self) -> None:
        """Stop listening to the running attempt and let it go (idempotent)."""
        bridge, self._bridge = self._bridge, None
        if bridge is None:
            return
        with contextlib.suppress(RuntimeError, TypeError):  # not connected (any more)
            bridge.statusChanged.disconnect(self._on_status)
        if self._abandon is not None:
            self._abandon(bridge)

    def _release_failed(self) -> None:
        bridge, self._failed = self._failed, None
        if bridge is not None and self._abandon is not None:
            self._abandon(bridge)
