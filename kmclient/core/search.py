"""Local full-text search of the client: a Whoosh index in the user's profile.

Qt-free and thread-safe: one thread may write (sync, rebuild) while others
search. Design notes, ranking rules and measurements: ``docs/search.md``.

Whoosh stores the index (segments, postings, BM25F statistics, stored fields);
queries are evaluated here, over Whoosh postings, instead of through Whoosh's
query objects. That gives exact control of the ranking tiers (exact before
accent-folded before prefix before fuzzy, title before body), avoids Whoosh's
query parser entirely (user input is plain words, nothing can be a syntax
error), and is faster than Whoosh's matcher trees for these queries.
"""

from __future__ import annotations

import contextlib
import heapq
import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.base import Segment
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.reading import SegmentReader
from whoosh.searching import Searcher
from whoosh.system import pack_uint
from whoosh.writing import CLEAR, OPTIMIZE, SegmentWriter

from kmclient.core.search_format import fresh_searcher
from kmclient.core.search_query import (
    SegmentCache,
    expand,
    highlighter,
    match_all,
    match_any,
    parse_query,
)
from kmclient.core.search_result import Fragment, SearchDoc, SearchResult
from kmclient.core.search_segment import (
    RECENT_DOCS,
    FastSegmentWriter,
    PreparedDoc,
    SegmentPostings,
    merge_group,
    prepare,
    read_doc_ids,
    sync_merge_cap,
    tiered_merge,
)
from kmclient.core.search_text import (
    first_sentence,
    index_terms,
    make_analyzer,
    snippet,
)

__all__ = ["SCHEMA_VERSION", "Fragment", "SearchDoc", "SearchIndex", "SearchResult"]

# Bump on any change to the schema, the analyzer or what is indexed: an index
# with another version is wiped on open and reports needs_rebuild.
SCHEMA_VERSION = 1

_INDEX_NAME = "MAIN"
_META_FILE = "kmsearch.json"
_TITLE_BOOST = 2.0
_WRITER_TIMEOUT_S = 10.0
# Postings of recent small segments kept for merging (8 bytes each, ~45k per 200 docs).
_RECENT_POSTINGS = 1_500_000

_POOL_SIZE = 4


class _FoldedText(TEXT):
    """TEXT field fed by :func:`index_terms` instead of the Whoosh token chain.

    Same terms as the analyzer (``make_analyzer``) but a quarter less indexing
    time: Whoosh's chain builds and filters one Token object per word in Python.
    """

    def index(self, value, **kwargs):  # type: ignore[no-untyped-def]
        if not isinstance(value, str):
            yield from super().index(value, **kwargs)
            return
        boost = self.format.field_boost
        for term, n in index_terms(value).items():
            yield term.encode("utf-8"), n, n * boost, pack_uint(n)


def _schema() -> Schema:
    analyzer = make_analyzer()
    return Schema(
        doc_id=ID(unique=True, stored=True),
        # No positions (phrase=False): queries never use phrases, and the
        # index is smaller and faster to write without them.
        title=_FoldedText(analyzer=analyzer, phrase=False, stored=True, field_boost=_TITLE_BOOST),
        # Stored as plain text (Markdown stripped) so snippets need no other
        # source and always match the indexed version of the document.
        body=_FoldedText(analyzer=analyzer, phrase=False, stored=True),
        topics=KEYWORD(stored=True, scorable=False),
    )


