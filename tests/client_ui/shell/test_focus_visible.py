"""Keyboard use: the button that has the focus looks different from the others.

The styled buttons (scope, must-read strip, broadcast bar, header) draw their own
borders, which leaves no focus frame unless the style sheet gives one."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication
from pytestqt.qtbot import QtBot

from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import Windows

DOC = "parking-residential-permit"


@pytest.mark.parametrize("user", ["anna", "olle"])  # a rep; an owner, who also edits
def test_every_button_reached_by_tab_shows_that_it_has_the_focus(
    qtbot: QtBot, windows: Windows, user: str
) -> None:
    w = windows.open(user)
    w.activateWindow()
    assert w.open_doc(DOC)
    buttons = [
        b
        for b in w.findChildren(QAbstractButton)
        if b.isVisibleTo(w)
        and b.isEnabled()
        and b.focusPolicy() & Qt.FocusPolicy.TabFocus
        and b.window() is w
    ]
    assert len(buttons) >= 8
    unseen = []
    for button in buttons:
        w.doc_view.reader.setFocus()
        QApplication.processEvents()
        before = button.grab().toImage()
        button.setFocus(Qt.FocusReason.TabFocusReason)
        QApplication.processEvents()
        assert button.hasFocus()
        if button.grab().toImage() == before:
            unseen.append(button.objectName() or button.text())
    assert unseen == [], [b.objectName() or b.text() for b in buttons]
