"""Comments beside the document (threads, replies, resolve/reopen, a passage, @mentions)
and private notes (only their author has them), through real windows and the server."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kmclient.ui.shell.window import MainWindow
from tests.client_ui.feedback.test_flags_ui import DOC, PASSAGE, press, select_in_reader
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS, Windows, type_text


def thread_texts(w: MainWindow) -> list[str]:
    tree = w.side.comments.tree
    return [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]


def click(qtbot: QtBot, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def test_comment_thread_reply_mention_resolve(qtbot: QtBot, windows: Windows) -> None:
    anna, olle = windows.open("anna"), windows.open("olle")
    assert anna.open_doc(DOC) and olle.open_doc(DOC)
    select_in_reader(anna, PASSAGE)
    press(qtbot, anna, "Ctrl+Shift+M")
    panel = anna.side.comments
    assert anna.side.tabs.isVisible() and QApplication.focusWidget() is panel.box
    assert panel.empty.isVisibleTo(panel)
    type_text(panel.box, "@olle Gäller detta fortfarande?")
    click(qtbot, panel.comment)
    qtbot.waitUntil(lambda: len(thread_texts(anna)) == 1, timeout=WAIT_MS)
    assert panel.box.toPlainText() == ""
    assert f"On “{PASSAGE}”" in thread_texts(anna)[0]
    # olle: the mention notifies him; his panel shows the thread; a click selects the passage.
    qtbot.waitUntil(
        lambda: any(n.event == "mention" for n in olle.engine.notifications()), timeout=WAIT_MS
    )
    qtbot.waitUntil(lambda: olle.notify.bell.count >= 1, timeout=WAIT_MS)
    # His notification opens the comments beside the document, the thread chosen.
    olle.open_doc("parking-towed-vehicle")
    centre = olle.notify.show_centre()
    row = next(
        i for i in range(centre.list.count()) if "mention" in centre.list.item(i).text().lower()
    )
    rect = centre.list.visualItemRect(centre.list.item(row))
    qtbot.mouseClick(centre.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert olle.doc_view.doc_id == DOC and olle.side.tabs.isVisible()
    theirs = olle.side.comments
    assert theirs.current_thread_id() is not None
    qtbot.waitUntil(lambda: len(thread_texts(olle)) == 1, timeout=WAIT_MS)
    assert "Gäller detta fortfarande?" in thread_texts(olle)[0]
    assert olle.side.tabs.tabText(0) == "Comments (1)"
    item = theirs.tree.topLevelItem(0)
    theirs.tree.setCurrentItem(item)
    rect = theirs.tree.visualItemRect(item)
    qtbot.mouseClick(theirs.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert olle.doc_view.reader.textCursor().selectedText() == PASSAGE
    type_text(theirs.box, "Ja, det stämmer.")
    click(qtbot, theirs.reply)
    # anna sees the reply under her thread, then resolves it.
    qtbot.waitUntil(lambda: panel.tree.topLevelItem(0).childCount() == 1, timeout=WAIT_MS)
    assert "Ja, det stämmer." in panel.tree.topLevelItem(0).child(0).text(0)
    panel.tree.setCurrentItem(panel.tree.topLevelItem(0))
    assert panel.resolve.text() == "Resol&ve"
    click(qtbot, panel.resolve)
    qtbot.waitUntil(lambda: thread_texts(olle) == [], timeout=WAIT_MS)  # hidden when resolved
    panel.show_resolved.setChecked(True)
    qtbot.waitUntil(lambda: len(thread_texts(anna)) == 1, timeout=WAIT_MS)
    assert "resolved by anna" in thread_texts(anna)[0]
    panel.tree.setCurrentItem(panel.tree.topLevelItem(0))
    assert panel.resolve.text() == "Reo&pen"
    click(qtbot, panel.resolve)
    qtbot.waitUntil(lambda: len(thread_texts(olle)) == 1, timeout=WAIT_MS)
    press(qtbot, anna, "Ctrl+Shift+M")  # again: hides the panel
    assert not anna.side.tabs.isVisible()


def test_private_notes_are_only_their_authors(qtbot: QtBot, windows: Windows) -> None:
    anna, olle = windows.open("anna"), windows.open("olle")
    assert anna.open_doc(DOC) and olle.open_doc(DOC)
    select_in_reader(anna, PASSAGE)
    press(qtbot, anna, "Ctrl+Shift+O")
    notes = anna.side.notes
    assert anna.side.tabs.currentWidget() is notes
    type_text(notes.box, "Säg: ingen lapp i rutan")
    click(qtbot, notes.add)
    qtbot.waitUntil(lambda: notes.list.count() == 1, timeout=WAIT_MS)
    assert "not sent yet" in notes.list.item(0).text() or anna.engine.pending_requests == 0
    qtbot.waitUntil(lambda: anna.engine.pending_requests == 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "not sent yet" not in notes.list.item(0).text(), timeout=WAIT_MS)
    assert f"On “{PASSAGE}”" in notes.list.item(0).text()
    assert anna.side.tabs.tabText(1) == "My notes (1)"
    # olle reads the same document: no note of anna's reaches him.
    press(qtbot, olle, "Ctrl+Shift+O")
    assert olle.side.notes.list.count() == 0 and olle.engine.notes() == []
    # Edit and delete.
    item = notes.list.item(0)
    notes.list.setCurrentItem(item)
    rect = notes.list.visualItemRect(item)
    qtbot.mouseClick(notes.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert notes.box.toPlainText() == "Säg: ingen lapp i rutan"
    assert anna.doc_view.reader.textCursor().selectedText() == PASSAGE
    notes.box.selectAll()
    type_text(notes.box, "Digitalt tillstånd")
    click(qtbot, notes.save)
    qtbot.waitUntil(lambda: notes.list.item(0).text().startswith("Digitalt"), timeout=WAIT_MS)
    click(qtbot, notes.delete)
    qtbot.waitUntil(lambda: notes.list.count() == 0, timeout=WAIT_MS)
    assert olle.engine.notes() == []
