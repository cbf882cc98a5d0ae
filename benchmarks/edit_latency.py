#!/usr/bin/env python3
"""Edit propagation latency of the y-websocket protocol, many rooms x many clients.

Runs the same load against two servers in one invocation:

* ``node``: the reference in-memory server of npm ``y-websocket@2``
  (``benchmarks/node_modules/y-websocket/bin/server.cjs``; installed with
  ``npm ci`` from ``benchmarks/package-lock.json`` when missing);
* ``ours``: ``kmserver serve`` on a fresh SQLite database (rooms are
  ``/y/<doc_id>?token=...``; every update is committed before it is forwarded).

For each target a fresh server is started on a free 127.0.0.1 port, then one
(or ``--client-procs``) separate Python client process(es) open R rooms x C
clients (``websockets`` + ``pycrdt``), do the y-sync handshake (step 1/2), send
one awareness state each, and then in every room a rotating writer inserts a
unique marker into the ``Y.Text`` ``body`` every ``--interval`` ms. The
latency of an edit is the time from the writer's ``send`` until the LAST other
client of the room has applied an update whose text contains the marker; send
and receive times are ``time.perf_counter()`` in the same process (a room
never spans two processes). Edits scheduled during ``--warmup`` are not
counted. After ``--duration`` the clients wait up to ``--drain`` seconds for
outstanding edits; those still missing are reported as lost.

Server cost: CPU time (utime+stime of the server process and its children,
from /proc/<pid>/stat) during the measured window and in total, and peak RSS
(VmHWM from /proc/<pid>/status).

Output: a table on stdout and ``benchmarks/results/edit_latency.json``.
Everything is bounded in count and time; the servers and client processes
started here are stopped (SIGTERM, then SIGKILL) before the script exits.

    python benchmarks/edit_latency.py                 # both targets, defaults
    python benchmarks/edit_latency.py --targets node --rooms 20 --duration 10
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import math
import os
import platform
import queue
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / ".work"
RESULTS_FILE = HERE / "results" / "edit_latency.json"
NODE_SERVER = HERE / "node_modules" / "y-websocket" / "bin" / "server.cjs"
TEXT_NAME = "body"  # the Y.Text every kmserver document keeps its Markdown in
ROOM_PREFIX = "bench-room-"
CLK_TCK = os.sysconf("SC_CLK_TCK")

# Environment variables server.cjs / utils.cjs / callback.cjs read, besides HOST and PORT.
# YPERSISTENCE would switch on y-leveldb persistence, CALLBACK_URL an HTTP callback on
# every update, GC=false/0 disables garbage collection; none must leak into the benchmark.
NODE_ENV_STRIP = (
    "YPERSISTENCE",
    "CALLBACK_URL",
    "CALLBACK_OBJECTS",
    "CALLBACK_TIMEOUT",
    "CALLBACK_DEBOUNCE_WAIT",
    "CALLBACK_DEBOUNCE_MAXWAIT",
    "GC",
)


def log(msg: str) -> None:
    print(f"[edit_latency] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# /proc helpers (server CPU time and memory)
# --------------------------------------------------------------------------------------


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # comm may contain spaces and parentheses: split after the last ')'
    return raw[raw.rindex(")") + 2 :].split()


def _children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fields = _stat_fields(int(entry))
        if fields and int(fields[1]) == pid:  # fields[1] is ppid
            kids.append(int(entry))
    return kids


def process_tree(pid: int) -> list[int]:
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(_children(p))
    return tree


def tree_cpu_seconds(pid: int) -> float | None:
    """utime+stime of pid and its live descendants, plus children it already reaped."""
    total = 0.0
    root = _stat_fields(pid)
    if root is None:
        return None
    # fields after ')': state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
    total += int(root[13]) + int(root[14])
    for p in process_tree(pid):
        f = _stat_fields(p)
        if f:
            total += int(f[11]) + int(f[12])
    return total / CLK_TCK


def tree_runqueue_wait_s(pid: int) -> float | None:
    """Time the threads of pid and its descendants spent runnable but waiting for a CPU
    (/proc/<tid>/schedstat field 2): how much other load on the machine delayed them."""
    total, seen = 0, False
    for p in process_tree(pid):
        with contextlib.suppress(OSError):
            for tid in os.listdir(f"/proc/{p}/task"):
                with contextlib.suppress(OSError, ValueError, IndexError):
                    total += int(Path(f"/proc/{p}/task/{tid}/schedstat").read_text().split()[1])
                    seen = True
    return total / 1e9 if seen else None


def cpu_pressure_us() -> int | None:
    """Cumulative 'some' CPU pressure stall time of the whole machine (PSI), microseconds."""
    try:
        first = Path("/proc/pressure/cpu").read_text().splitlines()[0]
        return int(first.rsplit("total=", 1)[1])
    except (OSError, IndexError, ValueError):
        return None


def _status_kib(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def tree_memory_kib(pid: int) -> dict:
    """Sum over the process tree of VmHWM (peak RSS) and VmRSS; None once pid has exited."""
    pids = process_tree(pid)
    if _status_kib(pid, "VmHWM") is None:  # gone or a zombie
        return {"processes": 0, "peak_rss_kib": None, "rss_end_kib": None}
    hwm = [_status_kib(p, "VmHWM") or 0 for p in pids]
    rss = [_status_kib(p, "VmRSS") or 0 for p in pids]
    return {"processes": len(pids), "peak_rss_kib": sum(hwm), "rss_end_kib": sum(rss)}


# --------------------------------------------------------------------------------------
# statistics
# --------------------------------------------------------------------------------------


def percentile(sorted_values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100.0 * len(sorted_values)))
    return sorted_values[rank - 1]


def summarize(values: list[float]) -> dict:
    v = sorted(values)
    if not v:
        return {"count": 0, "p50": None, "p95": None, "p99": None, "max": None, "mean": None}
    return {
        "count": len(v),
        "p50": round(percentile(v, 50), 3),
        "p95": round(percentile(v, 95), 3),
        "p99": round(percentile(v, 99), 3),
        "max": round(v[-1], 3),
        "mean": round(sum(v) / len(v), 3),
    }


# ======================================================================================
# client worker (a separate process; all websocket clients live here)
# ======================================================================================


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

    class Client:
        __slots__ = ("alive", "doc", "idx", "pending", "reader", "room", "synced", "text", "ws")

        def __init__(self, room: int, idx: int):
            self.room, self.idx = room, idx
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
                    kind = msg[0]
                    if kind == 0:  # sync
                        step = msg[1]
                        try:
                            reply = handle_sync_message(msg[1:], self.doc)
                        except Exception:
                            stats["sync_errors"] += 1
                            continue
                        if reply is not None:  # server's step 1 -> our step 2
                            await ws.send(reply)
                        elif step == 1:
                            self.synced.set()
                        if step != 0:
                            stats["update_msgs"] += 1
                            if self.pending:
                                self.check(perf())
                    elif kind == 1:
                        stats["awareness_msgs"] += 1
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
    clients = [[Client(r["index"], i) for i in range(C)] for r in rooms]
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
        return create_awareness_message(body)

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
                await client.ws.send(create_sync_message(client.doc))
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
            msg = create_update_message(writer.doc.get_update(sv))
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


# ======================================================================================
# orchestrator
# ======================================================================================


def _die_with_parent() -> None:
    """preexec_fn: the child gets SIGTERM if this orchestrator dies (Linux prctl)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pump(stream, sink, q: queue.Queue | None) -> None:
    """Copy a child's output to a log file (and to a queue for the ready/READY lines)."""
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace")
        if sink is not None:
            sink.write(line)
            sink.flush()
        if q is not None:
            q.put(line)
    if q is not None:
        q.put(None)


