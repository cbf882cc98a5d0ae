"""Benchmark of the client's local search (kmclient.core.search, Whoosh) against
SQLite FTS5 on the same synthetic corpus.

    python benchmarks/search_bench.py --docs 10000

Measures indexing time (batches, as the sync feeds them), single-document
upserts on the full index, a one-writer rebuild, and search latency p50/p95 by
query type. Prints a table and writes benchmarks/results/search.json.
The corpus is deterministic (seeded), so runs are comparable.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kmclient.core.search import SearchDoc, SearchIndex  # noqa: E402
from kmclient.core.search_text import markdown_to_text  # noqa: E402


def _split(text: str) -> list[str]:
    return text.split()


SWEDISH = _split("""
ansökan avgift avfall återvinning återvinningscentral överklaga överklagande
beslut bygglov bostad boende parkering parkeringstillstånd parkeringsplats
hämtning sophämtning kärl matavfall förpackningar grovsopor farligt
skola förskola fritidshem elev lärare skolskjuts läsår terminsavgift
bidrag försörjningsstöd hemtjänst äldreboende färdtjänst ledsagning
vatten avlopp fjärrvärme elnät mätare faktura betalning räkning påminnelse
kommun förvaltning nämnd handläggare ärende diarium blankett e-tjänst
gata väg cykelbana trafik hastighet skylt snöröjning halkbekämpning
bibliotek lån återlämning försenad kultur fritid idrottshall simhall
öppettider stängt helgdag midsommar jul påsk sommar vinter höst vår
adress folkbokföring flytt hyresgäst hyresvärd lägenhet villa tomt
miljö buller luft klimat träd park lekplats badplats strand brygga
tillstånd anmälan registrering kontroll inspektion livsmedel servering
allmän handling sekretess personuppgifter samtycke gallring arkiv
dödsbo begravning gravplats hyra uppsägning kö väntetid prioritet
medborgare invånare företag näringsliv upphandling leverantör avtal
""")

ENGLISH = _split("""
application fee waste recycling appeal decision permit building housing
resident parking space collection bin food packaging hazardous school
preschool pupil teacher transport term grant support care elderly
water sewage heating meter invoice payment reminder council department
officer case register form service street road cycle traffic speed sign
snow clearing library loan return overdue culture leisure sports pool
opening hours closed holiday summer winter autumn spring address move
tenant landlord apartment house plot environment noise air climate tree
playground beach jetty registration inspection food restaurant public
record privacy consent archive funeral rent notice queue waiting priority
citizen business procurement supplier contract deadline online phone
""")

STOPWORDS = _split("""
och att det som en på är av för med till den har de inte om ett men
the and of to a in is that for it as with be on not this are by or
""")

TOPICS = [
    "parking",
    "waste",
    "schools",
    "social",
    "water",
    "permits",
    "traffic",
    "library",
    "housing",
    "environment",
    "tax",
    "culture",
]

_SYLLABLES = _split("ka lo mi ne ru sa te vi bo da fe gu ha ji ko la me no pa re si to vu")
_SWE_SYLLABLES = _split("å ä ö kå lä mö rå sä tö vå nä hö")


def build_vocabulary(rng: random.Random, size: int) -> list[str]:
    """Real words first (they get the frequent ranks), then pseudo-words,
    about one in five with å/ä/ö."""
    vocab = list(dict.fromkeys(SWEDISH + ENGLISH))
    seen = set(vocab) | set(STOPWORDS)
    while len(vocab) < size:
        n = rng.choice((2, 3, 3, 4))
        parts = [rng.choice(_SYLLABLES) for _ in range(n)]
        if rng.random() < 0.2:
            parts[rng.randrange(n)] = rng.choice(_SWE_SYLLABLES)
        word = "".join(parts)
        if word not in seen:
            seen.add(word)
            vocab.append(word)
    return vocab


class Corpus:
    def __init__(self, n_docs: int, vocab_size: int = 4000, words_per_doc: int = 300) -> None:
        self.rng = random.Random(20240611)
        self.vocab = build_vocabulary(self.rng, vocab_size)
        # Zipf-like: weight 1/rank, so a few words are everywhere and most are rare.
        self.cum = list(itertools.accumulate(1.0 / (r + 1) for r in range(len(self.vocab))))
        self.n_docs = n_docs
        self.words_per_doc = words_per_doc
        self.docs = [self._doc(i) for i in range(n_docs)]

    def word(self) -> str:
        if self.rng.random() < 0.25:
            return self.rng.choice(STOPWORDS)
        return self.rng.choices(self.vocab, cum_weights=self.cum)[0]

    def _doc(self, i: int) -> SearchDoc:
        rng = self.rng
        title = " ".join(self.word() for _ in range(rng.randint(3, 7))).capitalize()
        paragraphs = []
        left = self.words_per_doc
        while left > 0:
            sentences = []
            for _ in range(rng.randint(2, 5)):
                n = min(left, rng.randint(6, 16))
                if n <= 0:
                    break
                ws = [self.word() for _ in range(n)]
                if rng.random() < 0.15:
                    ws[0] = f"**{ws[0]}**"
                if rng.random() < 0.05:
                    ws[-1] = f"[{ws[-1]}](https://example.org/{ws[-1]})"
                sentences.append(" ".join(ws).capitalize() + ".")
                left -= n
            paragraphs.append(" ".join(sentences))
        body = f"# {title}\n\n" + "\n\n".join(paragraphs)
        if i % 97 == 0:
            body += " 🚗"
        topics = rng.sample(TOPICS, rng.choice((1, 1, 2)))
        return SearchDoc(f"doc-{i:06d}", title, body, topics)

    def queries(self, per_kind: int) -> dict[str, list[str]]:
        rng = random.Random(7)
        # Content words a person would type: not the top few, not the ultra-rare.
        content = [w for w in self.vocab[:1500] if len(w) >= 5]
        out: dict[str, list[str]] = {"single": [], "two words": [], "prefix": [], "typo": []}
        for _ in range(per_kind):
            out["single"].append(rng.choice(content))
            # Two words from one document, so AND has something to find.
            doc = rng.choice(self.docs)
            ws = [w for w in markdown_to_text(doc.body).lower().split() if len(w) >= 5]
            ws = [w.strip(".,") for w in ws]
            a, b = rng.sample(ws, 2) if len(ws) >= 2 else (ws[0], ws[0])
            out["two words"].append(f"{a} {b}")
            w = rng.choice(content)
            out["prefix"].append(w[: rng.randint(3, min(6, len(w) - 1))])
            out["typo"].append(typo(rng, rng.choice(content)))
        return out


def typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word) - 1)  # never the first letter
    kind = rng.choice(("sub", "del", "swap"))
    if kind == "sub":
        return word[:i] + rng.choice("aeiourstnl") + word[i + 1 :]
    if kind == "del":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


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

    res["search_after_batches"] = run_queries(lambda q: ix.search(q, limit=20), queries)

    rng = random.Random(3)
    samples = []
    for _ in range(30):
        doc = rng.choice(corpus.docs)
        ms, _ = timed(lambda d=doc: ix.upsert(d.doc_id, d.title, d.body + " ändrad", d.topics))
        samples.append(ms)
    res["single_upsert"] = percentiles(samples)

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
    t0 = time.perf_counter()
    for chunk in batches(corpus.docs, batch):
        with con:
            for d in chunk:
                row = con.execute("SELECT rowid FROM doc_rowid WHERE doc_id = ?", (d.doc_id,))
                found = row.fetchone()
                if found:
                    rowid = found[0]
                    con.execute("DELETE FROM docs WHERE rowid = ?", (rowid,))
                else:
                    rowid = con.execute(
                        "INSERT INTO doc_rowid(doc_id) VALUES (?)", (d.doc_id,)
                    ).lastrowid
                con.execute(
                    "INSERT INTO docs(rowid, doc_id, title, body, topics) VALUES (?, ?, ?, ?, ?)",
                    (rowid, d.doc_id, d.title, markdown_to_text(d.body), ",".join(d.topics)),
                )
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
    con.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    con.commit()
    res["index_bytes"] = db.stat().st_size
    con.close()
    return res


# -- main -----------------------------------------------------------------------


def fmt_row(name: str, st: dict) -> str:
    row = f"  {name:<10} p50 {st['p50_ms']:>6.2f} ms  p95 {st['p95_ms']:>6.2f} ms"
    row += f"  (cpu p50 {st['cpu_p50_ms']:>6.2f}  p95 {st['cpu_p95_ms']:>6.2f})"
    if "hit_rate" in st:
        row += f"  hits {st['hit_rate'] * 100:5.1f} %"
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=200, help="docs per upsert_many commit")
    ap.add_argument("--queries", type=int, default=100, help="queries per kind (4 kinds)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "search.json")
    args = ap.parse_args()

    t0 = time.perf_counter()
    corpus = Corpus(args.docs)
    queries = corpus.queries(args.queries)
    words = sum(len(markdown_to_text(d.body).split()) for d in corpus.docs) / args.docs
    print(f"corpus: {args.docs} docs, ~{words:.0f} words each, vocabulary {len(corpus.vocab)}, ")
    print(f"        built in {time.perf_counter() - t0:.1f} s; {args.queries} queries per kind")

    work = Path(tempfile.mkdtemp(prefix="search-bench-"))
    try:
        whoosh = bench_whoosh(corpus, queries, work, args.batch)
        fts = bench_fts5(corpus, queries, work, args.batch)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    w, f = whoosh, fts
    print(f"\nindexing {args.docs} docs in batches of {args.batch} (one commit per batch)")
    print(f"  whoosh (SearchIndex) {w['index_s']:>7.2f} s {w['index_docs_per_s']:>7.0f} docs/s")
    print(f"  sqlite fts5          {f['index_s']:>7.2f} s {f['index_docs_per_s']:>7.0f} docs/s")
    print(f"  whoosh rebuild (1 writer) {w['rebuild_s']:.2f} s, optimize {w['optimize_s']:.2f} s")
    cold = w["first_search_after_optimize_ms"]
    print(f"  whoosh first search after optimize (fills caches): {cold} ms")
    su = w["single_upsert"]
    print(
        f"  whoosh single upsert, full index: p50 {su['p50_ms']:.1f} ms, p95 {su['p95_ms']:.1f} ms"
    )
    mb = {name: r["index_bytes"] / 1e6 for name, r in (("whoosh", w), ("fts5", f))}
    print(f"  size on disk: whoosh {mb['whoosh']:.1f} MB, fts5 {mb['fts5']:.1f} MB")
    for title, stats in (
        ("whoosh, after batches (several segments)", whoosh["search_after_batches"]),
        ("whoosh, optimized (one segment)", whoosh["search_optimized"]),
        ("whoosh, optimized, topic filter (2 of 12)", whoosh["search_optimized_topic_filter"]),
        ("sqlite fts5", fts["search"]),
    ):
        print(f"\nsearch latency, limit 20 with snippets: {title}")
        for kind, s in stats.items():
            print(fmt_row(kind, s))

    report = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "sqlite": sqlite3.sqlite_version,
        },
        "params": vars(args) | {"out": str(args.out), "vocabulary": len(corpus.vocab)},
        "whoosh": whoosh,
        "fts5": fts,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
