"""The left pane: the search box, the "my topics / all topics" switch, and either the
document tree or, while a query is typed, the search results."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLineEdit,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kmclient.ui.i18n import tr
from kmclient.ui.library.doc_tree import DocTree
from kmclient.ui.library.search_panel import SearchPanel
from kmclient.ui.shell.theme import LIGHT, Colours, icon


class ScopeBar(QWidget):
    """Two joined buttons: the relevance filter is one click away either way."""

    allTopicsChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scopeBar")
        self.mine = QToolButton()
        self.mine.setObjectName("scopeMine")
        self.mine.setText(tr("My topics"))
        self.mine.setToolTip(tr("Only documents in your topics"))
        self.all = QToolButton()
        self.all.setObjectName("scopeAll")
        self.all.setText(tr("All topics"))
        self.all.setToolTip(tr("Everything you may read (Ctrl+Shift+T)"))
        group = QButtonGroup(self)
        group.setExclusive(True)
        for button in (self.mine, self.all):
            button.setCheckable(True)
            group.addButton(button)
        self.mine.setChecked(True)
        self.all.toggled.connect(self.allTopicsChanged)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.mine)
        row.addWidget(self.all)
        row.addStretch(1)

    def set_all_topics(self, all_topics: bool) -> None:
        (self.all if all_topics else self.mine).setChecked(True)

    def set_available(self, has_topics: bool) -> None:
        """Supervisors and admins have no topics: everything is theirs, no switch."""
        self.setVisible(has_topics)


class Sidebar(QWidget):
    def __init__(self, tree: DocTree, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setAutoFillBackground(True)
        self.search_box = QLineEdit()
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText(tr("Search   Ctrl+K"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setAccessibleName(tr("Search"))
        self._search_icon = self.search_box.addAction(
            icon("search", LIGHT), QLineEdit.ActionPosition.LeadingPosition
        )
        self.scope = ScopeBar()
        self.tree = tree
        self.stack = QStackedWidget()
        self.stack.addWidget(tree)
        self.results: SearchPanel | None = None
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 10, 0, 0)
        column.setSpacing(8)
        top = QVBoxLayout()
        top.setContentsMargins(10, 0, 10, 0)
        top.setSpacing(8)
        top.addWidget(self.search_box)
        top.addWidget(self.scope)
        column.addLayout(top)
        column.addWidget(self.stack, 1)
        self.search_box.textChanged.connect(self._on_text)

    def set_results(self, panel: SearchPanel) -> None:
        self.results = panel
        self.stack.addWidget(panel)

    def _on_text(self, text: str) -> None:
        if self.results is not None:
            self.stack.setCurrentWidget(self.results if text.strip() else self.tree)

    def set_colours(self, colours: Colours) -> None:
        self._search_icon.setIcon(icon("search", colours, colours.muted))
        self.tree.set_colours(colours)
        if self.results is not None:
            self.results.set_colours(colours)

    def showing_results(self) -> bool:
        return self.results is not None and self.stack.currentWidget() is self.results
