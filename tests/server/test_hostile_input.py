"""Issue 10, item 7: malformed input gets a clear error, before and after sign-in,
and never a traceback in the log, a 1011 close or a secret in the log."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from kmserver.protocol.messages import PROTOCOL_VERSION
from kmserver.server import Server
from tests.server.conftest import PASSWORD

# Frames a careless or hostile client sends. Raw JSON text: a lone surrogate is
# valid JSON but not valid Unicode; Python's int() refuses more than 4,300 digits.
LONE_SURROGATE = '{"type":"comment","id":"%s","doc":"parking","body":"\\ud800"}'
HUGE_INT = '{"type":"sync","cursor":' + "9" * 5000 + "}"
BIG_RECORDS_FROM = '{"type":"sync","cursor":0,"records_from":' + str(2**63) + "}"
BIG_CURSOR = '{"type":"sync","cursor":' + str(2**64) + "}"
NAN = '{"type":"sync","cursor":NaN}'
SURROGATE_KEY = '{"type":"open","doc":"parking","\\udfff":1}'
HELLO = '{"type":"hello","protocol":' + str(PROTOCOL_VERSION)
HELLO_SURROGATE = HELLO + ',"user":"rita","password":"\\udc80abc"}'
HELLO_SURROGATE_USER = HELLO + ',"user":"\\ud83d","password":"x"}'
HELLO_HUGE_PROTOCOL = '{"type":"hello","protocol":' + "1" * 4400 + ',"token":"x"}'


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "frame",
    [
        LONE_SURROGATE % "5f0c7a8e-2a4b-4c55-9d0e-0c4f5d6e7a8b",
        HUGE_INT,
        BIG_RECORDS_FROM,
        BIG_CURSOR,
        NAN,
        SURROGATE_KEY,
        '{"type":"revision","doc":"parking","rev":' + str(2**63) + "}",
        '{"type":"audit","limit":' + str(2**70) + "}",
        '{"type":"restore","id":"5f0c7a8e-2a4b-4c55-9d0e-0c4f5d6e7a8b","doc":"parking","rev":'
        + str(2**63)
        + "}",
    ],
)
async def test_malformed_values_after_sign_in_get_bad_message(
    clients, caplog: pytest.LogCaptureFixture, frame: str
) -> None:
    caplog.set_level(logging.INFO)
    sara = await clients("sara")
    await sara.ws.send(frame)
    await sara.wait_for(lambda: sara.of_type("error"))
    assert sara.of_type("error")[0]["code"] == "bad_message"
    await sara.barrier()  # still connected and answering
    assert sara.ws.close_code is None
    assert tracebacks(caplog) == []


@pytest.mark.parametrize(
    "frame", [HELLO_SURROGATE, HELLO_SURROGATE_USER, HELLO_HUGE_PROTOCOL, HUGE_INT, NAN]
)
async def test_malformed_hello_is_refused_cleanly(
    server: Server, caplog: pytest.LogCaptureFixture, frame: str
) -> None:
    caplog.set_level(logging.INFO)
    async with connect(f"ws://127.0.0.1:{server.port}/ws") as ws:
        await ws.send(frame)
        error = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert error["type"] == "error" and error["code"] == "not_signed_in"
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 10)
        assert ws.close_code == 4001
    assert tracebacks(caplog) == []


async def test_debug_log_holds_no_password_or_token(
    server: Server, clients, caplog: pytest.LogCaptureFixture
) -> None:
    """At DEBUG the websockets library traces every frame and handshake line."""
    caplog.set_level(logging.DEBUG)
    rita = await clients("rita")
    token = rita.welcome["token"]
    async with connect(f"ws://127.0.0.1:{server.port}/ws") as ws:
        await ws.send(json.dumps({"type": "hello", "protocol": PROTOCOL_VERSION, "token": token}))
        assert json.loads(await ws.recv())["type"] == "welcome"
    async with connect(f"ws://127.0.0.1:{server.port}/y/parking?token={token}") as ws:
        await asyncio.wait_for(ws.recv(), 10)  # the server's sync step 1
    await rita.barrier()
    # the test's own websockets client traces its frames too: only the server's lines
    logged = "\n".join(
        r.getMessage() for r in caplog.records if not r.name.startswith("websockets.client")
    )
    assert logged  # the log is on
    assert PASSWORD not in logged
    assert token not in logged and token[:20] not in logged
