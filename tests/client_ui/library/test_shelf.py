"""Pins and recently viewed documents, reachable from the keyboard: Ctrl+D pins, Ctrl+1…9
open pins, Alt+Left/Right walk back and forward, and the sidebar's "Pinned" and
"Recently viewed" groups are rows like any other (arrows, Enter)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kmclient.ui.library.doc_tree_model import KIND_ROLE, PINNED, RECENT, TOPIC_ROLE
from kmclient.ui.shell.window import MainWindow
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS, Windows, press

A, B, C = "parking-residential-permit", "parking-towed-vehicle", "waste-bulky-items"
ELSEWHERE = "school-choice"  # not in anna's topics


def shelf_group(w: MainWindow, name: str) -> list[str]:
    model = w.model
    for row in range(model.rowCount()):
        group = model.index(row, 0)
        if group.data(TOPIC_ROLE) == name:
            assert group.data(KIND_ROLE) == "shelf"
            return [model.doc_id(model.index(r, 0, group)) for r in range(model.rowCount(group))]
    return []


def test_pins_recent_and_back_forward_from_the_keyboard(
    qtbot: QtBot,
    qtmodeltester,
    windows: Windows,  # type: ignore[no-untyped-def]
) -> None:
    anna = windows.open("anna")
    for doc_id in (A, B, C):
        assert anna.open_doc(doc_id)
    assert shelf_group(anna, RECENT) == [C, B, A]
    qtmodeltester.check(anna.model)
    assert shelf_group(anna, PINNED) == []
    press(qtbot, anna, "Ctrl+D")  # pins C, the open document
    assert shelf_group(anna, PINNED) == [C]
    assert anna.shelf_actions.pin_action.isChecked()
    assert anna.doc_view.header.notice_text.startswith("Pinned")
    assert anna.open_doc(A)
    press(qtbot, anna, "Ctrl+D")
    assert shelf_group(anna, PINNED) == [C, A]
    assert anna.open_doc(B)
    press(qtbot, anna, "Ctrl+1")
    assert anna.doc_view.doc_id == C
    press(qtbot, anna, "Ctrl+2")
    assert anna.doc_view.doc_id == A
    # Back and forward walk what was opened in this window.
    press(qtbot, anna, "Alt+Left")
    assert anna.doc_view.doc_id == C
    press(qtbot, anna, "Alt+Left")
    assert anna.doc_view.doc_id == B
    press(qtbot, anna, "Alt+Right")
    assert anna.doc_view.doc_id == C
    # The sidebar: the first rows are the shelf, reached with arrows, opened with Enter.
    anna.tree.setFocus()
    anna.tree.setCurrentIndex(anna.model.index(0, 0))
    assert anna.tree.currentIndex().data() == "Pinned"
    qtbot.keyClick(anna.tree, Qt.Key.Key_Down)
    qtbot.keyClick(anna.tree, Qt.Key.Key_Down)  # the second pin: A
    qtbot.keyClick(anna.tree, Qt.Key.Key_Return)
    assert anna.doc_view.doc_id == A
    assert anna.tree.currentIndex().parent().data(TOPIC_ROLE) == PINNED  # stays on the shelf
    # Unpin from the menu's key again.
    press(qtbot, anna, "Ctrl+D")
    assert shelf_group(anna, PINNED) == [C]
    qtmodeltester.check(anna.model)


def test_a_pin_outside_ones_topics_stays_and_pins_survive_a_restart(
    qtbot: QtBot, windows: Windows
) -> None:
    anna = windows.open("anna")
    anna.set_all_topics(True)
    assert anna.open_doc(ELSEWHERE)
    anna.shelf_actions.set_pinned(True)
    anna.set_all_topics(False)  # back to her topics: the pin stays on the shelf
    assert shelf_group(anna, PINNED) == [ELSEWHERE]
    assert not anna.model.contains(ELSEWHERE)
    anna.close()
    again = windows.open("anna")
    qtbot.waitUntil(lambda: shelf_group(again, PINNED) == [ELSEWHERE], timeout=WAIT_MS)
    assert shelf_group(again, RECENT)[:1] == [ELSEWHERE]
    press(qtbot, again, "Ctrl+1")
    assert again.doc_view.doc_id == ELSEWHERE


def test_the_clicked_row_stays_selected_when_the_shelf_appears_above_it(
    qtbot: QtBot,
    windows: Windows,  # type: ignore[no-untyped-def]
) -> None:
    """The first document opened puts "Recently viewed" above the topics: the selection
    moves down with the clicked row instead of staying on the row now in its place."""
    anna = windows.open("anna")
    tree, model = anna.tree, anna.model
    assert shelf_group(anna, RECENT) == []
    index = next(i for i in model.indexes_of(A) if i.parent().data(KIND_ROLE) == "topic")
    tree.scrollTo(index)
    qtbot.mouseClick(
        tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualRect(index).center()
    )
    qtbot.waitUntil(lambda: anna.doc_view.doc_id == A, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: shelf_group(anna, RECENT) == [A], timeout=WAIT_MS)
    selected = [model.doc_id(i) for i in tree.selectionModel().selectedIndexes()]
    assert model.doc_id(tree.currentIndex()) == A
    assert selected == [A]