def wait_line(q: queue.Queue, pattern: re.Pattern, deadline: float, proc: subprocess.Popen):
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no line matching {pattern.pattern!r} in time")
        try:
            line = q.get(timeout=min(left, 0.5))
        except queue.Empty:
            if proc.poll() is not None:
                raise RuntimeError(f"process exited with {proc.returncode}") from None
            continue
        if line is None:
            proc.wait(timeout=5)
            raise RuntimeError(f"process exited with {proc.returncode}")
        m = pattern.search(line)
        if m:
            return m


def stop_process(proc: subprocess.Popen | None, name: str, grace: float = 5.0) -> None:
    """SIGTERM the process we started, SIGKILL it if it lingers, then its session group."""
    if proc is None:
        return
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            log(f"{name} (pid {proc.pid}) ignored SIGTERM for {grace:.0f}s; SIGKILL")
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait(timeout=5)
    # leftovers of its own session (started with start_new_session=True: pgid == pid)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


class Server:
    def __init__(
        self,
        name: str,
        proc: subprocess.Popen,
        port: int,
        urls: list[list[str]],
        info: dict,
        logfile,
    ):
        self.name, self.proc, self.port, self.urls, self.info = name, proc, port, urls, info
        self.logfile = logfile

    def stop(self) -> None:
        stop_process(self.proc, f"{self.name} server")
        with contextlib.suppress(Exception):
            self.logfile.close()


