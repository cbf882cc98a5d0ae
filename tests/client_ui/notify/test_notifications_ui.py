"""The notification centre, pop-ups, "on a call" quiet mode and the summary after
signing in, through real windows and the real server (flags make notifications:
the owner is told of a new flag, the raiser of its state)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kmclient.ui.shell.window import MainWindow
from tests.client_ui.feedback.test_flags_ui import DOC, PASSAGE, flag_passage, press
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS, Windows


def bold_rows(w: MainWindow) -> int:
    centre = w.notify.centre
    assert centre is not None
    return sum(centre.list.item(i).font().bold() for i in range(centre.list.count()))


def test_bell_count_popup_centre_and_mark_read(qtbot: QtBot, windows: Windows) -> None:
    anna, olle = windows.open("anna"), windows.open("olle")
    assert olle.notify.bell.count == 0 and olle.notify.bell.text() == ""
    flag_passage(qtbot, anna, "outdated", "first")
    qtbot.waitUntil(lambda: olle.notify.bell.count == 1, timeout=WAIT_MS)
    assert olle.notify.bell.text() == "1"
    # A pop-up, never a dialog: the in-window card (no system tray offscreen).
    qtbot.waitUntil(lambda: len(olle.notify.popups.shown) == 1, timeout=WAIT_MS)
    title, body = olle.notify.popups.shown[0]
    assert title == "Residential parking permit" and "anna" in body
    assert olle.notify.popups.toast.isVisible()
    assert olle.notify.popups.toast.focusPolicy() == Qt.FocusPolicy.NoFocus
    # The centre: newest first, unread bold; a click opens the document and marks it read.
    olle.open_doc("parking-towed-vehicle")
    press(qtbot, olle, "Ctrl+Shift+N")
    centre = olle.notify.centre
    assert centre is not None and centre.isVisible() and not centre.isModal()
    assert centre.list.count() == 1 and bold_rows(olle) == 1
    item = centre.list.item(0)
    rect = centre.list.visualItemRect(item)
    qtbot.mouseClick(centre.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert olle.doc_view.doc_id == DOC
    assert olle.doc_view.reader.textCursor().selectedText() == PASSAGE  # the flag's passage
    qtbot.waitUntil(lambda: olle.notify.bell.count == 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bold_rows(olle) == 0, timeout=WAIT_MS)
    # Two more; Mark all read clears the count (on the server too: the read mark is saved).
    flag_passage(qtbot, anna, "unclear", "second")
    flag_passage(qtbot, anna, "incorrect", "third")
    qtbot.waitUntil(lambda: olle.notify.bell.count == 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: centre.list.count() == 3, timeout=WAIT_MS)
    assert "third" in centre.list.item(0).text() or bold_rows(olle) == 2
    assert centre.mark_all.isEnabled()
    qtbot.mouseClick(centre.mark_all, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: olle.notify.bell.count == 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: olle.engine.pending_requests == 0, timeout=WAIT_MS)
    assert bold_rows(olle) == 0 and not centre.mark_all.isEnabled()


def test_quiet_mode_holds_popups_and_sums_up(qtbot: QtBot, windows: Windows) -> None:
    anna, olle = windows.open("anna"), windows.open("olle")
    press(qtbot, olle, "Ctrl+Shift+Q")
    assert olle.engine.quiet and olle.notify.quiet_button.isChecked()
    flag_passage(qtbot, anna, "outdated", "during the call")
    qtbot.waitUntil(lambda: olle.notify.bell.count == 1, timeout=WAIT_MS)  # centre current
    assert olle.notify.popups.shown == []
    assert not olle.notify.popups.toast.isVisible()
    qtbot.mouseClick(olle.notify.quiet_button, Qt.MouseButton.LeftButton)  # call over
    assert not olle.engine.quiet and not olle.notify.quiet_action.isChecked()
    qtbot.waitUntil(lambda: len(olle.notify.popups.shown) == 1, timeout=WAIT_MS)
    assert olle.notify.popups.shown[0][0] == "1 notification during your call"


def test_since_you_last_signed_in(qtbot: QtBot, windows: Windows) -> None:
    anna, olle = windows.open("anna"), windows.open("olle")
    assert olle.attention.since is None  # a first sign-in: nothing to sum up
    olle.close()
    flag_passage(qtbot, anna, "outdated", "while olle was away")
    qtbot.waitUntil(lambda: anna.engine.pending_requests == 0, timeout=WAIT_MS)
    olle = windows.open("olle")
    qtbot.waitUntil(
        lambda: olle.attention.since is not None and olle.attention.since.isVisible(),
        timeout=WAIT_MS,
    )
    since = olle.attention.since
    assert since.counts["notifications"] == 1
    assert "1 notification" in since.tree.topLevelItem(since.tree.topLevelItemCount() - 1).text(0)
    assert olle.notify.popups.shown == []  # summed up, not popped up one by one
    assert olle.notify.bell.count == 1
