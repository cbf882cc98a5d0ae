"""Passage anchors through engines: made on one client, moved by concurrent edits
(Swedish and emoji before and inside the passage), found on every other client."""

from __future__ import annotations

from pycrdt import Text

from kmclient.core.sync_engine import SyncEngine
from tests.integration.conftest import Clients
from tests.integration.test_feedback_engine import go_offline, reconnect

PASSAGE = "Överklaga inom tre veckor."


def insert_at(text: Text, index: int, words: str) -> None:
    """Insert at a character index (pycrdt 0.14 counts UTF-8 bytes)."""
    text.insert(len(str(text)[:index].encode()), words)


def delete_span(text: Text, start: int, end: int) -> None:
    model = str(text)
    first = len(model[:start].encode())
    del text[first : first + len(model[start:end].encode())]


def edit(engine: SyncEngine, doc_id: str, change) -> None:  # type: ignore[no-untyped-def]
    text = engine.open_doc(doc_id)["body"]
    change(text)
    engine.close_doc(doc_id)  # stores the edit in the outbox (sent when online)


def passage(engine: SyncEngine, record) -> str | None:  # type: ignore[no-untyped-def]
    span = engine.resolve_anchor(record)
    if span is None:
        return None
    return (engine.text(record.doc_id) or "")[span[0] : span[1]]


def publish(engine: SyncEngine, clients: Clients, doc_id: str = "parking") -> None:
    engine.publish(doc_id)
    clients.wait(lambda: not engine.pending_changes(doc_id))


def test_a_passage_flag_survives_concurrent_edits_and_resolves_everywhere(
    clients: Clients,
) -> None:
    """A rep flags a passage of the published text; editors change the working copy
    around and inside it offline, then publish: the flag finds its passage in the
    editors' working copies and in every reader's new revision (one CRDT's items)."""
    rita = clients.signed_in("rita")
    olle = clients.signed_in("olle")
    sara = clients.signed_in("sara")
    karin = clients.signed_in("karin")  # a reader of parking, like rita
    # Non-ASCII before the passage from the start: offsets differ in every unit.
    edit(olle, "parking", lambda t: insert_at(t, 0, "⚠️ Nytt 2026 😀: "))
    publish(olle, clients)
    clients.wait(lambda: (rita.text("parking") or "").startswith("⚠️ Nytt"))

    go_offline(clients, rita, olle, sara)
    current = rita.text("parking") or ""
    start = current.index(PASSAGE)
    fid = rita.flag("parking", "incorrect", "Four weeks for companies", passage=(start, start + 26))
    flag = rita.flag_by_id(fid)
    assert flag.anchor is not None and flag.anchor.quote == PASSAGE
    assert passage(rita, flag) == PASSAGE  # pending, resolved locally at once
    assert rita.unconfirmed == 0  # making an anchor is not an edit

    # Meanwhile, offline as well: olle writes before the passage, sara inside it.
    edit(olle, "parking", lambda t: insert_at(t, str(t).index("Apply"), "Åsa säger: "))
    edit(sara, "parking", lambda t: insert_at(t, str(t).index("veckor"), "(fyra för 🏢) "))
    for engine in (rita, olle, sara):
        reconnect(clients, engine)
    moved = "Överklaga inom tre (fyra för 🏢) veckor."
    clients.wait(lambda: karin.flag_by_id(fid) is not None)
    for engine in (olle, sara):  # the editors' working copies
        clients.wait(lambda e=engine: moved in (e.text("parking") or ""))
        clients.wait(lambda e=engine: e.unconfirmed == 0)
        assert passage(engine, engine.flag_by_id(fid)) == moved, engine.user
    assert PASSAGE in (karin.text("parking") or "")  # readers: not published yet
    assert passage(karin, karin.flag_by_id(fid)) == PASSAGE
    publish(sara, clients)
    expected = "⚠️ Nytt 2026 😀: # Parking permit\n\nÅsa säger: Apply online. " + moved + "\n"
    assert clients.server.body_text("parking") == expected
    for engine in (rita, karin):
        clients.wait(lambda e=engine: (e.text("parking") or "") == expected)
        assert passage(engine, engine.flag_by_id(fid)) == moved, engine.user

    # An open document is used as it is, here with an edit not stored yet; anchoring
    # on it is not an edit, and the new anchor names the new characters.
    doc = olle.open_doc("parking")
    insert_at(doc["body"], 0, "Ny rad ✅\n")
    assert passage(olle, olle.flag_by_id(fid)) == moved
    cid = olle.comment("parking", "Ny rad?", passage=(0, 8))
    olle.close_doc("parking")
    clients.wait(lambda: olle.unconfirmed == 0 and olle.pending_requests == 0)
    assert olle.replica.store.outbox_rows() == []
    clients.wait(lambda: bool(karin.comments("parking")))
    # A comment on words not published yet: readers see its quote until they are.
    assert passage(karin, karin.comments("parking")[0].root) is None
    publish(olle, clients)
    clients.wait(lambda: (karin.text("parking") or "")[:3] == "Ny ")
    assert passage(karin, karin.comments("parking")[0].root) == "Ny rad ✅"
    assert cid == karin.comments("parking")[0].id

    # When the passage is deleted and that is published, there is no span: the UI
    # shows the quote.
    edit(
        olle,
        "parking",
        lambda t: delete_span(t, str(t).index(moved), str(t).index(moved) + len(moved)),
    )
    clients.wait(lambda: olle.unconfirmed == 0)
    publish(olle, clients)
    clients.wait(lambda: "veckor" not in (rita.text("parking") or ""))
    gone = rita.flag_by_id(fid)
    assert rita.resolve_anchor(gone) is None and gone.anchor.quote == PASSAGE
    # A flag without a passage has no span either.
    whole = rita.flag("parking", "outdated")
    assert rita.resolve_anchor(rita.flag_by_id(whole)) is None


def test_comment_and_note_anchors_resolve_in_one_batch(clients: Clients) -> None:
    olle = clients.signed_in("olle")
    text = olle.text("parking") or ""
    first = olle.comment("parking", "Tydligare?", passage=(0, 16))
    second = olle.note("parking", "Kolla med juristen", passage=(text.index("Över"), len(text) - 1))
    threads = olle.comments("parking")
    notes = olle.notes("parking")
    spans = olle.resolve_anchors([threads[0].root, *notes])
    assert text[slice(*spans[first])] == "# Parking permit"
    assert text[slice(*spans[second])] == PASSAGE
    clients.wait(lambda: olle.pending_requests == 0)
    assert olle.resolve_anchor(olle.comments("parking")[0]) == spans[first]  # a thread too
