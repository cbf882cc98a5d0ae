"""What a window does at its opening, and what waits for its first paint: real
windows offscreen, real engines and profiles, the demo server."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kmclient.ui.shell.window import MainWindow
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS, Windows


def opened(qtbot: QtBot, windows: Windows, user: str) -> MainWindow:
    """A window as the app opens it, before the event loop has run (no paint yet)."""
    w = windows.client.open_demo_window(user)
    qtbot.addWidget(w)
    return w


def test_the_search_index_opens_after_the_first_paint_and_then_finds(
    qtbot: QtBot, windows: Windows
) -> None:
    w = opened(qtbot, windows, "anna")
    # The window is built and shown, the event loop has not run: no paint yet, and
    # the index (Whoosh's import, its segments) waits on the indexer thread.
    assert not w.engine.replica.index_handle.is_open
    qtbot.waitUntil(lambda: w.engine.replica.index_handle.is_open, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: w.engine.status.state == "online" and w.engine.index_progress.idle,
        timeout=WAIT_MS,
    )
    w.sidebar.search_box.setText("parking permit")
    qtbot.waitUntil(lambda: w.search.model.rowCount() >= 2, timeout=WAIT_MS)
    assert w.search.model.hits[0].result.doc_id in {
        "parking-residential-permit",
        "parking-disabled-permit",
    }


def test_a_search_typed_at_once_on_a_cached_profile_waits_for_the_index(
    qtbot: QtBot, windows: Windows
) -> None:
    first = windows.open("anna", indexed=True)
    first.close()
    w = opened(qtbot, windows, "anna")  # the same profile, cached and indexed
    assert not w.engine.replica.index_handle.is_open
    w.sidebar.search_box.setText("parking permit")  # before the first paint
    qtbot.waitUntil(lambda: w.search.model.rowCount() >= 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: w.engine.index_progress.idle, timeout=WAIT_MS)
    w.search.refresh()  # what the index answers, not only the titles shown meanwhile
    qtbot.waitUntil(lambda: any(h.result.snippet for h in w.search.model.hits), timeout=WAIT_MS)
    ids = [h.result.doc_id for h in w.search.model.hits]
    assert {"parking-residential-permit", "parking-disabled-permit"} <= set(ids)