class SearchIndex:
    """Incremental full-text index of the user's documents.

    Writes (upsert, remove, rebuild, optimize) are serialized by a lock, so
    one thread should do them (the sync engine's worker); search() may run on
    any number of other threads at the same time and sees every committed
    write. Only one SearchIndex per directory per process.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._path = Path(path)
        self._write_lock = threading.Lock()
        self._pool_lock = threading.Lock()
        self._pool: list[Searcher] = []
        self._closed = False
        self._segments = SegmentCache()
        self._doc_ids: dict[str, dict[str, int]] = {}  # by segment id; used by writes only
        # The postings of small segments written lately, by segment id: they
        # are merged soon, and from memory that costs a third.
        self._recent: dict[str, SegmentPostings] = {}
        self._ix, self._needs_rebuild = self._open()

    # -- opening ---------------------------------------------------------------

    def _open(self) -> tuple[whoosh_index.FileIndex, bool]:
        self._path.mkdir(parents=True, exist_ok=True)
        meta = self._read_meta()
        if meta.get("schema_version") == SCHEMA_VERSION:
            # The index is derived data: whatever fails to open (old Whoosh,
            # renamed classes in the pickled schema, a torn file) is rebuilt.
            with contextlib.suppress(Exception):
                if whoosh_index.exists_in(self._path, _INDEX_NAME):
                    ix = whoosh_index.open_dir(self._path, _INDEX_NAME)
                    if set(ix.schema.names()) == set(_schema().names()):
                        return ix, not meta.get("complete", False)
                    ix.close()
        self._wipe()
        ix = whoosh_index.create_in(self._path, _schema(), _INDEX_NAME)
        self._write_meta(complete=False)
        return ix, True

    def _wipe(self) -> None:
        # Only Whoosh's own files: the directory may hold other things.
        for entry in self._path.iterdir():
            if entry.is_file() and entry.name.startswith((f"_{_INDEX_NAME}_", f"{_INDEX_NAME}_")):
                entry.unlink(missing_ok=True)

    def _read_meta(self) -> dict:
        try:
            meta = json.loads((self._path / _META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return meta if isinstance(meta, dict) else {}

    def _write_meta(self, *, complete: bool) -> None:
        tmp = self._path / (_META_FILE + ".tmp")
        tmp.write_text(
            json.dumps({"schema_version": SCHEMA_VERSION, "complete": complete}), encoding="utf-8"
        )
        os.replace(tmp, self._path / _META_FILE)

    @property
    def path(self) -> Path:
        return self._path

    @property
    def needs_rebuild(self) -> bool:
        """True when the index was missing, had another schema version or
        was never completely built: call rebuild() with every document."""
        return self._needs_rebuild

    # -- writing ---------------------------------------------------------------

    def _ids_of(self, segment: Segment) -> dict[str, int]:
        """Live doc id -> document number in a segment, kept between writes (a
        write only has to look the batch's ids up, not search every segment)."""
        key = segment.segment_id()
        ids = self._doc_ids.get(key)
        if ids is None:
            reader = SegmentReader(self._ix.storage, self._ix.schema, segment)
            try:
                ids = self._doc_ids[key] = read_doc_ids(reader)
            finally:
                reader.close()
        return ids

    def _commit(
        self,
        docs: Iterable[PreparedDoc],
        remove: Iterable[str] = (),
        mergetype: Callable[[SegmentWriter, list], list] | None = None,
        progress: Callable[[int], bool] | None = None,
    ) -> bool:
        """One Whoosh commit: delete the ``remove`` ids, add ``docs``, merge
        per ``mergetype``. Caller holds the write lock. ``progress(n)`` after
        each added doc may return False to cancel (nothing is written)."""
        self._check_open()
        remove = list(remove)
        writer = FastSegmentWriter(self._ix, recent=self._recent, timeout=_WRITER_TIMEOUT_S)
        kept: list = []
        if mergetype is None:
            docs = list(docs)
            mergetype = tiered_merge(sync_merge_cap(len(docs)))

        def policy(w: SegmentWriter, segments: list) -> list:
            kept.extend(mergetype(w, segments))
            return kept

        gone: list[tuple[str, str]] = []
        try:
            if mergetype is not CLEAR:
                for segment in writer.segments:
                    ids = self._ids_of(segment)
                    for doc_id in remove:
                        docnum = ids.get(doc_id)
                        if docnum is not None:
                            segment.delete_document(docnum)
                            gone.append((segment.segment_id(), doc_id))
            for n, doc in enumerate(docs, 1):
                writer.add_prepared(doc)
                if progress is not None and not progress(n):
                    writer.cancel()
                    return False
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=policy)
        for key, doc_id in gone:
            self._doc_ids[key].pop(doc_id, None)
        live = {segment.segment_id() for segment in kept}
        if writer._added:
            key = writer.newsegment.segment_id()
            live.add(key)
            self._doc_ids[key] = writer.doc_ids
            if writer.docnum <= RECENT_DOCS:
                self._recent[key] = writer.postings()
        for key in [k for k in self._doc_ids if k not in live]:
            del self._doc_ids[key]
        for key in [k for k in self._recent if k not in live]:
            del self._recent[key]
        while sum(p.size for p in self._recent.values()) > _RECENT_POSTINGS:
            del self._recent[next(iter(self._recent))]  # the oldest
        return True

    def upsert(self, doc_id: str, title: str, body: str, topics: Iterable[str] = ()) -> None:
        """Add or replace one document (one commit)."""
        self.upsert_many([(doc_id, title, body, topics)])

    def upsert_many(self, docs: Iterable[SearchDoc | tuple[str, str, str, Iterable[str]]]) -> int:
        """Add or replace a batch of documents in one commit; returns how many.

        If an id occurs twice in the batch the last version wins.
        """
        batch: dict[str, PreparedDoc] = {}
        for doc_id, title, body, topics in docs:
            batch.pop(doc_id, None)
            batch[doc_id] = prepare(doc_id, title, body, topics)
        if not batch:
            return 0
        with self._write_lock:
            self._commit(batch.values(), remove=batch)
        return len(batch)

    def remove(self, doc_id: str) -> None:
        """Remove a document; unknown ids are ignored."""
        self.remove_many([doc_id])

    def remove_many(self, doc_ids: Iterable[str]) -> None:
        ids = list(dict.fromkeys(doc_ids))
        if not ids:
            return
        with self._write_lock:
            self._commit((), remove=ids)

    def rebuild(
        self,
        docs: Iterable[SearchDoc | tuple[str, str, str, Iterable[str]]],
        total: int | None = None,
        progress_callback: Callable[[int, int | None], object] | None = None,
    ) -> bool:
        """Replace the whole index with docs, reporting progress.

        ``progress_callback(done, total)`` runs on the calling thread: first
        (0, total), then about every 1 % (every 100 docs if total is None), and
        a last (n, n) once the new index is committed. Returning False from it
        cancels: the old index stays as it was and rebuild() returns False.

        Searches keep using the old index until the one commit at the end
        swaps in the new one; other writes wait for the rebuild. Ids should be
        unique; a repeated id keeps its first version.
        """

        def report(done: int, of: int | None) -> bool:
            return progress_callback is None or progress_callback(done, of) is not False

        step = max(1, total // 100) if total else 100
        done = 0

        def unique() -> Iterator[PreparedDoc]:
            seen: set[str] = set()
            for doc_id, title, body, topics in docs:
                if doc_id not in seen:
                    seen.add(doc_id)
                    yield prepare(doc_id, title, body, topics)

        def progress(n: int) -> bool:
            nonlocal done
            done = n
            return n % step != 0 or report(n, total)

        with self._write_lock:
            self._check_open()
            if not report(0, total):
                return False
            # CLEAR drops every old segment in the same commit that adds the
            # new one: readers switch atomically from old to new.
            if not self._commit(unique(), mergetype=CLEAR, progress=progress):
                return False
            self._write_meta(complete=True)
            self._needs_rebuild = False
        report(done, done)
        return True

    def merge_idle(self) -> bool:
        """Do one merge that commits left for later (they merge at most ten
        times their own size); returns False when there is none. For idle
        time: the index worker calls it when its queue is empty."""
        with self._write_lock:
            self._check_open()
            if not merge_group(self._ix._segments(), None):
                return False
            self._commit((), mergetype=tiered_merge(None))
            return True

    def optimize(self) -> None:
        """Merge all segments into one (about a second for 10k docs): do it
        when idle, e.g. after a large sync."""
        with self._write_lock:
            self._check_open()
            segments = self._ix._segments()
            if len(segments) > 1 or any(s.has_deletions() for s in segments):
                self._commit((), mergetype=OPTIMIZE)

    # -- reading ---------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("SearchIndex is closed")

    @contextlib.contextmanager
    def _searcher(self) -> Iterator[Searcher]:
        # Whoosh searchers must not be shared between threads (their files
        # have one read position), so each search checks one out of a pool.
        # Searcher.refresh() is NOT used: in whoosh-reloaded 2.7.5 it keeps
        # the old segments, so a replaced document is returned twice
        # (fresh_searcher() reuses only what did not change).
        searcher = stale = None
        with self._pool_lock:
            self._check_open()
            while self._pool:
                candidate = self._pool.pop()
                if candidate.up_to_date():
                    searcher = candidate
                    break
                if stale is None:
                    stale = candidate  # its unchanged segments are reused
                else:
                    candidate.close()
        if searcher is None:
            searcher = fresh_searcher(self._ix, stale)
        elif stale is not None:
            stale.close()
        try:
            yield searcher
        finally:
            with self._pool_lock:
                if self._closed or len(self._pool) >= _POOL_SIZE:
                    searcher.close()
                else:
                    self._pool.append(searcher)

    def doc_count(self) -> int:
        with self._searcher() as s:
            return s.doc_count()

    def __len__(self) -> int:
        return self.doc_count()

    def __contains__(self, doc_id: object) -> bool:
        if not isinstance(doc_id, str):
            return False
        with self._searcher() as s:
            return s.document_number(doc_id=doc_id) is not None

    def search(
        self, query: str, topics: Iterable[str] | None = None, limit: int = 20
    ) -> list[SearchResult]:
        """Ranked documents matching every word of query (or, if none does,
        any word). The last word also matches as a prefix unless the query
        ends in a space or punctuation; words of 4+ chars tolerate a typo (8+:
        two). ``topics`` restricts to documents with any of those topic ids
        (None: all documents). Never raises for any query text."""
        if isinstance(topics, str):
            raise TypeError("topics must be a sequence of topic ids, not a string")
        parsed = parse_query(query)
        if not parsed or limit <= 0:
            return []
        with self._searcher() as s:
            reader = s.reader()
            allowed: set[int] | None = None
            if topics is not None:
                allowed = set()
                for topic in topics:
                    if ("topics", topic) in reader:
                        allowed.update(reader.postings("topics", topic).all_ids())
                if not allowed:
                    return []
            lex = self._segments.lexicon(reader)
            for word in parsed:
                expand(lex, word)
            scores = match_all(lex, parsed, allowed, limit)
            if not scores and len(parsed) > 1:
                scores = match_any(lex, parsed, allowed)
            top = _top(scores, limit)
            is_match = highlighter(parsed)
            results = []
            for score, docnum in top:
                stored = s.stored_fields(docnum)
                title = stored.get("title", "")
                body = stored.get("body", "")
                frags = snippet(body, is_match, len(parsed)) or first_sentence(body, skip=title)
                results.append(
                    SearchResult(
                        doc_id=stored["doc_id"],
                        title=title,
                        topics=tuple(stored.get("topics") or ()),
                        score=round(score, 4),
                        snippet=tuple(frags),
                    )
                )
            return results

    def close(self) -> None:
        """Close pooled searchers and the index. Idempotent; waits for a
        running write to finish."""
        with self._write_lock, self._pool_lock:
            if self._closed:
                return
            self._closed = True
            for s in self._pool:
                s.close()
            self._pool.clear()
            self._segments.clear()
            self._recent.clear()
            self._ix.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _top(scores: dict[int, float], limit: int) -> list[tuple[float, int]]:
    """The ``limit`` best (score, docnum), best first, ties to the lower docnum."""
    if len(scores) > limit:
        # The limit-th best score, then only the documents that reach it.
        cut = heapq.nlargest(limit, scores.values())[-1]
        ranked = [(s, -d) for d, s in scores.items() if s >= cut]
    else:
        ranked = [(s, -d) for d, s in scores.items()]
    ranked.sort(reverse=True)
    return [(s, -d) for s, d in ranked[:limit]]
