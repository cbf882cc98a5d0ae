"""The fast text paths of the search index give exactly what the plain ones gave.

``markdown_to_text`` skips patterns whose markup is absent and applies some
line by line or only where they can start; ``index_terms`` lower-cases the
whole text before cutting it into words. The reference versions below are the
straightforward implementations these replaced.
"""

from __future__ import annotations

import random
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from kmclient.core import search_text as st

ROOT = Path(__file__).resolve().parents[2]


def markdown_to_text_ref(md: str) -> str:
    text = st.normalize(md.replace("\r\n", "\n"))
    text = st._FRONT_MATTER_RE.sub("", text, count=1)
    text = st._FENCE_RE.sub("", text)
    text = st._TABLE_RULE_RE.sub("", text)
    text = st._IMAGE_RE.sub(r"\1", text)
    text = st._LINK_RE.sub(r"\1", text)
    text = st._AUTOLINK_RE.sub(r"\1", text)
    text = st._HTML_RE.sub(" ", text)
    text = st._BLOCK_PREFIX_RE.sub("", text)
    text = st._EMPHASIS_RE.sub("", text)
    text = re.sub(r"[ \t\r\f\v|]+", " ", text)
    text = st._BLANKS_RE.sub("\n", text)
    return "\n".join(line.strip() for line in text.strip().split("\n"))


def index_terms_ref(text: str) -> Counter[str]:
    counts = Counter(w.lower() for w in st.WORD_RE.findall(text) if len(w) <= st.MAX_WORD_LEN)
    for word, n in list(counts.items()):
        if not word.isascii():
            folded = st.fold(word)
            if folded != word:
                counts[folded] += n
    return counts


# Characters that mean something to one of the patterns, plus words in several
# scripts, accents, "İ" and "Σ" (whose lower case is not one plain character).
PIECES = [
    *" \t\n\n\r\f\v|*_~`\\#>-+.)!([]<>:/0123456789",
    "**",
    "__",
    "```",
    "~~~",
    "---",
    "](http://x.se/a)",
    "<br>",
    "<!-- c -->",
    "<https://example.org>",
    "ord",
    "Överklaga",
    "får",
    "ÆØÅ",
    "İstanbul",
    "ΟΔΟΣ",
    "ς",
    "straße",
    "١٢٣",
    "x" * 45,
    "snake_case",
    "🚗",
    "o\u0308",
]


def random_markdown(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 60)))


def test_markdown_to_text_matches_the_reference() -> None:
    rng = random.Random(11)
    samples = [random_markdown(rng) for _ in range(4000)]
    samples += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "resources/kb").glob("*.md"))]
    for md in samples:
        assert st.markdown_to_text(md) == markdown_to_text_ref(md), md


def test_index_terms_match_the_reference() -> None:
    rng = random.Random(12)
    samples = [random_markdown(rng) for _ in range(4000)]
    samples += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "resources/kb").glob("*.md"))]
    for text in samples:
        assert st.index_terms(text) == index_terms_ref(text), text


def test_lower_case_keeps_every_characters_word_class() -> None:
    # index_terms lower-cases the whole text before finding words; that cuts
    # the same words as long as no character changes between word and non-word
    # when lower-cased (characters whose lower case is longer are handled apart).
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        low = c.lower()
        if len(low) == 1 and low != c:
            assert c.isalnum() == low.isalnum(), hex(cp)


@pytest.mark.parametrize("text", ["İstanbul", "ΟΔΟΣ ΟΔΟΣ.", "a" * 41 + " b", "x_y z"])
def test_index_terms_special_cases(text: str) -> None:
    assert st.index_terms(text) == index_terms_ref(text)


def test_snippet_scan_of_likely_words_only_gives_the_same_snippet() -> None:
    # The highlighter tells snippet() which characters can start a match, so
    # it skips the other words; a plain function makes it look at every word.
    from kmclient.core.search_query import highlighter, parse_query

    rng = random.Random(13)
    vocab = ["överklaga", "Överklagande", "far", "får", "Fär", "parkering", "PARKERA"]
    vocab += ["park", "bark", "ärende", "arende", "İzmir", "izmir", "2024", "x_y", "æble"]
    for _ in range(3000):
        text = " ".join(rng.choice([*vocab, "och", "det", ".", "—", "\n"]) for _ in range(40))
        query = " ".join(rng.choice(vocab) for _ in range(rng.randint(1, 2)))
        query += rng.choice(["", " "])
        parsed = parse_query(query)
        if not parsed:
            continue
        fast = highlighter(parsed)
        plain = highlighter(parsed)
        got = st.snippet(text, fast, len(parsed))
        want = st.snippet(text, lambda w, m=plain: m(w), len(parsed))
        assert got == want, (text, query)
