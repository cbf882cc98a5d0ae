"""Recall check of the local search: the same queries must find the same hits.

    python benchmarks/search_recall.py --docs 10000 --record   # with the reference code
    python benchmarks/search_recall.py --docs 10000            # later: compare

Builds a Whoosh index of the seeded corpus of ``search_bench.py`` with
``SearchIndex.rebuild`` and runs its query set (every kind, top 20). A
snapshot holds, per query, the hits in order as ``doc_id``, score and a short
hash of the snippet HTML (so highlighting counts too). The snapshots of the
original code are kept in ``benchmarks/baselines/`` (gzipped JSON); the test
``tests/client_core/test_search_recall.py`` runs the same check on 300 docs.

Equal scores may come out in another order (ties are broken by Whoosh's
internal document number), so :func:`compare` treats hits with the same
score (within rounding) as interchangeable.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from search_corpus import Corpus  # noqa: E402

from kmclient.core.search import SearchIndex, SearchResult  # noqa: E402

BASELINES = HERE / "baselines"
LIMIT = 20
# Scores are rounded to 4 decimals in SearchResult; a different summation
# order may move the last digit.
SCORE_EPS = 2e-4

Hit = tuple[str, float, str]  # doc_id, score, snippet hash
Snapshot = dict[str, dict[str, list[Hit]]]  # kind -> query -> hits


def baseline_path(n_docs: int, per_kind: int) -> Path:
    return BASELINES / f"search_recall_{n_docs}_{per_kind}.json.gz"


def _hit(r: SearchResult) -> Hit:
    digest = hashlib.blake2b(r.snippet_html().encode("utf-8"), digest_size=4).hexdigest()
    return (r.doc_id, r.score, digest)


def snapshot(
    search: Callable[[str], list[SearchResult]], queries: dict[str, list[str]]
) -> Snapshot:
    return {kind: {q: [_hit(r) for r in search(q)] for q in qs} for kind, qs in queries.items()}


def build_snapshot(corpus: Corpus, queries: dict[str, list[str]], work: Path) -> Snapshot:
    with SearchIndex(work / "recall") as ix:
        ix.rebuild(corpus.docs, len(corpus.docs))
        return snapshot(lambda q: ix.search(q, limit=LIMIT), queries)


def compare_hits(old: list[Hit], new: list[Hit]) -> str | None:
    """None if new has the same hits as old, else what differs."""
    if len(old) != len(new):
        return f"{len(new)} hits instead of {len(old)}"
    old_score = {doc_id: score for doc_id, score, _ in old}
    old_snip = {doc_id: h for doc_id, _, h in old}
    last = old[-1][1] if old else 0.0
    for i, ((_, o_score, _), (n_id, n_score, n_snip)) in enumerate(zip(old, new, strict=True)):
        if abs(o_score - n_score) > SCORE_EPS:
            return f"hit {i}: score {n_score} instead of {o_score}"
        if n_id in old_score:
            if abs(old_score[n_id] - n_score) > SCORE_EPS:
                return f"{n_id}: score {n_score} instead of {old_score[n_id]}"
            if old_snip[n_id] != n_snip:
                return f"{n_id}: another snippet"
        elif abs(n_score - last) > SCORE_EPS:
            # A new id is fine only as a tie at the cut-off of the top LIMIT.
            return f"hit {i}: {n_id} was not found before"
    return None


def compare(old: Snapshot, new: Snapshot) -> list[str]:
    problems = []
    for kind, queries in old.items():
        for q, hits in queries.items():
            got = new.get(kind, {}).get(q)
            if got is None:
                problems.append(f"{kind} {q!r}: not run")
                continue
            diff = compare_hits([tuple(h) for h in hits], [tuple(h) for h in got])
            if diff:
                problems.append(f"{kind} {q!r}: {diff}")
    return problems


def save(snap: Snapshot, path: Path, meta: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps({"meta": meta, "queries": snap}, ensure_ascii=False, separators=(",", ":"))
    path.write_bytes(gzip.compress(data.encode("utf-8"), mtime=0))


def load(path: Path) -> Snapshot:
    return json.loads(gzip.decompress(path.read_bytes()))["queries"]


def summary(snap: Snapshot) -> Iterable[str]:
    for kind, queries in snap.items():
        n = sum(1 for hits in queries.values() if hits)
        yield f"{kind}: {n}/{len(queries)} queries with hits"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--queries", type=int, default=100, help="queries per kind (4 kinds)")
    ap.add_argument("--record", action="store_true", help="write the baseline instead")
    ap.add_argument("--baseline", type=Path, help="default: benchmarks/baselines/...")
    args = ap.parse_args()
    path = args.baseline or baseline_path(args.docs, args.queries)

    corpus = Corpus(args.docs)
    queries = corpus.queries(args.queries)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="search-recall-") as work:
        snap = build_snapshot(corpus, queries, Path(work))
    print(f"index + {sum(map(len, snap.values()))} queries: {time.perf_counter() - t0:.1f} s")
    for line in summary(snap):
        print(" ", line)
    if args.record:
        save(snap, path, {"docs": args.docs, "queries_per_kind": args.queries, "limit": LIMIT})
        print(f"wrote {path}")
        return 0
    problems = compare(load(path), snap)
    for p in problems[:30]:
        print("DIFF", p)
    total = sum(map(len, snap.values()))
    print(f"{total - len(problems)}/{total} queries with the same hits as {path.name}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
