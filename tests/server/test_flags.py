"""Flags through real sockets: life cycle, idempotent resends, access, escalation, anchors."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import AsyncIterator

import pytest
from pycrdt import Assoc

from kmclient.core.offsets import OffsetMap
from kmclient.core.sticky import StickyCodec
from kmserver.protocol.ytext import body
from kmserver.server import Server
from tests.server.conftest import FakeClock, running_server

HOUR = 3600


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def server(db_url: str, clock: FakeClock) -> AsyncIterator[Server]:
    # The periodic check stays out of the way; tests call tick() after moving the clock.
    async with running_server(
        db_url, clock=clock, feedback_tick=HOUR, flag_escalate_after=4 * HOUR
    ) as srv:
        yield srv


def new_id() -> str:
    return str(uuid.uuid4())


async def test_flag_life_cycle_rep_raises_owner_resolves_rep_is_told(clients) -> None:
    rita, olle, sara, karin = [await clients(u) for u in ("rita", "olle", "sara", "karin")]
    fid = new_id()
    saved = await rita.ask(
        type="flag",
        id=fid,
        doc="parking",
        reason="outdated",
        note="The fee is 900 kr since June",
        urgency="high",
    )
    assert saved["type"] == "saved" and saved["kind"] == "flag" and saved["id"] == fid
    # every reader holds it (the calm warning on the document), before the reply came
    assert fid in rita.records("flag")
    for client in (olle, sara, karin):
        await client.wait_for(lambda c=client: fid in c.records("flag"))
    flag = karin.records("flag")[fid]
    assert flag["doc"] == "parking" and flag["seq"] == saved["seq"]
    data = flag["data"]
    assert (data["by"], data["reason"], data["state"], data["urgency"]) == (
        "rita",
        "outdated",
        "open",
        "high",
    )
    assert data["note"] == "The fee is 900 kr since June" and data["created_at"]

    # the owner is told and finds it in the inbox
    await olle.wait_for(lambda: olle.notifications("flag_raised"))
    (told,) = olle.notifications("flag_raised")
    assert told["doc"] == "parking" and told["data"]["ref"] == {"kind": "flag", "id": fid}
    assert told["data"]["text"].startswith("rita flagged Parking permit as outdated")
    inbox = await olle.ask(type="flag_inbox")
    assert [f["id"] for f in inbox["flags"]] == [fid]
    assert inbox["flags"][0]["data"]["anchor"] is None

    await olle.ask(type="flag_state", id=fid, state="acknowledged", expect="open")
    await rita.wait_for(lambda: len(rita.notifications("flag_state")) == 1)
    done = await olle.ask(
        type="flag_state",
        id=fid,
        state="resolved",
        expect="acknowledged",
        note="Fee table updated",
    )
    assert done["type"] == "saved"
    await rita.wait_for(lambda: len(rita.notifications("flag_state")) == 2)
    acked, resolved = rita.notifications("flag_state")
    assert acked["data"]["detail"]["state"] == "acknowledged"
    assert resolved["data"]["text"] == "olle resolved the flag on Parking permit: Fee table updated"
    final = rita.records("flag")[fid]["data"]
    assert final["state"] == "resolved" and final["state_note"] == "Fee table updated"
    assert [h["state"] for h in final["history"]] == ["open", "acknowledged", "resolved"]
    assert final["closed_at"] and final["acknowledged_at"]

    assert (await olle.ask(type="flag_inbox"))["flags"] == []
    report = await sara.ask(type="flag_report")
    (row,) = report["flags"]
    assert row["id"] == fid and row["time_to_resolve"] >= 0 and row["time_to_acknowledge"] >= 0
    assert report["summary"]["counts"]["resolved"] == 1
    denied = await rita.ask(type="flag_report")
    assert denied["code"] == "forbidden"
    # nobody else was notified: not the supervisor (not escalated), not karin
    await sara.barrier()
    await karin.barrier()
    assert sara.notifications() == [] and karin.notifications() == []


async def test_resends_are_idempotent_and_reused_ids_conflict(clients) -> None:
    rita, olle = await clients("rita"), await clients("olle")
    fid = new_id()
    msg = {"type": "flag", "id": fid, "doc": "parking", "reason": "unclear", "note": "Which form?"}
    first, again = await rita.ask(**msg), await rita.ask(**msg)
    assert first["type"] == again["type"] == "saved" and first["seq"] == again["seq"]
    changed = await rita.ask(**{**msg, "note": "Another text"})
    assert changed["code"] == "conflict" and changed["reply_to"] == "flag" and changed["id"] == fid
    stolen = await olle.ask(**msg)
    assert stolen["code"] == "conflict"
    # state changes: the same change again is acknowledged; a stale one conflicts
    ack = await olle.ask(type="flag_state", id=fid, state="acknowledged", expect="open")
    ack2 = await olle.ask(type="flag_state", id=fid, state="acknowledged", expect="open")
    assert ack["type"] == ack2["type"] == "saved" and ack["seq"] == ack2["seq"]
    stale = await olle.ask(type="flag_state", id=fid, state="dismissed", expect="open", note="n/a")
    assert stale["code"] == "conflict" and "acknowledged" in stale["message"]
    await olle.barrier()
    fresh = await sara_view(clients)
    flags = [c for c in fresh.controls if c["type"] == "record" and c["kind"] == "flag"]
    assert [f["id"] for f in flags] == [fid]  # one record, never a duplicate
    assert len(olle.notifications("flag_raised")) == 1


async def sara_view(clients):  # type: ignore[no-untyped-def]
    return await clients("sara")


async def test_access_rules_for_flags(clients) -> None:
    rita, olle, karin, sara = [await clients(u) for u in ("rita", "olle", "karin", "sara")]
    errors = []
    for doc in ("internal", "draft", "no-such-doc"):
        reply = await rita.ask(type="flag", id=new_id(), doc=doc, reason="other")
        errors.append(reply)
    assert {e["code"] for e in errors} == {"not_found"}
    assert len({e["message"].split("'")[0] for e in errors}) == 1  # same words for all three
    fid = new_id()
    await rita.ask(type="flag", id=fid, doc="parking", reason="incorrect")
    refused = await karin.ask(type="flag_state", id=fid, state="acknowledged", expect="open")
    assert refused["code"] == "forbidden"
    refused = await rita.ask(type="flag_state", id=fid, state="resolved", expect="open", note="x")
    assert refused["code"] == "forbidden"
    # the raiser may withdraw their own flag; the owner is told
    withdrawn = await rita.ask(
        type="flag_state", id=fid, state="dismissed", expect="open", note="My mistake"
    )
    assert withdrawn["type"] == "saved"
    await olle.wait_for(lambda: olle.notifications("flag_state"))
    # a flag on a document rita may not read never reaches her, not even its id
    hidden = new_id()
    assert (await sara.ask(type="flag", id=hidden, doc="internal", reason="other"))["seq"]
    unknown = await rita.ask(type="flag_state", id=hidden, state="open", expect="open")
    assert unknown["code"] == "not_found"
    await rita.barrier()
    assert hidden not in rita.records("flag")
    pushed = [c for c in rita.controls if c["type"] not in ("error", "flag_inbox")]
    assert "internal" not in json.dumps(pushed)


@pytest.mark.parametrize(
    "fields",
    [
        {"id": "not-a-uuid"},
        {"reason": "boring"},
        {"urgency": "yesterday"},
        {"anchor": {"start": "!!!", "end": "AAAA", "quote": "x"}},
        {"anchor": {"start": "AAAA"}},
        {"anchor": {"start": "A" * 400, "end": "AAAA", "quote": ""}},
    ],
)
async def test_malformed_flags_are_refused(clients, fields: dict) -> None:
    rita = await clients("rita")
    msg = {"type": "flag", "id": new_id(), "doc": "parking", "reason": "other", **fields}
    reply = await rita.ask(**msg)
    assert reply["type"] == "error" and reply["code"] == "bad_message", reply
    closing = await rita.ask(type="flag_state", id=new_id(), state="resolved", expect="open")
    assert closing["code"] == "bad_message"  # resolving needs a resolution note
    # a field of the wrong type fails schema validation (an error without ref, as for any message)
    await rita.send_json(type="flag", id=new_id(), doc="parking", reason="other", anchor="AAAA")
    await rita.wait_for(lambda: any("ref" not in e for e in rita.of_type("error")))
    assert rita.records("flag") == {}


async def test_flags_follow_the_documents_audience(clients) -> None:
    rita, sara = await clients("rita"), await clients("sara")
    first = new_id()
    await rita.ask(type="flag", id=first, doc="parking", reason="outdated")
    await sara.ask(type="set_meta", doc="parking", audience=["supervisor"])
    await rita.wait_for(lambda: "parking" not in rita.metas)
    assert rita.records("flag") == {}  # dropped with the document
    second = new_id()
    await sara.ask(type="flag", id=second, doc="parking", reason="unclear")
    await rita.barrier()
    assert rita.records("flag") == {}
    await sara.ask(type="set_meta", doc="parking", audience=["everyone"])
    await rita.wait_for(lambda: set(rita.records("flag")) == {first, second})


async def test_unacknowledged_flag_escalates_to_supervisors(
    server: Server, clients, clock: FakeClock
) -> None:
    rita, olle, sara = [await clients(u) for u in ("rita", "olle", "sara")]
    waiting, answered = new_id(), new_id()
    await rita.ask(type="flag", id=waiting, doc="parking", reason="outdated", urgency="low")
    await rita.ask(type="flag", id=answered, doc="parking", reason="unclear")
    await olle.ask(type="flag_state", id=answered, state="acknowledged", expect="open")
    clock.advance(3 * HOUR)
    await server.feedback.tick()
    await sara.barrier()
    assert sara.notifications() == []
    clock.advance(HOUR + 1)
    await server.feedback.tick()
    await server.feedback.tick()  # twice: still told once
    await sara.wait_for(lambda: sara.notifications("flag_escalated"))
    await sara.barrier()
    (told,) = sara.notifications("flag_escalated")
    assert told["data"]["ref"]["id"] == waiting and "waited 240 min" in told["data"]["text"]
    assert rita.records("flag")[waiting]["data"]["escalated_at"]
    assert rita.records("flag")[answered]["data"]["escalated_at"] is None
    inbox = await sara.ask(type="flag_inbox")
    assert [f["id"] for f in inbox["flags"]] == [waiting]
    # the owner's inbox: most urgent first, then oldest
    urgent = new_id()
    await rita.ask(type="flag", id=urgent, doc="parking", reason="incorrect", urgency="high")
    inbox = await olle.ask(type="flag_inbox")
    assert [f["id"] for f in inbox["flags"]] == [urgent, answered, waiting]


async def test_flag_on_a_document_without_an_acting_owner_goes_to_supervisors(clients) -> None:
    sara, rita = await clients("sara"), await clients("rita")
    await sara.ask(
        type="create_doc", id="orphan", title="Orphaned page", owner="ghost", body="Old text.\n"
    )
    assert (await sara.publish("orphan"))["type"] == "saved"
    await rita.wait_for(lambda: rita.published_text("orphan") == "Old text.\n")
    fid = new_id()
    await rita.ask(type="flag", id=fid, doc="orphan", reason="outdated")
    await sara.wait_for(lambda: sara.notifications("flag_escalated"))
    (told,) = sara.notifications("flag_escalated")
    assert "ghost cannot act on it" in told["data"]["text"]
    assert rita.records("flag")[fid]["data"]["escalated_at"]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def resolve(text_obj, anchor: dict) -> str:  # type: ignore[no-untyped-def]
    """What a client does: sticky indices -> Qt positions -> the passage."""
    codec = StickyCodec(text_obj)
    start = codec.position_of(base64.b64decode(anchor["start"]))
    end = codec.position_of(base64.b64decode(anchor["end"]))
    assert start is not None and end is not None
    text = str(text_obj)
    offsets = OffsetMap(text)
    return text[offsets.utf16_to_index(start) : offsets.utf16_to_index(end)]


def insert_at(text_obj, index: int, words: str) -> None:  # type: ignore[no-untyped-def]
    """Insert at a character index (pycrdt counts UTF-8 bytes)."""
    text_obj.insert(len(str(text_obj)[:index].encode()), words)


async def test_passage_anchor_survives_concurrent_edits_and_publication(clients) -> None:
    """A rep anchors a flag in the published text; editors change the working copy
    around and inside the passage and publish: the anchor points at the same passage
    in the working copy and in every reader's published copy (they share the CRDT's
    items), and says "gone" rather than pointing elsewhere once the passage is deleted."""
    rita, olle, sara = [await clients(u) for u in ("rita", "olle", "sara")]
    passage = "Överklaga inom tre veckor."
    rita_text = body(rita.published["parking"])
    start = str(rita_text).index(passage)
    codec = StickyCodec(rita_text)  # positions are Qt's: UTF-16 units (here equal to chars)
    anchor = {
        "start": b64(codec.sticky_at(start, Assoc.AFTER).encode()),
        "end": b64(codec.sticky_at(start + len(passage), Assoc.BEFORE).encode()),
        "quote": passage,
    }

    # two editors change the text at once: before the passage and inside it
    def olle_edit(t) -> None:  # type: ignore[no-untyped-def]
        insert_at(t, 0, "⚠️ Nytt 2026 😀: ")
        insert_at(t, str(t).index("Apply"), "Åsa säger: ")

    def sara_edit(t) -> None:  # type: ignore[no-untyped-def]
        insert_at(t, str(t).index("veckor"), "(fyra för företag) ")

    await olle.edit("parking", olle_edit)
    await sara.edit("parking", sara_edit)
    fid = new_id()
    await rita.ask(type="flag", id=fid, doc="parking", reason="incorrect", anchor=anchor)
    await olle.wait_for(lambda: len(olle.of_type("ack")) == 1 and "(fyra" in olle.text("parking"))
    await sara.wait_for(lambda: len(sara.of_type("ack")) == 1 and "Åsa" in sara.text("parking"))
    moved = "Överklaga inom tre (fyra för företag) veckor."
    assert passage in rita.published_text("parking")  # nothing published yet

    fresh = await clients("sara")  # the server's working copy and the flag
    current = body(fresh.docs["parking"])
    assert str(current).startswith("⚠️ Nytt 2026 😀: # Parking permit")
    stored = fresh.records("flag")[fid]["data"]["anchor"]
    assert stored == anchor
    assert resolve(current, stored) == moved
    assert resolve(body(olle.docs["parking"]), stored) == moved
    assert resolve(body(sara.docs["parking"]), stored) == moved

    assert (await olle.publish("parking", "fees for companies"))["type"] == "saved"
    await rita.wait_for(lambda: moved in rita.published_text("parking"))
    assert resolve(body(rita.published["parking"]), stored) == moved
    reader = await clients("karin")  # a fresh reader's copy of revision 2
    assert resolve(body(reader.published["parking"]), stored) == moved

    # the passage deleted and published: the anchor meets itself, it points nowhere
    def cut(t) -> None:  # type: ignore[no-untyped-def]
        at = len(str(t)[: str(t).index(moved)].encode())
        del t[at : at + len(moved.encode())]

    await olle.edit("parking", cut)
    await olle.wait_for(lambda: len(olle.of_type("ack")) == 2)
    assert (await olle.publish("parking"))["type"] == "saved"
    await rita.wait_for(lambda: moved not in rita.published_text("parking"))
    gone = StickyCodec(body(rita.published["parking"]))
    ends = [gone.position_of(base64.b64decode(stored[k])) for k in ("start", "end")]
    assert ends[0] == ends[1]


def test_escalation_delay_on_the_command_line() -> None:
    import argparse

    from kmserver.cli import _parser, duration

    assert [duration(v) for v in ("90", "90s", "30m", "4h", "1d")] == [90, 90, 1800, 14400, 86400]
    with pytest.raises(argparse.ArgumentTypeError):
        duration("soon")
    args = _parser().parse_args(["serve", "--flag-escalate-after", "30m"])
    assert args.flag_escalate_after == 1800 and args.edit_digest_after == 120
