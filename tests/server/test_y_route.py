"""/y/<doc>: the plain y-websocket protocol, from Python and from a stock Node Yjs client."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from kmserver.protocol import ysync
from kmserver.protocol.ytext import body, new_doc
from kmserver.server import Server

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "benchmarks" / "node_modules"


async def token_for(server: Server, name: str) -> str:
    account = server.accounts.get(name)
    assert account is not None
    token, _ = server.accounts.issue_token(account)
    return token


async def y_sync(ws, doc) -> None:  # type: ignore[no-untyped-def]
    """Do the y-websocket handshake until our doc has the server's state."""
    await ws.send(ysync.sync_step1(doc.get_state()))
    while True:
        msg = ysync.parse_message(await asyncio.wait_for(ws.recv(), 10))
        if msg.type == ysync.MessageType.SYNC and msg.step == ysync.SyncStep.STEP1:
            await ws.send(ysync.sync_step2(doc.get_update(msg.payload)))
        elif msg.type == ysync.MessageType.SYNC:
            doc.apply_update(msg.payload)
            if msg.step == ysync.SyncStep.STEP2:
                return


async def test_python_y_client_and_ws_client_see_the_same_document(server, clients) -> None:
    sara = await clients("sara")
    token = await token_for(server, "olle")
    async with connect(f"ws://127.0.0.1:{server.port}/y/parking?token={token}") as ws:
        doc = new_doc()
        await y_sync(ws, doc)
        assert str(body(doc)) == sara.text("parking")
        before = doc.get_state()
        body(doc).insert(0, "Från y: åäö 🎉 ")
        await ws.send(ysync.sync_update(doc.get_update(before)))
        await sara.wait_for(lambda: sara.text("parking").startswith("Från y: åäö 🎉 "))
        await sara.edit("parking", lambda t: t.insert(0, "Och ws. "))
        while "Och ws." not in str(body(doc)):
            msg = ysync.parse_message(await asyncio.wait_for(ws.recv(), 10))
            if msg.type == ysync.MessageType.SYNC and msg.step != ysync.SyncStep.STEP1:
                doc.apply_update(msg.payload)
        assert str(body(doc)) == sara.text("parking")


async def test_handshake_refusals(server) -> None:
    token = await token_for(server, "rita")
    base = f"ws://127.0.0.1:{server.port}"
    for path, status in [
        ("/y/parking", 401),
        ("/y/parking?token=forged", 401),
        (f"/y/internal?token={token}", 404),  # exists, but rita may not read it
        (f"/y/nothing?token={token}", 404),
        ("/elsewhere", 404),
    ]:
        with pytest.raises(InvalidStatus) as info:
            async with connect(base + path):
                pass
        assert info.value.response.status_code == status, path


async def test_reader_y_client_gets_published_revisions_live_and_may_not_write(
    server, clients
) -> None:
    """A reader's stock client is served the latest revision, read-only: an edit is
    answered with y-protocols' permission-denied message and the socket stays open
    and in sync (a close would make y-websocket reconnect and resend forever)."""
    olle = await clients("olle")
    published = olle.published_text("parking")
    await olle.edit("parking", lambda t: t.insert(0, "Draft words. "))
    await olle.wait_for(lambda: olle.of_type("ack"))
    token = await token_for(server, "rita")
    async with connect(f"ws://127.0.0.1:{server.port}/y/parking?token={token}") as ws:
        doc = new_doc()
        await y_sync(ws, doc)
        assert str(body(doc)) == published  # not the working copy
        sv = doc.get_state()
        body(doc).insert(0, "vandalism ")
        await ws.send(ysync.sync_update(doc.get_update(sv)))
        while True:
            msg = ysync.parse_message(await asyncio.wait_for(ws.recv(), 10))
            if msg.type == ysync.MessageType.AUTH:
                break
        assert msg.payload[0] == 0 and b"read-only" in msg.payload  # permission denied
        assert (await olle.publish("parking", "with a draft sentence"))["type"] == "saved"
        while "Draft words." not in str(body(doc)):
            msg = ysync.parse_message(await asyncio.wait_for(ws.recv(), 10))
            if msg.type == ysync.MessageType.SYNC and msg.step != ysync.SyncStep.STEP1:
                doc.apply_update(msg.payload)
        assert ws.close_code is None
    fresh = await clients("sara")
    assert "vandalism" not in fresh.text("parking")
    assert fresh.text("parking") == "Draft words. " + published


async def _line(proc: asyncio.subprocess.Process) -> dict:
    assert proc.stdout is not None
    raw = await asyncio.wait_for(proc.stdout.readline(), 20)
    assert raw, "node client exited"
    return json.loads(raw)