def room_names(n: int) -> list[str]:
    return [f"{ROOM_PREFIX}{i:04d}" for i in range(n)]


def _spawn_server(cmd, env, cwd, logpath: Path, ready: re.Pattern, timeout: float):
    logfile = open(logpath, "w")  # noqa: SIM115  (closed by Server.stop)
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=logfile,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )
    q: queue.Queue = queue.Queue()
    threading.Thread(target=_pump, args=(proc.stdout, logfile, q), daemon=True).start()
    try:
        wait_line(q, ready, time.monotonic() + timeout, proc)
    except Exception as exc:
        stop_process(proc, cmd[0])
        logfile.close()
        tail = logpath.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"server did not become ready: {exc}\n--- log tail ---\n{tail}") from exc
    return proc, logfile


def ensure_node_modules(args) -> None:
    if NODE_SERVER.exists():
        return
    npm = shutil.which("npm")
    if args.no_install or npm is None:
        raise RuntimeError(
            f"{NODE_SERVER.relative_to(REPO)} is missing; run `npm ci --omit=optional` in "
            f"{HERE.relative_to(REPO)}/" + ("" if npm else " (npm not found)")
        )
    lock = (HERE / "package-lock.json").exists()
    cmd = [npm, "ci" if lock else "install", "--omit=optional", "--no-audit", "--no-fund"]
    log(f"node_modules missing: running `npm {' '.join(cmd[1:])}` in {HERE}")
    subprocess.run(
        cmd, cwd=HERE, check=True, timeout=300, stdin=subprocess.DEVNULL, stdout=sys.stderr
    )
    if not NODE_SERVER.exists():
        raise RuntimeError(f"npm finished but {NODE_SERVER} is still missing")


