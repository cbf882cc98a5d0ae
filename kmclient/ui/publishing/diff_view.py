"""A word diff, readable: added words on green, removed words struck through on red.

Shows the whole text with the changes in place (context), or with ``compact``
only the paragraphs that changed, "…" between them. Rendering is plain HTML
in a QTextBrowser: no web engine, fast for a 50 KB article.
"""

from __future__ import annotations

import html

from PySide6.QtWidgets import QTextBrowser, QWidget

from kmclient.ui.i18n import tr
from kmclient.ui.shell.theme import LIGHT, Colours
from kmclient.ui.words import diff_words
from kmserver.protocol.textdiff import Chunk, diff, summarize

CONTEXT_PARAGRAPHS = 1


def diff_html(chunks: list[Chunk], colours: Colours = LIGHT, compact: bool = False) -> str:
    """HTML of a word diff, one paragraph per paragraph of the Markdown; with
    ``compact`` only the paragraphs that changed and one on each side."""
    added = f"background:{colours.added_bg};color:{colours.text};"
    removed = (
        f"background:{colours.removed_bg};color:{colours.removed};text-decoration:line-through;"
    )
    paragraphs: list[str] = [""]
    for chunk in chunks:
        style = added if chunk.op == "+" else removed if chunk.op == "-" else None
        # A chunk may span paragraphs: each piece is marked in its own paragraph.
        for i, piece in enumerate(chunk.text.split("\n\n")):
            if i:
                paragraphs.append("")
            text = html.escape(piece).replace("\n", "<br>")
            if text and style:
                text = f'<span style="{style}">{text}</span>'
            paragraphs[-1] += text
    paragraphs = [p for p in paragraphs if p.strip()]
    shown: list[str | None] = list(paragraphs)  # None: "…", paragraphs left out
    if compact:
        shown = _compact(paragraphs)
    gap = f'<p style="color:{colours.muted}; margin:2px 0">…</p>'
    return "".join(gap if p is None else f'<p style="margin:0 0 8px 0">{p}</p>' for p in shown)


def _compact(paragraphs: list[str]) -> list[str | None]:
    changed = [i for i, p in enumerate(paragraphs) if "<span" in p]
    if not changed:
        return list(paragraphs)
    keep: set[int] = set()
    for i in changed:
        keep.update(range(max(0, i - CONTEXT_PARAGRAPHS), i + CONTEXT_PARAGRAPHS + 1))
    out: list[str | None] = []
    last = -1
    for i in sorted(k for k in keep if k < len(paragraphs)):
        if i != last + 1:
            out.append(None)
        out.append(paragraphs[i])
        last = i
    if last < len(paragraphs) - 1:
        out.append(None)
    return out


class DiffView(QTextBrowser):
    """The diff of two texts; ``summary`` says it in words ("2 changes: 14 words added")."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("diffView")
        self.setAccessibleName(tr("Changes"))
        self.setOpenLinks(False)
        self.colours: Colours = LIGHT
        self.summary = ""
        self.empty = True  # the texts shown are the same
        self.compact = False
        self._texts: tuple[str, str] | None = None

    def set_colours(self, colours: Colours) -> None:
        self.colours = colours
        self._render()

    def set_compact(self, compact: bool) -> None:
        self.compact = compact
        self._render()

    def show_diff(self, old: str, new: str) -> str:
        """Show what changed from ``old`` to ``new``; returns the summary."""
        self._texts = (old, new)
        self._render()
        return self.summary

    def show_message(self, text: str) -> None:
        self._texts = None
        self.summary = ""
        self.setHtml(f'<p style="color:{self.colours.muted}">{html.escape(text)}</p>')

    def _render(self) -> None:
        if self._texts is None:
            return
        chunks = diff(*self._texts)
        changes = summarize(chunks)
        self.empty = changes.empty
        self.summary = diff_words(changes)
        self.setHtml(diff_html(chunks, self.colours, self.compact))
