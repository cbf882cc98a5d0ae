"""Account changes reach signed-in sessions: topics live, and a new password, a new
role or a removal ends every session of the user (issue 10, item 5)."""

from __future__ import annotations

import asyncio
import json

from websockets.asyncio.client import connect

from kmserver.protocol.messages import PROTOCOL_VERSION
from kmserver.server import Server
from tests.server.conftest import PASSWORD, WireClient


async def _hello_with_token(server: Server, token: str) -> dict:
    async with connect(f"ws://127.0.0.1:{server.port}/ws") as ws:
        await ws.send(json.dumps({"type": "hello", "protocol": PROTOCOL_VERSION, "token": token}))
        return json.loads(await ws.recv())


async def test_topic_change_applies_live(server: Server, clients) -> None:
    rita = await clients("rita")
    await asyncio.to_thread(server.accounts.update_user, "rita", topics=["parking", "school"])
    await rita.wait_for(lambda: rita.of_type("profile"))
    assert rita.of_type("profile")[-1]["user"]["topics"] == ["parking", "school"]
    assert rita.ws.close_code is None


async def test_role_change_ends_sessions_and_the_new_role_applies_at_sign_in(
    server: Server, clients
) -> None:
    rita = await clients("rita")
    token = rita.welcome["token"]
    assert "internal" not in rita.metas
    await asyncio.to_thread(server.accounts.update_user, "rita", role="supervisor")
    await asyncio.wait_for(rita.ws.wait_closed(), 10)
    assert rita.ws.close_code == 4001
    assert (await _hello_with_token(server, token))["code"] == "auth_failed"
    again = await clients("rita")
    assert again.welcome["user"]["role"] == "supervisor"
    assert "Call security" in again.text("internal")
    assert again.metas["parking"]["can_edit"] is True


async def test_password_change_ends_sessions(server: Server, clients) -> None:
    """Before: tokens issued before ``kmserver user set NAME --password-stdin`` stayed
    valid for 30 days."""
    olle = await clients("olle")
    token = olle.welcome["token"]
    await asyncio.to_thread(server.accounts.update_user, "olle", password="a new passphrase")
    await asyncio.wait_for(olle.ws.wait_closed(), 10)
    assert olle.ws.close_code == 4001
    assert (await _hello_with_token(server, token))["code"] == "auth_failed"
    fresh = await WireClient.open(server, "olle", "a new passphrase")
    await fresh.close()
    async with connect(f"ws://127.0.0.1:{server.port}/ws") as ws:
        old = {"type": "hello", "protocol": PROTOCOL_VERSION, "user": "olle", "password": PASSWORD}
        await ws.send(json.dumps(old))
        assert json.loads(await ws.recv())["code"] == "auth_failed"


async def test_removed_user_is_signed_out(server: Server, clients) -> None:
    olle = await clients("olle")
    await asyncio.to_thread(server.accounts.remove_user, "olle")
    await asyncio.wait_for(olle.ws.wait_closed(), 10)
    assert olle.ws.close_code == 4001
