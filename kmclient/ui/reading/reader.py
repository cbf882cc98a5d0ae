"""The reading view: a document's Markdown rendered by Qt (no web engine).

Live: ``show_markdown`` re-renders in place, keeps the text that was at the
top of the viewport at the top (a colleague's edit above does not scroll
the page away) and can flash the part that changed for a few seconds.

Search words: ``set_search`` marks every word the search would match (the
search's own rules, so "overklaga" marks "Överklaga") until Esc or
``clear_search``; ``next_hit`` walks through them. Marks survive re-renders.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QKeyEvent,
    QResizeEvent,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import QTextBrowser, QTextEdit, QWidget

from kmclient.core.offsets import utf16_len
from kmclient.ui.i18n import tr
from kmserver.protocol.textdiff import diff

WordMatch = Callable[[str], int | None]  # kmclient.core.search_query.highlighter

FLASH_MS = 4000
# Paragraph, line, frame and table-cell boundaries, as selectedText gives them.
_BREAKS = {0x2029: "\n", 0x2028: "\n", 0xFDD0: "\n", 0xFDD1: "\n"}
MAX_FLASHED = 200  # passages marked at once (a whole new text needs no more)
MAX_COLUMN_EM = 44  # comfortable line length while reading on a call
MIN_SIDE_MARGIN = 24


def common_affixes(old: str, new: str) -> tuple[int, int]:
    """Common prefix and suffix lengths, by bisection over slice compares (run in C)."""
    limit = min(len(old), len(new))
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[:mid] == new[:mid]:
            lo = mid
        else:
            hi = mid - 1
    prefix = lo
    lo, hi = 0, limit - prefix
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[len(old) - mid :] == new[len(new) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return prefix, lo


class MarkdownReader(QTextBrowser):
    """Emits ``docLinkClicked(doc_id)`` for links to other documents (``other-doc`` or
    ``other-doc.md``); web and mail links open in the desktop's browser."""

    docLinkClicked = Signal(str)
    searchChanged = Signal()  # search marks set, moved to another hit, or cleared

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reader")
        self.setOpenLinks(False)
        # Lines break between words only: a narrow table cell must not split
        # "Felparkeringsav|gift" (the table scrolls sideways instead).
        self.setWordWrapMode(QTextOption.WrapMode.WordWrap)
        self.anchorClicked.connect(self._on_link)
        self.setAccessibleName(tr("Document"))
        self._source: str | None = None
        self._flash_colour = QColor("#fff3bf")
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.timeout.connect(self.clear_flash)
        self.flashed: tuple[int, int] | None = None  # first to last flashed, for tests and a11y
        self._flash_selections: list[QTextEdit.ExtraSelection] = []
        self._hit_colour = QColor("#fff0a8")
        self._current_colour = QColor("#f5b942")
        self._matcher: WordMatch | None = None
        self.hits: list[tuple[int, int]] = []  # Qt positions of the marked words
        self.current_hit = -1

    @property
    def source_text(self) -> str | None:
        return self._source

    def set_flash_colour(self, colour: str) -> None:
        self._flash_colour = QColor(colour)

    def set_hit_colours(self, hit: str, current: str) -> None:
        self._hit_colour, self._current_colour = QColor(hit), QColor(current)
        self._update_selections()

    def show_markdown(self, markdown: str, *, flash: bool = False) -> None:
        """Render; with ``flash``, highlight what differs from what was shown."""
        if markdown == self._source:
            return
        first = self._source is None
        old_plain = self.aligned_text()
        top = self.cursorForPosition(QPoint(0, 0)).position()
        offset = self.cursorRect(self._cursor_at(top)).top() if not first else 0
        self._source = markdown
        self.document().setMarkdown(markdown)
        # setMarkdown leaves the (invisible) text cursor at the end, and QTextEdit keeps a
        # cursor in view on relayout: park it at the start, then set the scroll ourselves.
        self.setTextCursor(QTextCursor(self.document()))
        self._apply_margins()
        self._find_hits()
        if first:
            self.verticalScrollBar().setValue(0)
            return
        new_plain = self.aligned_text()
        prefix, suffix = common_affixes(old_plain, new_plain)
        old_end = len(old_plain) - suffix
        new_end = len(new_plain) - suffix
        # Keep the line at the top where it was (positions are code points; Qt counts
        # UTF-16 units, close enough for a scroll anchor).
        anchored = top if top <= prefix else top + (new_end - old_end) if top >= old_end else prefix
        anchored = max(0, min(anchored, self.document().characterCount() - 1))
        rect = self.cursorRect(self._cursor_at(anchored))
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + rect.top() - offset)
        if flash and (prefix, new_end) != (len(new_plain), len(new_plain)):
            self._flash_changes(old_plain, new_plain)

    def aligned_text(self) -> str:
        """The document's text with one character per document position (tables and
        frames count positions that toPlainText leaves out), breaks as ``\n``."""
        cursor = QTextCursor(self.document())
        cursor.select(QTextCursor.SelectionType.Document)
        return cursor.selectedText().translate(_BREAKS)

    def _cursor_at(self, position: int) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.setPosition(max(0, min(position, self.document().characterCount() - 1)))
        return cursor

    def _flash_changes(self, old: str, new: str) -> None:
        """Mark every passage that changed (a word diff of the rendered text): added
        words, and the line where words were taken out."""
        spans: list[tuple[int, int]] = []
        units = 0  # where we are in ``new``, in UTF-16 units (Qt's positions)
        for chunk in diff(old, new):
            if chunk.op == "-":
                if not spans or spans[-1][1] != units:
                    spans.append((units, units))  # a deletion: its line is marked
                continue
            if chunk.op == "+":
                # One span per line: a span across table cells would mark the whole table.
                start = units
                for line in chunk.text.split("\n"):
                    if line:
                        spans.append((start, start + utf16_len(line)))
                    start += utf16_len(line) + 1
            units += utf16_len(chunk.text)
        self._flash_selections = [self._selection(s, e) for s, e in spans[:MAX_FLASHED]]
        if self._flash_selections:
            first, last = self._flash_selections[0].cursor, self._flash_selections[-1].cursor
            self.flashed = (first.selectionStart(), last.selectionEnd())
        self._update_selections()
        self._flash_timer.start(FLASH_MS)

    def _selection(self, start: int, end: int) -> QTextEdit.ExtraSelection:
        cursor = self._cursor_at(start)
        if end > start:
            cursor.setPosition(
                min(end, self.document().characterCount() - 1), QTextCursor.MoveMode.KeepAnchor
            )
        else:
            cursor.select(QTextCursor.SelectionType.LineUnderCursor)
        selection = QTextEdit.ExtraSelection()
        selection.cursor = cursor
        selection.format.setBackground(self._flash_colour)
        return selection

    def flash_range(self, start: int, end: int) -> None:
        """Tint Qt positions ``start``-``end`` for a moment (what was just copied)."""
        self._flash_selections = [self._selection(start, end)]
        self.flashed = (start, end)
        self._update_selections()
        self._flash_timer.start(FLASH_MS)

    def clear_flash(self) -> None:
        self._flash_timer.stop()
        self.flashed = None
        self._flash_selections = []
        self._update_selections()

    def refresh(self) -> None:
        """Render the same Markdown again (fonts changed), keeping the search marks."""
        if self._source is not None:
            markdown, self._source = self._source, None
            self.show_markdown(markdown)

    def clear(self) -> None:  # type: ignore[override]
        self._source = None
        self.clear_flash()
        self.clear_search()
        super().clear()

    # -- search words ------------------------------------------------------------------

    def set_search(self, matcher: WordMatch) -> None:
        """Mark the words ``matcher`` accepts and show the first one."""
        self._matcher = matcher
        self._find_hits()
        if self.hits:
            self.show_hit(0)
        self.searchChanged.emit()

    def clear_search(self) -> None:
        if self._matcher is None and not self.hits:
            return
        self._matcher, self.hits, self.current_hit = None, [], -1
        self._update_selections()
        self.searchChanged.emit()

    @property
    def searching(self) -> bool:
        return self._matcher is not None

    def next_hit(self, step: int = 1) -> None:
        if self.hits:
            self.show_hit((self.current_hit + step) % len(self.hits))

    def show_hit(self, index: int) -> None:
        """Make hit ``index`` the current one and scroll it to a third of the way down."""
        self.current_hit = index
        self._update_selections()
        rect = self.cursorRect(self._cursor_at(self.hits[index][0]))
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + rect.top() - self.viewport().height() // 3)
        self.searchChanged.emit()

    def _find_hits(self) -> None:
        """Positions of matching words in what is shown now (after each re-render)."""
        if self._matcher is None:
            return
        # Here, not at start: the search modules import Whoosh (~0.1 s before a first paint).
        from kmclient.core.search_text import WORD_RE

        plain = self.document().toPlainText()
        hits, pos, units = [], 0, 0  # code points -> UTF-16 units, walking forward
        for m in WORD_RE.finditer(plain):
            if self._matcher(m.group()) is None:
                continue
            units += utf16_len(plain[pos : m.start()])
            length = utf16_len(m.group())
            hits.append((units, units + length))
            units += length
            pos = m.end()
        self.hits = hits
        self.current_hit = min(self.current_hit, len(hits) - 1) if hits else -1
        self._update_selections()

    def _update_selections(self) -> None:
        selections = []
        for i, (start, end) in enumerate(self.hits):
            selection = QTextEdit.ExtraSelection()
            cursor = self._cursor_at(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            current = i == self.current_hit
            selection.format.setBackground(self._current_colour if current else self._hit_colour)
            selections.append(selection)
        selections.extend(self._flash_selections)
        self.setExtraSelections(selections)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.searching:
            self.clear_search()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_margins()

    def _apply_margins(self) -> None:
        """Centre a column of readable width; the scroll bar stays at the edge."""
        column = self.fontMetrics().averageCharWidth() * 2 * MAX_COLUMN_EM
        side = max(MIN_SIDE_MARGIN, (self.viewport().width() - column) // 2)
        root = self.document().rootFrame()
        fmt = root.frameFormat()
        if (fmt.leftMargin(), fmt.rightMargin()) == (side, side):
            return
        fmt.setLeftMargin(side)
        fmt.setRightMargin(side)
        fmt.setTopMargin(18)
        fmt.setBottomMargin(32)
        root.setFrameFormat(fmt)

    def _on_link(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto", "tel"):
            QDesktopServices.openUrl(url)
            return
        if url.isRelative() and not url.hasFragment():
            target = url.path().rsplit("/", 1)[-1].removesuffix(".md")
            if target:
                self.docLinkClicked.emit(target)
