"""Role changes, removals and revoked tokens reach signed-in sessions without a reconnect."""

from __future__ import annotations

import asyncio

from kmserver.server import Server


async def test_promotion_and_demotion_apply_live(server: Server, clients) -> None:
    rita = await clients("rita")
    assert "internal" not in rita.metas
    await asyncio.to_thread(server.accounts.update_user, "rita", role="supervisor")
    await rita.wait_for(lambda: "Call security" in rita.text("internal"))
    assert rita.of_type("profile")[-1]["user"]["role"] == "supervisor"
    assert rita.metas["parking"]["can_edit"] is True
    await asyncio.to_thread(server.accounts.update_user, "rita", role="rep")
    await rita.wait_for(lambda: "internal" not in rita.metas)
    # and the demoted rep can no longer write
    await rita.edit("parking", lambda t: t.insert(0, "x"))
    await rita.wait_for(lambda: rita.of_type("error"))
    assert rita.of_type("error")[-1]["code"] == "forbidden"


async def test_removed_user_is_signed_out(server: Server, clients) -> None:
    olle = await clients("olle")
    await asyncio.to_thread(server.accounts.remove_user, "olle")
    await asyncio.wait_for(olle.ws.wait_closed(), 10)
    assert olle.ws.close_code == 4001
