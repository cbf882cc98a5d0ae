"""Query evaluation for ``search.py``: user words -> index terms -> ranked docs.

Ranking (see docs/search.md): each query word scores the tier of its best kind
of match, +1 if that match is in the title, plus its BM25F score squashed into
[0, 1). The tier gap (2) exceeds what title bonus and BM25 can add, so an
exact match always beats a fuzzy one, and for the same kind of match a title
hit beats a body-only hit. A document's score is the sum over query words.
"""

from __future__ import annotations

import heapq
import struct
import threading
from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from math import log

from whoosh.reading import IndexReader

from kmclient.core.search_format import RawSegment, field_lengths
from kmclient.core.search_text import (
    MAX_WORD_LEN,
    fold,
    max_edits,
    normalize,
    within_edits,
    word_starts,
    words,
)

EXACT, FOLDED, PREFIX, FUZZY = 8.0, 6.0, 4.0, 2.0
TITLE_BONUS = 1.0
_SQUASH = 5.0  # BM25 of s adds s / (s + 5): typical scores 1..15 -> 0.17..0.75
# BM25 of weaker kinds counts less when several kinds hit the same document.
_KIND_WEIGHT = {EXACT: 1.0, FOLDED: 0.8, PREFIX: 0.6, FUZZY: 0.4}
_FIELDS = (("title", TITLE_BONUS), ("body", 0.0))
_K1, _B = 1.2, 0.75  # Whoosh's BM25F defaults

MIN_PREFIX = 2  # "p" would expand to half the lexicon
_PREFIX_TERMS = 64  # most frequent completions kept per prefix
_FUZZY_TERMS = 32  # most frequent typo candidates kept per word
_MAX_QUERY_WORDS = 12


@dataclass(slots=True)
class Word:
    """One word of the user's query and the index terms it matches."""

    text: str  # lower-cased as typed
    folded: str
    prefix: bool
    terms: dict[str, float] = field(default_factory=dict)  # term -> tier
    cost: int = 0  # postings to read; the cheapest word is evaluated first


def parse_query(query: object) -> list[Word]:
    """User input as plain words: no operators, quotes, fields or wildcards,
    so nothing a user types can be a syntax error."""
    if not isinstance(query, str):
        return []
    query = normalize(query)
    unique = list(dict.fromkeys(words(query)))[:_MAX_QUERY_WORDS]
    # Typing "parkering " (trailing space or punctuation) means the word is complete.
    last_open = query[-1:].isalnum()
    parsed = []
    for i, text in enumerate(unique):
        folded = fold(text)
        prefix = last_open and i == len(unique) - 1 and len(folded) >= MIN_PREFIX
        parsed.append(Word(text, folded, prefix))
    return parsed


# -- per-segment caches ----------------------------------------------------------

_DF = struct.Struct("!I")  # the document frequency in a W3 term info, at offset 5
# Decoded postings kept for the next queries (8 bytes each: ids and float32
# weights in arrays; the weights are float32 in the index too).
_POSTINGS_BUDGET = 2_000_000


class _Segment:
    """What queries need from one Whoosh segment, read once and cached by
    segment id (segments are immutable; a commit adds new ones, and only the
    set of deleted documents of an old one changes).

    - the lexicon of title and body with document frequencies: scanning it
      through Whoosh's MultiReader costs tens of ms per query (it merges the
      term streams of all segments in Python);
    - the field lengths of every document, for BM25: Whoosh's own scorer
      fetches them through a column reader at about 3 µs per posting.
    """

    __slots__ = ("by_initial", "by_shape", "df", "key", "lengths")

    def __init__(self, reader: IndexReader, key: str) -> None:
        self.key = key
        raw = RawSegment(reader)
        df: dict[str, tuple[int, int]] = {}
        unpack = _DF.unpack_from
        for slot, (fieldname, _) in enumerate(_FIELDS):
            for btext, info in raw.items(fieldname):
                term = btext.decode("utf-8")
                n = unpack(info, 5)[0]
                old = df.get(term, (0, 0))
                df[term] = (n, old[1]) if slot == 0 else (old[0], n)
        self.df = df
        # Expansion candidates are folded forms only: every accented term has
        # a folded twin in the same documents.
        by_initial: dict[str, list[str]] = {}
        by_shape: dict[tuple[str, int], list[str]] = {}
        for term in sorted(t for t in df if t.isascii() or fold(t) == t):
            by_initial.setdefault(term[0], []).append(term)
            by_shape.setdefault((term[0], len(term)), []).append(term)
        self.by_initial = by_initial
        self.by_shape = by_shape
        self.lengths = tuple(field_lengths(reader, fieldname) for fieldname, _ in _FIELDS)


