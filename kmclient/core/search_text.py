"""Text handling for the local search index: tokens, accent folding, fuzzy
distance, Markdown to plain text and snippets.

Pure functions with no Whoosh state, so the index (``search.py``), the query
side and the snippet builder are guaranteed to cut and fold words the same way.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer
from whoosh.support.charset import accent_map

# A word is a run of letters and digits. "_" is excluded on purpose: Markdown
# uses it for emphasis ("_viktigt_"), and "\w" would glue it onto the word.
WORD_PATTERN = r"[^\W_]+"
WORD_RE = re.compile(WORD_PATTERN)

# Longer "words" are base64, hashes or URLs glued together: noise in the index.
MAX_WORD_LEN = 40

# Whoosh's accent_map (å->a, ä->a, ö->o, é->e, ü->u, ø->o, ß->s, ...) plus the
# ligatures it leaves alone.
_FOLD_TABLE: dict[int, str] = {**accent_map, ord("æ"): "ae", ord("œ"): "oe"}

Fragment = tuple[str, bool]
"""A piece of snippet text and whether it is a highlighted match."""


def fold(word: str) -> str:
    """Strip accents from an already lower-cased word ("överklaga" -> "overklaga")."""
    return word if word.isascii() else word.translate(_FOLD_TABLE)


def normalize(text: str) -> str:
    """NFC-normalize, so "o" + combining diaeresis (macOS input) is one "ö"."""
    return unicodedata.normalize("NFC", text) if not text.isascii() else text


def words(text: str) -> list[str]:
    """Lower-cased words of already normalized text, in order."""
    return [w.lower() for w in WORD_RE.findall(text) if len(w) <= MAX_WORD_LEN]


def index_terms(text: str) -> Counter[str]:
    """Term frequencies to index for a text.

    Every word is indexed as written (lower-cased) and, when it carries
    accents, a second time in folded form. A search for "overklaga" then finds
    "överklaga" through the folded twin, while a search for "får" can still
    rank the exact "får" above "far" (see ``search.py``).
    """
    lowered = text.lower()
    # Lower-casing the whole text first gives the same words when it maps
    # character to character: the only exceptions in CPython are "İ" (two
    # characters) and "Σ" (depends on its neighbours); a test checks the rest.
    if len(lowered) == len(text) and "Σ" not in text:
        # Without "_" in the text, \w+ finds the same words, a little faster.
        counts = Counter((_W_RE if "_" not in text else WORD_RE).findall(lowered))
        if counts and max(map(len, counts)) > MAX_WORD_LEN:
            counts = Counter({w: n for w, n in counts.items() if len(w) <= MAX_WORD_LEN})
    else:
        counts = Counter(words(text))
    accented = [(w, n) for w, n in counts.items() if not w.isascii()]
    for word, n in accented:
        folded = _folded(word)
        if folded != word:
            counts[folded] = counts.get(folded, 0) + n  # (Counter's += is slower)
    return counts


_W_RE = re.compile(r"\w+")
_FOLDED: dict[str, str] = {}  # fold() memo: the same words come back in every document


def _folded(word: str) -> str:
    folded = _FOLDED.get(word)
    if folded is None:
        if len(_FOLDED) >= 200_000:
            _FOLDED.clear()
        folded = _FOLDED[word] = fold(word)
    return folded


class AccentTwinFilter(Filter):
    """Whoosh filter twin of :func:`index_terms`: after each token with accents
    it emits the folded form at the same position.

    The index itself is fed by :func:`index_terms` (several times faster than
    Whoosh's token pipeline); this filter makes the schema's analyzer produce
    the same terms for any other Whoosh tooling (tests check they agree).
    """

    def __call__(self, tokens: Iterator) -> Iterator:
        for t in tokens:
            if len(t.text) > MAX_WORD_LEN:
                continue
            yield t
            if not t.text.isascii():
                folded = fold(t.text)
                if folded != t.text:
                    t.text = folded
                    yield t


def make_analyzer():  # -> whoosh.analysis.Analyzer
    return RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | AccentTwinFilter()


# -- fuzzy matching ----------------------------------------------------------


def max_edits(word: str) -> int:
    """Typo budget: none below 4 characters, 1 from 4, 2 from 8."""
    n = len(word)
    return 0 if n < 4 else 1 if n < 8 else 2


def within_edits(a: str, b: str, k: int) -> bool:
    """True if a and b are at most k edits apart (optimal string alignment:
    substitution, insertion, deletion, transposition of neighbours).

    Runs once per candidate term of the lexicon, so it avoids the full
    dynamic-programming table: strip the common prefix and suffix, decide
    short differences directly, and recurse on the first difference only
    when k = 2.
    """
    la, lb = len(a), len(b)
    if abs(la - lb) > k:
        return False
    n = min(la, lb)
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    j = 0
    while j < n - i and a[la - 1 - j] == b[lb - 1 - j]:
        j += 1
    ma, mb = la - i - j, lb - i - j
    if max(ma, mb) <= k:
        return True  # rewrite the differing middle char by char
    if k == 0:
        return False
    a, b = a[i : la - j], b[i : lb - j]
    swap = ma >= 2 and mb >= 2 and a[0] == b[1] and a[1] == b[0]
    if k == 1:
        return swap and ma == mb == 2
    k -= 1
    return (
        (swap and within_edits(a[2:], b[2:], k))
        or within_edits(a[1:], b[1:], k)  # substitution
        or within_edits(a[1:], b, k)  # a has an extra char
        or within_edits(a, b[1:], k)  # b has an extra char
    )


# -- Markdown to plain text --------------------------------------------------

_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(?:[\w-]+[ \t]*:.*\n(?:.*\n)*?)?---[ \t]*(?:\n|\Z)")
_FENCE_RE = re.compile(r"^[ \t]*(```|~~~).*$", re.M)
_IMAGE_RE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK_RE = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\[[^\]]*\])")
_AUTOLINK_RE = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_HTML_RE = re.compile(r"</?[A-Za-z][^>]*>|<!--.*?-->", re.S)
_BLOCK_PREFIX_RE = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,3}[.)][ \t]+)+", re.M
)
_TABLE_RULE_RE = re.compile(r"^[ \t|:-]*-{3,}[ \t|:-]*$", re.M)
# Emphasis markers only at a word's edge: "2*2" and "snake_case" stay whole.
_EMPHASIS_RE = re.compile(
    r"(?<![^\W_])[*_]{1,3}(?=\S)|(?<=\S)[*_]{1,3}(?![^\W_])|~~|`+|\\(?=[^\w\s])"
)
# The same as r"[ \t\r\f\v|]+" -> " ", but a lone space (most of them) is not a match.
_SPACES_RE = re.compile(r"[ \t\r\f\v|]{2,}|[\t\r\f\v|]")
_BLANKS_RE = re.compile(r"\n\s*\n+")
_EMPHASIS_CHARS_RE = re.compile(r"[*_~`\\]")  # where an _EMPHASIS_RE match can start


def _strip_emphasis(text: str) -> str:
    """``_EMPHASIS_RE.sub("", text)``, trying the pattern only where it can
    start. A pattern that opens with a lookbehind makes ``re`` try every
    position of the text, which was half the time of markdown_to_text."""
    out: list[str] = []
    pos = 0
    match = _EMPHASIS_RE.match
    for m in _EMPHASIS_CHARS_RE.finditer(text):
        start = m.start()
        if start < pos:
            continue
        hit = match(text, start)  # lookbehinds still see text[:start]
        if hit:
            out.append(text[pos:start])
            pos = hit.end()
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def _strip_block_prefixes(text: str) -> str:
    """``_BLOCK_PREFIX_RE.sub("", text)`` line by line: a match never spans a
    newline, and ``re`` would otherwise try ``^`` at every position."""
    lines = text.split("\n")
    match = _BLOCK_PREFIX_RE.match
    for i, line in enumerate(lines):
        m = match(line)
        if m:
            lines[i] = line[m.end() :]
    return "\n".join(lines)


def markdown_to_text(md: str) -> str:
    """Readable plain text of a Markdown source, for indexing and snippets.

    Regex-based, not a Markdown parser: it only has to drop markup (link
    targets, emphasis, heading and list markers, HTML tags, YAML front matter)
    so that URLs are not indexed and snippets do not show "**" or "](http".
    Block structure is kept as one line per block. Patterns whose markup is
    absent are skipped (the substring tests are exact preconditions).
    """
    text = normalize(md.replace("\r\n", "\n"))
    if text.startswith("---"):
        text = _FRONT_MATTER_RE.sub("", text, count=1)
    if "```" in text or "~~~" in text:
        text = _FENCE_RE.sub("", text)
    if "---" in text:
        text = _TABLE_RULE_RE.sub("", text)
    if "](" in text:
        text = _IMAGE_RE.sub(r"\1", text)
    if "[" in text:
        text = _LINK_RE.sub(r"\1", text)
    if "<" in text:
        text = _AUTOLINK_RE.sub(r"\1", text)
        text = _HTML_RE.sub(" ", text)
    text = _strip_block_prefixes(text)
    text = _strip_emphasis(text)
    if "  " in text or any(c in text for c in "\t\r\f\v|"):
        text = _SPACES_RE.sub(" ", text)
    text = _BLANKS_RE.sub("\n", text)
    return "\n".join(line.strip() for line in text.strip().split("\n"))


# -- snippets ----------------------------------------------------------------

SNIPPET_CHARS = 160
_LEAD_CHARS = 40  # context kept before the first match of the window
_SENTENCE_END_RE = re.compile(r"[.!?…](?=\s)|\n")
_MAX_MATCHES = 500  # enough to pick a window; bounds the work on huge docs
_UNSEEN: Any = object()


def _cut(text: str, start: int, end: int, keep: int | None = None) -> tuple[int, int]:
    """Move start/end inwards to word boundaries (unless at the text edges),
    never moving start past ``keep`` (the first highlighted match)."""
    if start > 0 and not text[start - 1].isspace():
        sp = text.find(" ", start, end if keep is None else keep)
        if sp != -1 and sp - start < 25:
            start = sp + 1
    if end < len(text) and not text[end].isspace():
        sp = text.rfind(" ", start, end)
        if sp != -1 and end - sp < 25:
            end = sp
    return start, end


def _fragments(
    text: str, start: int, end: int, spans: list[tuple[int, int]], ellipsis: bool = True
) -> list[Fragment]:
    out: list[Fragment] = []
    if start > 0:
        out.append(("…", False))
    pos = start
    for s, e in spans:
        if s < start or e > end:
            continue
        if s > pos:
            out.append((text[pos:s].replace("\n", " "), False))
        out.append((text[s:e], True))
        pos = e
    if pos < end:
        out.append((text[pos:end].replace("\n", " "), False))
    if end < len(text) and ellipsis:
        out.append(("…", False))
    # Merge neighbouring plain pieces (the ellipsis and the text after it).
    merged: list[Fragment] = []
    for frag in out:
        if merged and not frag[1] and not merged[-1][1]:
            merged[-1] = (merged[-1][0] + frag[0], False)
        else:
            merged.append(frag)
    return merged


def first_sentence(text: str, skip: str = "", width: int = SNIPPET_CHARS) -> list[Fragment]:
    """The first sentence of text (no highlights), cut to about width chars.

    A first line equal to ``skip`` (the title repeated as a heading) is passed over.
    """
    if skip:
        head, _, rest = text.partition("\n")
        if rest and head.strip().casefold() == skip.strip().casefold():
            text = rest
    if not text:
        return []
    m = _SENTENCE_END_RE.search(text)
    end = m.end() if m and m.group() != "\n" else m.start() if m else len(text)
    if end <= width:
        return _fragments(text, 0, end, [], ellipsis=False)
    _, end = _cut(text, 0, width)
    return _fragments(text, 0, end, [])


def _words_from(text: str, starts: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """The WORD_RE matches of text that begin where ``starts`` matches."""
    match = WORD_RE.match
    for s in starts.finditer(text):
        m = match(text, s.start())
        if m:
            yield m


def word_starts(initials: Iterable[str]) -> re.Pattern[str]:
    """A pattern for the first characters of words whose lower-cased, folded
    form begins with one of ``initials`` (ASCII exactly, every non-ASCII
    character to be safe), at the start of a word."""
    return _word_starts(frozenset(initials))


@functools.lru_cache(maxsize=256)
def _word_starts(initials: frozenset[str]) -> re.Pattern[str]:
    chars = {c for c in map(chr, range(128)) if c.lower() in initials}
    ascii_part = "".join(re.escape(c) for c in sorted(chars))
    return re.compile(rf"(?<![^\W_])[{ascii_part}\x80-\U0010ffff]")


def snippet(
    text: str,
    is_match: Callable[[str], int | None],
    n_words: int,
    width: int = SNIPPET_CHARS,
) -> list[Fragment] | None:
    """About width chars of text around its best matches, matches highlighted.

    ``is_match(word)`` gets each word as written and returns the index (0 to
    n_words - 1) of the query word it matches, or None. The first window
    with every query word wins; else the one with the most distinct query
    words (then the most matches, then the earliest). Returns None when
    nothing in text matches.
    """
    matches: list[tuple[int, int, int]] = []
    reach = width - _LEAD_CHARS
    # Most words repeat: look them up in the matcher's memo without a call.
    memo: dict[str, int | None] = getattr(is_match, "memo", {})
    # A matcher may say which characters a matching word can start with:
    # then only those words are looked at (bodies found through the title
    # often have no match, and were read to the end).
    starts: re.Pattern[str] | None = getattr(is_match, "starts", None)
    words_at = WORD_RE.finditer(text) if starts is None else _words_from(text, starts)
    for m in words_at:
        word = m.group()
        q = memo.get(word, _UNSEEN)
        if q is _UNSEEN:
            q = is_match(word)
        if q is None:
            continue
        start, end = m.start(), m.end()
        matches.append((start, end, q))
        # Stop at the first window that has every query word: later ones
        # could only add repeats, and most bodies are then read only in part.
        seen = set()
        for s2, _, q2 in reversed(matches):
            if s2 < end - reach:
                break
            seen.add(q2)
        if len(seen) == n_words or len(matches) >= _MAX_MATCHES:
            break
    if not matches:
        return None

    best_key: tuple[int, int, int] | None = None
    best_i = 0
    for i, (s, _, _) in enumerate(matches):
        limit = s + reach
        seen = set()
        count = 0
        for _, e2, q2 in matches[i:]:
            if e2 > limit:
                break
            seen.add(q2)
            count += 1
        key = (len(seen), count, -s)
        if best_key is None or key > best_key:
            best_key, best_i = key, i

    first = matches[best_i][0]
    start = max(0, first - _LEAD_CHARS)
    end = min(len(text), start + width)
    start = max(0, end - width)  # near the end: use the room before instead
    # Prefer the paragraph start when the match is close to it.
    nl = text.rfind("\n", start, first)
    if nl != -1:
        start = nl + 1
        end = min(len(text), start + width)
    start, end = _cut(text, start, end, keep=first)
    spans = [(s, e) for s, e, _ in matches]
    return _fragments(text, start, end, spans)
