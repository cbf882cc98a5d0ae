"""Issue 10, items 3 and 6: sign-in floods never stall the writer and are cheap to
refuse; lockout slows an attacker's address, not the real user; names do not leak."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import threading
import uuid
from typing import Any

import pytest
from websockets.asyncio.client import connect

from kmserver import cli
from kmserver.limits import Limits, Rate
from kmserver.protocol.messages import PROTOCOL_VERSION
from kmserver.server import Server
from kmserver.signin import Gate, hashing_priority
from kmserver.store import accounts as accounts_module
from tests.server.conftest import PASSWORD, eventually, running_server

FAST = {"signin_tarpit": 0.01}  # keep refusals quick in tests


async def hello(
    server: Server, user: str, password: str, address: str = "127.0.0.1"
) -> dict[str, Any]:
    async with connect(
        f"ws://127.0.0.1:{server.port}/ws", local_addr=(address, 0), open_timeout=10
    ) as ws:
        await ws.send(
            json.dumps(
                {"type": "hello", "protocol": PROTOCOL_VERSION, "user": user, "password": password}
            )
        )
        return json.loads(await asyncio.wait_for(ws.recv(), 20))


async def test_an_attackers_address_is_locked_not_the_account(db_url: str) -> None:
    """Before: six wrong passwords from anywhere locked the account everywhere for a while."""
    async with running_server(db_url, limits=Limits(**FAST)) as server:
        codes = [(await hello(server, "rita", "wrong", "127.0.0.2"))["code"] for _ in range(6)]
        assert codes[:5] == ["auth_failed"] * 5 and codes[5] == "auth_throttled"
        locked = await hello(server, "rita", PASSWORD, "127.0.0.2")
        assert locked["code"] == "auth_throttled" and locked["retry_after"] >= 1
        # the real rita, from her own address, is not locked out
        assert (await hello(server, "rita", PASSWORD, "127.0.0.1"))["type"] == "welcome"


async def test_unknown_names_are_treated_like_known_ones(db_url: str) -> None:
    """Before: only existing accounts were ever throttled, which told which names exist."""
    async with running_server(db_url, limits=Limits(**FAST)) as server:
        seen = {}
        for name, address in (("rita", "127.0.0.3"), ("nobody-here", "127.0.0.4")):
            seen[name] = [(await hello(server, name, "wrong", address)) for _ in range(7)]
        strip = [[(r["code"], r["message"]) for r in answers] for answers in seen.values()]
        assert strip[0] == strip[1]
        assert strip[0][-1][0] == "auth_throttled"


async def test_a_distributed_attack_leaves_the_users_known_address_open(db_url: str) -> None:
    limits = Limits(signin_failures_per_name=Rate(0.001, 3), signin_lock_after=100, **FAST)
    async with running_server(db_url, limits=limits) as server:
        assert (await hello(server, "olle", PASSWORD, "127.0.0.1"))["type"] == "welcome"
        for address in ("127.0.0.2", "127.0.0.3", "127.0.0.4"):
            assert (await hello(server, "olle", "guess", address))["code"] == "auth_failed"
        # the name is under attack: a new address must wait, even with the password...
        assert (await hello(server, "olle", PASSWORD, "127.0.0.5"))["code"] == "auth_throttled"
        # ...but olle gets in from where he signed in before
        assert (await hello(server, "olle", PASSWORD, "127.0.0.1"))["type"] == "welcome"


async def test_a_flood_of_bad_sign_ins_is_refused_without_hashing(db_url: str, monkeypatch):
    calls = []
    real = accounts_module._verify
    monkeypatch.setattr(accounts_module, "_verify", lambda h, p: calls.append(1) or real(h, p))
    limits = Limits(signin_failures_per_address=Rate(0.001, 4), **FAST)
    async with running_server(db_url, limits=limits) as server:
        names = [f"user{i}" for i in range(12)]
        answers = [await hello(server, name, "wrong", "127.0.0.6") for name in names]
        assert [a["code"] for a in answers] == ["auth_failed"] * 4 + ["auth_throttled"] * 8
        assert len(calls) == 4  # the throttled eight cost no argon2 at all
        # another address is not affected
        assert (await hello(server, "rita", PASSWORD, "127.0.0.7"))["type"] == "welcome"


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux's SCHED_IDLE")
async def test_passwords_are_checked_at_the_lowest_priority(server: Server, monkeypatch) -> None:
    """Before: nice 19, which still kept the CPU for the rest of its time slice when
    the event loop woke (a sign-in flood tripled honest editors' p99 on one core).
    SCHED_IDLE gives way at once to any other thread that wakes."""
    seen: list[tuple[int, int]] = []
    real = accounts_module._verify

    def verify(password_hash: str, password: str) -> bool:
        seen.append(hashing_priority())
        return real(password_hash, password)

    monkeypatch.setattr(accounts_module, "_verify", verify)
    assert (await hello(server, "rita", PASSWORD))["type"] == "welcome"
    assert seen and seen[0][0] == os.SCHED_IDLE
    # the server's own threads keep the normal policy
    assert hashing_priority()[0] == os.SCHED_OTHER


async def test_a_password_check_never_holds_the_write_lock(db_url: str, monkeypatch) -> None:
    """Before: argon2 ran inside a write transaction, so on SQLite every commit (an
    editor's acknowledgement) waited for each password check."""
    inside, release = threading.Event(), threading.Event()
    real = accounts_module._verify

    def slow_verify(password_hash: str, password: str) -> bool:
        if password == "held":
            inside.set()
            release.wait(30)
        return real(password_hash, password)

    monkeypatch.setattr(accounts_module, "_verify", slow_verify)
    async with running_server(db_url) as server:
        from tests.server.conftest import WireClient

        sara = await WireClient.open(server, "sara")
        await sara.sync()
        signing_in = asyncio.create_task(hello(server, "rita", "held"))
        try:
            await asyncio.wait_for(asyncio.to_thread(inside.wait, 20), 30)
            await sara.edit("parking", lambda t: t.insert(0, "Still saved. "))
            await sara.wait_for(lambda: sara.of_type("ack"), timeout=5)
            flagged = await sara.ask(
                type="flag", id=str(uuid.uuid4()), doc="parking", reason="unclear"
            )
            assert flagged["type"] == "saved"
        finally:
            release.set()
            with contextlib.suppress(Exception):
                assert (await signing_in)["code"] == "auth_failed"
            await sara.close()


@pytest.mark.parametrize("field", ["token"])
async def test_forged_tokens_count_as_failures_of_the_address(db_url: str, field: str) -> None:
    limits = Limits(signin_failures_per_address=Rate(0.001, 3), **FAST)
    async with running_server(db_url, limits=limits) as server:
        codes = []
        for _ in range(5):
            async with connect(
                f"ws://127.0.0.1:{server.port}/ws", local_addr=("127.0.0.8", 0)
            ) as ws:
                await ws.send(
                    json.dumps({"type": "hello", "protocol": PROTOCOL_VERSION, field: "forged"})
                )
                codes.append(json.loads(await ws.recv())["code"])
        assert codes == ["auth_failed"] * 3 + ["auth_throttled"] * 2


def test_an_admin_unlock_forgets_the_names_failures_everywhere() -> None:
    now = [0.0]
    limits = Limits(signin_lock_after=2, signin_failures_per_name=Rate(0.001, 3))
    gate = Gate(limits, clock=lambda: now[0])
    for address in ("10.0.0.1", "10.0.0.1", "10.0.0.2"):
        gate.failed("rita", address)
    assert gate.retry_after("rita", "10.0.0.1")  # the pair is locked
    assert gate.retry_after("rita", "10.0.0.9")  # the name is under attack
    gate.unlock("rita")
    assert gate.retry_after("rita", "10.0.0.1") is None
    assert gate.retry_after("rita", "10.0.0.9") is None


async def test_kmserver_user_unlock_lets_a_locked_out_user_in(db_url: str) -> None:
    """The way in when the attacker shares the user's address (one NAT for a whole
    centre): ``kmserver user unlock NAME`` reaches the running server within 2 s."""
    async with running_server(db_url, limits=Limits(**FAST)) as server:
        for _ in range(5):
            assert (await hello(server, "rita", "wrong"))["code"] == "auth_failed"
        assert (await hello(server, "rita", PASSWORD))["code"] == "auth_throttled"
        assert await asyncio.to_thread(cli.main, ["user", "unlock", "rita", "--db", db_url]) == 0

        async def welcomed() -> bool:
            answer = await hello(server, "rita", PASSWORD)
            assert answer["type"] == "welcome" or answer["code"] == "auth_throttled"
            return answer["type"] == "welcome"

        await eventually(welcomed, "rita let in after the unlock", timeout=8, every=0.2)
        unknown = await asyncio.to_thread(cli.main, ["user", "unlock", "nobody", "--db", db_url])
        assert unknown == 2


async def test_a_new_password_lifts_the_lockout(db_url: str) -> None:
    async with running_server(db_url, limits=Limits(**FAST)) as server:
        for _ in range(6):
            await hello(server, "olle", "wrong")
        assert (await hello(server, "olle", PASSWORD))["code"] == "auth_throttled"
        await asyncio.to_thread(server.accounts.update_user, "olle", password="a fresh passphrase")

        async def welcomed() -> bool:
            return (await hello(server, "olle", "a fresh passphrase"))["type"] == "welcome"

        await eventually(welcomed, "olle let in with the new password", timeout=8, every=0.2)
