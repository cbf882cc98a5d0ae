"""Segments written by FastSegmentWriter are ordinary Whoosh segments.

Whoosh's own readers, queries and writers must see exactly what Whoosh's
``SegmentWriter`` would have written, and indexes written by Whoosh (the
search code before the fast writer) must keep working.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from whoosh.query import Term
from whoosh.reading import SegmentReader
from whoosh.util.numeric import byte_to_length, length_to_byte

from kmclient.core.search import SearchDoc, SearchIndex
from kmclient.core.search_format import RawSegment, field_lengths
from kmclient.core.search_segment import (
    MERGE_FACTOR,
    SYNC_MERGE_DOCS,
    prepare,
    size_class,
)

WORDS = [
    "avgift",
    "ansökan",
    "överklaga",
    "parkering",
    "bygglov",
    "skola",
    "elev",
    "vatten",
    "faktura",
    "räkning",
]


def make_docs(n: int, start: int = 0) -> list[SearchDoc]:
    """Deterministic docs; word i % 10 in every doc, frequencies vary."""
    docs = []
    for i in range(start, start + n):
        words = [WORDS[i % 10]] * (1 + i % 3) + [WORDS[(i * 7) % 10], f"unik{i}", "gemensam"]
        title = f"Titel {WORDS[(i * 3) % 10]} {i}"
        topics = ["a", "b"][: 1 + i % 2]
        docs.append(SearchDoc(f"d{i:04d}", title, "# Rubrik\n\n" + " ".join(words) + ".", topics))
    return docs


def expected_terms(doc: SearchDoc) -> tuple[Counter, Counter]:
    p = prepare(*doc)
    return Counter(p.title_terms), Counter(p.body_terms)


def check_against_whoosh(ix: SearchIndex, live: dict[str, SearchDoc]) -> None:
    """Every live doc, field length, posting and stored value through Whoosh's API."""
    with ix._ix.searcher() as s:
        assert s.doc_count() == len(live)
        for doc_id, doc in live.items():
            docnum = s.document_number(doc_id=doc_id)
            assert docnum is not None, doc_id
            stored = s.stored_fields(docnum)
            p = prepare(*doc)
            assert stored == {
                "body": p.body,
                "doc_id": doc_id,
                "title": p.title,
                "topics": list(p.topics),
            }
            for field, terms in (("title", p.title_terms), ("body", p.body_terms)):
                length = sum(terms.values())
                assert s.doc_field_length(docnum, field) == byte_to_length(length_to_byte(length))
                boost = 2.0 if field == "title" else 1.0
                for term, n in terms.items():
                    m = s.postings(field, term)
                    m.skip_to(docnum)
                    assert m.id() == docnum
                    assert m.weight() == n * boost
                    assert m.value_as("frequency") == n
        # Whoosh's own query evaluation finds the same documents.
        for word in WORDS[:4]:
            hits = {h["doc_id"] for h in s.search(Term("body", word), limit=None)}
            want = {i for i, d in live.items() if word in prepare(*d).body_terms}
            assert hits == want
        topic_hits = {h["doc_id"] for h in s.search(Term("topics", "b"), limit=None)}
        assert topic_hits == {i for i, d in live.items() if "b" in d.topics}


def test_whoosh_reads_what_the_fast_writer_wrote(tmp_path: Path) -> None:
    docs = make_docs(400)
    live = {d.doc_id: d for d in docs}
    with SearchIndex(tmp_path / "ix") as ix:
        for i in range(0, 400, 25):  # 16 commits: merges happen
            ix.upsert_many(docs[i : i + 25])
        gone = [f"d{i:04d}" for i in range(0, 400, 9)]
        ix.remove_many(gone)
        for doc_id in gone:
            del live[doc_id]
        changed = make_docs(5, start=100)
        ix.upsert_many([d._replace(body=d.body + " ändrad") for d in changed])
        for d in changed:
            live[d.doc_id] = d._replace(body=d.body + " ändrad")
        check_against_whoosh(ix, live)
        # Whoosh's own writer can merge the segments, and nothing changes.
        ix._ix.writer().commit(optimize=True)
        check_against_whoosh(ix, live)


