"""Benchmark of the client's local search (kmclient.core.search, Whoosh) against
SQLite FTS5 on the same synthetic corpus (benchmarks/search_corpus.py).

    python benchmarks/search_bench.py --docs 10000
    python benchmarks/search_bench.py --docs 1000,10000,30000 --before e0fb819 --recall

For each corpus size it measures indexing time (batches of 200, one commit
each, as a sync feeds them), single-document upserts on the full index, a
one-writer rebuild, optimize, and search latency p50/p95 by query kind, for
Whoosh and for FTS5 (the yardstick) in the same run. ``--before REV`` runs
the Whoosh part once more with kmclient as it was at git revision REV (in a
subprocess, same corpus and queries), so old and new code are compared in one
run on a noisy machine. ``--recall`` checks that the current code's top-20
hits equal the baseline recorded with the original code
(benchmarks/search_recall.py). Prints tables and writes
benchmarks/results/search.json (plot: benchmarks/search_plot.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# SEARCH_BENCH_IMPL: another checkout of kmclient to measure (see --before).
IMPL = Path(os.environ.get("SEARCH_BENCH_IMPL") or ROOT)
sys.path[:0] = [str(IMPL), str(ROOT / "benchmarks")]

from search_corpus import TOPICS, Corpus  # noqa: E402, F401  (sync_bench imports them from here)

from kmclient.core.search import SearchDoc, SearchIndex  # noqa: E402
from kmclient.core.search_text import markdown_to_text  # noqa: E402

UPSERTS = 100  # single-document upserts timed on the full index


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    q = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return {
        "p50_ms": round(q[49], 2),
        "p95_ms": round(q[94], 2),
        "max_ms": round(max(samples_ms), 2),
    }


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t0) * 1000.0, out


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def batches(docs: list[SearchDoc], size: int) -> Iterator[list[SearchDoc]]:
    for i in range(0, len(docs), size):
        yield docs[i : i + size]


# -- Whoosh (kmclient.core.search) ---------------------------------------------


def bench_whoosh(corpus: Corpus, queries: dict[str, list[str]], work: Path, batch: int) -> dict:
    res: dict = {}
    path = work / "whoosh"
    ix = SearchIndex(path)
    t0 = time.perf_counter()
    for chunk in batches(corpus.docs, batch):
        ix.upsert_many(chunk)
    res["index_s"] = round(time.perf_counter() - t0, 2)
    res["index_docs_per_s"] = round(corpus.n_docs / res["index_s"], 1)
    res["segments_after_batches"] = sum(1 for p in path.iterdir() if p.suffix == ".seg")
    res["index_bytes_after_batches"] = dir_size(path)

    res["search_after_batches"] = run_queries(lambda q: ix.search(q, limit=20), queries)

    # Edits of single documents; then the first search, which reads the new segment.
    rng = random.Random(3)
    samples, first_search = [], []
    for _ in range(UPSERTS):
        doc = rng.choice(corpus.docs)
        ms, _ = timed(lambda d=doc: ix.upsert(d.doc_id, d.title, d.body + " ändrad", d.topics))
        samples.append(ms)
        ms, _ = timed(lambda: ix.search("parkering"))
        first_search.append(ms)
    res["single_upsert"] = percentiles(samples)
    res["first_search_after_upsert"] = percentiles(first_search)

    # What the index worker does once its queue is empty (not in old code).
    if hasattr(ix, "merge_idle"):
        ms, merges = timed(lambda: sum(1 for _ in iter(ix.merge_idle, False)))
        res["idle_merges"] = merges
        res["idle_merges_s"] = round(ms / 1000, 2)
        res["segments_after_idle_merges"] = sum(1 for p in path.iterdir() if p.suffix == ".seg")

    ms, _ = timed(ix.optimize)
    res["optimize_s"] = round(ms / 1000, 2)
    # The first search after a merge reads the new segment's lexicon and
    # field lengths into the cache.
    ms, _ = timed(lambda: ix.search("parkering"))
    res["first_search_after_optimize_ms"] = round(ms, 1)
    res["search_optimized"] = run_queries(lambda q: ix.search(q, limit=20), queries)
    res["search_optimized_topic_filter"] = run_queries(
        lambda q: ix.search(q, topics=["parking", "waste"], limit=20), queries
    )
    res["index_bytes"] = dir_size(path)

    progress: list[tuple[int, int | None]] = []
    ms, _ = timed(
        lambda: ix.rebuild(corpus.docs, len(corpus.docs), lambda d, t: progress.append((d, t)))
    )
    res["rebuild_s"] = round(ms / 1000, 2)
    res["rebuild_progress_calls"] = len(progress)
    res["search_after_rebuild"] = run_queries(lambda q: ix.search(q, limit=20), queries)
    ix.close()
    return res


def run_queries(search: Callable[[str], list], queries: dict[str, list[str]]) -> dict:
    """Wall-clock latency per query kind, plus CPU time of the searching
    thread (steadier when other processes compete for the cores)."""
    out = {}
    all_ms: list[float] = []
    all_cpu: list[float] = []
    for kind, qs in queries.items():
        samples, cpu, hits = [], [], 0
        for q in qs:
            c0 = time.thread_time()
            ms, results = timed(lambda q=q: search(q))
            cpu.append((time.thread_time() - c0) * 1000.0)
            samples.append(ms)
            hits += bool(results)
        all_ms += samples
        all_cpu += cpu
        out[kind] = (
            percentiles(samples)
            | {f"cpu_{k}": v for k, v in percentiles(cpu).items() if k != "max_ms"}
            | {"hit_rate": round(hits / len(qs), 3)}
        )
    out["all"] = percentiles(all_ms) | {
        f"cpu_{k}": v for k, v in percentiles(all_cpu).items() if k != "max_ms"
    }
    return out


def recall(corpus: Corpus, queries: dict[str, list[str]], work: Path, per_kind: int) -> dict:
    """Top-20 hits of the current code against the original code's baseline."""
    import search_recall

    path = search_recall.baseline_path(corpus.n_docs, per_kind)
    if not path.exists():
        return {"baseline": None}
    snap = search_recall.build_snapshot(corpus, queries, work)
    problems = search_recall.compare(search_recall.load(path), snap)
    return {
        "baseline": path.name,
        "queries": sum(map(len, snap.values())),
        "differ": len(problems),
        "examples": problems[:5],
    }


