"""Document ▸ History (Ctrl+Shift+H): every published version, what each changed, restore.

The list shows the working copy (editors) above the published versions,
newest first, each with who published it, when and its note. Choosing one
shows a word diff against the version before it (or any other, from
"Compare with"). Editors restore an old version: it is published again as a
new version, history is never rewritten. Supervisors also see the audit trail
of the document. The latest version and the working copy are local; older
texts come from the server once and are kept while the window is open.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kmclient.core.feedback_requests import InvalidRequest, NoSuchDocument, NotAllowed
from kmclient.core.model import DocChanged, QueryAnswered
from kmclient.ui.i18n import tr, when
from kmclient.ui.publishing.diff_view import DiffView
from kmclient.ui.publishing.queries import Queries, failure_text
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.shell.theme import LIGHT, Colours
from kmclient.ui.shell.tool_window import ToolWindow

WORKING = 0  # the working copy's "revision number" in this window
REV_ROLE = Qt.ItemDataRole.UserRole + 20


def audit_columns() -> list[str]:
    return [tr("When"), tr("Who"), tr("What"), tr("Detail")]


def action_word(action: str) -> str:
    words = {
        "publish": tr("published", "an audit event"),
        "submit": tr("submitted for review"),
        "approve": tr("approved and published"),
        "send_back": tr("sent back"),
        "restore": tr("restored"),
        "archive": tr("archived", "an audit event"),
        "unarchive": tr("brought back"),
        "verify": tr("verified"),
        "meta": tr("changed who sees or edits it"),
        "create": tr("created"),
    }
    return words.get(action, action)


def version_label(item: dict[str, Any]) -> str:
    if item.get("at") is None:
        return tr("Version {rev}").format(rev=item["rev"])
    by = item.get("by") or tr("the command line")
    line = " · ".join([tr("Version {rev}").format(rev=item["rev"]), when(item.get("at")), str(by)])
    if item.get("restored_from"):
        line += " · " + tr("restored version {rev}").format(rev=item["restored_from"])
    if item.get("note"):
        line += f"\n{item['note']}"
    return line


class HistoryDialog(ToolWindow):
    """A tool window (non-modal: the user keeps reading beside it)."""

    restoreRequested = Signal(str, int)  # doc id, revision

    def __init__(
        self,
        bridge: EngineBridge,
        doc_id: str,
        *,
        focus_latest: bool = False,
        colours: Colours = LIGHT,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.setObjectName("historyDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.engine = bridge.engine
        self.doc_id = doc_id
        self.queries = Queries(bridge, self)
        self.texts: dict[int, str] = {}
        self.revisions: list[dict[str, Any]] = []
        self._asked: set[int] = set()
        self._focus_latest = focus_latest
        info = self.engine.doc(doc_id)
        self.setWindowTitle(tr("History: {title}").format(title=info.title if info else doc_id))
        self.resize(900, 600)

        self.versions = QListWidget()
        self.versions.setObjectName("versionList")
        self.versions.setAccessibleName(tr("Versions"))
        self.versions.setWordWrap(True)
        self.versions.currentItemChanged.connect(lambda *_: self._show_selected())
        self.against = QComboBox()
        self.against.setAccessibleName(tr("Compare with"))
        self.against.currentIndexChanged.connect(lambda *_: self._show_selected())
        self.heading = QLabel()
        self.heading.setObjectName("diffHeading")
        self.heading.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setObjectName("diffSummary")
        self.diff = DiffView()
        self.diff.set_colours(colours)
        self.diff.set_compact(True)  # the changes and what is around them
        self.whole = QCheckBox(tr("Show the whole te&xt"))
        self.whole.toggled.connect(lambda on: self.diff.set_compact(not on))
        self.status = QLabel()
        self.status.setObjectName("formHint")
        self.status.setWordWrap(True)
        self.restore = QPushButton(tr("&Restore this version…"))
        self.restore.setToolTip(tr("Publish this version again, as a new version"))
        self.restore.clicked.connect(self._restore)

        compare = QHBoxLayout()
        compare.addWidget(QLabel(tr("Compare &with")))
        compare.itemAt(0).widget().setBuddy(self.against)  # type: ignore[union-attr]
        compare.addWidget(self.against, 1)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.heading)
        column.addLayout(compare)
        column.addWidget(self.summary)
        column.addWidget(self.diff, 1)
        column.addWidget(self.whole)
        split = QSplitter()
        split.addWidget(self.versions)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        split.setSizes([280, 620])
        self.tabs = QTabWidget()
        self.tabs.addTab(split, tr("&Versions"))
        user = self.engine.user
        self.audit: QTableWidget | None = None
        if user is not None and user.role in ("supervisor", "admin"):
            columns = audit_columns()
            self.audit = QTableWidget(0, len(columns))
            self.audit.setObjectName("auditTable")
            self.audit.setHorizontalHeaderLabels(columns)
            self.audit.horizontalHeader().setStretchLastSection(True)
            self.audit.verticalHeader().hide()
            self.audit.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            self.tabs.addTab(self.audit, tr("&Audit trail"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.restore)
        buttons.addWidget(self.close_button())
        box = QVBoxLayout(self)
        box.addWidget(self.tabs, 1)
        box.addLayout(buttons)
        bridge.docsChanged.connect(self._on_docs_changed)
        self._fill_local()
        self.reload()

    # -- loading ---------------------------------------------------------------------------

    def _fill_local(self) -> None:
        """What the profile holds, shown at once (and offline): the working copy, the
        latest version and the one it replaced when this profile saw it arrive."""
        info = self.engine.doc(self.doc_id)
        if info is None:
            return
        previous = self.engine.previous_revision(self.doc_id)
        if info.published is not None:
            self.texts[info.rev] = self.engine.published_text(self.doc_id) or ""
            if not self.revisions or self.revisions[0]["rev"] < info.rev:
                pub = info.published
                self.revisions = [{"rev": pub.rev, "by": pub.by, "at": pub.at, "note": pub.note}]
                if previous is not None:  # its details come with the server's history
                    self.revisions.append({"rev": previous[0], "by": None, "at": None, "note": ""})
        if previous is not None:
            self.texts.setdefault(previous[0], previous[1])
        working = self.engine.working_text(self.doc_id)
        if working is not None:
            self.texts[WORKING] = working
        self._fill_list()

    def reload(self) -> None:
        not_sent = self.queries.ask("history", self._on_history, doc=self.doc_id)
        self.status.setText(not_sent or tr("Loading the history…"))
        if self.audit is not None and not not_sent:
            self.queries.ask("audit", self._on_audit, doc=self.doc_id, limit=500)

    def _on_history(self, answer: QueryAnswered) -> None:
        if not answer.ok:
            self.status.setText(failure_text(answer))
            return
        self.status.clear()
        self.revisions = list(answer.data.get("revisions") or [])
        self._fill_list()

    def _on_audit(self, answer: QueryAnswered) -> None:
        if self.audit is None or not answer.ok:
            return
        events = answer.data.get("events") or []
        self.audit.setRowCount(len(events))
        for row, event in enumerate(events):
            detail = {k: v for k, v in (event.get("detail") or {}).items() if k != "reply"}
            cells = (
                when(event.get("at")),
                event.get("actor") or tr("(console)"),
                action_word(event["action"]),
                ", ".join(f"{k}: {v}" for k, v in detail.items()),
            )
            for column, text in enumerate(cells):
                self.audit.setItem(row, column, QTableWidgetItem(str(text)))
        self.audit.resizeColumnsToContents()

    def _fill_list(self) -> None:
        chosen = self._selected()
        self.versions.blockSignals(True)
        self.versions.clear()
        if WORKING in self.texts:
            changes = self.engine.unpublished_changes(self.doc_id)
            words = (
                tr("%n unpublished", "", changes.changes)
                if changes
                else tr("same as the latest version")
            )
            item = QListWidgetItem(tr("Working copy · {state}").format(state=words))
            item.setData(REV_ROLE, WORKING)
            self.versions.addItem(item)
        for rev in self.revisions:
            item = QListWidgetItem(version_label(rev))
            item.setData(REV_ROLE, rev["rev"])
            contributors = rev.get("contributors") or ()
            if contributors:
                item.setToolTip(tr("Changed by {who}").format(who=", ".join(contributors)))
            self.versions.addItem(item)
        self.versions.blockSignals(False)
        self.against.blockSignals(True)
        self.against.clear()
        self.against.addItem(tr("The version before it"), None)
        for rev in self.revisions:
            self.against.addItem(tr("Version {rev}").format(rev=rev["rev"]), rev["rev"])
        self.against.blockSignals(False)
        target = chosen
        if target is None:
            latest = self.revisions[0]["rev"] if self.revisions else None
            target = latest if self._focus_latest or WORKING not in self.texts else WORKING
        for row in range(self.versions.count()):
            if self.versions.item(row).data(REV_ROLE) == target:
                self.versions.setCurrentRow(row)
                break
        self._show_selected()

    # -- showing -----------------------------------------------------------------------------

    def _selected(self) -> int | None:
        item = self.versions.currentItem()
        return None if item is None else int(item.data(REV_ROLE))

    def _base_of(self, rev: int) -> int | None:
        chosen = self.against.currentData()
        if chosen is not None:
            return int(chosen)
        numbers = sorted(r["rev"] for r in self.revisions)
        if rev == WORKING:
            return numbers[-1] if numbers else None
        older = [n for n in numbers if n < rev]
        return older[-1] if older else None

    def _show_selected(self) -> None:
        rev = self._selected()
        info = self.engine.doc(self.doc_id)
        latest = info.rev if info else 0
        can_restore = bool(info and info.working and rev not in (None, WORKING, latest))
        self.restore.setEnabled(can_restore and info is not None and info.status != "archived")
        self.restore.setVisible(bool(info and info.working))
        if rev is None:
            self.diff.show_message(tr("No published version yet: this is a draft."))
            return
        base = self._base_of(rev)
        name = tr("The working copy") if rev == WORKING else tr("Version {rev}").format(rev=rev)
        if base is None:
            self.heading.setText(tr("<b>{name}</b>: the first version").format(name=name))
        else:
            self.heading.setText(
                tr("<b>{name}</b> compared with version {rev}").format(name=name, rev=base)
            )
        missing = [n for n in (rev, base) if n is not None and n not in self.texts]
        for number in missing:
            self._fetch(number)
        if missing:
            self.diff.show_message(tr("Loading the text…"))
            self.summary.clear()
            return
        old = self.texts.get(base, "") if base is not None else ""
        summary = self.diff.show_diff(old, self.texts[rev])
        self.summary.setText(summary[:1].upper() + summary[1:])

    def _fetch(self, number: int) -> None:
        if number in self._asked:
            return
        self._asked.add(number)

        def got(answer: QueryAnswered) -> None:
            if answer.ok:
                self.texts[number] = answer.data.get("text", "")
                self._show_selected()
            else:
                self._asked.discard(number)
                self.diff.show_message(failure_text(answer))

        not_sent = self.queries.ask("revision", got, doc=self.doc_id, rev=number)
        if not_sent:
            self._asked.discard(number)
            self.status.setText(not_sent)

    # -- restoring ---------------------------------------------------------------------------

    def _restore(self) -> None:
        rev = self._selected()
        info = self.engine.doc(self.doc_id)
        if rev in (None, WORKING) or info is None:
            return
        publish = info.can_publish
        question = (
            tr(
                "Restore version {rev} of “{title}”? Its text replaces the working copy and is "
                "published again as a new version. History stays."
            )
            if publish
            else tr(
                "Restore version {rev} of “{title}”? Its text replaces the working copy and is "
                "submitted for review. History stays."
            )
        )
        answer = QMessageBox.question(
            self,
            tr("Restore"),
            question.format(rev=rev, title=html.escape(info.title)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.engine.restore(self.doc_id, rev)
        except (NotAllowed, InvalidRequest, NoSuchDocument) as exc:
            self.status.setText(str(exc))
            return
        self.status.setText(tr("Restoring version {rev}…").format(rev=rev))
        self.restoreRequested.emit(self.doc_id, rev)

    def _on_docs_changed(self, events: tuple[DocChanged, ...]) -> None:
        for event in events:
            self._on_doc_changed(event)

    def _on_doc_changed(self, event: DocChanged) -> None:
        if event.doc_id != self.doc_id:
            return
        if event.kind == "removed":
            self.close()
        elif event.kind in ("published", "meta"):
            self._fill_local()
            if event.kind == "published":
                self.reload()  # a new version: list it
        elif event.kind == "content" and WORKING in self.texts:
            self.texts[WORKING] = self.engine.working_text(self.doc_id) or ""
            if self._selected() == WORKING:
                self._show_selected()

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.queries.forget()
        super().closeEvent(event)
