"""The writer's longest batches under a steady edit load, without the network.

Runs kmserver's writer in this process on a fresh SQLite file: R documents,
each edited in turn by C client Docs (their items do not merge, as with real
co-editors), one edit per document every ``--interval`` ms, posted as the /y/
route posts them. It records how long each batch held the writer thread
(``Writer._timed_commit``: jobs, compaction, the commit) and reports their
percentiles, the longest, and how many took over 5 and 10 ms: the stalls every
edit queued behind a batch waits out. Compaction (every 200 rows per document)
falls inside the run, as it does in ``edit_latency.py`` at second 15.

With ``--sqlite-sync normal`` (default here) the commit does not wait for the
disk, so what is left is the server's own work; this VM's disk stalls by the
hour and would hide it. ``--before DIR`` runs the same load against another
checkout's kmserver in a child process, alternating, so both are measured in
one run::

    python benchmarks/writer_stalls.py --before <worktree of main> --rounds 2
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


async def _run(rooms: int, clients: int, interval: float, seconds: float, sync: str) -> dict:
    from pycrdt import Doc, Text

    from kmserver.protocol.docmeta import DocMeta
    from kmserver.server import Server, ServerConfig
    from kmserver.store import documents as docs
    from kmserver.store.database import Database
    from kmserver.writer import UpdateJob

    tmp = Path(tempfile.mkdtemp(prefix="kmstalls-"))
    url = f"sqlite:///{tmp / 'server.db'}"
    db = Database(url)
    editors: dict[str, list[Doc]] = {}
    with db.write() as s, s.begin():
        for r in range(rooms):
            doc_id = f"room-{r:04d}"
            first = Doc()
            first.get("body", type=Text).insert(0, f"Room {r}\n")
            meta = DocMeta(id=doc_id, title=doc_id, topics=(), audience=("rep",), owner="sara")
            docs.create_document(s, meta, first.get_update(), f"Room {r}\n", "sara", "seed")
            editors[doc_id] = []
            for _ in range(clients):
                d = Doc()
                d.get("body", type=Text)
                d.apply_update(first.get_update())
                editors[doc_id].append(d)
    db.dispose()

    # The writer's compaction steps, timed by the CPU of the thread that runs them.
    steps: dict[str, list[float]] = {}
    for name in (
        "prepare_compaction",
        "apply_compaction",
        "sweep_compacted",
        "sweep_range",
        "settle_swept",
    ):
        if hasattr(docs, name):
            setattr(docs, name, _timed_step(getattr(docs, name), steps.setdefault(name, [])))
    server = Server(ServerConfig(db_url=url, port=0, sqlite_sync=sync))
    await server.start()
    gc.collect()  # as `kmserver serve` does once started
    gc.freeze()
    writer = server.writer
    # (at, wall seconds on the writer, its thread's CPU seconds, jobs)
    batches: list[tuple[float, float, float, int]] = []
    timed = writer._timed_commit

    def recorded(jobs):  # type: ignore[no-untyped-def]
        cpu = time.thread_time()
        tail, took = timed(jobs)
        batches.append((time.perf_counter(), took, time.thread_time() - cpu, len(jobs)))
        return tail, took

    writer._timed_commit = recorded  # type: ignore[method-assign]
    loop = asyncio.get_running_loop()
    start = loop.time()
    step = interval / rooms
    n = 0
    cpu0 = time.process_time()
    while (now := loop.time()) - start < seconds:
        due = start + n * step
        if due > now:
            await asyncio.sleep(due - now)
        doc_id = f"room-{n % rooms:04d}"
        client = editors[doc_id][(n // rooms) % clients]
        text = client.get("body", type=Text)
        before = client.get_state()
        text.insert(len(text), f"[{n}]")
        update = client.get_update(before)
        for other in editors[doc_id]:
            if other is not client:
                other.apply_update(update)
        writer.post(UpdateJob(doc_id=doc_id, update=update, author=f"user{n % clients}"))
        n += 1
    cpu = time.process_time() - cpu0
    await server.stop()
    t0 = batches[0][0] if batches else 0.0
    took = sorted(b[1] for b in batches)
    work = sorted(b[2] for b in batches)

    def pct(values: list[float], p: float) -> float:
        return values[min(len(values) - 1, int(p * len(values)))] * 1e3 if values else 0.0

    per_second: dict[int, float] = {}
    for at, _, t, _ in batches:
        sec = int(at - t0)
        per_second[sec] = max(per_second.get(sec, 0.0), t * 1e3)
    return {
        "edits": n,
        "batches": len(batches),
        "jobs_per_batch": n / max(1, len(batches)),
        "wall_p99_ms": pct(took, 0.99),
        "wall_max_ms": pct(took, 1.0),
        "cpu_p50_ms": pct(work, 0.50),
        "cpu_p99_ms": pct(work, 0.99),
        "cpu_p999_ms": pct(work, 0.999),
        "cpu_max_ms": pct(work, 1.0),
        "cpu_over_2ms": sum(t > 0.002 for t in work),
        "cpu_over_5ms": sum(t > 0.005 for t in work),
        "writer_cpu_s": sum(work),
        "process_cpu_s": cpu,
        "worst_second_cpu_max_ms": per_second,
        "steps": {
            name: {"calls": len(t), "max_ms": max(t, default=0) * 1e3, "total_ms": sum(t) * 1e3}
            for name, t in steps.items()
        },
    }


def _timed_step(fn, into: list[float]):  # type: ignore[no-untyped-def]
    def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
        cpu = time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            into.append(time.thread_time() - cpu)

    return timed


def _child(args: argparse.Namespace, checkout: str) -> dict:
    env = dict(os.environ, PYTHONPATH=checkout)
    cmd = [sys.executable, __file__, "--worker", "--rooms", str(args.rooms)]
    cmd += ["--clients", str(args.clients), "--interval", str(args.interval)]
    cmd += ["--seconds", str(args.seconds), "--sqlite-sync", args.sqlite_sync]
    out = subprocess.run(cmd, env=env, cwd=checkout, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rooms", type=int, default=50)
    p.add_argument("--clients", type=int, default=4, help="client Docs per document")
    p.add_argument("--interval", type=float, default=0.1, help="s between edits of a document")
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--sqlite-sync", default="normal", choices=("full", "normal"))
    p.add_argument("--before", default=None, help="another checkout to compare against")
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        result = asyncio.run(
            _run(args.rooms, args.clients, args.interval, args.seconds, args.sqlite_sync)
        )
        print(json.dumps(result))
        return 0
    here = str(Path(__file__).resolve().parents[1])
    targets = [("ours", here)] + ([("before", args.before)] if args.before else [])
    order = []
    for r in range(args.rounds):  # ABBA
        order += targets if r % 2 == 0 else targets[::-1]
    print(
        f"{args.rooms} documents x {args.clients} clients, one edit per document every "
        f"{args.interval * 1e3:.0f} ms, {args.seconds:.0f} s, synchronous={args.sqlite_sync}"
    )
    print("a batch's CPU on the writer thread (ms), and its wall time (ms)")
    print(
        "target   batches jobs/b  p50   p99  p99.9    max  >2ms  >5ms  wall p99   max  writer CPU s"
    )
    results = []
    for name, checkout in order:
        res = _child(args, checkout)
        results.append({"target": name, **res})
        print(
            f"{name:8} {res['batches']:7d} {res['jobs_per_batch']:6.2f} {res['cpu_p50_ms']:4.2f} "
            f"{res['cpu_p99_ms']:5.2f} {res['cpu_p999_ms']:6.2f} {res['cpu_max_ms']:6.1f} "
            f"{res['cpu_over_2ms']:5d} {res['cpu_over_5ms']:5d} {res['wall_p99_ms']:9.2f} "
            f"{res['wall_max_ms']:5.0f} {res['writer_cpu_s']:12.2f}",
            flush=True,
        )
        worst = sorted(res["worst_second_cpu_max_ms"].items(), key=lambda kv: -kv[1])[:4]
        print(
            "         the seconds with the longest batch (s: CPU ms): "
            + ", ".join(f"{s}: {ms:.1f}" for s, ms in worst)
        )
        print(
            "         compaction steps (calls, max / total CPU ms): "
            + ", ".join(
                f"{k} {v['calls']}, {v['max_ms']:.1f} / {v['total_ms']:.0f}"
                for k, v in res["steps"].items()
                if v["calls"]
            )
        )
    out = Path(here) / "benchmarks" / "results" / "writer_stalls.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1))
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
