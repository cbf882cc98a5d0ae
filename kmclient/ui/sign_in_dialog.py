"""Sign in to a knowledge base server: address, user name, password.

Shown at start when the profile has no saved session, and when the user
clicks "Sign in…" after a session ended; never on its own in the middle of
work. The server and user are remembered by the caller (QSettings); the
password never is (the engine keeps a session token in the profile instead).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)


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
        return "Give the server as ws://host:port or wss://host"
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return "The port must be a number"
    return None


class SignInDialog(QDialog):
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
        self.setWindowTitle("Sign in")
        self.setMinimumWidth(420)
        self._server = QLineEdit(server)
        self._server.setPlaceholderText("ws://kb.example.org:8765")
        self._user = QLineEdit(user)
        self._password = QLineEdit()
        self._password.setEchoMode(QLineEdit.EchoMode.Password)
        self._server.setReadOnly(fixed_identity)
        self._user.setReadOnly(fixed_identity)
        self._error = QLabel(error)
        self._error.setObjectName("signInError")
        self._error.setWordWrap(True)
        self._error.setStyleSheet("color: palette(bright-text);")
        self._error.setVisible(bool(error))
        intro = QLabel(
            "Your session ended; enter your password to go on."
            if fixed_identity
            else "Sign in to your knowledge base. Documents you sync stay readable offline."
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Server", self._server)
        form.addRow("User name", self._user)
        form.addRow("Password", self._password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        buttons.accepted.connect(self._on_accept)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(intro)
        box.addLayout(form)
        box.addWidget(self._error)
        box.addWidget(buttons)
        first_empty = next(
            (w for w in (self._server, self._user, self._password) if not w.text()), self._password
        )
        first_empty.setFocus()

    def server(self) -> str:
        return normalise_server(self._server.text())

    def user(self) -> str:
        return self._user.text().strip()

    def password(self) -> str:
        return self._password.text()

    def _on_accept(self) -> None:
        problem = server_problem(self.server())
        if problem is None and not self.user():
            problem = "Give your user name"
        if problem is None and not self.password():
            problem = "Give your password"
        if problem:
            self._error.setText(problem)
            self._error.show()
            return
        self.accept()
