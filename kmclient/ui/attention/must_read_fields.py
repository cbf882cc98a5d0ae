"""Making a version a must-read: the fields in the publish dialog (supervisors), and
Document ▸ Make a must-read… for the version already published.

Who must read it (roles, reps in topics, people), by when (optional), and how
often those who have not are reminded. The server sends the reminders and
tells the supervisor when the due time passes with people still waiting.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDateTime, QTime, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kmclient.core.feedback_requests import InvalidRequest, NoSuchDocument, NotAllowed
from kmclient.core.publishing_api import MustReadSpec
from kmclient.core.sync_engine import SyncEngine
from kmclient.ui.attention.audience_picker import AudiencePicker
from kmclient.ui.i18n import tr

REMINDERS = (  # seconds, words
    (None, lambda: tr("Never")),
    (3600, lambda: tr("Every hour")),
    (4 * 3600, lambda: tr("Every 4 hours")),
    (86400, lambda: tr("Every day")),
)


def known_topics(engine: SyncEngine) -> list[str]:
    return sorted({t for d in engine.documents(all_topics=True) for t in d.topics})


class MustReadFields(QGroupBox):
    """Checkable: unchecked, an ordinary publication."""

    changed = Signal()

    def __init__(self, engine: SyncEngine, checked: bool = False, parent: QWidget | None = None):
        super().__init__(tr("&Must read: readers acknowledge this version"), parent)
        self.setObjectName("mustReadFields")
        self.setCheckable(True)
        self.setChecked(checked)
        self.audience = AudiencePicker(known_topics(engine))
        self.audience.set_terms(["rep"])
        self.has_due = QCheckBox(tr("Due by"))
        self.has_due.setObjectName("mustReadHasDue")
        self.due = QDateTimeEdit()
        self.due.setObjectName("mustReadDue")
        self.due.setCalendarPopup(True)
        tomorrow = QDateTime.currentDateTime().addDays(2)
        tomorrow.setTime(QTime(12, 0))
        self.due.setDateTime(tomorrow)
        self.due.setMinimumDateTime(QDateTime.currentDateTime())
        self.due.setEnabled(False)
        self.has_due.toggled.connect(self.due.setEnabled)
        self.remind = QComboBox()
        self.remind.setObjectName("mustReadRemind")
        for seconds, words in REMINDERS:
            self.remind.addItem(words(), seconds)
        self.remind.setCurrentIndex(2)  # every 4 hours
        due_row = QHBoxLayout()
        due_row.addWidget(self.has_due)
        due_row.addWidget(self.due, 1)
        form = QFormLayout(self)
        form.addRow(tr("Who:"), self.audience)
        due_widget = QWidget()
        due_widget.setLayout(due_row)
        due_row.setContentsMargins(0, 0, 0, 0)
        form.addRow(tr("When:"), due_widget)
        form.addRow(tr("Remind those who have not:"), self.remind)
        self.audience.changed.connect(self.changed)
        self.toggled.connect(lambda _on: self.changed.emit())

    def spec(self) -> MustReadSpec | None:
        """What to send, or None for an ordinary publication; InvalidRequest when
        something is missing (said in words for the dialog)."""
        if not self.isChecked():
            return None
        terms = self.audience.terms()
        if not terms:
            raise InvalidRequest(tr("Say who must read it: a role, reps in a topic, or people."))
        if problem := self.audience.problem():
            raise InvalidRequest(problem)
        due = None
        if self.has_due.isChecked():
            due = datetime.fromtimestamp(self.due.dateTime().toSecsSinceEpoch(), UTC)
            if due <= datetime.now(UTC) + timedelta(minutes=1):
                raise InvalidRequest(tr("The due time has passed: choose a later one."))
        return MustReadSpec(terms, due, self.remind.currentData())


class RequireReadingDialog(QDialog):
    """Document ▸ Make a must-read… (supervisors): the version readers have now."""

    sent = Signal(str)

    def __init__(self, engine: SyncEngine, doc_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("requireReadingDialog")
        self.engine = engine
        self.doc_id = doc_id
        info = engine.doc(doc_id)
        title = info.title if info else doc_id
        rev = info.rev if info else 0
        self.setWindowTitle(tr("Make a must-read: %1").replace("%1", title))
        self.setMinimumWidth(560)
        intro = QLabel(
            html.escape(
                tr("Everyone you choose must open version %1 and press “I have read this”.")
            ).replace("%1", str(rev))
        )
        intro.setObjectName("formIntro")
        intro.setWordWrap(True)
        self.fields = MustReadFields(engine, checked=True)
        self.fields.setCheckable(False)
        self.note = QLineEdit()
        self.note.setObjectName("mustReadNote")
        self.note.setMaxLength(2000)
        self.note.setPlaceholderText(tr("Why it matters, in a few words (they see this)"))
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(tr("&Make it a must-read"))
        buttons.accepted.connect(self.send)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.send)
        box = QVBoxLayout(self)
        box.addWidget(intro)
        box.addWidget(self.fields)
        box.addWidget(self.note)
        box.addWidget(self.error)
        box.addWidget(buttons)

    def send(self) -> None:
        try:
            spec = self.fields.spec()
            assert spec is not None
            self.engine.require_reading(
                self.doc_id,
                spec.audience,
                due=spec.due,
                remind_every=spec.remind_every,
                note=self.note.text(),
            )
        except (InvalidRequest, NotAllowed, NoSuchDocument) as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.sent.emit(self.doc_id)
        self.accept()
