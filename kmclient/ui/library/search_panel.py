"""Search as you type: the sidebar's search box and its result list.

Queries run on a worker thread against the local Whoosh index (thread-safe
for searching, see ``kmclient.core.search``); only the newest query is run,
older ones are skipped, so typing never waits for the index. Results are
checked against the profile on the GUI thread (the index may lag it by a
batch). While the index is still being built (a first sync), title matches
from the profile fill in, so search is useful from the first second.

The index is opened on the indexer thread after the window's first paint
(``kmclient.core.index_handle``); a query typed before that waits for it on
the worker thread, with the profile's title matches shown meanwhile.

Keys, all from the search box: type to search, Up/Down/PageUp/PageDown move
through results, Enter opens the selected hit (the top hit unless you moved),
Escape clears the box (and a second Escape returns to the document).
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAbstractTextDocumentLayout, QKeyEvent, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from kmclient.core.model import DocInfo
from kmclient.core.search_result import SearchResult
from kmclient.core.trust import Trust
from kmclient.ui.i18n import tr
from kmclient.ui.library.doc_tree_model import topic_label
from kmclient.ui.shell.theme import LIGHT, Colours

AnyIndex = QModelIndex | QPersistentModelIndex
LIMIT = 20
EXTRA_LIMIT = 10  # hits outside the user's topics, listed after theirs
DOC_ID_ROLE = Qt.ItemDataRole.UserRole + 1
FLAG_ROLE = Qt.ItemDataRole.UserRole + 2  # "flagged as outdated by anna 2 h ago" or None
TRUST_ROLE = Qt.ItemDataRole.UserRole + 3  # Trust ("verified 12 days ago by olle") or None


class Searchable(Protocol):
    """A SearchIndex, or the IndexHandle that opens one (waiting for it)."""

    def search(
        self, query: str, topics: Iterable[str] | None = None, limit: int = 20
    ) -> list[SearchResult]: ...


@dataclass(frozen=True)
class Hit:
    result: SearchResult
    outside: bool = False  # not in the user's topics (shown after their hits)


class SearchWorker(QObject):
    """One background thread; ``request`` replaces any query not started yet."""

    resultsReady = Signal(int, object)  # serial, (mine, extra) lists of SearchResult

    def __init__(self, index: Searchable, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._index = index
        self._cond = threading.Condition()
        self._job: tuple[int, str, tuple[str, ...] | None] | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="kmclient-search", daemon=True)
        self._thread.start()

    def request(self, serial: int, query: str, topics: tuple[str, ...] | None) -> None:
        with self._cond:
            self._job = (serial, query, topics)
            self._cond.notify()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify()
        self._thread.join(5.0)

    def _loop(self) -> None:
        while True:
            with self._cond:
                while self._job is None and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                job, self._job = self._job, None
            assert job is not None
            serial, query, topics = job
            try:
                mine = self._index.search(query, topics=topics, limit=LIMIT + 10)
                extra: list[SearchResult] = []
                if topics is not None:
                    extra = self._index.search(query, topics=None, limit=LIMIT + EXTRA_LIMIT)
            except Exception:  # a closed index at shutdown, a Whoosh hiccup: no results
                mine, extra = [], []
            self.resultsReady.emit(serial, (mine, extra))


class SearchResultsModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hits: list[Hit] = []
        # engine.open_flag_summary: a dict lookup per row, so asked at paint time.
        self.flag_summary: Callable[[str], str | None] = lambda _doc_id: None
        # How current the document is (kmclient.core.trust): also cheap, also at paint time.
        self.trust: Callable[[str], Trust | None] = lambda _doc_id: None

    def set_hits(self, hits: list[Hit]) -> None:
        self.beginResetModel()
        self.hits = hits
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.hits)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self.hits):
            return None
        hit = self.hits[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{hit.result.title}: {hit.result.snippet_text()}"
        if role == DOC_ID_ROLE:
            return hit.result.doc_id
        if role == FLAG_ROLE:
            return self.flag_summary(hit.result.doc_id)
        if role == TRUST_ROLE:
            return self.trust(hit.result.doc_id)
        if role == Qt.ItemDataRole.UserRole:
            return hit
        return None


class SnippetDelegate(QStyledItemDelegate):
    """Title, topics and a snippet with the matched words highlighted."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.colours: Colours = LIGHT

    def _document(
        self,
        option: QStyleOptionViewItem,
        hit: Hit,
        selected: bool,
        flag: str | None = None,
        standing: Trust | None = None,
    ) -> QTextDocument:
        c = self.colours
        r = hit.result
        muted = c.accent_text if selected else c.muted
        hit_bg = "transparent" if selected else c.highlight_hit
        snippet = "".join(
            f'<span style="background:{hit_bg}; font-weight:600">{html.escape(t)}</span>'
            if is_hit
            else html.escape(t)
            for t, is_hit in r.snippet
        )
        topics = html.escape(", ".join(topic_label(t) for t in r.topics))
        if hit.outside:
            topics += " · " + tr("not in your topics")
        if standing is not None:  # how current it is, on the same line: rows stay short
            shown = html.escape(standing.text)
            if standing.overdue and not selected:
                shown = f'<span style="color:{c.flag}; font-weight:600">{shown}</span>'
            topics += f" · {shown}"
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(0)
        colour = c.accent_text if selected else c.text
        doc.setHtml(
            f'<div style="color:{colour}"><b>{html.escape(r.title)}</b></div>'
            f'<div style="color:{muted}; font-size:small">{topics}</div>'
            f'<div style="color:{colour}">{snippet}</div>'
            + (
                f'<div style="color:{c.accent_text if selected else c.flag}; font-size:small">'
                f"⚑ {html.escape(flag)}</div>"
                if flag
                else ""
            )
        )
        doc.setTextWidth(max(option.rect.width() - 20, 80))
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        hit = index.data(Qt.ItemDataRole.UserRole)
        if not isinstance(hit, Hit):
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        doc = self._document(option, hit, selected, index.data(FLAG_ROLE), index.data(TRUST_ROLE))
        painter.save()
        painter.translate(option.rect.left() + 10, option.rect.top() + 7)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        ctx.palette.setColor(QPalette.ColorRole.Text, option.palette.color(QPalette.ColorRole.Text))
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        hit = index.data(Qt.ItemDataRole.UserRole)
        if not isinstance(hit, Hit):
            return super().sizeHint(option, index)
        width = option.rect.width() if option.rect.width() > 0 else 280
        opt = QStyleOptionViewItem(option)
        opt.rect.setWidth(width)
        doc = self._document(opt, hit, False, index.data(FLAG_ROLE), index.data(TRUST_ROLE))
        return QSize(width, int(doc.size().height()) + 14)


