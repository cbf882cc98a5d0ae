"""Several kmserver processes on one PostgreSQL database (docs/server.md, "Several
processes"): clients spread over three processes see one server. Edits converge,
records and role changes reach every process, awareness crosses, delta sync works
on any of them, and kill -9 of one loses nothing acknowledged. On SQLite a second
``kmserver serve`` refuses to start."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import sys
import uuid
from pathlib import Path

import pytest

from kmserver.protocol import awareness, streams, ysync
from tests.server.conftest import WireClient
from tests.server.processes import PortOnly, start_subprocess
from tests.server.processes import reap_servers as _reap_servers  # noqa: F401 (autouse)
from tests.server.test_y_route import NODE_MODULES


@pytest.fixture
def pg_url(request: pytest.FixtureRequest, db_url: str) -> str:
    if not db_url.startswith("postgresql"):
        pytest.skip("several server processes need PostgreSQL")
    return db_url


async def three(pg_url: str) -> list[tuple[asyncio.subprocess.Process, int]]:
    return list(await asyncio.gather(*(start_subprocess(pg_url) for _ in range(3))))


async def client(port: int, user: str) -> WireClient:
    c = await WireClient.open(PortOnly(port), user)  # type: ignore[arg-type]
    await c.sync()
    return c


async def token_for_url(db_url: str, user: str) -> str:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kmserver", "token", user, "--db", db_url,
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await proc.communicate()
    return out.decode().strip()


async def start_node_client(url: str, doc_id: str, token: str) -> asyncio.subprocess.Process:
    node = shutil.which("node")
    assert node, "node is required (CI installs it)"
    return await asyncio.create_subprocess_exec(
        node,
        str(Path(__file__).with_name("node") / "y_stock_client.cjs"),
        url,
        doc_id,
        token,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
    )


async def node_line(proc: asyncio.subprocess.Process) -> dict:
    assert proc.stdout is not None
    while True:  # y-websocket's connection status lines are not what the test waits for
        raw = await asyncio.wait_for(proc.stdout.readline(), 20)
        assert raw, "node client exited"
        line = json.loads(raw)
        if line["event"] != "status":
            return line
        assert line["status"] != "disconnected", "the stock client was refused"


def markers(text: str, tag: str) -> set[str]:
    return set(re.findall(rf"\[{tag}\d+\]", text))


async def test_edits_records_roles_and_awareness_cross_processes(pg_url: str) -> None:
    (_, a), (_, b), (_, c) = await three(pg_url)
    olle_a, sara_b, olle_c = (
        await client(a, "olle"),
        await client(b, "sara"),
        await client(c, "olle"),
    )
    rita_c = await client(c, "rita")

    # concurrent edits from three processes converge everywhere
    async def burst(who: WireClient, tag: str) -> None:
        for i in range(60):
            await who.edit("parking", lambda t, i=i: t.insert(len(str(t).encode()), f"[{tag}{i}]"))

    await asyncio.gather(burst(olle_a, "a"), burst(sara_b, "b"), burst(olle_c, "c"))
    want = {f"[{tag}{i}]" for tag in "abc" for i in range(60)}
    for who in (olle_a, sara_b, olle_c):
        await who.wait_for(lambda who=who: want <= markers(who.text("parking"), "[abc]"), 30)
    assert olle_a.text("parking") == sara_b.text("parking") == olle_c.text("parking")
    assert "[a0]" not in rita_c.published_text("parking")  # the working copy stays unpublished

    # a publication on one process reaches a reader on another
    cursor_before = rita_c.cursor
    saved = await sara_b.publish("parking", "from process b")
    assert saved["type"] == "saved"
    await rita_c.wait_for(lambda: "[b59]" in rita_c.published_text("parking"))

    # a flag raised on process c reaches the owner on process a, with its notification
    flag_id = str(uuid.uuid4())
    answer = await rita_c.ask(type="flag", id=flag_id, doc="parking", reason="outdated")
    assert answer["type"] == "saved"
    await olle_a.wait_for(lambda: flag_id in olle_a.records("flag"))
    await olle_a.wait_for(lambda: bool(olle_a.notifications("flag_raised")))

    # delta sync on yet another connection, from the cursor rita had before
    late = await WireClient.open(PortOnly(a), "rita")  # type: ignore[arg-type]
    await late.sync(cursor=cursor_before, known=["parking", "school", "styleguide"])
    assert any(streams.parse(name) == ("parking", True) for name, _ in late.updates)
    assert flag_id in late.records("flag")

    # a stock Yjs client (y-websocket) on process c co-edits with olle on process a
    token = await token_for_url(pg_url, "olle")
    node = await start_node_client(f"ws://127.0.0.1:{c}/y", "parking", token)
    try:
        assert (await node_line(node))["event"] == "synced"
        node.stdin.write(b'{"op":"insert","index":0,"text":"Nod p\\u00e5 c. "}\n')
        await node.stdin.drain()
        assert (await node_line(node))["event"] == "inserted"
        await olle_a.wait_for(lambda: olle_a.text("parking").startswith("Nod på c. "))
        await olle_a.edit("parking", lambda t: t.insert(0, "Svar från a. "))
        node.stdin.write(b'{"op":"wait","contains":"Svar fr\\u00e5n a."}\n')
        await node.stdin.drain()
        assert (await node_line(node))["event"] == "contains"
    finally:
        node.stdin.write(b'{"op":"quit"}\n')
        await node.stdin.drain()
        await asyncio.wait_for(node.wait(), 10)

    # awareness: olle's caret on process a reaches sara, who has the document open on b
    await sara_b.send_json(type="open", doc="parking")
    await olle_a.send_json(type="open", doc="parking")
    await sara_b.barrier()
    await olle_a.barrier()
    caret = awareness.encode([(4242, 1, '{"user":{"name":"Olle"}}')])
    await olle_a.ws.send(ysync.wrap("parking", ysync.awareness(caret)))
    await sara_b.wait_for(lambda: ("parking", caret) in sara_b.awareness)
    # and its removal when olle leaves the document
    await olle_a.send_json(type="close", doc="parking")
    await sara_b.wait_for(
        lambda: any(
            d == "parking" and awareness.parse(p) == [(4242, 2, "null")]
            for d, p in sara_b.awareness
        )
    )

    # a topic change made with the command line reaches sessions on every process
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kmserver", "user", "set", "rita", "--topics", "parking,school",
        "--db", pg_url,
    )  # fmt: skip
    assert await proc.wait() == 0
    await rita_c.wait_for(
        lambda: any(
            m["type"] == "profile" and m["user"]["topics"] == ["parking", "school"]
            for m in rita_c.controls
        ),
        timeout=30,
    )
    # and a new role signs the user out everywhere, to sign in again with the new rights
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kmserver", "user", "set", "rita", "--role", "owner",
        "--db", pg_url,
    )  # fmt: skip
    assert await proc.wait() == 0
    for rita in (rita_c, late):
        await asyncio.wait_for(rita.ws.wait_closed(), 30)
        assert rita.ws.close_code == 4001
    for who in (olle_a, sara_b, olle_c):
        await who.close()


async def test_kill_9_of_one_process_loses_nothing_acknowledged(pg_url: str) -> None:
    (pa, a), (pb, b), (_, c) = await three(pg_url)
    writer = await client(b, "sara")
    watcher = await client(c, "olle")
    total = 1500
    for i in range(total):  # stream edits to process b without waiting for acks
        await writer.edit("parking", lambda t, i=i: t.insert(len(str(t).encode()), f"[k{i}]"))
    await writer.wait_for(lambda: len(writer.of_type("ack")) >= 50, timeout=30)
    os.kill(pb.pid, signal.SIGKILL)
    await pb.wait()
    acked = len(writer.of_type("ack"))
    assert acked < total, "the kill should land mid-stream"
    await writer.close()

    # the others never noticed: a reconnect goes to process a and finds every acked edit
    again = await client(a, "sara")
    text = again.text("parking")
    missing = [i for i in range(acked) if f"[k{i}]" not in text]
    assert not missing, f"acknowledged edits lost: {missing[:10]}"
    # process c's session is still live and converges with a
    await watcher.wait_for(lambda: markers(watcher.text("parking"), "k") >= markers(text, "k"))
    await again.edit("parking", lambda t: t.insert(0, "Efter kraschen. "))
    await watcher.wait_for(lambda: watcher.text("parking").startswith("Efter kraschen. "))
    assert pa.returncode is None
    for who in (again, watcher):
        await who.close()


async def test_a_second_server_on_one_sqlite_file_refuses_to_start(tmp_path: Path) -> None:
    from tests.server.conftest import seed

    url = f"sqlite:///{tmp_path / 'one.db'}"
    seed(url, tmp_path)
    first, port = await start_subprocess(url)
    second = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kmserver", "serve", "--db", url, "--port", "0",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(second.communicate(), 30)
    assert second.returncode == 2 and out == b""
    assert b"already serving one.db" in err and b"use PostgreSQL" in err
    # the commands keep working beside the running server
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kmserver", "user", "list", "--db", url,
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    listed, _ = await proc.communicate()
    assert proc.returncode == 0 and b"rita" in listed
    check = await client(port, "rita")
    await check.close()
    first.kill()
    await first.wait()
    # the lock goes with the process, even on kill -9
    again, _ = await start_subprocess(url)
    again.terminate()
    await again.wait()
