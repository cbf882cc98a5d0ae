"""What a must-read asks the rep to read: the changes since the version they last
acknowledged, as a word diff, with "I have read this" at the bottom.

The acknowledged version's text is kept on this computer when the rep
acknowledges it, so the diff works offline; acknowledged on another computer,
it is fetched from the server (``revision``). A rep who has acknowledged no
earlier version sees what this version changed (against the one before it),
and a first version is read whole.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kmclient.core.model import QueryAnswered, RecordsChanged
from kmclient.ui.i18n import tr
from kmclient.ui.publishing.diff_view import DiffView
from kmclient.ui.publishing.queries import Queries, failure_text
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.shell.theme import LIGHT, Colours
from kmclient.ui.shell.tool_window import ToolWindow


class WhatChangedWindow(ToolWindow):
    acknowledgeRequested = Signal(str)

    def __init__(
        self, bridge: EngineBridge, doc_id: str, parent: QWidget, colours: Colours = LIGHT
    ) -> None:
        super().__init__(parent)
        self.setObjectName("whatChangedWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.bridge = bridge
        self.engine = bridge.engine
        self.doc_id = doc_id
        self.queries = Queries(bridge, self)
        info = self.engine.doc(doc_id)
        title = info.title if info else doc_id
        self.setWindowTitle(tr("What changed: %1").replace("%1", title))
        self.resize(760, 620)
        self.intro = QLabel()
        self.intro.setObjectName("formIntro")
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.RichText)
        self.summary = QLabel()
        self.summary.setObjectName("diffSummary")
        self.diff = DiffView()
        self.diff.set_colours(colours)
        self.diff.set_compact(True)
        self.whole = QCheckBox(tr("Show the &whole text"))
        self.whole.toggled.connect(lambda on: self.diff.set_compact(not on))
        self.ack = QPushButton(tr("I have read this"))
        self.ack.setObjectName("acknowledgeButton")
        self.ack.setDefault(True)
        self.ack.clicked.connect(self._acknowledge)
        QShortcut(QKeySequence("Ctrl+Shift+A"), self, activated=self._acknowledge)
        buttons = QHBoxLayout()
        buttons.addWidget(self.whole)
        buttons.addStretch(1)
        buttons.addWidget(self.ack)
        buttons.addWidget(self.close_button())
        box = QVBoxLayout(self)
        box.addWidget(self.intro)
        box.addWidget(self.summary)
        box.addWidget(self.diff, 1)
        box.addLayout(buttons)
        bridge.recordsChanged.connect(self._on_records)
        self.show_changes()

    def show_changes(self) -> None:
        info = self.engine.doc(self.doc_id)
        if info is None:
            self.diff.show_message(tr("This document is no longer shared with you."))
            self.ack.hide()
            return
        changed = self.engine.what_changed(self.doc_id)
        must = self.engine.must_read_of(self.doc_id)
        self.ack.setVisible(must is not None and not must.acknowledged)
        if changed.base_rev is not None:
            self.intro.setText(
                html.escape(
                    tr("Version %1, against version %2: the one you last acknowledged.")
                    .replace("%1", str(changed.rev))
                    .replace("%2", str(changed.base_rev))
                )
            )
            if changed.base_text is not None:
                self._show(changed.base_text, changed.text)
            else:
                self._fetch(changed.base_rev, changed.text)
            return
        if changed.rev <= 1:
            self.intro.setText(html.escape(tr("The first version: read it whole.")))
            self.whole.setChecked(True)
            self._show("", changed.text)
            return
        self.intro.setText(
            html.escape(
                tr("What version %1 changed, against version %2.")
                .replace("%1", str(changed.rev))
                .replace("%2", str(changed.rev - 1))
            )
        )
        previous = self.engine.previous_revision(self.doc_id)
        if previous is not None and previous[0] == changed.rev - 1:
            self._show(previous[1], changed.text)
        else:
            self._fetch(changed.rev - 1, changed.text)

    def _show(self, old: str, new: str) -> None:
        summary = self.diff.show_diff(old, new)
        self.summary.setText(summary)

    def _fetch(self, rev: int, text: str) -> None:
        self.summary.setText(tr("Fetching version %1 from the server…").replace("%1", str(rev)))

        def answered(answer: QueryAnswered) -> None:
            if answer.ok:
                self._show(str(answer.data.get("text") or ""), text)
            else:
                self.summary.setText(failure_text(answer))

        why_not = self.queries.ask("revision", answered, doc=self.doc_id, rev=rev)
        if why_not is not None:
            self.summary.setText(why_not)
            self.diff.show_message(text)

    def _acknowledge(self) -> None:
        if self.ack.isVisible():
            self.acknowledgeRequested.emit(self.doc_id)

    def _on_records(self, event: RecordsChanged) -> None:
        if "ack" in event.kinds and self.doc_id in event.doc_ids:
            must = self.engine.must_read_of(self.doc_id)
            self.ack.setVisible(must is not None and not must.acknowledged)
