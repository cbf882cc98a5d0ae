"""Topics and their documents, as a two-level Qt item model.

Top-level rows are topics, children are documents, sorted by title. A
document with two topics appears under both. With the relevance filter on
(the default) only the user's own topics are shown; "all topics" shows every
topic the user may read. Documents without topics go to "Other". Above the
topics, the user's shelf (``Shelf``): "Pinned" in the order pinned and
"Recently viewed", most recent first, whatever the topic filter.

Updates are incremental (insert/remove/dataChanged per row), so the view
keeps its expansion, selection and scroll while a sync runs; a very large
batch (a first sync) is one reset instead, cheaper than thousands of inserts.
That reset is built in steps (``reload_in_steps``): the rows are sorted into
their topics a slice at a time, across event-loop turns, while the view goes
on showing the old rows; the finished rows replace them in one cheap reset
(10,000 documents: 20-40 ms of one GUI turn before, a few ms per turn now).
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QFont

from kmclient.core.model import DocInfo
from kmclient.ui.i18n import tr
from kmclient.ui.library.shelf import Shelf
from kmclient.ui.reading.read_state import Marker
from kmclient.ui.words import status_word

OTHER = ""  # the group of documents without topics
PINNED, RECENT = "\x01pinned", "\x01recent"  # the shelf's groups (never a topic's name)
SHELF_GROUPS = (PINNED, RECENT)
RESET_THRESHOLD = 400  # changed documents in one batch above which a reset is cheaper
STEP_S = 0.006  # GUI-thread time per event-loop turn for a reload in steps
STEP_DOCS = 250  # documents placed between looks at the clock

KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # "topic" | "shelf" | "doc"
DOC_ID_ROLE = Qt.ItemDataRole.UserRole + 2
MARKER_ROLE = Qt.ItemDataRole.UserRole + 3  # "new" | "changed" | None
STATUS_ROLE = Qt.ItemDataRole.UserRole + 4  # "published" | "draft" | ...
COUNT_ROLE = Qt.ItemDataRole.UserRole + 5  # documents in a topic
TOPIC_ROLE = Qt.ItemDataRole.UserRole + 6

AnyIndex = QModelIndex | QPersistentModelIndex


def topic_label(topic: str) -> str:
    """``building-permits`` -> ``Building permits``."""
    if topic == OTHER:
        return tr("Other", "a topic")
    if topic == PINNED:
        return tr("Pinned")
    if topic == RECENT:
        return tr("Recently viewed")
    words = topic.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _sort_key(info: DocInfo) -> tuple[str, str]:
    return (info.title.casefold(), info.id)


def _topics_in(info: DocInfo, wanted: tuple[str, ...] | None) -> list[str]:
    topics = list(info.topics) or [OTHER]
    if wanted is None:
        return topics
    return [t for t in topics if t in wanted]


def _first(pair: tuple[tuple[str, str], DocInfo]) -> tuple[str, str]:
    return pair[0]


@dataclass
class _Group:
    topic: str
    key: int  # internalId of its children; stable while the group exists
    docs: list[DocInfo] = field(default_factory=list)
    keys: list[tuple[str, str]] = field(default_factory=list)  # sort keys, parallel to docs

    def position(self, info: DocInfo) -> int:
        return bisect.bisect_left(self.keys, _sort_key(info))

    def find(self, info: DocInfo) -> int:
        row = self.position(info)
        if row < len(self.docs) and self.docs[row].id == info.id:
            return row
        return -1


class DocTreeModel(QAbstractItemModel):
    """Reads documents from ``source()`` (the engine's ``documents(all_topics)``)."""

    def __init__(
        self,
        documents: Callable[[bool], list[DocInfo]],
        relevance: Callable[[bool], tuple[str, ...] | None],
        marker: Callable[[str], Marker | None],
        parent: Any = None,
        shelf: Shelf | None = None,
        lookup: Callable[[str], DocInfo | None] | None = None,
        unsorted: Callable[[], Iterable[DocInfo]] | None = None,
    ) -> None:
        """``unsorted``: every document, in any order (a reload in steps sorts
        them a topic at a time, rather than all of them in one go)."""
        super().__init__(parent)
        self._unsorted = unsorted
        self._shelf = shelf
        self._lookup = lookup or (lambda _doc_id: None)
        self._shelf_version = -1
        self._documents = documents
        self._relevance = relevance
        self._marker = marker
        self._all_topics = False
        self._groups: list[_Group] = []
        self._by_key: dict[int, _Group] = {}
        self._placed: dict[str, DocInfo] = {}  # doc id -> the info its rows show
        self._next_key = 1
        self._bold = QFont()
        self._bold.setBold(True)
        # A reload in steps: its remaining work, and what changed meanwhile.
        self._steps: Iterator[None] | None = None
        self._changed_meanwhile: set[str] = set()
        self._lookup_meanwhile: Callable[[str], DocInfo | None] = self._lookup
        self._step_timer = QTimer(self)
        self._step_timer.setSingleShot(True)
        self._step_timer.setInterval(0)
        self._step_timer.timeout.connect(self._step)
        self._rebuild()

    # -- what is shown ---------------------------------------------------------------

    @property
    def all_topics(self) -> bool:
        return self._all_topics

    def set_all_topics(self, all_topics: bool) -> None:
        if all_topics != self._all_topics:
            self._all_topics = all_topics
            self.reload()

    def reload(self) -> None:
        self._cancel_steps()
        self.beginResetModel()
        self._rebuild()
        self.endResetModel()

    @property
    def stepping(self) -> bool:
        """A reload in steps is under way (the rows shown are the old ones)."""
        return self._steps is not None

    def reload_in_steps(self) -> None:
        """What ``reload`` does, without holding the GUI thread: the new rows are
        built a slice per event-loop turn (``STEP_S``) and replace the old ones in
        one reset at the end. Until then the view shows the old rows; documents
        updated meanwhile (``update_docs``) are brought up to date after it."""
        if self._steps is None:
            self._steps = self._rebuild_steps()
        self._step_timer.start()

    def _cancel_steps(self) -> None:
        self._steps = None
        self._changed_meanwhile.clear()
        self._step_timer.stop()

    def _step(self) -> None:
        if self._steps is None:
            return
        deadline = time.perf_counter() + STEP_S
        for _ in self._steps:
            if time.perf_counter() > deadline:
                self._step_timer.start()
                return

    def _rebuild_steps(self) -> Iterator[None]:
        """``_rebuild`` in slices; the last one swaps the rows in (one reset)."""
        all_topics = self._all_topics
        wanted = self._relevance(all_topics)
        # A snapshot; later changes come as update_docs. Unsorted if it can be (30,000
        # titles sorted at once: 35-140 ms of one turn); each topic is sorted below.
        docs = list(self._unsorted() if self._unsorted else self._documents(all_topics))
        yield
        buckets: dict[str, list[tuple[tuple[str, str], DocInfo]]] = {}
        placed: dict[str, DocInfo] = {}
        for start in range(0, len(docs), STEP_DOCS):
            for info in docs[start : start + STEP_DOCS]:
                if not info.relevant_to(wanted):
                    continue
                pair = (_sort_key(info), info)
                for topic in _topics_in(info, wanted):
                    buckets.setdefault(topic, []).append(pair)
                placed[info.id] = info
            yield
        sorted_buckets: list[tuple[str, list[tuple[tuple[str, str], DocInfo]]]] = []
        for topic in sorted(buckets, key=self._group_order):
            sorted_buckets.append((topic, sorted(buckets[topic], key=_first)))
            yield
        changed, self._changed_meanwhile = self._changed_meanwhile, set()
        self._steps = None
        self.beginResetModel()
        self._by_key, self._placed = {}, placed
        self._groups = self._shelf_groups()
        for topic, pairs in sorted_buckets:
            group = self._new_group(topic)
            group.docs = [info for _key, info in pairs]
            group.keys = [key for key, _info in pairs]
            self._groups.append(group)
        self.endResetModel()
        if changed:  # what changed after the snapshot
            self.update_docs(changed, self._lookup_meanwhile)

    def doc_count(self) -> int:
        return len(self._placed)

    def topics(self) -> list[str]:
        return [g.topic for g in self._groups]

    def contains(self, doc_id: str) -> bool:
        return doc_id in self._placed

    def _rebuild(self) -> None:
        self._groups, self._by_key, self._placed = [], {}, {}
        # Unsorted if it can be: each topic is sorted below, each sort key computed
        # once (sorting every title first as well cost a window opening at 10,000
        # documents ~20 ms more).
        unsorted = self._unsorted is not None
        docs = self._unsorted() if self._unsorted else self._documents(self._all_topics)
        wanted = self._relevance(self._all_topics)
        buckets: dict[str, list[tuple[tuple[str, str], DocInfo]]] = {}
        for info in docs:
            if unsorted and not info.relevant_to(wanted):
                continue
            pair = (_sort_key(info), info)
            for topic in _topics_in(info, wanted):
                buckets.setdefault(topic, []).append(pair)
            self._placed[info.id] = info
        self._groups = self._shelf_groups()
        for topic in sorted(buckets, key=self._group_order):
            group = self._new_group(topic)
            pairs = sorted(buckets[topic], key=_first)
            group.docs = [info for _key, info in pairs]
            group.keys = [key for key, _info in pairs]
            self._groups.append(group)

    # -- the shelf -------------------------------------------------------------------

    def _shelf_groups(self) -> list[_Group]:
        """Pinned and recently viewed, in the shelf's order (keys: the position)."""
        shelf = self._shelf
        if shelf is None:
            return []
        self._shelf_version = shelf.version
        made = []
        for name, ids in ((PINNED, shelf.pinned()), (RECENT, shelf.recent())):
            infos = [i for i in (self._lookup(d) for d in ids) if i is not None]
            if infos:
                group = self._new_group(name)
                group.docs = infos
                group.keys = [(f"{n:04d}", i.id) for n, i in enumerate(infos)]
                made.append(group)
        return made

    def shelf_rows(self) -> int:
        return sum(1 for g in self._groups if g.topic in SHELF_GROUPS)

    def refresh_shelf(self, force: bool = False) -> None:
        """Show the shelf as it is now (pinned, unpinned, viewed, renamed)."""
        if self._shelf is None or (self._shelf.version == self._shelf_version and not force):
            return
        old = self.shelf_rows()
        if old:
            self.beginRemoveRows(QModelIndex(), 0, old - 1)
            for group in self._groups[:old]:
                del self._by_key[group.key]
            del self._groups[:old]
            self.endRemoveRows()
        made = self._shelf_groups()
        if made:
            self.beginInsertRows(QModelIndex(), 0, len(made) - 1)
            self._groups[0:0] = made
            self.endInsertRows()

    def _new_group(self, topic: str) -> _Group:
        group = _Group(topic, self._next_key)
        self._next_key += 1
        self._by_key[group.key] = group
        return group

    def _topics_of(self, info: DocInfo) -> list[str]:
        return _topics_in(info, self._relevance(self._all_topics))

    def _group_order(self, topic: str) -> tuple[int, int, str]:
        if topic in SHELF_GROUPS:
            return (-1, SHELF_GROUPS.index(topic), "")
        mine = self._relevance(False) or ()
        if topic in mine:
            return (0, mine.index(topic), "")
        return (2 if topic == OTHER else 1, 0, topic_label(topic).casefold())

    # -- incremental updates -----------------------------------------------------------

    def update_docs(self, doc_ids: Iterable[str], lookup: Callable[[str], DocInfo | None]) -> bool:
        """Bring these documents' rows up to date (new, changed, moved or gone);
        True when that is a reset (every row will be new: nothing left to repaint).
        Many documents (a first sync) are a reload in steps; during one, the
        documents are noted and brought up to date when it ends."""
        ids = list(dict.fromkeys(doc_ids))
        if len(ids) > RESET_THRESHOLD:
            self.reload_in_steps()
            return True
        if self._steps is not None:
            self._changed_meanwhile.update(ids)
            self._lookup_meanwhile = lookup
            return False
        wanted = self._relevance(self._all_topics)
        for doc_id in ids:
            info = lookup(doc_id)
            if info is not None and not info.relevant_to(wanted):
                info = None
            self._update_one(doc_id, info)
        shelved = self._shelf is not None and any(
            g.topic in SHELF_GROUPS and any(d.id in ids for d in g.docs) for g in self._groups
        )
        if shelved:  # a renamed or removed document on the shelf
            self.refresh_shelf(force=True)
        return False

    def _update_one(self, doc_id: str, info: DocInfo | None) -> None:
        old = self._placed.get(doc_id)
        old_topics = self._topics_of(old) if old else []
        new_topics = self._topics_of(info) if info else []
        if old is not None and info is not None and _sort_key(old) == _sort_key(info):
            for topic in old_topics:  # same place: swap the info, repaint
                if topic in new_topics:
                    group = self._group(topic)
                    if group is not None:
                        row = group.find(old)
                        if row >= 0:
                            group.docs[row] = info
                            self._changed(self.createIndex(row, 0, group.key))
            self._placed[doc_id] = info
            kept = set(old_topics) & set(new_topics)
            old_topics = [t for t in old_topics if t not in kept]
            new_topics = [t for t in new_topics if t not in kept]
            old = info
        for topic in old_topics:
            if old is not None:
                self._remove_row(topic, old)
        if info is None:
            self._placed.pop(doc_id, None)
            return
        self._placed[doc_id] = info
        for topic in new_topics:
            self._insert_row(topic, info)

    def _remove_row(self, topic: str, info: DocInfo) -> None:
        group = self._group(topic)
        if group is None:
            return
        row = group.find(info)
        if row < 0:
            return
        parent = self.createIndex(self._groups.index(group), 0, 0)
        self.beginRemoveRows(parent, row, row)
        del group.docs[row]
        del group.keys[row]
        self.endRemoveRows()
        if not group.docs:
            top = self._groups.index(group)
            self.beginRemoveRows(QModelIndex(), top, top)
            del self._groups[top]
            del self._by_key[group.key]
            self.endRemoveRows()
        else:
            self._changed(parent)  # its count

    def _insert_row(self, topic: str, info: DocInfo) -> None:
        group = self._group(topic)
        if group is None:
            order = [self._group_order(g.topic) for g in self._groups]
            top = bisect.bisect_left(order, self._group_order(topic))
            self.beginInsertRows(QModelIndex(), top, top)
            group = self._new_group(topic)
            self._groups.insert(top, group)
            self.endInsertRows()
        parent = self.createIndex(self._groups.index(group), 0, 0)
        row = group.position(info)
        self.beginInsertRows(parent, row, row)
        group.docs.insert(row, info)
        group.keys.insert(row, _sort_key(info))
        self.endInsertRows()
        self._changed(parent)

    def refresh_marker(self, doc_id: str) -> None:
        """Repaint the rows of a document whose new/changed marker moved."""
        for index in self.indexes_of(doc_id):
            self._changed(index)

    def _changed(self, index: QModelIndex) -> None:
        self.dataChanged.emit(index, index)

    def _group(self, topic: str) -> _Group | None:
        for group in self._groups:
            if group.topic == topic:
                return group
        return None

    # -- lookups ---------------------------------------------------------------------

    def indexes_of(self, doc_id: str) -> list[QModelIndex]:
        """Its rows under topics first, then on the shelf."""
        info = self._placed.get(doc_id)
        found = []
        for topic in self._topics_of(info) if info is not None else ():
            group = self._group(topic)
            if group is not None:
                row = group.find(info)
                if row >= 0:
                    found.append(self.createIndex(row, 0, group.key))
        for group in self._groups:
            if group.topic in SHELF_GROUPS:
                rows = [n for n, d in enumerate(group.docs) if d.id == doc_id]
                found += [self.createIndex(n, 0, group.key) for n in rows]
        return found

    def doc_id(self, index: AnyIndex) -> str | None:
        value = index.data(DOC_ID_ROLE) if index.isValid() else None
        return value if isinstance(value, str) else None

    # -- QAbstractItemModel ----------------------------------------------------------------

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, 0, 0) if row < len(self._groups) else QModelIndex()
        if parent.internalId() != 0 or parent.row() >= len(self._groups):
            return QModelIndex()
        group = self._groups[parent.row()]
        return self.createIndex(row, 0, group.key) if row < len(group.docs) else QModelIndex()

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        group = self._by_key.get(index.internalId())
        if group is None:
            return QModelIndex()
        return self.createIndex(self._groups.index(group), 0, 0)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() != 0 or parent.column() != 0:
            return 0
        return len(self._groups[parent.row()].docs) if parent.row() < len(self._groups) else 0

    def columnCount(self, _parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 1

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            if index.row() >= len(self._groups):
                return None
            return self._topic_data(self._groups[index.row()], role)
        group = self._by_key.get(index.internalId())
        if group is None or index.row() >= len(group.docs):
            return None
        return self._doc_data(group.docs[index.row()], group, role)

    def _topic_data(self, group: _Group, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return topic_label(group.topic)
        if role == KIND_ROLE:
            return "shelf" if group.topic in SHELF_GROUPS else "topic"
        if role == TOPIC_ROLE:
            return group.topic
        if role == COUNT_ROLE:
            return len(group.docs)
        if role == Qt.ItemDataRole.FontRole:
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            n = len(group.docs)
            return f"{topic_label(group.topic)}: " + tr("%n document(s)", "", n)
        return None

    def _doc_data(self, info: DocInfo, group: _Group, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return info.title
        if role == KIND_ROLE:
            return "doc"
        if role == DOC_ID_ROLE:
            return info.id
        if role == TOPIC_ROLE:
            return group.topic
        if role == STATUS_ROLE:
            return info.status
        if role == MARKER_ROLE:
            return self._marker(info.id)
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if self._marker(info.id) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            topics = ", ".join(map(topic_label, info.topics)) or "-"
            parts = [info.title, tr("Topics: {topics}").format(topics=topics)]
            if info.owner:
                parts.append(tr("Owner: {who}").format(who=info.owner))
            if info.status != "published":
                parts.append(tr("Status: {status}").format(status=status_word(info.status)))
            marker = self._marker(info.id)
            if marker:
                parts.append(tr("New since you last looked") if marker == "new" else tr("Changed"))
            return "\n".join(parts)
        return None
