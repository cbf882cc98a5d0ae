"""Fresh sync, delta sync on a returning profile, and documents leaving a user's view."""

from __future__ import annotations

import pytest

from kmclient.core.model import DocChanged, SyncCompleted
from kmclient.core.sync_engine import NotSignedIn, ProfileMismatch
from tests.integration.conftest import Clients, recorder


def completed(events: list) -> list[SyncCompleted]:  # type: ignore[type-arg]
    return [e for e in events if isinstance(e, SyncCompleted)]


def changes(events: list) -> set[tuple[str, str]]:  # type: ignore[type-arg]
    return {(e.doc_id, e.kind) for e in events if isinstance(e, DocChanged)}


def test_fresh_sync_stores_every_visible_document(clients: Clients) -> None:
    rita = clients.engine("rita")
    events = recorder(rita)
    rita.connect(clients.server.url, "rita", "correct horse battery")
    clients.wait(lambda: rita.status.state == "online")

    assert {d.id for d in rita.documents(all_topics=True)} == {"parking", "school"}
    assert [d.id for d in rita.documents()] == ["parking"]  # her topic only
    assert rita.user is not None and rita.user.topics == ("parking",)
    assert rita.text("parking") == (
        "# Parking permit\n\nApply online. Överklaga inom tre veckor.\n"
    )
    assert rita.doc("parking").can_edit is False  # type: ignore[union-attr]
    (done,) = completed(events)
    assert (done.new, done.changed, done.removed) == (2, 0, 0)
    assert rita.cursor == done.cursor > 0
    assert rita.replica.store.get_setting("token")  # for the next sign-in
    assert (rita.status.done, rita.status.total, rita.unconfirmed) == (2, 2, 0)
    clients.wait_indexed(rita)
    assert [r.doc_id for r in rita.search("overklaga")] == ["parking"]

    sara = clients.signed_in("sara")  # a supervisor sees drafts and internal docs
    assert len(sara.documents(all_topics=True)) == 5


def test_a_returning_profile_gets_only_what_changed(clients: Clients) -> None:
    rita = clients.signed_in("rita")
    cursor = rita.cursor
    rita.close()

    sara = clients.signed_in("sara")
    doc = sara.open_doc("school")
    doc["body"].insert(0, "Ny text. ")
    clients.wait(lambda: sara.unconfirmed == 0)
    sara.publish("school")
    doc["body"].insert(0, "Not published. ")  # a rep's profile never gets this
    sara.set_meta("parking", audience=["supervisor"])
    clients.wait(lambda: sara.unconfirmed == 0 and sara.doc("parking").audience == ("supervisor",))  # type: ignore[union-attr]
    clients.wait(lambda: not sara.pending_changes("school"))

    back = clients.engine("rita")
    events = recorder(back)
    assert back.cursor == cursor and {d.id for d in back.documents(True)} == {"parking", "school"}
    back.connect(clients.server.url)  # the saved token, no password
    clients.wait(lambda: bool(completed(events)))
    (done,) = completed(events)
    assert (done.new, done.changed, done.removed) == (0, 1, 1)
    assert changes(events) == {("school", "meta"), ("school", "published"), ("parking", "removed")}
    assert back.text("school") == "Ny text. # School places\n\nApply in January.\n"
    assert back.cursor > cursor
    assert {d.id for d in back.documents(True)} == {"school"}
    clients.wait_indexed(back)
    assert back.search("parking", all_topics=True) == []
    assert back.replica.store.load_state("parking") is None


def test_a_document_whose_audience_changes_leaves_and_returns(clients: Clients) -> None:
    rita = clients.signed_in("rita")
    sara = clients.signed_in("sara")
    clients.wait_indexed(rita)
    assert [r.doc_id for r in rita.search("permit")] == ["parking"]
    events = recorder(rita)

    sara.set_meta("parking", audience=["supervisor"])
    clients.wait(lambda: rita.doc("parking") is None)
    assert DocChanged("parking", "removed") in events
    assert rita.text("parking") is None
    clients.wait_indexed(rita)
    assert "parking" not in rita.replica.index
    assert rita.search("permit", all_topics=True) == []

    sara.set_meta("parking", audience=["everyone"])
    clients.wait(lambda: "Överklaga" in (rita.text("parking") or ""))
    clients.wait_indexed(rita)
    assert [r.doc_id for r in rita.search("permit")] == ["parking"]


def test_a_profile_belongs_to_one_server_and_user(clients: Clients) -> None:
    rita = clients.signed_in("rita")
    rita.disconnect()
    assert rita.status.state == "offline"
    with pytest.raises(ProfileMismatch):
        rita.connect(clients.server.url, "sara", "correct horse battery")
    with pytest.raises(ProfileMismatch):
        rita.connect("ws://127.0.0.1:1", "rita")
    with pytest.raises(NotSignedIn):
        clients.engine("fresh").connect(clients.server.url, "rita")  # no token, no password
