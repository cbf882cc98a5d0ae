"""The "edited 12:59 by olle" of a working copy is the last change's, everywhere, always
(issue 11, item 2): in the editor's own window, in a colleague's, and in a profile
synced afterwards. Before, a second edit by the same person changed nothing: the
server sends metadata only when a new author appears."""

from __future__ import annotations

from datetime import datetime

from pytestqt.qtbot import QtBot

from kmclient.core.trust import parse
from kmclient.ui.i18n import when
from kmclient.ui.shell.window import MainWindow
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import WAIT_MS, Windows, type_text

DOC = "parking-residential-permit"  # owner olle; sara (supervisor) sees the working copy


def changed(w: MainWindow) -> tuple[str | None, datetime | None]:
    info = w.engine.doc(DOC)
    assert info is not None
    return info.updated_by, parse(info.updated_at)


def edit(w: MainWindow, text: str) -> None:
    view = w.doc_view
    if not view.editing:
        view.set_editing(True)
    view.editor.moveCursor(view.editor.textCursor().MoveOperation.End)
    type_text(view.editor, text)


def test_a_second_edit_moves_the_time_shown_in_every_window(qtbot: QtBot, windows: Windows) -> None:
    olle, sara = windows.open("olle"), windows.open("sara")
    for w in (olle, sara):
        assert w.open_doc(DOC)
    edit(olle, " first")
    qtbot.waitUntil(lambda: "first" in (sara.engine.text(DOC) or ""), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: changed(sara)[0] == "olle", timeout=WAIT_MS)
    _by, first = changed(olle)
    assert first is not None
    sara.doc_view.close_doc()  # reopened later: the header must not rely on a live notice

    edit(olle, " second")  # the same author again: no metadata from the server
    qtbot.waitUntil(lambda: "second" in (sara.engine.text(DOC) or ""), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: (changed(olle)[1] or first) > first, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: (changed(sara)[1] or first) > first, timeout=WAIT_MS)
    assert changed(olle)[0] == changed(sara)[0] == "olle"
    info = olle.engine.doc(DOC)
    assert info is not None
    shown = f"edited {when(info.updated_at)} by olle"
    qtbot.waitUntil(lambda: shown in olle.doc_view.header.meta.text(), timeout=WAIT_MS)
    assert sara.open_doc(DOC)
    assert "by olle" in sara.doc_view.header.meta.text()
    assert when(sara.engine.doc(DOC).updated_at) in sara.doc_view.header.meta.text()

    # A profile synced now (another window of sara's, a fresh profile) agrees.
    fresh = windows.open("sara")
    assert fresh.engine.profile_dir != sara.engine.profile_dir
    by, at = changed(fresh)
    assert by == "olle" and at is not None and at > first
