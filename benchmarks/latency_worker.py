"""The client side of benchmarks/edit_latency.py: one process holding many rooms.

``edit_latency.py`` starts ``python edit_latency.py --worker CONFIG`` once per
client process; this is what such a process runs: it opens the rooms (y-websocket,
kmserver's /y/ or Hocuspocus framing), sends the edits of its writers and times,
for each marker, when the last other client of the room has it. The results go
to the JSON file named in the config.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from pathlib import Path

from latency_common import TEXT_NAME, log


def worker_main(config_path: str) -> int:
    cfg = json.loads(Path(config_path).read_text())
    with contextlib.suppress(Exception):
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = min(hard, max(soft, 4 * len(cfg["rooms"]) * cfg["clients_per_room"] + 256))
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return asyncio.run(_worker(cfg))


class _Edit:
    __slots__ = ("failed", "measured", "remaining", "t_done", "t_rel", "t_send")

    def __init__(self, t_rel: float, measured: bool, receivers: int):
        self.t_rel = t_rel
        self.measured = measured
        self.remaining = receivers
        self.t_send = 0.0
        self.t_done: float | None = None
        self.failed = False  # the writer's send raised (its connection is gone)


async def _worker(cfg: dict) -> int:
    from pycrdt import (
        Doc,
        Text,
        create_awareness_message,
        create_sync_message,
        create_update_message,
        handle_sync_message,
        write_var_uint,
    )
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    perf = time.perf_counter
    mono = time.monotonic
    wid = cfg["worker_id"]
    C = cfg["clients_per_room"]
    each_ms: list[float] = []  # per receiver, measured edits
    stats = {
        "connect_failed": 0,
        "disconnects": 0,
        "close_codes": {},
        "awareness_msgs": 0,
        "update_msgs": 0,
        "sync_errors": 0,
    }
    extensions: set[str] = set()

    # Hocuspocus multiplexes documents over one socket: every message in both directions
    # starts with the document name (a y-protocols varString), the client authenticates
    # first (MessageType.Auth = 2, submessage Token = 0, a token string), and the server
    # answers a sync step 1 with its own step 1 as a SyncReply (4) and confirms applied
    # updates with SyncStatus (8). hocuspocus-provider does the same.
    hocuspocus = cfg["protocol"] == "hocuspocus"

    def var_string(text: str) -> bytes:
        raw = text.encode()
        return write_var_uint(len(raw)) + raw

    def unframe(msg: bytes) -> bytes:
        """A Hocuspocus message without its document name, SyncReply read as Sync."""
        n = shift = i = 0
        while True:
            b = msg[i]
            i += 1
            n |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                break
        inner = msg[i + n :]
        if inner[:1] == b"\x04":
            inner = b"\x00" + inner[1:]
        return inner

    class Client:
        __slots__ = (
            "alive",
            "doc",
            "idx",
            "pending",
            "prefix",
            "reader",
            "room",
            "synced",
            "text",
            "ws",
        )

        def __init__(self, room: int, idx: int, name: str):
            self.room, self.idx = room, idx
            self.prefix = var_string(name) if hocuspocus else b""
            self.doc = Doc()
            self.text = self.doc.get(TEXT_NAME, type=Text)
            self.pending: dict[str, _Edit] = {}
            self.synced = asyncio.Event()
            self.ws = None
            self.alive = False
            self.reader: asyncio.Task | None = None

        def check(self, t: float) -> None:
            s = str(self.text)
            for marker in [m for m in self.pending if m in s]:
                edit = self.pending.pop(marker)
                if edit.measured:
                    each_ms.append((t - edit.t_send) * 1000.0)
                edit.remaining -= 1
                if edit.remaining == 0:
                    edit.t_done = t

        async def read_loop(self) -> None:
            ws = self.ws
            try:
                async for msg in ws:
                    if isinstance(msg, str) or not msg:
                        continue
                    if hocuspocus:
                        msg = unframe(msg)
                        if not msg:
                            continue
                    kind = msg[0]
                    if kind == 0:  # sync
                        step = msg[1]
                        try:
                            reply = handle_sync_message(msg[1:], self.doc)
                        except Exception:
                            stats["sync_errors"] += 1
                            continue
                        if reply is not None:  # server's step 1 -> our step 2
                            await ws.send(self.prefix + reply)
                        elif step == 1:
                            self.synced.set()
                        if step != 0:
                            stats["update_msgs"] += 1
                            if self.pending:
                                self.check(perf())
                    elif kind == 1:
                        stats["awareness_msgs"] += 1
                    elif kind == 2 and hocuspocus and msg[1:2] == b"\x01":
                        stats["sync_errors"] += 1  # Hocuspocus: permission denied
            except ConnectionClosed:
                pass
            finally:
                was_alive, self.alive = self.alive, False
                if was_alive and not closing:
                    stats["disconnects"] += 1
                    code = str(ws.close_code)  # None: no close frame (connection dropped)
                    stats["close_codes"][code] = stats["close_codes"].get(code, 0) + 1

    closing = False
    rooms = cfg["rooms"]
    clients = [[Client(r["index"], i, r["name"]) for i in range(C)] for r in rooms]
    sem = asyncio.Semaphore(cfg["connect_concurrency"])
    connect_ms: list[float] = []

    def awareness_payload(client: Client) -> bytes:
        state = json.dumps(
            {"user": {"name": f"bench-{client.room}-{client.idx}", "color": "#30bced"}},
            separators=(",", ":"),
        ).encode()
        body = (
            write_var_uint(1)
            + write_var_uint(client.doc.client_id)
            + write_var_uint(1)
            + write_var_uint(len(state))
            + state
        )
        return client.prefix + create_awareness_message(body)

    async def open_client(client: Client, url: str) -> None:
        async with sem:
            t = perf()
            try:
                client.ws = await connect(
                    url,
                    compression="deflate" if cfg["compression"] else None,
                    proxy=None,
                    open_timeout=cfg["connect_timeout"],
                    ping_interval=None,  # browsers' y-websocket clients send no ws pings
                    close_timeout=2,
                    max_size=2**24,
                    max_queue=None,
                )
                client.alive = True
                ext = client.ws.response.headers.get("Sec-WebSocket-Extensions")
                extensions.add(ext or "none")
                client.reader = asyncio.create_task(client.read_loop())
                if hocuspocus:  # Auth, Token, any token (the server has no auth hook)
                    auth = write_var_uint(2) + write_var_uint(0) + var_string("bench")
                    await client.ws.send(client.prefix + auth)
                await client.ws.send(client.prefix + create_sync_message(client.doc))
                await asyncio.wait_for(client.synced.wait(), cfg["connect_timeout"])
                if cfg["awareness"]:
                    await client.ws.send(awareness_payload(client))
                connect_ms.append((perf() - t) * 1000.0)
            except Exception as exc:
                stats["connect_failed"] += 1
                client.alive = False
                if stats["connect_failed"] <= 3:
                    log(f"worker {wid}: connect/sync failed for {url.split('?')[0]}: {exc!r}")

    t_connect = perf()
    await asyncio.gather(
        *(
            open_client(c, url)
            for r, row in zip(rooms, clients, strict=True)
            for c, url in zip(row, r["urls"], strict=True)
        )
    )
    reps = await _open_ws_reps(cfg.get("ws_reps"), connect, cfg["connect_timeout"], stats)
    if reps:
        log(f"worker {wid}: {len(reps)} /ws rep sessions signed in and synced")
    connect_s = perf() - t_connect
    n_ok = sum(c.alive for row in clients for c in row)
    print(f"READY {n_ok} {stats['connect_failed']}", flush=True)

    line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    if not line.startswith("GO "):
        closing = True
        for row in clients:
            for c in row:
                if c.ws is not None:
                    with contextlib.suppress(Exception):
                        await c.ws.close()
        return 2
    t0 = float(line.split()[1])  # CLOCK_MONOTONIC, shared with the orchestrator
    warmup, duration, interval = cfg["warmup"], cfg["duration"], cfg["interval"]
    t_meas, t_end = t0 + warmup, t0 + warmup + duration

    edits: list[_Edit] = []
    sched_lag_ms: list[float] = []
    counters = {"scheduled": 0, "skipped_writer_down": 0, "send_errors": 0}

    async def room_loop(row: list[Client], phase: float, room_index: int) -> None:
        k = 0
        while True:
            t_sched = t0 + phase + k * interval
            if t_sched >= t_end:
                return
            delay = t_sched - mono()
            if delay > 0:
                await asyncio.sleep(delay)
            writer = row[k % C]
            k += 1
            measured = t_sched >= t_meas
            counters["scheduled"] += measured
            if not writer.alive:
                counters["skipped_writer_down"] += measured
                continue
            marker = f"[{room_index}.{k}]"
            sv = writer.doc.get_state()
            writer.text.insert(len(writer.text), marker)
            msg = writer.prefix + create_update_message(writer.doc.get_update(sv))
            edit = _Edit(t_sched - t_meas, measured, C - 1)
            for other in row:
                if other is not writer:
                    other.pending[marker] = edit
            if measured:
                edits.append(edit)
                sched_lag_ms.append((mono() - t_sched) * 1000.0)
            edit.t_send = perf()
            try:
                await writer.ws.send(msg)
            except Exception:
                counters["send_errors"] += measured
                edit.failed = True
                for other in row:
                    other.pending.pop(marker, None)

    loop_lag_ms: list[float] = []

    async def lag_probe() -> None:
        step = 0.01
        while mono() < t_end:
            a = mono()
            await asyncio.sleep(step)
            if a >= t_meas:
                loop_lag_ms.append((mono() - a - step) * 1000.0)

    cpu_marks: dict[str, float] = {}

    async def cpu_mark(at: float, name: str) -> None:
        await asyncio.sleep(max(0.0, at - mono()))
        tms = os.times()
        cpu_marks[name] = tms.user + tms.system

    n_rooms_total = cfg["rooms_total"]
    tasks = [
        asyncio.create_task(room_loop(row, (r["index"] / n_rooms_total) * interval, r["index"]))
        for r, row in zip(rooms, clients, strict=True)
    ]
    tasks.append(asyncio.create_task(lag_probe()))
    tasks.append(asyncio.create_task(cpu_mark(t_meas, "start")))
    tasks.append(asyncio.create_task(cpu_mark(t_end, "end")))
    await asyncio.gather(*tasks)

    # drain: wait for outstanding measured edits, bounded
    drain_deadline = mono() + cfg["drain"]
    while mono() < drain_deadline and any(e.t_done is None and not e.failed for e in edits):
        await asyncio.sleep(0.02)
    drained_after = mono() - t_end

    # convergence: every client that stayed connected holds the same text as its room-mates
    diverged = 0
    for row in clients:
        texts = {str(c.text) for c in row if c.alive}
        diverged += len(texts) > 1

    closing = True

    async def close(c: Client) -> None:
        if c.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(c.ws.close(), 3)
        if c.reader is not None:
            c.reader.cancel()

    await asyncio.gather(*(close(c) for row in clients for c in row))
    for ws, reader in reps:
        reader.cancel()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(ws.close(), 3)

    result = {
        "worker_id": wid,
        "rooms": len(rooms),
        "clients_connected": n_ok,
        "connect_s": round(connect_s, 3),
        "connect_ms": connect_ms,
        "extensions": sorted(extensions),
        "edits": [
            [round(e.t_rel, 4), None if e.t_done is None else (e.t_done - e.t_send) * 1e3]
            for e in edits
            if not e.failed
        ],
        "each_ms": each_ms,
        "sched_lag_ms": sched_lag_ms,
        "loop_lag_ms": loop_lag_ms,
        "client_cpu_s_measured": cpu_marks.get("end", 0.0) - cpu_marks.get("start", 0.0),
        "drained_after_s": round(drained_after, 3),
        "rooms_diverged": diverged,
        **counters,
        **stats,
    }
    Path(cfg["result_path"]).write_text(json.dumps(result))
    print("DONE", flush=True)
    return 0


async def _open_ws_reps(spec, connect, timeout: float, stats: dict) -> list:  # type: ignore[no-untyped-def]
    """Desktop sessions of a rep on /ws: signed in with a token, synced from scratch,
    then reading whatever the server sends (counted in ``stats["ws_rep_frames"]``)."""
    stats["ws_reps"] = 0
    stats["ws_rep_frames"] = 0
    if not spec or not spec["count"]:
        return []
    sem = asyncio.Semaphore(32)

    async def read_on(ws) -> None:  # type: ignore[no-untyped-def]
        with contextlib.suppress(Exception):
            async for _frame in ws:
                stats["ws_rep_frames"] += 1

    async def one():  # type: ignore[no-untyped-def]
        async with sem:
            try:
                ws = await connect(spec["url"], max_size=2**24, open_timeout=timeout, proxy=None)
                hello = {"type": "hello", "protocol": 2, "token": spec["token"]}
                await ws.send(json.dumps(hello))
                welcome = json.loads(await ws.recv())
                if welcome.get("type") != "welcome":
                    raise RuntimeError(f"refused: {welcome}")
                await ws.send(json.dumps({"type": "sync", "cursor": 0, "known": []}))
                while True:
                    frame = await asyncio.wait_for(ws.recv(), timeout)
                    if isinstance(frame, str) and json.loads(frame).get("type") == "sync_end":
                        break
            except Exception as exc:
                stats["connect_failed"] += 1
                log(f"a /ws rep session failed: {exc!r}")
                return None
            stats["ws_reps"] += 1
            return ws, asyncio.create_task(read_on(ws))

    opened = await asyncio.gather(*(one() for _ in range(spec["count"])))
    return [o for o in opened if o is not None]


# ======================================================================================
# orchestrator
# ======================================================================================
