"""Search of the public help centre: forgiving accents and typos, pure and small.

The same rules as the desktop app's search (docs/search.md) and the web
app's (kmserver/web/app/src/search.js): words are lower-cased and folded
("överklaga" -> "overklaga"); the last word of the query also matches as a
prefix (search as you type); a word of 4+ letters tolerates one typo, of 8+
two, with the first letter right. Every word must match; a title match
weighs more than a body match. The help centre holds few documents (the
public ones), so a scan of their words is fast enough and needs no index.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

WORD_RE = re.compile(r"[^\W_]+")
MAX_WORD = 40
MAX_QUERY_WORDS = 8
_LIGATURES = str.maketrans({"æ": "ae", "œ": "oe", "ø": "o", "ß": "ss", "ł": "l", "đ": "d"})


def fold(text: str) -> str:
    """Lower case without accents: 'Överklaga' -> 'overklaga'."""
    lowered = text.lower().translate(_LIGATURES)
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return [w for w in WORD_RE.findall(fold(text)) if len(w) <= MAX_WORD]


def max_edits(word: str) -> int:
    return 2 if len(word) >= 8 else 1 if len(word) >= 4 else 0


def within_edits(a: str, b: str, k: int) -> bool:
    """Levenshtein distance of a and b is at most k (banded, early exit)."""
    if abs(len(a) - len(b)) > k:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
        if min(current) > k:
            return False
        previous = current
    return previous[-1] <= k


@dataclass(slots=True)
class Entry:
    key: str
    title: str
    body: str
    title_words: frozenset[str] = field(init=False)
    body_words: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self.title_words = frozenset(words(self.title))
        self.body_words = frozenset(words(self.body))


def _word_score(query: str, vocabulary: frozenset[str], prefix: bool) -> float:
    if query in vocabulary:
        return 1.0
    if prefix and len(query) >= 2 and any(w.startswith(query) for w in vocabulary):
        return 0.6
    k = max_edits(query)
    if k and any(w[0] == query[0] and within_edits(w, query, k) for w in vocabulary):
        return 0.4
    return 0.0


def search(entries: Iterable[Entry], query: str, limit: int = 50) -> list[tuple[Entry, float]]:
    """Entries matching every word of ``query``, best first."""
    terms = words(query)[:MAX_QUERY_WORDS]
    if not terms:
        return []
    as_typed = not query[-1:].isspace()  # the last word may still be growing
    hits: list[tuple[Entry, float]] = []
    for entry in entries:
        score = 0.0
        for i, term in enumerate(terms):
            prefix = as_typed and i == len(terms) - 1
            in_title = _word_score(term, entry.title_words, prefix)
            in_body = _word_score(term, entry.body_words, prefix)
            if not (in_title or in_body):
                break
            score += 2 * in_title + in_body
        else:
            hits.append((entry, score))
    hits.sort(key=lambda hit: (-hit[1], hit[0].title.lower()))
    return hits[:limit]


def snippet(text: str, query: str, width: int = 160) -> str:
    """A stretch of plain ``text`` around the first word of the query it contains.

    ``text`` is what a reader sees (for an article, ``public.plain`` of its
    Markdown); the caller escapes the answer for HTML. The cut falls between
    words where it can, and is marked with an ellipsis.
    """
    flat = " ".join(text.split())
    # Fold letter by letter, so that a place in the folded text is a place in
    # ``flat`` even where folding changes lengths ("æ" -> "ae").
    folded: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(flat):
        f = fold(char)
        folded.append(f)
        origin.extend([i] * len(f))
    folded_text = "".join(folded)
    starts = [folded_text.find(t) for t in words(query)]
    at = min((origin[s] for s in starts if s >= 0), default=0)
    begin = max(0, at - width // 3)
    if begin:
        space = flat.find(" ", begin, at)
        begin = space + 1 if space >= 0 else begin
    end = min(len(flat), begin + width)
    if end < len(flat):
        space = flat.rfind(" ", max(at, begin + 1), end)
        end = space if space > begin else end
    piece = flat[begin:end].strip()
    return ("…" if begin else "") + piece + ("…" if end < len(flat) else "")