def test_long_posting_lists_span_several_compressed_blocks(tmp_path: Path) -> None:
    docs = make_docs(700)  # "gemensam" is in every doc: 6 blocks of 128
    with SearchIndex(tmp_path / "ix") as ix:
        ix.rebuild(docs, len(docs))
        with ix._ix.searcher() as s:
            [(leaf, _)] = s.reader().leaf_readers()
            raw = RawSegment(leaf)
            ids, weights, values = raw.postings(raw.terminfo("body", b"gemensam"))
            assert ids == list(range(700))
            assert weights == [1.0] * 700
            assert values == b"\0\0\0\1" * 700
            assert [m for m in s.postings("body", "gemensam").all_ids()] == ids
            lengths = [s.doc_field_length(d, "body") or 0 for d in range(700)]
            assert field_lengths(leaf, "body") == lengths


def test_segments_stay_few_under_single_upserts(tmp_path: Path) -> None:
    with SearchIndex(tmp_path / "ix") as ix:
        ix.rebuild(make_docs(100), 100)
        for i in range(300):
            ix.upsert(f"d{i % 150:04d}", f"Titel {i}", f"version {i} gemensam", ["a"])
            segments = ix._ix._segments()
            per_class = Counter(size_class(s.doc_count()) for s in segments)
            assert max(per_class.values()) <= MERGE_FACTOR
        assert ix.doc_count() == 150
        assert {r.doc_id for r in ix.search("version", limit=200)} == {
            f"d{i:04d}" for i in range(150)
        }


def test_index_written_by_whoosh_itself_keeps_working(tmp_path: Path) -> None:
    """An index from before the fast writer: Whoosh's add_document, MD5 term
    hashes, every block compressed."""
    path = tmp_path / "ix"
    docs = make_docs(60)
    with SearchIndex(path) as ix:
        writer = ix._ix.writer()
        for doc in docs:
            p = prepare(*doc)
            writer.add_document(doc_id=p.doc_id, title=p.title, body=p.body, topics=list(p.topics))
        writer.commit()
        ix._write_meta(complete=True)
    with SearchIndex(path) as ix:
        assert not ix.needs_rebuild
        assert ix.search("unik7 ")[0].doc_id == "d0007"
        ix.upsert("d0007", "Ny titel", "helt ny text", ["a"])  # replaces in the old segment
        assert "d0007" not in {r.doc_id for r in ix.search("unik7 ")}
        assert [r.doc_id for r in ix.search("helt ny")] == ["d0007"]
        live = {d.doc_id: d for d in docs}
        live["d0007"] = SearchDoc("d0007", "Ny titel", "helt ny text", ["a"])
        check_against_whoosh(ix, live)
        ix.optimize()
        check_against_whoosh(ix, live)


@pytest.mark.parametrize(("docs", "level"), [(1, 0), (7, 0), (8, 1), (63, 1), (64, 2)])
def test_size_class(docs: int, level: int) -> None:
    assert MERGE_FACTOR == 8
    assert size_class(docs) == level


def test_merged_segment_keeps_exact_length_totals(tmp_path: Path) -> None:
    docs = make_docs(64)
    with SearchIndex(tmp_path / "ix") as ix:
        for doc in docs:  # 64 single commits: merged several times
            ix.upsert_many([doc])
        with ix._ix.searcher() as s:
            total = sum(sum(prepare(*d).body_terms.values()) for d in docs)
            assert s.reader().field_length("body") == total
            segments = [leaf.segment() for leaf, _ in s.reader().leaf_readers()]
            assert len(segments) <= 2 * MERGE_FACTOR
            for leaf, _ in s.reader().leaf_readers():
                assert isinstance(leaf, SegmentReader)


def test_merges_too_big_for_a_commit_wait_for_idle_time(tmp_path: Path) -> None:
    def classes(ix: SearchIndex) -> Counter:
        return Counter(size_class(s.doc_count()) for s in ix._ix._segments())

    docs = make_docs(560)
    with SearchIndex(tmp_path / "ix") as ix:
        for i in range(8):  # eight segments of 70 (size class 2), none merged yet
            ix.upsert_many(docs[i * 70 : (i + 1) * 70])
        assert classes(ix)[2] == 8
        # One edit may merge up to SYNC_MERGE_DOCS: the 560 docs wait.
        assert SYNC_MERGE_DOCS < 560
        ix.upsert("x", "Ny", "gemensam text", ["a"])
        assert classes(ix) == Counter({2: 8, 0: 1})
        assert ix.merge_idle()
        assert classes(ix) == Counter({3: 1, 0: 1})
        assert not ix.merge_idle()
        assert ix.doc_count() == 561
        assert len(ix.search("gemensam", limit=1000)) == 561


