"""The inbox (View ▸ Flag inbox, Ctrl+Shift+I, or the status bar's ⚑ count).

"My documents": open and acknowledged flags on documents the user owns or
edits, most urgent then oldest (``engine.flag_inbox``). One click opens the
document and selects the flagged passage; a passage that is gone shows what
it said. Acknowledge, Resolve and Dismiss act on the chosen flag; resolving
and dismissing need a note (the raiser is told it). Supervisors also get "All
flags" with the time each took (``engine.flag_report``). A window of its own,
never modal: the user keeps reading while triaging. "Review due" lists the
documents past or near their review-by date (kmclient/ui/publishing/review_due.py).
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kmclient.core.feedback_model import Flag, FlagReport
from kmclient.core.feedback_requests import InvalidRequest, NoSuchRecord, NotAllowed
from kmclient.core.model import RecordsChanged
from kmclient.ui.i18n import locale, tr
from kmclient.ui.publishing.review_due import ReviewDuePage
from kmclient.ui.reading.passages import short_quote
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.shell.tool_window import ToolWindow
from kmclient.ui.words import age as age_text
from kmclient.ui.words import flag_state_word, reason_word

FLAG_ID_ROLE = Qt.ItemDataRole.UserRole + 10


def urgency_mark(urgency: str) -> str:
    marks = {"high": tr("▲ High"), "normal": tr("Normal", "urgency"), "low": tr("Low", "urgency")}
    return marks.get(urgency, urgency)


def report_columns() -> list[str]:
    return [
        tr("Document"),
        tr("Reason"),
        tr("By"),
        tr("State"),
        tr("Raised"),
        tr("To acknowledge"),
        tr("To resolve"),
    ]


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 3600:
        return tr("{n} min").format(n=max(1, seconds // 60))
    if seconds < 86400:
        return tr("{n} h").format(n=locale().toString(seconds / 3600, "f", 1))
    return tr("{n} d").format(n=locale().toString(seconds / 86400, "f", 1))


class FlagInbox(ToolWindow):
    """A tool window; ``openFlag(flag)`` asks the main window to show its passage,
    ``openDoc(doc_id)`` to open a document due for review."""

    openFlag = Signal(object)  # Flag
    openDoc = Signal(str)

    def __init__(self, bridge: EngineBridge, title: Callable[[str], str], parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("flagInbox")
        self.setWindowTitle(tr("Flag inbox"))
        self.engine = bridge.engine
        self._title = title
        self.list = QListWidget()
        self.list.setObjectName("flagList")
        self.list.setAccessibleName(tr("Open flags on your documents"))
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.empty = QLabel(tr("No open flags on your documents."))
        self.empty.setObjectName("panelEmpty")
        self.detail = QLabel()
        self.detail.setObjectName("flagDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.note = QLineEdit()
        self.note.setObjectName("resolutionNote")
        self.note.setPlaceholderText(tr("Resolution or reason (told to the person who flagged it)"))
        self.acknowledge = QPushButton(tr("&Acknowledge"))
        self.acknowledge.setToolTip(tr("Tell them you are on it; readers still see the flag"))
        self.resolve = QPushButton(tr("&Resolve"))
        self.resolve.setToolTip(tr("Fixed: the flag closes and the banner goes for everyone"))
        self.dismiss = QPushButton(tr("&Dismiss"))
        self.dismiss.setToolTip(tr("Not a problem: closes the flag, with your reason"))
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.acknowledge)
        buttons.addStretch(1)
        buttons.addWidget(self.resolve)
        buttons.addWidget(self.dismiss)
        intro = QLabel(
            tr(
                "Open flags on documents you own or edit: most urgent first, then oldest. "
                "Click one to open the document at the flagged passage."
            )
        )
        intro.setObjectName("flagDetail")
        intro.setWordWrap(True)
        mine = QWidget()
        col = QVBoxLayout(mine)
        col.addWidget(intro)
        col.addWidget(self.list, 1)
        col.addWidget(self.empty)
        col.addWidget(self.detail)
        col.addWidget(self.note)
        col.addLayout(buttons)
        col.addWidget(self.error)
        self.tabs = QTabWidget()
        self.tabs.addTab(mine, tr("&My documents"))
        self.review_due = ReviewDuePage(bridge)
        self.tabs.addTab(self.review_due, tr("Review &due"))
        columns = report_columns()
        self.report = QTableWidget(0, len(columns))
        self.report.setObjectName("flagReport")
        self.report.setHorizontalHeaderLabels(columns)
        self.report.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.report.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.report.verticalHeader().hide()
        self.report.horizontalHeader().setStretchLastSection(True)
        self.report_summary = QLabel()
        self.report_summary.setObjectName("flagDetail")
        page = QWidget()
        rcol = QVBoxLayout(page)
        rcol.addWidget(self.report_summary)
        rcol.addWidget(self.report, 1)
        self.report_page = page
        box = QVBoxLayout(self)
        box.addWidget(self.tabs)
        box.addLayout(self.close_row())
        self.resize(640, 520)

        self.list.currentItemChanged.connect(lambda *_: self._show_current())
        self.list.itemClicked.connect(lambda _item: self.open_current())
        self.list.itemActivated.connect(lambda _item: self.open_current())
        self.report.cellDoubleClicked.connect(self._open_report_row)
        self.note.textChanged.connect(lambda _t: self._enable())
        self.acknowledge.clicked.connect(lambda: self.set_state("acknowledged"))
        self.resolve.clicked.connect(lambda: self.set_state("resolved"))
        self.dismiss.clicked.connect(lambda: self.set_state("dismissed"))
        bridge.recordsChanged.connect(self._on_records)
        bridge.flagReportReceived.connect(self._show_report)
        self.review_due.openDoc.connect(self.openDoc)
        self.refresh()

    # -- the list ------------------------------------------------------------------------

    def flags(self) -> list[Flag]:
        return self.engine.flag_inbox()

    def refresh(self) -> None:
        current = self.current_flag()
        keep = current.id if current else None
        self.list.blockSignals(True)
        self.list.clear()
        for flag in self.flags():
            item = QListWidgetItem(self._row_text(flag))
            item.setData(FLAG_ID_ROLE, flag.id)
            item.setToolTip(flag.note or "")
            self.list.addItem(item)
            if flag.id == keep:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.empty.setVisible(self.list.count() == 0)
        self._show_current()
        self._refresh_report_tab()

    def _row_text(self, flag: Flag) -> str:
        state = " · " + flag_state_word("acknowledged") if flag.state == "acknowledged" else ""
        note = f"\n“{short_quote(flag.note, 120)}”" if flag.note else ""
        return (
            f"{urgency_mark(flag.urgency)} · {self._title(flag.doc_id)}\n"
            f"{reason_word(flag.reason)} · {flag.by} · {age_text(flag.created_at)}{state}{note}"
        )

    def current_flag(self) -> Flag | None:
        item = self.list.currentItem()
        return self.engine.flag_by_id(str(item.data(FLAG_ID_ROLE))) if item else None

    def select_flag(self, flag_id: str) -> bool:
        for row in range(self.list.count()):
            if self.list.item(row).data(FLAG_ID_ROLE) == flag_id:
                self.list.setCurrentRow(row)
                return True
        return False

    def _show_current(self) -> None:
        flag = self.current_flag()
        self.error.hide()
        if flag is None:
            self.detail.clear()
            self._enable()
            return
        lines = [f"<b>{html.escape(self._title(flag.doc_id))}</b>"]
        if flag.anchor is not None:
            span = self.engine.resolve_anchor(flag)
            quote = html.escape(short_quote(flag.anchor.quote))
            if span is None:
                lines.append(
                    tr("The flagged passage is gone; it read: <i>“{quote}”</i>").format(quote=quote)
                )
            else:
                lines.append(tr("Passage: <i>“{quote}”</i>").format(quote=quote))
        else:
            lines.append(tr("The whole document"))
        if flag.pending:
            lines.append(tr("Not sent yet"))
        self.detail.setText("<br>".join(lines))
        self._enable()

    def _enable(self) -> None:
        flag = self.current_flag()
        has_note = bool(self.note.text().strip())
        self.acknowledge.setEnabled(bool(flag and flag.state == "open"))
        self.resolve.setEnabled(bool(flag) and has_note)
        self.dismiss.setEnabled(bool(flag) and has_note)

    def open_current(self) -> None:
        flag = self.current_flag()
        if flag is not None:
            self.openFlag.emit(flag)

    def set_state(self, state: str) -> bool:
        flag = self.current_flag()
        if flag is None:
            return False
        note = self.note.text().strip() or None
        try:
            self.engine.set_flag_state(flag.id, state, note if state != "acknowledged" else None)
        except (InvalidRequest, NotAllowed, NoSuchRecord) as exc:
            self.error.setText(tr("Not changed: {reason}").format(reason=exc))
            self.error.show()
            return False
        if state != "acknowledged":
            self.note.clear()
        return True

    def show_failure(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _on_records(self, event: RecordsChanged) -> None:
        if "flag" in event.kinds:
            self.refresh()

    # -- supervisors: every flag and its times -------------------------------------------

    def _can_report(self) -> bool:
        user = self.engine.user
        return bool(user and user.role in ("supervisor", "admin"))

    def _refresh_report_tab(self) -> None:
        if not self._can_report():
            return
        if self.tabs.indexOf(self.report_page) < 0:
            self.tabs.addTab(self.report_page, tr("All &flags"))
        self._show_report(self.engine.flag_report())

    def _show_report(self, report: FlagReport) -> None:
        if not self._can_report():
            return
        rows = sorted(report.rows, key=lambda r: (not r.flag.is_open, r.flag.doc_id))
        self.report.setRowCount(len(rows))
        for i, row in enumerate(rows):
            f = row.flag
            cells = (
                self._title(f.doc_id),
                reason_word(f.reason),
                f.by,
                flag_state_word(f.state),
                age_text(f.created_at),
                duration(row.time_to_acknowledge),
                duration(row.time_to_resolve),
            )
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(FLAG_ID_ROLE, f.id)
                self.report.setItem(i, col, cell)
        self.report.resizeColumnsToContents()
        counts = ", ".join(
            f"{n} {flag_state_word(state)}" for state, n in report.counts.items() if n
        )
        median = duration(report.median_time_to_resolve)
        self.report_summary.setText(
            tr("{counts} · median time to resolve: {median}").format(
                counts=counts or tr("No flags"), median=median
            )
            + (
                ""
                if report.source == "server"
                else " · " + tr("(from this computer; asking the server)")
            )
        )

    def _open_report_row(self, row: int, _col: int) -> None:
        cell = self.report.item(row, 0)
        flag = self.engine.flag_by_id(str(cell.data(FLAG_ID_ROLE))) if cell else None
        if flag is not None:
            self.openFlag.emit(flag)
