"""Review required -> submit -> approve or send back; review-by dates; the audit trail."""

from __future__ import annotations

import uuid
from datetime import timedelta

from tests.server.conftest import FakeClock, WireClient, running_server


def new_id() -> str:
    return str(uuid.uuid4())


async def test_review_required_submit_send_back_then_approve(clients) -> None:
    sara, olle, rita = await clients("sara"), await clients("olle"), await clients("rita")
    await sara.ask(type="set_meta", doc="parking", review_required=True)
    await olle.wait_for(lambda: olle.metas["parking"]["can_publish"] is False)
    await olle.edit("parking", lambda t: t.insert(0, "Ny regel: 600 kr. "))
    await olle.wait_for(lambda: olle.of_type("ack"))
    refused = await olle.publish("parking")
    assert refused["code"] == "forbidden" and "review" in refused["message"]

    submitted = await olle.ask(type="submit", id=new_id(), doc="parking", note="new fee")
    assert submitted["type"] == "saved" and submitted["kind"] == "submit"
    await sara.wait_for(lambda: sara.notifications("review_requested"))
    queue = await sara.ask(type="review_queue")
    (item,) = queue["items"]
    assert (item["doc"], item["by"], item["status"]) == ("parking", "olle", "submitted")
    assert item["text"].startswith("Ny regel: 600 kr. ")
    assert (await rita.ask(type="review_queue"))["items"] == []  # not hers to see

    sent_back = await sara.ask(
        type="review", id=new_id(), doc="parking", decision="send_back", note="Källa?"
    )
    assert sent_back["type"] == "saved"
    await olle.wait_for(lambda: (olle.metas["parking"]["review"] or {}).get("state") == "sent_back")
    assert olle.metas["parking"]["review"]["note"] == "Källa?"
    await olle.wait_for(lambda: olle.notifications("review_sent_back"))
    nothing = await sara.ask(type="review", id=new_id(), doc="parking", decision="approve")
    assert nothing["code"] == "conflict"  # it went back: nothing waits

    await olle.ask(type="submit", id=new_id(), doc="parking", note="source added")
    # typing after submitting is not part of what the supervisor approves
    await olle.edit("parking", lambda t: t.insert(0, "Efter inskick. "))
    await olle.wait_for(lambda: len(olle.of_type("ack")) == 2)
    approved = await sara.ask(type="review", id=new_id(), doc="parking", decision="approve")
    assert approved["type"] == "saved" and approved["rev"] == 2
    await rita.wait_for(lambda: rita.published_text("parking").startswith("Ny regel: 600 kr. "))
    assert "Efter inskick" not in rita.published_text("parking")
    await olle.wait_for(lambda: olle.metas["parking"]["review"] is None)
    assert olle.metas["parking"]["unpublished_by"] == ["olle"]  # the later typing
    history = await rita.ask(type="history", doc="parking")
    latest = history["revisions"][0]
    # approved without a note of its own: the submission's note is the change note
    assert (latest["by"], latest["submitted_by"], latest["note"]) == (
        "sara",
        "olle",
        "source added",
    )
    await olle.wait_for(lambda: olle.notifications("review_approved"))


async def test_approval_after_a_newer_publication_is_refused(clients) -> None:
    sara, olle = await clients("sara"), await clients("olle")
    await sara.ask(type="set_meta", doc="parking", review_required=True)
    await olle.edit("parking", lambda t: t.insert(0, "A. "))
    await olle.wait_for(lambda: olle.of_type("ack"))
    await olle.ask(type="submit", id=new_id(), doc="parking")
    await sara.edit("parking", lambda t: t.insert(0, "B. "))
    await sara.wait_for(lambda: sara.of_type("ack"))
    assert (await sara.publish("parking"))["rev"] == 2  # ends the round
    late = await sara.ask(type="review", id=new_id(), doc="parking", decision="approve")
    assert late["code"] == "conflict"


