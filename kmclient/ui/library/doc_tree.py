"""The left pane's document tree: topics, documents, new/changed markers, drafts."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

from kmclient.ui.i18n import tr
from kmclient.ui.library.doc_tree_model import (
    COUNT_ROLE,
    KIND_ROLE,
    MARKER_ROLE,
    SHELF_GROUPS,
    STATUS_ROLE,
    TOPIC_ROLE,
    DocTreeModel,
)
from kmclient.ui.shell.theme import LIGHT, Colours
from kmclient.ui.words import status_word

AnyIndex = QModelIndex | QPersistentModelIndex

# Above this many documents topics start collapsed: QTreeView lays out every expanded
# row (about 120 ms for 10,000), and a list that long is for searching, not scrolling.
AUTO_EXPAND_LIMIT = 1500
# What the painted text loses of its row: the sheet's item padding (2 px a side) and the
# style's text margin (3 px a side). Measured the same, a title wraps in the size hint
# exactly when it wraps on screen (more gave one-line titles the height of two).
TEXT_MARGINS = 10


class DocTreeDelegate(QStyledItemDelegate):
    """Draws a marker dot (new/changed), a draft tag, and topic counts, right-aligned."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colours: Colours = LIGHT

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        size = super().sizeHint(option, index)
        metrics = QFontMetrics(option.font)
        height = max(size.height(), metrics.height() + 8)
        view = self.parent()
        if isinstance(view, QTreeView) and view.wordWrap():
            # A title longer than the sidebar is wide wraps (small trees only).
            opt = QStyleOptionViewItem(option)
            self.initStyleOption(opt, index)
            depth = 2 if index.parent().isValid() else 1
            room = view.viewport().width() - view.indentation() * depth - self._reserve(opt, index)
            room -= TEXT_MARGINS  # the style's padding around the text, and a little more
            text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
            wrap = Qt.TextFlag.TextWordWrap
            lines = QFontMetrics(opt.font).boundingRect(0, 0, max(room, 40), 10_000, wrap, text)
            height = max(height, lines.height() + 8)
        return QSize(size.width(), height)

    def _reserve(self, option: QStyleOptionViewItem, index: AnyIndex) -> int:
        """Room kept on the right for the count, draft tag and markers."""
        small = QFont(option.font)
        small.setPointSizeF(small.pointSizeF() * 0.9)
        metrics = QFontMetrics(small)
        reserve = 0
        if index.data(KIND_ROLE) in ("topic", "shelf"):
            reserve += metrics.horizontalAdvance(str(index.data(COUNT_ROLE) or 0)) + 8
        else:
            if index.data(STATUS_ROLE) not in (None, "published"):
                reserve += metrics.horizontalAdvance(status_word(index.data(STATUS_ROLE))) + 14
            marker = index.data(MARKER_ROLE)
            if marker == "new":
                reserve += metrics.horizontalAdvance(tr("new", "a marker")) + 14
            elif marker == "changed":
                reserve += 14
        return reserve + 6

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        c = self.colours
        kind = index.data(KIND_ROLE)
        right = option.rect.right() - 6
        extras: list[tuple[str, QColor, bool]] = []  # text, colour, boxed
        if kind in ("topic", "shelf"):
            extras.append((str(index.data(COUNT_ROLE) or 0), QColor(c.muted), False))
        else:
            if index.data(STATUS_ROLE) not in (None, "published"):
                extras.append((status_word(index.data(STATUS_ROLE)), QColor(c.draft), True))
            marker = index.data(MARKER_ROLE)
            if marker == "new":
                extras.append((tr("new", "a marker"), QColor(c.accent), True))
        reserve = self._reserve(option, index)
        dot = kind == "doc" and index.data(MARKER_ROLE) == "changed"
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        style = opt.widget.style() if opt.widget else None
        if style is not None:  # full-width selection background first
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, opt.widget
            )
        narrowed = QStyleOptionViewItem(option)
        narrowed.rect = option.rect.adjusted(0, 0, -reserve, 0)
        super().paint(painter, narrowed, index)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        x = right
        if dot:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(c.accent_text if selected else c.accent))
            cy = option.rect.center().y()
            painter.drawEllipse(QRect(x - 8, cy - 4, 8, 8))
            x -= 14
        font = option.font
        font.setPointSizeF(font.pointSizeF() * 0.9)
        painter.setFont(font)
        small = QFontMetrics(font)
        for text, colour, boxed in extras:
            width = small.horizontalAdvance(text) + (10 if boxed else 0)
            height = small.height() + 4  # one line high, in the middle of a wrapped row
            top = option.rect.center().y() - height // 2
            box = QRect(x - width, top, width, height)
            shown = QColor(c.accent_text) if selected else colour
            painter.setPen(shown)
            if boxed:
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(box.adjusted(0, 0, -1, -1), 4, 4)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
            x -= width + 6
        painter.restore()