class SearchPanel(QWidget):
    """The result list under the sidebar's search box (which the window owns)."""

    openDoc = Signal(str)  # the user chose a hit
    resultsShown = Signal(str, int)  # query, number of hits (tests and status)
    leave = Signal()  # Escape on an empty box: back to the document

    def __init__(
        self,
        box: QLineEdit,
        worker: SearchWorker,
        lookup: Callable[[str], DocInfo | None],
        documents: Callable[[bool], list[DocInfo]],
        relevance: Callable[[], tuple[str, ...] | None],
        index_ready: Callable[[], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.box = box
        self._worker = worker
        self._lookup = lookup
        self._documents = documents
        self._relevance = relevance
        self._index_ready = index_ready
        self._serial = 0
        self._shown_serial = 0
        self.query = ""
        self.model = SearchResultsModel(self)
        self.list = QListView()
        self.list.setObjectName("searchResults")
        self.list.setModel(self.model)
        self.list.setAccessibleName(tr("Search results"))
        self.list.setUniformItemSizes(False)
        self.list.setWordWrap(True)
        self.list.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.list.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # keys come from the box
        self.delegate = SnippetDelegate(self.list)
        self.list.setItemDelegate(self.delegate)
        self.hint = QLabel()
        self.hint.setObjectName("searchHint")
        self.hint.setWordWrap(True)
        self.hint.setContentsMargins(10, 6, 10, 6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.hint)
        self._relayout = QTimer(self)  # row heights depend on the width
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(50)
        self._relayout.timeout.connect(self.list.doItemsLayout)

        worker.resultsReady.connect(self._on_results)
        box.textChanged.connect(self._on_text)
        box.installEventFilter(self)
        box.returnPressed.connect(self.open_current)
        self.list.clicked.connect(lambda i: self._open_index(i))
        self.list.activated.connect(lambda i: self._open_index(i))

    def set_colours(self, colours: Colours) -> None:
        self.delegate.colours = colours
        self.list.viewport().update()

    def rows_changed(self) -> None:
        """What a row shows besides the hit changed (a flag, how current it is): its
        height may have too, so lay the rows out again (else one paints over the next)."""
        rows = self.model.rowCount()
        if rows:
            self.model.dataChanged.emit(self.model.index(0, 0), self.model.index(rows - 1, 0))
            self.list.doItemsLayout()

    def resizeEvent(self, event: object) -> None:  # type: ignore[override]
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._relayout.start()

    # -- querying ----------------------------------------------------------------------

    def _on_text(self, text: str) -> None:
        self.query = text.strip()
        self.refresh()

    def refresh(self) -> None:
        """Ask again (after typing, a scope change or new documents)."""
        if not self.query:
            self.model.set_hits([])
            self.hint.clear()
            return
        self._serial += 1
        self._worker.request(self._serial, self.query, self._relevance())

    def _on_results(self, serial: int, found: object) -> None:
        if serial != self._serial:
            return  # an older query finished late: a newer one is coming
        mine, extra = found  # type: ignore[misc]
        mine = [r for r in mine if self._lookup(r.doc_id)][:LIMIT]
        seen = {r.doc_id for r in mine}
        hits = [Hit(r) for r in mine]
        outside = [r for r in extra if r.doc_id not in seen and self._lookup(r.doc_id)]
        hits += [Hit(r, outside=True) for r in outside[:EXTRA_LIMIT]]
        ready = self._index_ready()
        if not ready:
            hits += self._title_matches({h.result.doc_id for h in hits})
        self.model.set_hits(hits)
        if hits:
            self.list.setCurrentIndex(self.model.index(0, 0))
            self.list.scrollToTop()
        self._shown_serial = serial
        if not ready:
            self.hint.setText(
                tr("The search index is still being built; some answers may be missing.")
            )
        elif not hits:
            self.hint.setText(tr("Nothing found for “{query}”.").format(query=self.query))
        else:
            self.hint.setText(tr("Enter opens · ↑↓ move · Esc clears"))
        self.resultsShown.emit(self.query, len(hits))

    def _title_matches(self, skip: set[str]) -> list[Hit]:
        words = self.query.casefold().split()
        found: list[Hit] = []
        for info in self._documents(self._relevance() is None):
            if info.id in skip:
                continue
            title = info.title.casefold()
            if all(w in title for w in words):
                found.append(Hit(SearchResult(info.id, info.title, info.topics, 0.0, ())))
                if len(found) >= LIMIT:
                    break
        return found

    # -- choosing ----------------------------------------------------------------------

    def current_doc(self) -> str | None:
        index = self.list.currentIndex()
        if not index.isValid() and self.model.rowCount():
            index = self.model.index(0, 0)
        value = index.data(DOC_ID_ROLE) if index.isValid() else None
        return value if isinstance(value, str) else None

    def open_current(self) -> None:
        doc_id = self.current_doc()
        if doc_id is not None:
            self.openDoc.emit(doc_id)

    def _open_index(self, index: QModelIndex) -> None:
        value = index.data(DOC_ID_ROLE)
        if isinstance(value, str):
            self.openDoc.emit(value)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.box and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            steps = {
                Qt.Key.Key_Down: 1,
                Qt.Key.Key_Up: -1,
                Qt.Key.Key_PageDown: 5,
                Qt.Key.Key_PageUp: -5,
            }
            if key in steps and self.model.rowCount():
                row = self.list.currentIndex().row() if self.list.currentIndex().isValid() else -1
                row = max(0, min(self.model.rowCount() - 1, row + steps[key]))
                self.list.setCurrentIndex(self.model.index(row, 0))
                return True
            if key == Qt.Key.Key_Escape:
                if self.box.text():
                    self.box.clear()
                else:
                    self.leave.emit()
                return True
        return False
