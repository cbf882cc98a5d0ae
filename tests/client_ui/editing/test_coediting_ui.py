"""Two people editing one document live, each in their own window with their own engine
and profile, through the real demo server: convergence (Swedish and emoji included),
colleagues' carets with names, a caret that stays put, undo of one's own edits only,
and the reading view of a third person updating with a quiet notice."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from kmclient.core.offsets import utf16_len
from kmclient.ui.shell.window import MainWindow
from tests.client_ui.fixtures_ui import *  # noqa: F403
from tests.client_ui.fixtures_ui import (
    WAIT_MS,
    Windows,
    commit_text,
    server_body,
    type_text,
)

DOC = "parking-residential-permit"  # owner olle; sara (supervisor) may edit everything


def peer_names(w: MainWindow) -> set[str]:
    awareness = w.doc_view.awareness
    return {p.name for p in awareness.peers()} if awareness else set()


def put_caret(w: MainWindow, position: int, anchor: int | None = None) -> None:
    editor = w.doc_view.editor
    cursor = editor.textCursor()
    cursor.setPosition(position if anchor is None else anchor)
    if anchor is not None:
        cursor.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)


def editing_pair(qtbot: QtBot, windows: Windows) -> tuple[MainWindow, MainWindow]:
    olle, sara = windows.open("olle"), windows.open("sara")
    for w in (olle, sara):
        assert w.open_doc(DOC)
        w.doc_view.set_editing(True)
        assert w.doc_view.editing
    qtbot.waitUntil(
        lambda: peer_names(olle) == {"sara"} and peer_names(sara) == {"olle"}, timeout=WAIT_MS
    )
    return olle, sara


def text_of(w: MainWindow) -> str:
    return w.doc_view.text() or ""


def test_two_windows_co_edit_with_swedish_and_emoji_and_converge(
    qtbot: QtBot, windows: Windows
) -> None:
    olle, sara = editing_pair(qtbot, windows)
    first_line_end = text_of(olle).index("\n")
    put_caret(olle, first_line_end)
    type_text(olle.doc_view.editor, " – för boende 🚗")
    qtbot.waitUntil(lambda: "för boende 🚗" in text_of(sara), timeout=WAIT_MS)
    assert sara.doc_view.editor.toPlainText() == text_of(sara)

    put_caret(sara, utf16_len(text_of(sara)))
    type_text(sara.doc_view.editor, "\nHälsningar från Sara 👋🏽")
    commit_text(sara.doc_view.editor, " (åäö via inmatning)")
    qtbot.waitUntil(lambda: "(åäö via inmatning)" in text_of(olle), timeout=WAIT_MS)

    # Both at once: neither has seen the other's keystrokes when typing.
    put_caret(olle, 0)
    put_caret(sara, utf16_len(text_of(sara)))
    type_text(olle.doc_view.editor, "Ö1 ")
    type_text(sara.doc_view.editor, " 🎉S2")
    qtbot.waitUntil(
        lambda: (
            text_of(olle) == text_of(sara) and "🎉S2" in text_of(olle) and "Ö1" in text_of(sara)
        ),
        timeout=WAIT_MS,
    )
    final = text_of(olle)
    assert final.startswith("Ö1 # Residential parking permit – för boende 🚗\n")
    assert final.endswith("Hälsningar från Sara 👋🏽 (åäö via inmatning) 🎉S2")
    for w in (olle, sara):  # the widgets show exactly the shared text
        assert w.doc_view.editor.toPlainText() == final
    qtbot.waitUntil(lambda: server_body(windows.server, DOC) == final, timeout=WAIT_MS)
    # the reading preview beside the source follows too
    qtbot.waitUntil(lambda: sara.doc_view.reader.source_text == final, timeout=WAIT_MS)


def test_colleagues_carets_show_with_names_at_the_right_character(
    qtbot: QtBot, windows: Windows
) -> None:
    olle, sara = editing_pair(qtbot, windows)
    put_caret(sara, 0)
    type_text(sara.doc_view.editor, "Åäö 😀 ")
    qtbot.waitUntil(lambda: text_of(olle).startswith("Åäö 😀 "), timeout=WAIT_MS)
    # sara selects "parking" in the title line, after the non-ASCII text
    start = text_of(sara).index("parking")
    q_start = utf16_len(text_of(sara)[:start])
    put_caret(sara, q_start + len("parking"), anchor=q_start)

    def sara_seen_by_olle() -> bool:
        peers = [p for p in olle.doc_view.binding.remote_peer_positions() if p.name == "sara"]
        return bool(peers) and (peers[0].anchor, peers[0].head) == (q_start, q_start + 7)

    qtbot.waitUntil(sara_seen_by_olle, timeout=WAIT_MS)
    assert "sara" in olle.doc_view.header.peers.text()
    # leaving edit mode takes the caret away from the others' editors
    sara.doc_view.set_editing(False)
    qtbot.waitUntil(lambda: not olle.doc_view.binding.remote_peer_positions(), timeout=WAIT_MS)
    assert "reading" in olle.doc_view.header.peers.text()


def test_my_caret_and_selection_stay_put_while_others_type(qtbot: QtBot, windows: Windows) -> None:
    olle, sara = editing_pair(qtbot, windows)
    text = text_of(olle)
    at = utf16_len(text[: text.index("## Fees")])
    put_caret(olle, at)
    olle.doc_view.editor.setFocus()
    # sara types above olle's caret, below it and right at it
    put_caret(sara, 0)
    type_text(sara.doc_view.editor, "Viktigt för kön ✅\n")
    qtbot.waitUntil(lambda: text_of(olle).startswith("Viktigt för kön ✅\n"), timeout=WAIT_MS)
    shift = utf16_len("Viktigt för kön ✅\n")
    caret = olle.doc_view.editor.textCursor()
    assert caret.position() == at + shift
    assert olle.doc_view.editor.toPlainText()[caret.position() :].startswith("## Fees")
    put_caret(sara, utf16_len(text_of(sara)))
    type_text(sara.doc_view.editor, "\nslut")
    qtbot.waitUntil(lambda: text_of(olle).endswith("\nslut"), timeout=WAIT_MS)
    assert olle.doc_view.editor.textCursor().position() == at + shift

    # a selection keeps its characters when text is inserted before it
    sel_start = at + shift
    put_caret(olle, sel_start + 7, anchor=sel_start)  # "## Fees"
    put_caret(sara, utf16_len(text_of(sara)[: text_of(sara).index("## Fees")]) - 1)
    type_text(sara.doc_view.editor, "ö")
    qtbot.waitUntil(lambda: text_of(olle).count("ö\n## Fees") == 1, timeout=WAIT_MS)
    selected = olle.doc_view.editor.textCursor().selectedText()
    assert selected == "## Fees"


def test_undo_takes_back_only_my_own_edits(qtbot: QtBot, windows: Windows) -> None:
    olle, sara = editing_pair(qtbot, windows)
    before = text_of(olle)
    put_caret(olle, 0)
    type_text(olle.doc_view.editor, "OLLE-åå ")
    qtbot.waitUntil(lambda: text_of(sara).startswith("OLLE-åå "), timeout=WAIT_MS)
    put_caret(sara, utf16_len(text_of(sara)))
    type_text(sara.doc_view.editor, " SARA-öö")
    qtbot.waitUntil(lambda: text_of(olle).endswith(" SARA-öö"), timeout=WAIT_MS)
    assert olle.undo_action.isEnabled()

    editor = olle.doc_view.editor
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    expected = before + " SARA-öö"
    assert text_of(olle) == expected
    qtbot.waitUntil(lambda: text_of(sara) == expected, timeout=WAIT_MS)
    # sara's own undo stack has her edit; olle's undo did not touch it
    assert sara.doc_view.can_undo()
    # redo brings olle's words back, for both
    qtbot.keyClick(
        editor,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: text_of(sara).startswith("OLLE-åå "), timeout=WAIT_MS)


def test_a_reader_sees_a_new_version_live_with_the_change_marked(
    qtbot: QtBot, windows: Windows
) -> None:
    olle = windows.open("olle")
    anna = windows.open("anna")  # a rep: reads the published version only
    assert anna.open_doc(DOC)
    assert anna.doc_view.showing_published
    assert not anna.doc_view.header.mode.isVisibleTo(anna) and not anna.doc_view.can_edit()
    assert not anna.edit_action.isEnabled()
    olle.open_doc(DOC)
    olle.doc_view.set_editing(True)
    qtbot.waitUntil(lambda: "olle" in peer_names(anna), timeout=WAIT_MS)
    end_of_intro = text_of(olle).index("\n\n## Who can get one")
    put_caret(olle, utf16_len(text_of(olle)[:end_of_intro]))
    type_text(olle.doc_view.editor, " Nytt från 1 maj: avgiften höjs 📈.")
    qtbot.waitUntil(lambda: olle.engine.unconfirmed == 0, timeout=WAIT_MS)
    banner = olle.publish_actions.banner
    qtbot.waitUntil(lambda: "1 unpublished change by olle" in banner.text, timeout=WAIT_MS)
    assert "höjs" not in (anna.doc_view.reader.source_text or "")  # typing is not published

    dialog = olle.publish_actions.open_publish()
    assert dialog is not None and "1 change" in dialog.summary.text()
    dialog.note.setText("Ny avgift från 1 maj")
    with qtbot.waitSignal(anna.doc_view.remoteChangeShown, timeout=WAIT_MS) as shown:
        dialog.ok.click()
    assert shown.args[1] == "Olle published version 2: Ny avgift från 1 maj"
    qtbot.waitUntil(
        lambda: "avgiften höjs 📈" in (anna.doc_view.reader.source_text or ""), timeout=WAIT_MS
    )
    assert "avgiften höjs 📈" in anna.doc_view.reader.toPlainText()
    assert "What changed?" in anna.doc_view.header.notice_text
    assert "version 2, published just now by olle" in anna.doc_view.header.meta.text()
    start, end = anna.doc_view.reader.flashed or (0, 0)
    assert end > start
    flashed = anna.doc_view.reader.toPlainText()[start:end]
    assert "höjs" in flashed or "📈" in flashed
    qtbot.waitUntil(lambda: not banner.isVisibleTo(olle), timeout=WAIT_MS)  # nothing unpublished

    history = anna.publish_actions.open_what_changed()  # one click from the notice
    assert history is not None
    qtbot.waitUntil(lambda: "1 change" in history.summary.text(), timeout=WAIT_MS)
    assert "avgiften höjs" in history.diff.toPlainText()
    assert "Version 2" in history.heading.text() and "version 1" in history.heading.text()
    history.close()


def test_the_notice_names_who_published(qtbot: QtBot, windows: Windows) -> None:
    sara = windows.open("sara")
    anna = windows.open("anna")
    assert anna.open_doc(DOC)
    doc = sara.engine.open_doc(DOC)  # no editor, no caret: the server tells who
    try:
        doc["body"].insert(0, "Obs! ")
        qtbot.waitUntil(lambda: sara.engine.unconfirmed == 0, timeout=WAIT_MS)
        with qtbot.waitSignal(anna.doc_view.remoteChangeShown, timeout=WAIT_MS) as shown:
            sara.engine.publish(DOC)
        assert shown.args[1] == "Sara published version 2"
        assert "published just now by sara" in anna.doc_view.header.meta.text()
    finally:
        sara.engine.close_doc(DOC)


def test_a_colleagues_edit_is_tinted_in_my_source_editor_without_moving_my_caret(
    qtbot: QtBot, windows: Windows
) -> None:
    olle, sara = editing_pair(qtbot, windows)
    flash = olle.doc_view.edit_flash
    flash.hold_ms, flash.fade_ms = 300, 300  # the test need not wait the full 4 s
    text = text_of(olle)
    mine = utf16_len(text[: text.index("## Fees")])
    put_caret(olle, mine + 3, anchor=mine)  # olle has "## " selected, further down
    olle.doc_view.editor.setFocus()
    put_caret(sara, utf16_len(text[: text.index("\n\n") + 2]))  # sara: the second paragraph
    type_text(sara.doc_view.editor, "Hej då 👋 ")
    qtbot.waitUntil(lambda: "Hej då 👋 " in text_of(olle), timeout=WAIT_MS)

    def tinted() -> str:
        cursor = olle.doc_view.editor.textCursor()
        spans = flash.spans()
        if not spans:
            return ""
        cursor.setPosition(spans[0][0])
        cursor.setPosition(spans[0][1], QTextCursor.MoveMode.KeepAnchor)
        return cursor.selectedText()

    qtbot.waitUntil(lambda: tinted() == "Hej då 👋 ", timeout=WAIT_MS)  # one tint, grown
    assert len(flash.spans()) == 1
    shift = utf16_len("Hej då 👋 ")
    caret = olle.doc_view.editor.textCursor()
    assert (caret.anchor(), caret.position()) == (mine + shift, mine + shift + 3)
    assert caret.selectedText() == "## "
    qtbot.waitUntil(lambda: not flash.spans(), timeout=WAIT_MS)  # it fades away
    # sara sees no tint for her own typing
    assert not sara.doc_view.edit_flash.spans()
