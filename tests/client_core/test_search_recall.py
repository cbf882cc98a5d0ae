"""Recall: the benchmark's queries find the same hits as the original code.

The baseline (``data/search_recall_300_20.json.gz``) was recorded with the
search code before the indexing and query speed-ups, by
``python benchmarks/search_recall.py --docs 300 --queries 20 --record
--baseline tests/client_core/data/search_recall_300_20.json.gz``. Hits with
equal scores may swap places (see ``benchmarks/search_recall.py``).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BASELINE = Path(__file__).resolve().parent / "data" / "search_recall_300_20.json.gz"


@pytest.fixture(scope="module")
def recall():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        return importlib.import_module("search_recall")
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))


def test_benchmark_queries_find_the_same_hits(recall, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    corpus = recall.Corpus(300)
    queries = corpus.queries(20)
    snap = recall.build_snapshot(corpus, queries, tmp_path)
    assert recall.compare(recall.load(BASELINE), snap) == []


def test_the_comparison_notices_a_difference(recall) -> None:  # type: ignore[no-untyped-def]
    old = [("a", 9.5, "x"), ("b", 8.25, "y"), ("c", 8.25, "z")]
    assert recall.compare_hits(old, old) is None
    assert recall.compare_hits(old, [old[0], old[2], old[1]]) is None  # a tie may swap
    assert recall.compare_hits(old, [old[0], old[1], ("d", 8.25, "w")]) is None  # tie at the cut
    assert recall.compare_hits(old, [old[1], old[0], old[2]])  # not a tie
    assert recall.compare_hits(old, old[:2])
    assert recall.compare_hits(old, [old[0], old[1], ("c", 8.25, "other snippet")])
    assert recall.compare_hits(old, [("d", 9.5, "x"), *old[1:]])  # new doc, not at the cut


@pytest.mark.parametrize("limit", [1, 5, 20])
def test_pruning_by_points_keeps_the_best(recall, tmp_path: Path, limit: int) -> None:  # type: ignore[no-untyped-def]
    """match_all scores in full only documents that can make the top
    ``limit``: the top must be the one of scoring every document."""
    from kmclient.core.search import SearchIndex, _top
    from kmclient.core.search_query import expand, match_all, parse_query

    corpus = recall.Corpus(300)
    with SearchIndex(tmp_path / "ix") as ix:
        ix.rebuild(corpus.docs, len(corpus.docs))
        with ix._searcher() as s:
            lex = ix._segments.lexicon(s.reader())
            for queries in corpus.queries(20).values():
                for q in queries:
                    parsed = parse_query(q)
                    for word in parsed:
                        expand(lex, word)
                    everything = match_all(lex, parsed, None, 10**9)
                    pruned = match_all(lex, parsed, None, limit)
                    assert _top(pruned, limit) == _top(everything, limit), q
                    assert all(everything[d] == sc for d, sc in pruned.items())