def node_version(node: str) -> str | None:
    try:
        return subprocess.run(
            [node, "--version"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except Exception:
        return None


def start_node(args, run_dir: Path) -> Server:
    ensure_node_modules(args)
    node = args.node or shutil.which("node")
    if not node:
        raise RuntimeError("node not found on PATH (use --node)")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in NODE_ENV_STRIP}
    env.update(HOST="127.0.0.1", PORT=str(port))
    pkg = json.loads((NODE_SERVER.parent.parent / "package.json").read_text())
    ws_pkg = json.loads((HERE / "node_modules" / "ws" / "package.json").read_text())
    yjs_pkg = json.loads((HERE / "node_modules" / "yjs" / "package.json").read_text())
    cmd = [node, str(NODE_SERVER)]
    log(f"starting node y-websocket {pkg['version']} on 127.0.0.1:{port}")
    proc, logfile = _spawn_server(
        cmd,
        env,
        HERE,
        run_dir / "server.log",
        re.compile(r"running at .* on port \d+"),
        args.server_timeout,
    )
    urls = [[f"ws://127.0.0.1:{port}/{room}"] * args.clients for room in room_names(args.rooms)]
    info = {
        "command": f"HOST=127.0.0.1 PORT={port} node {NODE_SERVER.relative_to(REPO)}",
        "y-websocket": pkg["version"],
        "ws": ws_pkg["version"],
        "yjs": yjs_pkg["version"],
        "node": node_version(node),
        "persistence": "none (YPERSISTENCE unset, in memory)",
    }
    return Server("node", proc, port, urls, info, logfile)


def kmserver_cmd(args) -> list[str] | None:
    if args.kmserver_cmd:
        return args.kmserver_cmd.split()
    if (REPO / "kmserver" / "cli.py").exists():
        return [sys.executable, "-m", "kmserver.cli"]
    return None


def kmserver_fingerprint() -> dict:
    """Which kmserver source ran (the tree changes under active development)."""
    import hashlib

    files = sorted((REPO / "kmserver").rglob("*.py"))
    h = hashlib.sha256()
    for f in files:
        h.update(str(f.relative_to(REPO)).encode() + b"\0" + f.read_bytes() + b"\0")
    newest = max((f.stat().st_mtime for f in files), default=0)
    return {
        "source_sha256": h.hexdigest()[:16],
        "source_newest_mtime": dt.datetime.fromtimestamp(newest, dt.UTC).isoformat(
            timespec="seconds"
        ),
    }


def start_ours(args, run_dir: Path) -> Server:
    base = kmserver_cmd(args)
    if base is None:
        raise FileNotFoundError("kmserver/cli.py does not exist yet")
    db = (run_dir / "bench.db").resolve()
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(str(db) + suffix).unlink()
    env = dict(os.environ)
    env["KMSERVER_DB"] = f"sqlite:///{db}"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"

    def cli(*argv: str, stdin: str | None = None) -> str:
        log(f"  KMSERVER_DB=sqlite:///{db.relative_to(REPO)} kmserver {' '.join(argv)}")
        p = subprocess.run(
            [*base, *argv],
            cwd=REPO,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if p.returncode != 0:
            raise RuntimeError(
                f"`kmserver {' '.join(argv)}` exited {p.returncode}:\n{p.stdout}\n{p.stderr}"
            )
        return p.stdout

    log("preparing kmserver database (user, documents, token)")
    cli(
        "user",
        "add",
        "bench",
        "--role",
        "supervisor",
        "--password-stdin",
        stdin=secrets.token_urlsafe(24) + "\n",
    )
    docs = run_dir / "docs"
    docs.mkdir(exist_ok=True)
    for i, room in enumerate(room_names(args.rooms)):
        (docs / f"{room}.md").write_text(
            f"---\nid: {room}\ntitle: Bench room {i}\ntopics: [bench]\n"
            f"audience: [everyone]\nowner: bench\n---\nbody text\n"
        )
    cli("import", str(docs.resolve()))
    out = [ln.strip() for ln in cli("token", "bench").splitlines() if ln.strip()]
    if not out:
        raise RuntimeError("`kmserver token bench` printed nothing")
    token = out[-1]
    port = free_port()
    log(f"starting kmserver on 127.0.0.1:{port}")
    proc, logfile = _spawn_server(
        [*base, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env,
        REPO,
        run_dir / "server.log",
        re.compile(r"listening on ws://127\.0\.0\.1:\d+"),
        args.server_timeout,
    )
    q = urllib.parse.quote(token, safe="")
    urls = [
        [f"ws://127.0.0.1:{port}/y/{room}?token={q}"] * args.clients
        for room in room_names(args.rooms)
    ]
    info = {
        **kmserver_fingerprint(),
        "command": f"KMSERVER_DB=sqlite:///<run dir>/bench.db "
        f"{' '.join(Path(b).name for b in base)} serve --host 127.0.0.1 --port {port}",
        "database": "SQLite file, fresh per run",
    }
    return Server("ours", proc, port, urls, info, logfile)


def run_one(target: str, rnd: int, args) -> dict:
    run_dir = WORK / f"{target}-{rnd}"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    server = (start_node if target == "node" else start_ours)(args, run_dir)
    workers: list[tuple[subprocess.Popen, queue.Queue, Path]] = []
    try:
        pid = server.proc.pid
        cpu_ready = tree_cpu_seconds(pid)
        mem_ready = tree_memory_kib(pid)
        names = room_names(args.rooms)
        nproc = max(1, min(args.client_procs, args.rooms))
        for w in range(nproc):
            idx = list(range(w, args.rooms, nproc))
            cfg = {
                "worker_id": w,
                "rooms": [{"index": i, "name": names[i], "urls": server.urls[i]} for i in idx],
                "rooms_total": args.rooms,
                "clients_per_room": args.clients,
                "interval": args.interval / 1000.0,
                "warmup": args.warmup,
                "duration": args.duration,
                "drain": args.drain,
                "connect_timeout": args.connect_timeout,
                "connect_concurrency": args.connect_concurrency,
                "compression": not args.no_compression,
                "awareness": not args.no_awareness,
                "result_path": str(run_dir / f"worker-{w}.json"),
            }
            cfg_path = run_dir / f"worker-{w}.config.json"
            cfg_path.write_text(json.dumps(cfg))
            proc = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--worker", str(cfg_path)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=None,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
            q: queue.Queue = queue.Queue()
            threading.Thread(target=_pump, args=(proc.stdout, None, q), daemon=True).start()
            workers.append((proc, q, Path(cfg["result_path"])))
        log(
            f"{target}: connecting {args.rooms} rooms x {args.clients} clients "
            f"from {nproc} client process(es)"
        )
        connect_deadline = time.monotonic() + args.connect_timeout * 3 + 30
        ready = []
        for proc, q, _ in workers:
            m = wait_line(q, re.compile(r"READY (\d+) (\d+)"), connect_deadline, proc)
            ready.append((int(m.group(1)), int(m.group(2))))
        connected = sum(r[0] for r in ready)
        failed = sum(r[1] for r in ready)
        log(
            f"{target}: {connected} clients synced, {failed} failed; "
            f"{args.warmup:g}s warm-up + {args.duration:g}s measured"
        )
        if connected == 0:
            raise RuntimeError("no client could connect")
        t0 = time.monotonic() + 0.5
        for proc, _, _ in workers:
            proc.stdin.write(f"GO {t0!r}\n".encode())
            proc.stdin.flush()
        t_meas, t_end = t0 + args.warmup, t0 + args.warmup + args.duration
        time.sleep(max(0.0, t_meas - time.monotonic()))
        cpu_a = tree_cpu_seconds(pid)
        wait_a, psi_a = tree_runqueue_wait_s(pid), cpu_pressure_us()
        load_a = Path("/proc/loadavg").read_text().split()[0]
        peak_seen = tree_memory_kib(pid)["peak_rss_kib"]
        time.sleep(max(0.0, t_end - time.monotonic()))
        cpu_b = tree_cpu_seconds(pid)
        wait_b, psi_b = tree_runqueue_wait_s(pid), cpu_pressure_us()
        peak_b = tree_memory_kib(pid)["peak_rss_kib"]
        peak_seen = max(filter(None, [peak_seen, peak_b]), default=None)
        finish_deadline = t_end + args.drain + 30
        for proc, q, _ in workers:
            wait_line(q, re.compile(r"^DONE"), finish_deadline, proc)
            proc.wait(timeout=max(1.0, finish_deadline - time.monotonic()))
        cpu_end = tree_cpu_seconds(pid)
        mem_end = tree_memory_kib(pid)
        if mem_end["peak_rss_kib"] is None:  # server died: keep the last peak we saw
            mem_end["peak_rss_kib"] = peak_seen
        alive = server.proc.poll() is None
        results = [json.loads(p.read_text()) for _, _, p in workers]
    finally:
        for proc, _, _ in workers:
            stop_process(proc, "client worker", grace=3)
        server.stop()

    edits = [e for r in results for e in r["edits"]]
    last_ms = [lat for _, lat in edits if lat is not None]
    scheduled = sum(r["scheduled"] for r in results)
    sent = len(edits)
    delivered = len(last_ms)
    timeline = []
    for sec in range(math.ceil(args.duration)):
        vals = [lat for t, lat in edits if sec <= t < sec + 1 and lat is not None]
        n_sec = sum(1 for t, _ in edits if sec <= t < sec + 1)
        s = summarize(vals)
        timeline.append(
            {
                "second": sec,
                "sent": n_sec,
                "delivered": len(vals),
                "p50": s["p50"],
                "p99": s["p99"],
                "max": s["max"],
            }
        )
    cpu_meas = None if cpu_a is None or cpu_b is None else cpu_b - cpu_a
    client_cpu = sum(r["client_cpu_s_measured"] for r in results)
    loop_lag = summarize([x for r in results for x in r["loop_lag_ms"]])
    warnings = []
    if not alive:
        warnings.append(f"server process exited during the run (code {server.proc.returncode})")
    if failed:
        warnings.append(f"{failed} clients could not connect/sync")
    disconnects = sum(r["disconnects"] for r in results)
    if disconnects:
        codes = _merge_counts([r["close_codes"] for r in results])
        warnings.append(f"{disconnects} clients disconnected during the run (close codes {codes})")
    skipped = sum(r["skipped_writer_down"] + r["send_errors"] for r in results)
    if skipped:
        warnings.append(f"{skipped} scheduled edits were not sent (writer's connection gone)")
    if sent - delivered:
        warnings.append(f"{sent - delivered} edits not delivered to every reader within drain")
    diverged = sum(r["rooms_diverged"] for r in results)
    if diverged:
        warnings.append(f"{diverged} rooms ended with clients holding different texts")
    if sum(r["sync_errors"] for r in results):
        warnings.append("some sync messages could not be applied by clients")
    serious = bool(warnings)
    if (loop_lag["p99"] or 0) > 10:
        warnings.append(
            f"client event-loop lag p99 {loop_lag['p99']} ms: the client process was busy, "
            "latencies include client-side delay"
        )
    return {
        "target": target,
        "round": rnd,
        "server": {
            **server.info,
            "pid": server.proc.pid,
            "alive_at_end": alive,
            "cpu_s_measured_window": None if cpu_meas is None else round(cpu_meas, 3),
            "cpu_pct_of_one_core": None
            if cpu_meas is None
            else round(100 * cpu_meas / args.duration, 1),
            "runqueue_wait_s_measured_window": None
            if wait_a is None or wait_b is None
            else round(wait_b - wait_a, 3),
            "cpu_s_total": None if cpu_end is None or cpu_ready is None else round(cpu_end, 3),
            "cpu_s_startup": None if cpu_ready is None else round(cpu_ready, 3),
            "rss_after_start_kib": mem_ready["rss_end_kib"],
            "peak_rss_kib": mem_end["peak_rss_kib"],
            "rss_end_kib": mem_end["rss_end_kib"],
            "processes": mem_end["processes"],
        },
        "edits": {
            "scheduled": scheduled,
            "sent": sent,
            "delivered": delivered,
            "lost": sent - delivered,
            "skipped_writer_down": sum(r["skipped_writer_down"] for r in results),
            "send_errors": sum(r["send_errors"] for r in results),
            "delivered_per_s": round(delivered / args.duration, 1),
        },
        "latency_ms": summarize(last_ms),
        "latency_each_receiver_ms": summarize([x for r in results for x in r["each_ms"]]),
        "clients": {
            "connected": connected,
            "connect_failed": failed,
            "connect_and_sync_ms": summarize([x for r in results for x in r["connect_ms"]]),
            "connect_phase_s": max(r["connect_s"] for r in results),
            "disconnects": sum(r["disconnects"] for r in results),
            "close_codes": _merge_counts([r["close_codes"] for r in results]),
            "sync_errors": sum(r["sync_errors"] for r in results),
            "update_msgs_received": sum(r["update_msgs"] for r in results),
            "awareness_msgs_received": sum(r["awareness_msgs"] for r in results),
            "ws_extensions": sorted({x for r in results for x in r["extensions"]}),
            "client_cpu_pct_of_one_core": round(100 * client_cpu / args.duration, 1),
            "send_schedule_lag_ms": summarize([x for r in results for x in r["sched_lag_ms"]]),
            "event_loop_lag_ms": loop_lag,
            "drained_after_s": max(r["drained_after_s"] for r in results),
            "rooms_diverged_at_end": sum(r["rooms_diverged"] for r in results),
        },
        "ok": not serious,
        "warnings": warnings,
        "machine_load": {
            "loadavg_1min_at_measure_start": float(load_a),
            "cpu_pressure_some_pct_measured_window": None
            if psi_a is None or psi_b is None
            else round((psi_b - psi_a) / 1e4 / args.duration, 1),
        },
        "timeline_per_second": timeline,
        "_last_ms": last_ms,  # for pooling over rounds; not written to the JSON
    }


def _merge_counts(dicts: list[dict]) -> dict:
    out: dict = {}
    for d in dicts:
        for k, v in d.items():
            out[k] = out.get(k, 0) + v
    return out


def machine_info(args) -> dict:
    model = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1])
    from importlib.metadata import version

    import pycrdt  # noqa: F401
    import websockets

    node = args.node or shutil.which("node")
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "mem_total_kib": mem,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "node": node_version(node) if node else None,
        "websockets": websockets.__version__,
        "pycrdt": version("pycrdt"),
        "loadavg_at_start": Path("/proc/loadavg").read_text().split()[:3],
    }


