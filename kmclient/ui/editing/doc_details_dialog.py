"""Document ▸ Details (Alt+Enter): a document's title and topics for its editors; its
audience, owner, editors and review rules (review required before publishing,
how often it must be verified) for supervisors. Publishing and archiving are
actions of their own (Document ▸ Publish…, Archive…), not details.

Only what was changed is sent (``engine.set_meta``), so two people changing
different details do not undo each other. The dialog waits for the server: a
refusal (say, the user lost the right to edit meanwhile) shows inline, calmly,
and the dialog stays; success closes it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kmclient.core.model import DocInfo, RequestAnswered
from kmclient.ui.editing.doc_fields import (
    EVERYONE,
    AudienceBox,
    RequestStatus,
    known_people,
    known_topics,
    names_from,
    people_line,
    person_box,
    topic_needed,
)
from kmclient.ui.editing.topic_picker import TopicPicker
from kmclient.ui.i18n import roles_word, tr
from kmclient.ui.shell.engine_bridge import EngineBridge
from kmclient.ui.shell.server_requests import PendingRequest, refusal_text


def audience_words(audience: tuple[str, ...]) -> str:
    if not audience or EVERYONE in audience:
        return tr("Everyone")
    return ", ".join(roles_word(a) for a in audience).capitalize()


class DocDetailsDialog(QDialog):
    saved = Signal(str)  # doc id

    def __init__(self, bridge: EngineBridge, info: DocInfo, parent: QWidget | None = None):
        super().__init__(parent)
        self.engine = bridge.engine
        self.info = info
        user = self.engine.user
        self.supervisor = bool(user and user.role == "supervisor")
        self.setWindowTitle(tr("Details of “{title}”").format(title=info.title))
        self.setMinimumWidth(500)
        self._request = PendingRequest(bridge, self)
        self._request.answered.connect(self._on_answer)

        self.title = QLineEdit(info.title)
        self.topics = TopicPicker(
            known_topics(self.engine), chosen=info.topics, first=user.topics if user else ()
        )
        form = QFormLayout()
        form.addRow(tr("&Title"), self.title)
        form.addRow(tr("T&opics"), self.topics)
        people = known_people(self.engine)
        self.owner = person_box(people, info.owner or "")
        self.editors = people_line(people, info.editors)
        self.audience = AudienceBox(info.audience or (EVERYONE,))
        self.review_required = QCheckBox(
            tr("A supervisor reviews each version before readers see it")
        )
        self.review_required.setChecked(info.review_required)
        self.review_every = QSpinBox()
        # 0 shows "the server's default"; once a document has its own interval it keeps one.
        self.review_every.setRange(1 if info.review_every else 0, 3650)
        self.review_every.setSpecialValueText(tr("The server's default"))
        self.review_every.setSuffix(" " + tr("days"))
        self.review_every.setValue(info.review_every or 0)
        self.review_every.setAccessibleName(tr("Verify every"))
        if self.supervisor:
            form.addRow(tr("&Audience"), self.audience)
            form.addRow(tr("O&wner"), self.owner)
            form.addRow(tr("&Editors"), self.editors)
            form.addRow(tr("Re&view"), self.review_required)
            form.addRow(tr("Verify e&very"), self.review_every)
        else:  # shown, so an owner knows who sees it; changed by supervisors only
            every = (
                tr("%n day(s)", "", info.review_every)
                if info.review_every
                else tr("The server's default")
            )
            for label, value in (
                (tr("Audience"), audience_words(info.audience)),
                (tr("Owner"), info.owner or "–"),
                (tr("Editors"), ", ".join(info.editors) or "–"),
                (tr("Review"), tr("Required") if info.review_required else tr("Not required")),
                (tr("Verify every"), every),
            ):
                shown = QLabel(value)
                shown.setObjectName("formValue")
                form.addRow(label, shown)
            note = QLabel(tr("Supervisors change audience, owner, editors and review rules."))
            note.setObjectName("formHint")
            form.addRow("", note)
        self.status = RequestStatus()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.status)
        box.addWidget(self.buttons)
        self.title.setFocus()
        self.title.selectAll()

    def changes(self) -> dict[str, Any]:
        """The fields that differ from the document's details when the dialog opened."""
        info, changed = self.info, {}
        title = self.title.text().strip()
        if title != info.title:
            changed["title"] = title
        if set(self.topics.topics()) != set(info.topics):
            changed["topics"] = self.topics.topics()
        if self.supervisor:
            if self.review_required.isChecked() != info.review_required:
                changed["review_required"] = self.review_required.isChecked()
            every = self.review_every.value() or None
            if every != info.review_every and every is not None:
                changed["review_every"] = every
            if set(self.audience.audience()) != set(info.audience or (EVERYONE,)):
                changed["audience"] = self.audience.audience()
            owner = self.owner.currentText().strip()
            if owner and owner != info.owner:
                changed["owner"] = owner
            editors = names_from(self.editors.text())
            if editors != list(info.editors):
                changed["editors"] = editors
        return changed

    def submit(self) -> None:
        if self._request.waiting:
            return
        if not self.title.text().strip():
            self.status.show_error(tr("A document needs a title."))
            self.title.setFocus()
            return
        if not self.topics.topics():
            self.status.show_error(topic_needed())
            self.topics.list.setFocus()
            return
        if self.supervisor and not self.audience.roles_chosen():
            self.status.show_error(tr("Choose who may read it: everyone, or at least one role."))
            return
        changes = self.changes()
        if not changes:
            self.accept()
            return
        not_sent = self._request.send(lambda: self.engine.set_meta(self.info.id, **changes))
        if not_sent:
            self.status.show_error(not_sent)
            return
        self.status.set_busy(tr("Saving…"))
        self.save_button.setEnabled(False)

    def _on_answer(self, answer: RequestAnswered) -> None:
        self.save_button.setEnabled(True)
        if answer.ok:
            self.status.set_busy(None)
            self.saved.emit(self.info.id)
            self.accept()
        else:
            self.status.show_error(refusal_text(answer))

    def reject(self) -> None:
        self._request.forget()
        super().reject()

    def error_text(self) -> str:
        return self.status.error_text()
