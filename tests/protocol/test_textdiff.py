"""The word diff shared by the command line and the app."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from kmserver.protocol.textdiff import describe, diff, render_plain, summarize

OLD = "# Parkering\n\nAvgiften är 500 kr.\nSöks online.\n\nSlut.\n"
NEW = "# Parkering\n\nAvgiften är 600 kr från 1 mars.\nSöks online.\nNy rad 😀.\n\nSlut.\n"


def sides(chunks) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    old = "".join(c.text for c in chunks if c.op != "+")
    new = "".join(c.text for c in chunks if c.op != "-")
    return old, new


def test_a_changed_word_is_a_word_not_its_paragraph() -> None:
    chunks = diff(OLD, NEW)
    assert sides(chunks) == (OLD, NEW)
    changed = [(c.op, c.text) for c in chunks if c.op != "="]
    assert changed == [("-", "500"), ("+", "600"), ("+", " från 1 mars"), ("+", "Ny rad 😀.\n")]
    summary = summarize(chunks)
    assert (summary.changes, summary.added_words, summary.removed_words) == (3, 6, 1)
    assert describe(summary) == "3 changes: 6 words added, 1 removed"  # 😀 is no word
    assert describe(summarize(diff(OLD, OLD))) == "no changes"


def test_plain_rendering_keeps_context_and_marks_each_line() -> None:
    text = render_plain(diff("a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nd\ne\nf\ng\nH\nI\n"), context=1)
    assert text == "g\n[-h-]{+H+}\n{+I+}\n"


@settings(max_examples=200, derandomize=True)
@given(st.text(max_size=200), st.text(max_size=200))
def test_both_texts_come_back_from_any_diff(old: str, new: str) -> None:
    chunks = diff(old, new)
    assert sides(chunks) == (old, new)
    assert all(a.op != b.op for a, b in itertools.pairwise(chunks))
