"""Publishing through real engines: what a rep's profile and search index hold, offline
publishing sent once, what changed, questions to the server, losing edit rights."""

from __future__ import annotations

from pathlib import Path

from kmclient.core.model import DocChanged, QueryAnswered
from tests.integration.conftest import Clients, recorder
from tests.integration.test_feedback_engine import go_offline, reconnect


def profile_bytes(directory: Path) -> bytes:
    """Every byte of a profile: the database, its WAL, the search index's files."""
    return b"".join(p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file())


def answer(clients: Clients, events: list, ref: str) -> QueryAnswered:
    clients.wait(lambda: any(isinstance(e, QueryAnswered) and e.ref == ref for e in events))
    return next(e for e in events if isinstance(e, QueryAnswered) and e.ref == ref)


def test_unpublished_text_never_reaches_a_reps_profile_or_index(clients: Clients) -> None:
    rita, olle = clients.signed_in("rita"), clients.signed_in("olle")
    clients.wait_indexed(rita)
    doc = olle.open_doc("parking")
    doc["body"].insert(0, "Hemlighetsfull utkastmening. ")
    olle.close_doc("parking")
    clients.wait(lambda: olle.unconfirmed == 0)
    assert olle.unpublished_changes("parking") is not None
    clients.wait_indexed(olle)
    assert [r.doc_id for r in olle.search("hemlighetsfull")] == ["parking"]  # editors do
    heard = recorder(rita)  # a round trip: whatever the server sent before has arrived
    answer(clients, heard, rita.ask("history", doc="parking"))
    clients.wait_indexed(rita)
    assert rita.search("hemlighetsfull", all_topics=True) == []
    assert b"Hemlighetsfull" not in profile_bytes(rita.profile_dir)

    events = recorder(rita)
    before = rita.text("parking")
    olle.publish("parking", "klart")
    clients.wait(lambda: (rita.text("parking") or "").startswith("Hemlighetsfull"))
    assert DocChanged("parking", "meta") in events
    assert any(isinstance(e, DocChanged) and e.kind == "published" for e in events)
    assert rita.previous_revision("parking") == (1, before)  # what changed, offline too
    assert rita.doc("parking").rev == 2 and rita.doc("parking").published.note == "klart"
    clients.wait_indexed(rita)
    assert [r.doc_id for r in rita.search("hemlighetsfull")] == ["parking"]
    clients.wait(lambda: olle.unpublished_changes("parking") is None)


def test_an_offline_publish_is_sent_on_reconnect_and_done_once(clients: Clients) -> None:
    olle, rita = clients.signed_in("olle"), clients.signed_in("rita")
    go_offline(clients, olle)
    olle.open_doc("parking")["body"].insert(0, "Offline. ")
    olle.close_doc("parking")
    request = olle.publish("parking", "från tåget")
    assert olle.pending_changes("parking") == ["publish"] and olle.unconfirmed == 1
    olle.close()  # the app quits before it is online again: nothing is lost

    olle = clients.engine("olle")
    assert olle.pending_changes("parking") == ["publish"]
    reconnect(clients, olle)  # the edit first, then the publication
    clients.wait(lambda: (rita.text("parking") or "").startswith("Offline. "))
    assert olle.pending_changes("parking") == []
    go_offline(clients, olle)
    reconnect(clients, olle)
    events = recorder(olle)
    ref = olle.ask("history", doc="parking")
    revisions = answer(clients, events, ref).data["revisions"]
    assert [(r["rev"], r["note"]) for r in revisions] == [(2, "från tåget"), (1, "parking.md")]
    assert request  # the request's id, kept with it in the outbox


def test_refusals_and_questions(clients: Clients) -> None:
    olle, rita = clients.signed_in("olle"), clients.signed_in("rita")
    events = recorder(olle)
    olle.publish("parking")  # nothing changed since revision 1
    clients.wait(lambda: not olle.pending_changes("parking"))
    (failed,) = [e for e in events if type(e).__name__ == "RequestFailed"]
    assert failed.code == "conflict" and "nothing to publish" in failed.message

    heard = recorder(rita)
    ref = rita.ask("revision", doc="parking", rev=1)
    assert answer(clients, heard, ref).data["text"] == rita.text("parking")
    missing = answer(clients, heard, rita.ask("revision", doc="parking", rev=7))
    assert (missing.ok, missing.code) == (False, "not_found")
    audit = answer(clients, heard, rita.ask("audit"))
    assert (audit.ok, audit.code) == (False, "forbidden")


def test_losing_edit_rights_drops_the_working_copy(clients: Clients) -> None:
    olle, sara = clients.signed_in("olle"), clients.signed_in("sara")
    published = olle.published_text("parking")
    olle.open_doc("parking")["body"].insert(0, "Ej publicerat. ")
    olle.close_doc("parking")
    clients.wait(lambda: olle.unconfirmed == 0)
    events = recorder(olle)
    sara.set_meta("parking", owner="karin")
    clients.wait(lambda: not olle.doc("parking").working)
    assert DocChanged("parking", "reset") in events
    assert olle.text("parking") == published
    assert olle.working_text("parking") is None
    assert "parking" not in olle.replica.store.working_ids()
    clients.wait_indexed(olle)
    assert olle.search("publicerat", all_topics=True) == []
