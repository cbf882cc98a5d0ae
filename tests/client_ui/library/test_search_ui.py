"""Search as you type, keyboard navigation, opening a hit, the topic scope: real windows,
real engines, the real demo server and its sample knowledge base."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QTextEdit
from pytestqt.qtbot import QtBot

from kmclient.core.search_text import fold
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS, Windows, type_text


def test_search_as_you_type_then_open_the_top_hit_with_enter(
    qtbot: QtBot, windows: Windows
) -> None:
    w = windows.open("anna", indexed=True)
    box = w.sidebar.search_box
    qtbot.keyClicks(box, "parking permit")
    qtbot.waitUntil(lambda: w.search.model.rowCount() >= 2, timeout=WAIT_MS)
    assert w.sidebar.showing_results()
    hits = w.search.model.hits
    # anna's topics first: parking permits, with the matched words marked in the snippet
    assert hits[0].result.doc_id in {"parking-residential-permit", "parking-disabled-permit"}
    assert not hits[0].outside
    assert any(is_hit for _, is_hit in hits[0].result.snippet)
    top = hits[0].result.doc_id
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.doc_view.doc_id == top, timeout=WAIT_MS)
    assert w.doc_view.header.title.text() == hits[0].result.title
    assert "parking" in (w.doc_view.reader.toPlainText().casefold())


def test_arrow_keys_move_through_results_from_the_box(qtbot: QtBot, windows: Windows) -> None:
    w = windows.open("anna", indexed=True)
    box = w.sidebar.search_box
    qtbot.keyClicks(box, "avgift")
    qtbot.waitUntil(lambda: w.search.model.rowCount() >= 3, timeout=WAIT_MS)
    assert w.search.list.currentIndex().row() == 0
    qtbot.keyClick(box, Qt.Key.Key_Down)
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert w.search.list.currentIndex().row() == 2
    qtbot.keyClick(box, Qt.Key.Key_Up)
    second = w.search.model.hits[1].result.doc_id
    qtbot.keyClick(box, Qt.Key.Key_Enter)
    qtbot.waitUntil(lambda: w.doc_view.doc_id == second, timeout=WAIT_MS)
    # Escape clears the query and brings the topic tree back
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert box.text() == ""
    assert not w.sidebar.showing_results()


def test_swedish_query_typed_key_by_key(qtbot: QtBot, windows: Windows) -> None:
    w = windows.open("anna", indexed=True)
    box = w.sidebar.search_box
    box.setFocus()
    type_text(box, "överklaga")
    assert box.text() == "överklaga"
    qtbot.waitUntil(lambda: w.search.model.rowCount() > 0, timeout=WAIT_MS)
    assert w.search.model.hits[0].result.doc_id == "overklaga-parkeringsbot"


def test_ctrl_k_and_ctrl_f_focus_the_search_box(qtbot: QtBot, windows: Windows) -> None:
    w = windows.open("anna")
    w.activateWindow()
    qtbot.waitExposed(w)
    w.tree.setFocus()
    for key in (Qt.Key.Key_K, Qt.Key.Key_F):
        w.tree.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is w.tree, timeout=WAIT_MS)
        qtbot.keyClick(w.tree, key, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is w.sidebar.search_box, timeout=WAIT_MS)


def test_relevance_filter_and_hits_outside_my_topics(qtbot: QtBot, windows: Windows) -> None:
    w = windows.open("erik", indexed=True)  # rep: school, elderly care
    assert set(w.model.topics()) == {"school", "elderly-care"}
    mine = w.model.doc_count()
    qtbot.mouseClick(w.sidebar.scope.all, Qt.MouseButton.LeftButton)
    assert w.model.all_topics
    assert {"parking", "waste", "general"} <= set(w.model.topics())
    assert w.model.doc_count() > mine
    qtbot.mouseClick(w.sidebar.scope.mine, Qt.MouseButton.LeftButton)
    assert not w.model.all_topics and w.model.doc_count() == mine
    # A parking question still finds the parking article, marked as outside erik's topics.
    qtbot.keyClicks(w.sidebar.search_box, "towed")
    qtbot.waitUntil(lambda: w.search.model.rowCount() > 0, timeout=WAIT_MS)
    outside = [h for h in w.search.model.hits if h.result.doc_id == "parking-towed-vehicle"]
    assert outside and outside[0].outside


def test_rep_never_sees_internal_or_draft_documents(qtbot: QtBot, windows: Windows) -> None:
    w = windows.open("anna", indexed=True)
    w.set_all_topics(True)
    ids = {d.id for d in w.engine.documents(all_topics=True)}
    assert not any(i.startswith("internal-") for i in ids)
    qtbot.keyClicks(w.sidebar.search_box, "threats")
    qtbot.waitUntil(lambda: w.search.hint.text() != "", timeout=WAIT_MS)
    assert all(not h.result.doc_id.startswith("internal-") for h in w.search.model.hits)


def test_opening_a_hit_marks_the_search_words_accent_insensitively(
    qtbot: QtBot, windows: Windows
) -> None:
    w = windows.open("anna", indexed=True)
    w.resize(1100, 420)  # short, so the first hit needs scrolling to
    box = w.sidebar.search_box
    qtbot.keyClicks(box, "overklaga")
    qtbot.waitUntil(lambda: w.search.model.rowCount() > 0, timeout=WAIT_MS)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    reader = w.doc_view.reader
    qtbot.waitUntil(lambda: w.doc_view.doc_id == "overklaga-parkeringsbot", timeout=WAIT_MS)
    assert reader.hits and reader.current_hit == 0
    marked = [marked_text(reader, start, end) for start, end in reader.hits]
    # as the search matched: accents folded, the last word a prefix ("överklagas")
    assert all(fold(m.casefold()).startswith("overklaga") for m in marked)
    assert marked[0] == "överklaga" and "överklagas" in marked
    painted = {s.cursor.selectionStart() for s in reader.extraSelections()}
    assert {start for start, _ in reader.hits} <= painted
    first = reader.cursorRect(cursor_at(reader, reader.hits[0][0]))
    assert 0 <= first.top() < reader.viewport().height()  # scrolled into view
    find_line = w.doc_view.header.find_info
    assert find_line.isVisibleTo(w) and f"1 of {len(reader.hits)}" in find_line.text()
    assert QApplication.focusWidget() is reader
    if len(reader.hits) > 1:  # F3 walks on
        qtbot.keyClick(reader, Qt.Key.Key_F3)
        assert reader.current_hit == 1
    qtbot.keyClick(reader, Qt.Key.Key_Escape)  # Esc clears
    assert not reader.hits and not reader.extraSelections()
    assert not find_line.isVisibleTo(w)
    # opened from the search again, then a new search clears the marks
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(reader.hits), timeout=WAIT_MS)
    box.setFocus()
    qtbot.keyClicks(box, " avgift")
    assert not reader.hits


def cursor_at(reader: QTextEdit, position: int) -> QTextCursor:
    cursor = QTextCursor(reader.document())
    cursor.setPosition(position)
    return cursor


def marked_text(reader: QTextEdit, start: int, end: int) -> str:
    cursor = cursor_at(reader, start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText()
