#!/usr/bin/env python3
"""Several ``kmserver serve`` processes on one PostgreSQL database behind HAProxy.

One invocation:

1. starts a throwaway PostgreSQL cluster (``tests/server/pg_cluster.py``, the
   one the server tests use: Debian's binaries, ``fsync`` off) and prepares a
   database (a user ``bench``, R documents, a token) with the ``kmserver``
   command line;
2. for each configuration (``--configs``, default ``direct1,lb1,lb2,lb3``):
   starts 1, 2 or 3 ``kmserver serve`` processes on that database, and for
   ``lbN`` HAProxy (Debian's ``haproxy`` binary, a config generated in a temp
   dir: HTTP mode with websocket tunnels, ``balance leastconn``, health check
   on ``/health``) in front of them; ``direct1`` connects to the one process
   without a balancer (the baseline);
3. opens R rooms x C stock y-websocket clients (``/y/<doc>?token=``, pycrdt +
   websockets, in ``--client-procs`` processes) through the balancer. HAProxy
   adds the name of the server it chose to the 101 response
   (``X-Km-Backend``), so every reader knows whether an edit's writer sits on
   its own process (``same``) or on another (``cross``);
4. runs the load in steps of increasing rate (``--rates``, edits per second in
   all): in each room a rotating writer inserts a unique marker every
   R/rate seconds. Latency = writer's ``send`` -> a reader receives the update
   carrying the marker (same client process, ``perf_counter``: no skew), per
   reader, split same/cross. A step after which p99 exceeds ``--p99-limit`` ms,
   or an edit is lost, ends the configuration: the previous step is what it
   sustains;
5. reads CPU time from /proc for each kmserver process, HAProxy, the
   PostgreSQL postmaster's tree, the client processes and the whole machine.

Nothing here asserts a timing. Output: a table on stdout and
``benchmarks/results/cluster_bench.json``. Everything started here is stopped
on exit (SIGTERM, then SIGKILL; ``PR_SET_PDEATHSIG`` if this script dies).

    python benchmarks/cluster_bench.py                       # ~5 min
    python benchmarks/cluster_bench.py --configs lb1,lb3 --rates 200,400
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import queue
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from latency_common import REPO, RESULTS_FILE, TEXT_NAME, summarize, tree_cpu_seconds
from latency_servers import (
    _die_with_parent,
    _spawn_server,
    free_port,
    room_names,
    spawn_worker,
    stop_process,
    wait_line,
)
from machine_info import cpu_model, loadavg

OUT = RESULTS_FILE.with_name("cluster_bench.json")
BACKEND_HEADER = "X-Km-Backend"


def say(msg: str) -> None:
    print(f"[cluster_bench] {msg}", file=sys.stderr, flush=True)


# ======================================================================================
# client worker (a separate process)
# ======================================================================================


def worker_main(config_path: str) -> int:
    cfg = json.loads(Path(config_path).read_text())
    return asyncio.run(_worker(cfg))


async def _worker(cfg: dict) -> int:
    from pycrdt import Doc, Text, create_sync_message, create_update_message, handle_sync_message
    from websockets.asyncio.client import connect

    perf, mono = time.perf_counter, time.monotonic
    C = cfg["clients_per_room"]

    class Client:
        def __init__(self, room: int, idx: int) -> None:
            self.room, self.idx = room, idx
            self.doc = Doc()
            self.text = self.doc.get(TEXT_NAME, type=Text)
            self.pending: dict[bytes, tuple[float, str, bool]] = {}  # marker -> send, backend
            self.synced = asyncio.Event()
            self.backend = "?"
            self.ws = None
            self.alive = False

        async def read_loop(self) -> None:
            try:
                async for msg in self.ws:
                    if isinstance(msg, str) or not msg or msg[0] != 0:
                        continue
                    t = perf()
                    step = msg[1]
                    if self.pending and step != 0:
                        for marker in [m for m in self.pending if m in msg]:
                            t_send, writer_backend, measured = self.pending.pop(marker)
                            if measured:
                                kind = "same" if writer_backend == self.backend else "cross"
                                lat[kind].append((t - t_send) * 1000.0)
                    reply = handle_sync_message(msg[1:], self.doc)
                    if reply is not None:
                        await self.ws.send(reply)
                    elif step == 1:
                        self.synced.set()
            except Exception:
                pass
            finally:
                if self.alive and not closing:
                    stats["disconnects"] += 1
                self.alive = False

    closing = False
    tasks: list[asyncio.Task] = []  # the read loops: kept referenced
    stats = {"connect_failed": 0, "disconnects": 0, "send_errors": 0}
    lat: dict[str, list[float]] = {"same": [], "cross": []}
    rooms = cfg["rooms"]
    clients = [[Client(r, i) for i in range(C)] for r in rooms]
    sem = asyncio.Semaphore(32)

    async def open_client(c: Client) -> None:
        async with sem:
            try:
                c.ws = await connect(
                    cfg["url_of"][str(c.room)],
                    compression=None,
                    proxy=None,
                    open_timeout=20,
                    ping_interval=None,
                    max_size=2**24,
                    max_queue=None,
                )
                c.backend = c.ws.response.headers.get(BACKEND_HEADER, "direct")
                c.alive = True
                tasks.append(asyncio.create_task(c.read_loop()))
                await c.ws.send(create_sync_message(c.doc))
                await asyncio.wait_for(c.synced.wait(), 20)
            except Exception as exc:
                stats["connect_failed"] += 1
                if stats["connect_failed"] <= 3:
                    say(f"worker: connect failed: {exc!r}")

    await asyncio.gather(*(open_client(c) for row in clients for c in row))
    spread: dict[str, int] = {}
    for row in clients:
        for c in row:
            spread[c.backend] = spread.get(c.backend, 0) + 1
    print(f"READY {json.dumps(spread)}", flush=True)

    async def run_step(step: int, t0: float, interval: float) -> dict:
        t_meas = t0 + cfg["warmup"]
        t_end = t_meas + cfg["duration"]
        lat["same"].clear()
        lat["cross"].clear()
        sent = 0
        loop_lag: list[float] = []

        async def room_loop(row: list[Client], phase: float) -> None:
            nonlocal sent
            k = 0
            while True:
                t_sched = t0 + phase + k * interval
                if t_sched >= t_end:
                    return
                await asyncio.sleep(max(0.0, t_sched - mono()))
                writer = row[0] if cfg["one_writer"] else row[k % C]
                k += 1
                if not writer.alive:
                    continue
                measured = t_sched >= t_meas
                marker = f"[{step}.{writer.room}.{k}]"
                sv = writer.doc.get_state()
                writer.text.insert(len(writer.text), marker)
                msg = create_update_message(writer.doc.get_update(sv))
                t_send = perf()
                for other in row:
                    if other is not writer:
                        other.pending[marker.encode()] = (t_send, writer.backend, measured)
                sent += measured
                try:
                    await writer.ws.send(msg)
                except Exception:
                    stats["send_errors"] += 1

        async def lag_probe() -> None:
            while mono() < t_end:
                a = mono()
                await asyncio.sleep(0.01)
                if a >= t_meas:
                    loop_lag.append((mono() - a - 0.01) * 1000.0)

        n_rooms = cfg["rooms_total"]
        cpu0 = os.times()
        await asyncio.gather(
            lag_probe(),
            *(
                room_loop(row, (r / n_rooms) * interval)
                for r, row in zip(rooms, clients, strict=True)
            ),
        )
        cpu1 = os.times()

        def missing() -> int:
            return sum(
                1 for row in clients for c in row if c.alive for m in c.pending.values() if m[2]
            )

        deadline = mono() + cfg["drain"]
        while mono() < deadline and missing():
            await asyncio.sleep(0.02)
        lost = missing()
        for row in clients:
            for c in row:
                c.pending.clear()
        return {
            "same_ms": list(lat["same"]),
            "cross_ms": list(lat["cross"]),
            "sent": sent,
            "missing_deliveries": lost,
            "loop_lag_ms": loop_lag,
            "client_cpu_s": (cpu1.user + cpu1.system) - (cpu0.user + cpu0.system),
            **stats,
        }

    loop = asyncio.get_running_loop()
    step_no = 0
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line.startswith("GO "):
            break
        _, t0s, interval_s = line.split()
        step_no += 1
        result = await run_step(step_no, float(t0s), float(interval_s))
        Path(cfg["result_path"]).write_text(json.dumps(result))
        print("STEPDONE", flush=True)

    closing = True
    for row in clients:
        for c in row:
            if c.ws is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(c.ws.close(), 2)
    return 0


# ======================================================================================
# orchestrator
# ======================================================================================


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    parts = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = parts[3] + parts[4]
    return sum(parts) - idle, sum(parts)


def writer_stats(port: int) -> dict[str, float]:
    """The writer's histograms from the process's own /metrics (sums and counts)."""
    import urllib.request

    wanted = (
        "kmserver_writer_commit_seconds_sum",
        "kmserver_writer_commit_seconds_count",
        "kmserver_writer_batch_jobs_sum",
    )
    out: dict[str, float] = {}
    with contextlib.suppress(OSError):
        text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read()
        for line in text.decode().splitlines():
            name, _, value = line.partition(" ")
            if name in wanted:
                out[name] = float(value)
    return out


def postmaster_pid(port: int) -> int | None:
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError):
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
            if cmd and cmd[0].endswith(b"/postgres") and f"-p {port}".encode() in b" ".join(cmd):
                return int(entry)
    return None


class Kmserver:
    def __init__(self, env: dict, run_dir: Path) -> None:
        self.env, self.run_dir = env, run_dir
        self.base = [sys.executable, "-m", "kmserver.cli"]

    def cli(self, *argv: str, stdin: str | None = None) -> str:
        p = subprocess.run(
            [*self.base, *argv],
            cwd=REPO,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if p.returncode:
            raise RuntimeError(f"kmserver {' '.join(argv)}: {p.stdout}{p.stderr}")
        return p.stdout

    def serve(self, name: str) -> tuple[subprocess.Popen, object, int]:
        port = free_port()
        unlimited = [
            "--update-rate=1000000/s,burst=1000000",
            "--request-rate=1000000/s,burst=1000000",
            "--max-connections-per-user=100000",
            "--awareness-rate=1000/s,burst=1000",
        ]
        proc, logfile = _spawn_server(
            [*self.base, "serve", "--host", "127.0.0.1", "--port", str(port), *unlimited],
            self.env,
            REPO,
            self.run_dir / f"{name}.log",
            re.compile(r"listening on ws://"),
            60,
        )
        return proc, logfile, port


HAPROXY_CFG = """\
global
    maxconn 8000
    log stdout format raw local0 warning

