"""A real server without the demo menu: the sign-in dialog that waits for the server's
answer, the saved session, signing in again after a session ended, themes."""

from __future__ import annotations

import socket
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kmclient.core.model import ConnState, SyncStatus
from kmclient.demo import DEMO_PASSWORD
from kmclient.ui.shell.sign_in_dialog import SignInDialog
from kmclient.ui.shell.sign_in_flow import describe_failure
from kmclient.ui.shell.theme import DARK, LIGHT
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS, Windows


def test_dialog_checks_what_it_can_before_asking_the_server(qtbot: QtBot) -> None:
    dialog = SignInDialog(server="kb.example.org:8765", user="anna")
    qtbot.addWidget(dialog)
    asked: list[tuple[str, str, str]] = []
    dialog.submitted.connect(lambda *args: asked.append(args))
    dialog._on_accept()  # no password yet
    assert not asked and not dialog.busy
    assert "password" in dialog.error_text()
    dialog._password.setText("secret")
    dialog._on_accept()
    assert asked == [("ws://kb.example.org:8765", "anna", "secret")]
    assert dialog.busy and not dialog.sign_in_button.isEnabled()
    assert dialog.result() != SignInDialog.DialogCode.Accepted  # waits for the server


def sign_in_with(qtbot: QtBot, dialog: SignInDialog, password: str) -> None:
    field = dialog._password
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, password)
    qtbot.keyClick(field, Qt.Key.Key_Return)  # Enter submits


def test_wrong_password_then_success_in_one_dialog(
    qtbot: QtBot, windows: Windows, tmp_path: Path
) -> None:
    client = windows.client
    dialog = client.sign_in_dialog(windows.server.url, "erik", tmp_path / "erik")
    qtbot.addWidget(dialog)
    dialog.show()
    sign_in_with(qtbot, dialog, "not-the-password")
    assert dialog.busy  # waiting for the server's answer, fields locked
    assert dialog._password.isReadOnly()
    qtbot.waitUntil(lambda: "Wrong user name or password" in dialog.error_text(), timeout=WAIT_MS)
    assert dialog.isVisible() and not dialog.busy
    assert dialog.height() >= dialog.sizeHint().height()  # grew for the error: nothing squeezed
    assert client.windows == []  # only success opens a window
    assert dialog._password.hasFocus() and dialog._password.selectedText() == "not-the-password"
    sign_in_with(qtbot, dialog, DEMO_PASSWORD)
    qtbot.waitUntil(lambda: len(client.windows) == 1, timeout=WAIT_MS)
    window = client.windows[0]
    qtbot.addWidget(window)
    assert dialog.result() == SignInDialog.DialogCode.Accepted and not dialog.isVisible()
    assert window.engine.user is not None and window.engine.user.name == "erik"
    assert client.settings.value("signin/server") == windows.server.url
    assert client.settings.value("signin/user") == "erik"
    qtbot.waitUntil(lambda: window.engine.status.state == ConnState.ONLINE, timeout=WAIT_MS)


