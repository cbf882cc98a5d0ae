"""What a window does at its opening, and what waits for its first paint: real
windows offscreen, real engines and profiles, the demo server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from kmclient.ui.shell.window import MainWindow
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS, Windows, press


def opened(qtbot: QtBot, windows: Windows, user: str) -> MainWindow:
    """A window as the app opens it, before the event loop has run (no paint yet)."""
    w = windows.client.open_demo_window(user)
    qtbot.addWidget(w)
    return w


def menu_titles(w: MainWindow) -> list[str]:
    return [a.text() for a in w.menuBar().actions()]


def test_the_first_picture_has_the_reading_view_tree_and_menu_titles_the_rest_follows(
    qtbot: QtBot, windows: Windows
) -> None:
    w = opened(qtbot, windows, "anna")
    assert not w.is_built()
    assert w.tree.isVisibleTo(w) and w.doc_view.isVisibleTo(w) and w.sidebar.search_box
    titles = menu_titles(w)
    assert titles == ["&File", "&Edit", "&Document", "&View", "&Go", "&Help"]
    assert all(not a.menu().actions() for a in w.menuBar().actions())  # filled later
    assert not hasattr(w, "side")
    qtbot.waitUntil(w.is_built, timeout=WAIT_MS)
    # Built in place: the same titles (nothing moved), now with their menus' contents.
    assert menu_titles(w) == titles
    assert all(a.menu().actions() for a in w.menuBar().actions())
    assert w.side.tabs.parent() is w.splitter and w.splitter.count() == 3
    assert w.find_action.shortcuts()  # Ctrl+K / Ctrl+F
    press(qtbot, w, "Ctrl+K")
    assert w.sidebar.search_box.hasFocus()


def test_nothing_moves_when_the_rest_is_built(qtbot: QtBot, windows: Windows) -> None:
    w = opened(qtbot, windows, "anna")  # a new profile: no broadcasts or must-reads yet
    central, status = w.centralWidget(), w.statusBar()

    def places() -> list[QRect]:
        # What the layouts post to themselves (a new child is shown a turn later),
        # not the engine's events: no broadcast can arrive in between.
        for widget in central.findChildren(QWidget) + status.findChildren(QWidget):
            QApplication.sendPostedEvents(widget, 0)
        for widget in (central, status):
            widget.layout().activate()
        return [w.splitter.geometry(), central.geometry(), status.geometry()]

    first = places()
    w.finish_building()  # every stage at once, no event handled in between
    assert w.is_built()
    assert places() == first


def test_a_window_closed_before_it_was_built_builds_no_more(qtbot: QtBot, windows: Windows) -> None:
    w = opened(qtbot, windows, "anna")
    w.stages.start()  # as after the first paint: the first stage runs, the next is posted
    w.close()
    for _ in range(10):  # the turns in which the other stages would have run
        QApplication.processEvents()
    assert not w.is_built() and not hasattr(w, "side")
    assert w.bridge.is_closed


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


def test_the_connection_starts_after_the_first_paint(qtbot: QtBot, windows: Windows) -> None:
    w = opened(qtbot, windows, "anna")
    # Checked and signed in with (a wrong profile would have failed already), not started.
    assert w.engine.server_url == windows.server.url
    assert not w.engine.connection_started
    assert w.status.state_name == "offline"  # what the first picture says meanwhile
    qtbot.waitUntil(lambda: w.engine.connection_started, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: w.status.state_name == "online", timeout=WAIT_MS)


def test_a_window_never_painted_starts_its_connection_at_the_latest_after_a_while(
    qtbot: QtBot, windows: Windows
) -> None:
    w = opened(qtbot, windows, "anna")
    w.hide()  # shown minimised, a screen that is off: no paint comes
    qtbot.waitUntil(lambda: w.engine.connection_started, timeout=WAIT_MS)
    qtbot.waitUntil(w.is_built, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: w.engine.status.state == "online", timeout=WAIT_MS)


def test_a_window_closed_before_its_first_paint_never_connects(
    qtbot: QtBot, windows: Windows
) -> None:
    w = opened(qtbot, windows, "anna")
    w.close()
    assert w.bridge.is_closed and not w.engine.connection_started
    w._first_paint._run()  # what its first paint (or LATEST_MS) would have done
    assert not w.engine.connection_started and not w.is_built()
    w.engine.start_syncing()  # a closed engine does not start either
    assert not w.engine.connection_started


FIRST_PAINT_IN_A_FRESH_PROCESS = """
import sys
from pathlib import Path
from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication
from kmclient.ui.shell.client_app import ClientApp

url, profile, settings = sys.argv[1:4]
app = QApplication(["kmclient"])
client = ClientApp(app, QSettings(settings, QSettings.Format.IniFormat))
w = client.open_window(url, "anna", None, Path(profile))
painted = []
QTimer.singleShot(0, lambda: painted.append("pycrdt" in sys.modules))
while not painted or not w.is_built():
    app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
print("pycrdt at the first paint:", painted[0])
while "pycrdt" not in sys.modules:  # imported on a thread of its own once the window is built
    app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
print("index open before pycrdt:", w.engine.replica.index_handle.is_open)
print("opened:", w.open_doc("parking-residential-permit"), "text:", bool(w.doc_view.text()))
client.shutdown()
"""


def test_pycrdt_is_not_imported_before_the_first_paint_and_a_document_opens(
    qtbot: QtBot, windows: Windows, tmp_path: Path
) -> None:
    first = windows.open("anna", indexed=True)
    profile = first.engine.profile_dir
    first.close()  # a cached, indexed profile; the app in a fresh process, as at a desk
    args = [windows.server.url, str(profile), str(tmp_path / "settings.ini")]
    done = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT_IN_A_FRESH_PROCESS, *args],
        capture_output=True,
        text=True,
        timeout=120,  # a guard against a window that never closes, not a timing
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr
    assert "pycrdt at the first paint: False" in done.stdout
    assert "index open before pycrdt: True" in done.stdout  # not two imports at once
    assert "opened: True text: True" in done.stdout  # imported when it was needed
