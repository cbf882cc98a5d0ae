"""Supervisors: send an early warning (Ctrl+Shift+B).

Short text, severity, who it is for, how long it shows, and a link to the
open document if that helps. It reaches every targeted window within a
second; offline it is sent when the connection is back (and says so).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kmclient.core.feedback_requests import InvalidRequest, NoSuchDocument, NotAllowed
from kmclient.core.sync_engine import SyncEngine
from kmclient.ui.attention.audience_picker import AudiencePicker
from kmclient.ui.attention.broadcast_bar import severity_word
from kmclient.ui.attention.must_read_fields import known_topics
from kmclient.ui.i18n import tr
from kmserver.protocol.messages import MAX_BROADCAST, SEVERITIES

EXPIRIES = (  # seconds, words
    (900, lambda: tr("15 minutes")),
    (1800, lambda: tr("30 minutes")),
    (3600, lambda: tr("1 hour")),
    (7200, lambda: tr("2 hours")),
    (4 * 3600, lambda: tr("4 hours")),
    (8 * 3600, lambda: tr("8 hours (a working day)")),
    (86400, lambda: tr("1 day")),
    (7 * 86400, lambda: tr("1 week")),
)


@dataclass(frozen=True)
class BroadcastDraft:
    text: str
    severity: str
    terms: list[str]
    expires_in: int
    link: bool


def info_linkable(dialog: BroadcastDialog) -> bool:
    return dialog.link_doc is not None and dialog.engine.doc(dialog.link_doc) is not None


class BroadcastDialog(QDialog):
    sent = Signal(str)  # the broadcast's id

    def __init__(
        self, engine: SyncEngine, link_doc: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("broadcastDialog")
        self.engine = engine
        self.setWindowTitle(tr("Send a broadcast"))
        self.setMinimumWidth(560)
        intro = QLabel(
            tr(
                "A banner at the top of every targeted window, within a second. "
                "It stays until it expires or you end it."
            )
        )
        intro.setObjectName("formIntro")
        intro.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setObjectName("broadcastTextEdit")
        self.text.setPlaceholderText(
            tr("e.g. Phone lines to the north district are down: tell callers to use the e-service")
        )
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(86)
        self.count = QLabel()
        self.count.setObjectName("charCount")
        self.text.textChanged.connect(self._count)
        self.severity: dict[str, QRadioButton] = {}
        group = QButtonGroup(self)
        sev_row = QHBoxLayout()
        sev_row.setContentsMargins(0, 0, 0, 0)
        for name in SEVERITIES:
            button = QRadioButton(severity_word(name))
            button.setObjectName(f"severity_{name}")
            group.addButton(button)
            self.severity[name] = button
            sev_row.addWidget(button)
        sev_row.addStretch(1)
        self.severity["warning"].setChecked(True)
        self.critical_hint = QLabel(tr("Critical: red, and no one can hide it before it ends."))
        self.critical_hint.setObjectName("formHint")
        self.severity["critical"].toggled.connect(self.critical_hint.setVisible)
        self.critical_hint.hide()
        self.audience = AudiencePicker(known_topics(engine))
        self.audience.set_terms(["rep"])
        self.expires = QComboBox()
        self.expires.setObjectName("broadcastExpires")
        for seconds, words in EXPIRIES:
            self.expires.addItem(words(), seconds)
        self.expires.setCurrentIndex(3)  # 2 hours
        self.link = QCheckBox()
        self.link.setObjectName("broadcastLink")
        self.link_doc = link_doc
        info = engine.doc(link_doc) if link_doc else None
        if info is not None:
            self.link.setText(tr("Link to “%1”").replace("%1", info.title))
        else:
            self.link.hide()
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(tr("&Send"))
        buttons.accepted.connect(self.send)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.send)
        severity = QWidget()
        severity.setLayout(sev_row)
        form = QFormLayout()
        form.addRow(tr("Message:"), self.text)
        form.addRow("", self.count)
        form.addRow(tr("Severity:"), severity)
        form.addRow("", self.critical_hint)
        form.addRow(tr("For:"), self.audience)
        form.addRow(tr("Shows for:"), self.expires)
        form.addRow("", self.link)
        box = QVBoxLayout(self)
        box.addWidget(intro)
        box.addLayout(form)
        box.addWidget(self.error)
        box.addWidget(buttons)
        self._count()
        self.text.setFocus()

    def _count(self) -> None:
        n = len(self.text.toPlainText())
        self.count.setText(
            tr("%1 of %2 characters").replace("%1", str(n)).replace("%2", str(MAX_BROADCAST))
        )
        self.count.setProperty("over", n > MAX_BROADCAST)
        self.count.style().unpolish(self.count)
        self.count.style().polish(self.count)

    def chosen_severity(self) -> str:
        return next(name for name, b in self.severity.items() if b.isChecked())

    def send(self) -> None:
        text = self.text.toPlainText().strip()
        if not text:
            self._fail(tr("Write the message first."))
            return
        if len(text) > MAX_BROADCAST:
            self._fail(
                tr("A broadcast is at most %1 characters.").replace("%1", str(MAX_BROADCAST))
            )
            return
        terms = self.audience.terms()
        if not terms:
            self._fail(tr("Say who it is for: a role, reps in a topic, or people."))
            return
        if problem := self.audience.problem():
            self._fail(problem)
            return
        try:
            broadcast_id = self.engine.send_broadcast(
                text,
                terms,
                severity=self.chosen_severity(),
                expires_in=int(self.expires.currentData()),
                link=self.link_doc if info_linkable(self) and self.link.isChecked() else None,
            )
        except (InvalidRequest, NotAllowed, NoSuchDocument) as exc:
            self._fail(str(exc))
            return
        self.sent.emit(broadcast_id)
        self.accept()

    def draft(self) -> BroadcastDraft:
        """What was typed and chosen, to give it back if the server refuses it."""
        return BroadcastDraft(
            self.text.toPlainText(),
            self.chosen_severity(),
            self.audience.terms(),
            int(self.expires.currentData()),
            self.link.isChecked(),
        )

    def restore(self, draft: BroadcastDraft, error: str) -> None:
        """A refused broadcast back in the dialog, with the server's reason."""
        self.text.setPlainText(draft.text)
        self.severity[draft.severity].setChecked(True)
        self.audience.set_terms(draft.terms)
        self.expires.setCurrentIndex(max(0, self.expires.findData(draft.expires_in)))
        self.link.setChecked(draft.link)
        self._fail(error)

    def _fail(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