class SegmentCache:
    """Per-segment data by segment id, shared by all searching threads, and the
    decoded posting lists of recently queried terms (typing repeats them)."""

    def __init__(self) -> None:
        self._by_segment: dict[str, _Segment] = {}
        self._lock = threading.Lock()
        self._postings: OrderedDict[tuple[str, int, str], tuple[array, array]] = OrderedDict()
        self._cached = 0  # postings in self._postings
        self._merged: _Candidates | None = None

    def lexicon(self, reader: IndexReader) -> Lexicon:
        parts = []
        live = set()
        built = False
        for leaf, base in reader.leaf_readers():
            segment = leaf.segment()
            if segment is None:  # empty index
                continue
            key = segment.segment_id()
            live.add(key)
            seg = self._by_segment.get(key)
            if seg is None:
                seg = _Segment(leaf, key)
                built = True
                with self._lock:
                    self._by_segment[key] = seg
            deleted = frozenset(segment.deleted_docs()) if segment.has_deletions() else None
            parts.append(_Part(seg, RawSegment(leaf), base, deleted))
        if built:
            # A new segment means a commit: forget the merged-away ones. (A
            # search still on an older generation would just read them again.)
            with self._lock:
                for key in [k for k in self._by_segment if k not in live]:
                    del self._by_segment[key]
                for k in [k for k in self._postings if k[0] not in live]:
                    self._cached -= len(self._postings.pop(k)[0])
        return Lexicon(self, reader, parts)

    def candidates(self, segments: list[_Segment]) -> _Segment | _Candidates:
        """Prefix and typo candidates of a reader's segments, merged once per
        set of segments. A commit adds a segment or two: the merge before is
        extended with them. It may keep terms of segments merged away since
        (they have no documents in this reader and drop out of the
        expansion), until those make up half of the merge."""
        if len(segments) == 1:
            return segments[0]
        keys = {seg.key for seg in segments}
        with self._lock:
            merged = self._merged
        if merged is not None and len(merged.keys - keys) * 2 > len(keys):
            merged = None
        if merged is None:
            merged = _Candidates(segments)
        elif not keys <= merged.keys:
            merged = merged.extended([seg for seg in segments if seg.key not in merged.keys])
        with self._lock:
            self._merged = merged
        return merged

    def postings(self, part: _Part, slot: int, term: str) -> tuple[array, array]:
        """(docnums, weights) of a term in one field of a segment, deleted
        documents included (a segment's postings never change)."""
        key = (part.seg.key, slot, term)
        with self._lock:
            got = self._postings.get(key)
            if got is not None:
                self._postings.move_to_end(key)
                return got
        info = part.raw.terminfo(_FIELDS[slot][0], term.encode("utf-8"))
        ids, weights, _ = part.raw.postings(info) if info else ([], [], None)
        got = (array("i", ids), array("f", weights))
        with self._lock:
            if key not in self._postings:
                self._postings[key] = got
                self._cached += len(ids)
                while self._cached > _POSTINGS_BUDGET and len(self._postings) > 1:
                    self._cached -= len(self._postings.popitem(last=False)[1][0])
        return got

    def clear(self) -> None:
        with self._lock:
            self._by_segment.clear()
            self._postings.clear()
            self._cached = 0
            self._merged = None


@dataclass(frozen=True, slots=True)
class _Part:
    """One segment as seen by one reader: its cached data, its files, where
    its document numbers start, and which of its documents are deleted."""

    seg: _Segment
    raw: RawSegment
    base: int
    deleted: frozenset[int] | None


class Lexicon:
    """Terms and statistics of one reader: the union of its segments."""

    def __init__(self, cache: SegmentCache, reader: IndexReader, parts: list[_Part]) -> None:
        self.cache = cache
        self.parts = parts
        self.candidates = cache.candidates([part.seg for part in parts])
        self.doc_count_all = reader.doc_count_all()
        n = self.doc_count_all or 1
        self.avg_length = tuple((reader.field_length(f) / n) or 1.0 for f, _ in _FIELDS)

    def df(self, term: str) -> tuple[int, int]:
        """(title, body) document frequency; counts deleted documents too,
        as Whoosh's own statistics do."""
        t = b = 0
        for part in self.parts:
            d = part.seg.df.get(term)
            if d:
                t += d[0]
                b += d[1]
        return t, b

    def completions(self, prefix: str) -> dict[str, int]:
        out: dict[str, int] = {}
        terms = self.candidates.by_initial.get(prefix[0], ())
        i = bisect_left(terms, prefix)
        while i < len(terms) and terms[i].startswith(prefix):
            term = terms[i]
            out[term] = sum(self.df(term))
            i += 1
        return out

    def near(self, word: str, k: int) -> dict[str, int]:
        """Terms within k edits of word and with its first letter: typos in
        the first letter are rare, and requiring it bounds the scan."""
        out: dict[str, int] = {}
        by_shape = self.candidates.by_shape
        for n in range(len(word) - k, len(word) + k + 1):
            for term in by_shape.get((word[0], n), ()):
                if within_edits(term, word, k):
                    out[term] = sum(self.df(term))
        return out


