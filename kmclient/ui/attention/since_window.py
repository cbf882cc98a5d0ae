"""Since you last signed in (View ▸ Since you last signed in, Ctrl+Shift+L).

Shown once after the first sync of a session when there is something in it,
without taking focus: must-reads waiting, active broadcasts, documents in
your topics published since your last session (what changed is one click
away), your flags that others moved on, and how many notifications came.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kmclient.core.feedback_model import SinceLastSignIn
from kmclient.ui.attention.broadcast_bar import severity_word
from kmclient.ui.attention.must_read_strip import item_text
from kmclient.ui.i18n import tr, when
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.shell.tool_window import ToolWindow

TARGET = Qt.ItemDataRole.UserRole + 22  # ("doc" | "changes" | "notifications", doc id)


def flag_state_word(state: str) -> str:
    return {
        "acknowledged": tr("acknowledged"),
        "resolved": tr("resolved"),
        "dismissed": tr("dismissed"),
        "open": tr("reopened"),
    }.get(state, state)


class SinceWindow(ToolWindow):
    openDoc = Signal(str)
    openWhatChanged = Signal(str)
    openNotifications = Signal()

    def __init__(self, bridge: EngineBridge, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("sinceWindow")
        self.setWindowTitle(tr("Since you last signed in"))
        self.resize(620, 460)
        self.bridge = bridge
        self.engine = bridge.engine
        self.intro = QLabel()
        self.intro.setObjectName("formIntro")
        self.intro.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("sinceTree")
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.itemActivated.connect(self._activate)
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.open = QPushButton(tr("&Open"))
        self.open.clicked.connect(lambda: self._activate(self.tree.currentItem(), 0))
        self.changes = QPushButton(tr("What &changed"))
        self.changes.clicked.connect(self._show_changes)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.changes)
        buttons.addWidget(self.open)
        buttons.addWidget(self.close_button())
        box = QVBoxLayout(self)
        box.addWidget(self.intro)
        box.addWidget(self.tree, 1)
        box.addLayout(buttons)
        self.counts: dict[str, int] = {}
        self.refresh()

    def refresh(self) -> SinceLastSignIn:
        since = self.engine.since_last_sign_in()
        musts = self.engine.must_reads()
        broadcasts = self.engine.broadcasts()
        self.tree.clear()
        if since.at is not None:
            self.intro.setText(
                tr("Since your last session ended, %1.").replace("%1", when(since.at.isoformat()))
            )
        else:
            self.intro.setText(tr("Welcome: this is your first session on this computer."))
        groups = (
            ("must_reads", tr("Must-reads waiting for you (%n)", "", len(musts)), [
                (item_text(m) + (f" — “{m.note}”" if m.note else ""), ("doc", m.doc_id))
                for m in musts
            ]),
            ("broadcasts", tr("Active broadcasts (%n)", "", len(broadcasts)), [
                (f"{severity_word(b.severity)}: {b.text}", ("doc", b.link) if b.link else None)
                for b in broadcasts
            ]),
            ("published", tr("Published in your topics (%n)", "", len(since.published)), [
                self._published_line(doc_id) for doc_id in since.published
            ]),
            ("flags", tr("Your flags (%n)", "", len(since.my_flags)), [
                (
                    tr("%1: your flag (%2) was %3 by %4")
                    .replace("%1", self._title(f.doc_id))
                    .replace("%2", f.reason)
                    .replace("%3", flag_state_word(f.state))
                    .replace("%4", f.state_by or "")
                    + (f": “{f.state_note}”" if f.state_note else ""),
                    ("doc", f.doc_id),
                )
                for f in since.my_flags
            ]),
        )  # fmt: skip
        self.counts = {}
        for key, head, lines in groups:
            self.counts[key] = len(lines)
            if not lines:
                continue
            top = QTreeWidgetItem([head])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(top)
            for text, target in lines:
                child = QTreeWidgetItem([text])
                child.setData(0, TARGET, target)
                child.setToolTip(0, text)
                top.addChild(child)
            top.setExpanded(True)
        notes = len(since.notifications)
        self.counts["notifications"] = notes
        if notes:
            item = QTreeWidgetItem(
                [tr("%n notifications: open the notification centre", "", notes)]
            )
            item.setData(0, TARGET, ("notifications", None))
            self.tree.addTopLevelItem(item)
        if not self.tree.topLevelItemCount():
            empty = QTreeWidgetItem([tr("Nothing new: you are up to date.")])
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.tree.addTopLevelItem(empty)
        first = self._first_target()
        if first is not None:
            self.tree.setCurrentItem(first)
        self._update_buttons()
        return since

    @property
    def has_news(self) -> bool:
        return any(self.counts.get(k) for k in self.counts)

    def _title(self, doc_id: str) -> str:
        info = self.engine.doc(doc_id)
        return info.title if info else doc_id

    def _published_line(self, doc_id: str) -> tuple[str, tuple[str, str]]:
        info = self.engine.doc(doc_id)
        if info is None or info.published is None:
            return doc_id, ("changes", doc_id)
        p = info.published
        text = f"{p.title} — " + tr("version %1").replace("%1", str(p.rev))
        text += f" · {p.by or ''} {when(p.at)}"
        if p.note:
            text += f": “{p.note}”"
        return text, ("changes", doc_id)

    def _first_target(self) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top.data(0, TARGET):
                return top
            for j in range(top.childCount()):
                if top.child(j).data(0, TARGET):
                    return top.child(j)
        return None

    def _update_buttons(self) -> None:
        item = self.tree.currentItem()
        target = item.data(0, TARGET) if item is not None else None
        self.open.setEnabled(bool(target))
        self.changes.setEnabled(bool(target and target[0] == "changes"))

    def _activate(self, item: QTreeWidgetItem | None, _column: int) -> None:
        target = item.data(0, TARGET) if item is not None else None
        if not target:
            return
        kind, doc_id = target
        if kind == "notifications":
            self.openNotifications.emit()
        elif doc_id:
            self.openDoc.emit(doc_id)

    def _show_changes(self) -> None:
        item = self.tree.currentItem()
        target = item.data(0, TARGET) if item is not None else None
        if target and target[0] == "changes":
            self.openWhatChanged.emit(target[1])
