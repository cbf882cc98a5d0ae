"""create_doc and set_meta: each call returns a ref, answered by one RequestAnswered event;
the creator gets the new document's text too; refusals reach the caller, not the status."""

from __future__ import annotations

from kmclient.core.model import RequestAnswered
from kmclient.core.sync_engine import NotOnline
from tests.integration.conftest import Clients, recorder


def answers(events: list) -> dict[str, RequestAnswered]:
    return {e.ref: e for e in events if isinstance(e, RequestAnswered)}


def test_an_owner_creates_a_draft_and_gets_its_text(clients: Clients) -> None:
    olle = clients.signed_in("olle")
    sara = clients.signed_in("sara")
    events = recorder(olle)
    body = "# Boendeparkering i Årsta\n\nNytt område 🅿️.\n"
    ref = olle.create_doc("arsta", "Boendeparkering i Årsta", body, topics=["parking"])
    clients.wait(lambda: ref in answers(events))
    answer = answers(events)[ref]
    assert (answer.ok, answer.request, answer.doc_id) == (True, "create_doc", "arsta")
    info = olle.doc("arsta")
    assert info is not None and info.status == "draft" and info.owner == "olle" and info.can_edit
    # The server forwards the text to others only; the engine asks for it.
    clients.wait(lambda: olle.text("arsta") == body)
    clients.wait(lambda: sara.text("arsta") == body)
    assert olle.unconfirmed == 0 and olle.status.error is None  # the create's ack was not an edit's


def test_a_taken_id_is_answered_as_a_conflict(clients: Clients) -> None:
    olle = clients.signed_in("olle")
    events = recorder(olle)
    ref = olle.create_doc("parking", "Another parking page")
    clients.wait(lambda: ref in answers(events))
    answer = answers(events)[ref]
    assert not answer.ok and answer.code == "conflict"
    assert olle.status.error is None  # shown where it was asked, not in the status bar
    assert olle.doc("parking") is not None and olle.doc("parking").title == "Parking permit"


def test_supervisor_publishes_a_draft_and_a_rep_receives_it(clients: Clients) -> None:
    sara = clients.signed_in("sara")
    rita = clients.signed_in("rita")
    assert rita.doc("draft") is None
    sara.publish("draft", "ready now")
    clients.wait(
        lambda: sara.doc("draft").status == "published" and not sara.pending_changes("draft")
    )
    clients.wait(lambda: rita.text("draft") == "# Towing\n\nNot ready.\n")
    assert rita.doc("draft").published.note == "ready now"


def test_refused_metadata_changes_are_answered(clients: Clients) -> None:
    olle = clients.signed_in("olle")
    events = recorder(olle)
    publish = olle.set_meta("parking", audience=["supervisor"])  # only supervisors
    retitle = olle.set_meta("school", title="Mine now")  # karin's document
    clients.wait(lambda: {publish, retitle} <= set(answers(events)))
    assert answers(events)[publish].code == "forbidden"
    assert answers(events)[retitle].code == "forbidden"
    assert olle.doc("school").title == "School places"
    ok = olle.set_meta("parking", title="Parking permits", topics=["parking", "payments"])
    clients.wait(lambda: ok in answers(events))
    assert answers(events)[ok].ok
    assert olle.doc("parking").topics == ("parking", "payments")


def test_requests_need_a_connection_and_lost_ones_are_answered(clients: Clients) -> None:
    olle = clients.signed_in("olle")
    events = recorder(olle)
    ref = olle.set_meta("parking", title="Parking permit (new)")
    olle.disconnect()  # before the engine can have read any answer
    answer = answers(events)[ref]
    assert (answer.ok, answer.code) == (False, "disconnected")
    try:
        olle.create_doc("x", "X")
    except NotOnline:
        pass
    else:
        raise AssertionError("create_doc offline must raise NotOnline")
