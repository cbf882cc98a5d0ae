"""Working copy and published revisions through real sockets: what readers get, when."""

from __future__ import annotations

import json
import uuid

from kmserver.protocol.textdiff import diff, summarize


def new_id() -> str:
    return str(uuid.uuid4())


def everything_received(client) -> bytes:  # type: ignore[no-untyped-def]
    """Every byte a client was sent: control frames and CRDT payloads."""
    controls = json.dumps(client.controls, ensure_ascii=False).encode()
    return controls + b"".join(payload for _, payload in client.updates)


async def test_typing_never_reaches_a_reader_until_it_is_published(clients) -> None:
    olle, rita = await clients("olle"), await clients("rita")
    await olle.edit("parking", lambda t: t.insert(0, "SECRET-HALF-TYPED "))
    await olle.wait_for(lambda: len(olle.of_type("ack")) == 1)

    # typed and deleted again before publishing: must never reach a reader either
    def retract(t) -> None:  # type: ignore[no-untyped-def]
        del t[0 : len(b"SECRET-HALF-TYPED ")]
        t.insert(0, "Ny avgift: 600 kr. ")

    await olle.edit("parking", retract)
    await olle.wait_for(lambda: len(olle.of_type("ack")) == 2)
    await rita.barrier()
    assert b"SECRET" not in everything_received(rita)
    assert b"600 kr" not in everything_received(rita)
    assert not rita.published_text("parking").startswith("Ny avgift")
    # editors see the working copy live, and who has changed it since revision 1
    sara = await clients("sara")
    assert sara.text("parking").startswith("Ny avgift: 600 kr. ")
    assert sara.metas["parking"]["unpublished_by"] == ["olle"]

    saved = await olle.publish("parking", "New fee from 1 March")
    assert saved["type"] == "saved" and saved["kind"] == "publish" and saved["rev"] == 2
    await rita.wait_for(lambda: rita.published_text("parking").startswith("Ny avgift: 600 kr. "))
    assert b"SECRET" not in everything_received(rita)  # the deleted text's bytes are gone
    meta = rita.metas["parking"]
    assert meta["published"]["rev"] == 2 and meta["published"]["by"] == "olle"
    assert meta["published"]["note"] == "New fee from 1 March"
    assert meta["updated_by"] == "olle"
    assert "unpublished_by" not in meta  # readers are not told about working copies
    await sara.wait_for(lambda: sara.metas["parking"]["unpublished_by"] == [])


async def test_history_revisions_and_a_word_diff(clients) -> None:
    olle, rita = await clients("olle"), await clients("rita")
    first = olle.published_text("parking")
    await olle.edit("parking", lambda t: t.insert(len(str(t).encode()), "Avgift 600 kr.\n"))
    await olle.wait_for(lambda: olle.of_type("ack"))
    await olle.publish("parking", "fee")
    await olle.send_json(type="set_meta", doc="parking", title="Parking permits")
    await olle.wait_for(lambda: olle.metas["parking"]["title"] == "Parking permits")
    await rita.barrier()
    assert rita.metas["parking"]["title"] == "Parking permit"  # a working title: unpublished
    await olle.publish("parking", "new title")
    await rita.wait_for(lambda: rita.metas["parking"]["title"] == "Parking permits")

    history = await rita.ask(type="history", doc="parking")
    assert [r["rev"] for r in history["revisions"]] == [3, 2, 1]
    assert history["revisions"][0]["title"] == "Parking permits"
    assert history["revisions"][1]["contributors"] == ["olle"]
    assert history["revisions"][1]["by"] == "olle" and history["revisions"][1]["note"] == "fee"
    one = await rita.ask(type="revision", doc="parking", rev=1)
    two = await rita.ask(type="revision", doc="parking", rev=2)
    assert one["text"] == first and two["text"] == first + "Avgift 600 kr.\n"
    summary = summarize(diff(one["text"], two["text"]))
    assert (summary.changes, summary.added_words, summary.removed_words) == (1, 3, 0)
    missing = await rita.ask(type="revision", doc="parking", rev=9)
    assert missing["code"] == "not_found"
    hidden = await rita.ask(type="history", doc="internal")
    assert hidden["code"] == "not_found" and "internal" in hidden["message"]


