"""Document ▸ Flag…: reason, note, urgency; the passage if one is selected.

Two clicks from the header's Flag button: pick a reason (the first is chosen)
and press Flag. The flag is stored at once and sent when online, so the
dialog never waits for the server; offline it says the flag will go later.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kmclient.core.feedback_requests import InvalidRequest, NoSuchDocument, NotAllowed
from kmclient.core.sync_engine import SyncEngine
from kmclient.ui.i18n import tr
from kmclient.ui.reading.passages import short_quote


def reasons() -> list[tuple[str, str]]:
    return [
        ("outdated", tr("&Outdated")),
        ("incorrect", tr("&Incorrect")),
        ("unclear", tr("&Unclear")),
        ("missing", tr("&Missing information")),
        ("other", tr("O&ther")),
    ]


def urgencies() -> list[tuple[str, str]]:
    return [
        ("low", tr("Low", "urgency")),
        ("normal", tr("Normal", "urgency")),
        ("high", tr("High: callers get a wrong answer")),
    ]


class FlagDialog(QDialog):
    flagged = Signal(str)  # the new flag's id

    def __init__(
        self,
        engine: SyncEngine,
        doc_id: str,
        passage: tuple[int, int] | None,
        quote: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.doc_id = doc_id
        self.passage = passage
        info = engine.doc(doc_id)
        self.setWindowTitle(tr("Flag document"))
        self.setObjectName("flagDialog")
        title = html.escape(info.title if info else doc_id)
        intro = QLabel(
            tr("Flag <b>{title}</b> for its owner:").format(title=title)
            if passage
            else tr("Flag <b>{title}</b> for its owner (the whole document):").format(title=title)
        )
        intro.setObjectName("formIntro")
        intro.setWordWrap(True)
        # Plain text: the reader's own words, quotes and angle brackets as they are.
        self.quote = QLabel(f"“{short_quote(quote)}”" if passage else "")
        self.quote.setTextFormat(Qt.TextFormat.PlainText)
        self.quote.setObjectName("flagQuote")
        self.quote.setWordWrap(True)
        self.quote.setVisible(bool(passage))
        self.reasons = QButtonGroup(self)
        reason_box = QVBoxLayout()
        reason_box.setSpacing(2)
        for i, (key, label) in enumerate(reasons()):
            button = QRadioButton(label)
            button.setProperty("reason", key)
            button.setChecked(i == 0)
            self.reasons.addButton(button, i)
            reason_box.addWidget(button)
        self.note = QPlainTextEdit()
        self.note.setObjectName("flagNote")
        self.note.setPlaceholderText(
            tr("What is wrong, or what callers are told instead (optional)")
        )
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(72)
        self.note.setToolTip(tr("Enter flags it; Shift+Enter starts a new line"))
        self.note.installEventFilter(self)
        self.urgency = QComboBox()
        for key, label in urgencies():
            self.urgency.addItem(label, key)
        self.urgency.setCurrentIndex(1)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout()
        form.addRow(tr("Reason"), reason_box)
        note_label = QLabel(tr("&Note"))
        note_label.setBuddy(self.note)
        form.addRow(note_label, self.note)
        urgency_label = QLabel(tr("Ur&gency"))
        urgency_label.setBuddy(self.urgency)
        form.addRow(urgency_label, self.urgency)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("&Flag"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(intro)
        box.addWidget(self.quote)
        box.addLayout(form)
        box.addWidget(self.error)
        box.addWidget(self.buttons)
        self.setMinimumWidth(420)
        self.reasons.button(0).setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter in the note sends, as everywhere else in the dialog; Shift+Enter: a new line.
        if watched is self.note and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            if enter and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.submit()
                return True
        return super().eventFilter(watched, event)

    def reason(self) -> str:
        button = self.reasons.checkedButton()
        return str(button.property("reason")) if button else "other"

    def set_reason(self, reason: str) -> None:
        for button in self.reasons.buttons():
            button.setChecked(button.property("reason") == reason)

    def submit(self) -> None:
        try:
            fid = self.engine.flag(
                self.doc_id,
                self.reason(),
                note=self.note.toPlainText().strip(),
                urgency=str(self.urgency.currentData()),
                passage=self.passage,
            )
        except (InvalidRequest, NotAllowed, NoSuchDocument) as exc:
            self.error.setText(tr("Not flagged: {reason}").format(reason=exc))
            self.error.show()
            return
        self.flagged.emit(fid)
        self.accept()
