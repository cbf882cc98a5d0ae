"""Watch settings from Document ▸ Watch and a topic's context menu, stored and sent."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kmclient.ui.library.doc_tree_model import KIND_ROLE, TOPIC_ROLE
from tests.client_ui.feedback.test_flags_ui import DOC
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS, Windows


def test_watch_a_document_and_a_topic(qtbot: QtBot, windows: Windows) -> None:
    anna = windows.open("anna")
    watch = anna.watch
    assert anna.open_doc(DOC)
    watch.doc_menu.aboutToShow.emit()
    assert watch.doc_actions["default"].isChecked()  # no setting of her own yet
    watch.doc_actions["mentions_only"].trigger()
    assert anna.engine.watch_level(doc_id=DOC) == "mentions_only"
    assert anna.doc_view.header.notice.text() == "Watching this document: mentions only"
    qtbot.waitUntil(lambda: anna.engine.pending_requests == 0, timeout=WAIT_MS)
    watch.doc_menu.aboutToShow.emit()
    assert watch.doc_actions["mentions_only"].isChecked()
    watch.doc_actions["default"].trigger()
    qtbot.waitUntil(lambda: anna.engine.watch_level(doc_id=DOC) is None, timeout=WAIT_MS)
    # A topic, from the tree's context menu on its row.
    tree = anna.tree
    model = tree.model()
    row = next(
        r for r in range(model.rowCount()) if model.index(r, 0).data(TOPIC_ROLE) == "parking"
    )
    index = model.index(row, 0)
    assert index.data(KIND_ROLE) == "topic"
    tree.customContextMenuRequested.emit(tree.visualRect(index).center())
    menu = watch.topic_menu
    assert menu is not None
    sub = menu.actions()[0].menu()
    assert "Parking" in menu.actions()[0].text()
    off = next(a for a in sub.actions() if a.text() == "&Off")
    off.trigger()
    menu.close()
    assert anna.engine.watch_level(topic="parking") == "off"
    qtbot.waitUntil(lambda: anna.engine.pending_requests == 0, timeout=WAIT_MS)
    assert anna.engine.watch_level(topic="parking") == "off"


def test_a_reader_is_offered_what_readers_are_told(qtbot: QtBot, windows: Windows) -> None:
    """Edits of the working copy never reach a rep: 'all edits' and 'digest' both mean
    new versions, flags and comments to her, so she gets one choice that says so."""
    anna, olle = windows.open("anna"), windows.open("olle")
    assert anna.open_doc(DOC) and olle.open_doc(DOC)
    anna.watch.doc_menu.aboutToShow.emit()
    assert list(anna.watch.doc_actions) == ["digest", "mentions_only", "off", "default"]
    assert anna.watch.doc_actions["digest"].text() == "&New versions, flags and comments"
    anna.watch.doc_actions["digest"].trigger()
    assert anna.doc_view.header.notice.text() == (
        "Watching this document: new versions, flags and comments"
    )
    olle.watch.doc_menu.aboutToShow.emit()  # the owner edits it: edits are his to follow
    assert list(olle.watch.doc_actions)[:2] == ["all_edits", "digest"]