@pytest.mark.parametrize("path", ["memory", "stored text", "posting lists"])
def test_each_way_of_merging_gives_the_same_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    """Merges read a segment from the writer's memory (written lately by this
    process), from its stored text (small) or from its posting lists."""
    import kmclient.core.search_segment as search_segment

    def not_this_way(*args: object) -> None:
        raise AssertionError("merged another way")

    writer = search_segment.FastSegmentWriter
    if path == "memory":
        monkeypatch.setattr(writer, "_add_reanalysed", not_this_way)
        monkeypatch.setattr(writer, "_add_decoded", not_this_way)
    elif path == "stored text":
        monkeypatch.setattr(writer, "_add_from_memory", not_this_way)
        monkeypatch.setattr(writer, "_add_decoded", not_this_way)
    else:
        monkeypatch.setattr(search_segment, "REANALYSE_DOCS", 0)
        monkeypatch.setattr(writer, "_add_from_memory", not_this_way)
    docs = make_docs(200)
    live = {d.doc_id: d for d in docs}
    with SearchIndex(tmp_path / "ix") as ix:
        for i in range(0, 160, 20):  # eight segments of 20 docs
            ix.upsert_many(docs[i : i + 20])
            if path != "memory":
                ix._recent.clear()
        assert len(ix._ix._segments()) == 8
        gone = [f"d{i:04d}" for i in range(0, 160, 7)]
        ix.remove_many(gone)  # deletes in the eight segments, then merges them
        for doc_id in gone:
            del live[doc_id]
        assert len(ix._ix._segments()) == 1
        ix.upsert_many(docs[160:])
        check_against_whoosh(ix, live)
        with ix._ix.searcher() as s:
            total = sum(sum(prepare(*d).body_terms.values()) for d in live.values())
            # From memory or text the total is exact; from lists, deleted
            # documents' lengths are known only to the byte.
            assert abs(s.reader().field_length("body") - total) <= (
                0 if path != "posting lists" else total // 50
            )


def test_a_new_searcher_reuses_only_unchanged_segment_readers(tmp_path: Path) -> None:
    with SearchIndex(tmp_path / "ix") as ix:
        ix.upsert_many(make_docs(30))
        ix.upsert_many(make_docs(30, start=30))
        with ix._searcher() as s:
            before = {leaf.segment().segment_id(): leaf for leaf, _ in s.reader().leaf_readers()}
        ix.upsert("d0005", "Ny", "ersatt text", ["a"])  # a deletion in the first segment
        with ix._searcher() as s:
            after = {leaf.segment().segment_id(): leaf for leaf, _ in s.reader().leaf_readers()}
            assert len(after) == 3
            first, second = before
            assert after[second] is before[second]  # unchanged: reused
            assert after[first] is not before[first]  # its deletions changed
            assert after[first].is_deleted(5)
        assert [r.doc_id for r in ix.search("ersatt")] == ["d0005"]
        assert ix.search("unik5 ")[0].doc_id != "d0005"
        assert ix.doc_count() == 60


def test_prefix_and_typo_candidates_follow_the_segments(tmp_path: Path) -> None:
    """The merged candidates are extended commit by commit and may keep terms
    of segments merged away: the expansions must equal a fresh merge's."""
    import copy

    from kmclient.core.search_query import _Candidates, expand, parse_query

    docs = make_docs(300)
    queries = ["avg", "ansök", "parkerin", "overklag", "vattn ", "bygglof ", "unik1", "titel 2"]
    with SearchIndex(tmp_path / "ix") as ix:
        for i in range(0, 300, 10):
            ix.upsert_many(docs[i : i + 10])
            if i % 50 == 0:
                ix.remove_many([f"d{j:04d}" for j in range(i, i + 10, 3)])
            ix.search("avg")  # the cache follows every commit
            with ix._searcher() as s:
                lex = ix._segments.lexicon(s.reader())
                fresh = copy.copy(lex)
                fresh.candidates = _Candidates([part.seg for part in lex.parts])
                for q in queries:
                    a, b = parse_query(q), parse_query(q)
                    for x, y in zip(a, b, strict=True):
                        expand(lex, x)
                        expand(fresh, y)
                        assert x.terms == y.terms, q