async def test_stock_node_yjs_client_co_edits_with_desktop_session(server, clients) -> None:
    node = shutil.which("node")
    assert node, "node is required (CI installs it)"
    assert NODE_MODULES.is_dir(), "run `npm ci --prefix benchmarks` (the CI script does)"
    sara = await clients("sara")
    token = await token_for(server, "olle")
    proc = await asyncio.create_subprocess_exec(
        node,
        str(Path(__file__).with_name("node") / "y_stock_client.cjs"),
        f"ws://127.0.0.1:{server.port}/y",
        "parking",
        token,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
    )
    assert proc.stdin is not None
    events: list[dict] = []
    try:
        synced = await _until(proc, "synced", events)
        assert synced == {"event": "synced", "text": sara.text("parking")}
        # JS indexes UTF-16; insert at the start so no conversion is involved
        proc.stdin.write(
            b'{"op":"insert","index":0,"text":"Node s\\u00e4ger hej \\ud83d\\udc4b "}\n'
        )
        await proc.stdin.drain()
        await _until(proc, "inserted", events)
        await sara.wait_for(lambda: sara.text("parking").startswith("Node säger hej 👋 "))
        await sara.edit(
            "parking", lambda t: t.insert(len(str(t).encode()), "Svar från skrivbordet.")
        )
        proc.stdin.write(b'{"op":"wait","contains":"Svar fr\\u00e5n skrivbordet."}\n')
        await proc.stdin.drain()
        seen = await _until(proc, "contains", events)
        assert seen["text"] == sara.text("parking")
    finally:
        proc.stdin.write(b'{"op":"quit"}\n')
        await proc.stdin.drain()
        await asyncio.wait_for(proc.wait(), 10)


async def _until(proc: asyncio.subprocess.Process, event: str, seen: list[dict]) -> dict:
    """Read the Node client's events until ``event``; every event lands in ``seen``."""
    while True:
        line = await _line(proc)
        seen.append(line)
        if line["event"] == event:
            return line


async def test_stock_node_reader_stays_connected_after_a_refused_edit(server, clients) -> None:
    """Issue 10, item 9. Before: a reader's stock client was closed (1008) when it sent
    an edit; y-websocket reconnected and resent, 66 times in 8 s, forever."""
    node = shutil.which("node")
    assert node, "node is required (CI installs it)"
    assert NODE_MODULES.is_dir(), "run `npm ci --prefix benchmarks` (the CI script does)"
    olle = await clients("olle")
    published = olle.published_text("parking")
    token = await token_for(server, "rita")
    proc = await asyncio.create_subprocess_exec(
        node,
        str(Path(__file__).with_name("node") / "y_stock_client.cjs"),
        f"ws://127.0.0.1:{server.port}/y",
        "parking",
        token,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
    )
    assert proc.stdin is not None
    seen: list[dict] = []
    try:
        assert (await _until(proc, "synced", seen))["text"] == published
        proc.stdin.write(b'{"op":"insert","index":0,"text":"vandalism "}\n')
        await proc.stdin.drain()
        denied = await _until(proc, "denied", seen)
        assert "read-only" in denied["text"]
        # a new revision still reaches the reader live, on the same connection
        await olle.edit("parking", lambda t: t.insert(0, "Zone D from June. "))
        await olle.wait_for(lambda: olle.of_type("ack"))
        assert (await olle.publish("parking", "zone D"))["type"] == "saved"
        proc.stdin.write(b'{"op":"wait","contains":"Zone D from June."}\n')
        await proc.stdin.drain()
        await _until(proc, "contains", seen)
        statuses = [e["status"] for e in seen if e["event"] == "status"]
        assert statuses.count("connected") == 1 and "disconnected" not in statuses
        assert not [e for e in seen if e["event"] == "closed"]
    finally:
        proc.stdin.write(b'{"op":"quit"}\n')
        await proc.stdin.drain()
        await asyncio.wait_for(proc.wait(), 10)
    sara = await clients("sara")
    assert "vandalism" not in sara.text("parking")
    assert sara.text("parking") == "Zone D from June. " + published


async def test_awareness_relays_between_ws_and_y_and_is_removed_on_leave(server, clients):
    from kmserver.protocol import awareness

    sara = await clients("sara")
    await sara.send_json(type="open", doc="parking")
    token = await token_for(server, "olle")
    async with connect(f"ws://127.0.0.1:{server.port}/y/parking?token={token}") as ws:
        caret = awareness.encode([(4242, 1, '{"user":{"name":"Olle","color":"#0a7"}}')])
        await ws.send(ysync.awareness(caret))
        await sara.wait_for(lambda: sara.awareness)
        assert sara.awareness[-1] == ("parking", caret)
        # sara's own caret reaches the y client
        mine = awareness.encode([(77, 1, '{"user":{"name":"Sara"}}')])
        await sara.ws.send(ysync.wrap("parking", ysync.awareness(mine)))
        while True:
            msg = ysync.parse_message(await asyncio.wait_for(ws.recv(), 10))
            if msg.type == ysync.MessageType.AWARENESS:
                assert msg.payload == mine
                break
    # the y client left: its caret is removed for those still in the room
    await sara.wait_for(lambda: len(sara.awareness) >= 2)
    assert awareness.parse(sara.awareness[-1][1]) == [(4242, 2, "null")]
