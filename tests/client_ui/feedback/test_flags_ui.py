"""Flagging through the real windows and server: the dialog (two clicks, a selected
passage, offline), the banner every reader sees, and the search results' marker."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kmclient.ui.feedback.flag_dialog import FlagDialog
from kmclient.ui.library.search_panel import FLAG_ROLE
from kmclient.ui.shell.window import MainWindow
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import (
    WAIT_MS,
    Windows,
    press,
    select_in_reader,
    type_text,
)

DOC = "parking-residential-permit"  # olle owns it; anna (rep, parking) reads it
PASSAGE = "The permit is digital"


def flag_passage(qtbot: QtBot, w: MainWindow, reason: str, note: str) -> FlagDialog:
    """Select PASSAGE, Ctrl+Shift+F, choose a reason, type a note, Enter."""
    assert w.open_doc(DOC)
    select_in_reader(w, PASSAGE)
    w.doc_view.reader.setFocus()
    press(qtbot, w, "Ctrl+Shift+F")
    dialog = w.flag_actions.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.set_reason(reason)
    type_text(dialog.note, note)
    qtbot.keyClick(dialog.urgency, Qt.Key.Key_Return)  # Enter is the Flag button
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    return dialog


def test_a_rep_flags_a_passage_and_every_reader_sees_the_banner(
    qtbot: QtBot, windows: Windows
) -> None:
    anna, olle = windows.open("anna"), windows.open("olle")
    assert olle.open_doc(DOC)
    assert not olle.flag_actions.banner.isVisibleTo(olle)
    dialog = flag_passage(qtbot, anna, "outdated", "Avgiften är 900 kr nu")
    assert dialog.passage is not None
    # The flag names exactly the selected characters of the Markdown source.
    flag = anna.engine.flags(DOC)[0]
    start, end = anna.engine.resolve_anchor(flag) or (0, 0)
    assert anna.engine.text(DOC)[start:end] == PASSAGE
    banner = anna.flag_actions.banner
    assert banner.isVisibleTo(anna)
    assert banner.label.text().startswith("Flagged as outdated by anna just now")
    assert "Avgiften är 900 kr nu" in banner.label.text()
    # Every reader: the owner's open document shows it as soon as it arrives.
    qtbot.waitUntil(lambda: olle.flag_actions.banner.isVisibleTo(olle), timeout=WAIT_MS)
    assert "outdated by anna" in olle.flag_actions.banner.label.text()
    qtbot.waitUntil(lambda: anna.engine.pending_requests == 0, timeout=WAIT_MS)
    assert "not sent yet" not in banner.label.text()


def test_two_clicks_from_the_header_and_the_search_marker(qtbot: QtBot, windows: Windows) -> None:
    anna = windows.open("anna", indexed=True)
    assert anna.open_doc(DOC)
    qtbot.mouseClick(anna.doc_view.header.flag, Qt.MouseButton.LeftButton)
    dialog = anna.flag_actions.dialog
    assert dialog is not None and dialog.passage is None  # nothing selected: the document
    ok = dialog.buttons.buttons()[0]
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)  # reason "outdated" is preselected
    qtbot.waitUntil(lambda: anna.flag_actions.banner.isVisibleTo(anna), timeout=WAIT_MS)
    anna.focus_search()
    type_text(anna.sidebar.search_box, "residential parking")
    model = anna.search.model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=WAIT_MS)
    rows = {
        model.index(i).data(Qt.ItemDataRole.UserRole).result.doc_id: i
        for i in range(model.rowCount())
    }
    assert DOC in rows
    assert "flagged as outdated by anna" in model.index(rows[DOC]).data(FLAG_ROLE)
    others = [i for d, i in rows.items() if d != DOC]
    assert all(model.index(i).data(FLAG_ROLE) is None for i in others)


def test_flagging_offline_shows_pending_and_sends_later(qtbot: QtBot, windows: Windows) -> None:
    anna = windows.open("anna")
    windows.server.stop()
    qtbot.waitUntil(lambda: anna.status.state_name == "offline", timeout=WAIT_MS)
    flag_passage(qtbot, anna, "incorrect", "wrong zone")
    banner = anna.flag_actions.banner
    assert "not sent yet" in banner.label.text()
    assert anna.doc_view.header.notice.text() == "Flagged: sent when online"
