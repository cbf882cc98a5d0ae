"""Sign in to a knowledge base server: address, user name, password.

Shown at start when the profile has no saved session, and when the user
clicks "Sign in…" after a session ended; never on its own in the middle of
work. The dialog only collects and shows: ``submitted`` hands the checked
fields to a ``SignInFlow`` (``sign_in_flow.py``), which asks the server and
answers with ``succeed()``, ``show_error()`` or ``show_wait()``. Meanwhile the
fields are locked and a busy bar runs; Cancel (or Esc) stops the attempt and
leaves the dialog open to correct the address or password, a second Cancel
closes it. The password is never remembered (the engine keeps a session token).
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kmclient.ui.i18n import tr

Field = Literal["server", "user", "password"]


def normalise_server(text: str) -> str:
    """``kb.example.org:8765`` -> ``ws://kb.example.org:8765``; http(s) becomes ws(s)."""
    text = text.strip().rstrip("/")
    if text.startswith("http://"):
        text = "ws://" + text[len("http://") :]
    elif text.startswith("https://"):
        text = "wss://" + text[len("https://") :]
    elif "://" not in text and text:
        text = "ws://" + text
    return text


def server_problem(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        return tr("Give the server as ws://host:port or wss://host")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return tr("The port must be a number")
    return None


class SignInDialog(QDialog):
    submitted = Signal(str, str, str)  # server, user, password: checked here, ask the server
    cancelRequested = Signal()  # stop the attempt that is running

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        server: str = "",
        user: str = "",
        error: str = "",
        fixed_identity: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Sign in"))
        self.setMinimumWidth(440)
        self._busy = False
        self._wait_left = 0
        self._server = QLineEdit(server)
        self._server.setPlaceholderText("ws://kb.example.org:8765")
        self._user = QLineEdit(user)
        self._password = QLineEdit()
        self._password.setEchoMode(QLineEdit.EchoMode.Password)
        self._server.setReadOnly(fixed_identity)
        self._user.setReadOnly(fixed_identity)
        self._fixed = fixed_identity
        self._error = QLabel(error)
        self._error.setObjectName("formError")
        self._error.setWordWrap(True)
        self._error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._error.setVisible(bool(error))
        self._progress = QProgressBar()
        self._progress.setObjectName("signInBusy")
        self._progress.setRange(0, 0)  # indeterminate: we wait for the server
        self._progress.setTextVisible(False)
        self._progress.setMaximumHeight(6)
        self._busy_label = QLabel(tr("Signing in…  (Esc stops)"))
        self._busy_label.setObjectName("signInBusyLabel")
        for w in (self._progress, self._busy_label):
            w.hide()
        intro = QLabel(
            tr("Your session ended; enter your password to go on.")
            if fixed_identity
            else tr("Sign in to your knowledge base. Documents you sync stay readable offline.")
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow(tr("&Server"), self._server)
        form.addRow(tr("&User name"), self._user)
        form.addRow(tr("&Password"), self._password)
        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.sign_in_button: QPushButton = self._buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in_button.setText(tr("Sign in"))
        self.sign_in_button.setDefault(True)  # Enter in any field submits
        self._buttons.accepted.connect(self._on_accept)
        self._buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(intro)
        box.addLayout(form)
        box.addWidget(self._error)
        box.addWidget(self._busy_label)
        box.addWidget(self._progress)
        box.addWidget(self._buttons)
        self._wait_timer = QTimer(self)
        self._wait_timer.setInterval(1000)
        self._wait_timer.timeout.connect(self._tick_wait)
        first_empty = next(
            (w for w in (self._server, self._user, self._password) if not w.text()), self._password
        )
        first_empty.setFocus()

    # -- what was entered ------------------------------------------------------------

    def server(self) -> str:
        return normalise_server(self._server.text())

    def user(self) -> str:
        return self._user.text().strip()

    def password(self) -> str:
        return self._password.text()

    @property
    def busy(self) -> bool:
        return self._busy

    def error_text(self) -> str:
        return "" if self._error.isHidden() else self._error.text()

    # -- answers from the flow -----------------------------------------------------------

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._progress.setVisible(busy)
        self._busy_label.setVisible(busy)
        self._server.setReadOnly(busy or self._fixed)
        self._user.setReadOnly(busy or self._fixed)
        self._password.setReadOnly(busy)
        self.sign_in_button.setEnabled(not busy and self._wait_left <= 0)
        self._buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            tr("Stop") if busy else tr("Cancel")
        )

    def show_error(self, text: str, field: Field | None = None) -> None:
        """The attempt failed: say why, unlock, and put the cursor where the fix goes."""
        self.set_busy(False)
        self._error.setText(text)
        self._error.show()
        self.resize(self.size().expandedTo(self.sizeHint()))  # room for it: fields not squeezed
        target = {"server": self._server, "user": self._user}.get(field or "", self._password)
        if target.isReadOnly():
            target = self._password
        target.setFocus()
        target.selectAll()

    def show_wait(self, seconds: int, text: str = "") -> None:
        """Throttled by the server: count down, and allow a new try only after it."""
        self._wait_left = max(1, seconds)
        self._wait_prefix = text or tr("Too many failed sign-ins.")
        self._wait_timer.start()
        self.show_error(self._wait_text())
        self.sign_in_button.setEnabled(False)

    def succeed(self) -> None:
        self._wait_timer.stop()
        self.set_busy(False)
        self.accept()

    def _wait_text(self) -> str:
        if self._wait_left > 0:
            return tr("{reason} Try again in {seconds} s.").format(
                reason=self._wait_prefix, seconds=self._wait_left
            )
        return tr("{reason} You can try again now.").format(reason=self._wait_prefix)

    def _tick_wait(self) -> None:
        self._wait_left -= 1
        self._error.setText(self._wait_text())
        if self._wait_left <= 0:
            self._wait_timer.stop()
            self.sign_in_button.setEnabled(not self._busy)

    # -- keys and buttons ----------------------------------------------------------------

    def _on_accept(self) -> None:
        if self._busy or self._wait_left > 0:
            return
        problem: tuple[str, Field] | None = None
        message = server_problem(self.server())
        if message:
            problem = (message, "server")
        elif not self.user():
            problem = (tr("Give your user name"), "user")
        elif not self.password():
            problem = (tr("Give your password"), "password")
        if problem:
            self.show_error(*problem)
            return
        self._error.hide()
        self.set_busy(True)
        self.submitted.emit(self.server(), self.user(), self.password())

    def reject(self) -> None:
        """Cancel / Esc: stop a running attempt (and stay), otherwise close."""
        if self._busy:
            self.cancelRequested.emit()
            self.show_error(tr("Stopped. Correct the details and sign in again, or Cancel."))
            return
        self._wait_timer.stop()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._busy:  # the title bar's close button: stop and close at once
            self.cancelRequested.emit()
            self.set_busy(False)
        super().closeEvent(event)
