"""Supervisors: who has read what (View ▸ Must-reads and acknowledgements, Ctrl+Shift+G).

Left, every must-read with its count; right, the chosen one: a bar of how many
have acknowledged, the counts per state, per role and per topic, the median
time to acknowledge, and one line per person (acknowledged and when, opened
but not acknowledged, not opened, not even received: their app has not synced
since). It updates live as reps acknowledge (the server tells this window),
and exports the compliance file as CSV (the columns of ``kmserver acks --csv``).
"""

from __future__ import annotations

import csv
import html
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kmclient.core.model import QueryAnswered
from kmclient.ui.attention.audience_picker import describe
from kmclient.ui.feedback.flag_inbox import duration
from kmclient.ui.i18n import role_word, tr, when
from kmclient.ui.publishing.queries import Queries, failure_text
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.shell.theme import LIGHT, Colours
from kmclient.ui.shell.tool_window import ToolWindow
from kmserver.protocol.coverage_csv import csv_rows

REASK_MS = 300  # acknowledgements in a burst: one new question
ID_ROLE = Qt.ItemDataRole.UserRole + 20


def state_word(state: str) -> str:
    return {
        "acknowledged": tr("Acknowledged"),
        "opened": tr("Opened, not acknowledged"),
        "not_opened": tr("Not opened"),
        "not_received": tr("Not received"),
    }.get(state, state)


FILTERS = (
    ("all", lambda: tr("Everyone")),
    ("waiting", lambda: tr("Not yet acknowledged")),
    ("acknowledged", lambda: tr("Acknowledged")),
    ("not_received", lambda: tr("Not received")),
)


def _shows(state: str, chosen: str) -> bool:
    if chosen == "all":
        return True
    if chosen == "waiting":
        return state != "acknowledged"
    return state == chosen


