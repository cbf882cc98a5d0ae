"""Text that fits whatever width the window has: a label that elides with "…" (and says
it all in its tooltip), and list rows that wrap instead of being cut to one line.

At half a screen (800 px) a rep still reads every comment, notification and
flag in full; a line that cannot wrap (the status bar) ends in "…", never in
the middle of a word.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QSize, Qt, QTimer
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

AnyIndex = QModelIndex | QPersistentModelIndex
HTML_ROLE = Qt.ItemDataRole.UserRole + 90  # rich text of a row (else its display text)
PADDING = 6  # around a wrapped row's text


class ElidedLabel(QLabel):
    """One line that may be shortened with "…" (the tooltip then has all of it)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        # Its whole text when there is room, down to a few letters and "…" when not.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)
        self.setText(text)

    def setText(self, text: str) -> None:  # type: ignore[override]
        self._full = text
        self.setAccessibleName(text)
        self._elide()

    def text(self) -> str:  # type: ignore[override]
        """All of it (what is shown may end in "…": ``shown_text``)."""
        return self._full

    def full_text(self) -> str:
        return self._full

    def shown_text(self) -> str:
        return super().text()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        margins = self.contentsMargins().left() + self.contentsMargins().right()
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + margins + 4, hint.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.minimumWidth(), super().minimumSizeHint().height())

    def resizeEvent(self, event: object) -> None:  # type: ignore[override]
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._elide()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._elide()

    def _elide(self) -> None:
        margins = self.contentsMargins().left() + self.contentsMargins().right()
        room = max(0, self.width() - margins - 2)
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, room)
        super().setText(shown)
        self.setToolTip(self._full if shown != self._full else "")

    @property
    def elided(self) -> bool:
        return super().text() != self._full


class WrappedItemDelegate(QStyledItemDelegate):
    """Rows of any height: the row's text (``HTML_ROLE`` rich text, else its display
    text) wrapped at the view's width. Use with ``wrap_rows(view)``."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view

    def _document(self, option: QStyleOptionViewItem, index: AnyIndex, width: int) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(0)
        rich = index.data(HTML_ROLE)
        if isinstance(rich, str):
            doc.setHtml(rich)
        else:
            text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
            doc.setHtml(html.escape(text).replace("\n", "<br>"))
        doc.setTextWidth(max(width, 40))
        return doc

    def _text_width(self, index: AnyIndex) -> int:
        view = self._view
        width = view.viewport().width() - 2 * PADDING
        if isinstance(view, QTreeView):
            depth, parent = 0, index.parent()
            while parent.isValid():
                depth, parent = depth + 1, parent.parent()
            width -= view.indentation() * (depth + (1 if view.rootIsDecorated() else 0))
        return width

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        width = self._text_width(index)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)  # the row's own font (bold, say)
        doc = self._document(opt, index, width)
        return QSize(width, int(doc.size().height()) + 2 * PADDING)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = self._document(opt, index, option.rect.width() - 2 * PADDING)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        colour = index.data(Qt.ItemDataRole.ForegroundRole)
        text_colour = option.palette.color(role)
        if colour is not None and not selected:
            text_colour = colour.color() if hasattr(colour, "color") else colour
        ctx.palette.setColor(QPalette.ColorRole.Text, text_colour)
        painter.save()
        painter.translate(option.rect.left() + PADDING, option.rect.top() + PADDING)
        doc.documentLayout().draw(painter, ctx)
        painter.restore()


class _Relayout(QObject):
    """Row heights depend on the width: lay the rows out again after a resize."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(30)
        self._timer.timeout.connect(view.doItemsLayout)
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._timer.start()
        return False


def wrap_rows(view: QAbstractItemView) -> WrappedItemDelegate:
    """Give ``view`` wrapped rows that follow its width; returns the delegate."""
    delegate = WrappedItemDelegate(view)
    view.setItemDelegate(delegate)
    view.setWordWrap(True)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    if isinstance(view, QTreeView):
        view.setUniformRowHeights(False)
    _Relayout(view)
    return delegate
