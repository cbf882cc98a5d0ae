"""Colleagues' carets: sticky positions, drawing, name tags."""

from __future__ import annotations

import random

import pytest
from pycrdt import Assoc, StickyIndex, Text
from PySide6.QtCore import QRect
from PySide6.QtGui import (
    QColor,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QTextEdit
from pytestqt.qtbot import QtBot

from kmclient.core.offsets import index_to_utf16, utf8_len, utf16_to_index
from kmclient.core.sticky import StickyCodec
from kmclient.ui.editing.ytext_carets import PEER_SELECTION_PROPERTY, RemoteCaretOverlay, RemotePeer
from tests.client_ui.editing.ytext_helpers import (
    Pair,
    bind,
    commit,
    deliver,
    new_doc,
    remote_insert,
    replica,
    set_caret,
    sticky,
    type_unicode,
)

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