class CoverageWindow(ToolWindow):
    openDoc = Signal(str)

    def __init__(self, bridge: EngineBridge, parent: QWidget, colours: Colours = LIGHT) -> None:
        super().__init__(parent)
        self.setObjectName("coverageWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(tr("Must-reads and acknowledgements"))
        self.resize(1040, 640)
        self.bridge = bridge
        self.engine = bridge.engine
        self.colours = colours
        self.queries = Queries(bridge, self)
        self.report: dict[str, Any] | None = None
        self.current: tuple[str, int] | None = None

        self.list = QListWidget()
        self.list.setObjectName("mustReadList")
        self.list.setAccessibleName(tr("Must-reads"))
        self.list.setSpacing(3)
        self.list.currentItemChanged.connect(self._on_pick)
        self.title = QLabel()
        self.title.setObjectName("coverageTitle")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setObjectName("coverageBar")
        self.counts = QLabel()
        self.counts.setObjectName("coverageCounts")
        self.counts.setWordWrap(True)
        self.groups = QTableWidget(0, 4)
        self.groups.setObjectName("coverageGroups")
        self.groups.setHorizontalHeaderLabels([tr("Group"), tr("In it"), tr("Acknowledged"), "%"])
        self.groups.verticalHeader().hide()
        self.groups.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.groups.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.groups.setMaximumHeight(150)
        # The people who must read it, grouped: each of them is in the group of their
        # role and in one group per topic they read, also topics the must-read was not
        # aimed at (a payments rep who also reads parking is under "Also reads parking").
        self.groups_caption = QLabel(
            tr("By role and topic of the people who must read it; someone with several "
               "topics counts in each.")
        )  # fmt: skip
        self.groups_caption.setObjectName("formHint")
        self.groups_caption.setWordWrap(True)
        self.filter = QComboBox()
        self.filter.setObjectName("coverageFilter")
        for key, words in FILTERS:
            self.filter.addItem(words(), key)
        self.filter.currentIndexChanged.connect(lambda _i: self._fill_people())
        columns = [tr("Name"), tr("Role"), tr("Topics"), tr("State"), tr("Opened"),
                   tr("Acknowledged"), tr("Time to acknowledge")]  # fmt: skip
        self.people = QTableWidget(0, len(columns))
        self.people.setObjectName("coveragePeople")
        self.people.setHorizontalHeaderLabels(columns)
        self.people.verticalHeader().hide()
        self.people.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.people.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.people.setSortingEnabled(True)
        # Columns as wide as their contents and header; the last one takes what is left
        # (fit_columns). A stretched last section took only what was left, so on a
        # narrow window its header was cut on both sides ("ne to acknowled").
        self.people.horizontalHeader().setStretchLastSection(False)
        self.people.viewport().installEventFilter(self)
        self.message = QLabel()
        self.message.setObjectName("formHint")
        self.message.setWordWrap(True)
        self.export = QPushButton(tr("Export CSV…"))
        self.export.setObjectName("exportCoverage")
        self.export.clicked.connect(self.export_csv)
        self.open_button = QPushButton(tr("Open the document"))
        self.open_button.clicked.connect(
            lambda: self.current and self.openDoc.emit(self.current[0])
        )
        refresh = QPushButton(tr("Refresh"))
        refresh.clicked.connect(self.refresh)

        right = QWidget()
        col = QVBoxLayout(right)
        col.setContentsMargins(8, 0, 0, 0)
        col.addWidget(self.title)
        col.addWidget(self.bar)
        col.addWidget(self.counts)
        col.addWidget(self.groups_caption)
        col.addWidget(self.groups)
        filter_row = QHBoxLayout()
        filter_row.addWidget(QLabel(tr("Show:")))
        filter_row.addWidget(self.filter)
        filter_row.addStretch(1)
        col.addLayout(filter_row)
        col.addWidget(self.people, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.list)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([300, 740])
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(refresh)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.export)
        buttons.addWidget(self.close_button())
        box = QVBoxLayout(self)
        box.addWidget(split, 1)
        box.addLayout(buttons)

        self._reask = QTimer(self)
        self._reask.setSingleShot(True)
        self._reask.setInterval(REASK_MS)
        self._reask.timeout.connect(self._ask_current)
        bridge.coverageChanged.connect(self._on_changed)
        bridge.statusChanged.connect(self._on_status)
        self._show_empty()
        self.refresh()

    # -- asking ------------------------------------------------------------------------------

    def refresh(self) -> None:
        why_not = self.queries.ask("must_reads", self._on_list)
        self.message.setText(why_not or "")

    def show_must_read(self, doc_id: str, rev: int | None = None) -> None:
        """Open on one must-read (the newest of ``doc_id`` when ``rev`` is None)."""
        self.current = (doc_id, rev or 0)
        self._ask_current()

    def _ask_current(self) -> None:
        if self.current is None:
            return
        doc_id, rev = self.current
        fields: dict[str, Any] = {"doc": doc_id, "live": True}
        if rev:
            fields["rev"] = rev
        why_not = self.queries.ask("coverage", self._on_coverage, **fields)
        if why_not:
            self.message.setText(why_not)

    def _on_list(self, answer: QueryAnswered) -> None:
        if not answer.ok:
            self.message.setText(failure_text(answer))
            return
        items = answer.data.get("items") or []
        chosen = self.current
        self.list.blockSignals(True)
        self.list.clear()
        for item in items:
            counts = item["counts"]
            line2 = tr("%1 of %2 acknowledged").replace("%1", str(counts["acknowledged"]))
            line2 = line2.replace("%2", str(counts["total"]))
            if item.get("due"):
                line2 += " · " + tr("due %1").replace("%1", when(item["due"]))
            head = f"{item['title']} — " + tr("version %1").replace("%1", str(item["rev"]))
            entry = QListWidgetItem(f"{head}\n{line2}")
            entry.setData(ID_ROLE, (item["doc"], item["rev"]))
            self.list.addItem(entry)
            if chosen and (item["doc"], item["rev"]) == chosen:
                self.list.setCurrentItem(entry)
        self.list.blockSignals(False)
        if not items:
            self.message.setText(tr("No must-reads yet: publish a version as a must-read."))
        if chosen is None and self.list.count():
            self.list.setCurrentRow(0)
        elif chosen is not None and chosen[1] == 0:
            self._ask_current()

    def _on_pick(self, item: QListWidgetItem | None, _old: QListWidgetItem | None) -> None:
        if item is None:
            return
        doc_id, rev = item.data(ID_ROLE)
        self.current = (doc_id, rev)
        self._ask_current()

    def _on_coverage(self, answer: QueryAnswered) -> None:
        if not answer.ok:
            self.message.setText(failure_text(answer))
            return
        self.report = dict(answer.data)
        self.current = (self.report["doc"], self.report["rev"])
        self.message.setText(tr("Live: this updates as people acknowledge."))
        self._fill()

    def _on_changed(self, must_id: str) -> None:
        if self.report is not None and must_id == self.report.get("id"):
            self._reask.start()

    def _on_status(self, status: Any) -> None:
        if status.state == "online" and self.report is None:
            self.refresh()

    # -- showing -------------------------------------------------------------------------------

    def _show_empty(self) -> None:
        self.title.setText(html.escape(tr("Choose a must-read on the left.")))
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.bar.setFormat("")
        self.counts.setText("")
        self.export.setEnabled(False)
        self.open_button.setEnabled(False)

    def _fill(self) -> None:
        r = self.report
        assert r is not None
        counts = r["counts"]
        by = " · " + tr("by %1").replace("%1", r["by"]) if r.get("by") else ""
        due = " · " + tr("due %1").replace("%1", when(r["due"])) if r.get("due") else ""
        head = f"{r['title']}, " + tr("version %1").replace("%1", str(r["rev"]))
        meta = tr("Must read for %1").replace("%1", describe(r["for"])) + by + due
        note = f"<br><i>“{html.escape(r['note'])}”</i>" if r.get("note") else ""
        self.title.setText(
            f"<span style='font-size:13pt'><b>{html.escape(head)}</b></span><br>"
            f"{html.escape(meta)}{note}"
        )
        total = max(1, counts["total"])
        self.bar.setRange(0, total)
        self.bar.setValue(counts["acknowledged"])
        percent = round(100 * counts["acknowledged"] / total)
        self.bar.setFormat(
            tr("%1 of %2 acknowledged (%3 %)")
            .replace("%1", str(counts["acknowledged"]))
            .replace("%2", str(counts["total"]))
            .replace("%3", str(percent))
        )
        median = r.get("median_seconds_to_ack")
        parts = [
            f"{state_word('opened')}: {counts['opened']}",
            f"{state_word('not_opened')}: {counts['not_opened']}",
            f"{state_word('not_received')}: {counts['not_received']}",
        ]
        if median is not None:
            parts.append(tr("median time to acknowledge: %1").replace("%1", duration(median)))
        self.counts.setText(" · ".join(parts))
        rows = [
            (tr("Role: %1").replace("%1", role_word(k)), "", v) for k, v in r["by_role"].items()
        ]
        # The topics it was aimed at first; then the other topics those people read.
        aimed = {t.partition(":")[2] for t in r.get("for") or () if t.startswith("topic:")}
        topics = sorted(r["by_topic"].items(), key=lambda kv: (kv[0] not in aimed, kv[0]))
        for topic, c in topics:
            if not aimed or topic in aimed:
                rows.append((tr("Topic: %1").replace("%1", topic), "", c))
            else:
                why = tr("Not a topic this must-read is for: of the people who must read it, "
                         "these also read %1.").replace("%1", topic)  # fmt: skip
                rows.append((tr("Also reads %1").replace("%1", topic), why, c))
        self.groups.setRowCount(len(rows))
        for i, (name, why, c) in enumerate(rows):
            share = round(100 * c["acknowledged"] / c["total"]) if c["total"] else 0
            for j, value in enumerate((name, str(c["total"]), str(c["acknowledged"]), f"{share}")):
                cell = QTableWidgetItem(value)
                if why:
                    cell.setToolTip(why)
                    if j == 0:
                        cell.setForeground(QColor(self.colours.muted))
                self.groups.setItem(i, j, cell)
        self.export.setEnabled(True)
        self.open_button.setEnabled(True)
        self._fill_people()

    def _fill_people(self) -> None:
        if self.report is None:
            return
        chosen = self.filter.currentData()
        users = [u for u in self.report["users"] if _shows(u["state"], chosen)]
        colour = {
            "acknowledged": self.colours.online,
            "opened": self.colours.syncing,
            "not_opened": self.colours.flag,
            "not_received": self.colours.offline,
        }
        self.people.setSortingEnabled(False)
        self.people.setRowCount(len(users))
        for i, u in enumerate(users):
            name = u["name"] + ("  ●" if u.get("online") else "")
            values = (
                name,
                role_word(u["role"]),
                ", ".join(u["topics"]),
                state_word(u["state"]),
                when(u["opened_at"]) if u["opened_at"] else "–",
                when(u["acked_at"]) if u["acked_at"] else "–",
                duration(u["seconds_to_ack"]) if u["seconds_to_ack"] is not None else "–",
            )
            for j, value in enumerate(values):
                cell = QTableWidgetItem(value)
                if j == 0 and u.get("online"):
                    cell.setToolTip(tr("Online now"))
                if j == 3:
                    cell.setForeground(QColor(colour.get(u["state"], self.colours.text)))
                self.people.setItem(i, j, cell)
        self.people.setSortingEnabled(True)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Every column at least as wide as its contents and its header, the last one
        also taking the room left over; wider than the window, the table scrolls."""
        self.people.resizeColumnsToContents()
        header = self.people.horizontalHeader()
        last = self.people.columnCount() - 1
        spare = self.people.viewport().width() - header.length()
        if spare > 0:
            header.resizeSection(last, header.sectionSize(last) + spare)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.people.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_columns()
        return super().eventFilter(watched, event)

    # -- export ---------------------------------------------------------------------------------

    def export_csv(self, path: str | None = None) -> str | None:
        """Write the chosen must-read's coverage as CSV; returns the path written."""
        if self.report is None:
            return None
        if path is None:
            suggested = f"acks-{self.report['doc']}-v{self.report['rev']}.csv"
            path, _ = QFileDialog.getSaveFileName(
                self, tr("Export coverage"), suggested, tr("CSV files (*.csv)")
            )
            if not path:
                return None
        with open(path, "w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows(csv_rows(self.report))
        self.message.setText(tr("Saved %1").replace("%1", path))
        return path
