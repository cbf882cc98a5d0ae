"""Access rules hold for every role, on every message, through real sockets."""

from __future__ import annotations

import json

import pytest

VISIBLE = {
    "rita": {"parking", "school"},
    "olle": {"parking", "school", "styleguide", "draft"},
    "karin": {"parking", "school", "styleguide"},
    "sara": {"parking", "school", "internal", "styleguide", "draft"},
    "adam": {"parking", "school", "internal", "styleguide", "draft"},
}


@pytest.mark.parametrize("user", sorted(VISIBLE))
async def test_each_role_receives_exactly_what_it_may_read(clients, user: str) -> None:
    client = await clients(user)
    assert set(client.metas) == VISIBLE[user]
    hidden = {"parking", "school", "internal", "styleguide", "draft"} - VISIBLE[user]
    raw = json.dumps(client.controls)
    for doc_id in hidden:  # not even the id in any control frame
        assert f'"{doc_id}"' not in raw


@pytest.mark.parametrize(
    ("user", "doc", "allowed"),
    [
        ("rita", "parking", False),
        ("olle", "parking", True),
        ("olle", "school", False),
        ("karin", "school", True),
        ("sara", "school", True),
        ("adam", "parking", False),
    ],
)
async def test_write_access_per_role(clients, user: str, doc: str, allowed: bool) -> None:
    writer = await clients(user)
    watcher = await clients("sara")
    before = watcher.text(doc)
    await writer.edit(doc, lambda t: t.insert(0, "EDIT "))
    await writer.wait_for(lambda: writer.of_type("ack") or writer.of_type("error"))
    if allowed:
        assert writer.of_type("ack") and not writer.of_type("error")
        await watcher.wait_for(lambda: watcher.text(doc) == "EDIT " + before)
    else:
        (err,) = writer.of_type("error")
        assert err["code"] == "forbidden" and err["reply_to"] == "update" and err["doc"] == doc
        # the server's copy is unchanged: a fresh reader gets the old text
        fresh = await clients("sara")
        assert fresh.text(doc) == before


async def test_update_to_hidden_doc_looks_like_unknown_doc(clients) -> None:
    rita = await clients("rita")
    from kmserver.protocol import ysync
    from kmserver.protocol.ytext import new_doc, text_to_update

    await rita.ws.send(ysync.wrap("internal", ysync.sync_update(text_to_update("x"))))
    await rita.ws.send(ysync.wrap("no-such-doc", ysync.sync_update(text_to_update("x"))))
    await rita.wait_for(lambda: len(rita.of_type("error")) == 2)
    first, second = rita.of_type("error")
    assert first["code"] == second["code"] == "not_found"
    assert first["message"].replace("internal", "X") == second["message"].replace(
        "no-such-doc", "X"
    )
    await rita.ws.send(ysync.wrap("internal", ysync.sync_step1(new_doc().get_state())))
    await rita.send_json(type="open", doc="internal")
    await rita.wait_for(lambda: len(rita.of_type("error")) == 4)
    assert "internal" not in rita.docs and "internal" not in rita.published


@pytest.mark.parametrize(
    ("user", "change", "code"),
    [
        ("olle", {"title": "Parking permits (2027)"}, None),
        ("olle", {"audience": ["supervisor"]}, "forbidden"),
        ("karin", {"title": "Hijack"}, "forbidden"),
        ("rita", {"title": "Hijack"}, "forbidden"),
        ("sara", {"review_required": True}, None),
        ("olle", {"review_every": 30}, "forbidden"),
        ("sara", {"status": "draft"}, "bad_message"),  # publish and archive say that now
        ("sara", {"audience": ["nobody"]}, "bad_message"),
    ],
)
async def test_metadata_changes_per_role(clients, user: str, change: dict, code: str | None):
    client = await clients(user)
    await client.send_json(type="set_meta", doc="parking", ref="m1", **change)
    await client.wait_for(lambda: client.of_type("meta_saved") or client.of_type("error"))
    if code is None:
        assert client.of_type("meta_saved")[0]["ref"] == "m1"
    else:
        assert client.of_type("error")[0]["code"] == code
        fresh = await clients("sara")
        assert fresh.metas["parking"]["title"] == "Parking permit"
        assert fresh.metas["parking"]["audience"] == ["everyone"]


async def test_owner_creates_only_own_documents(clients) -> None:
    olle = await clients("olle")
    rita = await clients("rita")
    await olle.send_json(type="create_doc", id="x1", title="X", owner="karin")
    await rita.send_json(type="create_doc", id="x2", title="X")
    await olle.send_json(type="create_doc", id="parking", title="Dup")
    await olle.wait_for(lambda: len(olle.of_type("error")) == 2)
    await rita.wait_for(lambda: rita.of_type("error"))
    assert [e["code"] for e in olle.of_type("error")] == ["forbidden", "conflict"]
    assert rita.of_type("error")[0]["code"] == "forbidden"
    await olle.send_json(type="create_doc", id="x3", title="Mine")
    await olle.wait_for(lambda: "x3" in olle.docs)
    assert olle.metas["x3"]["status"] == "draft"  # an owner's new document starts as a draft
