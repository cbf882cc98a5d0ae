"""Garbage collection is off while the app starts and back on, with what the start
made frozen, once the first window is painted or a sign-in dialog waits: real
windows offscreen, real engines and profiles, the demo server."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kmclient import startup_gc
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS, Windows


@pytest.fixture
def held() -> Iterator[None]:
    """As kmclient/app.py starts; the collector on again whatever the test did."""
    startup_gc.hold()
    try:
        yield
    finally:
        startup_gc.release()
        gc.enable()


def test_the_collector_comes_back_at_the_first_paint_with_the_start_frozen(
    qtbot: QtBot, windows: Windows, held: None
) -> None:
    frozen = gc.get_freeze_count()
    w = windows.client.open_demo_window("anna")
    qtbot.addWidget(w)
    assert not gc.isenabled()  # the window is built, not yet painted
    qtbot.waitUntil(gc.isenabled, timeout=WAIT_MS)
    assert not startup_gc.held()
    assert gc.get_freeze_count() > frozen  # the window and its documents: never scanned
    qtbot.waitUntil(w.is_built, timeout=WAIT_MS)


def test_a_sign_in_dialog_turns_the_collector_back_on(
    windows: Windows, held: None, tmp_path: Path
) -> None:
    dialog = windows.client.sign_in_dialog(windows.server.url, "erik", tmp_path / "erik")
    assert gc.isenabled()
    dialog.reject()


def test_release_leaves_a_collector_that_someone_else_turned_off_alone() -> None:
    gc.disable()
    try:
        startup_gc.hold()
        startup_gc.release()
        assert not gc.isenabled()
    finally:
        gc.enable()
