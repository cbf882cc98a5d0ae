"""The server's log: one event per line with its logger's name, JSON on request, and no
password or token in it, whatever happens."""

from __future__ import annotations

import asyncio
import json
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path

from websockets.asyncio.client import connect

from kmserver.protocol.messages import PROTOCOL_VERSION
from kmserver.release import version
from kmserver.store.accounts import Accounts
from kmserver.store.database import Database
from tests.server.conftest import PASSWORD, WireClient, seed
from tests.server.processes import PortOnly

SECRET = "hunter2-not-the-password"


async def serve(url: str, fmt: str) -> tuple[asyncio.subprocess.Process, int]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kmserver", "serve", "--db", url, "--port", "0",
        "--log-level", "DEBUG", "--log-format", fmt,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
    assert line.startswith("listening on"), line
    return proc, int(line.rsplit(":", 1)[1])


async def things_happen(port: int, token: str) -> None:
    async with connect(f"ws://127.0.0.1:{port}/ws") as ws:  # a wrong password
        hello = {"type": "hello", "protocol": PROTOCOL_VERSION, "user": "rita", "password": SECRET}
        await ws.send(json.dumps(hello))
        assert json.loads(await ws.recv())["code"] == "auth_failed"
    async with connect(f"ws://127.0.0.1:{port}/ws") as ws:  # a token that works
        await ws.send(json.dumps({"type": "hello", "protocol": PROTOCOL_VERSION, "token": token}))
        assert json.loads(await ws.recv())["type"] == "welcome"
        await ws.send("{not json")
        await ws.recv()
    rita = await WireClient.open(PortOnly(port), "rita", PASSWORD)  # type: ignore[arg-type]
    await rita.sync()
    await rita.close()


async def test_json_and_text_lines_carry_no_secret(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'logs.db'}"
    seed(url, tmp_path)
    db = Database(url)
    accounts = Accounts(db)
    account = accounts.get("sara")
    assert account is not None
    token = accounts.issue_token(account)[0]
    db.dispose()
    for fmt in ("json", "text"):
        proc, port = await serve(url, fmt)
        await things_happen(port, token)
        proc.terminate()
        _, err = await proc.communicate()
        lines = err.decode().splitlines()
        assert lines, "the server logged nothing"
        text = err.decode()
        for secret in (SECRET, PASSWORD, token):
            assert secret not in text
        if fmt == "json":
            events = [json.loads(line) for line in lines]  # every line is one JSON event
            assert all({"ts", "level", "logger", "msg"} <= set(e) for e in events)
            assert any(e["logger"].startswith("kmserver") for e in events)
        else:
            shape = re.compile(r"^\S+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.]+: \S")
            assert all(shape.match(line) for line in lines), lines
            # which release each process runs (a rolling upgrade has two at once)
            assert any(
                " kmserver.server: serving " in line and f"(kmdesk {version()}, process " in line
                for line in lines
            ), lines
            # sign-ins: who, from where, how; never what they signed in with
            signins = [line for line in lines if " kmserver.signin: " in line]
            assert any(
                " INFO " in line and "sign-in failed: user 'rita' from 127.0.0.1 (password)" in line
                for line in signins
            ), signins
            for who, how in (("sara", "token"), ("rita", "password")):
                said = f"signed in: user '{who}' from 127.0.0.1 ({how})"
                assert any(said in line for line in signins), signins


async def test_answered_health_checks_are_not_logged_but_failed_requests_are(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'logs.db'}"
    seed(url, tmp_path)
    proc, port = await serve(url, "text")

    def get(path: str) -> int:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
                return r.status
        except urllib.error.HTTPError as exc:
            return exc.code

    for _ in range(3):  # what HAProxy's `option httpchk GET /health` asks every 2 s
        assert await asyncio.to_thread(get, "/health") == 200
    assert await asyncio.to_thread(get, "/no-such-page") == 404
    proc.terminate()
    _, err = await proc.communicate()
    lines = [line for line in err.decode().splitlines() if " kmserver.websockets: " in line]
    assert sum("HTTP response sent (404" in line for line in lines) == 1, lines
    assert not any("(200 OK)" in line for line in lines), lines
    assert sum(line.endswith("connection closed") for line in lines) == 1, lines
