"""Nothing acknowledged or broadcast is lost, even when the server is killed with -9."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

from kmserver.server import Server, ServerConfig
from tests.server.conftest import WireClient
from tests.server.processes import PortOnly as _PortOnly
from tests.server.processes import reap_servers as _reap_servers  # noqa: F401 (autouse)
from tests.server.processes import start_subprocess


async def test_kill_9_loses_nothing_acknowledged_or_broadcast(db_url: str) -> None:
    proc, port = await start_subprocess(db_url)
    writer = await WireClient.open(_PortOnly(port), "sara")  # type: ignore[arg-type]
    reader = await WireClient.open(_PortOnly(port), "olle")  # type: ignore[arg-type]
    await writer.sync()
    await reader.sync()
    total = 2000
    for i in range(total // 2):  # stream edits without waiting for acks
        await writer.edit("parking", lambda t, i=i: t.insert(len(str(t).encode()), f"[{i}]"))
    await writer.wait_for(lambda: len(writer.of_type("ack")) >= 50, timeout=30)
    await reader.wait_for(lambda: "[" in reader.text("parking"), timeout=30)
    # The rest of the stream, and the kill right behind its last edit: it lands
    # mid-stream however fast the server commits (a server that caught up with the
    # whole stream before the kill made the check below fail, not the durability).
    for i in range(total // 2, total):
        await writer.edit("parking", lambda t, i=i: t.insert(len(str(t).encode()), f"[{i}]"))
    os.kill(proc.pid, signal.SIGKILL)
    await proc.wait()
    acked = len(writer.of_type("ack"))
    assert acked < total, "the kill should land mid-stream"
    seen_by_reader = reader.text("parking")
    await writer.close()
    await reader.close()

    proc, port = await start_subprocess(db_url)
    try:
        check = await WireClient.open(_PortOnly(port), "sara")  # type: ignore[arg-type]
        await check.sync()
        text = check.text("parking")
        # acks come in send order, so the first `acked` edits are all acknowledged
        missing = [i for i in range(acked) if f"[{i}]" not in text]
        assert not missing, f"acknowledged edits lost: {missing[:10]}"
        # and so is everything another client had received
        broadcast = re.findall(r"\[\d+\]", seen_by_reader)
        assert broadcast and all(marker in text for marker in broadcast)
        await check.close()
    finally:
        proc.terminate()
        await proc.wait()


async def test_sigterm_saves_every_received_update(db_url: str, tmp_path: Path) -> None:
    srv = Server(ServerConfig(db_url=db_url, port=0))
    await srv.start()
    client = await WireClient.open(srv, "sara")
    await client.sync()
    for i in range(50):
        await client.edit("school", lambda t, i=i: t.insert(0, f"<{i}>"))
    await client.wait_for(lambda: len(client.of_type("ack")) >= 1)
    await srv.stop()  # what SIGTERM does: close sockets, commit the queue
    await client.close()
    received = len(client.of_type("ack"))
    srv = Server(ServerConfig(db_url=db_url, port=0))
    await srv.start()
    try:
        check = await WireClient.open(srv, "sara")
        await check.sync()
        text = check.text("school")
        assert all(f"<{i}>" in text for i in range(received))
        await check.close()
    finally:
        await srv.stop()


async def test_kill_9_right_after_a_publish_keeps_the_revision(db_url: str) -> None:
    proc, port = await start_subprocess(db_url)
    olle = await WireClient.open(_PortOnly(port), "olle")  # type: ignore[arg-type]
    rita = await WireClient.open(_PortOnly(port), "rita")  # type: ignore[arg-type]
    await olle.sync()
    await rita.sync()
    original = rita.published_text("parking")
    await olle.edit("parking", lambda t: t.insert(0, "Avgiften är 600 kr. "))
    await olle.wait_for(lambda: olle.of_type("ack"))
    saved = await olle.publish("parking", "new fee")
    assert saved["type"] == "saved" and saved["rev"] == 2
    os.kill(proc.pid, signal.SIGKILL)  # the moment the publish is answered
    await proc.wait()
    seen = rita.published_text("parking")  # whatever reached the reader before the kill
    await olle.close()
    await rita.close()

    proc, port = await start_subprocess(db_url)
    try:
        back = await WireClient.open(_PortOnly(port), "rita")  # type: ignore[arg-type]
        await back.sync()
        assert back.published_text("parking").startswith("Avgiften är 600 kr. ")
        assert back.metas["parking"]["published"]["rev"] == 2
        # a reader had revision 1, or already revision 2: never anything else
        assert seen in (original, back.published_text("parking"))
        history = await back.ask(type="history", doc="parking")
        assert [r["rev"] for r in history["revisions"]] == [2, 1]
        await back.close()
    finally:
        proc.terminate()
        await proc.wait()


async def test_kill_9_right_after_an_acknowledgement_keeps_it_and_counts_it_once(
    db_url: str,
) -> None:
    proc, port = await start_subprocess(db_url)
    sara = await WireClient.open(_PortOnly(port), "sara")  # type: ignore[arg-type]
    rita = await WireClient.open(_PortOnly(port), "rita")  # type: ignore[arg-type]
    await sara.sync()
    await rita.sync()
    request = "0c9e6f57-7f43-4f5e-9d7b-1f1d7c2b3a10"
    asked = await sara.ask(type="require_reading", id=request, doc="parking", **{"for": ["rep"]})
    assert asked["type"] == "saved"
    await rita.wait_for(lambda: "parking@1" in rita.records("must_read"))
    acked = await rita.ask(type="acknowledge", doc="parking", rev=1)
    assert acked["type"] == "saved"
    os.kill(proc.pid, signal.SIGKILL)  # the moment the acknowledgement is answered
    await proc.wait()
    await sara.close()
    await rita.close()

    proc, port = await start_subprocess(db_url)
    try:
        rita = await WireClient.open(_PortOnly(port), "rita")  # type: ignore[arg-type]
        await rita.sync()
        assert rita.records("ack")["parking@1"]["data"]["acked_at"]
        # the client did not hear the answer in time and sends it again: counted once
        again = await rita.ask(type="acknowledge", doc="parking", rev=1)
        assert again["seq"] == acked["seq"]
        sara = await WireClient.open(_PortOnly(port), "sara")  # type: ignore[arg-type]
        report = await sara.ask(type="coverage", doc="parking")
        assert report["counts"]["acknowledged"] == 1
        assert [u["state"] for u in report["users"] if u["name"] == "rita"] == ["acknowledged"]
        await rita.close()
        await sara.close()
    finally:
        proc.terminate()
        await proc.wait()
