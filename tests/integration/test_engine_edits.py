"""Local edits: outbox first, then the socket; concurrent editors converge; refusals repair."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from pycrdt import Text

from kmclient.core.model import AwarenessReceived, DocChanged
from kmclient.core.profile import DB_FILE
from kmclient.core.sync_engine import NotAllowed
from kmserver.protocol import awareness
from tests.integration.conftest import Clients, recorder


def insert_at_char(text: Text, char_index: int, value: str) -> None:
    """pycrdt 0.14 Text offsets are UTF-8 bytes: convert from characters first."""
    text.insert(len(str(text)[:char_index].encode("utf-8")), value)


def test_an_edit_reaches_the_server_and_the_other_client(clients: Clients) -> None:
    olle = clients.signed_in("olle")
    sara = clients.signed_in("sara")
    olle_events, sara_events = recorder(olle), recorder(sara)

    doc = olle.open_doc("parking")
    insert_at_char(doc["body"], len("# Parking permit"), " – för boende 🅿️")
    expected = "# Parking permit – för boende 🅿️\n\nApply online. Överklaga inom tre veckor.\n"
    assert olle.text("parking") == expected
    clients.wait(lambda: olle.unconfirmed == 1)  # stored in the outbox before it is sent
    assert len(olle.replica.store.outbox_rows()) == 1
    clients.wait(lambda: olle.unconfirmed == 0 and sara.text("parking") == expected)
    assert olle.replica.store.outbox_rows() == []
    assert clients.server.body_text("parking") == expected
    mine = [e for e in olle_events if isinstance(e, DocChanged) and e.kind == "content"]
    theirs = [e for e in sara_events if isinstance(e, DocChanged) and e.kind == "content"]
    assert [e.local for e in mine] == [True] and [e.local for e in theirs] == [False]
    assert mine[0].update == theirs[0].update  # the same bytes travelled
    clients.wait_indexed(sara)
    assert [r.doc_id for r in sara.search("boende")] == ["parking"]


def test_concurrent_edits_converge_with_swedish_letters_and_emoji(clients: Clients) -> None:
    olle = clients.signed_in("olle")
    sara = clients.signed_in("sara")
    a, b = olle.open_doc("parking")["body"], sara.open_doc("parking")["body"]
    # Interleaved: each edit is sent at once (one owner turn each) while the
    # other's are in flight, and both type past multi-byte characters.
    for i in range(5):
        insert_at_char(a, str(a).index("verklaga"), f"[å{i}😀]")
        insert_at_char(b, str(b).index(" permit"), f"<ä{i}ö>")
        if i == 2:
            del b[0 : len(b"# ")]
        clients.owner.run_pending()
    clients.wait(
        lambda: (
            olle.unconfirmed == 0
            and sara.unconfirmed == 0
            and olle.text("parking") == sara.text("parking")
            and "[å4😀]" in (sara.text("parking") or "")
            and "<ä4ö>" in (olle.text("parking") or "")
        )
    )
    final = olle.text("parking")
    assert final == str(a) == str(b) == clients.server.body_text("parking")
    assert final is not None and not final.startswith("# ")
    assert "Ö[å0😀][å1😀][å2😀][å3😀][å4😀]verklaga" in final
    assert "Parking<ä0ö><ä1ö><ä2ö><ä3ö><ä4ö> permit" in final


def test_a_refused_edit_is_dropped_and_the_document_restored(clients: Clients) -> None:
    adam = clients.signed_in("adam")  # an admin sees the working copy but may not edit it
    events = recorder(adam)
    original = adam.text("parking")
    doc = adam.open_doc("parking")
    doc["body"].insert(0, "Adam was here. ")
    clients.wait(lambda: DocChanged("parking", "reset") in events)
    assert adam.text("parking") == original
    assert str(adam.open_doc("parking")["body"]) == original  # the fresh Doc
    adam.close_doc("parking")
    assert adam.unconfirmed == 0 and adam.replica.store.outbox_rows() == []
    assert "not saved" in (adam.status.error or "")
    assert clients.server.body_text("parking") == original


def test_a_reader_cannot_open_the_working_copy(clients: Clients) -> None:
    rita = clients.signed_in("rita")
    with pytest.raises(NotAllowed):
        rita.open_doc("parking")
    published = rita.open_doc("parking", published=True)
    assert str(published["body"]) == rita.text("parking")
    rita.close_doc("parking", published=True)


def test_an_edit_whose_ack_may_be_lost_in_a_restart_is_stored_once(clients: Clients) -> None:
    olle = clients.signed_in("olle")
    olle.open_doc("parking")["body"].insert(0, "Once. ")
    clients.owner.run_pending()  # stored in the outbox and sent...
    clients.server.stop()  # ...and the server commits it while the ack may not arrive
    clients.server.start()
    clients.wait(lambda: olle.status.state == "online" and olle.unconfirmed == 0)
    assert clients.server.body_text("parking").startswith("Once. # Parking")
    assert olle.text("parking") == clients.server.body_text("parking")


def test_carets_travel_between_clients_with_the_document_open(clients: Clients) -> None:
    olle = clients.signed_in("olle")
    sara = clients.signed_in("sara")
    heard = recorder(sara)
    sara.open_doc("parking")
    olle.open_doc("parking")
    state = '{"user":{"name":"olle"},"cursor":{"anchor":3,"head":3}}'
    payload = awareness.encode([(4242, 1, state)])
    clients.wait(lambda: olle.status.state == "online")

    def relayed() -> bool:
        olle.send_awareness("parking", payload)
        clients.owner.run_pending()
        return AwarenessReceived("parking", payload) in heard

    clients.wait(relayed)
    olle.close_doc("parking")  # leaving the room tells the others the caret is gone
    clients.wait(
        lambda: any(isinstance(e, AwarenessReceived) and b"null" in e.payload for e in heard)
    )


def test_an_edit_survives_a_crash_between_the_outbox_and_the_socket(clients: Clients) -> None:
    """The profile as a crash would leave it at the moment the frame is handed
    to the socket already holds the edit; a restart from it sends it once."""
    olle = clients.signed_in("olle")
    crashed = clients.tmp_path / "profiles" / "olle-crashed"
    images: list[int] = []

    def crash_instead_of_sending(frame: str | bytes) -> None:
        if isinstance(frame, bytes) and not images:  # the update frame: the app dies here
            crashed.mkdir(mode=0o700)
            for name in (DB_FILE, DB_FILE + "-wal"):  # what is on disk now, as a crash leaves it
                if (olle.profile_dir / name).exists():
                    shutil.copy(olle.profile_dir / name, crashed / name)
            with sqlite3.connect(crashed / DB_FILE) as db:
                images.append(db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])

    olle._send = crash_instead_of_sending  # type: ignore[method-assign]
    olle.open_doc("parking")["body"].insert(0, "Efter kraschen. ")
    clients.wait(lambda: images != [])
    assert images == [1]  # durable in the outbox before the send
    olle.close()

    again = clients.engine("olle", "olle-crashed")
    assert again.unconfirmed == 1
    again.connect(clients.server.url)  # the saved session
    clients.wait(lambda: again.status.state == "online" and again.unconfirmed == 0)
    assert clients.server.body_text("parking").startswith("Efter kraschen. # Parking")
    assert clients.server.body_text("parking").count("Efter kraschen.") == 1
    assert again.text("parking") == clients.server.body_text("parking")
    assert again.replica.store.outbox_rows() == []
