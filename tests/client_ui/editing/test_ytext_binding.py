"""YTextBinding: real QPlainTextEdits (offscreen) bound to real pycrdt Docs, no mocks.

Unicode is typed with QKeyEvent(Key_unknown, text) or QInputMethodEvent commits:
qtbot.keyClicks with any non-ASCII character aborts the whole process.
"""

from __future__ import annotations

import random
import sys
import threading

import pytest
from pycrdt import Assoc
from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from pytestqt.qtbot import QtBot

from kmclient.core.offsets import index_to_utf16, utf8_len
from kmclient.ui.editing.ytext_binding import LOCAL_ORIGIN, YTextBinding
from tests.client_ui.editing.ytext_helpers import (
    Pair,
    after_caret,
    assert_in_sync,
    bind,
    commit,
    make_editor,
    new_doc,
    remote_insert,
    set_caret,
    shown,
    sticky,
    type_unicode,
)

# --- binding and local typing ---------------------------------------------------------


def test_bind_shows_text_and_disables_qt_undo(qtbot: QtBot) -> None:
    _, text = new_doc("Räksmörgås 🦐\nandra raden")
    editor = make_editor(qtbot)
    editor.setPlainText("stale content")
    binding = YTextBinding(editor, text)
    assert shown(editor) == "Räksmörgås 🦐\nandra raden"
    assert not editor.document().isUndoRedoEnabled()
    assert_in_sync((editor, binding))


def test_typing_ascii(qtbot: QtBot) -> None:
    _, text = new_doc()
    editor, binding = bind(qtbot, text)
    qtbot.keyClicks(editor, "hello world")
    assert str(text) == "hello world"
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClick(editor, Qt.Key.Key_Home)
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    assert str(text) == "ello worl"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert str(text) == "\nello worl"
    assert_in_sync((editor, binding))


def test_typing_swedish_and_emoji_with_key_events(qtbot: QtBot) -> None:
    _, text = new_doc("Hej dig")
    editor, binding = bind(qtbot, text)
    set_caret(editor, 4)
    type_unicode(editor, "på ")
    assert str(text) == "Hej på dig"
    set_caret(editor, len("Hej på dig"))
    type_unicode(editor, " 😀åäö👍🏽")
    assert str(text) == "Hej på dig 😀åäö👍🏽"
    assert len(text) == utf8_len(str(text))
    # Backspace removes whole code points, never half a surrogate pair: Qt 6.12 takes
    # the thumb and its skin-tone modifier at once, Qt 6.11 the modifier first.
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    assert str(text) in ("Hej på dig 😀åäö", "Hej på dig 😀åäö👍")
    assert_in_sync((editor, binding))
    if str(text).endswith("👍"):
        qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    assert str(text) == "Hej på dig 😀åäö"
    # Typing between two multi-byte characters.
    set_caret(editor, index_to_utf16(str(text), len("Hej på dig 😀å")))
    type_unicode(editor, "Ö")
    assert str(text) == "Hej på dig 😀åÖäö"
    assert_in_sync((editor, binding))


def test_input_method_commit_and_preedit(qtbot: QtBot) -> None:
    doc, text = new_doc("ab")
    editor, binding = bind(qtbot, text)
    set_caret(editor, 1)
    updates: list[bytes] = []
    doc.observe(lambda ev: updates.append(ev.update))
    commit(editor, "", preedit="ö")  # composing: shown by Qt, not yet text
    assert str(text) == "ab" and not updates
    commit(editor, "öå👩\u200d💻")
    assert str(text) == "aöå👩\u200d💻b"
    assert_in_sync((editor, binding))


def test_ties_resolve_at_the_typing_position(qtbot: QtBot) -> None:
    _, text = new_doc("aa")
    editor, _ = bind(qtbot, text)
    deltas: list[object] = []
    text.observe(lambda ev: deltas.append(ev.delta))
    set_caret(editor, 0)
    qtbot.keyClicks(editor, "a")
    assert deltas == [[{"insert": "a"}]]  # at 0, where it was typed, not at the end


def test_paste_multiline(qtbot: QtBot) -> None:
    _, text = new_doc("start  end")
    editor, binding = bind(qtbot, text)
    set_caret(editor, 6)
    pasted = "första raden\nandra 😀 raden\n\ttredje\n"
    QApplication.clipboard().setText(pasted)  # (setMimeData would double-free at exit)
    editor.paste()
    assert str(text) == "start " + pasted + " end"
    assert editor.document().blockCount() == 4
    assert_in_sync((editor, binding))


