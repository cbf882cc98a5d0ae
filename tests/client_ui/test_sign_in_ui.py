"""A real server without the demo menu: the sign-in dialog, the saved session, themes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kmclient.core.model import ConnState
from kmclient.demo import DEMO_PASSWORD
from kmclient.ui.sign_in_dialog import SignInDialog
from kmclient.ui.theme import DARK, LIGHT
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS, Windows


def test_dialog_checks_what_it_can_before_asking_the_server(qtbot: QtBot) -> None:
    dialog = SignInDialog(server="kb.example.org:8765", user="anna")
    qtbot.addWidget(dialog)
    dialog._on_accept()  # no password yet
    assert dialog.result() != SignInDialog.DialogCode.Accepted
    assert "password" in dialog._error.text()
    dialog._password.setText("secret")
    dialog._on_accept()
    assert dialog.result() == SignInDialog.DialogCode.Accepted
    assert (dialog.server(), dialog.user(), dialog.password()) == (
        "ws://kb.example.org:8765",
        "anna",
        "secret",
    )


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
    w.engine.sign_in(DEMO_PASSWORD)  # what the dialog behind the button does
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
