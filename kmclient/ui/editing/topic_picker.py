"""Choosing a document's topics: the topics the knowledge base already has, ticked in a
list (Space toggles), plus a box to add a new one (Enter adds it, ticked)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kmclient.ui.editing.doc_ids import topic_key
from kmclient.ui.library.doc_tree_model import topic_label

TOPIC_ROLE = Qt.ItemDataRole.UserRole + 1
VISIBLE_ROWS = 7  # shown at once; more scroll
MIN_ROWS = 4


class TopicPicker(QWidget):
    changed = Signal()

    def __init__(
        self,
        known: Iterable[str],
        chosen: Iterable[str] = (),
        first: Iterable[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        """``known`` topics are listed (``first`` ones at the top, e.g. the user's own)."""
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setObjectName("topicList")
        self.list.setAccessibleName("Topics")
        self.list.setUniformItemSizes(True)
        self.new_topic = QLineEdit()
        self.new_topic.setPlaceholderText("Another topic…")
        self.new_topic.setAccessibleName("New topic")
        self.new_topic.installEventFilter(self)
        self.add_button = QPushButton("Add")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_typed)
        self.new_topic.textChanged.connect(lambda t: self.add_button.setEnabled(bool(topic_key(t))))
        self.add_button.setEnabled(False)
        chosen = list(dict.fromkeys(chosen))
        mine = list(dict.fromkeys(first))
        rest = (set(known) | set(chosen)) - set(mine)
        for topic in [*mine, *sorted(rest, key=lambda t: topic_label(t).casefold())]:
            self._add_item(topic, topic in chosen)
        self.list.setSpacing(1)
        rows = min(max(self.list.count(), MIN_ROWS), VISIBLE_ROWS)
        frame = 2 * self.list.frameWidth() + 4
        row = self.list.sizeHintForRow(0) + 2 * self.list.spacing()
        self.list.setFixedHeight(row * rows + frame)
        self.list.itemChanged.connect(lambda _item: self.changed.emit())
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.new_topic, 1)
        row.addWidget(self.add_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(6)
        box.addWidget(self.list)
        box.addLayout(row)

    def topics(self) -> list[str]:
        """The ticked topics, in list order."""
        return [
            str(item.data(TOPIC_ROLE))
            for item in (self.list.item(i) for i in range(self.list.count()))
            if item.checkState() == Qt.CheckState.Checked
        ]

    def add_typed(self) -> None:
        key = topic_key(self.new_topic.text())
        if not key:
            return
        existing = self._item(key)
        if existing is None:
            existing = self._add_item(key, True)
        existing.setCheckState(Qt.CheckState.Checked)
        self.list.scrollToItem(existing)
        self.new_topic.clear()

    def _item(self, topic: str) -> QListWidgetItem | None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(TOPIC_ROLE) == topic:
                return item
        return None

    def _add_item(self, topic: str, checked: bool) -> QListWidgetItem:
        item = QListWidgetItem(topic_label(topic))
        item.setData(TOPIC_ROLE, topic)
        flag = Qt.ItemFlag
        item.setFlags(flag.ItemIsEnabled | flag.ItemIsUserCheckable | flag.ItemIsSelectable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.list.addItem(item)
        return item

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter in "Another topic" adds it; it must not press the dialog's default button.
        if watched is self.new_topic and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.new_topic.text():
                self.add_typed()
                return True
        return False
