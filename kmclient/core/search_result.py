"""What a search returns and what is indexed, without Whoosh.

Split from :mod:`kmclient.core.search` so that the engine and the window can
name these types without importing Whoosh (~0.1 s at start): the index itself
is opened on the indexer thread (:mod:`kmclient.core.index_handle`).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

Fragment = tuple[str, bool]  # a piece of snippet text, True where it matches


class SearchDoc(NamedTuple):
    """One document to index; plain tuples in the same order work too."""

    doc_id: str
    title: str
    body: str  # Markdown source
    topics: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class SearchResult:
    doc_id: str
    title: str
    topics: tuple[str, ...]
    score: float
    # Plain text pieces, (text, True) for a highlighted match. Toolkit-neutral
    # and needs no escaping; see snippet_html() for a rich-text label.
    snippet: tuple[Fragment, ...]

    def snippet_text(self) -> str:
        return "".join(text for text, _ in self.snippet)

    def snippet_html(self) -> str:
        """The snippet as HTML-escaped text with matches in <b>...</b>."""
        return "".join(
            f"<b>{html.escape(text)}</b>" if hit else html.escape(text)
            for text, hit in self.snippet
        )
