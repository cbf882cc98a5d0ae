"""Who a must-read or a broadcast is for: roles, topics (their reps), named people.

The terms are those of kmserver/protocol/audience.py (``rep``, ``topic:parking``,
``user:anna``); the server checks them for every user on delivery, so someone
given the topic tomorrow is in the audience too. ``describe`` says an audience
in words for the screens that show one.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QWidget,
)

from kmclient.ui.i18n import tr

ROLE_WORDS = {
    "rep": lambda: tr("Reps"),
    "owner": lambda: tr("Content owners"),
    "supervisor": lambda: tr("Supervisors"),
    "everyone": lambda: tr("Everyone"),
}


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def describe(terms: Iterable[str]) -> str:
    """``reps, topic parking, anna`` in the app's language."""
    words = []
    for term in terms:
        kind, _, value = term.partition(":")
        if kind == "topic" and value:
            words.append(tr("reps in %1").replace("%1", value))
        elif kind == "user" and value:
            words.append(value)
        elif term in ROLE_WORDS:
            words.append(ROLE_WORDS[term]().lower())
        else:
            words.append(term)
    return ", ".join(words)


class AudiencePicker(QWidget):
    changed = Signal()

    def __init__(self, topics: Iterable[str] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("audiencePicker")
        self.roles: dict[str, QCheckBox] = {}
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for role in ("rep", "owner", "supervisor", "everyone"):
            box = QCheckBox(ROLE_WORDS[role]())
            box.setObjectName(f"audience_{role}")
            box.toggled.connect(self._on_toggled)
            self.roles[role] = box
            row.addWidget(box)
        row.addStretch(1)
        self.topics = QLineEdit()
        self.topics.setObjectName("audienceTopics")
        self.topics.setPlaceholderText(tr("e.g. parking, waste: the reps of these topics"))
        self.topics.setAccessibleName(tr("Topics"))
        known = sorted(set(topics))
        if known:
            completer = QCompleter(known, self.topics)
            completer.setCaseSensitivity(completer.caseSensitivity().CaseInsensitive)
            self.topics.setCompleter(completer)
        self.people = QLineEdit()
        self.people.setObjectName("audiencePeople")
        self.people.setPlaceholderText(tr("user names, separated by commas"))
        self.people.setAccessibleName(tr("People"))
        for field in (self.topics, self.people):
            field.textChanged.connect(self.changed)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        roles = QWidget()
        roles.setLayout(row)
        form.addRow(tr("Roles:"), roles)
        form.addRow(tr("Reps in topics:"), self.topics)
        form.addRow(tr("People:"), self.people)

    def _on_toggled(self, _on: bool) -> None:
        everyone = self.roles["everyone"].isChecked()
        for role, box in self.roles.items():
            if role != "everyone":
                box.setEnabled(not everyone)
        self.changed.emit()

    def terms(self) -> list[str]:
        if self.roles["everyone"].isChecked():
            return ["everyone"]
        terms = [role for role, box in self.roles.items() if box.isChecked()]
        terms += [f"topic:{t}" for t in _split(self.topics.text())]
        terms += [f"user:{name}" for name in _split(self.people.text())]
        return list(dict.fromkeys(terms))

    def set_terms(self, terms: Iterable[str]) -> None:
        topics, people = [], []
        for box in self.roles.values():
            box.setChecked(False)
        for term in terms:
            kind, _, value = term.partition(":")
            if term in self.roles:
                self.roles[term].setChecked(True)
            elif kind == "topic":
                topics.append(value)
            elif kind == "user":
                people.append(value)
        self.topics.setText(", ".join(topics))
        self.people.setText(", ".join(people))
