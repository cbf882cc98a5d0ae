#!/usr/bin/env python3
"""Client sync benchmark: a fresh profile syncing N documents, a delta sync, search.

    python benchmarks/sync_bench.py                 # 10,000 documents of ~300 words
    python benchmarks/sync_bench.py --docs 2000     # quicker

1. Writes N documents straight into a fresh server database (one transaction,
   ``kmserver.store.documents.create_document``), using the deterministic
   corpus of ``benchmarks/search_bench.py`` so figures compare with it.
2. Starts ``python -m kmserver serve --port 0`` (its own process, as in
   production) and syncs a supervisor (who sees all N) into a fresh profile
   through :class:`kmclient.core.sync_engine.SyncEngine`, measuring
   - *browsable*: from connect() until ``sync_end`` is committed (every
     document stored, listed and readable),
   - *indexed*: until the background indexer has every document in Whoosh.
3. Closes the engine, changes 1% of the documents on the server (written to
   its database like ``kmserver import`` does; the server tails them), opens
   the engine again on the same profile and measures the delta sync the same way.
4. Search latency p50/p95 by query kind (the queries of search_bench.py) over
   the synced index, for all topics and restricted to two topics.

Prints a table and writes ``benchmarks/results/sync.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from machine_info import cpu_model, loadavg

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from search_bench import TOPICS, Corpus  # noqa: E402

from kmclient.core.model import EngineEvent, SyncCompleted  # noqa: E402
from kmclient.core.owner_loop import OwnerLoop  # noqa: E402
from kmclient.core.sync_engine import SyncEngine  # noqa: E402
from kmserver.protocol.docmeta import DocMeta  # noqa: E402
from kmserver.protocol.ytext import body, new_doc, replace_text, text_to_update  # noqa: E402
from kmserver.store import documents as docs  # noqa: E402
from kmserver.store.accounts import Accounts  # noqa: E402
from kmserver.store.database import Database  # noqa: E402

PASSWORD = "benchmark password"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def seed_server(url: str, corpus: Corpus) -> None:
    db = Database(url)
    Accounts(db).add_user("bench", "supervisor", [], PASSWORD)
    with db.write() as s, s.begin():
        for d in corpus.docs:
            meta = DocMeta(id=d.doc_id, title=d.title, topics=tuple(d.topics))
            docs.create_document(s, meta, text_to_update(d.body), d.body, "bench", "bench-seed")
    db.dispose()


def change_some(url: str, corpus: Corpus, fraction: float) -> int:
    """Edit a fraction of the documents on the server; returns the newest log seq."""
    step = max(1, round(1 / fraction))
    db = Database(url)
    with db.write() as s, s.begin():
        for d in corpus.docs[::step]:
            row = docs.get_document(s, d.doc_id)
            assert row is not None
            ydoc = new_doc(docs.full_state(s, d.doc_id))
            before = ydoc.get_state()
            text = str(body(ydoc))
            replace_text(body(ydoc), text.replace(".", ". Uppdaterad: ny avgift från 1 juli.", 1))
            docs.append_update(s, row, ydoc.get_update(before), str(body(ydoc)), "bench", "delta")
    with db.read() as s:
        newest = docs.max_seq(s)
    db.dispose()
    return newest


class ServerProcess:
    def __init__(self, url: str, work: Path) -> None:
        self.log_path = work / "server.log"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kmserver",
                "serve",
                "--port",
                "0",
                "--db",
                url,
                "--log-level",
                "WARNING",
            ],
            stdout=subprocess.PIPE,
            stderr=open(self.log_path, "w"),  # noqa: SIM115
            text=True,
            cwd=ROOT,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        match = re.search(r"listening on (ws://\S+)", line)
        if not match:
            self.stop()
            raise RuntimeError(f"server did not start: {line!r}; see {self.log_path}")
        self.url = match.group(1)

    def health_seq(self) -> int:
        http = self.url.replace("ws://", "http://") + "/health"
        with urllib.request.urlopen(http, timeout=5) as r:
            return int(json.load(r)["seq"])

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class TimedLoop(OwnerLoop):
    """Measures each owner-thread turn: a UI stays responsive only if they are short."""

    def __init__(self) -> None:
        super().__init__()
        self.turns_ms: list[float] = []

    def post(self, fn: Callable[[], object]) -> None:
        def timed() -> object:
            t = time.perf_counter()
            try:
                return fn()
            finally:
                self.turns_ms.append((time.perf_counter() - t) * 1000)

        super().post(timed)


def run_sync(profile: Path, server: ServerProcess, password: str | None) -> tuple[dict, SyncEngine]:
    """Sync once; times in seconds from connect(). The caller closes the engine."""
    loop = TimedLoop()
    engine = SyncEngine(profile, loop.post)
    marks: dict[str, float] = {}
    done: list[SyncCompleted] = []
    t0 = time.perf_counter()
    cpu0 = time.process_time()

    def on_event(event: EngineEvent) -> None:
        if isinstance(event, SyncCompleted):
            done.append(event)
            marks["browsable"] = time.perf_counter() - t0
            marks["rss_browsable"] = rss_mib()

    engine.listen(on_event)
    engine.connect(server.url, "bench", password)
    if not loop.run_until(lambda: bool(done), timeout=900):
        raise RuntimeError(f"sync did not finish: {engine.status}")
    if not loop.run_until(lambda: engine.index_progress.idle, timeout=1800):
        raise RuntimeError("indexing did not finish")
    marks["indexed"] = time.perf_counter() - t0
    marks["client_cpu"] = time.process_time() - cpu0
    result = {
        "documents": len(engine.documents(all_topics=True)),
        "new": done[0].new,
        "changed": done[0].changed,
        "browsable_s": round(marks["browsable"], 2),
        "indexed_s": round(marks["indexed"], 2),
        "client_cpu_s": round(marks["client_cpu"], 2),
        "rss_at_browsable_mib": marks["rss_browsable"],
        "rss_at_indexed_mib": rss_mib(),
        "owner_turns": len(loop.turns_ms),
        "owner_turn_p99_ms": round(
            statistics.quantiles(loop.turns_ms, n=100, method="inclusive")[98], 1
        ),
        "owner_turn_max_ms": round(max(loop.turns_ms), 1),
    }
    return result, engine


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    q = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return {
        "p50_ms": round(q[49], 2),
        "p95_ms": round(q[94], 2),
        "max_ms": round(max(samples_ms), 2),
    }


def bench_search(engine: SyncEngine, queries: dict[str, list[str]]) -> dict:
    out: dict[str, dict] = {}
    every: dict[str, list[float]] = {}
    two_topics = tuple(TOPICS[:2])
    for scope, topics in (("all topics", None), ("two topics", two_topics)):
        for kind, qs in queries.items():
            for q in qs[:5]:  # warm the searcher pool and the OS cache
                engine.replica.search(q, topics, 20)
            samples = []
            hits = 0
            for q in qs:
                t = time.perf_counter()
                hits += bool(engine.replica.search(q, topics, 20))
                samples.append((time.perf_counter() - t) * 1000)
            out[f"{scope} / {kind}"] = {**percentiles(samples), "with_hits": hits, "n": len(qs)}
            every.setdefault(scope, []).extend(samples)
    for scope, samples in every.items():
        out[f"{scope} / every query"] = {**percentiles(samples), "n": len(samples)}
    return out


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def mib(directory: Path, pattern: str) -> float:
    return round(sum(p.stat().st_size for p in directory.glob(pattern) if p.is_file()) / 2**20, 1)


def machine() -> dict:
    cpu = cpu_model() or "?"
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "loadavg_at_start": loadavg(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--docs", type=int, default=10_000)
    p.add_argument("--changed", type=float, default=0.01, help="fraction changed for the delta")
    p.add_argument("--queries", type=int, default=60, help="queries per kind")
    p.add_argument("--work", type=Path, help="working directory (default: a temp dir)")
    p.add_argument("--out", type=Path, default=HERE / "results" / "sync.json")
    args = p.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="sync_bench-"))
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    url = f"sqlite:///{work / 'server.db'}"
    results: dict = {"machine": machine(), "docs": args.docs}

    log(f"generating {args.docs} documents")
    corpus = Corpus(args.docs)
    words = sum(len(d.body.split()) for d in corpus.docs) / args.docs
    results["words_per_doc"] = round(words)
    t = time.perf_counter()
    seed_server(url, corpus)
    results["seed_server_s"] = round(time.perf_counter() - t, 2)
    log(f"server database written in {results['seed_server_s']} s")

    results["rss_before_sync_mib"] = rss_mib()  # the corpus of this script is in there
    server = ServerProcess(url, work)
    try:
        log("full sync into a fresh profile")
        full, engine = run_sync(work / "profile", server, PASSWORD)
        full["profile_db_mib"] = mib(work / "profile", "profile.db*")
        full["index_mib"] = mib(work / "profile" / "index", "*")
        results["full_sync"] = full
        log(f"full sync: {full}")

        log("search latency")
        queries = corpus.queries(args.queries)
        results["search"] = bench_search(engine, queries)
        engine.close()

        log(f"changing {args.changed:.0%} of the documents on the server")
        newest = change_some(url, corpus, args.changed)
        deadline = time.monotonic() + 60
        while server.health_seq() < newest:  # the server tails other writers once a second
            if time.monotonic() > deadline:
                raise RuntimeError("server did not pick up the changes")
            time.sleep(0.2)
        delta, engine = run_sync(work / "profile", server, None)
        engine.close()
        results["delta_sync"] = delta
        log(f"delta sync: {delta}")
    finally:
        server.stop()
    results["client_peak_rss_mib"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