def fmt(v, nd=1) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    return str(v)


def ratio(a, b) -> float | None:
    if a is None or b in (None, 0):
        return None
    return round(a / b, 2)


def _pct(seconds: float | None, duration: float) -> float | None:
    return None if seconds is None else 100.0 * seconds / duration


def print_table(doc: dict) -> None:
    cfg = doc["config"]
    print()
    print(
        f"Edit propagation latency, y-websocket protocol: {cfg['rooms']} rooms x "
        f"{cfg['clients']} clients, 1 edit / {cfg['interval_ms']:g} ms / room, "
        f"{cfg['duration_s']:g} s measured after {cfg['warmup_s']:g} s warm-up"
    )
    print("latency = writer send -> LAST other client of the room applied it (ms)")
    hdr = (
        f"{'target':<6} {'rnd':>3} {'sent':>6} {'deliv':>6} {'lost':>5} {'p50':>7} "
        f"{'p95':>7} {'p99':>7} {'max':>7} {'srvCPU%':>7} {'CPU s':>6} {'peakRSS':>8} "
        f"{'srvWait%':>8} {'cliCPU%':>7} {'lag p99':>7} {'PSI%':>5}"
    )
    print(hdr)
    print("-" * len(hdr))
    for r in doc["runs"]:
        if "error" in r or "skipped" in r:
            why = r.get("error") or r.get("skipped")
            print(
                f"{r['target']:<6} {r['round']:>3}  {'SKIPPED' if 'skipped' in r else 'FAILED'}:"
                f" {why.splitlines()[0][:90]}"
            )
            continue
        lat, ed, sv, cl = r["latency_ms"], r["edits"], r["server"], r["clients"]
        print(
            f"{r['target']:<6} {r['round']:>3} {ed['sent']:>6} {ed['delivered']:>6} "
            f"{ed['lost']:>5} {fmt(lat['p50'], 2):>7} {fmt(lat['p95'], 2):>7} "
            f"{fmt(lat['p99'], 2):>7} {fmt(lat['max'], 1):>7} "
            f"{fmt(sv['cpu_pct_of_one_core']):>7} {fmt(sv['cpu_s_total'], 2):>6} "
            f"{fmt(sv['peak_rss_kib'] and sv['peak_rss_kib'] / 1024, 1):>6}Mi "
            f"{fmt(_pct(sv['runqueue_wait_s_measured_window'], cfg['duration_s'])):>8} "
            f"{fmt(cl['client_cpu_pct_of_one_core']):>7} "
            f"{fmt(cl['event_loop_lag_ms']['p99'], 1):>7} "
            f"{fmt(r['machine_load']['cpu_pressure_some_pct_measured_window'], 0):>5}"
        )
    if doc["config"]["rounds"] > 1:
        for target, sm in doc["summary"].items():
            if sm:
                lat = sm["latency_ms"]
                print(
                    f"{target:<6} {'all':>3} {sm['sent']:>6} {sm['sent'] - sm['lost']:>6} "
                    f"{sm['lost']:>5} {fmt(lat['p50'], 2):>7} {fmt(lat['p95'], 2):>7} "
                    f"{fmt(lat['p99'], 2):>7} {fmt(lat['max'], 1):>7} "
                    f"{fmt(sm['server_cpu_pct_of_one_core']):>7}   (pooled over rounds)"
                )
    notes = [
        f"  {r['target']} round {r['round']}: {w}"
        for r in doc["runs"]
        for w in r.get("warnings", [])
    ]
    if notes:
        print()
        print("WARNINGS:")
        print("\n".join(notes))
    if doc.get("ratios"):
        print()
        print("ratio ours / node (pooled over rounds; >1 means ours is slower / uses more):")
        print("  " + "  ".join(f"{k} {fmt(v, 2)}" for k, v in doc["ratios"].items()))
    print()
    print("Measured window: srvCPU% = server CPU time / wall time (100 = one core); srvWait% =")
    print("time server threads were runnable but waited for a CPU (others' load); cliCPU%, lag")
    print("p99 = client process CPU and asyncio loop lag (ms); PSI% = share of time some task on")
    print("the machine waited for CPU (/proc/pressure/cpu). CPU s = server CPU s, whole run.")