class _Candidates:
    """Expansion candidates (folded terms, sorted) of several segments, so
    that prefix and typo lookups scan each term once, not once per segment.
    Immutable once built: an extension shares the lists it does not change."""

    __slots__ = ("by_initial", "by_shape", "keys", "terms")

    def __init__(self, segments: list[_Segment]) -> None:
        by_initial: dict[str, set[str]] = {}
        by_shape: dict[tuple[str, int], set[str]] = {}
        for seg in segments:
            for initial, terms in seg.by_initial.items():
                by_initial.setdefault(initial, set()).update(terms)
            for shape, terms in seg.by_shape.items():
                by_shape.setdefault(shape, set()).update(terms)
        self.by_initial = {k: sorted(v) for k, v in by_initial.items()}
        self.by_shape = {k: sorted(v) for k, v in by_shape.items()}
        self.terms = set().union(*by_initial.values())
        self.keys = frozenset(seg.key for seg in segments)

    def extended(self, segments: list[_Segment]) -> _Candidates:
        new = _Candidates([])
        new.by_initial = dict(self.by_initial)
        new.by_shape = dict(self.by_shape)
        new.terms = set(self.terms)
        new.keys = self.keys | {seg.key for seg in segments}
        for seg in segments:
            for term in sorted(t for terms in seg.by_initial.values() for t in terms):
                if term in new.terms:
                    continue
                new.terms.add(term)
                shape = (term[0], len(term))
                for table, key in ((new.by_initial, term[0]), (new.by_shape, shape)):
                    old = table.get(key, [])
                    table[key] = [*old[: (i := bisect_left(old, term))], term, *old[i:]]
        return new


# -- evaluation ------------------------------------------------------------------


def expand(lex: Lexicon, word: Word) -> None:
    """Fill word.terms: the exact term, its folded form, completions of a
    prefix and typo variants, each with the tier of that kind of match."""
    terms = {word.text: EXACT}
    terms.setdefault(word.folded, FOLDED)
    if word.prefix:
        completions = lex.completions(word.folded)
        for term in heapq.nlargest(_PREFIX_TERMS, completions, key=completions.__getitem__):
            terms.setdefault(term, PREFIX)
    k = max_edits(word.folded)
    if k:
        near = {t: n for t, n in lex.near(word.folded, k).items() if t not in terms}
        for term in heapq.nlargest(_FUZZY_TERMS, near, key=near.__getitem__):
            terms[term] = FUZZY
    if word.folded != word.text and lex.df(word.folded) == lex.df(word.text):
        # Every document with "ansökan" also has its twin "ansokan": equal
        # counts mean no document has only the folded form, so reading it
        # again would double the work (and the BM25) for nothing.
        del terms[word.folded]
    word.terms = {t: tier for t, tier in terms.items() if any(lex.df(t))}
    word.cost = sum(sum(lex.df(t)) for t in word.terms)


_List = tuple[int, str, int, float, float, float]  # df, term, slot, points, c, n2


def _lists(lex: Lexicon, word: Word) -> list[_List]:
    """The posting lists a word reads (term x field), longest first, with the
    points of that kind of match and the constants of its BM25."""
    n_docs = lex.doc_count_all
    lists = []
    for term, tier in word.terms.items():
        dfs = lex.df(term)
        for slot, (_, bonus) in enumerate(_FIELDS):
            if dfs[slot]:
                # score = idf * w * (K1 + 1) / (w + K1 * (1 - B + B * length / avg_length))
                c = (log(n_docs / (dfs[slot] + 1)) + 1) * (_K1 + 1) * _KIND_WEIGHT[tier]
                n2 = _K1 * _B / lex.avg_length[slot]
                lists.append((dfs[slot], term, slot, tier + bonus, c, n2))
    # The longest list first: it fills the empty maps at C speed.
    lists.sort(key=lambda x: -x[0])
    return lists