# -- SQLite FTS5 (the yardstick) -----------------------------------------------


def fts_query(text: str) -> str | None:
    """AND of quoted words, the last one as a prefix (as typed)."""
    ws = [w for w in "".join(c if c.isalnum() else " " for c in text).split()]
    if not ws:
        return None
    parts = [f'"{w}"' for w in ws[:-1]] + [f'"{ws[-1]}"*']
    return " ".join(parts)


def bench_fts5(corpus: Corpus, queries: dict[str, list[str]], work: Path, batch: int) -> dict:
    res: dict = {}
    db = work / "fts.sqlite"
    con = sqlite3.connect(db, check_same_thread=False)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(doc_id UNINDEXED, title, body, topics UNINDEXED,"
        " tokenize = 'unicode61 remove_diacritics 2')"
    )
    # doc_id -> rowid, as a client would keep it: an FTS5 column cannot be
    # indexed, and "DELETE ... WHERE doc_id = ?" would scan the whole table.
    con.execute("CREATE TABLE doc_rowid(doc_id TEXT PRIMARY KEY)")

    def upsert(d: SearchDoc) -> None:
        row = con.execute("SELECT rowid FROM doc_rowid WHERE doc_id = ?", (d.doc_id,))
        found = row.fetchone()
        if found:
            rowid = found[0]
            con.execute("DELETE FROM docs WHERE rowid = ?", (rowid,))
        else:
            rowid = con.execute("INSERT INTO doc_rowid(doc_id) VALUES (?)", (d.doc_id,)).lastrowid
        con.execute(
            "INSERT INTO docs(rowid, doc_id, title, body, topics) VALUES (?, ?, ?, ?, ?)",
            (rowid, d.doc_id, d.title, markdown_to_text(d.body), ",".join(d.topics)),
        )

    t0 = time.perf_counter()
    for chunk in batches(corpus.docs, batch):
        with con:
            for d in chunk:
                upsert(d)
    res["index_s"] = round(time.perf_counter() - t0, 2)
    res["index_docs_per_s"] = round(corpus.n_docs / res["index_s"], 1)

    sql = (
        "SELECT doc_id, title, topics, bm25(docs, 0, 2.0, 1.0, 0) AS rank,"
        " snippet(docs, 2, '<b>', '</b>', '…', 24) FROM docs WHERE docs MATCH ?"
        " ORDER BY rank LIMIT 20"
    )

    def search(q: str) -> list:
        match = fts_query(q)
        return con.execute(sql, (match,)).fetchall() if match else []

    res["search"] = run_queries(search, queries)
    rng = random.Random(3)
    samples = []
    for _ in range(UPSERTS):
        doc = rng.choice(corpus.docs)
        changed = doc._replace(body=doc.body + " ändrad")

        def one(d: SearchDoc = changed) -> None:
            with con:
                upsert(d)

        samples.append(timed(one)[0])
    res["single_upsert"] = percentiles(samples)
    con.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    con.commit()
    res["index_bytes"] = db.stat().st_size
    con.close()
    return res


# -- the code before (--before) ---------------------------------------------------


def checkout(rev: str, into: Path) -> Path:
    """kmclient/ as it was at git revision rev, extracted into a directory."""
    data = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "kmclient"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


