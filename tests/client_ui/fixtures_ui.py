"""Real parts for UI tests: the demo server (sample KB, demo users) on 127.0.0.1 and
real windows signed in to it, each with its own engine and profile.

Import the fixtures into a test module with
``from tests.client_ui.fixtures_ui import *  # noqa: F403``. Waiting is always
``qtbot.waitUntil`` / ``waitSignal`` on a condition, never a sleep.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtGui import QInputMethodEvent, QKeyEvent, QKeySequence, QTextDocument
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from kmclient.core.model import ConnState
from kmclient.demo import DemoServer, seed_database
from kmclient.net.backoff import Backoff
from kmclient.ui.shell.client_app import ClientApp
from kmclient.ui.shell.window import MainWindow
from kmserver.store import documents as server_docs
from kmserver.store.database import Database

WAIT_MS = 20_000  # generous: a 2-core CI machine runs other things too

__all__ = [
    "WAIT_MS",
    "Windows",
    "demo_server",
    "demo_template",
    "press",
    "select_in_reader",
    "server_body",
    "type_text",
    "windows",
]


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database, seeded once (argon2 hashing of six users is slow by design)."""
    path = tmp_path_factory.mktemp("demo-template") / "server.db"
    seed_database(f"sqlite:///{path}", story=False)  # the sample KB as imported
    return path


@pytest.fixture
def demo_server(tmp_path: Path, demo_template: Path) -> Iterator[DemoServer]:
    db = tmp_path / "server.db"
    shutil.copyfile(demo_template, db)
    server = DemoServer(db_path=db).start()
    yield server
    server.stop()


def server_body(server: DemoServer, doc_id: str) -> str:
    """The server's committed Markdown of a document, read from its database."""
    db = Database(server.db_url)
    try:
        with db.read() as s:
            row = server_docs.get_document(s, doc_id)
            return row.body_text if row else ""
    finally:
        db.dispose()


def fast_backoff() -> Backoff:
    return Backoff(base=0.05, cap=0.5, stable_after=5.0)


class Windows:
    """Opens windows as demo users (one ClientApp, like File ▸ New window as)."""

    def __init__(
        self, qtbot: QtBot, server: DemoServer, tmp_path: Path, language: str = "en"
    ) -> None:
        self.qtbot = qtbot
        self.server = server
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        # Tests read English (a Swedish desktop must not change them); tests/client_ui/
        # test_i18n.py opens Swedish windows.
        settings.setValue("view/language", language)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.client = ClientApp(app, settings, demo=server, backoff=fast_backoff)

    def open(self, user: str, *, online: bool = True, indexed: bool = False) -> MainWindow:
        window = self.client.open_demo_window(user)
        self.qtbot.addWidget(window)  # closed at teardown, if still open
        # Usable: painted, and what is built after the first paint is there (menus,
        # actions and their shortcuts, the side panel).
        self.qtbot.waitUntil(window.is_built, timeout=WAIT_MS)
        if online:
            self.qtbot.waitUntil(
                lambda: window.engine.status.state == ConnState.ONLINE, timeout=WAIT_MS
            )
            self.qtbot.waitUntil(window.tree_up_to_date, timeout=WAIT_MS)
        if indexed:
            self.qtbot.waitUntil(lambda: window.engine.index_progress.idle, timeout=WAIT_MS)
        return window

    def close(self) -> None:
        for window in list(self.client.windows):
            window.close()
        self.client.theme.deleteLater()


@pytest.fixture
def windows(qtbot: QtBot, demo_server: DemoServer, tmp_path: Path) -> Iterator[Windows]:
    made = Windows(qtbot, demo_server, tmp_path)
    yield made
    made.close()


def type_text(widget: QWidget, text: str) -> None:
    """Type like a keyboard: one key event per character (a surrogate pair is one key).

    Not qtbot.keyClicks: it aborts the process on any non-ASCII character.
    """
    for ch in text:
        if ch == "\n":
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(
                    widget, QKeyEvent(kind, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r")
                )
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            )


def commit_text(widget: QWidget, text: str) -> None:
    """What an input method does (dead keys, compose, emoji pickers): one commit string."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def press(qtbot: QtBot, w: QWidget, shortcut: str) -> None:
    """Press a shortcut in window ``w`` (made the active window first)."""
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=WAIT_MS)
    sequence = QKeySequence(shortcut)[0]
    qtbot.keyClick(w.focusWidget() or w, sequence.key(), sequence.keyboardModifiers())


def select_in_reader(w: MainWindow, words: str) -> None:
    found = w.doc_view.reader.document().find(words, 0, QTextDocument.FindFlag(0))
    assert not found.isNull()
    w.doc_view.reader.setTextCursor(found)