def test_delete_selection_spanning_emoji(qtbot: QtBot) -> None:
    _, text = new_doc("xå😀👩\u200d👩\u200d👧y")
    editor, binding = bind(qtbot, text)
    set_caret(editor, 1)
    for _ in range(2):  # Shift+Right moves by grapheme: "å", then the emoji
        qtbot.keyClick(editor, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert editor.textCursor().selectedText() == "å😀"
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    assert str(text) == "x👩\u200d👩\u200d👧y"
    # A selection ending half-way into a surrogate pair is widened by Qt; nothing breaks.
    set_caret(editor, 2, anchor=0)
    editor.textCursor().removeSelectedText()
    assert str(text).encode("utf-8")  # still valid UTF-8
    assert_in_sync((editor, binding))


def test_edit_inside_a_surrogate_pair_is_repaired(qtbot: QtBot) -> None:
    """Code can put the caret between the halves of an emoji; typing there splits it.

    PySide drops the lone halves when it hands us the text, so the binding stores
    what it was given and rewrites the editor to match, keeping positions aligned.
    """
    _, text = new_doc("a😀b")
    editor, binding = bind(qtbot, text)
    set_caret(editor, 2)
    type_unicode(editor, "X")
    assert str(text) == "aXb"
    qtbot.waitUntil(lambda: editor.document().characterCount() - 1 == 3)
    assert_in_sync((editor, binding))
    remote_insert(text, 3, "ö!")
    assert shown(editor) == "aXbö!"


def test_formatting_only_change_writes_nothing(qtbot: QtBot) -> None:
    doc, text = new_doc("plain åäö")
    editor, _ = bind(qtbot, text)
    updates: list[bytes] = []
    doc.observe(lambda ev: updates.append(ev.update))
    cursor = QTextCursor(editor.document())
    cursor.select(QTextCursor.SelectionType.Document)
    fmt = QTextCharFormat()
    fmt.setFontWeight(700)
    cursor.mergeCharFormat(fmt)
    assert updates == []
    assert str(text) == "plain åäö"


def test_crlf_in_the_model_survives_editing(qtbot: QtBot) -> None:
    _, text = new_doc("rad 1\r\nrad 2\r\n")
    editor, binding = bind(qtbot, text)
    assert editor.document().blockCount() == 3  # "\r\n" is one line break, not two
    set_caret(editor, len("rad 1\r\nrad 2"))
    type_unicode(editor, "å")
    assert str(text) == "rad 1\r\nrad 2å\r\n"
    remote_insert(text, len("rad 1\r\n"), "ny ")
    assert str(text) == "rad 1\r\nny rad 2å\r\n"
    assert_in_sync((editor, binding))


# --- two editors ----------------------------------------------------------------------


def test_two_editors_exchange_edits(pair: Pair) -> None:
    editor_a, binding_a, editor_b, binding_b, _ = pair
    set_caret(editor_a, index_to_utf16(str(binding_a.text), len("Hej på dig 😀")))
    type_unicode(editor_a, " ✨ö")
    assert shown(editor_b) == "Hej på dig 😀 ✨ö\nrad två\n"
    set_caret(editor_b, 0)
    commit(editor_b, "Åh! ")
    assert shown(editor_a) == "Åh! Hej på dig 😀 ✨ö\nrad två\n"
    assert str(binding_a.text).encode() == str(binding_b.text).encode()
    assert_in_sync((editor_a, binding_a), (editor_b, binding_b))


def test_concurrent_edits_converge(qtbot: QtBot, pair: Pair) -> None:
    editor_a, binding_a, editor_b, binding_b, wire = pair
    wire.paused = True
    set_caret(editor_a, index_to_utf16(str(binding_a.text), 4))
    type_unicode(editor_a, "å😀")
    set_caret(editor_b, index_to_utf16(str(binding_b.text), 4))
    type_unicode(editor_b, "ö👍")
    set_caret(editor_b, 0, anchor=3)
    qtbot.keyClick(editor_b, Qt.Key.Key_Delete)
    set_caret(editor_a, editor_a.document().characterCount() - 1)
    commit(editor_a, "slut ä")
    wire.flush()
    model = str(binding_a.text)
    assert model.encode() == str(binding_b.text).encode()
    assert model.startswith(" ")  # B deleted "Hej"
    assert {"å😀", "ö👍"} <= {model[1:3], model[3:5]}
    assert model.endswith("slut ä")
    assert_in_sync((editor_a, binding_a), (editor_b, binding_b))


PIECES = ["a", "ö", "Å", "😀", "👩\u200d💻", "e\u0301", "\n", " ", "ä\n", "🇸🇪", "\t"]


def random_edit(rng: random.Random, editor: QPlainTextEdit, binding: YTextBinding) -> None:
    """A local edit through the editor's own cursor, at code-point boundaries (as users can)."""
    model = binding.model_text()
    cursor = editor.textCursor()
    cursor.setPosition(index_to_utf16(model, rng.randint(0, len(model))))
    if rng.random() < 0.3 and model:
        end = index_to_utf16(model, rng.randint(0, len(model)))
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
    else:
        cursor.insertText("".join(rng.choice(PIECES) for _ in range(rng.randint(1, 3))))


def test_random_concurrent_sessions_converge(pair: Pair) -> None:
    editor_a, binding_a, editor_b, binding_b, wire = pair
    rng = random.Random(2024)
    for _round in range(40):
        wire.paused = rng.random() < 0.7
        for _ in range(rng.randint(1, 4)):
            if rng.random() < 0.5:
                random_edit(rng, editor_a, binding_a)
            else:
                random_edit(rng, editor_b, binding_b)
        assert_in_sync((editor_a, binding_a), (editor_b, binding_b))
        wire.flush()
        assert str(binding_a.text).encode() == str(binding_b.text).encode()
        assert_in_sync((editor_a, binding_a), (editor_b, binding_b))


# --- the local caret under remote edits ------------------------------------------------


def test_remote_edits_keep_caret_on_its_character(qtbot: QtBot) -> None:
    _, text = new_doc("ett två tre")
    editor, _ = bind(qtbot, text)
    set_caret(editor, 4)  # before "två"
    remote_insert(text, 0, "😀å ")  # before the caret: 4 units more
    assert editor.textCursor().position() == 8
    assert after_caret(editor) == "två tre"
    remote_insert(text, len("😀å ett två"), "!!")  # after the caret
    assert editor.textCursor().position() == 8
    remote_insert(text, len("😀å ett "), "ÖÖ")  # exactly at the caret: caret stays put
    assert editor.textCursor().position() == 8
    assert shown(editor) == "😀å ett ÖÖtvå!! tre"


def test_remote_delete_around_caret(qtbot: QtBot) -> None:
    _, text = new_doc("abc😀def")
    editor, _ = bind(qtbot, text)
    set_caret(editor, 6)  # between "d" and "e"
    del text[1:3]  # bytes: "bc"
    assert editor.textCursor().position() == 4
    del text[1 : 1 + 5]  # "😀d", the caret's left neighbour goes too
    assert editor.textCursor().position() == 1
    assert shown(editor) == "aef"


@pytest.mark.parametrize(
    ("where", "expected"),
    [("before", "två"), ("after", "två"), ("start", "två"), ("end", "två"), ("inside", "tÅÅvå")],
)
def test_remote_insert_keeps_selection(qtbot: QtBot, where: str, expected: str) -> None:
    _, text = new_doc("ett två tre")
    editor, _ = bind(qtbot, text)
    set_caret(editor, 7, anchor=4)  # "två", anchor before head
    at = {"before": 1, "after": 9, "start": 4, "end": 7, "inside": 5}[where]
    remote_insert(text, at, "ÅÅ")
    assert editor.textCursor().selectedText() == expected
    # A backwards selection (head before anchor) behaves the same.
    _, text2 = new_doc("ett två tre")
    editor2, _ = bind(qtbot, text2)
    set_caret(editor2, 4, anchor=7)
    remote_insert(text2, at, "ÅÅ")
    assert editor2.textCursor().selectedText() == expected
    assert editor2.textCursor().position() < editor2.textCursor().anchor()


def test_remote_edit_keeps_scroll_position(qtbot: QtBot) -> None:
    _, text = new_doc("".join(f"rad {i}\n" for i in range(300)))
    editor, _ = bind(qtbot, text)
    editor.show()
    qtbot.waitExposed(editor)
    set_caret(editor, editor.document().findBlockByNumber(10).position())
    editor.verticalScrollBar().setValue(100)  # the user scrolled away from the caret
    top_before = editor.firstVisibleBlock().text()
    assert top_before == "rad 100"
    remote_insert(text, 0, "ny 1\nny 2\nny 3\n")  # above the viewport and the caret
    assert editor.firstVisibleBlock().text() == top_before
    assert after_caret(editor) == "rad 10"
    # Exactly at the caret: the caret stays before it, and the view does not jump to it.
    remote_insert(
        text, len("ny 1\nny 2\nny 3\n") + len("".join(f"rad {i}\n" for i in range(10))), "X\n"
    )
    assert after_caret(editor) == "X"
    assert editor.firstVisibleBlock().text() == top_before
    value = editor.verticalScrollBar().value()
    remote_insert(text, len(str(text)), "sist\n")  # below the viewport
    assert editor.verticalScrollBar().value() == value


# --- undo / redo --------------------------------------------------------------------------


def test_undo_removes_only_own_edits(qtbot: QtBot, pair: Pair) -> None:
    editor_a, binding_a, editor_b, binding_b, _ = pair
    set_caret(editor_a, 0)
    type_unicode(editor_a, "Mitt ")
    set_caret(editor_b, editor_b.document().characterCount() - 1)
    type_unicode(editor_b, "Kollegans 😀")
    expected_after_undo = "Hej på dig 😀\nrad två\nKollegans 😀"
    assert binding_a.can_undo()
    while binding_a.can_undo():
        qtbot.keyClick(editor_a, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert shown(editor_a) == shown(editor_b) == expected_after_undo
    assert binding_a.can_redo()
    qtbot.keyClick(
        editor_a,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert shown(editor_b).startswith("M")
    while binding_a.redo():
        pass
    assert shown(editor_b) == "Mitt " + expected_after_undo
    # Colleague undoing their own work leaves ours.
    while binding_b.can_undo():
        qtbot.keyClick(editor_b, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert shown(editor_a) == "Mitt Hej på dig 😀\nrad två\n"
    qtbot.keyClick(editor_b, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert shown(editor_a).endswith("\nK")
    assert_in_sync((editor_a, binding_a), (editor_b, binding_b))


def test_undo_groups_and_places_caret(qtbot: QtBot) -> None:
    _, text = new_doc("abc")
    editor, binding = bind(qtbot, text, capture_timeout_millis=60_000)
    states: list[tuple[bool, bool]] = []
    binding.undoStateChanged.connect(lambda u, r: states.append((u, r)))
    set_caret(editor, 3)
    type_unicode(editor, " åäö 😀")
    remote_insert(text, 0, "X")  # a colleague typing meanwhile does not join our group
    set_caret(editor, 0)
    assert binding.undo()
    assert str(text) == "Xabc"
    assert editor.textCursor().position() == 4  # where the undone text was
    assert not binding.can_undo() and binding.can_redo()
    assert states[-1] == (False, True)
    assert binding.redo()
    assert str(text) == "Xabc åäö 😀"
    assert not binding.redo()


# --- lifetime ----------------------------------------------------------------------------------


def test_detach_unsubscribes_everything(qtbot: QtBot) -> None:
    _, text = new_doc("hej")
    editor, binding = bind(qtbot, text)
    binding.set_remote_peers(
        [("Bo", "blue", sticky(text, 1, Assoc.AFTER), sticky(text, 3, Assoc.BEFORE))]
    )
    binding.detach()
    binding.detach()  # idempotent
    qtbot.keyClicks(editor, "x")
    assert str(text) == "hej"
    remote_insert(text, 0, "Y")
    assert shown(editor) == "xhej"
    assert editor.extraSelections() == []
    assert editor.document().isUndoRedoEnabled()


def test_editor_destroyed_before_detach(qtbot: QtBot) -> None:
    _, text = new_doc("hej")
    editor = QPlainTextEdit()
    binding = YTextBinding(editor, text)
    with qtbot.waitSignal(editor.destroyed):
        editor.deleteLater()
    remote_insert(text, 0, "still fine ")
    binding.detach()
    assert str(text) == "still fine hej"


def test_binding_refuses_other_threads(qtbot: QtBot) -> None:
    _, text = new_doc("hej")
    editor = make_editor(qtbot)
    errors: list[BaseException] = []

    def create() -> None:
        try:
            YTextBinding(editor, text)
        except RuntimeError as exc:
            errors.append(exc)

    worker = threading.Thread(target=create)
    worker.start()
    worker.join()
    assert len(errors) == 1 and "thread" in str(errors[0])


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="bools are immortal from 3.12")
def test_long_session_does_not_drain_true(qtbot: QtBot, pair: Pair) -> None:
    """PySide 6.12's ``emit()`` takes a reference from ``True`` each call (see ``_emit``)."""
    editor_a, binding_a, editor_b, _, _ = pair
    binding_a.set_remote_peers([("B", "blue", *binding_a.local_selection_sticky())])
    before = sys.getrefcount(True)
    for i in range(300):
        set_caret(editor_a if i % 2 else editor_b, 0)
        type_unicode(editor_a if i % 2 else editor_b, "ö")
        if i % 50 == 0:
            binding_a.undo()
            binding_a.redo()
            QApplication.processEvents()  # run the deferred caret refresh
    assert sys.getrefcount(True) > before - 20  # the bug would take 150+


def test_local_origin_is_used(qtbot: QtBot) -> None:
    _, text = new_doc()
    editor, _ = bind(qtbot, text)
    origins: list[object] = []
    text.observe(lambda ev: origins.append(ev.transaction.origin))
    qtbot.keyClicks(editor, "ab")
    assert origins == [LOCAL_ORIGIN, LOCAL_ORIGIN]
