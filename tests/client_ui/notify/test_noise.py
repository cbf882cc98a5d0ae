"""Notifications that say what a reader needs (issue 11, item 8): no pop-up about the
document one is working in ("sara is editing X" over olle editing X), no counts of
keystrokes ("(38 changes)"), and a new version said with its note and the sections it
changed."""

from __future__ import annotations

import re

from pytestqt.qtbot import QtBot

from kmclient.core.offsets import utf16_len
from kmclient.ui.shell.window import MainWindow
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS, Windows, type_text

DOC = "parking-residential-permit"  # owner olle: told of every edit; anna (rep) reads it
TITLE = "Residential parking permit"


def type_after(w: MainWindow, words: str, text: str) -> None:
    view = w.doc_view
    if not view.editing:
        view.set_editing(True)
    source = view.text() or ""
    cursor = view.editor.textCursor()
    cursor.setPosition(utf16_len(source[: source.index(words) + len(words)]))
    view.editor.setTextCursor(cursor)
    type_text(view.editor, text)


def edits_of(w: MainWindow) -> list:
    return [n for n in w.engine.notifications() if n.event == "edit" and n.doc_id == DOC]


def test_no_popup_about_the_document_one_is_editing(qtbot: QtBot, windows: Windows) -> None:
    olle, sara = windows.open("olle"), windows.open("sara")
    assert olle.open_doc(DOC)
    olle.doc_view.set_editing(True)
    assert sara.open_doc(DOC)
    type_after(sara, "Paying for a full year", " (12 months)")
    qtbot.waitUntil(lambda: bool(edits_of(olle)), timeout=WAIT_MS)
    assert not any(TITLE in title for title, _body in olle.notify.popups.shown)
    assert not olle.notify.popups.toast.isVisible()
    # The centre still has it, said without a count of keystrokes.
    centre = olle.notify.show_centre()
    rows = [centre.list.item(i).text() for i in range(centre.list.count())]
    assert any(f"sara is editing {TITLE}" in row for row in rows), rows
    assert not any(re.search(r"\(\d+ changes?\)", row) for row in rows)


def test_a_new_version_is_said_with_its_note_and_what_it_changed(
    qtbot: QtBot, windows: Windows
) -> None:
    anna, sara = windows.open("anna"), windows.open("sara")
    assert anna.open_doc("parking-towed-vehicle")  # reading something else
    assert sara.open_doc(DOC)
    type_after(sara, "Paying for a full year gives one month free.", " Students pay half.")
    qtbot.waitUntil(lambda: "Students" in (sara.engine.text(DOC) or ""), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: sara.engine.status.unconfirmed == 0, timeout=WAIT_MS)
    sara.engine.publish(DOC, "Students pay half")
    qtbot.waitUntil(
        lambda: any(TITLE in title for title, _b in anna.notify.popups.shown), timeout=WAIT_MS
    )
    body = next(b for t, b in anna.notify.popups.shown if TITLE in t)
    assert body.startswith(f"New version of {TITLE}: Students pay half")
    assert "changed: Fees" in body
    assert "sara published" not in body and not re.search(r"\d+ changes", body)
    # Reading it: a pop-up about the open document would cover what the notice says.
    assert anna.open_doc(DOC)
    count = len(anna.notify.popups.shown)
    type_after(sara, "Students pay half.", " Pensioners too.")
    qtbot.waitUntil(lambda: sara.engine.status.unconfirmed == 0, timeout=WAIT_MS)
    sara.engine.publish(DOC, "Pensioners too")
    qtbot.waitUntil(lambda: "Pensioners" in (anna.engine.text(DOC) or ""), timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: sum(n.event == "published" for n in anna.engine.notifications()) == 2,
        timeout=WAIT_MS,
    )
    assert len(anna.notify.popups.shown) == count
    assert "Pensioners too" in anna.doc_view.header.notice_text