def bench_before(impl: Path, n_docs: int, args: argparse.Namespace, work: Path) -> dict:
    out = work / f"before-{n_docs}.json"
    cmd = [sys.executable, __file__, "--docs", str(n_docs), "--whoosh-only"]
    cmd += ["--batch", str(args.batch), "--queries", str(args.queries), "--out", str(out)]
    subprocess.run(cmd, check=True, env=os.environ | {"SEARCH_BENCH_IMPL": str(impl)})
    return json.loads(out.read_text(encoding="utf-8"))["sizes"][0]["whoosh"]


# -- main -----------------------------------------------------------------------


def fmt_row(name: str, st: dict) -> str:
    row = f"  {name:<10} p50 {st['p50_ms']:>6.2f} ms  p95 {st['p95_ms']:>6.2f} ms"
    row += f"  (cpu p50 {st['cpu_p50_ms']:>6.2f}  p95 {st['cpu_p95_ms']:>6.2f})"
    if "hit_rate" in st:
        row += f"  hits {st['hit_rate'] * 100:5.1f} %"
    return row


def report(size: dict) -> None:
    n = size["docs"]
    whoosh, fts = size["whoosh"], size.get("fts5")
    runs = [("whoosh", whoosh)] + (
        [("before", size["whoosh_before"])] if "whoosh_before" in size else []
    )
    print(f"\n== {n} docs: indexing in batches of {size['batch']} (one commit per batch)")
    for name, w in runs:
        su = w["single_upsert"]
        print(
            f"  {name:<7} {w['index_s']:>7.2f} s ({w['index_docs_per_s']:>6.0f} docs/s),"
            f" {w['segments_after_batches']} segments; rebuild {w['rebuild_s']:.2f} s,"
            f" optimize {w['optimize_s']:.2f} s; idle merges {w.get('idle_merges_s', '-')} s;"
            f" single upsert p50 {su['p50_ms']:.1f}"
            f" / p95 {su['p95_ms']:.1f} ms; {w['index_bytes'] / 1e6:.1f} MB"
        )
    if fts:
        su = fts["single_upsert"]
        print(
            f"  fts5    {fts['index_s']:>7.2f} s ({fts['index_docs_per_s']:>6.0f} docs/s);"
            f" single upsert p50 {su['p50_ms']:.1f} / p95 {su['p95_ms']:.1f} ms;"
            f" {fts['index_bytes'] / 1e6:.1f} MB"
        )
    tables = [(f"{name}, after the batches", w["search_after_batches"]) for name, w in runs]
    tables += [(f"{name}, optimized", w["search_optimized"]) for name, w in runs]
    if fts:
        tables.append(("sqlite fts5", fts["search"]))
    for title, stats in tables:
        print(f"  search, limit 20 with snippets: {title}")
        for kind, s in stats.items():
            print("  " + fmt_row(kind, s))
    if "recall" in size:
        print(f"  recall: {size['recall']}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--docs", default="2000", help="corpus sizes, comma-separated")
    ap.add_argument("--batch", type=int, default=200, help="docs per upsert_many commit")
    ap.add_argument("--queries", type=int, default=100, help="queries per kind (4 kinds)")
    ap.add_argument("--before", metavar="REV", help="also measure kmclient at this git revision")
    ap.add_argument("--recall", action="store_true", help="compare hits with the baselines")
    ap.add_argument("--whoosh-only", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "search.json")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="search-bench-"))
    sizes = []
    try:
        impl = checkout(args.before, work / "before") if args.before else None
        for n_docs in (int(n) for n in args.docs.split(",")):
            t0 = time.perf_counter()
            corpus = Corpus(n_docs)
            queries = corpus.queries(args.queries)
            words = sum(len(markdown_to_text(d.body).split()) for d in corpus.docs) / n_docs
            print(f"corpus: {n_docs} docs, ~{words:.0f} words each, built in", end=" ")
            print(f"{time.perf_counter() - t0:.1f} s; {args.queries} queries per kind", flush=True)
            size: dict = {"docs": n_docs, "batch": args.batch, "words_per_doc": round(words)}
            if impl is not None:
                size["whoosh_before"] = bench_before(impl, n_docs, args, work)
            size["whoosh"] = bench_whoosh(corpus, queries, work / f"w{n_docs}", args.batch)
            if not args.whoosh_only:
                size["fts5"] = bench_fts5(corpus, queries, work / f"w{n_docs}", args.batch)
            if args.recall:
                size["recall"] = recall(corpus, queries, work / f"r{n_docs}", args.queries)
            sizes.append(size)
            if not args.whoosh_only:
                report(size)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    result = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "machine": {
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "sqlite": sqlite3.sqlite_version,
            "loadavg": os.getloadavg(),
        },
        "params": vars(args) | {"out": str(args.out), "upserts": UPSERTS},
        "sizes": sizes,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if not args.whoosh_only:
        print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
