"""Tests for kmclient.core.offsets: code points <-> UTF-16 units <-> UTF-8 bytes."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable

import pytest

from kmclient.core import offsets as o
from kmclient.core.offsets import OffsetMap

SAMPLES = [
    "",
    "a",
    "hello world",
    "Hej på dig, åäö ÅÄÖ!",
    "😀",
    "a😀b",
    "😀😀",
    "e\u0301a\u0308",  # combining acute and diaeresis: two code points per letter
    "👩\u200d👩\u200d👧\u200d👦 family",  # ZWJ sequence: 7 code points, 11 units, 25 bytes
    "🇸🇪 flag",  # regional indicators: two astral code points
    "line1\r\nline2\r\n",
    "\u2029\u2028\n",
    "日本語テキスト",
    "mixed å😀ö\u0301👍🏽 end",
    "\ud83d",  # lone surrogate (Qt can produce it; never stored in pycrdt)
]


def reference(text: str) -> list[tuple[int, int, int]]:
    """(index, utf16, utf8) at every character boundary, computed the slow, obvious way."""
    bounds = [(0, 0, 0)]
    u16 = u8 = 0
    for i, ch in enumerate(text, start=1):
        u16 += 2 if ord(ch) > 0xFFFF else 1
        u8 += len(ch.encode("utf-8", "surrogatepass"))
        bounds.append((i, u16, u8))
    return bounds


def ref_to_index(text: str, pos: int, column: int, snap: str) -> int:
    bounds = reference(text)
    pos = max(pos, 0)
    if pos >= bounds[-1][column]:
        return len(text)
    for (i, *_), nxt in itertools.pairwise(bounds):
        lo = bounds[i][column]
        if pos == lo:
            return i
        if lo < pos < nxt[column]:
            return i + 1 if snap == "up" else i
    raise AssertionError("unreachable")


def ref_from_index(text: str, i: int, column: int) -> int:
    return reference(text)[min(max(i, 0), len(text))][column]


def random_text(rng: random.Random, n: int) -> str:
    pool = [
        "a", "b", " ", "\n", "\r\n", "å", "ä", "ö", "Å", "é", "e\u0301", "ß", "€", "日",
        "😀", "👍🏽", "👩\u200d💻", "🇸🇪", "\u2029", "\t", "\u200b", "𝔸",
    ]  # fmt: skip
    return "".join(rng.choice(pool) for _ in range(n))


def all_texts() -> list[str]:
    rng = random.Random(20240601)
    return SAMPLES + [random_text(rng, rng.randint(0, 40)) for _ in range(120)]


# --- lengths and known values -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "n16", "n8"),
    [
        ("", 0, 0),
        ("abc", 3, 3),
        ("åäö", 3, 6),
        ("😀", 2, 4),
        ("e\u0301", 2, 3),
        ("👩\u200d👩\u200d👧\u200d👦", 11, 25),
        ("a\r\nb", 4, 4),
    ],
)
def test_lengths(text: str, n16: int, n8: int) -> None:
    assert o.utf16_len(text) == n16
    assert o.utf8_len(text) == n8
    assert OffsetMap(text).utf16_len == n16
    assert OffsetMap(text).utf8_len == n8


def test_ascii_is_identity() -> None:
    text = "plain ascii text\r\nwith crlf"
    for i in range(len(text) + 1):
        assert o.index_to_utf16(text, i) == i
        assert o.index_to_utf8(text, i) == i
        assert o.utf16_to_index(text, i) == i
        assert o.utf8_to_index(text, i) == i
        assert o.utf16_to_utf8(text, i) == i
        assert o.utf8_to_utf16(text, i) == i


def test_swedish_known_offsets() -> None:
    text = "Hej på dig"
    # "på" : p at index 4, å at 5 (bytes 5..7), space at 6 (byte 7)
    assert o.index_to_utf8(text, 5) == 5
    assert o.index_to_utf8(text, 6) == 7
    assert o.utf8_to_index(text, 7) == 6
    assert o.utf8_to_index(text, 6) == 5  # inside å: snaps down
    assert o.utf8_to_index(text, 6, snap="up") == 6
    assert o.utf16_to_utf8(text, 6) == 7
    assert o.utf8_to_utf16(text, len(text.encode())) == len(text)


def test_emoji_surrogate_pair_snapping() -> None:
    text = "a😀b"
    assert o.index_to_utf16(text, 2) == 3
    assert o.utf16_to_index(text, 2) == 1  # between the surrogates: start of the emoji
    assert o.utf16_to_index(text, 2, snap="up") == 2
    assert o.utf16_to_utf8(text, 2) == 1
    assert o.utf16_to_utf8(text, 2, snap="up") == 5
    for b, down, up in [(2, 1, 2), (3, 1, 2), (4, 1, 2), (5, 2, 2)]:
        assert o.utf8_to_index(text, b) == down
        assert o.utf8_to_index(text, b, snap="up") == up
    assert o.utf8_to_utf16(text, 3) == 1
    assert o.utf8_to_utf16(text, 3, snap="up") == 3


def test_zwj_sequence_is_per_code_point() -> None:
    family = "👩\u200d👩\u200d👧\u200d👦"
    text = "x" + family + "y"
    # The ZWJ joiners are BMP (1 unit, 3 bytes); each person is astral (2 units, 4 bytes).
    assert o.index_to_utf16(text, 2) == 3
    assert o.index_to_utf16(text, 3) == 4
    assert o.index_to_utf8(text, 3) == 1 + 4 + 3
    assert o.utf16_to_utf8(text, o.utf16_len(text)) == o.utf8_len(text)


def test_combining_characters_are_separate_code_points() -> None:
    text = "e\u0301x"
    assert o.index_to_utf8(text, 1) == 1
    assert o.index_to_utf8(text, 2) == 3
    assert o.utf8_to_index(text, 2) == 1  # inside U+0301
    assert o.index_to_utf16(text, 2) == 2


def test_crlf_counts_two_everywhere() -> None:
    text = "å\r\nö"
    assert o.index_to_utf16(text, 3) == 3
    assert o.index_to_utf8(text, 3) == 4
    assert o.utf8_to_utf16(text, 4) == 3


def test_empty_text_and_clamping() -> None:
    for fn in (o.index_to_utf16, o.index_to_utf8, o.utf16_to_index, o.utf8_to_index):
        assert fn("", 0) == 0
        assert fn("", 5) == 0
        assert fn("", -3) == 0
    text = "å😀"
    assert o.index_to_utf8(text, 99) == 6
    assert o.index_to_utf16(text, 99) == 3
    assert o.utf8_to_index(text, 99) == 2
    assert o.utf16_to_index(text, 99) == 2
    assert o.utf16_to_utf8(text, -1) == 0
    assert o.utf8_to_utf16(text, 99) == 3


def test_bad_snap_rejected() -> None:
    with pytest.raises(ValueError):
        o.utf8_to_index("å", 1, snap="left")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        OffsetMap("😀").utf16_to_index(1, snap="nearest")  # type: ignore[arg-type]


# --- ranges -----------------------------------------------------------------


def test_ranges_cover_partial_characters() -> None:
    text = "a😀b"
    assert o.utf16_range_to_utf8(text, 2, 2) == (1, 1)  # empty stays empty
    assert o.utf16_range_to_utf8(text, 2, 3) == (1, 5)  # half an emoji -> the whole emoji
    assert o.utf16_range_to_utf8(text, 3, 2) == (1, 5)  # sorted
    assert o.utf8_range_to_utf16(text, 2, 3) == (1, 3)
    assert o.utf8_range_to_utf16(text, 3, 3) == (1, 1)
    assert o.utf8_range_to_index(text, 0, 2) == (0, 2)
    assert o.utf16_range_to_index(text, 0, 2) == (0, 2)
    assert o.index_range_to_utf8(text, 3, 1) == (1, 6)
    assert o.index_range_to_utf16(text, 1, 2) == (1, 3)
    assert OffsetMap(text).utf16_range_to_utf8(2, 3) == (1, 5)
    assert OffsetMap(text).utf8_range_to_utf16(2, 3) == (1, 3)


def test_swedish_range_round_trip() -> None:
    text = "Räksmörgås"
    start, end = o.index_range_to_utf8(text, 1, 9)
    assert text.encode()[start:end].decode() == text[1:9]
    assert o.utf8_range_to_index(text, start, end) == (1, 9)


# --- property-style checks against the slow reference ------------------------


@pytest.mark.parametrize("snap", ["down", "up"])
def test_against_reference(snap: o.Snap) -> None:
    for text in all_texts():
        n16, n8 = o.utf16_len(text), o.utf8_len(text)
        omap = OffsetMap(text)
        for i in range(-1, len(text) + 2):
            assert o.index_to_utf16(text, i) == ref_from_index(text, i, 1) == omap.index_to_utf16(i)
            assert o.index_to_utf8(text, i) == ref_from_index(text, i, 2) == omap.index_to_utf8(i)
        for pos in range(-1, n16 + 2):
            want = ref_to_index(text, pos, 1, snap)
            assert o.utf16_to_index(text, pos, snap) == want, (text, pos)
            assert omap.utf16_to_index(pos, snap) == want, (text, pos)
        for b in range(-1, n8 + 2):
            want = ref_to_index(text, b, 2, snap)
            assert o.utf8_to_index(text, b, snap) == want, (text, b)
            assert omap.utf8_to_index(b, snap) == want, (text, b)


def test_round_trips_random() -> None:
    rng = random.Random(7)
    for _ in range(300):
        text = random_text(rng, rng.randint(0, 60))
        for i in range(len(text) + 1):
            b = o.index_to_utf8(text, i)
            q = o.index_to_utf16(text, i)
            assert o.utf8_to_index(text, b) == i
            assert o.utf16_to_index(text, q) == i
            assert o.utf16_to_utf8(text, q) == b
            assert o.utf8_to_utf16(text, b) == q
            # The byte offset really is a boundary: the prefix decodes to text[:i].
            assert text.encode()[:b].decode() == text[:i]
            assert text.encode("utf-16-le")[: 2 * q].decode("utf-16-le") == text[:i]


def test_snapped_results_are_always_boundaries() -> None:
    rng = random.Random(11)
    for _ in range(200):
        text = random_text(rng, rng.randint(1, 30))
        encoded = text.encode()
        for b in range(len(encoded) + 1):
            for snap in ("down", "up"):
                out = o.utf16_to_utf8(text, o.utf8_to_utf16(text, b, snap), snap)
                encoded[:out].decode()  # raises if out splits a character
                assert (out <= b) if snap == "down" else (out >= b)


def test_range_random_covers_original() -> None:
    rng = random.Random(3)
    for _ in range(300):
        text = random_text(rng, rng.randint(1, 30))
        n16 = o.utf16_len(text)
        a, z = sorted((rng.randint(0, n16), rng.randint(0, n16)))
        s8, e8 = o.utf16_range_to_utf8(text, a, z)
        s16, e16 = o.utf8_range_to_utf16(text, s8, e8)
        assert (s8 == e8) == (a == z)
        assert s16 <= a
        assert e16 >= z if a != z else e16 == s16


# --- long texts ---------------------------------------------------------------


@pytest.mark.parametrize("make", [lambda s: s, OffsetMap])
def test_long_document(make: Callable[[str], object]) -> None:
    rng = random.Random(5)
    text = random_text(rng, 30_000)  # ~100 KB of UTF-8
    assert o.utf8_len(text) > 90_000
    bounds = reference(text)
    conv = make(text)
    for i in [0, 1, len(text) // 2, len(text) - 1, len(text), *rng.sample(range(len(text)), 50)]:
        _, q, b = bounds[i]
        if isinstance(conv, OffsetMap):
            assert (conv.index_to_utf16(i), conv.index_to_utf8(i)) == (q, b)
            assert (conv.utf16_to_index(q), conv.utf8_to_index(b)) == (i, i)
            assert conv.utf16_to_utf8(q) == b and conv.utf8_to_utf16(b) == q
        else:
            assert (o.index_to_utf16(text, i), o.index_to_utf8(text, i)) == (q, b)
            assert (o.utf16_to_index(text, q), o.utf8_to_index(text, b)) == (i, i)
            assert o.utf16_to_utf8(text, q) == b and o.utf8_to_utf16(text, b) == q


def test_matches_pycrdt_offsets() -> None:
    """The UTF-8 offsets are exactly what pycrdt 0.14 Text expects."""
    from pycrdt import Doc, Text

    rng = random.Random(9)
    doc = Doc()
    doc["t"] = ytext = Text()
    model = ""
    for _ in range(200):
        if model and rng.random() < 0.4:
            a, z = sorted(rng.sample(range(len(model) + 1), 2))
            start, end = o.index_range_to_utf8(model, a, z)
            del ytext[start:end]
            model = model[:a] + model[z:]
        else:
            i = rng.randint(0, len(model))
            piece = random_text(rng, rng.randint(1, 4))
            ytext.insert(o.index_to_utf8(model, i), piece)
            model = model[:i] + piece + model[i:]
        assert str(ytext) == model
        assert len(ytext) == o.utf8_len(model)
