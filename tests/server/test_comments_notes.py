"""Comments (threads, @mentions, resolve/reopen) and private notes through real sockets."""

from __future__ import annotations

import json
import uuid


def new_id() -> str:
    return str(uuid.uuid4())


async def test_threaded_comments_with_mentions(clients) -> None:
    olle, rita, karin, sara = [await clients(u) for u in ("olle", "rita", "karin", "sara")]
    root = new_id()
    saved = await olle.ask(
        type="comment",
        id=root,
        doc="parking",
        body="@rita is the fee right? cc @karin, @nobody and @sara.",
    )
    assert saved["type"] == "saved" and saved["kind"] == "comment"
    comment = olle.records("comment")[root]
    # the names as written: who exists (or may read) does not show (issue 10, item 6)
    assert comment["data"]["mentions"] == ["rita", "karin", "nobody", "sara"]
    assert comment["data"]["thread"] == root and comment["data"]["parent"] is None
    for client in (rita, karin, sara):
        await client.wait_for(lambda c=client: c.notifications("mention"))
        (mention,) = client.notifications("mention")
        assert mention["data"]["ref"] == {"kind": "comment", "id": root}
        assert mention["data"]["text"].startswith("olle mentioned you on Parking permit")

    reply = new_id()
    await rita.ask(type="comment", id=reply, doc="parking", body="Yes, 900 kr.", parent=root)
    await olle.wait_for(lambda: olle.notifications("reply"))
    assert olle.notifications("reply")[0]["data"]["ref"]["id"] == reply
    data = olle.records("comment")[reply]["data"]
    assert (data["parent"], data["thread"], data["by"]) == (root, root, "rita")
    # a reply to a reply stays in the thread
    deeper = new_id()
    await karin.ask(type="comment", id=deeper, doc="parking", body="Thanks!", parent=reply)
    await rita.wait_for(lambda: deeper in rita.records("comment"))
    assert rita.records("comment")[deeper]["data"]["thread"] == root
    await rita.wait_for(lambda: rita.notifications("reply"))  # rita took part in the thread
    await sara.barrier()
    assert [n["data"]["event"] for n in sara.notifications()] == ["mention"]

    missing = await rita.ask(type="comment", id=new_id(), doc="parking", body="?", parent=new_id())
    assert missing["code"] == "not_found"
    blank = await rita.ask(type="comment", id=new_id(), doc="parking", body="   ")
    assert blank["code"] == "bad_message"

    # resolve / reopen: the author or the document's editors; resends change nothing
    denied = await rita.ask(type="comment_state", id=root, resolved=True)
    assert denied["code"] == "forbidden"
    first = await olle.ask(type="comment_state", id=root, resolved=True)
    again = await olle.ask(type="comment_state", id=root, resolved=True)
    assert first["seq"] == again["seq"]
    await rita.wait_for(lambda: rita.records("comment")[root]["data"]["resolved"])
    assert rita.records("comment")[root]["data"]["resolved_by"] == "olle"
    await olle.ask(type="comment_state", id=root, resolved=False)
    await rita.wait_for(lambda: not rita.records("comment")[root]["data"]["resolved"])
    # rita resolving her own reply is fine
    assert (await rita.ask(type="comment_state", id=reply, resolved=True))["type"] == "saved"


async def test_comments_respect_access(clients) -> None:
    olle, rita = await clients("olle"), await clients("rita")
    hidden = new_id()
    # styleguide is for owners and supervisors: rita may not read it
    await olle.ask(type="comment", id=hidden, doc="styleguide", body="@rita have a look")
    assert olle.records("comment")[hidden]["data"]["mentions"] == ["rita"]  # not told, though
    refused = await rita.ask(type="comment", id=new_id(), doc="styleguide", body="hi")
    assert refused["code"] == "not_found"
    state = await rita.ask(type="comment_state", id=hidden, resolved=True)
    assert state["code"] == "not_found"
    await rita.barrier()
    assert rita.records("comment") == {} and rita.notifications() == []
    pushed = [c for c in rita.controls if c["type"] not in ("error", "flag_inbox")]
    assert "styleguide" not in json.dumps(pushed)
    # resend and conflict work as for flags
    cid = new_id()
    msg = {"type": "comment", "id": cid, "doc": "parking", "body": "Same words"}
    a, b = await rita.ask(**msg), await rita.ask(**msg)
    assert a["seq"] == b["seq"]
    assert (await rita.ask(**{**msg, "body": "Other words"}))["code"] == "conflict"