async def test_review_dates_verify_and_the_overdue_lists(db_url: str) -> None:
    clock = FakeClock()
    async with running_server(db_url, clock=clock, review_every_days=90) as server:
        olle = await WireClient.open(server, "olle")
        await olle.sync()
        await olle.edit("parking", lambda t: t.insert(0, "Ny. "))
        await olle.wait_for(lambda: olle.of_type("ack"))
        await olle.publish("parking")  # published (and verified) now, by the fake clock
        due = olle.metas["parking"]["review_due"]
        assert due.startswith((clock.now + timedelta(days=90)).date().isoformat())
        assert (await olle.ask(type="overdue"))["items"] == []
        clock.advance(80 * 86400)  # due within two weeks
        (soon,) = (await olle.ask(type="overdue"))["items"]
        assert soon["doc"] == "parking" and soon["overdue"] is False
        clock.advance(11 * 86400)
        (late,) = (await olle.ask(type="overdue"))["items"]
        assert late["overdue"] is True
        karin = await WireClient.open(server, "karin")
        await karin.sync()
        hers = {i["doc"] for i in (await karin.ask(type="overdue"))["items"]}
        assert hers == {"school"}  # her own document, not olle's
        sara = await WireClient.open(server, "sara")
        await sara.sync()
        everyone = {i["doc"] for i in (await sara.ask(type="overdue"))["items"]}
        assert "parking" in everyone  # supervisors see all of them
        await server.feedback.tick()  # the periodic check: the owner is told, once
        await olle.wait_for(lambda: olle.notifications("review_due"))
        (told,) = olle.notifications("review_due")
        assert "Parking permit is due for review" in told["data"]["text"]
        await server.feedback.tick()
        await olle.barrier()
        assert len(olle.notifications("review_due")) == 1
        verified = await olle.ask(type="verify", id=new_id(), doc="parking")
        assert verified["type"] == "saved"
        await olle.wait_for(lambda: olle.metas["parking"]["verified_by"] == "olle")
        assert (await olle.ask(type="overdue"))["items"] == []
        rita = await WireClient.open(server, "rita")
        await rita.sync()
        assert rita.metas["parking"]["verified_at"] == olle.metas["parking"]["verified_at"]
        assert (await rita.ask(type="verify", id=new_id(), doc="parking"))["code"] == "forbidden"
        for client in (olle, karin, sara, rita):
            await client.close()


async def test_the_audit_trail_records_who_did_what(clients) -> None:
    sara, olle = await clients("sara"), await clients("olle")
    await sara.ask(type="set_meta", doc="parking", audience=["rep", "owner"])
    await olle.edit("parking", lambda t: t.insert(0, "X. "))
    await olle.wait_for(lambda: olle.of_type("ack"))
    await olle.publish("parking", "tidy")
    await olle.ask(type="verify", id=new_id(), doc="parking")
    await olle.ask(type="archive", id=new_id(), doc="parking", archived=True)
    await olle.ask(type="archive", id=new_id(), doc="parking", archived=False)
    await olle.ask(type="restore", id=new_id(), doc="parking", rev=1)
    await olle.ask(type="create_doc", id="nytt", title="Nytt")

    trail = await sara.ask(type="audit", doc="parking")
    actions = [(e["action"], e["actor"]) for e in reversed(trail["events"])]
    assert actions == [
        ("meta", "sara"),
        ("publish", "olle"),
        ("verify", "olle"),
        ("archive", "olle"),
        ("unarchive", "olle"),
        ("restore", "olle"),
    ]
    meta = trail["events"][-1]["detail"]
    assert meta["audience"] == {"from": ["everyone"], "to": ["rep", "owner"]}
    by_olle = await sara.ask(type="audit", user="olle", limit=2)
    assert [e["action"] for e in by_olle["events"]] == ["create", "restore"]
    assert (await olle.ask(type="audit"))["code"] == "forbidden"
    bad = await sara.ask(type="audit", since="yesterday")
    assert bad["code"] == "bad_message"
