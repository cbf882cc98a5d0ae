"""The topic tree: a well-behaved Qt model, the user's topics first, new/changed markers
that follow what colleagues do, and window state that survives a restart."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from kmclient.core.model import ConnState
from kmclient.core.offsets import utf16_len
from kmclient.ui.library.doc_tree_model import MARKER_ROLE, STATUS_ROLE, topic_label
from kmclient.ui.shell.window import MainWindow
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS, Windows, type_text


def marker(w: MainWindow, doc_id: str) -> object:
    indexes = w.model.indexes_of(doc_id)
    assert indexes, f"{doc_id} is not in the tree"
    return indexes[0].data(MARKER_ROLE)


def test_model_is_consistent_and_shows_my_topics_first(
    qtbot: QtBot, windows: Windows, qtmodeltester
) -> None:
    w = windows.open("karin")
    qtmodeltester.check(w.model)
    assert w.model.topics() == ["building-permits", "school", "elderly-care"]
    w.set_all_topics(True)
    qtmodeltester.check(w.model)
    topics = w.model.topics()
    assert topics[:3] == ["building-permits", "school", "elderly-care"]
    assert "general" in topics
    # karin's own drafts and owner-only documents show, tagged
    statuses = {w.model.indexes_of(d.id)[0].data(STATUS_ROLE) for d in w.engine.documents(True)}
    assert "published" in statuses
    assert topic_label("building-permits") == "Building permits"


def test_changed_and_new_markers_follow_colleagues(qtbot: QtBot, windows: Windows) -> None:
    anna = windows.open("anna")
    sara = windows.open("sara")
    qtbot.waitUntil(lambda: anna.read_state.baseline, timeout=WAIT_MS)
    assert marker(anna, "waste-bin-size-and-fees") is None

    # sara edits a document anna is not looking at: it gets a "changed" dot
    sara.open_doc("waste-bin-size-and-fees")
    sara.doc_view.set_editing(True)
    editor = sara.doc_view.editor
    cursor = editor.textCursor()
    cursor.setPosition(utf16_len(sara.doc_view.text() or ""))
    editor.setTextCursor(cursor)
    type_text(editor, "\nNy taxa från juli.")
    qtbot.waitUntil(lambda: sara.engine.unconfirmed == 0, timeout=WAIT_MS)
    assert marker(anna, "waste-bin-size-and-fees") is None  # typing is not published
    sara.engine.publish("waste-bin-size-and-fees")
    qtbot.waitUntil(lambda: marker(anna, "waste-bin-size-and-fees") == "changed", timeout=WAIT_MS)
    index = anna.model.indexes_of("waste-bin-size-and-fees")[0]
    assert index.data(Qt.ItemDataRole.FontRole).bold()  # unread looks unread
    # opening it clears the marker
    anna.open_doc("waste-bin-size-and-fees")
    assert marker(anna, "waste-bin-size-and-fees") is None

    # a new document in anna's topics arrives marked "new", in the right group
    sara.engine.create_doc(
        "parking-new-zone-d",
        "Parking zone D (new)",
        "# Parking zone D\n\nNew zone from 1 June.\n",
        topics=["parking"],
        audience=["everyone"],
    )
    qtbot.waitUntil(lambda: sara.engine.doc("parking-new-zone-d") is not None, timeout=WAIT_MS)
    sara.engine.publish("parking-new-zone-d")
    qtbot.waitUntil(lambda: anna.model.contains("parking-new-zone-d"), timeout=WAIT_MS)
    assert marker(anna, "parking-new-zone-d") == "new"
    assert anna.model.indexes_of("parking-new-zone-d")[0].parent().data() == "Parking"
    anna.tree.setFocus()
    anna.tree.select_doc("parking-new-zone-d")
    assert anna.tree.currentIndex().data() == "Parking zone D (new)"


def test_window_state_and_scope_are_remembered(qtbot: QtBot, windows: Windows) -> None:
    w = windows.open("erik")
    w.resize(700, 560)  # within the offscreen platform's 800x800 screen
    w.splitter.setSizes([260, 440])
    w.set_all_topics(True)
    sizes = w.splitter.sizes()
    w.close()
    assert w.bridge.is_closed
    again = windows.open("erik", online=False)
    qtbot.waitUntil(lambda: again.engine.status.state == ConnState.ONLINE, timeout=WAIT_MS)
    assert again.model.all_topics
    assert again.sidebar.scope.all.isChecked()
    assert again.size() == w.size()
    assert again.splitter.sizes() == sizes
    assert isinstance(again.settings, QSettings)
