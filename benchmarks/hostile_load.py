#!/usr/bin/env python3
"""Honest editors' acknowledgement time and the server's memory, without and with the
attacks of issue 10 (items 3 and 4), in one run against one ``kmserver serve``.

What one run does:

1. Seeds a fresh SQLite database (``benchmarks/.work/hostile/``): ``--editors`` owners,
   each owning one document, a rep, and a published document of ``--big-mb`` MiB that
   the rep may read. Starts ``python -m kmserver.cli serve`` on a free port.
2. An *honest* process: every editor signs in with a token on its own ``/ws``
   socket, syncs, then inserts a few characters into its document every
   ``--interval`` ms. The acknowledgement time of an edit is ``perf_counter()`` at
   ``send`` to the moment its ``ack`` arrives (one ack per update, in order).
3. Phases, while the honest editors keep typing: ``warmup`` (not counted),
   ``baseline``, ``attack``, ``settle`` (``--settle`` s while the attackers' sockets go
   away, not counted), again for each ``--rounds``, then ``after``. During ``attack``
   a second process runs:
   - item 3: ``--signin-sockets`` sockets loop wrong passwords (real and made-up
     names), each waiting for its answer before the next attempt;
   - item 4a: ``--frame-sockets`` unauthenticated sockets each upgrade to ``/ws`` and
     send most of a 4 MiB frame, then hold it (and reconnect if dropped);
   - item 4b: the rep, signed in, never reads and asks for the big document's state
     every ``--ask-every`` ms (reconnecting if dropped).
4. The server's resident memory is sampled from ``/proc/<pid>/status`` every 20 ms;
   each phase reports its peak (VmRSS samples, and VmHWM after resetting it via
   ``/proc/<pid>/clear_refs`` at the phase's start). Growth is each peak minus the
   first baseline's (what an attack leaves behind would hide in later baselines).

Output: a table, and ``benchmarks/results/hostile_load.json``. Percentiles are
nearest-rank. Timed goals are reported, never asserted (docs/benchmarks.md).

    .venv/bin/python benchmarks/hostile_load.py
    .venv/bin/python benchmarks/hostile_load.py --server-pythonpath /tmp/old-checkout
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
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from machine_info import cpu_model, loadavg

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / ".work" / "hostile"
RESULTS = HERE / "results" / "hostile_load.json"
PASSWORD = "honest editors type here"
# Each party has its own loopback address, as each would have its own machine: the
# server's per-address limits then apply as they would in the field.
HONEST, SIGNIN_ATTACK, FRAME_ATTACK, REP_ATTACK = "127.0.0.1", "127.0.0.3", "127.0.0.4", "127.0.0.5"
sys.path.insert(0, str(REPO))


def log(msg: str) -> None:
    print(f"[hostile_load] {msg}", file=sys.stderr, flush=True)


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# -- seeding and the server ------------------------------------------------------------


def seed(db_path: Path, editors: int, big_mb: float) -> None:
    from kmserver.content import import_dir
    from kmserver.store.accounts import Accounts
    from kmserver.store.database import Database

    db = Database(f"sqlite:///{db_path}")
    accounts = Accounts(db)
    for i in range(editors):
        accounts.add_user(f"editor{i:02d}", "owner", ["bench"], PASSWORD)
    accounts.add_user("reader", "rep", ["bench"], PASSWORD)
    kb = db_path.parent / "kb"
    kb.mkdir(exist_ok=True)
    for i in range(editors):
        (kb / f"doc-{i:02d}.md").write_text(
            f"---\nid: doc-{i:02d}\ntitle: Doc {i}\ntopics: [bench]\naudience: [everyone]\n"
            f"owner: editor{i:02d}\n---\n# Doc {i}\n\nStart.\n",
            encoding="utf-8",
        )
    line = "Överklagan av parkeringsbot: skicka in inom tre veckor, med bilder och skäl.\n"
    body = line * max(1, int(big_mb * 1024 * 1024 / len(line.encode())))
    (kb / "big.md").write_text(
        "---\nid: big\ntitle: Big\ntopics: [bench]\naudience: [everyone]\nowner: editor00\n"
        f"---\n{body}",
        encoding="utf-8",
    )
    import_dir(db, kb)
    tokens = {}
    for name in [f"editor{i:02d}" for i in range(editors)] + ["reader"]:
        account = accounts.get(name)
        assert account is not None
        tokens[name] = accounts.issue_token(account)[0]
    db.dispose()
    (db_path.parent / "tokens.json").write_text(json.dumps(tokens))


def start_server(
    db_path: Path, pythonpath: str | None, extra: list[str]
) -> tuple[subprocess.Popen, int]:
    env = dict(os.environ)
    env["PYTHONPATH"] = pythonpath or str(REPO)
    cmd = [sys.executable, "-m", "kmserver.cli", "serve", "--db", f"sqlite:///{db_path}"]
    cmd += ["--port", "0", "--log-level", "WARNING", *extra]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=WORK
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    found = re.search(r":(\d+)\s*$", line)
    if not found:
        proc.kill()
        raise RuntimeError(f"the server did not start: {line!r}")
    return proc, int(found.group(1))


# -- memory sampling ---------------------------------------------------------------------


class Memory(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.phase = "start"
        self.peaks: dict[str, int] = {}
        self.hwm: dict[str, int] = {}
        self.cpu: dict[str, float] = {}
        self._cpu_mark = 0.0
        self.stop = threading.Event()

    def _status(self, key: str) -> int | None:
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        except OSError:
            return None
        return None

    def cpu_seconds(self) -> float:
        """utime + stime of the server process (all its threads)."""
        try:
            raw = Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return 0.0
        fields = raw[raw.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def enter(self, phase: str) -> None:
        self.hwm[self.phase] = self._status("VmHWM") or 0
        now = self.cpu_seconds()
        self.cpu[self.phase] = now - self._cpu_mark
        self._cpu_mark = now
        with contextlib.suppress(OSError):
            Path(f"/proc/{self.pid}/clear_refs").write_text("5")  # reset VmHWM
        self.phase = phase

    def run(self) -> None:
        while not self.stop.wait(0.02):
            rss = self._status("VmRSS")
            if rss is not None:
                self.peaks[self.phase] = max(self.peaks.get(self.phase, 0), rss)


# -- the honest editors (own process) ------------------------------------------------------


async def honest(
    port: int, tokens: dict[str, str], editors: int, interval: float, args: argparse.Namespace
) -> None:
    """Reads 'PHASE name' lines on stdin; prints one JSON line of results per phase."""
    from pycrdt import Doc, Text
    from websockets.asyncio.client import connect

    from kmserver.protocol import ysync

    phase = {"name": "warmup"}
    acks: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    signins: dict[str, list[float]] = {}
    refused: dict[str, int] = {}
    timeline: dict[int, float] = {}  # second of the run -> slowest ack in it
    origin = time.monotonic()

    async def signing_in() -> None:
        """A rep signs in with a password now and then, as reps do all day."""
        while phase["name"] != "done":
            await asyncio.sleep(args.signin_every)
            started, ph = time.perf_counter(), phase["name"]
            hello = {"type": "hello", "protocol": 2, "user": "reader", "password": PASSWORD}
            try:
                async with connect(f"ws://127.0.0.1:{port}/ws", open_timeout=60) as ws:
                    await ws.send(json.dumps(hello))
                    answer = json.loads(await asyncio.wait_for(ws.recv(), 60))
            except Exception:
                answer = {"type": "error"}
            if answer["type"] == "welcome":
                signins.setdefault(ph, []).append((time.perf_counter() - started) * 1000)
            else:
                refused[ph] = refused.get(ph, 0) + 1

    async def editor(i: int) -> None:
        name, doc_id = f"editor{i:02d}", f"doc-{i:02d}"
        async with connect(f"ws://127.0.0.1:{port}/ws", max_size=None, open_timeout=60) as ws:
            await ws.send(json.dumps({"type": "hello", "protocol": 2, "token": tokens[name]}))
            assert json.loads(await ws.recv())["type"] == "welcome"
            await ws.send(json.dumps({"type": "sync", "cursor": 0, "known": []}))
            doc = Doc()
            text = doc.get("body", type=Text)
            sent: list[tuple[float, str]] = []

            async def reader() -> None:
                async for frame in ws:
                    if isinstance(frame, bytes):
                        name_, raw = ysync.unwrap(frame)
                        if name_ == doc_id:
                            message = ysync.parse_message(raw)
                            if message.type == ysync.MessageType.SYNC and message.step != 0:
                                doc.apply_update(message.payload)
                        continue
                    msg = json.loads(frame)
                    if msg["type"] == "ack" and sent:
                        t0, ph = sent.pop(0)
                        took = (time.perf_counter() - t0) * 1000
                        acks.setdefault(ph, []).append(took)
                        second = int(time.monotonic() - origin)
                        timeline[second] = max(timeline.get(second, 0.0), took)
                    elif msg["type"] == "error" and msg.get("reply_to") == "update" and sent:
                        _, ph = sent.pop(0)
                        errors[ph] = errors.get(ph, 0) + 1

            task = asyncio.create_task(reader())
            while len(str(text)) == 0:
                await asyncio.sleep(0.05)
            next_at = time.monotonic() + interval * i / editors
            while phase["name"] != "done":
                await asyncio.sleep(max(0.0, next_at - time.monotonic()))
                next_at += interval
                before = doc.get_state()
                text.insert(len(str(text).encode()), "ab ")
                update = doc.get_update(before)
                sent.append((time.perf_counter(), phase["name"]))
                await ws.send(ysync.wrap(doc_id, ysync.sync_update(update)))
            task.cancel()

    async def control() -> None:
        loop = asyncio.get_running_loop()
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line or line.startswith("done"):
                phase["name"] = "done"
                return
            previous, phase["name"] = phase["name"], line.split()[1]
            slowest = {k: round(v, 1) for k, v in sorted(timeline.items())}
            timeline.clear()
            print(
                json.dumps(
                    {
                        "phase": previous,
                        "acks_ms": [round(v, 2) for v in acks.pop(previous, [])],
                        "errors": errors.pop(previous, 0),
                        "signins_ms": [round(v, 1) for v in signins.pop(previous, [])],
                        "signins_refused": refused.pop(previous, 0),
                        "slowest_ack_per_second": slowest,
                    }
                ),
                flush=True,
            )

    await asyncio.gather(control(), signing_in(), *(editor(i) for i in range(editors)))


# -- the attackers (own process) --------------------------------------------------------------


async def attack(port: int, tokens: dict[str, str], args: argparse.Namespace) -> None:
    from websockets.asyncio.client import connect

    from kmserver.protocol import ysync

    stop = asyncio.Event()
    counts = {"signin_attempts": 0, "frame_connects": 0, "state_asks": 0, "rep_reconnects": 0}
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)

    async def wrong_passwords(k: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            name = "editor01" if n % 2 else f"nobody{k}-{n}"
            with contextlib.suppress(Exception):
                async with connect(
                    f"ws://127.0.0.1:{port}/ws", open_timeout=30, local_addr=(SIGNIN_ATTACK, 0)
                ) as ws:
                    await ws.send(
                        json.dumps({"type": "hello", "protocol": 2, "user": name, "password": "x"})
                    )
                    await asyncio.wait_for(ws.recv(), 30)
            counts["signin_attempts"] += 1

    async def big_frame() -> None:
        size = 4 * 1024 * 1024 - 1024
        while not stop.is_set():
            try:
                reader, writer = await asyncio.open_connection(
                    "127.0.0.1", port, local_addr=(FRAME_ATTACK, 0)
                )
                counts["frame_connects"] += 1
                writer.write(
                    b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    b"Sec-WebSocket-Version: 13\r\n\r\n"
                )
                await reader.readuntil(b"\r\n\r\n")
                writer.write(b"\x82\xff" + size.to_bytes(8, "big") + b"\x00\x00\x00\x00")
                chunk = b"x" * 65536
                for _ in range(size // len(chunk) - 1):  # most of it, never the end
                    writer.write(chunk)
                    await writer.drain()
                await stop.wait()
                writer.close()
            except (OSError, asyncio.IncompleteReadError):
                await asyncio.sleep(0.5)  # dropped: come back, as an attacker would

    async def never_reads() -> None:
        while not stop.is_set():
            try:
                async with connect(
                    f"ws://127.0.0.1:{port}/ws",
                    max_queue=1,
                    max_size=None,
                    open_timeout=30,
                    local_addr=(REP_ATTACK, 0),
                ) as ws:
                    counts["rep_reconnects"] += 1
                    await ws.send(
                        json.dumps({"type": "hello", "protocol": 2, "token": tokens["reader"]})
                    )
                    while not stop.is_set():
                        await ws.send(ysync.wrap("big@published", ysync.sync_step1(b"\x00")))
                        counts["state_asks"] += 1
                        await asyncio.sleep(args.ask_every / 1000)
            except Exception:
                await asyncio.sleep(0.2)

    tasks = [asyncio.create_task(wrong_passwords(k)) for k in range(args.signin_sockets)]
    tasks += [asyncio.create_task(big_frame()) for _ in range(args.frame_sockets)]
    tasks.append(asyncio.create_task(never_reads()))
    await stop.wait()
    print(json.dumps(counts), flush=True)
    os._exit(0)  # the kernel drops every socket at once: no teardown in the next phase


# -- the run ---------------------------------------------------------------------------------


def machine() -> dict:
    model = cpu_model()
    return {
        "cpus": len(os.sched_getaffinity(0)),
        "cpu_model": model,
        "python": platform.python_version(),
        "kernel": platform.release(),
        "loadavg_at_start": loadavg(),
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--editors", type=int, default=10)
    p.add_argument("--interval", type=float, default=100, help="ms between one editor's edits")
    p.add_argument("--warmup", type=float, default=5)
    p.add_argument("--phase", type=float, default=15, help="seconds of each measured phase")
    p.add_argument(
        "--rounds", type=int, default=2, help="baseline/attack pairs, alternated (drift evens out)"
    )
    p.add_argument("--settle", type=float, default=5, help="seconds after each attack, not counted")
    p.add_argument("--big-mb", type=float, default=2.0)
    p.add_argument("--signin-sockets", type=int, default=8)
    p.add_argument("--frame-sockets", type=int, default=100)
    p.add_argument("--ask-every", type=float, default=10, help="ms between the rep's asks")
    p.add_argument(
        "--signin-every", type=float, default=4, help="s between honest password sign-ins"
    )
    p.add_argument(
        "--no-pin", action="store_true", help="do not put the server on a CPU of its own"
    )
    p.add_argument("--server-pythonpath", help="run the server from another checkout")
    p.add_argument("--server-arg", action="append", default=[], help="extra serve argument")
    p.add_argument("--output", type=Path, default=RESULTS)
    p.add_argument("--role", choices=["seed", "honest", "attack"], help=argparse.SUPPRESS)
    p.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.role == "seed":
        if args.server_pythonpath:  # the server's kmserver, not this checkout's
            sys.path.remove(str(REPO))
            sys.path.insert(0, args.server_pythonpath)
        seed(WORK / "bench.db", args.editors, args.big_mb)
        return 0
    if args.role:
        tokens = json.loads((WORK / "tokens.json").read_text())
        if args.role == "attack":
            os.nice(19)  # the attackers stand for other machines: never ahead of the editors
            asyncio.run(attack(args.port, tokens, args))
        else:
            asyncio.run(honest(args.port, tokens, args.editors, args.interval / 1000, args))
        return 0

    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    log("seeding")
    # Seeded by the server's own checkout: an older server cannot open a database
    # stamped with a newer schema revision.
    env = dict(os.environ, PYTHONPATH=args.server_pythonpath or str(REPO))
    seeding = [sys.executable, __file__, "--role", "seed", "--editors", str(args.editors)]
    seeding += ["--big-mb", str(args.big_mb)]
    if args.server_pythonpath:
        seeding += ["--server-pythonpath", args.server_pythonpath]
    subprocess.run(seeding, check=True, env=env)
    host = machine()
    server, port = start_server(WORK / "bench.db", args.server_pythonpath, args.server_arg)
    cpus = sorted(os.sched_getaffinity(0))
    pinned = not args.no_pin and len(cpus) >= 2
    if pinned:  # the server on one CPU, the clients on the others: the attackers' own CPU
        for tid in os.listdir(f"/proc/{server.pid}/task"):  # use stands for other machines'
            with contextlib.suppress(OSError):
                os.sched_setaffinity(int(tid), {cpus[0]})
        os.sched_setaffinity(server.pid, {cpus[0]})
        os.sched_setaffinity(0, set(cpus[1:]))
    memory = Memory(server.pid)
    memory.start()
    me = [sys.executable, __file__, "--port", str(port), "--editors", str(args.editors)]
    me += ["--interval", str(args.interval), "--signin-sockets", str(args.signin_sockets)]
    me += ["--frame-sockets", str(args.frame_sockets), "--ask-every", str(args.ask_every)]
    me += ["--signin-every", str(args.signin_every)]
    honest_proc = subprocess.Popen(
        [*me, "--role", "honest"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    attacker: subprocess.Popen | None = None
    timeline: list[dict] = []  # one entry per phase, in order
    counts: dict[str, int] = {}
    started = dt.datetime.now(dt.UTC)
    try:
        assert honest_proc.stdin is not None and honest_proc.stdout is not None
        began = {"name": "warmup", "at": time.monotonic()}

        def enter(name: str) -> None:
            kind = began["name"]
            memory.enter(name)
            took = round(time.monotonic() - began["at"], 1)
            began.update(name=name, at=time.monotonic())
            honest_proc.stdin.write(f"phase {name}\n")
            honest_proc.stdin.flush()
            result = json.loads(honest_proc.stdout.readline())
            result.update(kind=kind.split("-")[0], seconds=took)
            result["peak_rss_kib"] = memory.peaks.get(kind, 0)
            result["peak_hwm_kib"] = memory.hwm.get(kind, 0)
            result["server_cpu_s"] = round(memory.cpu.get(kind, 0.0), 2)
            result["loadavg"] = loadavg()[0]
            timeline.append(result)

        memory.enter("warmup")
        time.sleep(args.warmup)
        for r in range(1, args.rounds + 1):
            enter(f"baseline-{r}")
            log(f"round {r}: baseline {args.phase:.0f} s")
            time.sleep(args.phase)
            attacker = subprocess.Popen(
                [*me, "--role", "attack"], stdout=subprocess.PIPE, text=True
            )
            enter(f"attack-{r}")
            log(f"round {r}: attack {args.phase:.0f} s")
            time.sleep(args.phase)
            attacker.send_signal(signal.SIGTERM)
            assert attacker.stdout is not None
            for key, value in json.loads(attacker.stdout.readline() or "{}").items():
                counts[key] = counts.get(key, 0) + value
            attacker.wait(30)
            enter(f"settle-{r}")  # the attackers' sockets go away: not counted
            time.sleep(args.settle)
        enter("after")
        log(f"after {args.phase:.0f} s")
        time.sleep(args.phase)
        enter("done")
        honest_proc.stdin.write("done\n")
        honest_proc.stdin.flush()
        honest_proc.wait(30)
    finally:
        memory.stop.set()
        for proc in (attacker, honest_proc, server):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(30)
                if proc.poll() is None:
                    proc.kill()
    # Growth is measured from the first baseline, the only phase no attack came before:
    # memory an attack leaves behind shows in every later phase, baselines included.
    untouched = next((t["peak_rss_kib"] for t in timeline if t["kind"] == "baseline"), 0)
    pooled = {kind: pool([t for t in timeline if t["kind"] == kind]) for kind in KINDS}
    for r in pooled.values():
        r["rss_growth_mib"] = round(r["peak_rss_mib"] - untouched / 1024, 1)
    base, hit = pooled["baseline"], pooled["attack"]
    summary = {
        "p99_ratio": round(hit["p99_ms"] / base["p99_ms"], 2) if base["p99_ms"] else None,
        "p50_ratio": round(hit["p50_ms"] / base["p50_ms"], 2) if base["p50_ms"] else None,
        "rss_growth_mib": hit["rss_growth_mib"],
        "attack_counts": counts,
    }
    report = {
        "started": started.isoformat(timespec="seconds"),
        "machine": {**host, "loadavg_at_end": loadavg()},
        "server_pinned_to_one_cpu": pinned,
        "args": {k: str(v) for k, v in vars(args).items() if k not in ("role", "port")},
        "pooled": pooled,
        "summary": summary,
        "phases": [
            {
                **{k: v for k, v in t.items() if k != "acks_ms"},
                "p50_ms": pct(t["acks_ms"], 50),
                "p99_ms": pct(t["acks_ms"], 99),
            }
            for t in timeline
        ],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print_table(pooled, summary)
    return 0


KINDS = ("baseline", "attack", "after")


def pool(runs: list[dict]) -> dict:
    values = [v for t in runs for v in t["acks_ms"]]
    signins = [v for t in runs for v in t["signins_ms"]]
    return {
        "phases": len(runs),
        "seconds": round(sum(t["seconds"] for t in runs), 1),
        "acks": len(values),
        "errors": sum(t["errors"] for t in runs),
        "p50_ms": pct(values, 50),
        "p99_ms": pct(values, 99),
        "max_ms": max(values) if values else None,
        "signins": len(signins),
        "signins_refused": sum(t["signins_refused"] for t in runs),
        "signin_max_ms": max(signins) if signins else None,
        "peak_rss_mib": round(max((t["peak_rss_kib"] for t in runs), default=0) / 1024, 1),
        "peak_hwm_mib": round(max((t["peak_hwm_kib"] for t in runs), default=0) / 1024, 1),
        "server_cpu_per_s": round(
            sum(t["server_cpu_s"] for t in runs) / max(1.0, sum(t["seconds"] for t in runs)), 3
        ),
    }


def print_table(pooled: dict, summary: dict) -> None:
    def f(v: float | None) -> str:
        return "-" if v is None else f"{v:.1f}"

    head = ("acks", "errors", "p50 ms", "p99 ms", "max ms", "sign-ins", "refused", "max ms")
    head += ("CPU/s",)
    tail = f" {'peak RSS MiB':>13} {'growth':>7}"
    print(f"{'phase':10} " + " ".join(f"{h:>8}" for h in head) + tail)
    for name in KINDS:
        r = pooled[name]
        cells = (r["acks"], r["errors"], f(r["p50_ms"]), f(r["p99_ms"]), f(r["max_ms"]))
        cells += (r["signins"], r["signins_refused"], f(r["signin_max_ms"]))
        cells += (f"{r['server_cpu_per_s']:.2f}",)
        print(
            f"{name:10} "
            + " ".join(f"{c:>8}" for c in cells)
            + f" {r['peak_rss_mib']:>13} {r['rss_growth_mib']:>7}"
        )
    print(
        f"p99 under attack / without: {summary['p99_ratio']}x (goal < 2x); RSS growth "
        f"{summary['rss_growth_mib']} MiB over the first baseline (goal < 64); "
        f"attack: {summary['attack_counts']}"
    )


if __name__ == "__main__":
    sys.exit(main())
