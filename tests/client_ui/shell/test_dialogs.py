"""Dialogs that are quick to use (issue 11, item 9): Enter in the flag dialog's note flags
(Shift+Enter makes a new line), and the keyboard list and topic lists have room to
read."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kmclient.ui.editing.new_doc_dialog import NewDocDialog
from kmclient.ui.shell.shortcuts import ShortcutsDialog
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS, Windows, press, type_text

DOC = "parking-residential-permit"


def test_enter_in_the_flag_note_flags_it(qtbot: QtBot, windows: Windows) -> None:
    anna = windows.open("anna")
    assert anna.open_doc(DOC)
    press(qtbot, anna, "Ctrl+Shift+F")
    dialog = anna.flag_actions.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.note.setFocus()
    type_text(dialog.note, "Avgiften är fel")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    type_text(dialog.note, "sedan maj")
    assert dialog.isVisible() and dialog.note.toPlainText() == "Avgiften är fel\nsedan maj"
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    flags = anna.engine.flags(DOC)
    assert len(flags) == 1 and flags[0].note == "Avgiften är fel\nsedan maj"


def test_the_keyboard_list_has_room_and_closes_with_esc(qtbot: QtBot, windows: Windows) -> None:
    olle = windows.open("olle")
    press(qtbot, olle, "F1")
    dialog = olle.findChild(ShortcutsDialog)
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    qtbot.waitUntil(lambda: dialog.rows[0][0].height() > 0, timeout=WAIT_MS)
    assert len(dialog.rows) >= 20
    area = dialog.screen().availableGeometry()
    assert area.contains(dialog.frameGeometry().topLeft()) and dialog.width() <= area.width()
    line = QFontMetrics(dialog.font()).height()
    for (key, text), (next_key, _next) in zip(dialog.rows, dialog.rows[1:], strict=False):
        gap = next_key.mapTo(dialog, next_key.rect().topLeft()).y() - (
            key.mapTo(dialog, key.rect().bottomLeft()).y()
        )
        assert gap >= 6, (key.text(), gap)  # air between the rows
        assert text.x() - (key.x() + key.width()) >= 16  # the keys stand apart
        assert text.height() >= line
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=WAIT_MS)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)


def test_topic_lists_have_room(qtbot: QtBot, windows: Windows) -> None:
    olle = windows.open("olle")
    press(qtbot, olle, "Ctrl+N")
    dialog = olle.findChild(NewDocDialog)
    assert dialog is not None and dialog.isVisible()
    topics = dialog.topics.list
    line = QFontMetrics(topics.font()).height()
    assert topics.sizeHintForRow(0) >= line + 8  # not rows pressed together
    shown = topics.viewport().height() // (topics.sizeHintForRow(0) + 2 * topics.spacing())
    assert shown >= min(topics.count(), 4)
    dialog.reject()
