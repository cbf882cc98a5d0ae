"""Watch settings: what to be told about a document (Document ▸ Watch) or a topic
(the topic's context menu in the tree): all edits, a digest, mentions only, off,
or the role's default (no setting of one's own). Stored at once, sent when online.

Someone who reads only published versions (a rep) is never told about edits of the
working copy, so "all edits" and "digest" mean the same to them: new versions,
flags and comments. They are offered that one choice, worded so (docs/feedback.md).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QTreeView, QWidget

from kmclient.core.feedback_requests import InvalidRequest, NoSuchDocument, NotAllowed
from kmclient.core.sync_engine import SyncEngine
from kmclient.ui.i18n import tr
from kmclient.ui.library.doc_tree_model import KIND_ROLE, TOPIC_ROLE, topic_label


def levels(reader: bool = False) -> list[tuple[str, str]]:
    """(level, menu words); ``reader``: for someone who sees published versions only."""
    edits = (
        [("digest", tr("&New versions, flags and comments"))]
        if reader
        else [("all_edits", tr("&All edits")), ("digest", tr("&Digest (a summary)"))]
    )
    return [
        *edits,
        ("mentions_only", tr("&Mentions only")),
        ("off", tr("&Off")),
        ("default", tr("De&fault for my role")),
    ]


def fill_levels(
    menu: QMenu,
    current: str | None,
    choose: Callable[[str], None],
    parent: QObject,
    reader: bool = False,
) -> dict[str, QAction]:
    group = QActionGroup(parent)
    made = {}
    shown = current or "default"
    if reader and shown == "all_edits":
        shown = "digest"  # to a reader the same: set before, or from another device
    for level, label in levels(reader):
        action = menu.addAction(label)
        action.setCheckable(True)
        action.setChecked(level == shown)
        action.triggered.connect(lambda _c=False, lv=level: choose(lv))
        group.addAction(action)
        made[level] = action
    return made


class WatchMenus(QObject):
    def __init__(
        self,
        window: QWidget,
        engine: SyncEngine,
        current_doc: Callable[[], str | None],
        tree: QTreeView,
        notice: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self.engine = engine
        self._current_doc = current_doc
        self._notice = notice
        self.doc_menu = QMenu(tr("&Watch"), window)
        self.doc_menu.aboutToShow.connect(self._fill_doc_menu)
        self.doc_actions: dict[str, QAction] = {}
        self.tree = tree
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(self._tree_menu)
        self.topic_menu: QMenu | None = None

    def _fill_doc_menu(self) -> None:
        self.doc_menu.clear()
        doc_id = self._current_doc()
        if doc_id is None:
            self.doc_menu.addAction(tr("Open a document first")).setEnabled(False)
            self.doc_actions = {}
            return
        current = self.engine.watch_level(doc_id=doc_id)
        info = self.engine.doc(doc_id)
        self.doc_actions = fill_levels(
            self.doc_menu,
            current,
            lambda lv: self.set_doc_level(doc_id, lv),
            self.doc_menu,
            reader=info is not None and not info.working,
        )

    def set_doc_level(self, doc_id: str, level: str) -> bool:
        return self._set(lambda: self.engine.watch(doc_id=doc_id, level=level), level)

    def set_topic_level(self, topic: str, level: str) -> bool:
        return self._set(lambda: self.engine.watch(topic=topic, level=level), level, topic)

    def _set(self, call: Callable[[], None], level: str, topic: str | None = None) -> bool:
        try:
            call()
        except (InvalidRequest, NotAllowed, NoSuchDocument) as exc:
            self._notice(tr("Not changed: {reason}").format(reason=exc))
            return False
        reader = self._is_rep() if topic else self._reads_published_only()
        words = dict(levels() + levels(reader))[level].replace("&", "").lower()
        if topic:
            text = tr("Watching topic {topic}: {level}").format(
                topic=topic_label(topic), level=words
            )
        else:
            text = tr("Watching this document: {level}").format(level=words)
        self._notice(text)
        return True

    def _is_rep(self) -> bool:
        """Reps read a topic's published versions only, never its working copies."""
        user = self.engine.user
        return user is not None and user.role == "rep"

    def _reads_published_only(self) -> bool:
        doc_id = self._current_doc()
        info = self.engine.doc(doc_id) if doc_id else None
        return info is not None and not info.working

    def topic_menu_for(self, topic: str) -> QMenu:
        menu = QMenu(self.tree)
        sub = menu.addMenu(tr("&Watch topic “{topic}”").format(topic=topic_label(topic)))
        current = self.engine.watch_level(topic=topic)
        fill_levels(sub, current, lambda lv: self.set_topic_level(topic, lv), menu, self._is_rep())
        self.topic_menu = menu
        return menu

    def _tree_menu(self, pos: QPoint) -> None:
        index = self.tree.indexAt(pos)
        if not index.isValid() or index.data(KIND_ROLE) != "topic":
            return
        menu = self.topic_menu_for(str(index.data(TOPIC_ROLE)))
        menu.popup(self.tree.viewport().mapToGlobal(pos))