class DocTree(QTreeView):
    """Emits ``docActivated(doc_id)`` when the current row becomes a document."""

    docActivated = Signal(str)

    def __init__(self, model: DocTreeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("docTree")
        self.setModel(model)
        self.setHeaderHidden(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._relayout = QTimer(self)  # wrapped rows: heights follow the width
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(30)
        self._relayout.timeout.connect(self.doItemsLayout)
        self.setIndentation(14)
        self.setAnimated(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAccessibleName(tr("Documents by topic"))
        self.delegate = DocTreeDelegate(self)
        self.setItemDelegate(self.delegate)
        self._model = model
        self._quiet = False  # select_doc() moves the current row without re-opening it
        # A click opens a document on the press; the shelf it changes is shown after the
        # release, which would otherwise select (and "click") the row now under the cursor.
        self._pressing = False
        self._shelf_due = False
        # What the user opened or closed, remembered across resets and scope changes.
        self._collapsed: set[str] = set()
        self._expanded: set[str] = set()
        self._restoring = False
        self.selectionModel().currentChanged.connect(self._on_current)
        self.clicked.connect(self._on_clicked)
        self.collapsed.connect(lambda i: self._note_expanded(i, False))
        self.expanded.connect(lambda i: self._note_expanded(i, True))
        model.modelReset.connect(self._on_reset)
        model.rowsInserted.connect(self._on_rows_inserted)
        self._choose_wrapping()
        self._restore_expansion()

    def _choose_wrapping(self) -> None:
        """Wrapped titles in a knowledge base of ordinary size; one line each (fast) in a
        very large one, where the list is for searching rather than scrolling."""
        small = self._model.doc_count() <= AUTO_EXPAND_LIMIT
        self.setUniformRowHeights(not small)
        self.setWordWrap(small)

    def _on_reset(self) -> None:
        self._choose_wrapping()
        self._restore_expansion()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.wordWrap():
            self._relayout.start()

    def set_colours(self, colours: Colours) -> None:
        self.delegate.colours = colours
        self.viewport().update()

    def select_doc(self, doc_id: str) -> None:
        """Make the document current without emitting docActivated again."""
        indexes = self._model.indexes_of(doc_id)
        if not indexes:
            self.clearSelection()
            return
        if self.currentIndex() in indexes:
            return
        self._quiet = True
        try:
            self.selectionModel().setCurrentIndex(
                indexes[0], self.selectionModel().SelectionFlag.ClearAndSelect
            )
        finally:
            self._quiet = False
        self.scrollTo(indexes[0])

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        doc_id = self._model.doc_id(current)
        if doc_id is not None and not self._quiet:
            self.docActivated.emit(doc_id)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._pressing = True
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        self._pressing = False
        if self._shelf_due:
            self.refresh_shelf()

    def refresh_shelf(self) -> None:
        """Show the shelf anew, keeping the current row if it was on the shelf."""
        if self._pressing:
            self._shelf_due = True
            return
        self._shelf_due = False
        current = self.currentIndex()
        doc_id = self._model.doc_id(current)
        group = current.parent().data(TOPIC_ROLE) if current.isValid() else None
        self._model.refresh_shelf()
        if doc_id is None or group not in SHELF_GROUPS:
            return
        for index in self._model.indexes_of(doc_id):
            if index.parent().data(TOPIC_ROLE) == group:
                self._quiet = True
                try:
                    self.selectionModel().setCurrentIndex(
                        index, self.selectionModel().SelectionFlag.ClearAndSelect
                    )
                finally:
                    self._quiet = False
                return

    def _on_clicked(self, index: QModelIndex) -> None:
        if index.data(KIND_ROLE) in ("topic", "shelf"):
            self.setExpanded(index, not self.isExpanded(index))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            doc_id = self._model.doc_id(self.currentIndex())
            if doc_id is not None:
                self.docActivated.emit(doc_id)
                return
        super().keyPressEvent(event)

    def _note_expanded(self, index: QModelIndex, expanded: bool) -> None:
        if self._restoring:
            return
        topic = str(index.data(TOPIC_ROLE))
        (self._expanded if expanded else self._collapsed).add(topic)
        (self._collapsed if expanded else self._expanded).discard(topic)

    def _wants_expanded(self, topic: str) -> bool:
        if topic in self._expanded or topic in self._collapsed:
            return topic in self._expanded
        return self._model.doc_count() <= AUTO_EXPAND_LIMIT

    def _restore_expansion(self, first: int = 0, last: int | None = None) -> None:
        self._restoring = True
        try:
            end = self._model.rowCount() - 1 if last is None else last
            for row in range(first, end + 1):
                index = self._model.index(row, 0)
                self.setExpanded(index, self._wants_expanded(str(index.data(TOPIC_ROLE))))
        finally:
            self._restoring = False

    def _on_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        if not parent.isValid():
            self._restore_expansion(first, last)
