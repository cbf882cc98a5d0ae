"""The inbox's "Review due" page: documents past (or near) their review-by date.

Owners see the documents they own or edit; supervisors see every one (the
report the knowledge base answers for). From the profile, so offline too:
every ``doc`` frame carries its review-by date. Overdue first, then by date.
Open a document to check it; "Mark as still correct" verifies it without a
new version, and both that and publishing start its review clock again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kmclient.core.feedback_requests import InvalidRequest, NoSuchDocument, NotAllowed
from kmclient.core.model import DocChanged, DocInfo
from kmclient.core.sync_engine import SyncEngine
from kmclient.core.trust import Trust
from kmclient.ui.i18n import tr
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.words import trust

DOC_ROLE = Qt.ItemDataRole.UserRole + 40


def due_documents(engine: SyncEngine, now: datetime | None = None) -> list[tuple[DocInfo, Trust]]:
    """The documents this user answers for whose review is overdue or due soon."""
    user = engine.user
    if user is None:
        return []
    everything = user.role in ("supervisor", "admin")
    found = []
    for info in engine.documents(all_topics=True):
        if not (everything or (info.working and info.can_edit)):
            continue
        standing = trust(info, now or datetime.now(UTC))
        if standing is not None and (standing.overdue or standing.due_soon):
            found.append((info, standing))
    return sorted(found, key=lambda pair: (not pair[1].overdue, pair[0].review_due or ""))


class ReviewDuePage(QWidget):
    openDoc = Signal(str)

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = bridge.engine
        intro = QLabel(
            tr(
                "Documents due for review: check that they are still right, then mark them as "
                "still correct (or publish a new version)."
            )
        )
        intro.setObjectName("flagDetail")
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("reviewDueList")
        self.list.setAccessibleName(tr("Documents due for review"))
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(lambda item: self.openDoc.emit(item.data(DOC_ROLE)))
        self.list.currentItemChanged.connect(lambda *_: self._enable())
        self.empty = QLabel(tr("Nothing is due for review in the next two weeks."))
        self.empty.setObjectName("panelEmpty")
        self.open = QPushButton(tr("&Open"))
        self.open.clicked.connect(self._open)
        self.verify = QPushButton(tr("Mark as still &correct"))
        self.verify.setToolTip(tr("It is still right: its review clock starts again"))
        self.verify.clicked.connect(self._verify)
        self.status = QLabel()
        self.status.setObjectName("formHint")
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.open)
        buttons.addWidget(self.verify)
        box = QVBoxLayout(self)
        box.addWidget(intro)
        box.addWidget(self.list, 1)
        box.addWidget(self.empty)
        box.addLayout(buttons)
        bridge.docsChanged.connect(self._on_docs_changed)
        self.refresh()

    def refresh(self) -> None:
        chosen = self._selected()
        self.list.blockSignals(True)
        self.list.clear()
        for info, standing in due_documents(self.engine):
            mark = "▲ " if standing.overdue else ""
            item = QListWidgetItem(f"{mark}{info.title}\n{standing.text}")
            item.setData(DOC_ROLE, info.id)
            owner = tr("Owner: {who}").format(who=info.owner) if info.owner else tr("No owner")
            item.setToolTip(owner)
            self.list.addItem(item)
            if info.id == chosen:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.empty.setVisible(self.list.count() == 0)
        self.list.setVisible(self.list.count() > 0)
        self._enable()

    def _selected(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(DOC_ROLE))

    def _enable(self) -> None:
        doc_id = self._selected()
        info = self.engine.doc(doc_id) if doc_id else None
        self.open.setEnabled(info is not None)
        self.verify.setEnabled(bool(info and info.working and info.can_edit))

    def _open(self) -> None:
        doc_id = self._selected()
        if doc_id is not None:
            self.openDoc.emit(doc_id)

    def _verify(self) -> None:
        doc_id = self._selected()
        if doc_id is None:
            return
        self._act(lambda: self.engine.verify(doc_id), tr("Verifying…"))

    def _act(self, request: Callable[[], object], busy: str) -> None:
        try:
            request()
        except (NotAllowed, InvalidRequest, NoSuchDocument) as exc:
            self.status.setText(str(exc))
            return
        self.status.setText(busy)

    def _on_docs_changed(self, events: tuple[DocChanged, ...]) -> None:
        if any(e.kind in ("meta", "removed") for e in events):  # once for all of them
            self.status.clear()
            self.refresh()
