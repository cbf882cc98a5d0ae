"""YTextBinding: real QPlainTextEdits (offscreen) bound to real pycrdt Docs, no mocks.

Unicode is typed with QKeyEvent(Key_unknown, text) or QInputMethodEvent commits:
qtbot.keyClicks with any non-ASCII character aborts the whole process.
"""

from __future__ import annotations

import random
import sys
import threading
from collections.abc import Iterator

import pytest
from pycrdt import Assoc, Doc, StickyIndex, Text, TransactionEvent
from PySide6.QtCore import QEvent, QRect, Qt
from PySide6.QtGui import (
    QColor,
    QInputMethodEvent,
    QKeyEvent,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTextEdit
from pytestqt.qtbot import QtBot

from kmclient.core.offsets import index_to_utf16, utf8_len, utf16_to_index
from kmclient.core.sticky import StickyCodec
from kmclient.ui.ytext_binding import LOCAL_ORIGIN, YTextBinding
from kmclient.ui.ytext_carets import PEER_SELECTION_PROPERTY, RemoteCaretOverlay, RemotePeer

REMOTE = "test.remote"

# --- helpers ------------------------------------------------------------------------


class Wire:
    """Carries updates between two Docs by hand, the way the network would.

    Delivers at once, or queues while ``paused`` so both sides can edit concurrently.
    """

    def __init__(self, a: Doc, b: Doc) -> None:
        self.paused = False
        self.queue: list[tuple[Doc, bytes]] = []
        self._receiving = False
        a.observe(lambda event: self._send(event, b))
        b.observe(lambda event: self._send(event, a))

    def _send(self, event: TransactionEvent, dst: Doc) -> None:
        if self._receiving:
            return  # what a doc just received is not its own to forward
        if self.paused:
            self.queue.append((dst, event.update))
        else:
            self._deliver(dst, event.update)

    def _deliver(self, dst: Doc, update: bytes) -> None:
        self._receiving = True
        try:
            deliver(dst, update)
        finally:
            self._receiving = False

    def flush(self) -> None:
        """Deliver what queued up, in order: one socket per client is FIFO.

        (pycrdt 0.14.13 can silently drop content when two updates of one client
        arrive before the one they build on; a state-vector sync repairs it.)
        """
        self.paused = False
        queue, self.queue = self.queue, []
        for dst, update in queue:
            self._deliver(dst, update)


def deliver(doc: Doc, update: bytes) -> None:
    with doc.transaction(origin=REMOTE):
        doc.apply_update(update)


def new_doc(body: str = "") -> tuple[Doc, Text]:
    doc = Doc()
    doc["body"] = text = Text()
    if body:
        text.insert(0, body)
    return doc, text


def replica(doc: Doc) -> tuple[Doc, Text]:
    other, text = new_doc()
    deliver(other, doc.get_update())
    return other, text


def make_editor(qtbot: QtBot) -> QPlainTextEdit:
    editor = QPlainTextEdit()
    qtbot.addWidget(editor)
    editor.resize(400, 300)
    return editor


def bind(qtbot: QtBot, text: Text, **kwargs: int) -> tuple[QPlainTextEdit, YTextBinding]:
    editor = make_editor(qtbot)
    binding = YTextBinding(editor, text, **kwargs)
    return editor, binding


def shown(editor: QPlainTextEdit) -> str:
    return editor.document().toRawText().replace("\u2029", "\n")


def type_unicode(widget: QPlainTextEdit, text: str) -> None:
    """Type code point by code point the way a keyboard layout delivers å, ö or an emoji."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            QApplication.sendEvent(widget, event)


def commit(widget: QPlainTextEdit, text: str, preedit: str = "") -> None:
    """What an input method sends: an optional preedit, or a commit string."""
    event = QInputMethodEvent(preedit, [])
    if not preedit:
        event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def set_caret(editor: QPlainTextEdit, pos: int, anchor: int | None = None) -> None:
    cursor = editor.textCursor()
    cursor.setPosition(pos if anchor is None else anchor)
    if anchor is not None:
        cursor.setPosition(pos, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)


def remote_insert(text: Text, at_char: int, value: str) -> None:
    """A colleague's insert, at a code-point index of the current text."""
    text.insert(utf8_len(str(text)[:at_char]), value)


def after_caret(editor: QPlainTextEdit) -> str:
    """The rest of the caret's line, to check the caret sits before the same characters."""
    cursor = editor.textCursor()
    cursor.clearSelection()
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText()


def sticky(text: Text, position: int, assoc: Assoc) -> bytes:
    """What a peer would publish for a Qt position in its copy of the text."""
    return StickyCodec(text).sticky_at(position, assoc).encode()


def assert_in_sync(*pairs: tuple[QPlainTextEdit, YTextBinding]) -> None:
    for editor, binding in pairs:
        model = str(binding.text)
        assert binding.model_text() == model
        assert shown(editor) == model.replace("\r", "\u200b")


Pair = tuple[QPlainTextEdit, YTextBinding, QPlainTextEdit, YTextBinding, "Wire"]


@pytest.fixture
def pair(qtbot: QtBot) -> Iterator[Pair]:
    doc_a, text_a = new_doc("Hej på dig 😀\nrad två\n")
    doc_b, text_b = replica(doc_a)
    wire = Wire(doc_a, doc_b)
    editor_a, binding_a = bind(qtbot, text_a, capture_timeout_millis=0)
    editor_b, binding_b = bind(qtbot, text_b, capture_timeout_millis=0)
    yield editor_a, binding_a, editor_b, binding_b, wire
    binding_a.detach()
    binding_b.detach()


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


# --- remote carets ---


class Replicas:
    """Several docs editing one body at random, remembering which character each id is."""

    POOL = ("a", "b", " ", "\n", "å", "ö", "é", "😀", "👩\u200d💻", "🇸🇪", "e\u0301")

    def __init__(self, seed: int, count: int = 3) -> None:
        self.rng = random.Random(seed)
        self.docs = [new_doc()[0] for _ in range(count)]
        self.texts = [doc.get("body", type=Text) for doc in self.docs]
        self.truth: dict[tuple[int, int], str] = {}  # (client, clock) -> character
        self.clocks = {doc.client_id: 0 for doc in self.docs}

    def edit(self, k: int | None = None) -> None:
        k = self.rng.randrange(len(self.docs)) if k is None else k
        doc, text = self.docs[k], self.texts[k]
        model = str(text)
        if model and self.rng.random() < 0.3:
            a = self.rng.randrange(len(model))
            z = min(len(model), a + self.rng.randint(1, 3))
            del text[utf8_len(model[:a]) : utf8_len(model[:z])]
            return
        i = self.rng.randint(0, len(model))
        piece = "".join(self.rng.choice(self.POOL) for _ in range(self.rng.randint(1, 4)))
        text.insert(utf8_len(model[:i]), piece)
        for ch in piece:  # one clock tick per UTF-16 unit
            self.truth[(doc.client_id, self.clocks[doc.client_id])] = ch
            self.clocks[doc.client_id] += index_to_utf16(ch, 1)

    def sync(self) -> None:
        for src in self.docs:
            for dst in self.docs:
                if src is not dst:
                    dst.apply_update(src.get_update(dst.get_state()))

    def char_of(self, data: bytes) -> str | None:
        item = StickyIndex.decode(data).to_json().get("item")
        return None if item is None else self.truth.get((item["client"], item["clock"]))


def test_pycrdt_sticky_index_units_are_mixed() -> None:
    """Why StickyCodec exists: pycrdt 0.14.13 sticky indices mix bytes and UTF-16 units."""
    doc_a, text_a = new_doc("åå😀")
    doc_b, text_b = replica(doc_a)
    text_b.insert(len(text_b), "xy")
    text_b.insert(0, "öö")  # B's own item, before A's
    deliver(doc_a, doc_b.get_update())
    assert str(text_a) == "ööåå😀xy"
    # Items: B "öö" (clocks 2-3), A "åå😀" (clocks 0-3), B "xy". Clocks count UTF-16 units.
    second_a = {"client": doc_a.client_id, "clock": 1}  # A's second "å", byte offset 6
    # pycrdt skips "öö" as 4 bytes, then counts the remaining 2 as clock units: the emoji.
    naive = text_a.sticky_index(6, Assoc.AFTER).to_json()["item"]
    assert naive == {"client": doc_a.client_id, "clock": 2}
    # ... and reading the second "å" back gives 4 + 1 = 5, inside the first "å".
    assert StickyIndex.from_json({"item": second_a, "assoc": 0}, text_a).get_index() == 5
    codec = StickyCodec(text_a)
    exact = codec.sticky_at(3, Assoc.AFTER)  # Qt position 3: before the second "å"
    assert exact.to_json()["item"] == second_a
    assert codec.position_of(exact.encode()) == 3
    assert StickyCodec(text_b).position_of(exact.to_json()) == 3  # same place on the other side


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sticky_codec_is_exact(seed: int) -> None:
    reps = Replicas(seed)
    for step in range(120):
        reps.edit()
        if step % 7 == 0:
            reps.sync()
    reps.sync()
    text = reps.texts[0]
    model = str(text)
    codec, other = StickyCodec(text), StickyCodec(reps.texts[1])
    for i in range(len(model) + 1):
        pos = index_to_utf16(model, i)
        if i < len(model):
            after = codec.sticky_at(pos, Assoc.AFTER).encode()
            assert reps.char_of(after) == model[i]
            assert codec.position_of(after) == pos
            assert other.position_of(after) == pos
        if i > 0:
            before = codec.sticky_at(pos, Assoc.BEFORE).encode()
            assert reps.char_of(before) == model[i - 1]
            assert codec.position_of(before) == pos
            assert other.position_of(before) == pos


def test_sticky_codec_follows_concurrent_edits() -> None:
    reps = Replicas(42)
    for _ in range(60):
        reps.edit()
    reps.sync()
    text = reps.texts[0]
    model = str(text)
    codec = StickyCodec(text)
    # Every character's sticky index, and which character it is.
    marks = [
        (codec.sticky_at(index_to_utf16(model, i)).encode(), model[i]) for i in range(len(model))
    ]
    for _ in range(80):
        reps.edit()
    reps.sync()
    for doc_text in reps.texts:
        now = str(doc_text)
        codec = StickyCodec(doc_text)
        kept = 0
        for data, ch in marks:
            pos = codec.position_of(data)
            assert pos is not None and 0 <= pos <= index_to_utf16(now, len(now))
            i = utf16_to_index(now, pos)
            if i < len(now) and now[i] == ch:
                kept += 1
        # Survivors are found exactly; deleted ones resolve to where they were.
        assert kept >= len([1 for data, ch in marks if reps.char_of(data) == ch]) // 2


def test_sticky_carets_follow_edits(qtbot: QtBot, pair: Pair) -> None:
    editor_a, binding_a, editor_b, binding_b, _ = pair
    # A selects "dig 😀" (6 UTF-16 units) and publishes it; B draws it.
    start = index_to_utf16(str(binding_a.text), len("Hej på "))
    set_caret(editor_a, start + 6, anchor=start)
    anchor, head = binding_a.local_selection_sticky()
    anchor_json, head_json = binding_a.local_selection_sticky_json()
    binding_b.set_remote_peers([("Anna", "#e91e63", anchor, head)])
    (peer,) = binding_b.remote_peer_positions()
    assert (peer.name, peer.anchor, peer.head) == ("Anna", start, start + 6)
    assert peer.colour == QColor("#e91e63")

    def drawn() -> tuple[int, int]:
        (peer,) = binding_b.remote_peer_positions()
        return peer.anchor, peer.head

    set_caret(editor_b, 0)
    type_unicode(editor_b, "Åh 👋 ")  # B's own edit before it: 6 units
    qtbot.waitUntil(lambda: drawn() == (start + 6, start + 12))
    set_caret(editor_a, 0)
    commit(editor_a, "ööö")  # a colleague's edit before it
    qtbot.waitUntil(lambda: drawn() == (start + 9, start + 15))
    # Typing at either end of the selection stays outside it.
    set_caret(editor_b, start + 9)
    type_unicode(editor_b, "Ä")
    qtbot.waitUntil(lambda: drawn() == (start + 10, start + 16))
    set_caret(editor_b, start + 16)
    type_unicode(editor_b, "Ä")
    qtbot.waitUntil(lambda: drawn() == (start + 10, start + 16))
    selected = QTextCursor(editor_b.document())
    selected.setPosition(start + 10)
    selected.setPosition(start + 16, QTextCursor.MoveMode.KeepAnchor)
    assert selected.selectedText() == "dig 😀"
    # The JSON form places it the same.
    binding_b.set_remote_peers([RemotePeer("Anna", QColor("#e91e63"), anchor_json, head_json)])
    assert drawn() == (start + 10, start + 16)


def test_remote_caret_drawing(qtbot: QtBot) -> None:
    _, text = new_doc("första raden\nandra raden")
    editor, binding = bind(qtbot, text)
    editor.show()
    qtbot.waitExposed(editor)
    own = QTextEdit.ExtraSelection()
    own.cursor = QTextCursor(editor.document())
    own.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
    editor.setExtraSelections([own])
    caret = sticky(text, len("första raden\nand"), Assoc.BEFORE)
    sel_anchor = sticky(text, 0, Assoc.AFTER)
    sel_head = sticky(text, len("första"), Assoc.BEFORE)
    binding.set_remote_peers(
        [("Bo", QColor(0, 0, 255), caret, caret), ("Cia", "#00ff00", sel_anchor, sel_head)]
    )
    ours = [s for s in editor.extraSelections() if s.format.property(PEER_SELECTION_PROPERTY)]
    assert len(ours) == 1 and ours[0].cursor.selectedText() == "första"
    assert len(editor.extraSelections()) == 2  # the editor's own selection is kept
    overlay = editor.viewport().findChild(RemoteCaretOverlay)
    assert overlay is not None
    bar = overlay.caret_rect(len("första raden\nand"))
    image = overlay.grab().toImage()
    assert image.pixelColor(bar.center()).blue() > 200  # Bo's blue caret bar is painted
    binding.set_remote_peers([])
    assert len(editor.extraSelections()) == 1


def test_name_tags_keep_off_the_text_and_fade_while_idle(qtbot: QtBot) -> None:
    body = "Rubrik\n\nen lång rad med text här\nnästa rad med mer text"
    _, text = new_doc(body)
    editor, binding = bind(qtbot, text)
    editor.show()
    qtbot.waitExposed(editor)
    overlay = editor.viewport().findChild(RemoteCaretOverlay)
    assert overlay is not None
    overlay.ACTIVE_MS = 300
    third = body.index("en lång") + len("en lång")  # the line above is empty
    fourth = body.index("nästa rad") + len("nästa rad")  # text above, nothing below

    def peer_at(position: int) -> tuple[str, QColor, bytes, bytes]:
        caret = sticky(text, position, Assoc.BEFORE)
        return ("Bo", QColor(0, 0, 255), caret, caret)

    def painted_tag() -> QRect:
        overlay.grab()  # paints now
        return overlay.drawn_tags["Bo"]

    binding.set_remote_peers([peer_at(third)])
    bar = overlay.caret_rect(third)
    assert painted_tag().bottom() < bar.top()  # above, over the empty line
    binding.set_remote_peers([peer_at(fourth)])
    bar = overlay.caret_rect(fourth)
    tag = painted_tag()
    assert tag.top() > bar.bottom()  # below: above it would cover "med text"
    assert tag.height() < bar.height()  # smaller than a line of text
    assert overlay.is_active("Bo")
    solid = overlay.grab().toImage().pixelColor(tag.left() + 2, tag.center().y())
    qtbot.waitUntil(lambda: not overlay.is_active("Bo"), timeout=3000)
    faded = overlay.grab().toImage().pixelColor(tag.left() + 2, tag.center().y())
    assert (solid.blue(), solid.alpha()) == (255, 255)
    assert faded.blue() == 255 and faded.alpha() < 128  # see-through while idle
    binding.set_remote_peers([peer_at(fourth)])  # the same state again: not a move
    assert not overlay.is_active("Bo")


def test_remote_edits_are_reported_for_highlighting_own_edits_and_undo_not(pair: Pair) -> None:
    editor_a, binding_a, editor_b, binding_b, _ = pair
    seen_a: list[list[tuple[int, int]]] = []
    seen_b: list[list[tuple[int, int]]] = []
    binding_a.remoteEdited.connect(seen_a.append)
    binding_b.remoteEdited.connect(seen_b.append)
    set_caret(editor_a, len("Hej "))
    type_unicode(editor_a, "å😀")
    assert seen_a == []  # typed here
    assert seen_b == [[(4, 1)], [(5, 2)]]  # Qt positions and UTF-16 lengths in b's editor
    inserted = QTextCursor(editor_b.document())
    inserted.setPosition(5)
    inserted.setPosition(7, QTextCursor.MoveMode.KeepAnchor)
    assert inserted.selectedText() == "😀"
    caret_b = editor_b.textCursor().position()
    binding_a.undo()
    assert seen_a == []  # undoing one's own edit is not a colleague's change
    assert seen_b[-1] == [(5, 0)]  # the emoji went: a removal, marked where it was
    assert editor_b.textCursor().position() == caret_b


def test_unplaceable_sticky_is_skipped(qtbot: QtBot) -> None:
    _, text = new_doc("hej")
    _, binding = bind(qtbot, text)
    _, elsewhere = new_doc("en annan text")  # ids this doc has never seen
    unknown = sticky(elsewhere, 3, Assoc.AFTER)
    binding.set_remote_peers([("Ghost", "red", unknown, unknown), ("Bad", "red", b"\xff", b"")])
    assert binding.remote_peer_positions() == []
    assert binding.sticky_to_position({"nonsense": 1}) is None
    assert binding.sticky_to_position("not json at all") is None


def test_local_caret_at_end_and_in_empty_text(qtbot: QtBot) -> None:
    _, text = new_doc()
    editor, binding = bind(qtbot, text)
    anchor, head = binding.local_selection_sticky()  # empty text: must not panic
    assert binding.sticky_to_position(head) == 0
    type_unicode(editor, "åäö")
    anchor, head = binding.local_selection_sticky()  # at the end: must not panic either
    assert anchor == head and binding.sticky_to_position(head) == 3
    remote_insert(text, 0, "😀")
    assert binding.sticky_to_position(head) == 5
    remote_insert(text, 4, "!")  # appended after the caret: it stays before it
    assert binding.sticky_to_position(head) == 5


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
