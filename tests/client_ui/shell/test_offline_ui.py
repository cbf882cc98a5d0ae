"""Losing the server: the window says so, keeps reading, searching and editing, counts
the changes it keeps, and sends them when the server is back."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kmclient.core.model import ConnState
from kmclient.core.offsets import utf16_len
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS, Windows, server_body, type_text

DOC = "waste-bulky-items"  # owner olle


def test_offline_indicator_editing_offline_and_recovery(qtbot: QtBot, windows: Windows) -> None:
    w = windows.open("olle", indexed=True)
    bar = w.status
    assert bar.state_name == "online" and bar.state.text() == "Online"
    assert not bar.synced.isVisibleTo(w)  # online is live: a sync time would look stale
    assert w.open_doc(DOC)
    w.doc_view.set_editing(True)

    windows.server.stop()
    qtbot.waitUntil(lambda: bar.state_name == "offline", timeout=WAIT_MS)
    assert bar.state.text().startswith("Offline")
    assert bar.action.isVisibleTo(w) and bar.action.text() == "Retry now"
    assert bar.state.property("state") == "offline"
    assert bar.synced.isVisibleTo(w) and bar.synced.text().startswith("Synced ")  # how fresh

    # editing goes on, and the change waits in the outbox
    editor = w.doc_view.editor
    cursor = editor.textCursor()
    cursor.setPosition(utf16_len(w.doc_view.text() or ""))
    editor.setTextCursor(cursor)
    type_text(editor, "\nSkrivet offline: grovsopor på lördag 🚛")
    assert (w.doc_view.text() or "").endswith("grovsopor på lördag 🚛")
    qtbot.waitUntil(lambda: w.engine.status.unconfirmed > 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "kept here" in bar.pending.text(), timeout=WAIT_MS)
    assert bar.pending.isVisibleTo(w)

    # searching and reading go on too
    qtbot.keyClicks(w.sidebar.search_box, "towed")
    qtbot.waitUntil(lambda: w.search.model.rowCount() > 0, timeout=WAIT_MS)
    w.search.open_current()
    assert w.doc_view.doc_id == "parking-towed-vehicle" and not w.doc_view.editing
    assert "moved by the municipality" in w.doc_view.reader.toPlainText()

    windows.server.start()  # same port: the engine's backoff finds it again
    qtbot.waitUntil(lambda: w.engine.status.state == ConnState.ONLINE, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: w.engine.status.unconfirmed == 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not bar.pending.isVisibleTo(w), timeout=WAIT_MS)
    assert bar.state.text() == "Online"
    assert server_body(windows.server, DOC).endswith("grovsopor på lördag 🚛")
    assert bar.synced.text().startswith("Synced ") and not bar.synced.isVisibleTo(w)