async def test_private_notes_reach_only_their_author_on_every_device(clients) -> None:
    desk = await clients("rita")
    laptop = await clients("rita")
    olle, sara = await clients("olle"), await clients("sara")
    nid = new_id()
    saved = await desk.ask(type="note", id=nid, doc="parking", body="Ask about the 2026 fee")
    assert saved["kind"] == "note"
    await laptop.wait_for(lambda: nid in laptop.records("note"))
    assert laptop.records("note")[nid]["data"]["body"] == "Ask about the 2026 fee"

    edit = {"type": "note_edit", "id": nid, "body": "Fee is 900 kr"}
    first, again = await laptop.ask(**edit), await laptop.ask(**edit)
    assert first["seq"] == again["seq"]
    await desk.wait_for(lambda: desk.records("note")[nid]["data"]["body"] == "Fee is 900 kr")

    # the laptop goes offline; the note is deleted on the desk meanwhile
    cursor, known = laptop.cursor, sorted(laptop.metas)
    await laptop.close()
    assert (await olle.ask(type="note_edit", id=nid, body="mine now"))["code"] == "not_found"
    assert (await olle.ask(type="note_delete", id=nid))["code"] == "not_found"
    gone = await desk.ask(type="note_delete", id=nid)
    assert (await desk.ask(type="note_delete", id=nid))["seq"] == gone["seq"]
    # a late resend of the create neither conflicts nor brings it back
    late = await desk.ask(type="note", id=nid, doc="parking", body="Ask about the 2026 fee")
    assert late["type"] == "saved" and late["seq"] == gone["seq"]
    assert (await desk.ask(type="note_edit", id=nid, body="x"))["code"] == "not_found"

    back = await clients("rita", sync=False)
    await back.sync(cursor=cursor, known=known)
    notes = [c for c in back.controls if c["type"] == "record" and c["kind"] == "note"]
    assert len(notes) == 1 and notes[0]["deleted"] and notes[0]["data"] == {}

    refused = await desk.ask(type="note", id=new_id(), doc="internal", body="x")
    assert refused["code"] == "not_found"
    for other in (olle, sara):
        await other.barrier()
        assert other.records("note") == {}


def test_mentions_are_parsed_like_people_write_them() -> None:
    from kmserver.protocol.feedback import mentions

    body = "@rita, see mail@example.se and ask @olle. (@karin) @rita again; @"
    assert mentions(body) == ["rita", "olle", "karin"]


async def test_ids_of_private_records_are_per_user(clients) -> None:
    """Issue 10, item 6. Before: a note (or publishing request) id already used by
    another user answered ``conflict``, telling that it exists."""
    rita, olle, sara = await clients("rita"), await clients("olle"), await clients("sara")
    nid = new_id()
    assert (await rita.ask(type="note", id=nid, doc="parking", body="mine"))["type"] == "saved"
    theirs = await olle.ask(type="note", id=nid, doc="parking", body="also mine")
    assert theirs["type"] == "saved" and theirs["id"] == nid
    await rita.barrier()
    await olle.barrier()
    assert rita.records("note")[nid]["data"]["body"] == "mine"
    assert olle.records("note")[nid]["data"]["body"] == "also mine"
    # each edits and deletes only their own
    await olle.ask(type="note_edit", id=nid, body="olle's words")
    await olle.wait_for(lambda: olle.records("note")[nid]["data"]["body"] == "olle's words")
    await rita.barrier()
    assert rita.records("note")[nid]["data"]["body"] == "mine"

    # the same for publishing requests: olle's request id, reused by sara, is sara's own
    await olle.edit("parking", lambda t: t.insert(0, "New fee. "))
    await olle.wait_for(lambda: olle.of_type("ack"))
    rid = new_id()
    first = await olle.ask(type="publish", id=rid, doc="parking", note="fee")
    assert first["type"] == "saved"
    await sara.wait_for(lambda: sara.metas["parking"]["published"]["rev"] == first["rev"])
    await sara.edit("parking", lambda t: t.insert(0, "And zone D. "))
    await sara.wait_for(lambda: sara.of_type("ack"))
    second = await sara.ask(type="publish", id=rid, doc="parking", note="zone")
    assert second["type"] == "saved" and second["rev"] == first["rev"] + 1
    # while a resend by olle is still answered with his first answer
    again = await olle.ask(type="publish", id=rid, doc="parking", note="fee")
    assert again["rev"] == first["rev"]