async def test_publish_is_done_once_and_refused_when_nothing_changed(clients) -> None:
    olle = await clients("olle")
    nothing = await olle.publish("parking")
    assert nothing["type"] == "error" and nothing["code"] == "conflict"
    assert "revision 1" in nothing["message"]
    await olle.edit("parking", lambda t: t.insert(0, "Ändrat. "))
    await olle.wait_for(lambda: olle.of_type("ack"))
    request = new_id()
    first = await olle.ask(type="publish", id=request, doc="parking", note="x")
    again = await olle.ask(type="publish", id=request, doc="parking", note="x")  # a resend
    assert first["rev"] == again["rev"] == 2 and first["seq"] == again["seq"]
    history = await olle.ask(type="history", doc="parking")
    assert len(history["revisions"]) == 2
    stolen = await (await clients("sara")).ask(type="publish", id=request, doc="parking")
    assert stolen["code"] == "conflict"


async def test_who_may_publish(clients) -> None:
    rita, karin, sara = await clients("rita"), await clients("karin"), await clients("sara")
    assert (await rita.publish("parking"))["code"] == "forbidden"
    assert (await karin.publish("parking"))["code"] == "forbidden"  # not hers
    assert (await rita.publish("internal"))["code"] == "not_found"  # not even visible
    await sara.edit("internal", lambda t: t.insert(0, "Uppdaterad. "))
    await sara.wait_for(lambda: sara.of_type("ack"))
    assert (await sara.publish("internal"))["rev"] == 2  # supervisors publish anything


async def test_restore_publishes_an_old_text_as_a_new_revision(clients) -> None:
    olle, rita = await clients("olle"), await clients("rita")
    original = olle.published_text("parking")
    await olle.edit("parking", lambda t: t.insert(0, "Fel uppgift. "))
    await olle.wait_for(lambda: olle.of_type("ack"))
    await olle.publish("parking", "oops")
    await rita.wait_for(lambda: rita.published_text("parking").startswith("Fel uppgift"))
    await olle.edit("parking", lambda t: t.insert(0, "Halvskrivet "))  # unpublished work
    await olle.wait_for(lambda: len(olle.of_type("ack")) == 2)

    saved = await olle.ask(type="restore", id=new_id(), doc="parking", rev=1)
    assert saved["type"] == "saved" and saved["rev"] == 3
    await rita.wait_for(lambda: rita.published_text("parking") == original)
    await olle.wait_for(lambda: olle.text("parking") == original)  # the working copy too
    history = await rita.ask(type="history", doc="parking")
    assert [(r["rev"], r["restored_from"]) for r in history["revisions"]] == [
        (3, 1),
        (2, None),
        (1, None),
    ]
    again = await olle.ask(type="restore", id=new_id(), doc="parking", rev=1)
    assert again["code"] == "conflict"  # it is what is published now


async def test_archive_takes_a_document_off_readers_and_brings_it_back(clients) -> None:
    olle, rita, karin = await clients("olle"), await clients("rita"), await clients("karin")
    assert (await karin.ask(type="archive", id=new_id(), doc="parking", archived=True))[
        "code"
    ] == "forbidden"
    saved = await olle.ask(type="archive", id=new_id(), doc="parking", archived=True)
    assert saved["type"] == "saved"
    await rita.wait_for(lambda: "parking" not in rita.metas and "parking" not in rita.published)
    assert olle.metas["parking"]["status"] == "archived"  # the owner keeps it
    refused = await olle.publish("parking")
    assert refused["code"] == "forbidden" and "archived" in refused["message"]
    history = await olle.ask(type="history", doc="parking")
    assert len(history["revisions"]) == 1  # it stays in history
    await olle.ask(type="archive", id=new_id(), doc="parking", archived=False)
    await rita.wait_for(lambda: rita.published_text("parking").startswith("# Parking permit"))
    assert rita.metas["parking"]["status"] == "published"


async def test_an_editor_demoted_to_reader_gets_the_published_copy_only(server, clients) -> None:
    olle = await clients("olle")
    await olle.edit("parking", lambda t: t.insert(0, "Unpublished. "))
    await olle.wait_for(lambda: olle.of_type("ack"))
    sara = await clients("sara")
    await sara.send_json(type="set_meta", doc="parking", owner="karin")
    await olle.wait_for(lambda: olle.metas["parking"]["working"] is False)
    assert "parking" not in olle.docs and olle.metas["parking"]["can_edit"] is False
    karin = await clients("karin")
    assert karin.text("parking").startswith("Unpublished. ")  # the new owner's working copy
    await sara.send_json(type="set_meta", doc="parking", owner="olle")
    await olle.wait_for(lambda: olle.text("parking").startswith("Unpublished. "))
