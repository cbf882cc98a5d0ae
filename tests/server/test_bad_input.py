"""Bad input gets a clear error or close code, never crashes the server or harms data."""

from __future__ import annotations

import asyncio
import contextlib
import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from kmserver.protocol import ysync
from kmserver.protocol.codec import write_var_uint
from kmserver.protocol.messages import PROTOCOL_VERSION
from kmserver.server import Server


async def closed_with(ws) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with pytest.raises(ConnectionClosed) as info:
        while True:
            await asyncio.wait_for(ws.recv(), 10)
    assert info.value.rcvd is not None
    return info.value.rcvd.code, info.value.rcvd.reason


@pytest.mark.parametrize(
    ("frames", "code"),
    [
        (["{not json"], "bad_message"),
        (['{"type":"sync","cursor":-1}'], "bad_message"),
        (['{"type":"sync","cursor":0,"surprise":1}'], "bad_message"),
        (['{"type":"launch_missiles"}'], "bad_message"),
        (["[1,2,3]"], "bad_message"),
        ([b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"], "bad_message"),  # endless varint
        ([ysync.wrap("parking", b"\x07")], "bad_message"),  # unknown y message type
        ([ysync.wrap("parking", b"\x00\x02\x50garbage")], "bad_message"),  # length overruns
    ],
)
async def test_malformed_frames_get_errors_and_the_socket_stays(clients, frames, code) -> None:
    sara = await clients("sara")
    before = sara.text("parking")
    for frame in frames:
        await sara.ws.send(frame)
    await sara.wait_for(lambda: sara.of_type("error"))
    assert sara.of_type("error")[0]["code"] == code
    assert sara.of_type("error")[0]["message"]
    # still connected and working
    await sara.edit("parking", lambda t: t.insert(0, "ok "))
    await sara.wait_for(lambda: sara.of_type("ack"))
    fresh = await clients("olle")
    assert fresh.text("parking") == "ok " + before


async def test_invalid_crdt_bytes_are_refused_and_change_nothing(clients) -> None:
    sara = await clients("sara")
    before = sara.text("school")
    await sara.ws.send(ysync.wrap("school", ysync.sync_update(b"\x01\x02\x03garbage")))
    await sara.wait_for(lambda: sara.of_type("error"))
    err = sara.of_type("error")[0]
    assert err["code"] == "invalid_update" and err["reply_to"] == "update"
    fresh = await clients("olle")
    assert fresh.text("school") == before


async def test_hostile_peer_is_closed_with_1008(server: Server, clients) -> None:
    sara = await clients("sara")
    for _ in range(25):
        await sara.ws.send("{nope")
    await asyncio.wait_for(sara.ws.wait_closed(), 10)
    assert sara.ws.close_code == 1008
    assert len(sara.of_type("error")) == 20  # one clear error per bad frame until the close


async def test_oversized_frame_closes_with_1009(server: Server) -> None:
    ws = await connect(f"ws://127.0.0.1:{server.port}/ws", max_size=None)
    with contextlib.suppress(ConnectionClosed):  # the server may close mid-send
        await ws.send(b"x" * (4 * 1024 * 1024 + 1))
    await asyncio.wait_for(ws.wait_closed(), 10)
    assert ws.close_code == 1009
    # the server still serves others
    async with connect(f"ws://127.0.0.1:{server.port}/ws") as ws:
        await ws.send(json.dumps({"type": "hello", "protocol": PROTOCOL_VERSION, "token": "x"}))
        assert json.loads(await ws.recv())["code"] == "auth_failed"


@pytest.mark.parametrize(
    ("hello", "code", "close"),
    [
        (
            {"type": "hello", "protocol": PROTOCOL_VERSION, "user": "rita", "password": "wrong"},
            "auth_failed",
            4001,
        ),
        (
            {"type": "hello", "protocol": PROTOCOL_VERSION, "user": "nobody", "password": "x"},
            "auth_failed",
            4001,
        ),
        ({"type": "hello", "protocol": PROTOCOL_VERSION, "token": "forged"}, "auth_failed", 4001),
        ({"type": "hello", "protocol": 99, "token": "x"}, "unsupported_protocol", 4002),
        ({"type": "sync", "cursor": 0}, "not_signed_in", 4001),
        ({"type": "hello", "protocol": PROTOCOL_VERSION}, "not_signed_in", 4001),
    ],
)
async def test_bad_hello(server: Server, hello: dict, code: str, close: int) -> None:
    async with connect(f"ws://127.0.0.1:{server.port}/ws") as ws:
        await ws.send(json.dumps(hello))
        err = json.loads(await ws.recv())
        assert err["type"] == "error" and err["code"] == code
        got, _ = await closed_with(ws)
        assert got == close


async def test_same_error_for_unknown_user_and_wrong_password(server: Server) -> None:
    texts = []
    for user in ("rita", "nobody"):
        async with connect(f"ws://127.0.0.1:{server.port}/ws") as ws:
            await ws.send(
                json.dumps(
                    {
                        "type": "hello",
                        "protocol": PROTOCOL_VERSION,
                        "user": user,
                        "password": "wrong",
                    }
                )
            )
            texts.append(json.loads(await ws.recv()))
    assert texts[0] == texts[1]


async def test_login_is_throttled_per_account(server: Server) -> None:
    async def attempt(password: str) -> dict:
        async with connect(f"ws://127.0.0.1:{server.port}/ws") as ws:
            await ws.send(
                json.dumps(
                    {
                        "type": "hello",
                        "protocol": PROTOCOL_VERSION,
                        "user": "rita",
                        "password": password,
                    }
                )
            )
            return json.loads(await ws.recv())

    codes = [(await attempt("wrong"))["code"] for _ in range(6)]
    assert codes[:5] == ["auth_failed"] * 5 and codes[5] == "auth_throttled"
    locked = await attempt("correct horse battery")  # even the right password waits
    assert locked["code"] == "auth_throttled" and locked["retry_after"] > 0


async def test_unknown_doc_and_awareness_for_hidden_doc(clients) -> None:
    rita = await clients("rita")
    payload = write_var_uint(0)
    await rita.ws.send(ysync.wrap("internal", ysync.awareness(payload)))
    await rita.wait_for(lambda: rita.of_type("error"))
    assert rita.of_type("error")[0]["code"] == "not_found"


async def test_health_endpoint(server: Server) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    assert head.startswith(b"HTTP/1.1 200")
    length = int(
        next(
            line.split(b":")[1]
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        )
    )
    payload = json.loads(await reader.readexactly(length))
    assert payload["status"] == "ok" and payload["seq"] > 0
    writer.close()