def _wanted(part: _Part, targets: list[int] | None) -> list[int] | None:
    """The (sorted, global) targets that fall in a segment, as local numbers."""
    if targets is None:
        return None
    lo = bisect_left(targets, part.base)
    hi = bisect_left(targets, part.base + len(part.seg.lengths[0]))
    return [g - part.base for g in targets[lo:hi]]


def _part_points(
    lex: Lexicon, part: _Part, lists: list[_List], wanted: list[int] | None
) -> dict[int, float]:
    """Local docnum -> points of the best kind of match of one word in a
    segment (the integer part of its score), with C-speed dict operations:
    lists in rising order of points, each overwriting the ones before."""
    seg = part.seg
    points: dict[int, float] = {}
    for _, term, slot, p, _, _ in sorted(lists, key=lambda x: x[3]):
        seg_df = seg.df.get(term)
        if seg_df and seg_df[slot]:
            ids = lex.cache.postings(part, slot, term)[0]
            if wanted is not None:
                ids = _restrict(ids, ids, wanted)[0]
            points.update(dict.fromkeys(ids, p))
    if part.deleted:
        for d in part.deleted:
            points.pop(d, None)
    return points


def _part_scores(
    lex: Lexicon, part: _Part, lists: list[_List], wanted: list[int] | None
) -> dict[int, float]:
    """Local docnum -> score of one word in a segment: the points of its best
    kind of match plus its BM25F (Whoosh's formula and defaults, from the
    decoded postings) squashed into [0, 1). ``wanted``: only these docs."""
    seg = part.seg
    n1 = _K1 * (1 - _B)
    best: dict[int, float] = {}  # points of the best kind of match
    bm25: dict[int, float] = {}
    for _, term, slot, points, c, n2 in lists:
        seg_df = seg.df.get(term)
        if not seg_df or not seg_df[slot]:
            continue
        ids, weights = lex.cache.postings(part, slot, term)
        if wanted is not None:
            ids, weights = _restrict(ids, weights, wanted)
        lengths = seg.lengths[slot]  # (the average length changes with every commit)
        scores = [c * w / (w + n1 + n2 * lengths[d]) for d, w in zip(ids, weights, strict=True)]
        if not best:
            best = dict.fromkeys(ids, points)
            bm25 = dict(zip(ids, scores, strict=True))
            continue
        for d, sc in zip(ids, scores, strict=True):
            p = best.get(d)
            if p is None:
                best[d] = points
                bm25[d] = sc
            else:
                if points > p:
                    best[d] = points
                bm25[d] += sc
    if part.deleted:
        for d in part.deleted:
            if best.pop(d, None) is not None:
                del bm25[d]
    return {d: p + (b := bm25[d]) / (b + _SQUASH) for d, p in best.items()}


def _restrict(
    ids: Sequence[int], weights: Sequence[float], wanted: list[int]
) -> tuple[Sequence[int], Sequence[float]]:
    """The postings of the (sorted, local) ``wanted`` documents: by bisection
    for each of them when they are few, else by one pass over the postings."""
    if len(wanted) * 8 < len(ids):
        keep_ids, keep_weights = [], []
        n = len(ids)
        for d in wanted:
            i = bisect_left(ids, d)
            if i < n and ids[i] == d:
                keep_ids.append(d)
                keep_weights.append(weights[i])
        return keep_ids, keep_weights
    pick = set(wanted)
    pairs = [(d, w) for d, w in zip(ids, weights, strict=True) if d in pick]
    return [d for d, _ in pairs], [w for _, w in pairs]


def _intersect(a: dict[int, float], b: dict[int, float]) -> dict[int, float]:
    """Documents in both, values added (a's value first)."""
    if len(b) < len(a):
        return {d: a[d] + v for d, v in b.items() if d in a}
    return {d: v + b[d] for d, v in a.items() if d in b}