defaults
    mode http
    log global
    option http-server-close
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    # a websocket, once upgraded, is a tunnel: idle sockets live this long
    timeout tunnel 1h
    timeout client-fin 5s

frontend kmdesk
    bind 127.0.0.1:{port}
    default_backend kmserver

backend kmserver
    balance leastconn
    option httpchk GET /health
    http-check expect status 200
    http-response set-header {header} %s
{servers}
"""


def start_haproxy(ports: list[int], work: Path) -> tuple[subprocess.Popen, int]:
    binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(binary).exists():
        raise FileNotFoundError("haproxy not found: apt-get install -y haproxy")
    port = free_port()
    servers = "\n".join(
        f"    server km{i + 1} 127.0.0.1:{p} check inter 2s" for i, p in enumerate(ports)
    )
    cfg = work / "haproxy.cfg"
    cfg.write_text(HAPROXY_CFG.format(port=port, servers=servers, header=BACKEND_HEADER))
    log = open(work / "haproxy.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [binary, "-db", "-f", str(cfg)],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:  # up and every server checked healthy
        with contextlib.suppress(OSError):
            import urllib.request

            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).read()
            break
        if proc.poll() is not None:
            raise RuntimeError(f"haproxy exited: {(work / 'haproxy.log').read_text()}")
        time.sleep(0.2)
    time.sleep(2.5)  # one health-check round for every server
    return proc, port


def run_config(name: str, km: Kmserver, token: str, args, pg_pid: int | None) -> dict:
    n = int(name[-1])
    work = Path(tempfile.mkdtemp(prefix=f"kmbench-{name}-"))
    servers: list[tuple[subprocess.Popen, object, int]] = []
    haproxy = None
    workers: list[tuple[subprocess.Popen, queue.Queue, Path]] = []
    steps: list[dict] = []
    try:
        for i in range(n):
            servers.append(km.serve(f"{name}-km{i + 1}"))
        if name.startswith("lb"):
            haproxy, port = start_haproxy([s[2] for s in servers], work)
        else:
            port = servers[0][2]
        q = urllib.parse.quote(token, safe="")
        names = room_names(args.rooms)
        url_of = {i: f"ws://127.0.0.1:{port}/y/{names[i]}?token={q}" for i in range(args.rooms)}
        procs = max(1, min(args.client_procs, args.rooms))
        for w in range(procs):
            mine = list(range(w, args.rooms, procs))
            cfg = {
                "rooms": mine,
                "rooms_total": args.rooms,
                "clients_per_room": args.clients,
                "url_of": {str(i): url_of[i] for i in mine},
                "warmup": args.warmup,
                "duration": args.duration,
                "drain": args.drain,
                "one_writer": args.writers == "one",
                "result_path": str(work / f"worker-{w}.json"),
            }
            workers.append(spawn_worker(__file__, cfg, work / f"worker-{w}.config.json"))
        spread: dict[str, int] = {}
        for proc, wq, _ in workers:
            m = wait_line(wq, re.compile(r"READY (.*)"), time.monotonic() + 120, proc)
            for k, v in json.loads(m.group(1)).items():
                spread[k] = spread.get(k, 0) + v
        say(f"{name}: clients per process {spread}")
        for rate in args.rate_list:
            interval = args.rooms / rate
            t0 = time.monotonic() + 0.3
            for proc, _, _ in workers:
                proc.stdin.write(f"GO {t0!r} {interval!r}\n".encode())
                proc.stdin.flush()
            t_meas = t0 + args.warmup
            time.sleep(max(0.0, t_meas - time.monotonic()))
            pids = [s[0].pid for s in servers]
            watched = {f"km{i + 1}": p for i, p in enumerate(pids)}
            if haproxy is not None:
                watched["haproxy"] = haproxy.pid
            if pg_pid:
                watched["postgresql"] = pg_pid
            for i, (proc, _, _) in enumerate(workers):
                watched[f"client{i + 1}"] = proc.pid
            cpu_a = {k: tree_cpu_seconds(p) for k, p in watched.items()}
            writer_a = [writer_stats(s[2]) for s in servers]
            busy_a = machine_busy()
            load_a = loadavg()[0]
            time.sleep(max(0.0, t_meas + args.duration - time.monotonic()))
            cpu_b = {k: tree_cpu_seconds(p) for k, p in watched.items()}
            writer_b = [writer_stats(s[2]) for s in servers]
            busy_b = machine_busy()
            for proc, wq, _ in workers:
                wait_line(wq, re.compile("^STEPDONE"), time.monotonic() + args.drain + 30, proc)
            results = [json.loads(p.read_text()) for _, _, p in workers]
            same = [x for r in results for x in r["same_ms"]]
            cross = [x for r in results for x in r["cross_ms"]]
            every = same + cross
            cpu_pct = {
                k: None
                if cpu_a[k] is None or cpu_b[k] is None
                else round(100 * (cpu_b[k] - cpu_a[k]) / args.duration, 1)
                for k in watched
            }
            step = {
                "rate_target": rate,
                "edits_sent": sum(r["sent"] for r in results),
                "edits_per_s": round(sum(r["sent"] for r in results) / args.duration, 1),
                "deliveries_per_s": round(len(every) / args.duration, 1),
                "latency_ms": summarize(every),
                "same_process_ms": summarize(same),
                "cross_process_ms": summarize(cross),
                "missing_deliveries": sum(r["missing_deliveries"] for r in results),
                "disconnects": sum(r["disconnects"] for r in results),
                "client_loop_lag_ms": summarize([x for r in results for x in r["loop_lag_ms"]]),
                "cpu_pct_of_one_core": cpu_pct,
                "machine_busy_pct": round(
                    100 * (busy_b[0] - busy_a[0]) / max(1, busy_b[1] - busy_a[1]), 1
                ),
                "loadavg_1m": load_a,
            }
            commits = []  # per process, in the measured window (from its /metrics)
            for a, b in zip(writer_a, writer_b, strict=True):
                n = b.get("kmserver_writer_commit_seconds_count", 0) - a.get(
                    "kmserver_writer_commit_seconds_count", 0
                )
                t = b.get("kmserver_writer_commit_seconds_sum", 0) - a.get(
                    "kmserver_writer_commit_seconds_sum", 0
                )
                jobs = b.get("kmserver_writer_batch_jobs_sum", 0) - a.get(
                    "kmserver_writer_batch_jobs_sum", 0
                )
                commits.append(
                    {
                        "commits_per_s": round(n / args.duration, 1),
                        "mean_commit_ms": round(1000 * t / n, 2) if n else None,
                        "mean_jobs_per_commit": round(jobs / n, 2) if n else None,
                    }
                )
            step["writers"] = commits
            # CPU the machine spent on processes not started here (other users' load)
            ours = sum(v for v in cpu_pct.values() if v is not None)
            step["other_cpu_pct_of_one_core"] = round(
                step["machine_busy_pct"] * len(os.sched_getaffinity(0)) - ours, 1
            )
            steps.append(step)
            lat = step["latency_ms"]
            say(
                f"{name} @ {rate}/s: sent {step['edits_per_s']}/s, p50 {lat['p50']} p99 "
                f"{lat['p99']} ms (cross p50 {step['cross_process_ms']['p50']} p99 "
                f"{step['cross_process_ms']['p99']}), missing {step['missing_deliveries']}, "
                f"cpu {cpu_pct}, machine {step['machine_busy_pct']}%, "
                f"others {step['other_cpu_pct_of_one_core']}%"
            )
            step["over_limit"] = (lat["p99"] or 0) > args.p99_limit or bool(
                step["missing_deliveries"]
            )
            if (lat["p50"] or 0) > args.stop_p50 or step["missing_deliveries"]:
                break  # saturated: higher rates only queue up
        for proc, _, _ in workers:
            with contextlib.suppress(Exception):
                proc.stdin.write(b"STOP\n")
                proc.stdin.flush()
    finally:
        for proc, _, _ in workers:
            stop_process(proc, "client worker", grace=5)
        stop_process(haproxy, "haproxy")
        for proc, logfile, _ in servers:
            stop_process(proc, "kmserver")
            with contextlib.suppress(Exception):
                logfile.close()
        shutil.rmtree(work, ignore_errors=True)
    ok = [s for s in steps if not s["over_limit"]]
    return {
        "config": name,
        "processes": n,
        "balancer": "haproxy" if name.startswith("lb") else None,
        "clients_per_process": spread,
        "sustained_edits_per_s": ok[-1]["edits_per_s"] if ok else None,
        "steps": steps,
    }


def prepare(admin_url: str, args, work: Path) -> tuple[Kmserver, str]:
    sys.path.insert(0, str(REPO))
    from tests.server import pg_cluster

    pg_cluster.execute(admin_url, "CREATE DATABASE kmbench")
    env = dict(os.environ)
    env["KMSERVER_DB"] = f"{admin_url}/kmbench"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    km = Kmserver(env, work)
    km.cli("user", "add", "bench", "--role", "supervisor", "--password-stdin",
           stdin=secrets.token_urlsafe(24) + "\n")  # fmt: skip
    docs = work / "docs"
    docs.mkdir()
    for i, room in enumerate(room_names(args.rooms)):
        (docs / f"{room}.md").write_text(
            f"---\nid: {room}\ntitle: Bench room {i}\ntopics: [bench]\n"
            f"audience: [everyone]\nowner: bench\n---\nbody text\n"
        )
    km.cli("import", str(docs))
    token = km.cli("token", "bench").split()[-1]
    return km, token


def print_table(doc: dict) -> None:
    print(f"\n{doc['machine']['nproc']} cores, {doc['machine']['cpu_model']}, {doc['date']}")
    print(
        f"{'config':7} {'rate/s':>7} {'p50':>6} {'p99':>7} {'same p50':>8} {'same p99':>8} "
        f"{'x p50':>6} {'x p99':>7} {'miss':>5}  cpu% (per process)            machine%"
    )
    for c in doc["configs"]:
        for s in c["steps"]:
            cpu = " ".join(
                f"{k}={v:.0f}" for k, v in s["cpu_pct_of_one_core"].items() if v is not None
            )
            lat, same, cross = s["latency_ms"], s["same_process_ms"], s["cross_process_ms"]
            print(
                f"{c['config']:7} {s['edits_per_s']:7.0f} {lat['p50'] or 0:6.1f} "
                f"{lat['p99'] or 0:7.1f} {same['p50'] or 0:8.1f} {same['p99'] or 0:8.1f} "
                f"{cross['p50'] or 0:6.1f} {cross['p99'] or 0:7.1f} "
                f"{s['missing_deliveries']:5d}  {cpu}  {s['machine_busy_pct']}"
            )
        print(f"{c['config']}: sustains {c['sustained_edits_per_s']} edits/s")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--configs", default="direct1,lb1,lb2,lb3")
    p.add_argument("--rooms", type=int, default=40)
    p.add_argument("--clients", type=int, default=6, help="clients per room (>= 2)")
    p.add_argument("--rates", default="50,100,200,400,600,800,1200", help="edits/s in all")
    p.add_argument("--warmup", type=float, default=2.0)
    p.add_argument("--duration", type=float, default=8.0)
    p.add_argument("--drain", type=float, default=5.0)
    p.add_argument("--client-procs", type=int, default=2)
    p.add_argument(
        "--writers",
        choices=("rotate", "one"),
        default="rotate",
        help="rotate: every client of a room writes in turn (co-editing across processes); "
        "one: the room's first client writes, the others only read",
    )
    p.add_argument(
        "--p99-limit", type=float, default=250.0, help="ms; a rate is sustained below it"
    )
    p.add_argument(
        "--stop-p50", type=float, default=100.0, help="ms; a step above it ends the config"
    )
    p.add_argument("--output", default=str(OUT))
    p.add_argument("--worker", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    a.config_list = [c.strip() for c in a.configs.split(",") if c.strip()]
    if any(not re.fullmatch(r"(direct1|lb[1-9])", c) for c in a.config_list):
        p.error("configs are direct1 or lbN (N processes behind HAProxy)")
    a.rate_list = [float(r) for r in a.rates.split(",")]
    if a.clients < 2:
        p.error("--clients must be >= 2")
    return a


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.worker:
        return worker_main(args.worker)
    signal.signal(signal.SIGTERM, lambda s, _f: (_ for _ in ()).throw(KeyboardInterrupt(s)))
    sys.path.insert(0, str(REPO))
    from tests.server import pg_cluster

    if pg_cluster.pg_bin() is None:
        say("PostgreSQL binaries not found (apt-get install -y postgresql)")
        return 2
    model = cpu_model()
    haproxy_v = subprocess.run(
        [shutil.which("haproxy") or "/usr/sbin/haproxy", "-v"], capture_output=True, text=True
    ).stdout.split("\n")[0]
    machine = {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": model,
        "loadavg_at_start": loadavg(),
        "haproxy": haproxy_v,
        "postgresql": str(pg_cluster.pg_bin()),
        "python": sys.version.split()[0],
    }
    started = dt.datetime.now(dt.UTC).astimezone()
    configs = []
    work = Path(tempfile.mkdtemp(prefix="kmbench-"))
    try:
        with pg_cluster.cluster() as admin:
            port = int(admin.rsplit(":", 1)[1])
            km, token = prepare(admin, args, work)
            pg_pid = postmaster_pid(port)
            for name in args.config_list:
                say(f"=== {name} ===")
                configs.append(run_config(name, km, token, args, pg_pid))
    except KeyboardInterrupt:
        say("interrupted; everything started here is stopped")
        return 130
    finally:
        shutil.rmtree(work, ignore_errors=True)
    doc = {
        "benchmark": "cluster_bench",
        "date": started.isoformat(timespec="seconds"),
        "machine": machine,
        "loadavg_at_end": loadavg(),
        "config": {
            k: getattr(args, k)
            for k in ("rooms", "clients", "writers", "warmup", "duration", "drain", "client_procs")
        }
        | {"rates": args.rate_list, "p99_limit_ms": args.p99_limit, "stop_p50_ms": args.stop_p50},
        "command": "python benchmarks/cluster_bench.py " + " ".join(sys.argv[1:]),
        "configs": configs,
    }
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=2) + "\n")
    print_table(doc)
    say(f"results written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
