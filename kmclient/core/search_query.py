"""Query evaluation for ``search.py``: user words -> index terms -> ranked docs.

Ranking (see docs/search.md): each query word scores the tier of its best kind
of match, +1 if that match is in the title, plus its BM25F score squashed into
[0, 1). The tier gap (2) exceeds what title bonus and BM25 can add, so an
exact match always beats a fuzzy one, and for the same kind of match a title
hit beats a body-only hit. A document's score is the sum over query words.
"""

from __future__ import annotations

import heapq
import threading
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from math import log

from whoosh.reading import IndexReader

from kmclient.core.search_text import (
    MAX_WORD_LEN,
    fold,
    max_edits,
    normalize,
    within_edits,
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


class _Segment:
    """What queries need from one Whoosh segment, read once and cached by
    segment id (segments are immutable; a commit adds new ones).

    - the lexicon of title and body with document frequencies: scanning it
      through Whoosh's MultiReader costs tens of ms per query (it merges the
      term streams of all segments in Python);
    - the field lengths of every document, for BM25: Whoosh's own scorer
      fetches them through a column reader at about 3 µs per posting.
    """

    __slots__ = ("by_initial", "by_shape", "df", "lengths")

    def __init__(self, reader: IndexReader) -> None:
        df: dict[str, tuple[int, int]] = {}
        for slot, (fieldname, _) in enumerate(_FIELDS):
            for btext, info in reader.iter_field(fieldname):
                term = btext.decode("utf-8")
                n = info.doc_frequency()
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
        docs = range(reader.doc_count_all())
        self.lengths = tuple(
            [reader.doc_field_length(d, fieldname) or 0 for d in docs] for fieldname, _ in _FIELDS
        )


class SegmentCache:
    """Per-segment data by segment id, shared by all searching threads."""

    def __init__(self) -> None:
        self._by_segment: dict[str, _Segment] = {}
        self._lock = threading.Lock()

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
                seg = _Segment(leaf)
                built = True
                with self._lock:
                    self._by_segment[key] = seg
            parts.append((seg, leaf, base))
        if built:
            # A new segment means a commit: forget the merged-away ones. (A
            # search still on an older generation would just read them again.)
            with self._lock:
                for key in [k for k in self._by_segment if k not in live]:
                    del self._by_segment[key]
        return Lexicon(reader, parts)

    def clear(self) -> None:
        with self._lock:
            self._by_segment.clear()


class Lexicon:
    """Terms and statistics of one reader: the union of its segments."""

    def __init__(self, reader: IndexReader, parts: list[tuple[_Segment, IndexReader, int]]) -> None:
        self.parts = parts
        self.doc_count_all = reader.doc_count_all()
        n = self.doc_count_all or 1
        self.avg_length = tuple((reader.field_length(f) / n) or 1.0 for f, _ in _FIELDS)

    def df(self, term: str) -> tuple[int, int]:
        """(title, body) document frequency; counts deleted documents too,
        as Whoosh's own statistics do."""
        t = b = 0
        for seg, _, _ in self.parts:
            d = seg.df.get(term)
            if d:
                t += d[0]
                b += d[1]
        return t, b

    def completions(self, prefix: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for seg, _, _ in self.parts:
            terms = seg.by_initial.get(prefix[0], ())
            i = bisect_left(terms, prefix)
            while i < len(terms) and terms[i].startswith(prefix):
                term = terms[i]
                out[term] = out.get(term, 0) + sum(seg.df[term])
                i += 1
        return out

    def near(self, word: str, k: int) -> dict[str, int]:
        """Terms within k edits of word and with its first letter: typos in
        the first letter are rare, and requiring it bounds the scan."""
        out: dict[str, int] = {}
        for seg, _, _ in self.parts:
            for n in range(len(word) - k, len(word) + k + 1):
                for term in seg.by_shape.get((word[0], n), ()):
                    if within_edits(term, word, k):
                        out[term] = out.get(term, 0) + sum(seg.df[term])
        return out


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


def _score_word(lex: Lexicon, word: Word, only: set[int] | None) -> dict[int, float]:
    """docnum -> score of one query word, over all its terms in title and body.

    BM25F is computed here, with Whoosh's formula and defaults, straight
    from each segment's postings. With ``only`` (the documents still in the
    running) postings are read by skipping to those documents, which is what
    makes AND queries cheap.
    """
    hits: dict[int, list[float]] = {}
    targets = sorted(only) if only is not None else None
    n_docs = lex.doc_count_all
    for term, tier in word.terms.items():
        dfs = lex.df(term)
        for slot, (fieldname, bonus) in enumerate(_FIELDS):
            df = dfs[slot]
            if not df:
                continue
            points = tier + bonus
            # score = idf * w * (K1 + 1) / (w + K1 * (1 - B + B * length / avg_length))
            c = (log(n_docs / (df + 1)) + 1) * (_K1 + 1) * _KIND_WEIGHT[tier]
            n1 = _K1 * (1 - _B)
            n2 = _K1 * _B / lex.avg_length[slot]
            for seg, leaf, base in lex.parts:
                seg_df = seg.df.get(term)
                if not seg_df or not seg_df[slot]:
                    continue
                lengths = seg.lengths[slot]
                m = leaf.postings(fieldname, term)
                if targets is None or len(targets) * 4 > seg_df[slot]:
                    # The hot loop (every posting of common words): _add inlined.
                    while m.is_active():
                        d = m.id()
                        g = d + base
                        if only is None or g in only:
                            w = m.weight()
                            sc = c * w / (w + n1 + n2 * lengths[d])
                            h = hits.get(g)
                            if h is None:
                                hits[g] = [points, sc]
                            else:
                                if points > h[0]:
                                    h[0] = points
                                h[1] += sc
                        m.next()
                    continue
                end = base + len(lengths)
                for g in targets[bisect_left(targets, base) : bisect_left(targets, end)]:
                    # (A matcher over only deleted documents starts inactive.)
                    if not m.is_active():
                        break
                    d = g - base
                    if m.id() < d:
                        m.skip_to(d)
                        if not m.is_active():
                            break
                    if m.id() == d:
                        w = m.weight()
                        _add(hits, g, points, c * w / (w + n1 + n2 * lengths[d]))
    return {d: p + b / (b + _SQUASH) for d, (p, b) in hits.items()}


def _add(hits: dict[int, list[float]], docnum: int, points: float, bm25: float) -> None:
    h = hits.get(docnum)
    if h is None:
        hits[docnum] = [points, bm25]
    else:
        if points > h[0]:
            h[0] = points
        h[1] += bm25


def match_all(lex: Lexicon, parsed: list[Word], allowed: set[int] | None) -> dict[int, float]:
    """Documents matching every word (evaluated rarest word first)."""
    total: dict[int, float] | None = None
    only = allowed
    for word in sorted(parsed, key=lambda w: w.cost):
        scores = _score_word(lex, word, only)
        if total is None:
            total = scores
        else:
            total = {d: total[d] + sc for d, sc in scores.items() if d in total}
        if not total:
            return {}
        only = set(total)
    return total or {}


def match_any(lex: Lexicon, parsed: list[Word], allowed: set[int] | None) -> dict[int, float]:
    """Fallback when no document has every word: documents with any of them,
    those with more of the words first (every matched word adds >= 2)."""
    total: dict[int, float] = {}
    for word in parsed:
        for d, sc in _score_word(lex, word, allowed).items():
            total[d] = total.get(d, 0.0) + sc
    return total


def highlighter(parsed: list[Word]) -> Callable[[str], int | None]:
    """is_match(word) for snippets: which query word a body word (as written)
    matches, by the rules of the search (so "parkeringstillstånd" is
    highlighted for "parkeri", "överklaga" for "overklaga"), memoized."""
    by_term: dict[str, int] = {}
    for i, word in enumerate(parsed):
        for term in word.terms:
            by_term.setdefault(term, i)
        by_term.setdefault(word.text, i)
        by_term.setdefault(word.folded, i)
    prefixes = [(i, w.folded) for i, w in enumerate(parsed) if w.prefix]
    fuzzy = [(i, w.folded, max_edits(w.folded)) for i, w in enumerate(parsed)]
    fuzzy = [f for f in fuzzy if f[2]]
    memo: dict[str, int | None] = {}

    def is_match(raw: str) -> int | None:
        if raw in memo:
            return memo[raw]
        w = raw.lower()
        hit = by_term.get(w) if len(w) <= MAX_WORD_LEN else None
        if hit is None and len(w) <= MAX_WORD_LEN:
            f = fold(w)
            hit = by_term.get(f)
            if hit is None:
                hit = next((i for i, p in prefixes if f.startswith(p)), None)
            if hit is None:
                hit = next((i for i, q, k in fuzzy if f[0] == q[0] and within_edits(f, q, k)), None)
        memo[raw] = hit
        return hit

    return is_match