def test_unreachable_server_is_shown_inline_and_can_be_corrected(
    qtbot: QtBot, windows: Windows, tmp_path: Path
) -> None:
    client = windows.client
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"ws://127.0.0.1:{probe.getsockname()[1]}"
    profile_dir = tmp_path / "anna"
    dialog = client.sign_in_dialog(dead, "anna", profile_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    sign_in_with(qtbot, dialog, DEMO_PASSWORD)
    qtbot.waitUntil(lambda: "Cannot reach" in dialog.error_text(), timeout=WAIT_MS)
    assert "Check the server address" in dialog.error_text()
    assert dialog._server.hasFocus()  # the field to fix
    assert client.windows == []
    qtbot.waitUntil(lambda: not profile_dir.exists())  # the failed attempt's profile went too
    dialog._server.setText(windows.server.url)
    qtbot.keyClick(dialog._password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(client.windows) == 1, timeout=WAIT_MS)
    qtbot.addWidget(client.windows[0])


def test_a_silent_server_can_be_stopped_with_esc_and_esc_again_closes(
    qtbot: QtBot, windows: Windows, tmp_path: Path
) -> None:
    with socket.socket() as silent:  # accepts the connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"ws://127.0.0.1:{silent.getsockname()[1]}"
        dialog = windows.client.sign_in_dialog(url, "anna", tmp_path / "anna")
        qtbot.addWidget(dialog)
        dialog.show()
        sign_in_with(qtbot, dialog, DEMO_PASSWORD)
        assert dialog.busy and dialog._busy_label.isVisible()
        qtbot.keyClick(dialog._password, Qt.Key.Key_Escape)
        assert not dialog.busy and dialog.isVisible()
        assert "Stopped" in dialog.error_text()
        qtbot.keyClick(dialog._password, Qt.Key.Key_Escape)
        assert not dialog.isVisible()
        assert dialog.result() == SignInDialog.DialogCode.Rejected
        assert windows.client.windows == []


def test_too_many_wrong_passwords_count_down_before_the_next_try(
    qtbot: QtBot, windows: Windows, tmp_path: Path
) -> None:
    dialog = windows.client.sign_in_dialog(windows.server.url, "erik", tmp_path / "erik")
    qtbot.addWidget(dialog)
    dialog.show()
    for _ in range(8):  # the server locks the account after a few failures
        sign_in_with(qtbot, dialog, "wrong")
        qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
        if "Too many" in dialog.error_text():
            break
    assert "Too many failed sign-ins. Try again in" in dialog.error_text()
    assert not dialog.sign_in_button.isEnabled()
    shown = dialog.error_text()
    qtbot.waitUntil(lambda: dialog.error_text() != shown, timeout=3000)  # it counts down
    assert dialog.isVisible()


def test_describe_failure_in_words() -> None:
    throttled = describe_failure(
        SyncStatus(ConnState.SIGNED_OUT, error="too many failed sign-ins; try again in 12 s")
    )
    assert throttled is not None and throttled.wait == 12
    unreachable = describe_failure(
        SyncStatus(ConnState.OFFLINE, error="cannot reach ws://x/ws (connection refused)")
    )
    assert unreachable is not None and unreachable.field == "server"
    assert unreachable.text.startswith("Cannot reach ws://x/ws (connection refused).")
    assert describe_failure(SyncStatus(ConnState.CONNECTING)) is None


def test_second_start_uses_the_saved_session_without_a_dialog(
    qtbot: QtBot, windows: Windows, tmp_path: Path
) -> None:
    client, url = windows.client, windows.server.url
    profile_dir = tmp_path / "karin-profile"
    first = client.open_window(url, "karin", DEMO_PASSWORD, profile_dir)
    qtbot.addWidget(first)
    qtbot.waitUntil(lambda: first.engine.status.state == ConnState.ONLINE, timeout=WAIT_MS)
    first.close()
    # what `kmclient --server URL --user karin` does: no password, the profile's token
    again = client.sign_in(server=url, user="karin", profile_dir=profile_dir)
    assert again is not None
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.engine.status.state == ConnState.ONLINE, timeout=WAIT_MS)
    assert again.model.doc_count() > 0


def test_wrong_password_shows_signed_out_with_a_sign_in_button(
    qtbot: QtBot, windows: Windows, tmp_path: Path
) -> None:
    w = windows.client.open_window(windows.server.url, "erik", "not-the-password", tmp_path / "e")
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.status.state_name == "signed_out", timeout=WAIT_MS)
    assert w.status.action.text() == "Sign in…"
    assert w.status.action.isVisibleTo(w)
    qtbot.mouseClick(w.status.action, Qt.MouseButton.LeftButton)
    dialog = w.findChild(SignInDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog._user.text() == "erik" and dialog._user.isReadOnly()
    sign_in_with(qtbot, dialog, "still-wrong")
    qtbot.waitUntil(lambda: "Wrong user name or password" in dialog.error_text(), timeout=WAIT_MS)
    assert dialog.isVisible()
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):  # closes only on success
        sign_in_with(qtbot, dialog, DEMO_PASSWORD)
    qtbot.waitUntil(lambda: w.status.state_name == "online", timeout=WAIT_MS)
    assert not w.status.action.isVisibleTo(w)


def test_light_and_dark_palettes(qtbot: QtBot, windows: Windows) -> None:
    w = windows.open("anna")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    w._set_theme("dark")
    assert app.palette().color(QPalette.ColorRole.Base).name() == DARK.base
    assert w.settings.value("view/theme") == "dark"
    assert w.theme_actions["dark"].isChecked()
    w._set_theme("light")
    assert app.palette().color(QPalette.ColorRole.Base).name() == LIGHT.base


def test_demo_menu_opens_a_colleague_in_a_second_window(qtbot: QtBot, windows: Windows) -> None:
    w = windows.open("olle")
    w.new_window_menu.aboutToShow.emit()
    actions = [a for a in w.new_window_menu.actions() if a.text()]
    assert actions[0].text().startswith("sara — supervisor")  # the co-editing partner first
    assert any(a.text().startswith("anna — rep") for a in actions)
    actions[0].trigger()
    assert len(windows.client.windows) == 2
    second = windows.client.windows[1]
    qtbot.addWidget(second)
    qtbot.waitUntil(lambda: second.engine.status.state == ConnState.ONLINE, timeout=WAIT_MS)
    assert second.engine.user is not None and second.engine.user.name == "sara"
    assert second.engine.profile_dir != w.engine.profile_dir
    assert "demo" in windows.client.about_extra()  # the password is shown in About
