"""Passage anchors on pycrdt texts with Swedish and emoji: made on one Doc,
resolved on another after concurrent edits, gone when the passage is deleted."""

from __future__ import annotations

import pytest
from pycrdt import Doc, Text

from kmclient.core.anchors import make_anchor, resolve_anchors
from kmclient.core.feedback_model import Anchor
from kmserver.protocol.ytext import body, new_doc, text_to_update

BASE = "# Bygglov 🏠\n\nSök bygglov i e-tjänsten. Handläggningstid: tio veckor 😀.\n"
PASSAGE = "Handläggningstid: tio veckor 😀."


def insert_at(text: Text, index: int, words: str) -> None:
    text.insert(len(str(text)[:index].encode()), words)


def delete_span(text: Text, start: int, end: int) -> None:
    model = str(text)
    first = len(model[:start].encode())
    del text[first : first + len(model[start:end].encode())]


def replicas(n: int) -> list[Doc]:
    seed = text_to_update(BASE)
    return [new_doc(seed) for _ in range(n)]


def sync(*docs: Doc) -> None:
    for a in docs:
        for b in docs:
            if a is not b:
                b.apply_update(a.get_update(b.get_state()))


def span_text(doc: Doc, anchor: Anchor) -> str | None:
    (span,) = resolve_anchors(body(doc), [anchor])
    return None if span is None else str(body(doc))[span[0] : span[1]]


def test_an_anchor_follows_its_passage_through_concurrent_edits() -> None:
    a, b, c = replicas(3)
    start = BASE.index(PASSAGE)
    anchor = make_anchor(body(a), start, start + len(PASSAGE))
    assert anchor.quote == PASSAGE
    assert span_text(a, anchor) == PASSAGE
    # b writes before the passage, c inside it and right after it, concurrently.
    insert_at(body(b), 0, "Ändrat 2026 ✅ ")
    insert_at(body(b), str(body(b)).index("Sök"), "Åsa: ")
    insert_at(body(c), str(body(c)).index("tio"), "högst ")
    insert_at(body(c), str(body(c)).index("😀.") + 3, " Överklaga 🙂")
    sync(a, b, c)
    moved = "Handläggningstid: högst tio veckor 😀."
    for doc in (a, b, c):
        assert span_text(doc, anchor) == moved


def test_a_deleted_passage_has_no_span_and_a_partly_deleted_one_keeps_the_rest() -> None:
    a, b = replicas(2)
    start = BASE.index(PASSAGE)
    anchor = make_anchor(body(a), start, start + len(PASSAGE))
    text = body(b)
    delete_span(text, str(text).index("Handläggningstid: "), str(text).index("tio"))
    sync(a, b)
    assert span_text(a, anchor) == "tio veckor 😀."
    delete_span(text, str(text).index("tio"), str(text).index("😀.") + 2)
    sync(a, b)
    assert span_text(a, anchor) is None
    assert anchor.quote == PASSAGE


def test_the_start_and_the_end_of_the_text_and_bad_input() -> None:
    (a,) = replicas(1)
    whole = make_anchor(body(a), 0, len(BASE))
    assert span_text(a, whole) == BASE
    first = make_anchor(body(a), 0, 1)
    assert span_text(a, first) == "#"
    with pytest.raises(ValueError):
        make_anchor(body(a), 3, 3)
    with pytest.raises(ValueError):
        make_anchor(body(a), 0, len(BASE) + 1)
    garbage = Anchor("!!!", "AAAA", "x")
    assert resolve_anchors(body(a), [garbage, None]) == [None, None]
    foreign = make_anchor(body(replicas(1)[0]), 0, 4)  # the same words, typed elsewhere
    assert span_text(a, foreign) is None


def test_an_anchor_on_characters_not_received_yet_resolves_later() -> None:
    a, b = replicas(2)
    insert_at(body(b), 0, "Nytt stycke på svenska 🇸🇪\n")
    anchor = make_anchor(body(b), 0, 12)
    assert span_text(a, anchor) is None  # a has not got b's edit yet
    sync(a, b)
    assert span_text(a, anchor) == "Nytt stycke "
