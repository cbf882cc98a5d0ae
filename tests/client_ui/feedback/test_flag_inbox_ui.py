"""The flag life cycle through three real windows: a rep flags a passage, the owner's
inbox shows it and opens it at the passage, the owner resolves it with a note, the
rep is told and the banner goes for everyone; acknowledging, dismissing, a vanished
passage, and the supervisors' report."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kmclient.ui.feedback.flag_inbox import FLAG_ID_ROLE, FlagInbox
from kmclient.ui.shell.window import MainWindow
from tests.client_ui.feedback.test_flags_ui import DOC, PASSAGE, flag_passage, press
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS, Windows, type_text


def inbox_of(qtbot: QtBot, w: MainWindow) -> FlagInbox:
    press(qtbot, w, "Ctrl+Shift+I")
    inbox = w.flag_actions.inbox
    assert inbox is not None and inbox.isVisible()
    return inbox


def click_row(qtbot: QtBot, inbox: FlagInbox, row: int) -> None:
    item = inbox.list.item(row)
    rect = inbox.list.visualItemRect(item)
    qtbot.mouseClick(inbox.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_flag_life_cycle_rep_owner_supervisor(qtbot: QtBot, windows: Windows) -> None:
    anna, olle, sara = windows.open("anna"), windows.open("olle"), windows.open("sara")
    assert sara.open_doc(DOC)
    assert olle.flag_actions.inbox_button.text() == "No flags"
    flag_passage(qtbot, anna, "outdated", "Avgiften höjdes i maj")
    # The owner: the status bar count, then the inbox (Ctrl+Shift+I) lists it.
    qtbot.waitUntil(lambda: olle.flag_actions.inbox_button.text() == "1 flag", timeout=WAIT_MS)
    inbox = inbox_of(qtbot, olle)
    assert inbox.list.count() == 1
    row = inbox.list.item(0).text()
    assert "Residential parking permit" in row and "outdated · anna" in row
    assert "Avgiften höjdes i maj" in row
    assert "Passage:" in inbox.detail.text() and PASSAGE in inbox.detail.text()
    # One click: the document opens with the flagged passage selected.
    click_row(qtbot, inbox, 0)
    qtbot.waitUntil(lambda: olle.doc_view.doc_id == DOC, timeout=WAIT_MS)
    assert olle.doc_view.reader.textCursor().selectedText() == PASSAGE
    # Resolve needs a note; then the flag closes.
    assert not inbox.resolve.isEnabled()
    type_text(inbox.note, "Ny avgift införd")
    assert inbox.resolve.isEnabled()
    qtbot.mouseClick(inbox.resolve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: inbox.list.count() == 0, timeout=WAIT_MS)
    assert inbox.empty.isVisibleTo(inbox)
    # The raiser is told, with the resolution; the banner is gone for every reader.
    qtbot.waitUntil(
        lambda: any(n.event == "flag_state" for n in anna.engine.notifications()),
        timeout=WAIT_MS,
    )
    told = next(n for n in anna.engine.notifications() if n.event == "flag_state")
    assert told.doc_id == DOC
    for w in (anna, olle, sara):
        qtbot.waitUntil(lambda w=w: not w.flag_actions.banner.isVisibleTo(w), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: olle.flag_actions.inbox_button.text() == "No flags", timeout=WAIT_MS)
    # The supervisor's report: the flag, resolved, with its time to resolve.
    report = inbox_of(qtbot, sara)
    assert report.tabs.count() == 3  # my documents, review due, all flags
    qtbot.waitUntil(lambda: report.report.rowCount() == 1, timeout=WAIT_MS)
    assert report.report.item(0, 3).text() == "resolved"
    assert report.report.item(0, 6).text() != "–"
    assert "1 resolved" in report.report_summary.text()


def test_acknowledge_then_dismiss_and_reps_have_no_inbox(qtbot: QtBot, windows: Windows) -> None:
    anna, olle = windows.open("anna"), windows.open("olle")
    assert not anna.flag_actions.inbox_button.isVisibleTo(anna)
    assert not anna.flag_actions.show_inbox_action.isEnabled()
    flag_passage(qtbot, anna, "unclear", "")
    qtbot.waitUntil(lambda: olle.flag_actions.inbox_button.text() == "1 flag", timeout=WAIT_MS)
    qtbot.mouseClick(olle.flag_actions.inbox_button, Qt.MouseButton.LeftButton)
    inbox = olle.flag_actions.inbox
    assert inbox is not None
    qtbot.mouseClick(inbox.acknowledge, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "acknowledged" in inbox.list.item(0).text(), timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: "the owner is on it" in anna.flag_actions.banner.label.text(), timeout=WAIT_MS
    )
    assert not inbox.acknowledge.isEnabled()
    type_text(inbox.note, "Texten är tydlig")
    qtbot.mouseClick(inbox.dismiss, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: inbox.list.count() == 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not anna.flag_actions.banner.isVisibleTo(anna), timeout=WAIT_MS)
    flag = anna.engine.flags(DOC)[0]
    assert (flag.state, flag.state_note) == ("dismissed", "Texten är tydlig")


def test_a_passage_that_is_gone_shows_its_quote(qtbot: QtBot, windows: Windows) -> None:
    anna, olle = windows.open("anna"), windows.open("olle")
    flag_passage(qtbot, anna, "outdated", "")
    qtbot.waitUntil(lambda: olle.flag_actions.inbox_button.text() == "1 flag", timeout=WAIT_MS)
    # The owner rewrites the passage before looking at the flag.
    assert olle.open_doc(DOC)
    olle.doc_view.set_editing(True)
    editor = olle.doc_view.editor
    found = editor.document().find(PASSAGE)
    assert not found.isNull()
    editor.setTextCursor(found)
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    inbox = inbox_of(qtbot, olle)
    qtbot.waitUntil(lambda: "passage is gone" in inbox.detail.text(), timeout=WAIT_MS)
    assert PASSAGE in inbox.detail.text()
    assert inbox.list.item(0).data(FLAG_ID_ROLE) == olle.engine.flag_inbox()[0].id
    inbox.open_current()
    assert "passage is gone" in olle.doc_view.header.notice.text()


def test_review_due_lists_what_an_owner_answers_for(qtbot: QtBot, windows: Windows) -> None:
    """The demo's documents were verified when it started: move the review-by date of one
    of olle's into the past, as time would, and it is listed, opened and verified."""
    olle = windows.open("olle")
    inbox = inbox_of(qtbot, olle)
    page = inbox.review_due
    assert page.list.count() == 0 and not page.empty.isHidden()
    info = olle.engine.doc(DOC)
    overdue = replace(info, review_due="2026-01-01T00:00:00+00:00")
    olle.engine.replica.put_meta(overdue)  # what the server says once the date has passed
    olle.engine.replica.commit()
    qtbot.waitUntil(lambda: page.list.count() == 1, timeout=WAIT_MS)
    assert page.list.item(0).text().startswith("▲ ")
    assert "review overdue since 1 Jan 2026" in page.list.item(0).text()
    with qtbot.waitSignal(inbox.openDoc, timeout=WAIT_MS):
        page.open.click()
    assert olle.doc_view.doc_id == DOC
    page.verify.click()
    qtbot.waitUntil(lambda: olle.engine.doc(DOC).review_due != overdue.review_due, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: page.list.count() == 0, timeout=WAIT_MS)