def pooled(runs: list[dict], target: str) -> dict | None:
    ok = [r for r in runs if r["target"] == target and "latency_ms" in r]
    if not ok:
        return None
    # percentiles of the pooled raw latencies of all rounds (run['_last_ms'], not in JSON)
    last = [x for r in ok for x in r["_last_ms"]]
    s = summarize(last)
    return {
        "rounds": len(ok),
        "latency_ms": s,
        "sent": sum(r["edits"]["sent"] for r in ok),
        "lost": sum(r["edits"]["lost"] for r in ok),
        "server_cpu_pct_of_one_core": round(
            sum(r["server"]["cpu_pct_of_one_core"] or 0 for r in ok) / len(ok), 1
        ),
        "server_cpu_s_total": round(sum(r["server"]["cpu_s_total"] or 0 for r in ok) / len(ok), 3),
        "server_peak_rss_kib": max(
            (r["server"]["peak_rss_kib"] for r in ok if r["server"]["peak_rss_kib"]), default=None
        ),
    }


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Edit propagation latency of y-websocket servers (node reference vs kmserver).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument(
        "--targets",
        default="node,ours",
        help="comma-separated: node (y-websocket@2 server.cjs), ours (kmserver)",
    )
    p.add_argument("--rooms", "-R", type=int, default=50, help="rooms (documents)")
    p.add_argument("--clients", "-C", type=int, default=4, help="clients per room (>= 2)")
    p.add_argument(
        "--interval",
        type=float,
        default=100.0,
        help="ms between two edits in one room (writer rotates over the clients)",
    )
    p.add_argument("--warmup", type=float, default=5.0, help="s of edits not counted")
    p.add_argument("--duration", type=float, default=20.0, help="s of measured edits")
    p.add_argument(
        "--drain",
        type=float,
        default=10.0,
        help="s to wait after the last edit before counting the rest as lost",
    )
    p.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="runs per target; order alternates ABBA (node, ours, ours, node, ...)",
    )
    p.add_argument(
        "--client-procs",
        type=int,
        default=1,
        help="client processes (rooms are split between them, never a room)",
    )
    p.add_argument(
        "--connect-concurrency",
        type=int,
        default=32,
        help="max simultaneous websocket handshakes per client process",
    )
    p.add_argument(
        "--connect-timeout",
        type=float,
        default=20.0,
        help="s for one client's handshake + initial sync",
    )
    p.add_argument(
        "--server-timeout", type=float, default=30.0, help="s for a server to print its ready line"
    )
    p.add_argument(
        "--no-compression",
        action="store_true",
        help="do not offer permessage-deflate (browsers and websockets offer it)",
    )
    p.add_argument(
        "--no-awareness",
        action="store_true",
        help="do not send an awareness state per client after the sync",
    )
    p.add_argument("--node", default=None, help="node binary [node on PATH]")
    p.add_argument(
        "--no-install",
        action="store_true",
        help="fail instead of running `npm ci` when benchmarks/node_modules is missing",
    )
    p.add_argument(
        "--kmserver-cmd",
        default=None,
        help="command prefix for kmserver, run in the repo root [<this python> -m kmserver.cli]",
    )
    p.add_argument("--output", default=str(RESULTS_FILE), help="JSON results file")
    p.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.clients < 2:
        p.error("--clients must be >= 2 (a writer and at least one reader)")
    for name in ("rooms", "rounds", "client_procs", "connect_concurrency"):
        if getattr(a, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be >= 1")
    if a.interval <= 0 or a.duration <= 0 or a.warmup < 0 or a.drain < 0:
        p.error("--interval and --duration must be > 0, --warmup and --drain >= 0")
    a.target_list = [t.strip() for t in a.targets.split(",") if t.strip()]
    bad = set(a.target_list) - {"node", "ours"}
    if bad or not a.target_list:
        p.error(f"unknown target(s): {', '.join(sorted(bad)) or '(none)'}")
    return a


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.worker:
        return worker_main(args.worker)

    def on_term(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_term)  # so the finally blocks stop what we started
    WORK.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC).astimezone()
    machine = machine_info(args)
    order: list[tuple[str, int]] = []
    for rnd in range(1, args.rounds + 1):
        seq = args.target_list if rnd % 2 == 1 else list(reversed(args.target_list))
        order.extend((t, rnd) for t in seq)

    runs: list[dict] = []
    failed = False
    t_start = time.monotonic()
    for target, rnd in order:
        log(f"=== {target} round {rnd} ===")
        try:
            r = run_one(target, rnd, args)
            runs.append(r)
            failed |= not r["ok"]
            lat = r["latency_ms"]
            log(
                f"{target} round {rnd}: p50 {fmt(lat['p50'], 2)} ms, p99 {fmt(lat['p99'], 2)} ms, "
                f"lost {r['edits']['lost']}/{r['edits']['sent']}"
            )
        except FileNotFoundError as exc:
            log(f"{target}: skipped: {exc}")
            runs.append({"target": target, "round": rnd, "skipped": str(exc)})
        except KeyboardInterrupt:
            log("interrupted; servers and clients stopped")
            return 130
        except Exception as exc:
            failed = True
            log(f"{target} round {rnd} FAILED: {exc}")
            runs.append({"target": target, "round": rnd, "error": str(exc)})

    summary = {t: pooled(runs, t) for t in args.target_list}
    ratios = {}
    if summary.get("node") and summary.get("ours"):
        n, o = summary["node"], summary["ours"]
        for k in ("p50", "p95", "p99", "max"):
            ratios[f"latency_{k}"] = ratio(o["latency_ms"][k], n["latency_ms"][k])
        ratios["server_cpu"] = ratio(
            o["server_cpu_pct_of_one_core"], n["server_cpu_pct_of_one_core"]
        )
        ratios["server_peak_rss"] = ratio(o["server_peak_rss_kib"], n["server_peak_rss_kib"])
    for r in runs:
        r.pop("_last_ms", None)
    doc = {
        "benchmark": "edit_latency",
        "date": started.isoformat(timespec="seconds"),
        "wall_s": round(time.monotonic() - t_start, 1),
        "machine": machine,
        "config": {
            "targets": args.target_list,
            "rooms": args.rooms,
            "clients": args.clients,
            "interval_ms": args.interval,
            "warmup_s": args.warmup,
            "duration_s": args.duration,
            "drain_s": args.drain,
            "rounds": args.rounds,
            "client_procs": args.client_procs,
            "compression_offered": not args.no_compression,
            "awareness": not args.no_awareness,
            "command": "python benchmarks/edit_latency.py " + " ".join(sys.argv[1:]),
        },
        "summary": summary,
        "ratios_ours_over_node": ratios,
        "runs": runs,
    }
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=2) + "\n")
    print_table({**doc, "ratios": ratios})
    log(f"results written to {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
