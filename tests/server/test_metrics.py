"""``GET /metrics`` (kmserver/metrics.py): scraped from a real server process after
sign-ins and edits, its counters have moved; ``--metrics off`` hides it, and
``local`` admits only the loopback address. No timing is asserted."""

from __future__ import annotations

import asyncio
import gc
import json
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families
from websockets.asyncio.client import connect

from kmserver.metrics import Metrics, allowed
from kmserver.protocol.messages import PROTOCOL_VERSION
from kmserver.store.models import LOG_META, LOG_RECORD, LOG_UPDATE
from tests.server.conftest import WireClient, eventually, running_server
from tests.server.processes import PortOnly, start_subprocess
from tests.server.processes import reap_servers as _reap_servers  # noqa: F401 (autouse)


def _get(port: int) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, "", ""


async def scrape(port: int) -> dict[tuple[str, tuple], float]:
    status, content_type, text = await asyncio.to_thread(_get, port)
    assert status == 200 and content_type.startswith("text/plain"), (status, content_type)
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_move_with_sign_ins_and_edits(db_url: str) -> None:
    _, port = await start_subprocess(db_url)
    before = await scrape(port)
    assert value(before, "kmserver_connections", kind="ws") == 0
    # The full collection after start-up (kmserver/gc_pacing.py), seen by the registry.
    assert value(before, "kmserver_gc_pause_seconds_count", generation="2") >= 1
    assert value(before, "process_cpu_seconds_total") > 0  # the process's own, as documented
    assert value(before, "process_resident_memory_bytes") > 0
    assert value(before, "python_gc_collections_total", generation="2") >= 1

    async with connect(f"ws://127.0.0.1:{port}/ws") as ws:  # one wrong password
        await ws.send(
            json.dumps({"type": "hello", "protocol": PROTOCOL_VERSION, "user": "olle",
                        "password": "not the password"})
        )  # fmt: skip
        assert json.loads(await ws.recv())["code"] == "auth_failed"
    olle = await WireClient.open(PortOnly(port), "olle")  # type: ignore[arg-type]
    await olle.sync()
    for i in range(5):
        await olle.edit("parking", lambda t, i=i: t.insert(len(str(t).encode()), f"<{i}>"))
    await olle.wait_for(lambda: len(olle.of_type("ack")) >= 5)

    after = await scrape(port)
    assert value(after, "kmserver_connections", kind="ws") == 1
    assert value(after, "kmserver_signed_in_users") == 1
    assert value(after, "kmserver_signins_total", method="password", result="failed") == 1
    assert value(after, "kmserver_signins_total", method="password", result="ok") == 1
    assert value(after, "kmserver_log_entries_committed_total", kind="update") >= 5
    assert value(after, "kmserver_writer_batch_jobs_count") >= 1
    assert value(after, "kmserver_writer_batch_jobs_sum") >= 5
    assert value(after, "kmserver_writer_commit_seconds_count") >= 1
    assert value(after, "kmserver_log_position") >= value(before, "kmserver_log_position") + 5
    assert value(after, "kmserver_send_queue_drops_total") == 0
    assert value(after, "kmserver_listen_reconnects_total") == 0
    await olle.close()

    async def closed() -> bool:
        return value(await scrape(port), "kmserver_connections", kind="ws") == 0

    await eventually(closed, "the close counted")  # the server notices it on its own schedule


async def test_metrics_off_and_local(db_url: str) -> None:
    _, port = await start_subprocess(db_url, "--metrics", "off")
    status, _, _ = await asyncio.to_thread(_get, port)
    assert status == 404
    assert allowed("local", "127.0.0.1") and allowed("local", "::1")
    assert not allowed("local", "10.1.2.3") and not allowed("local", "unknown")
    assert allowed("on", "10.1.2.3") and not allowed("off", "127.0.0.1")


def test_committed_entries_are_counted_by_kind_one_batch_at_a_time() -> None:
    """Counted once per kind and batch (the writer's hot path), every entry still counts."""
    metrics = Metrics()
    metrics.committed_entries([LOG_UPDATE, LOG_UPDATE, LOG_META, LOG_UPDATE, LOG_RECORD, 9])
    metrics.committed_entries(kind for kind in (LOG_UPDATE, LOG_META))
    metrics.committed_entries([])
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(metrics.render().decode())
        for s in family.samples
    }
    name = "kmserver_log_entries_committed_total"
    assert value(samples, name, kind="update") == 4
    assert value(samples, name, kind="meta") == 2
    assert value(samples, name, kind="record") == 1
    assert value(samples, name, kind="9") == 1
    assert value(samples, name, kind="publish") == 0


async def test_collections_are_observed_while_the_server_runs_and_not_after(
    db_url: str,
) -> None:
    async with running_server(db_url) as server:

        def full_collections() -> float:
            text = server.metrics.render().decode()
            samples = {
                (s.name, tuple(sorted(s.labels.items()))): s.value
                for family in text_string_to_metric_families(text)
                for s in family.samples
            }
            return value(samples, "kmserver_gc_pause_seconds_count", generation="2")

        seen = full_collections()
        gc.collect()
        assert full_collections() == seen + 1
    gc.collect()  # a stopped server's registry hears of no more collections
    assert full_collections() == seen + 1
