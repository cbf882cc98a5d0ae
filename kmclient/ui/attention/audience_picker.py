"""Who a must-read or a broadcast is for: roles, topics (their reps), named people.

The terms are those of kmserver/protocol/audience.py (``rep``, ``topic:parking``,
``user:anna``); the server checks them for every user on delivery, so someone
given the topic tomorrow is in the audience too, and refuses a name or topic
nobody has. Topics may be typed as the tree shows them ("Building permits") or
as ids, in any case; one that matches no known topic is caught here, before the
dialog closes. ``describe`` says an audience in words for the screens that show one.
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
from kmclient.ui.library.doc_tree_model import topic_label

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
        self.topics.setAccessibleName(tr("Topics"))
        known = sorted(set(topics))
        # what may be typed for a topic (its id, its label, either in any case) -> its id
        self._topic_ids = {
            spelling.casefold(): topic
            for topic in known
            for spelling in (topic, topic_label(topic))
        }
        examples = ", ".join(topic_label(t).lower() for t in known[:2])
        self.topics.setPlaceholderText(
            tr("e.g. %1: the reps of these topics").replace("%1", examples)
            if examples
            else tr("the reps of these topics, separated by commas")
        )
        if known:
            completer = QCompleter([topic_label(t) for t in known], self.topics)
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
        # Labels above their fields: inside another form's field column, labels beside
        # them left the role boxes too narrow for longer (Swedish) words.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
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
        terms += [f"topic:{self._topic_ids.get(t.casefold(), t)}" for t in self._typed_topics()]
        terms += [f"user:{name}" for name in _split(self.people.text())]
        return list(dict.fromkeys(terms))

    def _typed_topics(self) -> list[str]:
        return _split(self.topics.text())

    def problem(self) -> str | None:
        """Why these terms cannot be sent as they are (a topic nobody has), or None.
        Names are checked by the server, which knows every user."""
        if not self._topic_ids:
            return None  # no topics known here: the server decides
        unknown = [t for t in self._typed_topics() if t.casefold() not in self._topic_ids]
        if not unknown:
            return None
        known = sorted({topic_label(t) for t in self._topic_ids.values()})
        return (
            tr("There is no topic “%1”. Topics: %2.")
            .replace("%1", unknown[0])
            .replace("%2", ", ".join(known))
        )

    def set_terms(self, terms: Iterable[str]) -> None:
        topics, people = [], []
        for box in self.roles.values():
            box.setChecked(False)
        for term in terms:
            kind, _, value = term.partition(":")
            if term in self.roles:
                self.roles[term].setChecked(True)
            elif kind == "topic":
                topics.append(topic_label(value))
            elif kind == "user":
                people.append(value)
        self.topics.setText(", ".join(topics))
        self.people.setText(", ".join(people))
