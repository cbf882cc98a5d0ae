"""File ▸ New document (Ctrl+N): title, id, topics; for supervisors also owner and audience.

Owners create documents they own, supervisors for anyone; either may publish it at
once (off by default: an empty page should not reach the reps), else it starts as
a draft. The id follows the title as a
file-name-safe slug until the user edits it. The dialog waits for the server:
a taken id or a refusal shows inline and the dialog stays; success closes it and
``created(doc_id)`` lets the window open the new document for writing.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kmclient.core.feedback_requests import NoSuchDocument, NotAllowed
from kmclient.core.model import RequestAnswered
from kmclient.ui.editing.doc_fields import (
    AudienceBox,
    RequestStatus,
    known_people,
    known_topics,
    person_box,
    topic_needed,
)
from kmclient.ui.editing.doc_ids import ID_PATTERN, slugify, valid_id
from kmclient.ui.editing.topic_picker import TopicPicker
from kmclient.ui.i18n import tr
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.shell.server_requests import PendingRequest, refusal_text


def starting_body(title: str) -> str:
    """A new document starts with its title as the heading (the reader hides it)."""
    return f"# {title.strip()}\n\n"


class NewDocDialog(QDialog):
    created = Signal(str)  # doc id, once the server has it

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = bridge.engine
        user = self.engine.user
        self.supervisor = bool(user and user.role == "supervisor")
        self.setWindowTitle(tr("New document"))
        self.setMinimumWidth(480)
        self._request = PendingRequest(bridge, self)
        self._request.answered.connect(self._on_answer)
        self._id_edited = False

        self.title = QLineEdit()
        self.title.setPlaceholderText(
            tr("What a rep would look for, e.g. Parking permit for visitors")
        )
        self.doc_id = QLineEdit()
        self.doc_id.setValidator(QRegularExpressionValidator(ID_PATTERN, self.doc_id))
        self.doc_id.setPlaceholderText(tr("made from the title"))
        id_hint = QLabel(tr("Letters, digits, - _ and . only; used in links and file names."))
        id_hint.setObjectName("formHint")
        self.topics = TopicPicker(
            known_topics(self.engine), chosen=(), first=user.topics if user else ()
        )
        form = QFormLayout()
        form.addRow(tr("&Title"), self.title)
        form.addRow(tr("&Id"), self.doc_id)
        form.addRow("", id_hint)
        form.addRow(tr("T&opics"), self.topics)
        self.owner = person_box(known_people(self.engine), user.name if user else "")
        self.audience = AudienceBox()
        self.publish_now = QCheckBox(tr("&Publish at once (readers see it immediately)"))
        if self.supervisor:
            form.addRow(tr("O&wner"), self.owner)
            form.addRow(tr("&Audience"), self.audience)
        form.addRow("", self.publish_now)
        intro = QLabel(
            tr(
                "Unless you publish it at once, the new document starts as a <b>draft</b>: "
                "only its editors and supervisors see it until it is published "
                "(Document ▸ Publish…)."
            )
        )
        intro.setWordWrap(True)
        intro.setObjectName("formIntro")
        self.status = RequestStatus()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.create_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText(tr("Create"))
        self.create_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(intro)
        box.addLayout(form)
        box.addWidget(self.status)
        box.addWidget(self.buttons)
        self.title.textChanged.connect(self._on_title)
        self.doc_id.textEdited.connect(self._on_id_edited)
        self.title.setFocus()

    # -- fields ------------------------------------------------------------------------

    def _on_title(self, title: str) -> None:
        if not self._id_edited:
            self.doc_id.setText(slugify(title))

    def _on_id_edited(self, text: str) -> None:
        self._id_edited = bool(text)  # emptied: follow the title again
        if not text:
            self.doc_id.setText(slugify(self.title.text()))

    def _problem(self) -> tuple[str, QWidget] | None:
        if not self.title.text().strip():
            return tr("Give the document a title."), self.title
        if not valid_id(self.doc_id.text()):
            return (
                tr("Give an id: letters, digits, - _ and . (not starting with .)."),
                self.doc_id,
            )
        if not self.topics.topics():
            return topic_needed(), self.topics.list
        if self.supervisor and not self.owner.currentText().strip():
            return tr("Name the owner: the person who keeps it correct."), self.owner
        return None

    # -- asking the server -------------------------------------------------------------------

    def submit(self) -> None:
        if self._request.waiting:
            return
        problem = self._problem()
        if problem is not None:
            self.status.show_error(problem[0])
            problem[1].setFocus()
            return
        title = self.title.text().strip()
        meta: dict[str, object] = {"topics": self.topics.topics()}
        if self.supervisor:
            meta["owner"] = self.owner.currentText().strip()
            meta["audience"] = self.audience.audience()
        doc_id = self.doc_id.text()
        not_sent = self._request.send(
            lambda: self.engine.create_doc(doc_id, title, starting_body(title), **meta)
        )
        if not_sent:
            self.status.show_error(not_sent)
            return
        self._set_busy(True)

    def _on_answer(self, answer: RequestAnswered) -> None:
        self._set_busy(False)
        if answer.ok:
            doc_id = answer.doc_id or self.doc_id.text()
            if self.publish_now.isChecked():
                try:  # queued like any publication: sent now, or when online again
                    self.engine.publish(doc_id, tr("First version"))
                except (NotAllowed, NoSuchDocument) as exc:
                    self.status.show_error(
                        tr("Created, but not published: {reason}").format(reason=exc)
                    )
            self.created.emit(doc_id)
            self.accept()
            return
        self.status.show_error(refusal_text(answer))
        if answer.code == "conflict":
            self._id_edited = True  # the user picks the id now
            self.doc_id.setFocus()
            self.doc_id.selectAll()

    def _set_busy(self, busy: bool) -> None:
        self.status.set_busy(tr("Creating…") if busy else None)
        self.create_button.setEnabled(not busy)
        if not busy:
            # Disabled while focused, Create passed the focus to Cancel, and Qt made the
            # focused button the default: Enter would cancel and lose what was typed.
            self.create_button.setDefault(True)
        for field in (self.title, self.doc_id):
            field.setReadOnly(busy)

    def reject(self) -> None:
        self._request.forget()  # a late answer still creates it; the tree will show it
        super().reject()

    def error_text(self) -> str:
        return self.status.error_text()
