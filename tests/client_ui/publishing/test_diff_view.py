"""The word diff as readers see it: marks never leak across paragraphs; compact keeps
the changed paragraphs with one on each side."""

from __future__ import annotations

import re

from kmclient.ui.publishing.diff_view import diff_html
from kmserver.protocol.textdiff import diff

OLD = "".join(f"Stycke {i}.\n\n" for i in range(10))
NEW = OLD.replace("Stycke 5.", "Stycke 5, ändrat.") + "## Nytt\n\nSista stycket.\n"


def paragraphs(html: str) -> list[str]:
    return re.findall(r"<p[^>]*>(.*?)</p>", html)


def test_every_paragraph_closes_its_own_marks() -> None:
    for p in paragraphs(diff_html(diff(OLD, NEW))):
        assert p.count("<span") == p.count("</span>")
    last = paragraphs(diff_html(diff(OLD, NEW)))[-1]
    assert "Sista stycket." in last and "<span" in last  # marked although a new paragraph


def test_compact_shows_the_changes_and_their_neighbours() -> None:
    shown = [re.sub("<[^>]+>", "", p) for p in paragraphs(diff_html(diff(OLD, NEW), compact=True))]
    assert shown == [
        "…",
        "Stycke 4.",
        "Stycke 5, ändrat.",
        "Stycke 6.",
        "…",
        "Stycke 9.",
        "## Nytt",
        "Sista stycket.",
    ]