def match_all(
    lex: Lexicon, parsed: list[Word], allowed: set[int] | None, limit: int
) -> dict[int, float]:
    """Documents matching every word, with their scores, except documents
    that cannot be among the ``limit`` best (not scored in full).

    A word's score is its points (an integer: the kind of match) plus its
    BM25 squashed into [0, 1), and BM25 is below the sum of its lists' ``c``
    (the weight part of the formula is below 1). So the points, summed at C
    speed, say which documents come first: those with the most points are
    scored in full, and the rest only if their points plus that bound beat
    the limit-th best score so far.
    """
    words = sorted(parsed, key=lambda w: w.cost)  # rarest first
    lists = [_lists(lex, word) for word in words]
    targets = sorted(allowed) if allowed is not None else None
    bounds: list[tuple[_Part, dict[int, float]]] = []
    for part in lex.parts:
        wanted = _wanted(part, targets)
        if wanted is not None and not wanted:
            continue
        sums: dict[int, float] | None = None
        for word_lists in lists:
            points = _part_points(lex, part, word_lists, wanted)
            sums = points if sums is None else _intersect(sums, points)
            if not sums:
                break
        if sums:
            bounds.append((part, sums))
    every = [p for _, sums in bounds for p in sums.values()]
    if len(every) <= limit:
        return _scores(lex, lists, [(part, sorted(sums)) for part, sums in bounds])
    top = heapq.nlargest(limit, every)[-1]
    first = _scores(
        lex, lists, [(part, sorted(d for d, p in s.items() if p >= top)) for part, s in bounds]
    )
    best = heapq.nlargest(limit, first.values())[-1]
    # (c * w / (w + ...) < c for every posting, and b / (b + 5) rises with b)
    slack = sum(b / (b + _SQUASH) for b in (sum(x[4] for x in w) for w in lists))
    rest = [
        (part, sorted(d for d, p in s.items() if best < p + slack and p < top))
        for part, s in bounds
    ]
    first.update(_scores(lex, lists, rest))
    return first


def _scores(
    lex: Lexicon, lists: list[list[_List]], parts: list[tuple[_Part, list[int]]]
) -> dict[int, float]:
    """Global docnum -> score of every word added up, for the given local
    documents of each segment (all of which have every word)."""
    total: dict[int, float] = {}
    for part, candidates in parts:
        if not candidates:
            continue
        scores: dict[int, float] | None = None
        for word_lists in lists:
            word_scores = _part_scores(lex, part, word_lists, candidates)
            scores = word_scores if scores is None else _intersect(scores, word_scores)
        base = part.base
        total.update({d + base: sc for d, sc in (scores or {}).items()})
    return total


def match_any(lex: Lexicon, parsed: list[Word], allowed: set[int] | None) -> dict[int, float]:
    """Fallback when no document has every word: documents with any of them,
    those with more of the words first (every matched word adds >= 2)."""
    total: dict[int, float] = {}
    targets = sorted(allowed) if allowed is not None else None
    for word in parsed:
        word_lists = _lists(lex, word)
        for part in lex.parts:
            wanted = _wanted(part, targets)
            if wanted is not None and not wanted:
                continue
            base = part.base
            for d, sc in _part_scores(lex, part, word_lists, wanted).items():
                total[d + base] = total.get(d + base, 0.0) + sc
    return total


def highlighter(parsed: list[Word]) -> Callable[[str], int | None]:
    """is_match(word) for snippets: which query word a body word (as written)
    matches, by the rules of the search (so "parkeringstillstånd" is
    highlighted for "parkeri", "överklaga" for "overklaga"), memoized."""
    return _Highlighter(parsed)


class _Highlighter:
    """The callable of :func:`highlighter`. ``memo`` (word as written -> query
    word index or None) and ``starts`` (where a matching word can begin) are
    public so that a scan over a long text skips most words without a call
    (``search_text.snippet``)."""

    __slots__ = ("by_term", "fuzzy", "initials", "memo", "prefixes", "starts")

    def __init__(self, parsed: list[Word]) -> None:
        by_term: dict[str, int] = {}
        for i, word in enumerate(parsed):
            for term in word.terms:
                by_term.setdefault(term, i)
            by_term.setdefault(word.text, i)
            by_term.setdefault(word.folded, i)
        self.by_term = by_term
        self.prefixes = [(i, w.folded) for i, w in enumerate(parsed) if w.prefix]
        fuzzy = [(i, w.folded, max_edits(w.folded)) for i, w in enumerate(parsed)]
        self.fuzzy = [f for f in fuzzy if f[2]]
        self.memo: dict[str, int | None] = {}
        # Every way to match starts with a query word's folded first letter
        # (terms, completions and typo variants alike): a cheap first test.
        self.initials = {w.folded[:1] for w in parsed}
        self.starts = word_starts(self.initials)

    def __call__(self, raw: str) -> int | None:
        memo = self.memo
        if raw in memo:
            return memo[raw]
        w = raw.lower()
        hit = None
        if len(w) <= MAX_WORD_LEN and fold(w[:1])[:1] in self.initials:
            hit = self._match(w)
        memo[raw] = hit
        return hit

    def _match(self, w: str) -> int | None:
        hit = self.by_term.get(w)
        if hit is None:
            f = fold(w)
            hit = self.by_term.get(f)
            if hit is None:
                hit = next((i for i, p in self.prefixes if f.startswith(p)), None)
            if hit is None:
                hit = next(
                    (i for i, q, k in self.fuzzy if f[0] == q[0] and within_edits(f, q, k)), None
                )
        return hit
